"""AppTest: the Train and Race pages start, show progress on the next rerun, and stop."""

import time

import pytest

from tests.app.conftest import charts


def wait_for_steps(app, minimum: int, timeout: float = 60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        app.run()
        steps = [m for m in app.metric if m.label == "Step"]
        if steps and int(steps[0].value) >= minimum:
            return int(steps[0].value)
        time.sleep(0.3)
    raise AssertionError("the run did not advance")


@pytest.mark.parametrize("page", ["app_pages/train.py", "app_pages/race.py"])
def test_start_progress_stop(app, page):
    app.switch_page(page).run()
    assert not app.exception
    prefix = "train_" if "train" in page else "race_"
    app.number_input(key=f"{prefix}seq_len").set_value(10)
    app.number_input(key=f"{prefix}hidden").set_value(8)
    app.run()
    app.button(key="start_run").click().run()
    assert not app.exception
    first = wait_for_steps(app, 5)
    later = wait_for_steps(app, first + 5)
    assert later > first
    assert any(c.proto.id for c in charts(app))
    app.button(key="stop_run").click().run()
    assert not app.exception
    assert any("Stopped" in c.value for c in app.caption)
    app.button(key="reset_run").click().run()
    assert any("Press ▶ Start" in i.value for i in app.info)


@pytest.mark.parametrize("text,words", [("ab\x00\x01", "binary"), ("ab", "need at least 15")])
def test_bad_training_text_is_refused_in_the_page_before_start(app, text, words):
    app.switch_page("app_pages/train.py").run()
    app.selectbox(key="train_task").set_value("char").run()
    app.text_area(key="train_text").set_value(text).run()
    assert not app.exception
    assert any(words in e.value for e in app.error)
    assert app.button(key="start_run").disabled


def test_task_change_sets_its_sequence_length(app):
    app.switch_page("app_pages/train.py").run()
    app.selectbox(key="train_task").set_value("copy").run()
    assert app.number_input(key="train_seq_len").value == 30


def test_spec_sidebar_values_survive_a_visit_to_the_training_pages(app):
    app.number_input(key="hidden_size").set_value(40).run()
    app.switch_page("app_pages/train.py").run()
    app.switch_page("app_pages/shapes.py").run()
    assert app.number_input(key="hidden_size").value == 40


def test_a_decoder_task_trains_with_its_outputs_fed_back_and_says_its_accuracy_runs_free(app):
    app.switch_page("app_pages/train.py").run()
    assert not _has_radio(app, "train_decoder")  # the adding task has no decoder
    app.selectbox(key="train_task").set_value("add_digits").run()
    assert app.number_input(key="train_teacher_forcing").disabled  # empty inputs: nothing to force
    app.radio(key="train_decoder").set_value("previous").run()
    app.number_input(key="train_teacher_forcing").set_value(1.5).run()
    assert any("Teacher forcing" in e.value for e in app.error) and app.button(key="start_run").disabled
    app.number_input(key="train_teacher_forcing").set_value(0.5)
    app.number_input(key="train_hidden").set_value(8).run()
    assert app.query_params["decoder"] == "previous" and app.query_params["teacher_forcing"] == "0.5"
    app.button(key="start_run").click().run()
    wait_for_steps(app, 3)
    accuracy = next(m for m in app.metric if "held-out accuracy" in m.label)
    assert "free-running" in accuracy.proto.help and "probability 0.5" in accuracy.proto.help
    wait_for_steps(app, 100)  # the first evaluation after the start's
    assert any("Dotted: the same sequences teacher-forced" in c.value for c in app.caption)
    app.button(key="stop_run").click().run()
    assert not app.exception


def _has_radio(app, key: str) -> bool:
    return any(r.key == key for r in app.radio)


def test_an_irnn_races_as_a_relu_rnn_started_from_the_identity(app):
    app.query_params.update({"cells": "rnn,irnn", "hidden": "8", "seq_len": "10"})
    app.switch_page("app_pages/race.py").run()
    assert "Race: RNN against IRNN" in app.header[0].value
    assert any("Le, Jaitly & Hinton 2015" in i.value for i in app.info)  # the reference on the race card
    app.button(key="start_run").click().run()
    wait_for_steps(app, 3)
    labels = [m.label for m in app.metric]
    assert "IRNN held-out MSE" in labels and "RNN held-out MSE" in labels
    app.button(key="stop_run").click().run()
    assert not app.exception


def test_the_train_page_offers_the_irnn(app):
    app.switch_page("app_pages/train.py").run()
    app.radio(key="train_cell").set_value("rnn").run()
    app.radio(key="train_activation").set_value("relu")
    app.selectbox(key="train_init").set_value("identity").run()
    assert "IRNN" in " ".join(c.value for c in app.caption)
    assert app.query_params["init"] in ("identity", ["identity"])
    assert app.query_params["activation"] in ("relu", ["relu"])
    app.radio(key="train_cell").set_value("mingru").run()  # no W_hh: the choice is not offered
    assert not any(s.key == "train_init" for s in app.selectbox) and not app.error


def test_a_lane_metric_fits_its_box_at_1280():
    from ui.training import metric_text

    assert metric_text(0.0001808) == "1.81e-4"  # was "0.0001808", cut to "0.00018…" in a five-column row
    assert metric_text(4.845e-05) == "4.84e-5" and metric_text(0.1791) == "0.179" and metric_text(0.0) == "0"
    assert all(len(metric_text(v)) <= 7 for v in (1.23456e-7, 0.98765, 0.0012345, 123.456))
