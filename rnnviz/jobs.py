"""Background training runs: a plain thread per run that never touches the UI.

A job trains one model, or several in lockstep (a race: RNN, GRU and LSTM take turns, one step
each, so they share the CPU fairly). The page polls `snapshot()`; the controls are thread-safe
calls. At most MAX_RUNNING jobs train at once on the whole server (env RNNVIZ_MAX_RUNS, default 2);
the others wait, "queued", first come first served (two cores: a third concurrent run would make
every run 2-3× slower).

    idle → starting → (queued →) running ⇄ paused → finished | stopped | diverged | failed

"starting" while the thread takes its slot and builds its models; "queued" only when every slot
is taken, with the number of runs ahead of it.
"""

from __future__ import annotations

import os
import threading
import time

import torch

from rnnviz.lane import Lane, copy_state, observe
from rnnviz.train import TrainConfig, Trainer

__all__ = ["ACTIVE", "MAX_RUNNING", "SLOTS", "STATES", "Lane", "SlotQueue", "TrainingJob", "observe"]


def _max_running(default: int = 2) -> int:
    """RNNVIZ_MAX_RUNS (a replica's cap, deploy/), 1 to 64; a bad value falls back to the default."""
    try:
        value = int(os.environ.get("RNNVIZ_MAX_RUNS", default))
    except ValueError:
        return default
    return value if 1 <= value <= 64 else default


MAX_RUNNING = _max_running()
ACTIVE = ("starting", "queued", "running", "paused")
STATES = ("idle", *ACTIVE, "finished", "stopped", "diverged", "failed")
WAIT_FOR_THREAD = 10.0  # seconds a control waits for the training thread to act on it


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

    def ahead_of(self, who: object) -> int | None:
        """How many runs wait before `who`; None when it is not waiting."""
        with self._changed:
            return self._waiting.index(who) if who in self._waiting else None

    @property
    def running(self) -> int:
        return self.slots - self._free


SLOTS = SlotQueue(MAX_RUNNING)


class TrainingJob:
    def __init__(self, configs: dict[str, TrainConfig], max_steps: int | None = None):
        for config in configs.values():
            config.validate()  # fail here, in the page, not inside the thread
        self.lanes = {label: Lane(label, config) for label, config in configs.items()}
        self.max_steps = max_steps
        self.state = "idle"
        self.message = ""
        self.started = self.ended = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._running = threading.Event()  # set: train; clear: paused
        self._running.set()
        self._single_steps = 0
        self._completed = 0  # steps the thread has finished (every lane one step each)
        self._step_done = threading.Condition()
        self._idle = threading.Event()  # set while the thread waits, paused, between steps
        self._thread: threading.Thread | None = None
        self._times: list[float] = []  # wall clock of recent steps, for steps per second
        self._trainers: dict[str, Trainer] = {}

    # -- controls (any thread) -------------------------------------------------------------

    def start(self) -> TrainingJob:
        self.state = "starting"
        self._thread = threading.Thread(target=self._main, name="rnnviz-training", daemon=True)
        self._thread.start()
        return self

    def pause(self) -> None:
        """Pause; returns once the thread has finished the step it was in, so the step counter
        the page shows next is the one it stays at."""
        self._running.clear()
        if self.state == "running":
            self.state = "paused"
        if self.alive and self.state == "paused":
            self._idle.wait(WAIT_FOR_THREAD)

    def resume(self) -> None:
        self._running.set()
        if self.state == "paused":
            self.state = "running"

    def step_once(self) -> None:
        """While paused, train exactly one more step; returns once it is done."""
        with self._lock:
            target = self._completed + 1
            self._single_steps += 1
        with self._step_done:
            self._step_done.wait_for(lambda: self._completed >= target or not self.active, WAIT_FOR_THREAD)

    def stop(self, wait: float = 5.0) -> None:
        self._stop.set()
        self._running.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(wait)

    @property
    def active(self) -> bool:
        return self.state in ACTIVE

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def snapshot(self) -> dict:
        """A consistent copy of everything the page draws."""
        with self._lock:
            lanes = {label: lane.copy() for label, lane in self.lanes.items()}
            recent = self._times[-50:]
            rate = (len(recent) - 1) / (recent[-1] - recent[0]) if len(recent) > 1 and recent[-1] > recent[0] else 0.0
            steps = max((lane.steps[-1] if lane.steps else 0) for lane in self.lanes.values())
            return {
                "state": self.state,
                "message": self.message,
                "lanes": lanes,
                "steps": steps,
                "steps_per_second": rate if self.state == "running" else None,  # None: not training now
                "max_steps": self.max_steps,
                "ahead": SLOTS.ahead_of(self) if self.state == "queued" else None,
            }

    def model_copy(self, label: str, initial: bool = False):
        """(trainer's task, a SeqModel with the current weights or those of step 0, step), or None
        before the run has built its models. The copy is the caller's: training goes on."""
        from rnnviz.model import build_model

        with self._lock:
            trainer = self._trainers.get(label)
            if trainer is None:
                return None
            state = self.lanes[label].initial_state if initial else copy_state(trainer.model)
            step = 0 if initial else trainer.steps
        model = build_model(trainer.spec)
        model.load_state_dict(state)
        return trainer.task, model.eval(), step

    # -- the training thread ---------------------------------------------------------------

    def _main(self) -> None:
        torch.set_num_threads(1)  # see DESIGN.md: two threads on a busy 2-core machine crawl

        def wait_in_line():
            self.state = "queued"

        if not SLOTS.acquire(self, self._stop, on_wait=wait_in_line):
            self.state = "stopped"
            self._notify()
            return
        self.state = "starting"
        try:
            self.started = time.time()
            trainers = {label: Trainer(lane.config) for label, lane in self.lanes.items()}
            with self._lock:
                self._trainers = trainers
            self.state = "running" if self._running.is_set() else "paused"
            for label, trainer in trainers.items():
                self._record(label, trainer, None)
            self._loop(trainers)
        except Exception as error:  # shown in the page as a sentence, never a traceback
            self.state, self.message = "failed", f"Training failed: {error}"
        finally:
            self.ended = time.time()
            SLOTS.release()
            self._notify()

    def _notify(self) -> None:
        with self._step_done:
            self._step_done.notify_all()

    def _loop(self, trainers: dict[str, Trainer]) -> None:
        while not self._stop.is_set():
            if not self._running.is_set():
                with self._lock:
                    single = self._single_steps > 0
                    self._single_steps -= single
                if not single:
                    self._idle.set()
                    time.sleep(0.01)
                    continue
            self._idle.clear()
            for label, trainer in trainers.items():
                with self._lock:  # so model_copy() never sees a half-updated model
                    result = trainer.train_step()
                if result["diverged"]:
                    self.state, self.message = "diverged", f"{label}: {result['diverged']}"
                    self._record(label, trainer, None)
                    return
                self._record(label, trainer, result)
            self._times = self._times[-200:] + [time.perf_counter()]
            with self._step_done:
                self._completed += 1
                self._step_done.notify_all()
            if self.max_steps and min(t.steps for t in trainers.values()) >= self.max_steps:
                self.state, self.message = "finished", f"Finished the budget of {self.max_steps} steps."
                return
        self.state = "stopped"

    def _record(self, label: str, trainer: Trainer, result: dict | None) -> None:
        observed = observe(trainer, result)
        with self._lock:
            self.lanes[label].add(**observed)
