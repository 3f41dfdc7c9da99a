"""Runs on disk, so a restart loses none: every run the registry holds is written to the runs
directory as a run file (rnnviz.files.runs) at least every SAVE_EVERY_S while it trains and once
more when it ends, under its id, with what training on needs (rnnviz.training.resume). After a
restart, or after the reaper stopped it, its `?run=` link opens the saved copy as a replay, and
the browsers that controlled it may resume it: beside each run file, <id>.json names its page and
its controllers (as SHA-256 digests of their browser ids, never the ids).

    save("3f9a1c2e5b7d9e0f", job, {browser}, "train")     load("3f9a1c2e5b7d9e0f") → Run | None
    owned_by("3f9a1c2e5b7d9e0f", browser) → bool

RNNVIZ_RUNS_DIR chooses the directory (default: runs/ beside the app); RNNVIZ_SAVE_EVERY_S the
interval; RNNVIZ_KEEP_RUNS how many files it keeps, the oldest removed first.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from rnnviz.files.runs import Run, load_run, run_bytes
from rnnviz.files.unzip import RunFileError
from rnnviz.serving.slots import env_setting

RUNS_DIR = Path(os.environ.get("RNNVIZ_RUNS_DIR") or Path(__file__).resolve().parents[2] / "runs")
SAVE_EVERY_S = env_setting("RNNVIZ_SAVE_EVERY_S", 30, 0.2, 3600)
KEEP_RUNS = int(env_setting("RNNVIZ_KEEP_RUNS", 200, 1, 100_000))
KEPT = dict(probes=4, weights=4, compact=True)  # what a saved copy keeps of each lane: a few MB at most


def path_of(run_id: str) -> Path:
    return RUNS_DIR / f"{run_id}.rnnrun"


def owners_path(run_id: str) -> Path:
    return RUNS_DIR / f"{run_id}.json"


def _digest(browser: str) -> str:
    return hashlib.sha256(browser.encode()).hexdigest()


def _write(path: Path, data: bytes) -> None:
    """Whole or not at all (a crash mid-write leaves the last copy)."""
    partial = path.with_suffix(".partial")
    partial.write_bytes(data)
    os.replace(partial, path)


def save(run_id: str, job, controllers=(), page: str = "") -> Path:
    """Write the run's file now, and who controls it."""
    RUNS_DIR.mkdir(parents=True, exist_ok=True)
    path = path_of(run_id)
    _write(path, run_bytes(job, resume=True, **KEPT))
    owners = {"page": page, "controllers": sorted(_digest(b) for b in controllers if b)}
    _write(owners_path(run_id), json.dumps(owners).encode())
    prune()
    return path


def owned_by(run_id: str, browser: str) -> bool:
    """Did `browser` control this run when it was last saved?"""
    try:
        owners = json.loads(owners_path(run_id).read_text())
        return bool(browser) and _digest(browser) in owners["controllers"]
    except (OSError, ValueError, KeyError, TypeError):
        return False


def load(run_id: str) -> Run | None:
    """The saved copy of this run, or None when there is none (or it cannot be read)."""
    path = path_of(run_id)
    if not path.is_file():
        return None
    try:
        return load_run(path)
    except (RunFileError, OSError, ValueError):
        return None


def prune() -> None:
    """Keep the KEEP_RUNS newest run files."""
    files = sorted(RUNS_DIR.glob("*.rnnrun"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in files[KEEP_RUNS:]:
        old.unlink(missing_ok=True)
        old.with_suffix(".json").unlink(missing_ok=True)
