"""Browser (issue: hardened for a room, items 4, 5 and 10): a second browser that opens the
lecturer's projected run link watches the run and cannot pause, stop or reset it; the control
link hands it control; a browser's second tab cannot start a second run on the same page; text
in a link is never rendered as a clickable link; a server with runs training stops cleanly."""

import re
import signal
import time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import GRACE, READY, Server, assert_no_exception, open_page
from tests.browser.test_training_browser import start_small_run, step_count, wait_for_more_steps

pytestmark = pytest.mark.browser


def button(page, name: str):
    page.wait_for_selector(READY)
    found = page.get_by_role("button", name=name, exact=True).filter(visible=True)
    expect(found).to_have_count(1, timeout=15_000)
    return found


def control_link(page) -> str:
    page.get_by_text("Hand control of this run to another browser").click()
    code = page.locator("[data-testid=stCode]").filter(has_text="control=").first
    expect(code).to_be_visible(timeout=15_000)
    return code.inner_text().strip()


@pytest.fixture
def lecturer_and_student(server, browser):
    """Two browsers (separate cookie jars); the lecturer has started a run."""
    lecturer = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    student = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    start_small_run(lecturer, f"{server.url}/train")
    lecturer.wait_for_url(re.compile(r"run=[0-9a-f]{16}"), timeout=30_000)
    yield lecturer, student
    lecturer.context.close()
    student.context.close()


def test_a_watcher_cannot_control_the_lecturers_run_until_handed_control(lecturer_and_student):
    lecturer, student = lecturer_and_student
    link = lecturer.url
    assert "control=" not in link

    open_page(student, link)  # the projected address bar
    student.get_by_text("You are watching a run another browser started").wait_for(timeout=20_000)
    seen = wait_for_more_steps(student, 0)  # the student sees the run itself
    for name in ("Pause", "Stop"):
        expect(button(student, name)).to_be_disabled()
    expect(button(student, "Step")).to_be_disabled()
    button(student, "Reset").click()  # for a watcher: stop watching, nothing else
    student.get_by_text("Press ▶ Start: the model trains").wait_for(timeout=20_000)
    wait_for_more_steps(lecturer, seen)  # the lecturer's run went on
    expect(lecturer.get_by_text("Training.")).to_be_visible()
    assert lecturer.get_by_text("Hand control of this run").count() == 1
    assert student.get_by_text("Hand control of this run").count() == 0

    handed = control_link(lecturer)
    assert re.search(r"run=[0-9a-f]{16}&control=", handed)
    share = lecturer.locator("[data-testid=stSidebar] [data-testid=stCode]").first.text_content()
    assert "control=" not in share and "control=" not in lecturer.url  # never in the Share box

    open_page(student, handed)
    student.get_by_text("This browser now controls run").wait_for(timeout=20_000)
    assert "control=" not in student.url  # taken out of the address at once
    button(student, "Pause").click()
    lecturer.get_by_text("Paused.").wait_for(timeout=20_000)  # the lecturer sees the handed control work
    button(lecturer, "Stop").click()
    lecturer.get_by_text("Stopped.").wait_for(timeout=20_000)
    assert_no_exception(student)
    assert_no_exception(lecturer)


def test_a_wrong_control_code_only_lets_a_browser_watch(lecturer_and_student):
    lecturer, student = lecturer_and_student
    open_page(student, lecturer.url + "&control=guessed-code-1234567890")
    student.get_by_text("The control code in this link is not this run's").wait_for(timeout=20_000)
    expect(button(student, "Stop")).to_be_disabled()
    button(lecturer, "Stop").click()
    lecturer.get_by_text("Stopped.").wait_for(timeout=20_000)


def test_a_second_tab_of_one_browser_cannot_start_a_second_run(server, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    first, second = context.new_page(), context.new_page()
    try:
        start_small_run(first, f"{server.url}/train")
        steps = step_count(first)
        start_small_run_refused = f"{server.url}/train"
        open_page(second, start_small_run_refused)
        button(second, "▶ Start").click()
        second.get_by_text("This browser already has a run training on this page").wait_for(timeout=20_000)
        assert second.locator("[data-testid=stMetric]").filter(has_text="Step").count() == 0
        wait_for_more_steps(first, steps)  # the first run is untouched
        button(first, "Stop").click()
        first.get_by_text("Stopped.").wait_for(timeout=20_000)
        button(second, "▶ Start").click()  # once it has stopped, the second tab may start one
        second.locator("[data-testid=stMetric]").filter(has_text="Step").first.wait_for(timeout=30_000)
        button(second, "Stop").click()
        second.get_by_text("Stopped.").wait_for(timeout=20_000)
    finally:
        context.close()


@pytest.mark.parametrize(
    "query", ["run=[log in again](http://evil.example/login)", "task=[log in](http://evil.example)"]
)
def test_link_text_is_never_a_link_in_the_page(server, page, query):
    open_page(page, f"{server.url}/train?{query}")
    page.get_by_text(re.compile("not one this server makes|were not used")).first.wait_for(timeout=20_000)
    assert page.locator("[data-testid=stMain] a[href*='evil']").count() == 0
    assert_no_exception(page)


def test_a_server_with_two_runs_training_exits_cleanly_on_sigterm(browser):
    """Before: exit status -6 ('terminate called without an active exception'), so every rollout
    looked like a crash to an orchestrator."""
    server = Server(env=GRACE)
    pages = [browser.new_context(viewport={"width": 1280, "height": 900}).new_page() for _ in range(2)]
    try:
        for page in pages:
            start_small_run(page, f"{server.url}/train", timeout=90_000)  # a cold server's first run imports more
            wait_for_more_steps(page, 2)
        server.process.send_signal(signal.SIGTERM)
        start = time.monotonic()
        code = server.process.wait(10)
        assert code == 0 and time.monotonic() - start < 5, (code, time.monotonic() - start)
    finally:
        for page in pages:
            page.context.close()
        server.stop()
