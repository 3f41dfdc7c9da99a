"""Browser: runs outlive their server. A run is saved while it trains; after `kill -9` and a
restart its link replays the saved copy (the steps it had when last saved) to anyone, and the
browser that started it resumes it: the step counter and the loss curve go on from the save.
SIGTERM exits 0 with every run saved as stopped."""

import re
import signal
import time

import pytest
from playwright.sync_api import expect

from rnnviz.serving import stored_runs
from tests.browser.conftest import GRACE, Server, assert_no_exception, open_page

pytestmark = pytest.mark.browser


def wait_until(condition, seconds: float = 60.0, every: float = 0.2):
    """condition()'s first true value, polled; fails after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(every)
    raise AssertionError(f"not true within {seconds} s: {condition.__doc__ or condition}")


def start_run(page, server) -> str:
    """Start an unlimited run on Train; its id, from the link."""
    open_page(page, f"{server.url}/train?task=adding&steps=0")
    page.get_by_role("button", name="▶ Start").click()
    page.wait_for_url(re.compile(r"run=[0-9a-f]{16}"), timeout=30_000)
    return re.search(r"run=([0-9a-f]{16})", page.url).group(1)


def saved_steps(run_id: str) -> int:
    """Steps in the run's saved copy (0 while there is none)."""
    saved = stored_runs.load(run_id)
    return saved.last_step if saved is not None else 0


def step_shown(page) -> int:
    step_metric = page.locator("[data-testid=stMetric]").filter(has_text="Step").first
    return int(step_metric.locator("[data-testid=stMetricValue]").inner_text().replace(",", ""))


def test_kill_9_then_the_link_replays_the_saved_run_and_its_owner_resumes_it(browser, runs_directory):
    env = {**GRACE, "RNNVIZ_SAVE_EVERY_S": "1"}
    server = Server(env=env)
    owner = browser.new_context(viewport={"width": 1280, "height": 800})  # keeps its browser cookie
    page = owner.new_page()
    try:
        run_id = start_run(page, server)
        link = page.url
        wait_until(lambda: saved_steps(run_id) >= 20)  # it trained and was saved while training
        server.process.kill()  # kill -9: no goodbye, nothing saved at exit
        server.process.wait(10)
        steps = saved_steps(run_id)
    finally:
        page.close()
        server.stop()
    restarted = Server(env=env, port=server.port)
    other = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    try:
        open_page(other, link)  # another browser: it may replay the run, not control it
        expect(other.get_by_text("its saved copy replays here")).to_be_visible(timeout=30_000)
        expect(other.get_by_text(f"{steps:,} steps")).to_be_visible()
        assert step_shown(other) == steps
        expect(other.get_by_text("This browser started it")).to_have_count(0)
        expect(other.get_by_role("button", name="Resume")).to_have_count(0)  # (its Pause is greyed out)
        assert_no_exception(other)

        mine = owner.new_page()
        open_page(mine, link)
        expect(mine.get_by_text("This browser started it: Resume trains it on")).to_be_visible(timeout=30_000)
        mine.get_by_role("button", name="Resume").click()
        wait_until(lambda: step_shown(mine) > steps + 20)
        assert re.search(r"run=([0-9a-f]{16})", mine.url).group(1) == run_id  # the same link
        wait_until(lambda: saved_steps(run_id) > steps + 20)
        history = stored_runs.load(run_id).lanes["LSTM"]
        assert history.steps == list(range(1, len(history.steps) + 1))  # one curve, no gap, no restart at 1
        assert_no_exception(mine)
    finally:
        other.context.close()
        owner.close()
        restarted.stop()


def test_sigterm_exits_0_with_the_run_saved_as_stopped(browser, runs_directory):
    server = Server(env={**GRACE, "RNNVIZ_SAVE_EVERY_S": "600"})  # no save before the exit's
    page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    try:
        run_id = start_run(page, server)
        wait_until(lambda: stored_runs.load(run_id) is not None)  # the first save, at registration
        page.wait_for_function(  # it trains
            "() => Array.from(document.querySelectorAll('[data-testid=stMetricValue]'))"
            ".some(el => Number(el.innerText.replace(/,/g, '')) >= 30)",
            timeout=60_000,
        )
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(30) == 0
    finally:
        page.context.close()
        server.stop()
    saved = stored_runs.load(run_id)
    assert saved.state == "stopped" and saved.last_step >= 30
