"""Browser: the BPTT animation plays and the scrubber moves the highlighted step."""

import re
import time

import pytest

from tests.browser.conftest import assert_no_exception, open_page

pytestmark = pytest.mark.browser

STATE = """el => ({active: el._fullLayout.sliders[0].active, steps: el._fullLayout.sliders[0].steps.length,
                  highlight: el.data[7].x[0],
                  drawn: Array.from(el.querySelectorAll('.scatterlayer .trace')).pop()
                             .querySelector('path.js-line').getAttribute('d'),
                  label: el._fullLayout.sliders[0].steps[el._fullLayout.sliders[0].active].label})"""


def figure_state(page) -> dict:
    """STATE of the BPTT figure on screen (while it redraws, the newest of two copies)."""
    return page.evaluate(
        f"() => ({STATE})(Array.from(document.querySelectorAll('.st-key-bptt .js-plotly-plot')).pop())"
    )


def shown_step(page) -> int:
    """The player's "Step k of N" (1-based), as 0-based."""
    text = page.locator("[data-testid=stMarkdown]").filter(has_text=re.compile(r"^Step \d+ of")).first.inner_text()
    return int(re.search(r"Step (\d+) of", text).group(1)) - 1


def wait_for_step(page, plot, step: int) -> None:
    page.wait_for_function(  # the figure is redrawn: look it up afresh each time
        "n => { const el = Array.from(document.querySelectorAll('.st-key-bptt .js-plotly-plot')).pop();"
        " return el && el._fullLayout && el._fullLayout.sliders[0].active == n; }",
        arg=step,
        timeout=20_000,
    )
    assert shown_step(page) == step


def test_keys_step_through_both_passes_one_at_a_time(server, page):
    open_page(page, f"{server.url}/bptt?seq_len=4&num_layers=2&step=0")
    assert_no_exception(page)
    plot = page.locator(".st-key-bptt .js-plotly-plot")
    plot.locator(".main-svg").first.wait_for()
    start = figure_state(page)
    assert start["steps"] == 4 + 4 * 2 and start["active"] == 0 and start["label"] == "forward · step 0"
    page.mouse.click(900, 120)  # focus the page, not a widget
    for expected in range(1, 7):  # through the forward pass and into the backward pass, layer by layer
        page.keyboard.press("ArrowRight")
        wait_for_step(page, plot, expected)
        state = figure_state(page)
        assert state["active"] == expected
    assert state["label"] == "backward · step 2 · layer 1"
    page.keyboard.press("ArrowLeft")
    wait_for_step(page, plot, 5)
    assert figure_state(page)["label"] == "backward · step 3 · layer 0"
    assert "step=5" in page.url  # the step is in the link
    assert_no_exception(page)


def wait_for_button(page, name: str) -> None:
    """Wait for the visible button `name`; on timeout say which buttons the page showed instead."""
    try:
        page.get_by_role("button", name=re.compile(name)).filter(visible=True).first.wait_for(timeout=20_000)
    except Exception:
        shown = page.evaluate(
            "() => Array.from(document.querySelectorAll('button')).filter(b => b.offsetParent)"
            ".map(b => b.innerText.split('\\n')[0])"
        )
        raise AssertionError(f"no {name} button after 20 s at {page.url}; buttons shown: {shown}") from None


STEP_IS = """n => { const shown = Array.from(document.querySelectorAll('[data-testid=stMarkdown]'))
    .map(el => el.innerText.match(/^Step (\\d+) of/)).find(m => m);
    return shown && Number(shown[1]) - 1 >= n; }"""


def play(page, server, speed: float) -> None:
    open_page(page, f"{server.url}/bptt?seq_len=12&step=0&speed={speed:g}")
    wait_for_button(page, "Play")  # drawn, so its key is bound
    page.mouse.click(900, 120)
    page.keyboard.press(" ")  # Space: play
    wait_for_button(page, "Pause")


def test_space_plays_and_pauses(server, page):
    play(page, server, 0.6)
    page.wait_for_function(STEP_IS, arg=3, timeout=60_000)  # it moves by itself
    page.keyboard.press(" ")  # Space: pause
    try:
        page.get_by_role("button", name=re.compile("Play")).filter(visible=True).first.wait_for(timeout=10_000)
    except Exception:  # a press while the player redraws can be lost on a loaded machine: once more
        page.keyboard.press(" ")
    wait_for_button(page, "Play")
    stopped = shown_step(page)
    page.wait_for_timeout(2000)  # over three steps at this pace: nothing may move
    assert shown_step(page) == stopped  # paused means paused
    assert_no_exception(page)


def test_a_slow_pace_never_steps_sooner_than_chosen(server, page):
    play(page, server, 2.0)
    page.wait_for_function(STEP_IS, arg=1, timeout=60_000)
    moved = time.monotonic()
    page.wait_for_function(STEP_IS, arg=2, timeout=60_000)
    assert time.monotonic() - moved >= 1.6  # 2 s a step (the player allows 10% early); load only makes it later
    assert_no_exception(page)


SETTLED = f"""({{el, pass}}) => {{ const s = ({STATE})(el);
    const step = Number(s.label.split('step ')[1].split(' ')[0]);
    return s.label.startsWith(pass) && Math.abs(s.highlight - (step - 0.48)) < 1e-6; }}"""


def scrub_to(plot, fraction: float, direction: str) -> dict:
    """Click the slider rail at `fraction`; wait until that step's frame is drawn (the slider animates to it)."""
    rail = plot.locator(".slider-rail-touch-rect").first
    box = rail.bounding_box()
    rail.click(position={"x": box["width"] * fraction, "y": box["height"] / 2})
    plot.page.wait_for_function(SETTLED, arg={"el": plot.element_handle(), "pass": direction}, timeout=20_000)
    return plot.evaluate(STATE)  # the orange box sits on the step the slider names


def test_the_scrubber_moves_the_highlight_through_both_passes(server, page):
    open_page(page, f"{server.url}/bptt?seq_len=12&num_layers=2")
    assert_no_exception(page)
    plot = page.locator(".st-key-bptt .js-plotly-plot")
    plot.locator(".main-svg").first.wait_for()
    start = plot.evaluate(STATE)
    assert start["steps"] == 12 + 12 * 2 and start["active"] == start["steps"] - 1  # ends with the full picture
    scrubbed = scrub_to(plot, 0.15, "forward")  # into the forward pass: the orange box sits on that step
    assert scrubbed["active"] < 12
    backward = scrub_to(plot, 0.9, "backward")  # and into the backward pass
    assert backward["highlight"] != scrubbed["highlight"]
    assert backward["drawn"] != scrubbed["drawn"]  # the box is redrawn on screen, not only in the data
    assert_no_exception(page)
