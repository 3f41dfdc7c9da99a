"""AppTest: Inside, Trajectory and Generate, untrained and after training the char-RNN example."""

import json
import time

import pytest

from rnnviz.spec import CELLS


def finish_training(app, task: str, steps: int):
    app.switch_page("app_pages/train.py").run()
    app.selectbox(key="train_task").set_value(task).run()
    app.number_input(key="train_steps").set_value(steps).run()
    app.button(key="start_run").click().run()
    deadline = time.time() + 120
    while time.time() < deadline:
        app.run()
        if any("Finished" in c.value for c in app.caption):
            return
        time.sleep(0.5)
    raise AssertionError("training did not finish")


@pytest.mark.parametrize("cell", CELLS)
def test_inside_and_trajectory_run_for_every_cell_on_an_untrained_model(app, cell):
    app.radio(key="cell").set_value(cell).run()
    for page in ("app_pages/inside.py", "app_pages/trajectory.py"):
        app.switch_page(page).run()
        assert not app.exception, app.exception
    app.switch_page("app_pages/inside.py").run()
    heatmaps = [c for c in app.get("plotly_chart") if "heatmap_" in c.proto.id]
    assert len(heatmaps) == {"rnn": 1, "lstm": 6, "gru": 4}[cell]
    assert any("highlighted-text" in h.proto.body for h in app.get("html"))


def test_generate_needs_a_trained_model(app):
    app.switch_page("app_pages/generate.py").run()
    assert not app.exception
    assert any("Train" in i.value for i in app.info)


def test_after_training_the_char_rnn_example_good_completes_to_good_i_am_fine(app):
    finish_training(app, "char", 400)
    app.switch_page("app_pages/generate.py").run()
    assert not app.exception
    app.number_input(key="generate_length").set_value(10).run()
    assert app.code[0].value == "good i am fine"
    sums = [m.value for m in app.markdown if "Probabilities sum to" in m.value]
    assert sums and "1.000000" in sums[0]
    app.switch_page("app_pages/inside.py").run()
    assert not app.exception
    app.radio(key="inside_when").set_value("at step 0").run()
    assert any(
        "(step 0)" in json.loads(c.proto.spec)["layout"]["title"]["text"]
        for c in app.get("plotly_chart")
        if "heatmap_" in c.proto.id
    )


def test_inside_refuses_characters_the_model_never_saw(app):
    finish_training(app, "char", 20)
    app.switch_page("app_pages/inside.py").run()
    app.text_input(key="inside_text").set_value("hello WORLD").run()
    assert not app.exception
    assert any("not known" in e.value for e in app.error)


def test_compare_step_zero_with_now_after_training(app):
    finish_training(app, "adding", 60)
    app.switch_page("app_pages/compare.py").run()
    assert not app.exception
    app.radio(key="compare_left_when").set_value("at step 0").run()
    titles = [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in app.get("plotly_chart")]
    assert any("step 0:" in t for t in titles) and any("step 60:" in t for t in titles)
    left, right = [json.loads(c.proto.spec) for c in app.get("plotly_chart") if "compare_h" in c.proto.id]
    assert left["data"][0]["z"] != right["data"][0]["z"]  # training changed what the network computes
