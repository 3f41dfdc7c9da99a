"""Runs by id, server-wide, so a run outlives the browser tab that started it for a while.

A page registers its run under a short id and puts the id in its link (`/train?run=3f9a1c2e`).
Reloading the tab, or opening the link in another tab, finds the run again. When the last
session that held a run ends, the run is *released*: it keeps training for GRACE_SECONDS, and a
reaper stops it (freeing its training slot) unless some session claims it again first.

    register(job) → id      claim(id) → job | None      release(job)
"""

from __future__ import annotations

import ctypes
import gc
import os
import secrets
import threading
import time

GRACE_SECONDS = float(os.environ.get("RNNVIZ_RUN_GRACE_S", 600))  # ten minutes; tests shorten it

_lock = threading.Lock()
_runs: dict[str, object] = {}  # id → job (anything with .stop() and .active)
_holders: dict[str, int] = {}  # id → sessions holding it now
_released: dict[str, float] = {}  # id → when its last holder let go
_reaper: threading.Thread | None = None


def register(job) -> str:
    run_id = secrets.token_hex(4)
    with _lock:
        _runs[run_id] = job
        _holders[run_id] = 1
    _start_reaper()
    return run_id


def claim(run_id: str):
    """The run with this id (still held, or released less than GRACE_SECONDS ago), or None."""
    with _lock:
        job = _runs.get(run_id)
        if job is not None:
            _released.pop(run_id, None)
            _holders[run_id] = _holders.get(run_id, 0) + 1
        return job


def release(job) -> None:
    """Its holder is gone: stop it after the grace period unless it is claimed again."""
    with _lock:
        for run_id, held in _runs.items():
            if held is job:
                _holders[run_id] = max(_holders.get(run_id, 1) - 1, 0)
                if _holders[run_id] == 0:
                    _released[run_id] = time.monotonic()


def forget(job) -> None:
    """Drop a run that was stopped or replaced on purpose."""
    with _lock:
        for run_id in [r for r, held in _runs.items() if held is job]:
            _runs.pop(run_id)
            _released.pop(run_id, None)
            _holders.pop(run_id, None)


def reap(now: float | None = None) -> list[str]:
    """Stop and forget every run released more than GRACE_SECONDS ago; returns their ids."""
    now = time.monotonic() if now is None else now
    with _lock:
        expired = [r for r, since in _released.items() if now - since >= GRACE_SECONDS]
        jobs = [_runs.pop(r) for r in expired]
        for r in expired:
            _released.pop(r)
            _holders.pop(r, None)
    while jobs:  # popped, so nothing here still refers to their models and recordings afterwards
        jobs.pop().stop()
    if expired:
        return_freed_memory()
    return expired


def return_freed_memory() -> None:
    """Hand memory that stopped runs freed back to the operating system. glibc keeps freed heap
    pages in the arena of the thread that used them (each run trains in its own thread), so a
    server that saw many runs would otherwise keep their peak; a no-op elsewhere."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _start_reaper() -> None:
    global _reaper
    with _lock:
        if _reaper is not None and _reaper.is_alive():
            return

        def loop():
            while True:
                time.sleep(min(5.0, max(GRACE_SECONDS / 4, 0.2)))
                reap()

        _reaper = threading.Thread(target=loop, name="rnnviz-run-reaper", daemon=True)
        _reaper.start()
