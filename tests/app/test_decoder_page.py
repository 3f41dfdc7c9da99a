"""AppTest: the Decoder page opens on the bundled run without training, trains other settings
through the training queue, replays the kept steps, and draws inside the decoder what the
recorder measured."""

import json
import time

import numpy as np
import torch

from rnnviz.analysis.decoding import held_out
from rnnviz.analysis.recording import record
from rnnviz.files.demos import demo
from rnnviz.serving import runs_registry
from tests.app.conftest import charts
from tests.app.test_inside_pages import array


def _inside(app):
    return next(json.loads(c.proto.spec) for c in charts(app) if "decoder_inside" in c.proto.id)


def _metric(app, label: str) -> float:
    return float(next(m for m in app.metric if m.label == label).value.rstrip("%")) / 100


def _free_accuracy(model, batch) -> float:
    """Token accuracy of the free-running decoder, counted here with plain torch."""
    with torch.no_grad():
        return float((model(batch.x)[0].argmax(-1) == batch.y).float().mean())


def test_the_default_view_is_the_bundled_run_and_trains_nothing(app):
    registered = len(runs_registry._runs)
    app.switch_page("app_pages/decoder.py").run()
    assert not app.exception
    assert any("ready at once" in c.value for c in app.caption)
    assert not [b for b in app.button if b.key == "start_run"]  # nothing to train
    assert len(runs_registry._runs) == registered  # no run was started
    run = demo("decoder_reverse")
    _, model, step = run.model_copy("no attention")
    assert step == 600
    batch = held_out(run.lanes["no attention"].config.task_object(), 10, 0)
    assert abs(_metric(app, "Token accuracy, free-running") - _free_accuracy(model, batch)) < 5e-4
    gap = next(m for m in app.metric if m.label == "Token accuracy, free-running")
    assert gap.proto.direction == gap.proto.NONE  # a gap between two decodings, not a fall: no arrow
    app.selectbox(key="decoder_attention").set_value("dot").run()
    assert not app.exception
    titles = [json.loads(c.proto.spec)["layout"]["xaxis"].get("title", {}).get("text") for c in charts(app)]
    assert "input step (what the encoder read)" in titles
    assert any("mirrored input" in c.value for c in app.caption)


def test_replay_picks_the_model_of_an_earlier_step(app):
    app.switch_page("app_pages/decoder.py").run()
    final = _metric(app, "Token accuracy, free-running")
    app.select_slider(key="decoder_at").set_value(0).run()
    assert not app.exception
    assert _metric(app, "Token accuracy, free-running") < min(final, 0.3)  # untrained: about one digit in ten
    assert any("after step 0 of 600" in c.value for c in app.caption)


def test_new_settings_train_through_the_queue_and_then_show(app):
    app.switch_page("app_pages/decoder.py").run()
    app.number_input(key="decoder_seed").set_value(3).run()
    app.number_input(key="decoder_updates").set_value(120).run()
    assert not app.exception
    assert any("No recorded run has these settings" in i.value for i in app.info)
    app.button(key="start_run").click().run()
    deadline = time.time() + 120
    while time.time() < deadline and not any("Finished" in c.value for c in app.caption):
        time.sleep(0.3)
        app.run()
    assert any("Finished" in c.value for c in app.caption)
    assert not app.exception
    assert any("after step 120 of 120 (seed 3)" in c.value for c in app.caption)
    assert [s for s in app.select_slider if s.key == "decoder_at"][0].options[0] == "0"


def test_inside_the_decoder_shows_the_recorded_state_gate_and_gradient(app):
    app.switch_page("app_pages/decoder.py").run()
    figure = _inside(app)
    names = [a["text"] for a in figure["layout"]["annotations"]]
    assert names == ["hidden state h", "input gate i", "dL/dh_t (total, through the later steps)"]
    run = demo("decoder_reverse")
    task, model, _ = run.model_copy("no attention")
    batch = held_out(task, 10, 0)
    x, y = batch.x[:1], batch.y[:1]
    free = record(model, x, y, teacher_forcing=0.0)
    writing = slice(10, 20)
    h, gate, grad = (array(trace["z"]) for trace in figure["data"])
    assert np.allclose(h, free.hidden[-1, 0, writing, 0].T) and np.allclose(grad, free.hidden_grad[-1, 0, writing, 0].T)
    assert np.allclose(gate, free.gates["i"][-1, 0, writing, 0].T)
    assert figure["layout"]["xaxis3"]["ticktext"][0] == "0: '^'"  # the first step reads the start vector
    app.segmented_control(key="decoder_inside_gate").set_value("f").run()
    assert [a["text"] for a in _inside(app)["layout"]["annotations"]][1] == "forget gate f"
    app.segmented_control(key="decoder_inside_reads").set_value("teacher-forced").run()
    forced = record(model, x, y, teacher_forcing=1.0)
    assert np.allclose(array(_inside(app)["data"][0]["z"]), forced.hidden[-1, 0, writing, 0].T)
    assert not app.exception


def test_addition_trains_on_the_train_page_and_inside_labels_its_characters(app):
    from tests.app.test_inside_pages import finish_training, heatmap

    finish_training(app, "add_digits", 20)
    assert not app.exception
    app.switch_page("app_pages/inside.py").run()
    assert not app.exception
    ticks = heatmap(app)["layout"]["xaxis"]["ticktext"]
    assert "+" in ticks and ticks[-3:] == ["∅", "∅", "∅"]  # the question's characters, then 3 empty decoder steps
