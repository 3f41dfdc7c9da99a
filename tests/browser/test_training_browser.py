"""Browser: a run advances on its own and stops; two sessions do not see each other's runs."""

import re
import time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import READY, assert_no_exception, open_page

pytestmark = pytest.mark.browser

LOSS_POINTS = """() => Math.max(0, ...Array.from(document.querySelectorAll('.st-key-loss_chart .js-plotly-plot'))
    .map(el => ((el._fullData || []).find(t => (t.name || '').endsWith('training loss')) || {x: []}).x.length))"""

NOT_HERE = re.compile("not training on this server any more|was ever saved")  # no live run for the link


def step_count(page) -> int:
    """The step shown; while the fragment redraws, an old and a new metric can both be on screen.
    Only the metric labelled exactly "Step" (a "solved at step 500" delta must not count)."""
    values = page.evaluate(
        """() => Array.from(document.querySelectorAll('[data-testid=stMetric]'))
            .filter(m => m.querySelector('[data-testid=stMetricLabel]').innerText.trim() === 'Step')
            .map(m => m.querySelector('[data-testid=stMetricValue]').innerText)"""
    )
    return max((int(re.sub(r"\D", "", text) or 0) for text in values), default=0)


def wait_for_more_steps(page, than: int, timeout: float = 20.0) -> int:
    deadline = time.time() + timeout
    while time.time() < deadline:
        steps = step_count(page)
        if steps > than:
            return steps
        page.wait_for_timeout(250)
    raise AssertionError(f"the step counter stayed at {than}")


def start_button(page):
    """The page's ▶ Start as the user sees it (Streamlit may keep a hidden copy of a button with help)."""
    page.wait_for_selector(READY)
    button = page.locator(".st-key-start_run button").filter(visible=True)
    expect(button).to_have_count(1, timeout=15_000)
    return button


def start_small_run(page, url, budget: str = "0", timeout: int = 30_000):
    open_page(page, url)
    for key, value in (("train_seq_len", "10"), ("train_steps", budget)):  # budget 0: until stopped
        field = page.locator(f".st-key-{key} input")
        field.fill(value)
        field.press("Enter")
        page.wait_for_timeout(500)
    page.get_by_role("button", name="▶ Start").click()
    page.locator("[data-testid=stMetric]").filter(has_text="Step").first.wait_for(timeout=timeout)


def test_run_advances_without_input_then_stops(server, page):
    start_small_run(page, f"{server.url}/train")
    page.wait_for_function(
        "() => { const el = document.querySelector('.st-key-loss_chart .js-plotly-plot');"
        " return el && el.data && el.data.length > 0; }",
        timeout=30_000,
    )
    first_steps = step_count(page)
    first_points = page.evaluate(LOSS_POINTS)
    # no clicks from here: the polling fragment redraws on its own
    page.wait_for_function(f"() => ({LOSS_POINTS})() > {first_points}", timeout=20_000)
    wait_for_more_steps(page, first_steps)
    page.get_by_role("button", name="Stop", exact=True).click()
    page.get_by_text("Stopped.").wait_for(timeout=20_000)
    page.wait_for_timeout(1500)  # let the last redraw land
    stopped_at = step_count(page)
    page.wait_for_timeout(2000)
    assert step_count(page) == stopped_at
    assert_no_exception(page)


def test_two_sessions_do_not_see_each_others_runs(server, browser):
    first = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    second = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    try:
        start_small_run(first, f"{server.url}/train")
        open_page(second, f"{server.url}/train")
        second.wait_for_timeout(2000)
        assert second.get_by_text("Press ▶ Start: the model trains").is_visible()
        assert second.locator("[data-testid=stMetric]").filter(has_text="Step").count() == 0
        first.wait_for_function(  # it trains (on a busy machine its first step may take a while)
            "() => Array.from(document.querySelectorAll('[data-testid=stMetricValue]'))"
            ".some(el => Number(el.innerText.replace(/,/g, '')) > 0)",
            timeout=60_000,
        )
        assert step_count(first) > 0
        first.get_by_role("button", name="Stop", exact=True).click()
        first.get_by_text("Stopped.").wait_for(timeout=20_000)
    finally:
        first.context.close()
        second.context.close()


def test_closing_a_tab_stops_its_run_and_frees_its_slot(server, browser):
    """Two sessions fill the server's two training slots; a third is queued. Closing the first two
    tabs ends their sessions, which stops their runs, so the third starts training."""
    tabs = [browser.new_context(viewport={"width": 1280, "height": 900}).new_page() for _ in range(3)]
    try:
        for tab in tabs:
            start_small_run(tab, f"{server.url}/train")
        tabs[2].get_by_text("Queued").wait_for(timeout=20_000)
        for tab in tabs[:2]:
            tab.context.close()
        tabs[2].get_by_text("Training.").wait_for(timeout=30_000)
        tabs[2].get_by_role("button", name="Stop", exact=True).click()
        tabs[2].get_by_text("Stopped.").wait_for(timeout=20_000)
    finally:
        for tab in tabs:
            if not tab.is_closed():
                tab.context.close()


def test_uploaded_training_text_is_checked(server, page):
    open_page(page, f"{server.url}/train")
    page.locator(".st-key-train_task input").click()
    page.get_by_text("Next character", exact=True).last.click()
    page.wait_for_selector(READY)
    box = page.locator(".st-key-train_text textarea")
    expect(box).not_to_have_value("", timeout=20_000)  # the task's text has arrived in the box
    before = box.input_value()
    upload = page.locator(".st-key-train_upload input[type=file]")
    upload.set_input_files(
        files=[{"name": "photo.txt", "mimeType": "text/plain", "buffer": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"}]
    )
    page.get_by_text("This file is binary").wait_for(timeout=20_000)
    assert box.input_value() == before  # a refused file loses nothing already there
    assert_no_exception(page)
    poem = "the cat sat on the mat\nthe dog sat on the log\n"
    upload.set_input_files(files=[{"name": "poem.txt", "mimeType": "text/plain", "buffer": poem.encode("utf-16")}])
    page.get_by_text("The box now holds the uploaded file 'poem.txt'").wait_for(timeout=20_000)
    page.wait_for_selector(READY)
    assert box.input_value() == poem  # UTF-16 with its byte-order mark is read
    expect(start_button(page)).to_be_enabled(timeout=15_000)
    short = page.locator(".st-key-train_text textarea")
    short.fill("ab")
    short.press("Control+Enter")
    page.get_by_text("need at least 15").wait_for(timeout=20_000)
    expect(start_button(page)).to_be_disabled(timeout=15_000)
    assert_no_exception(page)


def test_pause_and_step_move_the_counter_by_exactly_one_and_start_waits_for_stop(server, page):
    start_small_run(page, f"{server.url}/train")
    assert page.get_by_text("Queued").count() == 0  # an idle server: "Starting…", never "queued"
    expect(start_button(page)).to_be_disabled(timeout=15_000)  # a second Start cannot restart it
    wait_for_more_steps(page, 5)
    page.get_by_role("button", name="Pause", exact=True).click()
    page.get_by_text("Paused.").wait_for(timeout=20_000)
    page.wait_for_selector(READY)
    page.wait_for_timeout(1500)
    held = step_count(page)
    rate = page.locator("[data-testid=stMetric]").filter(has_text="Steps per second")
    assert rate.locator("[data-testid=stMetricValue]").first.inner_text() == "—"
    for k in range(1, 4):
        page.get_by_role("button", name="Step", exact=True).click()
        page.wait_for_selector(READY)
        deadline = time.time() + 20
        while step_count(page) != held + k and time.time() < deadline:
            page.wait_for_timeout(100)
        page.wait_for_timeout(1200)  # a lagging counter would move again here
        assert step_count(page) == held + k
    page.get_by_role("button", name="Stop", exact=True).click()
    page.get_by_text("Stopped.").wait_for(timeout=20_000)
    expect(start_button(page)).to_be_enabled(timeout=15_000)
    assert_no_exception(page)


def test_a_training_link_on_a_cold_server_shows_its_values(fresh_server, page):

    open_page(page, f"{fresh_server.url}/train?task=sine&cell=gru&hidden=24&lr=0.003&seed=7")
    assert_no_exception(page)
    expect(page.locator(".st-key-train_hidden input")).to_have_value("24", timeout=15_000)
    expect(page.locator(".st-key-train_lr input")).to_have_value("0.003", timeout=15_000)
    expect(page.locator(".st-key-train_task input")).to_have_value("Noisy sine forecast", timeout=15_000)
    assert page.locator(".st-key-train_cell input[type=radio]:checked").evaluate("e => e.value") in ("GRU", "1")
    page.locator(".st-key-train_hidden input").fill("40")
    page.locator(".st-key-train_hidden input").press("Enter")
    page.wait_for_url(re.compile(r"hidden=40"), timeout=20_000)  # and the address bar follows the widgets
    assert "seed=7" in page.url and "cell=gru" in page.url

    # start a run, reload the tab: the same run is still there, still advancing
    for key, value in (("train_seq_len", "10"), ("train_steps", "0")):
        page.locator(f".st-key-{key} input").fill(value)
        page.locator(f".st-key-{key} input").press("Enter")
        page.wait_for_timeout(500)
    page.get_by_role("button", name="▶ Start").click()
    page.wait_for_url(re.compile(r"run=[0-9a-f]{16}"), timeout=30_000)
    run_id = re.search(r"run=([0-9a-f]{16})", page.url).group(1)
    before = wait_for_more_steps(page, 5)
    page.reload()
    page.wait_for_selector(READY, timeout=60_000)
    page.locator("[data-testid=stMetric]").filter(has_text="Step").first.wait_for(timeout=30_000)
    assert f"run={run_id}" in page.url and page.get_by_text(NOT_HERE).count() == 0
    wait_for_more_steps(page, before)  # larger than before the reload: the same run went on
    expect(page.locator(".st-key-train_hidden input")).to_have_value("40", timeout=15_000)
    page.get_by_role("button", name="Stop", exact=True).click()
    page.get_by_text("Stopped.").wait_for(timeout=20_000)
