"""Own data for the forecaster (record and replay, item 6): a CSV column becomes the many-to-one
task; bad files are refused with a sentence; the baseline is what predicting the mean scores."""

import numpy as np
import pytest
import torch

from rnnviz.tasks.series import MAX_ROWS, SeriesError, read_csv_columns, series_task, series_values
from rnnviz.training.train import TrainConfig, Trainer, TrainingError

WAVE = "date,value,label\n" + "".join(f"2026-01-{i % 28 + 1:02d},{np.sin(i / 5):.5f},x\n" for i in range(300))


def test_a_numeric_column_becomes_windows_that_predict_the_next_value():
    table = read_csv_columns(WAVE.encode())
    assert list(table.columns) == ["value"]  # dates and labels are not numbers
    values = series_values(table, "value")
    task = series_task(values)
    batch = task.generate(8, 12, torch.Generator().manual_seed(0))
    assert batch.x.shape == (8, 12, 1) and batch.y.shape == (8, 1)
    standard = (np.array(values) - np.mean(values)) / np.std(values)
    for x, y in zip(batch.x[:, :, 0].numpy(), batch.y[:, 0].numpy()):  # each window is a stretch of the series
        start = int(np.argmin([np.abs(standard[s : s + 12] - x).max() for s in range(len(standard) - 12)]))
        np.testing.assert_allclose(x, standard[start : start + 12], atol=1e-6)
        assert y == pytest.approx(standard[start + 12], abs=1e-6)
    everything = task.generate(4096, 12, torch.Generator().manual_seed(1))
    mean_guess = torch.nn.functional.mse_loss(torch.zeros_like(everything.y), everything.y).item()
    assert mean_guess == pytest.approx(task.baseline(12), rel=0.1)  # predicting the mean: MSE ≈ 1


def test_training_on_a_series_beats_the_baseline_and_needs_enough_values():
    values = series_values(read_csv_columns(WAVE.encode()), "value")
    summary = Trainer(TrainConfig(task="series", series=values, seq_len=10, hidden_size=16)).run(200)
    assert summary["eval_loss"] < 0.1 * summary["baseline"]
    with pytest.raises(TrainingError, match="windows of 400 steps"):
        TrainConfig(task="series", series=values, seq_len=400).validate()
    with pytest.raises(TrainingError, match="finite values"):
        TrainConfig(task="series", series=(1.0, float("nan"))).validate()


@pytest.mark.parametrize(
    "data, words",
    [
        (b"", "empty"),
        (b"\x00\x01\x02binary" * 50, "binary"),
        (b"name,colour\nann,red\nbob,blue\n", "No column"),
        (b"value\n" + b"1\n" * 10, "at least 20"),
        (b"value\n" + b"3\n" * 50, "constant"),
        (b"value\n" + b"".join(b"%d\n" % i for i in range(30)) + b"foo\n" + b"1\n" * 30, "not numbers"),
        (b"value\n" + b"1\n" * (MAX_ROWS + 5), "more than"),
        (b"v\n" + b"1" * 700_000, "limit"),
    ],
)
def test_bad_csv_files_are_refused_with_a_sentence(data, words):
    with pytest.raises(SeriesError, match=words):
        series_values(read_csv_columns(data), "value")


def test_a_series_whose_spread_overflows_is_refused_before_training():
    """±1e308 alternating: every value finite, the spread not (it was accepted, standardised to
    NaN, and the run 'diverged' blaming the learning rate)."""
    data = b"value\n" + b"1e308\n-1e308\n" * 20
    with pytest.raises(SeriesError, match="mean or spread"):
        series_values(read_csv_columns(data), "value")
    with pytest.raises(TrainingError, match="mean or spread"):  # from a link or a run file too
        TrainConfig(task="series", series=(1e308, -1e308) * 20).validate()


def test_a_european_csv_with_semicolons_and_decimal_commas_is_read():
    rows = "".join(f"{i};{np.sin(i / 5):.4f}\n".replace(".", ",") for i in range(40))
    table = read_csv_columns(("t;wert\n" + rows).encode())
    values = series_values(table, "wert")
    assert values[:3] == pytest.approx([0.0, 0.1987, 0.3894], abs=1e-4)
    single = read_csv_columns(b"wert\n" + b"".join(b"%d,5\n" % i for i in range(30)))  # one column: comma decimals
    assert series_values(single, "wert")[:2] == (0.5, 1.5)
    dots = read_csv_columns(b"a;b\n" + b"".join(b"%d;%d.25\n" % (i, i) for i in range(30)))
    assert series_values(dots, "b")[1] == 1.25  # semicolons with decimal points still read


@pytest.mark.parametrize("data", [b"", b"   \n\n", b"\xef\xbb\xbf"])
def test_an_empty_csv_says_what_a_csv_needs_not_what_the_text_box_does(data):
    with pytest.raises(SeriesError, match="header line") as refused:
        read_csv_columns(data)
    assert "sentence" not in str(refused.value)
