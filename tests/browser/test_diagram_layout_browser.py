"""Browser: on the unrolled diagram every node's name stays inside its box (in presentation mode
too, where the text grows) and the tensor shapes on the arrows sit clear of every box (issue:
"(4, 16)" sat on the h_0 and h_1 boxes; projected names were wider than their boxes)."""

import pytest

from scripts.server import settle_ms
from tests.browser.conftest import assert_no_exception, open_page

pytestmark = pytest.mark.browser

BOXES = """() => { const el = document.querySelector('.st-key-topology_diagram .js-plotly-plot');
    const box = r => ({left: r.left, right: r.right, top: r.top, bottom: r.bottom});
    const nodes = Array.from(el.querySelectorAll('.scatterlayer .trace')).flatMap(trace => {
        const points = Array.from(trace.querySelectorAll('.points path.point'));
        const texts = Array.from(trace.querySelectorAll('.textpoint text'));
        return points.map((p, k) => ({box: box(p.getBoundingClientRect()),
            text: texts[k] ? box(texts[k].getBoundingClientRect()) : null,
            name: texts[k] ? texts[k].textContent : ''}));
    });
    const labels = Array.from(el.querySelectorAll('.annotation-text'))
        .filter(t => /^\\(/.test(t.textContent)).map(t => ({name: t.textContent, box: box(t.getBoundingClientRect())}));
    return {nodes, labels}; }"""


def overlaps(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


@pytest.mark.parametrize("present", [False, True])
def test_names_stay_in_their_boxes_and_shapes_stay_off_them(server, browser, present):
    size = {"width": 1920, "height": 1080} if present else {"width": 1280, "height": 800}
    page = browser.new_context(viewport=size).new_page()
    try:
        open_page(page, f"{server.url}/topologies?seq_len=12" + ("&present=1" if present else ""))  # names like h_10
        settle_ms(page, lambda: page.get_by_text("Show tensor shapes on the arrows").click())
        page.wait_for_function(f"() => ({BOXES})().labels.length >= 3", timeout=30_000)
        found = page.evaluate(BOXES)
        while found != (again := page.evaluate(BOXES)):  # drawn and still: measure what stays on screen
            page.wait_for_timeout(200)
            found = again
        named = [n for n in found["nodes"] if n["text"] and n["name"]]
        assert len(named) >= 16  # inputs, states and outputs of the default spec
        for node in named:
            box, text = node["box"], node["text"]
            assert box["left"] <= text["left"] + 0.5 and text["right"] <= box["right"] + 0.5, node
        for label in found["labels"]:
            hit = [n["name"] for n in found["nodes"] if overlaps(label["box"], n["box"])]
            assert not hit, (label["name"], hit)
        assert_no_exception(page)
    finally:
        page.context.close()
