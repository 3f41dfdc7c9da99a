"""Browser: a run advances on its own and stops; two sessions do not see each other's runs."""

import re
import time

import pytest

from tests.browser.conftest import READY, assert_no_exception, open_page

pytestmark = pytest.mark.browser

LOSS_POINTS = """() => Math.max(0, ...Array.from(document.querySelectorAll('.st-key-loss_chart .js-plotly-plot'))
    .map(el => ((el._fullData || []).find(t => (t.name || '').endsWith('training loss')) || {x: []}).x.length))"""


def step_count(page) -> int:
    """The step shown; while the fragment redraws, an old and a new metric can both be on screen."""
    values = page.locator("[data-testid=stMetric]").filter(has_text="Step").locator("[data-testid=stMetricValue]")
    return max(int(re.sub(r"\D", "", text) or 0) for text in values.all_inner_texts())


def wait_for_more_steps(page, than: int, timeout: float = 20.0) -> int:
    deadline = time.time() + timeout
    while time.time() < deadline:
        steps = step_count(page)
        if steps > than:
            return steps
        page.wait_for_timeout(250)
    raise AssertionError(f"the step counter stayed at {than}")


def start_small_run(page, url, budget: str = "0"):
    open_page(page, url)
    for key, value in (("train_seq_len", "10"), ("train_steps", budget)):  # budget 0: until stopped
        field = page.locator(f".st-key-{key} input")
        field.fill(value)
        field.press("Enter")
        page.wait_for_timeout(500)
    page.get_by_role("button", name="▶ Start").click()
    page.locator("[data-testid=stMetric]").filter(has_text="Step").first.wait_for(timeout=30_000)


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
    page.get_by_role("button", name="Stop").click()
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
        assert step_count(first) > 0
        first.get_by_role("button", name="Stop").click()
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
        tabs[2].get_by_role("button", name="Stop").click()
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
    upload = page.locator(".st-key-train_upload input[type=file]")
    upload.set_input_files(
        files=[{"name": "photo.txt", "mimeType": "text/plain", "buffer": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"}]
    )
    page.get_by_text("This file is binary").wait_for(timeout=20_000)
    assert page.get_by_role("button", name="▶ Start").is_disabled()
    assert_no_exception(page)
    upload.set_input_files(
        files=[
            {
                "name": "poem.txt",
                "mimeType": "text/plain",
                "buffer": b"the cat sat on the mat\nthe dog sat on the log\n",
            }
        ]
    )
    page.get_by_text("Training on the uploaded file 'poem.txt' (46 characters)").wait_for(timeout=20_000)
    assert page.get_by_role("button", name="▶ Start").is_enabled()
