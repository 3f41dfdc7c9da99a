"""AppTest: Inside, Trajectory and Generate, untrained and after training the char-RNN example."""

import base64
import json
import re
import time

import numpy as np
import pytest

from rnnviz.analysis.inside import STATE_NAMES
from rnnviz.net.spec import CELL_GATES, CELLS
from rnnviz.plots import colors
from tests.app.conftest import charts


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


def heatmap(app) -> dict:
    return next(json.loads(c.proto.spec) for c in charts(app) if c.proto.id.endswith("heatmap"))


def array(value) -> np.ndarray:
    """A Plotly JSON array: a list, or a typed array {"dtype", "bdata" (base64), "shape"}."""
    if isinstance(value, dict) and "bdata" in value:
        data = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        shape = [int(n) for n in str(value.get("shape", len(data))).split(",")]
        return data.reshape(shape)
    return np.asarray(value)


def highlighted_values(app) -> list[float]:
    body = next(h.proto.body for h in app.get("html") if "highlighted-text" in h.proto.body)
    return [float(v) for v in re.findall(r'title="(-?[0-9.]+)"', body)]


@pytest.mark.parametrize("cell", CELLS)
def test_the_highlighted_text_follows_the_chosen_map_on_the_heatmaps_scale(app, cell):
    app.radio(key="cell").set_value(cell).run()
    for page in ("app_pages/inside.py", "app_pages/trajectory.py"):
        app.switch_page(page).run()
        assert not app.exception, app.exception
    app.switch_page("app_pages/inside.py").run()
    unit = 3
    app.slider(key="inside_unit").set_value(unit).run()
    for name in "h" + "".join(CELL_GATES[cell]) + ("c" if cell == "lstm" else ""):
        app.session_state["inside_map"] = name  # what a click on that segment does
        app.run()
        assert not app.exception, app.exception
        figure = heatmap(app)
        assert figure["layout"]["title"]["text"].startswith(STATE_NAMES[name])
        row = array(figure["data"][0]["z"])[unit]  # the heatmap's row of this unit
        np.testing.assert_allclose(highlighted_values(app), row, atol=1.5e-3)  # the text shows the same numbers
        scale = dict((round(p, 1), c) for p, c in figure["data"][0]["colorscale"])
        assert scale[0.9] == f"rgb({colors.POSITIVE_RGB})" and scale[0.1] == f"rgb({colors.NEGATIVE_RGB})"
    body = next(h.proto.body for h in app.get("html") if "highlighted-text" in h.proto.body)
    values = highlighted_values(app)
    if max(values) > 0:
        assert f"rgba({colors.POSITIVE_RGB}," in body  # positive is red in the text as on the heatmap
    if min(values) < 0:
        assert f"rgba({colors.NEGATIVE_RGB}," in body


def test_generate_with_no_training_uses_the_bundled_char_rnn_run(app):
    """Record and replay 2: a recorded run is a model for Generate, with no training."""
    import threading

    app.switch_page("app_pages/generate.py").run()
    assert not app.exception
    assert app.selectbox(key="generate_source").value == "Recorded char_rnn: LSTM"
    app.number_input(key="generate_length").set_value(10).run()
    assert app.code[0].value == "good i am fine"  # the recorded model's last weights, greedy
    assert not any(t.name == "rnnviz-training" for t in threading.enumerate())


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
    assert "(model at step 0)" in heatmap(app)["layout"]["title"]["text"]


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
    titles = [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in charts(app)]
    assert "weights at step 0" in titles and "weights at step 60" in titles
    left, right = [json.loads(c.proto.spec) for c in charts(app) if "compare_maps" in c.proto.id]
    # training changed what the network computes
    assert not np.array_equal(array(left["data"][0]["z"]), array(right["data"][0]["z"]))
