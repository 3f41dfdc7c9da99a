"""The bundled recorded runs (rnnviz/demo_runs/, shipped in the package): runs the pages can replay and look
inside without training, and the lesson's worked examples."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from rnnviz.files.runs import Run, load_run

DEMO_FOLDER = Path(__file__).resolve().parents[1] / "demo_runs"
DEMO_ORDER = ("char_rnn", "adding_race_T50", "parity_race")  # the char model first: Generate can use it


def demo_names() -> list[str]:
    found = sorted(path.stem for path in DEMO_FOLDER.glob("*.rnnrun"))
    return [n for n in DEMO_ORDER if n in found] + [n for n in found if n not in DEMO_ORDER]


@cache
def demo(name: str) -> Run:
    """A bundled run, read once per process (it is never changed: snapshots copy)."""
    return load_run(DEMO_FOLDER / f"{name}.rnnrun")
