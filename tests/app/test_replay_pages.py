"""AppTest: recorded runs replay on Train and Race with no training thread; the replay scrubs;
Compare and Inside take a recorded run's weights at any kept step (record and replay, item 2)."""

import json
import threading

import pytest
import torch

from rnnviz.files.runs import load_run
from tests.app.conftest import ROOT, charts


def _figures(app) -> dict:
    return {c.proto.id: json.loads(c.proto.spec) for c in charts(app)}


def _training(app) -> bool:
    return any(t.name == "rnnviz-training" and t.is_alive() for t in threading.enumerate())


def test_the_race_link_replays_the_recorded_race_and_the_scrubber_moves_it(app):
    app.query_params["replay"] = "adding_race_T50"
    app.switch_page("app_pages/race.py").run()
    assert not app.exception
    run = load_run(ROOT / "rnnviz" / "demo_runs" / "adding_race_T50.rnnrun")
    assert app.segmented_control(key="race_mode").value == "Replay a recorded run"
    assert [m.value for m in app.metric if m.label == "Step"] == ["1500"]
    loss = next(f for f in _figures(app).values() if f["layout"]["yaxis"]["title"]["text"] == "MSE")
    curves = {t["name"]: t for t in loss["data"] if t.get("name", "").endswith("training loss")}
    assert sorted(curves) == ["GRU training loss", "LSTM training loss", "RNN training loss"]
    assert curves["LSTM training loss"]["y"][-1] == pytest.approx(run.lanes["LSTM"].loss[-1])  # the file's numbers
    solved = [m for m in app.metric if "solved at" in (m.proto.delta or "")]
    assert solved and all(m.proto.direction == m.proto.NONE for m in solved)  # "solved at step 500" is no rise
    assert not _training(app)
    frames = run.frames()
    app.select_slider(key="race_replay_player_step").set_value(10).run()  # scrub to the 11th recorded step
    assert not app.exception
    assert [m.value for m in app.metric if m.label == "Step"] == [str(frames[10])]
    assert any("Replay of a recorded run" in c.value for c in app.caption)
    assert app.query_params["step"] in ("10", ["10"]) and app.query_params["replay"] in (
        "adding_race_T50",
        ["adding_race_T50"],
    )
    assert not _training(app)


def test_compare_shows_a_recorded_run_at_step_0_and_at_its_end(app):
    app.switch_page("app_pages/compare.py").run()
    assert not app.exception
    app.selectbox(key="compare_left_source").set_value("Recorded adding_race_T50: LSTM").run()
    app.selectbox(key="compare_right_source").set_value("Recorded adding_race_T50: LSTM").run()
    assert not app.exception
    assert app.select_slider(key="compare_left_at").value == 0
    assert app.select_slider(key="compare_right_at").value == 1500
    titles = [f["layout"]["title"]["text"] for f in _figures(app).values()]
    assert "weights at step 0" in titles and "weights at step 1,500" in titles
    run = load_run(ROOT / "rnnviz" / "demo_runs" / "adding_race_T50.rnnrun")
    _, trained, _ = run.model_copy("LSTM")
    _, initial, _ = run.model_copy("LSTM", initial=True)
    x = torch.rand(1, 50, 2)
    assert not torch.equal(trained(x)[0], initial(x)[0])  # the two sides really are different weights


def test_compare_draws_both_models_on_one_scale_unless_asked_otherwise(app):
    """An untrained model (±0.1) beside a trained one (±0.4) looked equally saturated (#23 item 9)."""
    app.switch_page("app_pages/compare.py").run()
    app.selectbox(key="compare_left_source").set_value("Recorded adding_race_T50: LSTM").run()
    app.selectbox(key="compare_right_source").set_value("Recorded adding_race_T50: LSTM").run()
    assert not app.exception

    def limits():
        figures = [f for key, f in _figures(app).items() if "compare_maps" in key]
        return [[trace["zmax"] for trace in f["data"]] for f in figures]

    left, right = limits()
    assert left == right  # h with h, c with c
    app.toggle(key="compare_own_scales").set_value(True).run()
    left, right = limits()
    assert left != right  # each its own largest value: the trained model's is larger
    assert max(right) > max(left)
