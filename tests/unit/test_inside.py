"""Looking inside: heatmap data, saturation, PCA, memory units, rollout, highlighted text."""

import numpy as np
import pytest
import torch

from rnnviz import RNNSpec, build_model, example_input, record
from rnnviz.analysis.inside import memory_units, pca_path, rollout, rollout_errors, saturation, state_maps, steps_above
from rnnviz.plots.inside import highlighted_text_html, state_heatmap, state_vector_animation
from rnnviz.tasks import TASKS, input_labels, sine_series
from rnnviz.training.train import TrainConfig, Trainer


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_heatmap_data_equals_the_recording(cell):
    spec = RNNSpec(cell=cell, num_layers=2, bidirectional=True, batch_size=3, seq_len=7)
    rec = record(build_model(spec), example_input(spec))
    maps = state_maps(rec, layer=1, direction=1, example=2)
    assert np.array_equal(maps["h"], rec.hidden[1, 1, :, 2])
    assert set(maps) == {"h"} | ({"c"} if cell == "lstm" else set()) | set(rec.gates)
    for name, values in maps.items():
        fig = state_heatmap(values, [str(t) for t in range(7)], name)
        assert np.array_equal(np.asarray(fig.data[0].z), values.T)
    frames = state_vector_animation(maps["h"], [str(t) for t in range(7)]).frames
    assert len(frames) == 7 and np.array_equal(np.asarray(frames[4].data[0].y), maps["h"][4])


def test_pca_recovers_a_known_low_rank_trajectory():
    rng = np.random.default_rng(0)
    t = np.linspace(0, 2 * np.pi, 60)
    latent = np.stack([3 * np.cos(t), np.sin(t)], axis=1)  # an ellipse in 2-D
    embedding = np.linalg.qr(rng.normal(size=(32, 2)))[0].T  # orthonormal rows: 2 → 32 dimensions
    states = latent @ embedding + 5.0
    coords, explained = pca_path(states)
    assert explained.sum() == pytest.approx(1.0)
    # the path equals the latent one up to a sign per axis
    for k in range(2):
        sign = np.sign(coords[:, k] @ latent[:, k])
        assert np.abs(sign * coords[:, k] - (latent[:, k] - latent[:, k].mean())).max() < 1e-9


def test_saturation_counts_fractions_per_unit():
    spec = RNNSpec(cell="lstm", seq_len=5, batch_size=2, hidden_size=3)
    rec = record(build_model(spec), example_input(spec))
    rec.gates["f"][0, 0] = 0.95
    rec.gates["f"][0, 0, :, :, 1] = 0.05
    sat = saturation(rec)
    assert set(sat) == {"i", "f", "o"}
    left, right = sat["f"]
    assert right.tolist() == [1.0, 0.0, 1.0] and left.tolist() == [0.0, 1.0, 0.0]


def test_steps_above_and_highlighted_text():
    activation = np.array([0.1, 0.8, -0.5, 0.9])
    assert steps_above(activation, 0.5) == [1, 3]
    page = highlighted_text_html(list("ab<d"), activation, 0.5)
    assert page.count("<span") == 4 and "&lt;" in page and page.count("outline") == 2


def test_memory_units_find_the_unit_that_jumps_at_the_marker_and_holds():
    spec = RNNSpec(cell="lstm", topology="many_to_one", seq_len=10, batch_size=2, hidden_size=4, input_size=2)
    rec = record(build_model(spec), example_input(spec))
    cell = np.zeros((1, 1, 10, 2, 4))
    cell[0, 0, 3:, :, 2] = 1.0  # unit 2 jumps at step 3 and holds
    cell[0, 0, 3, :, 1] = 1.0  # unit 1 jumps at step 3 and falls back at once
    rec.cell = cell
    markers = np.zeros((2, 10))
    markers[:, 3] = 1
    found = memory_units(rec, markers, top=2)
    assert found[0][0] == 2 and found[0][1] > found[1][1]


def test_free_running_forecast_compounds_errors_teacher_forced_does_not():
    trainer = Trainer(TrainConfig(task="sine", cell="lstm", hidden_size=32, seq_len=30, seed=0))
    trainer.run(600)
    series = sine_series(30 + 80, seed=7)
    result = rollout(trainer.model, series, 30, 80)
    teacher = np.abs(result["teacher"] - result["truth"])
    free = np.abs(result["free"] - result["truth"])
    assert rollout_errors(result) == pytest.approx({"teacher": teacher.mean(), "free": free.mean()})
    assert teacher.mean() < 0.15  # it learned the wave
    assert free[-20:].mean() > teacher[-20:].mean()  # feeding itself drifts further than reading the truth
    assert result["teacher"][0] == result["free"][0]  # the first prediction reads the same window


def test_input_labels_cover_every_unrolled_step():
    for name, task in TASKS.items():
        batch = task.generate(1, task.default_seq_len, torch.Generator().manual_seed(0))
        spec = task.spec(seq_len=task.default_seq_len)
        labels = input_labels(task, batch.x[0], spec.steps)
        assert len(labels) == spec.steps and all(isinstance(label, str) for label in labels), name


def test_vanishing_figure_draws_underflow_as_a_gap_with_a_marker_not_a_floor():
    """At length 300 a GRU's gradient can underflow to exactly 0 in float64: the old figure drew a
    flat line at 1e-30. Now zeros are gaps, and a marker says where the exact zeros start."""
    from rnnviz.analysis.gradients import GradientFlow, gradient_flow
    from rnnviz.plots.gradients import gradient_flow_figure

    real = gradient_flow("gru", 300, 16)
    assert real.relative[-1] < 1e-30  # far below the old floor, and drawn as it is
    relative = np.array([1.0, 1e-5, 1e-200, 0.0, 0.0])
    flow = GradientFlow("gru", relative, relative.copy(), 0.5)
    fig = gradient_flow_figure([real, flow])
    for trace in fig.data:
        ys = np.asarray(trace.y, dtype=float)
        assert not np.any(np.isclose(ys[np.isfinite(ys)], 1e-30, rtol=0, atol=0))  # no fake floor anywhere
    lines = [t for t in fig.data if t.mode == "lines" and len(t.y) == 5]
    assert all(np.isnan(t.y[3]) and np.isnan(t.y[4]) and t.y[2] == 1e-200 for t in lines)
    markers = [t for t in fig.data if t.mode == "markers+text"]
    assert len(markers) == 2 and all(t.x[0] == 3 and "exactly 0" in t.text[0] for t in markers)
    np.testing.assert_allclose(real.relative[-1], fig.data[0].y[-1])


def test_stacked_maps_put_each_state_on_its_own_row_scale_and_bar():
    from rnnviz.plots.inside import stacked_state_heatmaps

    rng = np.random.default_rng(0)
    h, c = np.tanh(rng.normal(size=(7, 5))), 3 * rng.normal(size=(7, 5))
    fig = stacked_state_heatmaps({"hidden state h": h, "cell state c": c}, list("abcdefg"), "weights at step 0")
    top, bottom = fig.data
    assert np.array_equal(np.array(top.z), h.T) and np.array_equal(np.array(bottom.z), c.T)  # units × time
    assert top.zmax == -top.zmin == np.abs(h).max() and bottom.zmax == np.abs(c).max()  # 0 stays white on each
    assert top.yaxis == "y" and bottom.yaxis == "y2" and fig.layout.xaxis.matches == "x2"  # one input axis
    assert top.colorbar.y > bottom.colorbar.y  # each bar beside its own row
    assert [a.text for a in fig.layout.annotations] == ["hidden state h", "cell state c"]


def test_the_highlight_strip_sets_numbers_apart_and_keeps_characters_together():
    """Fifty values read '0.500.770.09…' and ran off the page at 1280 px (#23 item 12)."""
    from rnnviz.plots.inside import highlighted_text_html

    numbers = highlighted_text_html(["0.50", "0.77", "0.09"], np.array([0.1, -0.2, 0.3]))
    assert numbers.count("display:inline-block;margin:0 4px") == 3  # each value its own box, which may wrap
    text = highlighted_text_html(list("good"), np.array([0.1, -0.2, 0.3, 0.4]))
    assert "inline-block" not in text  # characters still read as a word
