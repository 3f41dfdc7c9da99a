"""A live `streamlit run app.py` and Debian's Chromium driven by Playwright (never downloads a browser)."""

import os

import pytest

from scripts.chromium import CHROMIUM, launch
from scripts.server import READY, Server, open_page  # noqa: F401 (the tests import them from here)

GRACE = {"RNNVIZ_RUN_GRACE_S": "6"}  # a closed tab's run stops after this grace (10 minutes in the app)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail("Chromium is missing: apt-get install -y chromium (the browser tests need Debian's Chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = launch(p)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def server():
    s = Server(env=GRACE)
    yield s
    s.stop()


@pytest.fixture
def fresh_server():
    """A cold server whose very first request will be the test's."""
    s = Server(env=GRACE)
    yield s
    s.stop()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    p = context.new_page()
    yield p
    context.close()


def assert_no_exception(page):
    assert page.get_by_text("Page not found").count() == 0
    assert page.locator("[data-testid=stException]").count() == 0, page.locator(
        "[data-testid=stException]"
    ).first.inner_text()
    assert "Traceback" not in page.content()
