"""AppTest: the Decoder page trains, reports teacher-forced and free-running accuracy, and with
attention on reversal draws the attention weights."""

import json

import numpy as np

from rnnviz.analysis.decoder_recording import record_decoder
from rnnviz.training.seq2seq import ADDITION, held_out
from tests.app.test_inside_pages import array
from ui.decoder import trained


def _inside(app):
    return next(json.loads(c.proto.spec) for c in app.get("plotly_chart") if "decoder_inside" in c.proto.id)


def test_decoder_page_reports_both_accuracies_and_attention(app):
    app.switch_page("app_pages/decoder.py")
    app.session_state["decoder_updates"] = 100
    app.run()
    assert not app.exception
    labels = [m.label for m in app.metric]
    assert "Token accuracy, teacher-forced" in labels and "Token accuracy, free-running" in labels
    assert any("trained 100 steps" in c.value for c in app.caption)  # the card beside the reference says how long
    gap = next(m for m in app.metric if m.label == "Token accuracy, free-running")
    assert gap.proto.direction == gap.proto.NONE  # a gap between two decodings, not a fall: no arrow
    app.selectbox(key="decoder_task").set_value("reversal").run()
    app.selectbox(key="decoder_attention").set_value("dot").run()
    assert not app.exception
    titles = [json.loads(c.proto.spec)["layout"]["xaxis"].get("title", {}).get("text") for c in app.get("plotly_chart")]
    assert "input step (what the encoder read)" in titles
    assert any("mirrored input" in c.value for c in app.caption)


def test_inside_the_decoder_shows_the_recorded_state_gate_and_gradient(app):
    app.switch_page("app_pages/decoder.py")
    app.session_state["decoder_updates"] = 100
    app.run()
    figure = _inside(app)
    names = [a["text"] for a in figure["layout"]["annotations"]]
    assert names == ["hidden state h", "input gate i", "dL/dh_t (total, through the later steps)"]
    model, _ = trained("addition", "none", "previous", 1.0, 100, 0)
    src, tgt, _ = held_out(ADDITION, 0, 0)
    free = record_decoder(model, src, tgt, teacher_forcing=0.0)
    h, gate, grad = (array(trace["z"]) for trace in figure["data"])
    assert np.allclose(h, free.hidden[:, 0].T) and np.allclose(grad, free.hidden_grad[:, 0].T)
    assert np.allclose(gate, free.gates["i"][:, 0].T)
    assert figure["layout"]["xaxis3"]["ticktext"][0] == "0: '^'"  # the first step reads the start token
    app.segmented_control(key="decoder_inside_gate").set_value("f").run()
    assert [a["text"] for a in _inside(app)["layout"]["annotations"]][1] == "forget gate f"
    app.segmented_control(key="decoder_inside_reads").set_value("teacher-forced").run()
    forced = record_decoder(model, src, tgt, teacher_forcing=1.0)
    assert np.allclose(array(_inside(app)["data"][0]["z"]), forced.hidden[:, 0].T)
    assert not app.exception


def test_addition_trains_on_the_train_page_and_inside_labels_its_characters(app):
    from tests.app.test_inside_pages import finish_training, heatmap

    finish_training(app, "add_digits", 20)
    assert not app.exception
    app.switch_page("app_pages/inside.py").run()
    assert not app.exception
    ticks = heatmap(app)["layout"]["xaxis"]["ticktext"]
    assert "+" in ticks and ticks[-3:] == ["∅", "∅", "∅"]  # the question's characters, then 3 empty decoder steps
