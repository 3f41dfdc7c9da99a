"""Browser: a lecturer and five students (one on a 390×844 phone), each in a browser context of
its own, run a class: the students join from the link, answer; the lecturer's screen shows how
many answered and the spread, without the answer; Reveal reaches every student; Next moves every
student who follows, and one who wandered off comes back. The same through two replicas behind
nginx with the class in Redis, the lecturer and the students on different replicas."""

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from rnnviz.lessons.lesson import default_lesson
from tests.browser.conftest import READY, assert_no_exception, open_page

pytestmark = pytest.mark.browser
STEPS = default_lesson().steps
VANISHING = next(k for k, s in enumerate(STEPS, start=1) if s.answer == "vanishing_best")
ANSWERS = ["LSTM", "GRU", "LSTM", "RNN", "LSTM"]  # the five students'


def room_answers(page) -> dict[str, int]:
    """The bars of the lecturer's "room's answers" chart, read from the chart Plotly drew."""
    return page.evaluate(
        """() => {
        for (const plot of document.querySelectorAll('.js-plotly-plot')) {
          const bar = (plot.data || []).find(t => t.type === 'bar');
          if (bar) return Object.fromEntries(bar.x.map((x, k) => [x, bar.y[k]]));
        }
        return null;
      }"""
    )


def start_class(page, url: str) -> str:
    open_page(page, f"{url}/lecture?step={VANISHING}&present=1")
    page.get_by_text("Teach this lesson to a room").click()
    heading = page.get_by_text(re.compile(r"with the code [A-Z2-9]{5}"))
    for _ in range(3):  # a click that lands while a cold server reruns the page can be dropped (CI saw it twice)
        page.wait_for_selector(READY)
        if heading.count():
            break
        page.get_by_role("button", name="Start a class").click()
        try:
            heading.wait_for(timeout=10_000)
            break
        except PlaywrightTimeout:
            continue
    expect(heading).to_be_visible()
    return re.search(r"code ([A-Z2-9]{5})", heading.inner_text()).group(1)


def scanned(page) -> str:
    """What the QR code on the page says, read from a screenshot by an independent decoder (zxing-cpp)."""
    import io

    import zxingcpp
    from PIL import Image

    picture = Image.open(io.BytesIO(page.get_by_role("img", name=re.compile("QR code")).screenshot()))
    found = zxingcpp.read_barcodes(picture)
    assert len(found) == 1, found
    return found[0].text


def run_a_class(browser, url: str) -> list:
    lecturer = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    code = start_class(lecturer, url)
    assert scanned(lecturer) == f"{url}/lecture?class={code}"  # the phone that scans it opens the class
    students = []
    for k in range(5):
        phone = k == 4
        size = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 800}
        student = browser.new_context(viewport=size, is_mobile=phone, has_touch=phone).new_page()
        open_page(student, f"{url}/lecture?class={code}")
        expect(student.get_by_role("heading", name=STEPS[VANISHING - 1].title)).to_be_visible(timeout=30_000)
        students.append(student)
    expect(lecturer.get_by_text("0 of 5 answered")).to_be_visible(timeout=30_000)
    for student, answer in zip(students, ANSWERS):
        student.get_by_test_id("stButtonGroup").get_by_role("radio", name=answer, exact=True).click()
        student.wait_for_selector(READY)
        student.get_by_role("button", name="Send my answer").click()
        expect(student.get_by_text(f"Your answer, sent: {answer}.")).to_be_visible(timeout=30_000)
        assert student.get_by_role("button", name=re.compile("Reveal")).count() == 0  # only the lecturer reveals
    expect(lecturer.get_by_text("5 of 5 answered")).to_be_visible(timeout=30_000)
    lecturer.wait_for_function("() => document.body.innerText.includes('5 so far')", timeout=30_000)
    assert room_answers(lecturer) == {"RNN": 1, "GRU": 1, "LSTM": 3}
    assert lecturer.locator("[data-testid=stAlertContentSuccess]").count() == 0  # the answer is not given away

    lecturer.get_by_role("button", name="Reveal to the class").click()
    answer = STEPS[VANISHING - 1].computed().value
    for student, mine in zip(students, ANSWERS):
        success = student.locator("[data-testid=stAlertContentSuccess] [data-testid=stMarkdownContainer]")
        expect(success).to_have_text(answer, timeout=30_000)
        verdict = "Your prediction was right." if mine == answer else f"You predicted {mine}: not this time."
        expect(student.get_by_text(verdict)).to_be_visible()

    wanderer = students[1]
    wanderer.get_by_role("button", name=re.compile("Previous")).click()  # explores on its own: follow is off
    expect(wanderer.get_by_role("heading", name=STEPS[VANISHING - 2].title)).to_be_visible(timeout=30_000)
    lecturer.get_by_role("button", name=re.compile("Next")).click()
    following = [s for s in students if s is not wanderer]
    for student in following:
        expect(student.get_by_role("heading", name=STEPS[VANISHING].title)).to_be_visible(timeout=30_000)
    expect(wanderer.get_by_text(f"The lecturer is at step {VANISHING + 1}.")).to_be_visible(timeout=30_000)
    expect(wanderer.get_by_role("heading", name=STEPS[VANISHING - 2].title)).to_be_visible()
    wanderer.get_by_text("Follow the lecturer").click()  # and comes back
    expect(wanderer.get_by_role("heading", name=STEPS[VANISHING].title)).to_be_visible(timeout=30_000)
    for page in [lecturer, *students]:
        assert_no_exception(page)
    return [lecturer, *students]


def test_a_lecturer_and_five_students_run_a_class(server, browser):
    pages = run_a_class(browser, server.url)
    for page in pages:
        page.context.close()


def test_the_same_class_through_two_replicas_and_redis(browser):
    from scripts.redis_server import RedisServer
    from scripts.replicas import Replicas, routes

    with RedisServer() as redis_server, Replicas(2, env={"RNNVIZ_REDIS_URL": redis_server.url}) as replicas:
        pages = run_a_class(browser, replicas.url)
        reached = routes(replicas.access_log)  # route cookie → replica → paths: each browser on one replica
        lecturer_route = pages[0].context.cookies()
        used = {replica for by_replica in reached.values() for replica in by_replica}
        assert len(used) == 2, reached  # the room is split over both replicas
        assert lecturer_route
        for page in pages:
            page.context.close()


def test_a_class_in_redis_outlives_a_server_restart(browser):
    from scripts.redis_server import RedisServer
    from scripts.server import Server

    with RedisServer() as redis_server:
        env = {"RNNVIZ_REDIS_URL": redis_server.url}
        first = Server(env=env)
        try:
            lecturer = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
            code = start_class(lecturer, first.url)
            lecturer.get_by_role("button", name=re.compile("Next")).click()
            expect(lecturer.get_by_role("heading", name=STEPS[VANISHING].title)).to_be_visible(timeout=30_000)
            port = first.port
        finally:
            first.stop()
        second = Server(port=port, env=env)  # the same address: the lecturer's browser comes back
        try:
            open_page(lecturer, f"{second.url}/lecture?class={code}")
            expect(lecturer.get_by_role("heading", name=STEPS[VANISHING].title)).to_be_visible(timeout=30_000)
            expect(lecturer.get_by_role("button", name="Reveal to the class")).to_be_visible()  # still its lecturer
            student = browser.new_context().new_page()
            open_page(student, f"{second.url}/lecture?class={code}")
            expect(student.get_by_role("heading", name=STEPS[VANISHING].title)).to_be_visible(timeout=30_000)
            assert_no_exception(student)
            student.context.close()
            lecturer.context.close()
        finally:
            second.stop()
