"""What recurrence costs: repeated timings keep their spread, a busy machine is named, and the cost
figure tells its lines apart (issue: a single timing on a busy server let the loop 'beat' fused)."""

import time

import pytest

from rnnviz.analysis import cost
from rnnviz.plots.scan import cost_figure


def test_each_point_is_the_median_of_its_repeats_with_the_fastest_and_slowest():
    rows = cost.measure((8,), names=("nn.GRU (fused)", "minGRU loop"), repeats=3, batch=2, hidden=4)
    for row in rows:
        assert row["seconds_low"] <= row["seconds"] <= row["seconds_high"]


def test_a_pass_slowed_by_other_work_shows_in_the_spread_not_in_the_median(monkeypatch):
    calls = []
    real = cost._output

    def sometimes_slow(name, module, x):  # the second pass (the first after the warm-up) shares the CPU
        calls.append(name)
        if len(calls) == 2:
            time.sleep(0.05)
        return real(name, module, x)

    monkeypatch.setattr(cost, "_output", sometimes_slow)
    (row,) = cost.measure((4,), names=("minGRU loop",), repeats=5, batch=2, hidden=4)
    assert row["seconds_high"] >= 0.05 > row["seconds"]  # the median is the quiet passes'
    assert "spread widely" in cost.timing_note([row], load=0.1, repeats=5)


@pytest.mark.parametrize("load,busy", [(0.2, False), (1.4, True)])
def test_the_note_says_when_the_machine_was_busy(load, busy):
    rows = [{"implementation": "nn.GRU (fused)", "T": 16, "seconds": 1e-3, "seconds_low": 9e-4, "seconds_high": 1.1e-3}]
    note = cost.timing_note(rows, load=load, repeats=5)
    assert "median of 5 passes" in note
    assert ("The machine was busy" in note) == busy and (f"{load:.1f} runnable processes per core" in note) == busy


def test_the_cost_figure_gives_every_implementation_its_own_colour_bars_and_decade_ticks():
    rows = [
        {"implementation": name, "T": steps, "seconds": 2e-3, "seconds_low": 1e-3, "seconds_high": 4e-3}
        | {"saved_bytes": 1e6}
        for name in cost.IMPLEMENTATIONS
        for steps in (16, 32)
    ]
    figure = cost_figure(rows, "seconds", "Time per training step", "milliseconds")
    assert len({trace.line.color for trace in figure.data}) == len(cost.IMPLEMENTATIONS)
    first = figure.data[0]
    assert list(first.error_y.array) == pytest.approx([2.0, 2.0]) and list(first.error_y.arrayminus) == pytest.approx(
        [1.0, 1.0]
    )
    assert figure.layout.yaxis.dtick == 1 and list(figure.layout.xaxis.tickvals) == [16, 32]
