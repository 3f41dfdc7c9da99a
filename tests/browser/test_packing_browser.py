"""Browser: the padding page draws the padded batch (real steps, padding, the last real step) and
trains the two reads, whose accuracies appear side by side."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import READY, assert_no_exception, open_page

pytestmark = pytest.mark.browser

NEWEST = "(key) => Array.from(document.querySelectorAll('.st-key-' + key + ' .js-plotly-plot')).pop()"
FOUR_ROWS = "el => el && el._fullData && el._fullData[0].z.length == 4"  # four sentences and their padding
TWO_LINES = "el => el && el._fullData && el._fullData.length >= 2"  # the two reads


def test_the_padded_batch_and_the_cost_of_the_bug(server, page):
    open_page(page, f"{server.url}/packing")
    assert_no_exception(page)
    page.wait_for_function(f"() => ({FOUR_ROWS})(({NEWEST})('padded_batch'))", timeout=30_000)
    expect(page.get_by_text("differs: it read padding").first).to_be_visible()
    page.get_by_role("button", name="Train both ways").click()
    page.wait_for_function(f"() => ({TWO_LINES})(({NEWEST})('read_accuracy'))", timeout=60_000)
    expect(page.get_by_text("After 300 steps at T = 64")).to_be_visible(timeout=30_000)
    page.wait_for_selector(READY)
    assert_no_exception(page)
