"""Browser: the BPTT animation plays and the scrubber moves the highlighted step."""

import pytest

from tests.browser.conftest import assert_no_exception, open_page

pytestmark = pytest.mark.browser

STATE = """el => ({active: el._fullLayout.sliders[0].active, steps: el._fullLayout.sliders[0].steps.length,
                  highlight: el.data[7].x[0],
                  drawn: Array.from(el.querySelectorAll('.scatterlayer .trace')).pop()
                             .querySelector('path.js-line').getAttribute('d'),
                  label: el._fullLayout.sliders[0].steps[el._fullLayout.sliders[0].active].label})"""


def test_play_advances_frames_and_the_scrubber_moves_the_highlight(server, page):
    open_page(page, f"{server.url}/bptt?seq_len=12&num_layers=2")
    assert_no_exception(page)
    plot = page.locator(".st-key-bptt .js-plotly-plot")
    plot.locator(".main-svg").first.wait_for()
    start = plot.evaluate(STATE)
    assert start["steps"] == 12 + 12 * 2 and start["active"] == start["steps"] - 1  # ends with the full picture

    plot.locator(".updatemenu-button").first.click()  # ▶ Play: starts from the first forward frame
    page.wait_for_function(
        "el => el._fullLayout.sliders[0].active >= 3 && el._fullLayout.sliders[0].active < 30",
        arg=plot.element_handle(),
        timeout=10_000,
    )
    early = plot.evaluate(STATE)
    page.wait_for_timeout(400)
    later = plot.evaluate(STATE)
    assert later["active"] > early["active"]  # frames advance without any input
    page.wait_for_function(
        "el => el._fullLayout.sliders[0].active == el._fullLayout.sliders[0].steps.length - 1",
        arg=plot.element_handle(),
        timeout=20_000,
    )

    rail = plot.locator(".slider-rail-touch-rect").first
    box = rail.bounding_box()
    rail.click(position={"x": box["width"] * 0.15, "y": box["height"] / 2})  # scrub into the forward pass
    page.wait_for_timeout(500)
    scrubbed = plot.evaluate(STATE)
    assert scrubbed["active"] < 12 and scrubbed["label"].startswith("forward")
    step = int(scrubbed["label"].split("step ")[1])
    assert scrubbed["highlight"] == pytest.approx(step - 0.48)  # the orange box sits on that step
    rail.click(position={"x": box["width"] * 0.9, "y": box["height"] / 2})  # and into the backward pass
    page.wait_for_timeout(500)
    backward = plot.evaluate(STATE)
    assert backward["label"].startswith("backward")
    assert backward["highlight"] != scrubbed["highlight"]
    assert backward["drawn"] != scrubbed["drawn"]  # the box is redrawn on screen, not only in the data
    assert backward["highlight"] == pytest.approx(int(backward["label"].split("step ")[1].split()[0]) - 0.48)
    assert_no_exception(page)
