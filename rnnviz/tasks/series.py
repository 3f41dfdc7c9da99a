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

from rnnviz.lessons.batching import TextError, decode_text
from rnnviz.tasks.base import Batch, Task

MAX_CSV_CHARS = 600_000  # about 20,000 rows of a few columns
MAX_ROWS = 20_000
MIN_ROWS = 20


class SeriesError(ValueError):
    """A CSV that cannot become a series, with a sentence saying why."""


EMPTY = "The file is empty: a CSV needs a header line and then one number per row in at least one column."


def read_csv_columns(data: bytes) -> pd.DataFrame:
    """The uploaded bytes → a table of its numeric columns (at least one), checked. Commas,
    tabs or semicolons separate the columns; with semicolons, or a single column, a comma in a
    number is its decimal point (a European spreadsheet's "1,5")."""
    try:
        empty = not data.removeprefix(b"\xef\xbb\xbf").strip()  # nothing, or a UTF-8 byte-order mark alone
        text = "" if empty else decode_text(data, max_chars=MAX_CSV_CHARS)
    except TextError as error:
        raise SeriesError(str(error)) from None
    if not text.strip():
        raise SeriesError(EMPTY)
    header = text.split("\n", 1)[0]
    sep = next((s for s in ",;\t" if s in header), ";")  # no separator in the header: one column
    try:
        table = pd.read_csv(io.StringIO(text), sep=sep, nrows=MAX_ROWS + 1, dtype=str)
    except pd.errors.EmptyDataError:
        raise SeriesError(EMPTY) from None
    except (ValueError, pd.errors.ParserError, csv.Error) as error:
        raise SeriesError(f"This is not a readable CSV table ({error}).") from None
    if len(table) > MAX_ROWS:
        raise SeriesError(f"The table has more than {MAX_ROWS:,} rows; upload at most {MAX_ROWS:,}.")
    if sep == ";":
        table = table.apply(lambda column: column.str.replace(",", ".", regex=False))
    numeric = table.apply(lambda column: pd.to_numeric(column.str.strip(), errors="coerce"))
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
    check_spread(values, f"Column {column!r}")
    return tuple(float(v) for v in values)


def check_spread(values, what: str = "The series") -> None:
    """Enough values, a finite mean and spread (standardising divides by it), not constant."""
    values = np.asarray(values, dtype=np.float64)
    if len(values) < MIN_ROWS:
        raise SeriesError(f"{what} has {len(values)} values; a forecaster needs at least {MIN_ROWS}.")
    with np.errstate(over="ignore", invalid="ignore"):
        mean, spread = np.mean(values), np.std(values)
    if not (np.isfinite(mean) and np.isfinite(spread)):
        raise SeriesError(
            f"{what} holds numbers so large that their mean or spread is beyond what a computer's floating-point "
            "numbers hold: divide them by a power of ten and upload it again."
        )
    if spread == 0:
        raise SeriesError(f"{what} is constant: there is nothing to forecast.")


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
