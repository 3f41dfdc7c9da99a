"""Browser: the char-RNN recipe on the Train page draws the notebook's ten printed points beside
the live curve (issue: tutorials reproduced exactly)."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import READY, assert_no_exception, open_page

pytestmark = pytest.mark.browser

TRACES = """() => { const el = Array.from(document.querySelectorAll('.st-key-recipe .js-plotly-plot')).pop();
    return el && el._fullData ? el._fullData.map(t => [t.name, t.x.length]) : []; }"""


def test_the_char_rnn_recipe_shows_the_notebooks_points_beside_the_live_curve(server, page):
    open_page(page, f"{server.url}/train?recipe=char_rnn")
    expect(page.get_by_text("input_seq")).to_be_visible()
    page.get_by_role("button", name="▶ Run the recipe").click()
    page.wait_for_function(f"() => ({TRACES})().some(([name, n]) => name === 'this run' && n === 10)", timeout=60_000)
    traces = dict(page.evaluate(TRACES))
    assert traces["printed by the source"] == 10  # the notebook's ten printed losses
    assert traces["this run"] == 10 and "spread over seeds" in traces
    expect(page.get_by_text("the same as the notebook's 'good i am fine '")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Inside the spread")).to_be_visible()
    page.wait_for_selector(READY)
    assert_no_exception(page)
