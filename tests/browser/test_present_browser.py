"""Browser: presentation mode for a projector (?present=1): no sidebar in the way, every text the
figure draws at least 18 px (read from the rendered SVG, and Plotly's layout), names on the
unrolled graph's nodes."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_no_exception, open_page

pytestmark = pytest.mark.browser

FONT_SIZES = """() => { const el = Array.from(document.querySelectorAll('.st-key-bptt .js-plotly-plot')).pop();
    const texts = Array.from(el.querySelectorAll('text')).filter(t => t.textContent.trim() && t.getBBox().width > 0);
    return {sizes: texts.map(t => parseFloat(getComputedStyle(t).fontSize)),
            nodeText: el.data[2].text, global: el._fullLayout.font.size}; }"""


def test_presentation_mode_hides_the_sidebar_and_projects_readable_figures(server, browser):
    page = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    try:
        open_page(page, f"{server.url}/bptt?present=1&seq_len=6")
        assert_no_exception(page)
        sidebar = page.locator("[data-testid=stSidebar]")
        assert sidebar.get_attribute("data-collapsed") == "true"  # collapsed: the figure gets the width
        page.locator(".st-key-bptt .js-plotly-plot .main-svg").first.wait_for()
        figure = page.evaluate(FONT_SIZES)
        assert figure["global"] >= 18 and min(figure["sizes"]) >= 18, figure["sizes"]
        assert figure["nodeText"][:3] == ["h_0", "h_1", "h_2"]  # names on the nodes
        expect(page.locator(".st-key-tbptt_k")).to_be_hidden()  # secondary settings folded away
        assert re.search(r"present=1", page.url)
        page.screenshot(path="/tmp/present-bptt.png")
    finally:
        page.context.close()


def test_without_presentation_mode_the_same_figure_is_the_normal_one(server, page):
    open_page(page, f"{server.url}/bptt?seq_len=6")
    page.locator(".st-key-bptt .js-plotly-plot .main-svg").first.wait_for()
    figure = page.evaluate(FONT_SIZES)
    assert min(figure["sizes"]) < 18 and figure["nodeText"] is None
    expect(page.locator(".st-key-tbptt_k")).to_be_visible()


TEXT_SIZES = """() => {
  const shown = el => el.getBoundingClientRect().width > 0 && (el.value || el.textContent || '').trim();
  const sizes = (selector) => [...document.querySelectorAll(selector)].filter(shown)
    .map(el => parseFloat(getComputedStyle(el).fontSize));
  return {
    code: sizes('[data-testid=stMain] [data-testid=stCode] code, [data-testid=stMain] code'),
    values: sizes('[data-testid=stMain] input, [data-testid=stMain] [data-baseweb=select] div[value], '
      + '[data-testid=stMain] [data-baseweb=select] span, [data-testid=stMain] [data-testid=stSliderThumbValue], '
      + '[data-testid=stMain] [data-testid=stButtonGroup] p, [data-testid=stMain] button p'),
    figures: [...document.querySelectorAll('[data-testid=stMain] .js-plotly-plot text')]
      .filter(t => t.textContent.trim() && t.getBBox().width > 0).map(t => parseFloat(getComputedStyle(t).fontSize)),
  };
}"""


@pytest.mark.parametrize(
    "path",
    ["/topologies?present=1", "/bptt?present=1", "/lecture?present=1&step=5", "/lecture?present=1&step=4"],
)
def test_in_presentation_mode_code_widget_values_and_figures_are_at_least_18_px(server, browser, path):
    page = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    try:
        open_page(page, f"{server.url}{path}")
        page.locator("[data-testid=stMain] .js-plotly-plot .main-svg").first.wait_for()
        measured = page.evaluate(TEXT_SIZES)
        assert measured["values"] and measured["figures"], measured
        if "topologies" in path:
            assert measured["code"], "the Topologies page shows the network's code"
        for what, sizes in measured.items():
            assert not sizes or min(sizes) >= 18, (what, sorted(sizes)[:5])
    finally:
        page.context.close()
