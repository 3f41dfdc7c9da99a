"""Browser: widgets that redraw one part of a page (fragments) still redraw it, and only it."""

import re

import pytest

from scripts.server import settle_ms
from tests.browser.conftest import assert_no_exception, open_page

pytestmark = pytest.mark.browser

ANNOTATIONS = "el => (el.layout.annotations || []).length"


# counts every change inside an element from now on: a full rerun touches every element on the page
# (even an unchanged figure is marked stale and back), a fragment only its own
def settled(page) -> None:
    """Wait until nothing on the page has changed for a while (figures drawn, a second run done):
    only then can a count of changes tell a fragment from a full rerun."""
    settle_ms(page, lambda: None)


WATCH = """el => { el.__changes = 0; new MutationObserver(ms => { el.__changes += ms.length; })
    .observe(el, {subtree: true, childList: true, attributes: true, characterData: true}); }"""
CHANGES = "el => el.__changes"


def test_the_shapes_toggle_redraws_the_diagram_and_nothing_else(server, page):
    open_page(page, f"{server.url}/topologies")
    diagram = page.locator(".st-key-topology_diagram .js-plotly-plot").last  # the newest while it redraws
    overview = page.locator(".st-key-overview .js-plotly-plot")
    diagram.locator(".main-svg").first.wait_for()
    before = diagram.evaluate(ANNOTATIONS)
    settled(page)
    page.locator(".st-key-overview").evaluate(WATCH)
    page.locator(".st-key-show_edge_shapes label").click()
    page.wait_for_function(
        "n => { const el = Array.from(document.querySelectorAll('.st-key-topology_diagram .js-plotly-plot')).pop();"
        " return el && (el.layout.annotations || []).length > n; }",
        arg=before,
        timeout=20_000,
    )
    shapes = diagram.evaluate("el => el.layout.annotations.map(a => a.text).join(' ')")
    assert re.search(r"\(\d+, \d+(, \d+)?\)", shapes)  # tensor shapes such as (4, 16) on the arrows
    page.wait_for_timeout(500)
    assert overview.count() == 1 and page.locator(".st-key-overview").evaluate(CHANGES) == 0  # left alone
    assert_no_exception(page)


def test_the_threshold_outlines_other_steps_without_rerunning_the_page(server, page):
    open_page(page, f"{server.url}/inside?seq_len=8&hidden_size=16")
    caption = page.get_by_text(re.compile(r"steps above the threshold")).first
    before = caption.inner_text()
    settled(page)
    page.locator(".st-key-heatmap").evaluate(WATCH)
    thumb = page.locator(".st-key-inside_threshold input[type=range]")
    thumb.focus()
    thumb.press("Home")  # the lowest threshold: every one of the 8 steps is above it
    page.get_by_text(re.compile(r"the 8 steps above the threshold")).first.wait_for(timeout=20_000)
    assert "the 8 steps" not in before  # it was half the largest value: fewer steps
    page.wait_for_timeout(500)
    assert page.locator(".st-key-heatmap").evaluate(CHANGES) == 0  # the heatmap was left alone
    assert_no_exception(page)


def test_the_shapes_sliders_redraw_the_block_and_nothing_else(server, page):
    open_page(page, f"{server.url}/shapes")
    page.locator(".st-key-gate_stack .js-plotly-plot .main-svg").first.wait_for()
    settled(page)
    page.locator(".st-key-gate_stack").evaluate(WATCH)
    page.locator(".st-key-output_vs_h_n").evaluate(WATCH)
    thumb = page.locator(".st-key-block_example input[type=range]")
    thumb.focus()
    thumb.press("ArrowRight")  # example 0 → 1: the block highlights another slab
    page.get_by_text(re.compile(r"x\[1\] is one whole example")).first.wait_for(timeout=20_000)
    page.wait_for_timeout(500)
    assert page.locator(".st-key-gate_stack").evaluate(CHANGES) == 0
    assert page.locator(".st-key-output_vs_h_n").evaluate(CHANGES) == 0
    assert_no_exception(page)


def test_a_new_compare_input_redraws_both_maps_but_not_the_model_pickers(server, page):
    open_page(page, f"{server.url}/compare")
    heatmap = ".st-key-compare_maps_False .js-plotly-plot"
    page.locator(heatmap).first.wait_for()
    # while the fragment redraws, the figure is replaced: null then, never a TypeError that ends the wait
    z = (
        f"() => {{ const el = document.querySelector('{heatmap}');"
        " return el && el.data ? JSON.stringify(el.data[0].z) : null; }"
    )
    before = page.evaluate(z)
    assert before is not None
    settled(page)
    page.locator(".st-key-compare_left_source").evaluate(WATCH)
    page.locator(".st-key-compare_seed [data-testid=stNumberInputStepUp]").click()
    page.wait_for_function(
        f"before => {{ const now = ({z})(); return now !== null && now !== before; }}", arg=before, timeout=20_000
    )
    page.wait_for_timeout(500)
    assert page.locator(".st-key-compare_maps_True .js-plotly-plot").count() == 1  # the right model's map is drawn
    assert page.locator(".st-key-compare_left_source").evaluate(CHANGES) == 0
    assert_no_exception(page)
