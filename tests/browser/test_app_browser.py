"""Browser tests: pages render their figures, deep links work on a cold server, the URL follows
widgets, bad links give a message, and clicking the overview picks a topology."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import READY, assert_no_exception, open_page

pytestmark = pytest.mark.browser

PAGES = {  # every page that draws a figure before anything is trained
    "": "Home",
    "topologies": "Topologies",
    "shapes": "Shapes",
    "batches": "Text into batches",
    "bptt": "Unroll & BPTT",
    "vanishing": "Vanishing gradients",
    "inside": "Inside",
    "compare": "Compare",
}


def test_cold_server_deep_link_renders_the_page_with_the_frame_and_values(fresh_server, page):
    open_page(page, fresh_server.url + "/shapes?cell=gru&hidden_size=32&num_layers=2")
    assert_no_exception(page)
    assert page.get_by_role("heading", name=re.compile("Shapes: batch, time, data")).is_visible()
    nav = page.locator("[data-testid=stSidebarNav]")
    assert nav.get_by_text("Topologies").is_visible() and nav.get_by_text("Text into batches").is_visible()
    # expect() retries: under load a widget can be caught mid-render before it shows its value
    expect(page.locator(".st-key-hidden_size input")).to_have_value("32", timeout=15_000)
    expect(page.locator(".st-key-num_layers input")).to_have_value("2", timeout=15_000)
    assert page.locator(".st-key-cell input[type=radio]:checked").evaluate("e => e.value") in ("GRU", "2")
    assert page.get_by_text("(96, 3)").first.is_visible()  # weight_ih_l0 of a GRU with 32 units: (3·32, 3)


@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_renders_its_figures(server, page, path):
    open_page(page, f"{server.url}/{path}")
    assert_no_exception(page)
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=30_000)
    plots = page.locator(".js-plotly-plot")
    assert plots.count() >= 1
    # a drawn figure has marks in it, not an empty frame
    assert (
        page.locator(
            ".js-plotly-plot .scatterlayer .trace, .js-plotly-plot .heatmaplayer image, "
            ".js-plotly-plot .heatmaplayer .hm"
        ).count()
        > 0
    )


def test_changing_a_widget_updates_the_url(server, page):
    open_page(page, f"{server.url}/topologies")
    page.locator(".st-key-cell").get_by_text("GRU", exact=True).click()
    page.wait_for_url(re.compile(r"cell=gru"), timeout=20_000)
    field = page.locator(".st-key-hidden_size input")
    field.fill("24")
    field.press("Enter")
    page.wait_for_url(re.compile(r"hidden_size=24"), timeout=20_000)
    assert_no_exception(page)


def test_malformed_url_shows_a_message_not_a_traceback(server, page):
    open_page(page, f"{server.url}/topologies?hidden_size=abc&num_layers=99&colour=red")
    assert_no_exception(page)
    warning = page.locator("[data-testid=stAlert]").first.inner_text()
    assert "fell back to defaults" in warning and "hidden_size" in warning and "colour" in warning
    expect(page.locator(".st-key-hidden_size input")).to_have_value("16", timeout=15_000)


def test_clicking_the_overview_picks_a_topology(server, page):
    open_page(page, f"{server.url}/topologies")
    chart = page.locator(".st-key-overview .js-plotly-plot")
    chart.wait_for()
    # the third subplot is many-to-one; its node trace is the last trace in that subplot
    point = chart.locator(".subplot.x3y3 .scatterlayer .trace").last.locator("path.point").first
    point.click(force=True)
    page.wait_for_url(re.compile(r"topology=many_to_one"), timeout=20_000)
    page.wait_for_selector(READY)
    assert page.get_by_role("heading", name="Many to one").is_visible()


@pytest.mark.parametrize("typed", ["0", "100000"])
def test_an_out_of_range_number_says_why_next_to_its_box(server, page, typed):
    open_page(page, f"{server.url}/shapes")
    field = page.locator(".st-key-hidden_size input")
    field.fill(typed)
    field.press("Enter")
    page.wait_for_selector(READY)
    message = page.locator("[data-testid=stSidebar] [data-testid=stAlert]").filter(has_text="Hidden size")
    expect(message).to_contain_text("between 1 and 2048", timeout=15_000)
    # the reason sits right under its box, in plain sight, not in a tooltip
    box = page.locator(".st-key-hidden_size").bounding_box()
    alert = message.first.bounding_box()
    assert 0 <= alert["y"] - (box["y"] + box["height"]) < 40
    expect(page.get_by_text("(1, 4, 16)").first).to_be_visible()  # the figures keep the last good spec
    assert_no_exception(page)


def test_home_links_to_every_page(server, page):
    from ui.pages import PAGES as ALL

    open_page(page, server.url)
    links = page.locator("[data-testid=stMain] [data-testid=stPageLink] a")
    expect(links).to_have_count(len(ALL) - 1, timeout=20_000)  # every page but Home itself
    for info in ALL[1:]:
        expect(page.locator("[data-testid=stMain]").get_by_text(info.line)).to_be_visible()


def test_a_key_given_twice_in_a_link_is_reported(server, page):
    open_page(page, f"{server.url}/shapes?hidden_size=8&hidden_size=9")
    warning = page.locator("[data-testid=stAlert]").filter(has_text="appears 2 times")
    expect(warning).to_contain_text("hidden_size appears 2 times in the link; the last value, '9', was used")
    expect(page.locator(".st-key-hidden_size input")).to_have_value("9", timeout=15_000)
    assert_no_exception(page)


def test_a_page_asks_nothing_of_any_host_but_its_own_server(server, page):
    """An offline classroom: every request a page makes goes to the app's own server (the page
    icon came from an external font host before)."""
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    for path in ("/", "/train", "/inside"):
        open_page(page, f"{server.url}{path}")
        page.wait_for_timeout(1000)
    elsewhere = [url for url in asked if not url.startswith((server.url, "data:", "blob:", "about:"))]
    assert elsewhere == []
