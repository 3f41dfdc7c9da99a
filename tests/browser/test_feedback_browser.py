"""Browser: a decoder that feeds back its outputs is drawn with its orange feedback arrows on the
Topologies page (and they go when the sidebar switches back to empty inputs), and on the BPTT page
as a trace of its own that carries no gradient."""

import pytest

from tests.browser.conftest import READY, assert_no_exception, open_page

pytestmark = pytest.mark.browser

DIAGRAM = """() => { const el = Array.from(document.querySelectorAll('.st-key-topology_diagram .js-plotly-plot')).pop();
    if (!el || !el._fullLayout) return null;
    return {arrows: el._fullLayout.annotations.filter(a => a.arrowcolor === '#ff7f0e').length,
            labels: el._fullData.flatMap(t => t.text || [])}; }"""


def test_topologies_draws_each_output_fed_back_and_the_sidebar_switches_it_off(server, page):
    open_page(page, f"{server.url}/topologies?topology=many_to_many&decoder_input=token&seq_len=3&out_len=4")
    page.wait_for_function(f"() => {{ const d = ({DIAGRAM})(); return d && d.arrows === 3; }}", timeout=60_000)
    labels = page.evaluate(DIAGRAM)["labels"]
    assert ["^", "ŷ_3", "ŷ_4", "ŷ_5"] == [t for t in labels if t == "^" or t.startswith("ŷ")]
    page.locator(".st-key-decoder_input").get_by_text("zeros (empty)").click()
    page.wait_for_function(f"() => {{ const d = ({DIAGRAM})(); return d && d.arrows === 0; }}", timeout=60_000)
    assert page.evaluate(DIAGRAM)["labels"].count("∅") == 4
    page.wait_for_selector(READY)
    assert "decoder_input" not in page.url  # the default is left out of the link
    assert_no_exception(page)


FED_BACK = """() => { const el = Array.from(document.querySelectorAll('.st-key-bptt .js-plotly-plot')).pop();
    if (!el || !el._fullData) return null;
    const t = el._fullData.find(d => (d.name || '').startsWith('output fed back'));
    return t ? t.x.filter(v => v !== null).length / 2 : 0; }"""


def test_bptt_draws_the_feedback_as_its_own_trace(server, page):
    open_page(page, f"{server.url}/bptt?topology=one_to_many&decoder_input=value&out_len=5")
    page.wait_for_function(f"() => ({FED_BACK})() === 4", timeout=60_000)  # y_0 → x_1, …, y_3 → x_4
    assert page.get_by_text("no gradient flows along it").count() >= 1
    assert_no_exception(page)
