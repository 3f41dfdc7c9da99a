"""Your own series: a CSV column becomes the many-to-one forecasting task (read a window of
values, predict the next one), with the same bad-input rules as the text upload.

The values are standardised (mean 0, standard deviation 1), so the memoryless baseline is the
same for every series: always predicting the mean scores MSE 1.
"""

from __future__ import annotations

import csv
import io
import math

import numpy as np
import pandas as pd
import torch

from rnnviz.batching import TextError, decode_text
from rnnviz.tasks.base import Batch, Task

MAX_CSV_CHARS = 600_000  # about 20,000 rows of a few columns
MAX_ROWS = 20_000
MIN_ROWS = 20


class SeriesError(ValueError):
    """A CSV that cannot become a series, with a sentence saying why."""


def read_csv_columns(data: bytes) -> pd.DataFrame:
    """The uploaded bytes → a table of its numeric columns (at least one), checked."""
    try:
        text = decode_text(data, max_chars=MAX_CSV_CHARS)
    except TextError as error:
        raise SeriesError(str(error)) from None
    try:
        header = text.split("\n", 1)[0]
        sep = next((s for s in ",;\t" if s in header), ",")  # commas, or a spreadsheet's semicolons or tabs
        table = pd.read_csv(io.StringIO(text), sep=sep, nrows=MAX_ROWS + 1)
    except (ValueError, pd.errors.ParserError, csv.Error) as error:
        raise SeriesError(f"This is not a readable CSV table ({error}).") from None
    if len(table) > MAX_ROWS:
        raise SeriesError(f"The table has more than {MAX_ROWS:,} rows; upload at most {MAX_ROWS:,}.")
    numeric = table.apply(pd.to_numeric, errors="coerce")
    usable = [c for c in table.columns if numeric[c].notna().sum() >= max(len(table) // 2, 1)]
    if not usable:
        raise SeriesError("No column of this table holds numbers: the forecaster needs one numeric column.")
    return numeric[usable]


def series_values(table: pd.DataFrame, column: str) -> tuple[float, ...]:
    """One column as a series: every row a finite number, enough rows, not constant."""
    values = table[column].to_numpy(dtype=np.float64)
    bad = np.flatnonzero(~np.isfinite(values))
    if len(bad):
        rows = ", ".join(str(r + 2) for r in bad[:5])  # +2: the header is line 1
        raise SeriesError(
            f"Column {column!r} has {len(bad)} rows that are empty or not numbers (lines {rows}"
            f"{' …' if len(bad) > 5 else ''}); fill or remove them."
        )
    if len(values) < MIN_ROWS:
        raise SeriesError(f"Column {column!r} has {len(values)} values; a forecaster needs at least {MIN_ROWS}.")
    if np.std(values) == 0:
        raise SeriesError(f"Column {column!r} is constant: there is nothing to forecast.")
    return tuple(float(v) for v in values)


def series_task(values: tuple[float, ...], name: str = "your series") -> Task:
    """Windows of the standardised series → the next value, many to one."""
    array = np.asarray(values, dtype=np.float64)
    standard = torch.tensor((array - array.mean()) / array.std(), dtype=torch.float32)

    def generate(batch_size, seq_len, g):
        if len(standard) < seq_len + 1:
            raise ValueError(f"The series has {len(standard)} values; windows of {seq_len} need {seq_len + 1}.")
        starts = torch.randint(0, len(standard) - seq_len, (batch_size,), generator=g)
        windows = torch.stack([standard[s : s + seq_len + 1] for s in starts.tolist()])
        return Batch(windows[:, :-1].unsqueeze(-1), windows[:, -1:])  # (B, T, 1) → the next value (B, 1)

    return Task(
        "series",
        f"Forecast {name}",
        f"Read a window of {name} ({len(array):,} values, standardised to mean 0 and standard deviation 1) and "
        "predict the next value. Baseline: always predicting the mean scores MSE 1.",
        "many_to_one",
        False,
        1,
        1,
        generate,
        lambda T: 1.0,
        lambda T: 1.0,
        0.05,
        default_seq_len=min(30, max(len(array) // 4, 2)),
        min_seq_len=2,
        reference="Box & Jenkins (time-series forecasting)",
    )


def finite(values) -> bool:
    return all(isinstance(v, int | float) and math.isfinite(v) for v in values)
