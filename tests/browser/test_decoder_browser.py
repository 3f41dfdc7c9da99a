"""Browser: the Decoder page opens on its bundled run at once, shows the exposure-bias chart and,
with attention, the attention heatmap filling in as the player steps through the output."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import READY, assert_no_exception, open_page

pytestmark = pytest.mark.browser

ROWS_SHOWN = """() => { const el = Array.from(document.querySelectorAll('.st-key-attention .js-plotly-plot')).pop();
    return el && el._fullData ? el._fullData[0].z.filter(row => row.some(v => Number.isFinite(v))).length : 0; }"""


def test_attention_fills_in_step_by_step(server, page):
    open_page(page, f"{server.url}/decoder")
    page.locator(".st-key-decoder_attention").click()
    page.get_by_role("option", name="dot").click()
    page.wait_for_selector(READY, timeout=120_000)
    expect(page.get_by_text("Token accuracy, free-running")).to_be_visible(timeout=60_000)
    page.wait_for_function(f"() => ({ROWS_SHOWN})() === 1", timeout=30_000)  # output step 0 only
    page.wait_for_selector(READY)
    for shown in (2, 3):  # → one output step further: its row of weights appears
        page.get_by_role("heading", name="One example").click()
        page.keyboard.press("ArrowRight")
        page.wait_for_function(f"() => ({ROWS_SHOWN})() === {shown}", timeout=30_000)
    assert_no_exception(page)


PANELS = """() => { const el = Array.from(document.querySelectorAll('.st-key-decoder_inside .js-plotly-plot')).pop();
    return el && el._fullLayout ? el._fullLayout.annotations.map(a => a.text).join(' | ') : ''; }"""


def test_inside_the_decoder_draws_state_gate_and_gradient_and_the_gate_picker_switches(server, page):
    open_page(page, f"{server.url}/decoder")
    page.wait_for_function(f"() => ({PANELS})().includes('input gate i')", timeout=60_000)
    assert page.evaluate(PANELS).split(" | ") == [
        "hidden state h",
        "input gate i",
        "dL/dh_t (total, through the later steps)",
    ]
    page.locator(".st-key-decoder_inside_gate button").filter(has_text="forget gate f").click()
    page.wait_for_function(f"() => ({PANELS})().includes('forget gate f')", timeout=30_000)
    ticks = page.evaluate(  # the tick labels plotly drew under the bottom panel
        "() => Array.from(document.querySelectorAll('.st-key-decoder_inside .x3tick text')).map(t => t.textContent)"
    )
    assert ticks[0] == "0: '^'"  # the first step reads the start vector
    assert_no_exception(page)
