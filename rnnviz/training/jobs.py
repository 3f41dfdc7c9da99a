"""Background training runs: a plain thread per run that never touches the UI.

A job trains one model, or several in lockstep (a race: RNN, GRU and LSTM take turns, one step
each, so they share the CPU fairly). The page polls `snapshot()`; the controls are thread-safe
calls. At most MAX_RUNNING jobs train at once on the whole server (env RNNVIZ_MAX_RUNS, default: cores);
the others wait, "queued", first come first served (two cores: a third concurrent run would make
every run 2-3× slower). A slot is lent, not owned: a run paused for PAUSE_HOLD_S gives it back
(and queues again on Resume), and a run without a step limit that has trained YIELD_AFTER_S
while others wait goes to the back of the line, so one student cannot hold the room's slots.

    idle → starting → (queued →) running ⇄ paused → finished | stopped | diverged | failed

"starting" while the thread takes its slot and builds its models; "queued" only when every slot
is taken, with the number of runs ahead of it. At exit every run still training is stopped and
its thread joined (stop_all), so the process ends cleanly instead of aborting inside torch.
"""

from __future__ import annotations

import atexit
import threading
import time
import weakref

import torch

from rnnviz.serving.slots import MAX_RUNNING, SLOTS, SlotQueue, env_setting
from rnnviz.training.lane import Lane, copy_state, observe
from rnnviz.training.resume import checkpoint, restore
from rnnviz.training.train import TrainConfig, Trainer

__all__ = ["ACTIVE", "MAX_RUNNING", "SLOTS", "STATES", "Lane", "SlotQueue", "TrainingJob", "observe"]


PAUSE_HOLD_S = env_setting("RNNVIZ_PAUSE_HOLD_S", 60, 0.1, 3600)  # a paused run keeps its slot this long
YIELD_AFTER_S = env_setting("RNNVIZ_YIELD_AFTER_S", 60, 0.1, 3600)  # an unlimited run's turn while others wait
ACTIVE = ("starting", "queued", "running", "paused")
STATES = ("idle", *ACTIVE, "finished", "stopped", "diverged", "failed")
WAIT_FOR_THREAD = 10.0  # seconds a control waits for the training thread to act on it


_live: weakref.WeakSet = weakref.WeakSet()  # every job whose thread was started


def track(job) -> None:
    """Remember a started job (anything with stop(wait) and join(wait)) so stop_all() ends it."""
    _live.add(job)


@atexit.register
def stop_all(seconds: float = 4.0) -> int:
    """Stop every run and join its thread, within `seconds` in all; the number stopped. Runs at
    exit (a SIGTERM'd server, a script ending with a run alive): a training thread still inside
    torch while the interpreter shuts down aborts the whole process (exit status 134)."""
    jobs = [job for job in list(_live) if job.alive]
    for job in jobs:
        job.stop(wait=0)
    deadline = time.monotonic() + seconds
    for job in jobs:
        job.join(max(deadline - time.monotonic(), 0))
    return len(jobs)


def snapshot_of(job, rate: float) -> dict:
    """What a page draws of a run (a TrainingJob, or a worker's ProcessJob), under the job's lock:
    copies of its lanes, its state and the steps per second `rate` while it trains."""
    return {
        "state": job.state,
        "message": job.message,
        "lanes": {label: lane.copy() for label, lane in job.lanes.items()},
        "steps": max((lane.steps[-1] if lane.steps else 0) for lane in job.lanes.values()),
        "steps_per_second": rate if job.state == "running" else None,  # None: not training now
        "max_steps": job.max_steps,
        "ahead": job.slots.ahead_of(job) if job.state == "queued" else None,
        "holds_slot": job.holds_slot,
    }


class TrainingJob:
    def __init__(
        self, configs: dict[str, TrainConfig], max_steps: int | None = None, slots: SlotQueue = SLOTS, resume_from=None
    ):
        """resume_from: a saved run (a rnnviz.files.runs.Run whose `resumable` is true) to train on
        from where it was saved: its history, then the same steps it would have taken."""
        self.slots = slots  # the server's line for training slots (a worker process asks its server's)
        for config in configs.values():
            config.validate()  # fail here, in the page, not inside the thread
        self.lanes = {label: Lane(label, config) for label, config in configs.items()}
        self._resume = {}  # label → resume state, for the trainers the thread builds
        if resume_from is not None:
            self.lanes = {label: resume_from.lanes[label].copy() for label in configs}
            self._resume = dict(resume_from.resume)
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
        self.holds_slot = False  # whether this run holds one of the server's training slots now
        self._slot_since = 0.0  # monotonic time it took the slot
        self._paused_since: float | None = None  # monotonic time the loop first saw it paused

    # -- controls (any thread) -------------------------------------------------------------

    def start(self) -> TrainingJob:
        self.state = "starting"
        self._thread = threading.Thread(target=self._main, name="rnnviz-training", daemon=True)
        self._thread.start()
        track(self)
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
        self.join(wait)

    def join(self, wait: float) -> None:
        if self._thread is not None and self._thread is not threading.current_thread() and wait > 0:
            self._thread.join(wait)

    @property
    def active(self) -> bool:
        return self.state in ACTIVE

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def paused_for(self) -> float:
        """Seconds the training thread has waited paused (0 while it trains)."""
        since = self._paused_since
        return 0.0 if since is None or self.state != "paused" else time.monotonic() - since

    def snapshot(self) -> dict:
        """A consistent copy of everything the page draws."""
        with self._lock:
            recent = self._times[-50:]
            rate = (len(recent) - 1) / (recent[-1] - recent[0]) if len(recent) > 1 and recent[-1] > recent[0] else 0.0
            return snapshot_of(self, rate)

    def model_copy(self, label: str, initial: bool = False):
        """(trainer's task, a SeqModel with the current weights or those of step 0, step), or None
        before the run has built its models. The copy is the caller's: training goes on."""
        from rnnviz.net.model import build_model

        with self._lock:
            trainer = self._trainers.get(label)
            if trainer is None:
                return None
            state = self.lanes[label].initial_state if initial else copy_state(trainer.model)
            step = 0 if initial else trainer.steps
        model = build_model(trainer.spec)
        model.load_state_dict(state)
        return trainer.task, model.eval(), step

    def checkpoint(self, label: str) -> dict | None:
        """What training this lane on needs (rnnviz.training.resume), as of now: the last step its
        history holds (each step's loss row is added under the same lock as the step, so a saved
        history and its resume state agree); None before the run has built its models."""
        with self._lock:
            trainer = self._trainers.get(label)
            return None if trainer is None else checkpoint(trainer)

    # -- the training thread ---------------------------------------------------------------

    def _take_slot(self, then: str) -> bool:
        """Wait in line for a training slot (state "queued" while waiting), then be `then`;
        False when the run was stopped first."""

        def wait_in_line():
            self.state = "queued"

        if not self.slots.acquire(self, self._stop, on_wait=wait_in_line):
            return False
        self.holds_slot, self._slot_since = True, time.monotonic()
        self.state = then
        return True

    def _give_slot_back(self, why: str) -> None:
        self.slots.release()
        self.holds_slot = False
        self.message = why

    def _main(self) -> None:
        torch.set_num_threads(1)  # see docs/design.md: two threads on a busy 2-core machine crawl
        if not self._take_slot("starting"):
            self.state = "stopped"
            self._notify()
            return
        try:
            self.started = time.time()
            trainers = {label: Trainer(lane.config) for label, lane in self.lanes.items()}
            for label, saved in self._resume.items():
                try:
                    restore(trainers[label], saved)
                except ValueError as error:
                    raise ValueError(f"{label}'s saved state cannot be resumed ({error})") from None
            with self._lock:
                self._trainers = trainers
            self.state = "running" if self._running.is_set() else "paused"
            for label, trainer in trainers.items():
                if label not in self._resume:  # (a resumed lane recorded its step before it was saved)
                    self._record(label, trainer, None)
            self._resume = {}
            self._loop(trainers)
        except Exception as error:  # shown in the page as a sentence, never a traceback
            self.state, self.message = "failed", f"Training failed: {error}"
        finally:
            self.ended = time.time()
            if self.holds_slot:
                self.slots.release()
                self.holds_slot = False
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
                    self._wait_paused()
                    continue
            self._paused_since = None
            if not self.holds_slot:  # resumed (or one step) after giving the slot back: queue again
                if not self._take_slot("running" if self._running.is_set() else "paused"):
                    break
                self.message = ""
            self._idle.clear()
            for label, trainer in trainers.items():
                with self._lock:  # so model_copy() never sees a half-updated model, nor checkpoint() a step unrecorded
                    result = trainer.train_step()
                    if not result["diverged"]:
                        self.lanes[label].add(trainer.steps, result=result)
                if result["diverged"]:
                    self.state, self.message = "diverged", f"{label}: {result['diverged']}"
                    self._record(label, trainer, None)
                    return
                self._record(label, trainer, result, row_added=True)
            self._times = self._times[-200:] + [time.perf_counter()]
            with self._step_done:
                self._completed += 1
                self._step_done.notify_all()
            if self.max_steps and min(t.steps for t in trainers.values()) >= self.max_steps:
                self.state, self.message = "finished", f"Finished the budget of {self.max_steps} steps."
                return
            self._take_turns()
        self.state = "stopped"

    def _wait_paused(self) -> None:
        """One idle moment of a paused run; past PAUSE_HOLD_S it gives its slot to whoever waits."""
        self._idle.set()
        now = time.monotonic()
        if self._paused_since is None:
            self._paused_since = now
        if self.holds_slot and now - self._paused_since >= PAUSE_HOLD_S:
            minutes = f"{PAUSE_HOLD_S / 60:g} minute{'s' if PAUSE_HOLD_S != 60 else ''}"
            self._give_slot_back(
                f"Paused for {minutes}, so it gave its training slot back to the room; Resume queues for one again."
            )
        time.sleep(0.01)

    def _take_turns(self) -> None:
        """A run without a step limit that has trained YIELD_AFTER_S while others wait goes to
        the back of the line (state "queued" until a slot is free again)."""
        if self.max_steps or not self.slots.waiting() or time.monotonic() - self._slot_since < YIELD_AFTER_S:
            return
        self._give_slot_back("")
        self._take_slot("running" if self._running.is_set() else "paused")
        self.message = "" if self.holds_slot else self.message

    def _record(self, label: str, trainer: Trainer, result: dict | None, row_added: bool = False) -> None:
        """The step's evaluation and probe when due (and its loss row, unless `row_added`)."""
        observed = observe(trainer, result)
        if row_added:
            observed["result"] = None
        with self._lock:
            self.lanes[label].add(**observed)
