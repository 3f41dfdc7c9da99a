"""Train/Race charts label their reference lines where the lines are, keep every race line
visible, and the race says who won in words (correct-and-clear 11)."""

import math

import pytest

from rnnviz.plots.training import loss_figure, metric_figure
from rnnviz.tasks import TASKS
from rnnviz.training.jobs import Lane
from rnnviz.training.race import race_summary
from rnnviz.training.train import TrainConfig


def _lane(label, metrics, solved_at=None):
    steps = [100 * (k + 1) for k in range(len(metrics))]
    evaluations = [{"step": s, "metric": m, "eval_loss": m} for s, m in zip(steps, metrics)]
    return Lane(
        label, TrainConfig(cell=label.lower()), steps, metrics, [1.0] * len(steps), evaluations, solved_at=solved_at
    )


LANES = {
    "RNN": _lane("RNN", [0.17, 0.17, 0.17]),
    "GRU": _lane("GRU", [0.17, 0.02, 0.004], solved_at=300),
    "LSTM": _lane("LSTM", [0.17, 0.008, 0.002], solved_at=200),
}


def test_reference_labels_sit_on_their_lines_even_on_log_axes():
    for fig, level, log in (
        (loss_figure(LANES, 1 / 6, "MSE"), 1 / 6, True),
        (metric_figure(LANES, 1 / 6, "MSE", 0.01), 0.01, True),
        (metric_figure(LANES, 0.5, "accuracy", 0.99), 0.99, False),
    ):
        labels = {a.text: a for a in fig.layout.annotations}
        matching = [a for text, a in labels.items() if f"{level:.3g}" in text or f"{level:g}" in text]
        assert matching, labels
        expected = math.log10(level) if log else level
        assert matching[0].y == pytest.approx(expected)  # plotly places log-axis annotations in log10
        assert matching[0].x == 300  # at the line's right end, the last step drawn


def test_equal_curves_stay_visible_with_distinct_dashes_and_widths():
    fig = metric_figure(LANES, 1 / 6, "MSE", 0.01)
    lines = {t.name: t for t in fig.data if t.name in LANES}
    assert len({t.line.dash for t in lines.values()}) == 3
    assert lines["RNN"].line.width > lines["GRU"].line.width > lines["LSTM"].line.width  # drawn first, widest
    assert len({t.marker.size for t in lines.values()}) == 1  # but no lane's markers are big enough to hide another's


def test_the_race_says_who_solved_it_first_and_every_final_metric():
    text = race_summary(LANES, TASKS["adding"], 50)
    assert text.startswith("**LSTM solved it first**, at step 200; GRU at step 300; RNN has not solved it yet.")
    assert "best first: LSTM 0.002, GRU 0.004, RNN 0.17" in text
    nobody = race_summary({"RNN": _lane("RNN", [0.6, 0.55])}, TASKS["parity"], 20)
    assert nobody.startswith("**No cell has solved it yet.**")
