"""The parts of a run file that are tables and listings, checked on their bytes before they are
parsed: a history or evaluations table of at most MAX_TABLE_ROWS rows of a few numbers each,
and a lane's list of probe or weight steps (whole numbers, each once, at most KEPT_PROBES)."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

from rnnviz.files.unzip import RunFileError
from rnnviz.training.lane import KEPT_PROBES

MAX_TABLE_ROWS = 200_000  # rows of a lane's history or evaluations (longer runs are written thinned)
MAX_LINE_BYTES = 200  # one row of a table: a few numbers


def read_table(data: bytes, columns: list[str], name: str) -> pd.DataFrame:
    """A history or evaluations table: at most MAX_TABLE_ROWS rows of at most MAX_LINE_BYTES
    each, checked on the bytes before pandas reads a field, so no table costs more than that to
    parse; every value a number, steps whole, at least 0 and increasing."""
    rows = data.count(b"\n")  # counted before splitting: a table of millions of rows costs nothing more
    if rows > MAX_TABLE_ROWS + 1:  # the header and the rows
        raise RunFileError(f"{name} has {rows:,} rows; a run file keeps at most {MAX_TABLE_ROWS:,}.")
    lines = data.split(b"\n")
    if max(map(len, lines)) > MAX_LINE_BYTES:
        raise RunFileError(f"{name} has a line longer than {MAX_LINE_BYTES} characters; its rows are a few numbers.")
    found = lines[0].decode("ascii", "replace").strip().split(",")
    if found != columns:
        raise RunFileError(f"{name} has columns {found[:8]}; expected {columns}.")
    ragged = next((k for k, line in enumerate(lines) if line and line.count(b",") != len(columns) - 1), None)
    if ragged is not None:
        raise RunFileError(f"Line {ragged + 1} of {name} does not have {len(columns)} fields ({', '.join(columns)}).")
    try:
        table = pd.read_csv(io.BytesIO(data))
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as error:
        raise RunFileError(f"{name} is not a readable CSV table ({error}).") from None
    if list(table.columns) != columns:
        raise RunFileError(f"{name} has columns {list(table.columns)}; expected {columns}.")
    try:
        steps = table["step"].to_numpy(dtype=np.float64)
        table[columns[1:]].to_numpy(dtype=np.float64)
    except (ValueError, TypeError):
        raise RunFileError(f"{name} holds something other than numbers.") from None
    if len(steps) and (not np.all(np.isfinite(steps)) or np.any(steps < 0) or np.any(steps != np.round(steps))):
        raise RunFileError(f"{name}: steps must be whole numbers of at least 0.")
    if len(steps) > 1 and np.any(np.diff(steps) <= 0):
        raise RunFileError(f"{name}: steps must increase.")
    return table


def listed_steps(entry: dict, key: str, label: str) -> list[int]:
    """A lane's probe or weight steps: whole numbers, each once, at most KEPT_PROBES."""
    steps = entry.get(key, [])
    if not (isinstance(steps, list) and all(isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in steps)):
        raise RunFileError(f"{label}: the {key} steps must be a list of whole numbers.")
    if len(steps) > KEPT_PROBES:
        raise RunFileError(f"{label} lists {len(steps):,} {key}; a run keeps at most {KEPT_PROBES} a lane.")
    if len(set(steps)) != len(steps):
        raise RunFileError(f"{label} lists a {key[:-1]} step more than once.")
    return steps
