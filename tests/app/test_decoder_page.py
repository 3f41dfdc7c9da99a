"""AppTest: the Decoder page trains, reports teacher-forced and free-running accuracy, and with
attention on reversal draws the attention weights."""

import json


def test_decoder_page_reports_both_accuracies_and_attention(app):
    app.switch_page("app_pages/decoder.py")
    app.session_state["decoder_updates"] = 100
    app.run()
    assert not app.exception
    labels = [m.label for m in app.metric]
    assert "Token accuracy, teacher-forced" in labels and "Token accuracy, free-running" in labels
    app.selectbox(key="decoder_task").set_value("reversal").run()
    app.selectbox(key="decoder_attention").set_value("dot").run()
    assert not app.exception
    titles = [json.loads(c.proto.spec)["layout"]["xaxis"]["title"]["text"] for c in app.get("plotly_chart")]
    assert "input step (what the encoder read)" in titles
    assert any("mirrored input" in c.value for c in app.caption)
