"""Browser: clicking a heatmap cell selects its unit and re-colours the text; the scrubber plays."""

import pytest

from tests.browser.conftest import READY, assert_no_exception, open_page

pytestmark = pytest.mark.browser

BACKGROUNDS = "el => Array.from(el.querySelectorAll('span')).map(s => s.style.background)"


def test_click_a_unit_highlights_the_text_and_the_scrubber_plays(server, page):
    open_page(page, f"{server.url}/inside?seq_len=8&hidden_size=16")
    assert_no_exception(page)
    text = page.locator(".highlighted-text").first
    before = text.evaluate(BACKGROUNDS)
    assert len(before) == 8
    heatmap = page.locator(".st-key-heatmap .js-plotly-plot")
    heatmap.locator(".main-svg").first.wait_for()
    heatmap.scroll_into_view_if_needed()
    # the page position of the cell (step 0, unit 5), from plotly's own axes: the far left end of
    # the row, away from any marker, and a third of a row off its centre
    x, y = heatmap.evaluate("""el => { const r = el.getBoundingClientRect(), L = el._fullLayout;
        return [r.left + L.xaxis._offset + L.xaxis.l2p(-0.3), r.top + L.yaxis._offset + L.yaxis.l2p(5.3)]; }""")
    page.mouse.click(x, y)
    page.get_by_text("Unit 5's hidden state h over the input").wait_for(timeout=20_000)
    page.wait_for_selector(READY)
    page.wait_for_timeout(500)
    after = page.locator(".highlighted-text").first.evaluate(BACKGROUNDS)
    assert after != before  # unit 5's activations now colour the text

    page.locator(".st-key-inside_map button").filter(has_text="cell state c").click()  # the text follows the map
    page.get_by_text("Unit 5's cell state c over the input").wait_for(timeout=20_000)
    page.wait_for_selector(READY)
    page.wait_for_timeout(500)
    assert page.locator(".highlighted-text").first.evaluate(BACKGROUNDS) != after
    title = heatmap.evaluate("el => el._fullLayout.title.text")
    assert "cell state c: units × time" in title

    newest = "Array.from(document.querySelectorAll('.st-key-state_vector .js-plotly-plot')).pop()"
    first = page.evaluate(f"() => Array.from({newest}._fullData[0].y)")
    page.wait_for_selector(READY)
    page.wait_for_timeout(500)
    assert page.locator(".st-key-inside_vector_play").count() == 1  # one player, not a stale copy
    page.locator(".st-key-inside_vector_play button").first.click()  # ▶ Play (the page's player)
    page.wait_for_function(
        f"() => {{ const el = {newest}; return el && el._fullLayout.sliders[0].active >= 3; }}", timeout=20_000
    )
    bars = page.evaluate(f"() => Array.from({newest}._fullData[0].y)")
    assert len(bars) == 16 and bars != first  # h_t of a later step
    assert_no_exception(page)
