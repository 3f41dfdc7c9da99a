"""Browser: the Scan page's player walks the tree's levels; after the last one every h_t is shown
and the loop has still not finished."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import READY, assert_no_exception, open_page

pytestmark = pytest.mark.browser

TITLES = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(el => el._fullLayout.title.text)"""


def test_the_scan_finishes_before_the_loop(server, page):
    open_page(page, f"{server.url}/scan?T=16")
    assert_no_exception(page)
    page.get_by_role("heading", name="Parallel scan").click()
    for step in range(2, 11):  # → through the first round and the 8 levels, one drawn step at a time
        page.keyboard.press("ArrowRight")
        expect(page.get_by_text(f"Step {step} of 10")).to_be_visible(timeout=20_000)
    page.wait_for_selector(READY)
    page.wait_for_function(f"() => ({TITLES})().some(t => t.includes('8 levels of independent pairs — 8 done'))")
    titles = page.evaluate(TITLES)
    assert any("Loop: 16 dependent steps — 9 done" in t for t in titles)
    assert "step=9" in page.url  # T = 16 is the default: the link leaves it out
