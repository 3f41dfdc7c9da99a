"""Runs by id, server-wide: who controls each, who only watches, and how long it outlives its tabs.

A page registers its run under an id and puts the id in its link (`/train?run=3f9a1c2e5b7d9e0f`).
The link lets anyone watch the run; only the browsers that *control* it may pause, step, stop or
reset it: the one that started it, and any that opened its control link (`control_link_code`,
never shown in the Share box or in presentation mode). A projected link is safe to copy.

A browser is the id in its cookie (ui/browser.py), so its tabs are one student: each browser has
at most one active run per page (register refuses a second with a sentence).

When the last controlling session lets go of a run, it is *released*: it keeps training for
GRACE_SECONDS, and a reaper stops it (freeing its training slot) unless a controller claims it
again first. Watching sessions do not keep a run alive.

Every run held here is also saved to disk (rnnviz.serving.stored_runs) while it trains, when it
ends and at exit, so its link still opens it, as a replay, after a restart.

    register(job, browser, page) → id     claim(id, browser) → job | None     release(job, browser)
"""

from __future__ import annotations

import atexit
import ctypes
import gc
import hmac
import logging
import os
import re
import secrets
import threading
import time
from dataclasses import dataclass, field

from rnnviz.serving import stored_runs

LOG = logging.getLogger(__name__)

GRACE_SECONDS = float(os.environ.get("RNNVIZ_RUN_GRACE_S", 600))  # ten minutes; tests shorten it
RUN_ID = re.compile(r"[0-9a-f]{16}")  # what register() makes: 64 random bits, too many to guess


class RunLimitError(ValueError):
    """A browser asked for a second active run on one page, with a sentence saying what to do."""


@dataclass
class Entry:
    job: object  # anything with .stop() and .active
    page: str
    controllers: set[str]  # browsers that may pause, step, stop and reset it
    code: str = field(default_factory=lambda: secrets.token_urlsafe(16))  # the control link's secret
    holders: int = 1  # controlling sessions showing it now
    released: float | None = None  # when its last controlling session let go
    saved: float = field(default_factory=time.monotonic)  # when its file was last written
    saved_state: str = ""  # the run's state then


_lock = threading.Lock()
_saving = threading.Lock()  # one run file written at a time; held by the exit's saves to the end
_exiting = False  # set at exit: the reaper's thread writes no more (torch in a thread at exit aborts)
_runs: dict[str, Entry] = {}
_reaper: threading.Thread | None = None


def register(job, browser: str = "", page: str = "", run_id: str | None = None) -> str:
    """Hold `job` under a new id (or `run_id`: a saved run resumed under its own), controlled by
    `browser`. A browser with an active run on `page` already (another tab) gets a RunLimitError."""
    with _lock:
        for entry in _runs.values():
            if browser and browser in entry.controllers and entry.page == page and entry.job.active:
                raise RunLimitError(
                    "This browser already has a run training on this page, in another tab: stop it there, or reload "
                    "this page to show it here. One run per page and browser keeps the server's slots for everyone."
                )
        if run_id in _runs:
            raise RunLimitError("This run is held on this server already: reload the page to show it.")
        run_id = run_id or secrets.token_hex(8)
        _runs[run_id] = Entry(job, page, {browser})
    _start_reaper()
    return run_id


def claim(run_id: str, browser: str = ""):
    """The run with this id (still held, or released less than GRACE_SECONDS ago), or None.
    A controlling browser's claim keeps it alive; a watcher's does not."""
    with _lock:
        entry = _runs.get(run_id) if isinstance(run_id, str) else None
        if entry is None:
            return None
        if browser in entry.controllers:
            entry.released = None
            entry.holders += 1
        return entry.job


def controls(run_id: str | None, browser: str) -> bool:
    """May `browser` pause, step, stop and reset this run?"""
    with _lock:
        entry = _runs.get(run_id) if run_id else None
        return entry is not None and bool(browser) and browser in entry.controllers


def control_link_code(run_id: str, browser: str) -> str | None:
    """The secret that hands control of the run to whoever opens its control link; only for a
    browser that controls it already."""
    with _lock:
        entry = _runs.get(run_id)
        return entry.code if entry is not None and browser in entry.controllers else None


def take_control(run_id: str, browser: str, code: str) -> bool:
    """`browser` opened a control link: it controls the run from now on if the code is the run's."""
    with _lock:
        entry = _runs.get(run_id)
        if entry is None or not browser or not hmac.compare_digest(entry.code.encode(), str(code).encode()):
            return False
        entry.controllers.add(browser)
        entry.released = None
        entry.holders += 1
        return True


def release(job, browser: str = "") -> None:
    """A session that showed the run ended: when it was the last controlling one, the run stops
    after the grace period unless it is claimed again."""
    with _lock:
        for entry in _runs.values():
            if entry.job is job and browser in entry.controllers:
                entry.holders = max(entry.holders - 1, 0)
                if entry.holders == 0:
                    entry.released = time.monotonic()


def forget(job) -> None:
    """Drop a run that was stopped or replaced on purpose."""
    with _lock:
        for run_id in [r for r, entry in _runs.items() if entry.job is job]:
            _runs.pop(run_id)


def reap(now: float | None = None) -> list[str]:
    """Stop, save and forget every run released more than GRACE_SECONDS ago; returns their ids."""
    now = time.monotonic() if now is None else now
    with _lock:
        expired = [r for r, e in _runs.items() if e.released is not None and now - e.released >= GRACE_SECONDS]
        entries = [(r, _runs.pop(r)) for r in expired]
    while entries:  # popped, so nothing here still refers to their models and recordings afterwards
        run_id, entry = entries.pop()
        entry.job.stop()
        _save(run_id, entry)
    if expired:
        return_freed_memory()
    return expired


def save_due(now: float | None = None) -> list[str]:
    """Save every run that trained SAVE_EVERY_S since its last save, or changed state (ended,
    paused); returns their ids."""
    now = time.monotonic() if now is None else now
    with _lock:
        due = [
            (r, e)
            for r, e in _runs.items()
            if e.saved_state != e.job.state or (e.job.active and now - e.saved >= stored_runs.SAVE_EVERY_S)
        ]
    for run_id, entry in due:
        entry.saved, entry.saved_state = now, entry.job.state
        _save(run_id, entry)
    return [run_id for run_id, _ in due]


def _save(run_id: str, entry: Entry, at_exit: bool = False) -> None:
    """Write the run's file; a full disk or a run that cannot be written is logged, never raised
    into the reaper (which also stops orphans). Once the server is exiting only the exit saves."""
    with _saving:
        if _exiting and not at_exit:
            return
        try:
            with _lock:
                controllers = set(entry.controllers)
            stored_runs.save(run_id, entry.job, controllers, entry.page)
        except Exception:  # noqa: BLE001 - the reaper must go on whatever one file does
            LOG.exception("could not save run %s", run_id)


@atexit.register
def save_all_at_exit(seconds: float = 4.0) -> int:
    """At exit (SIGTERM): stop every run held here and save it; the number saved."""
    global _exiting
    with _saving:  # after any save the reaper is in the middle of
        _exiting = True
    with _lock:
        held = list(_runs.items())
    for _, entry in held:
        entry.job.stop(wait=0)
    deadline = time.monotonic() + seconds
    for run_id, entry in held:
        join = getattr(entry.job, "join", None)
        if join is not None:
            join(max(deadline - time.monotonic(), 0))
        _save(run_id, entry, at_exit=True)
    return len(held)


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
                time.sleep(min(5.0, max(min(GRACE_SECONDS / 4, stored_runs.SAVE_EVERY_S / 2), 0.1)))
                reap()
                save_due()

        _reaper = threading.Thread(target=loop, name="rnnviz-run-reaper", daemon=True)
        _reaper.start()
