"""Browser (issue: hardened for a room, item 6): what sessions keep is capped per session and per
server. Past a cap the least recently used file is closed, and the page says so: at once to the
student whose upload closed it, and on their next click to a student whose file the server's cap
closed."""

import re
import shutil

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import GRACE, READY, Server, assert_no_exception, open_page

pytestmark = pytest.mark.browser
DEMOS = Server.__init__.__globals__["ROOT"] / "rnnviz" / "demo_runs"


@pytest.fixture(scope="module")
def small_server():
    """Both caps at 3 MB: a bundled run file opens to 1.5-2.1 MB (rnnviz.serving.holdings.nbytes)."""
    s = Server(env={**GRACE, "RNNVIZ_SESSION_MB": "3", "RNNVIZ_SERVER_MB": "3"})
    yield s
    s.stop()


def upload(page, path):
    page.locator(".st-key-race_replay_upload input[type=file]").set_input_files(str(path))
    page.wait_for_selector(READY)


def choice(page):
    return page.locator(".st-key-race_replay_choice input").filter(visible=True)


def test_the_oldest_files_are_closed_past_a_cap_and_the_page_says_so(small_server, browser, tmp_path):
    for name, demo in (("first", "char_rnn"), ("second", "parity_race"), ("third", "char_rnn")):
        shutil.copy(DEMOS / f"{demo}.rnnrun", tmp_path / f"{name}.rnnrun")
    a = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    b = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    try:
        open_page(a, f"{small_server.url}/race?replay=adding_race_T50")
        upload(a, tmp_path / "first.rnnrun")
        expect(choice(a)).to_have_value(re.compile(r"^first \("), timeout=20_000)
        upload(a, tmp_path / "second.rnnrun")  # 1.6 + 1.6 MB: over the session's 3 MB
        notice = a.get_by_text(re.compile("the files you opened longest ago were closed: first"))
        expect(notice).to_be_visible(timeout=20_000)
        expect(choice(a)).to_have_value(re.compile(r"^second \("), timeout=20_000)
        choice(a).click()
        options = a.locator("[role=option]").all_inner_texts()
        a.keyboard.press("Escape")
        assert any(o.startswith("second (") for o in options) and not any(o.startswith("first (") for o in options)

        open_page(b, f"{small_server.url}/race?replay=adding_race_T50")
        upload(b, tmp_path / "third.rnnrun")  # the server's 3 MB: a's file, used least recently, goes
        expect(choice(b)).to_have_value(re.compile(r"^third \("), timeout=20_000)
        a.get_by_text("Train it live", exact=True).click()  # a's next click, in the same session
        a.wait_for_selector(READY, timeout=60_000)
        expect(a.get_by_text(re.compile(r"second \(.*was closed to free the server's memory"))).to_be_visible(
            timeout=20_000
        )
        assert_no_exception(a)
        assert_no_exception(b)
    finally:
        a.context.close()
        b.context.close()
