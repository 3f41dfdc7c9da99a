"""The server's training slots: at most MAX_RUNNING runs train at once (env RNNVIZ_MAX_RUNS,
default: the machine's cores, one run each); the others wait in a line served strictly in arrival
order (SlotQueue). On two cores a third concurrent run made every run 2-3× slower."""

from __future__ import annotations

import os
import threading


def env_setting(name: str, default: float, low: float, high: float) -> float:
    """An environment setting between low and high; a bad value falls back to the default."""
    try:
        value = float(os.environ.get(name, default))
    except ValueError:
        return default
    return value if low <= value <= high else default


CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 2
MAX_RUNNING = int(env_setting("RNNVIZ_MAX_RUNS", min(CORES, 64), 1, 64))  # a replica's cap (deploy/); whole numbers


class SlotQueue:
    """At most `slots` holders at once; waiters are served strictly in arrival order."""

    def __init__(self, slots: int):
        self.slots = slots
        self._free = slots
        self._waiting: list[object] = []
        self._changed = threading.Condition()

    def acquire(self, who: object, stop: threading.Event, on_wait=None) -> bool:
        """Block until `who` is first in line and a slot is free; False if `stop` is set first.
        `on_wait()` is called once if it has to wait."""
        with self._changed:
            self._waiting.append(who)
            waited = False
            while not (self._waiting[0] is who and self._free > 0):
                if stop.is_set():
                    self._waiting.remove(who)
                    self._changed.notify_all()
                    return False
                if not waited and on_wait is not None:
                    on_wait()
                    waited = True
                self._changed.wait(0.1)
            self._waiting.pop(0)
            self._free -= 1
            self._changed.notify_all()
            return True

    def release(self) -> None:
        with self._changed:
            self._free += 1
            self._changed.notify_all()

    def waiting(self) -> int:
        """How many runs wait for a slot."""
        with self._changed:
            return len(self._waiting)

    def ahead_of(self, who: object) -> int | None:
        """How many runs wait before `who`; None when it is not waiting."""
        with self._changed:
            return self._waiting.index(who) if who in self._waiting else None


SLOTS = SlotQueue(MAX_RUNNING)
