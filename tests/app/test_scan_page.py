"""AppTest: the Scan page draws the loop and the tree, their numbers agree, the link carries T."""

import json


def test_scan_page_steps_through_the_levels_and_the_numbers_agree(app):
    app.query_params["T"] = "8"
    app.switch_page("app_pages/scan.py").run()
    assert not app.exception
    assert app.number_input(key="scan_steps").value == 8
    assert any("Step 1 of 8" in m.value for m in app.markdown)  # the first round, 6 levels, the last round
    titles = [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in app.get("plotly_chart")]
    assert any("Loop: 8 dependent steps" in t for t in titles) and any("Scan: 6 levels" in t for t in titles)
    summary = next(m.value for m in app.markdown if "The same numbers" in m.value)
    assert "largest difference" in summary and "e-1" in summary  # 1e-16-ish
    app.button(key="scan_next").click().run()
    assert any("Step 2 of 8" in m.value for m in app.markdown)
    app.toggle(key="scan_negative").set_value(True).run()
    app.radio(key="scan_kind").set_value("minlstm").run()
    assert not app.exception
