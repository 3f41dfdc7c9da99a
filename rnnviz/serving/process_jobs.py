"""Training runs in processes of their own: ProcessJob is a TrainingJob that trains in a worker
process (rnnviz.training.worker), so a run never competes with the pages for the web process's
interpreter. It has TrainingJob's controls and reads; a snapshot is the server's copy, kept up to
date by the worker a few times a second, so reading one never waits for the worker.

    job = new_job({"LSTM": config}, max_steps=500).start()     (RNNVIZ_TRAINING=thread: a TrainingJob)

Worker processes are forked from a server process that imported torch once (multiprocessing's
forkserver), so a run starts in a fraction of a second. The training-slot line stays the web
process's (rnnviz.serving.slots): a worker asks it over a pipe. A worker that dies leaves its run
"failed" with a sentence; the server goes on.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import sys
import threading
import time
import types
from contextlib import contextmanager

from rnnviz.serving.slots import SLOTS, env_setting
from rnnviz.training.jobs import ACTIVE, TrainingJob, snapshot_of, track
from rnnviz.training.lane import Lane
from rnnviz.training.train import TrainConfig, TrainingError
from rnnviz.training.worker import apply, local, portable_run, run, tensors

MODE = os.environ.get("RNNVIZ_TRAINING", "process")  # "process" (the default) or "thread" (in the web process)
ANSWER_WITHIN_S = 15.0  # a control waits this long for the worker's answer
# Worker processes alive at once, training, paused or queued: one that has trained holds about
# 155 MB of its own (a queued one 4 MB); past this a new run is refused with a sentence.
MAX_WORKERS = int(env_setting("RNNVIZ_MAX_WORKERS", 12, 1, 1000))
PARK_AFTER_S = env_setting("RNNVIZ_PARK_AFTER_S", 120, 0.1, 86_400)  # a run paused this long lets its worker go
_context = None
_workers: set = set()  # ProcessJobs whose worker may be alive


def _forkserver():
    """multiprocessing's forkserver context, its server preloaded with torch and the trainer."""
    global _context
    if _context is None:
        _context = multiprocessing.get_context("forkserver")
        _context.set_forkserver_preload(["torch", "rnnviz.training.worker"])
    return _context


@contextmanager
def _bare_main():
    """multiprocessing runs the parent's __main__ again in every new process; under Streamlit that
    is the page script. Processes start with an empty __main__ instead."""
    saved = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = saved


def start_process(target, *args):
    """Run target(conn, *args) in a worker process; (this side's end of its pipe, the process)."""
    context = _forkserver()
    mine, theirs = context.Pipe()
    process = context.Process(target=target, args=(theirs, *args), daemon=True, name="rnnviz-worker")
    with _bare_main():
        process.start()
    theirs.close()
    return mine, process


def new_job(configs: dict[str, TrainConfig], max_steps: int | None = None, resume_from=None):
    """A run for a page: in a worker process, or with RNNVIZ_TRAINING=thread in this one.
    resume_from: a saved run to train on (see TrainingJob)."""
    kind = TrainingJob if MODE == "thread" else ProcessJob
    return kind(configs, max_steps, resume_from=resume_from)


def _check_room() -> None:
    """A TrainingError with a sentence when MAX_WORKERS worker processes are alive."""
    alive = sum(job.alive for job in list(_workers))
    if alive >= MAX_WORKERS:
        raise TrainingError(
            f"This server already holds {alive} runs in training processes (training, paused or waiting), the "
            "most it keeps at once. Stop a run you no longer watch, or try again when one ends."
        )


class ProcessJob:
    """A run in a worker process. A run paused for PARK_AFTER_S is *parked*: its worker ends and
    the run stays paused here, with its history and resume state; Resume or Step starts a new
    worker where the last one stopped, so paused runs do not hold the server's processes."""

    def __init__(self, configs: dict[str, TrainConfig], max_steps: int | None = None, resume_from=None):
        for config in configs.values():
            config.validate()  # fail here, in the page, not inside the worker
        _check_room()
        self.configs = configs
        self.lanes = {label: Lane(label, config) for label, config in configs.items()}
        self._resume = None  # what the worker starts from, for a resumed run
        if resume_from is not None:
            self.lanes = {label: resume_from.lanes[label].copy() for label in configs}
            self._resume = portable_run(resume_from)
        self.max_steps = max_steps
        self.state, self.message = "idle", ""
        self.started = self.ended = None
        self.holds_slot = False
        self.slots = SLOTS  # the line it waits in (its worker asks through _serve_slots)
        self._rate = 0.0
        self._final: dict = {}  # label → (state_dict, step) once the worker has ended
        self._checkpoints: dict = {}  # label → resume state once the worker has ended
        self._parked = False  # paused, its worker let go (see the class)
        self._lock = threading.Lock()  # the lanes and the state
        self._asking = threading.Lock()  # one control at a time on the control pipe
        self._stop = threading.Event()  # set: the line refuses this run a slot
        self._answers: queue.Queue = queue.Queue()  # the worker's answers to controls, in order
        self._process = self._listener = None

    # -- controls ----------------------------------------------------------------------------

    def start(self, paused: bool = False) -> ProcessJob:
        context = _forkserver()
        self._control, control = context.Pipe()
        self._events, events = context.Pipe(duplex=False)  # (reading end, writing end)
        self._slots, slots = context.Pipe()
        self.state, self.started = "starting", time.time()
        self._answers = queue.Queue()  # (a parked run's last worker left its "gone" in the old one)
        self._process = context.Process(
            target=run,
            args=(control, events, slots, self.configs, self.max_steps, self._resume, paused, PARK_AFTER_S),
            daemon=True,
            name="rnnviz-run",
        )
        self._resume = None
        with _bare_main():
            self._process.start()
        _workers.add(self)
        for end in (control, events, slots):
            end.close()  # the worker's ends: the server's reads see EOF when the worker is gone
        self._listener = threading.Thread(target=self._listen, name="rnnviz-run-events", daemon=True)
        self._listener.start()
        threading.Thread(target=self._serve_slots, name="rnnviz-run-slots", daemon=True).start()
        track(self)
        return self

    def _ask(self, op: str, *args):
        """The worker's answer to one control (what it changed is applied by then); None when it
        is gone or does not answer in time."""
        with self._asking:
            if not self.alive:
                return None
            try:
                self._control.send((op, args))
                return self._answers.get(timeout=ANSWER_WITHIN_S)
            except (OSError, queue.Empty):
                return None

    def _answered(self, op: str) -> None:
        state = self._ask(op)
        if isinstance(state, str):
            with self._lock:
                self.state = state

    def pause(self) -> None:
        self._answered("pause")

    def resume(self) -> None:
        if self._unpark(paused=False):
            self._answered("resume")

    def step_once(self) -> None:
        if self._unpark(paused=True):
            self._answered("step_once")

    def _unpark(self, paused: bool) -> bool:
        """A parked run's new worker, from where the last one stopped; False (and a sentence in
        its message) when the server has no room for another worker now."""
        if not self._parked:
            return True
        self._listener.join(ANSWER_WITHIN_S)  # the last worker has ended and its listener let go of it
        with self._lock:
            lanes = {label: lane.copy() for label, lane in self.lanes.items()}
            saved = {label: local(state) for label, state in self._checkpoints.items()}
        try:
            _check_room()
        except TrainingError as error:
            with self._lock:
                self.message = str(error)
            return False
        self._resume = portable_run(types.SimpleNamespace(lanes=lanes, resume=saved))
        self._parked, self._final, self._checkpoints, self.ended, self.message = False, {}, {}, None, ""
        self.start(paused)
        return True

    def stop(self, wait: float = 5.0) -> None:
        self._stop.set()
        with self._lock:
            if self._parked:
                self._parked, self.state, self.message, self.ended = False, "stopped", "", time.time()
                return
        if self._ask("stop") is None and self.alive:  # no answer: the worker is stuck; end it
            self._process.terminate()
        self.join(wait)

    def join(self, wait: float) -> None:
        """Wait for the worker to end and its last word to be applied."""
        if self._process is not None and wait > 0:
            deadline = time.monotonic() + wait
            self._process.join(wait)
            self._listener.join(max(deadline - time.monotonic(), 0))

    @property
    def active(self) -> bool:
        return self.state in ACTIVE

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.is_alive()

    # -- reads (never wait for the worker, except model_copy of a live run) -----------------

    def snapshot(self) -> dict:
        with self._lock:
            return snapshot_of(self, self._rate)

    def model_copy(self, label: str, initial: bool = False):
        """(task, a SeqModel with the current weights, or those of step 0, step), or None before
        the worker has built its models."""
        from rnnviz.net.model import build_model

        config = self.lanes[label].config
        if initial:
            with self._lock:
                found = self.lanes[label].weights[:1]
            found = (found[0][1], 0) if found else None
        else:
            found = self._final.get(label) or self._ask("model_copy", label) or self._final.get(label)
        if found is None:
            return None
        model = build_model(config.spec())
        model.load_state_dict(tensors(found[0]) if not initial else found[0])
        return config.task_object(), model.eval(), found[1]

    def checkpoint(self, label: str) -> dict | None:
        """What training this lane on needs, as of now (asked of a live worker); None before the
        worker has built its models."""
        found = self._checkpoints.get(label) or self._ask("checkpoint", label) or self._checkpoints.get(label)
        return local(found)

    # -- the server's side of the pipes --------------------------------------------------------

    def _listen(self) -> None:
        """Apply what the worker says; when it is gone without a last word, the run failed."""
        while True:
            try:
                change = self._events.recv()
            except (EOFError, OSError):
                break
            if "answer" in change:
                self._answers.put(change["answer"])
                continue
            with self._lock:
                for label, lane_change in change.get("lanes", {}).items():
                    apply(self.lanes[label], lane_change)
                self.state, self.message = change["state"], change["message"]
                self._rate, self.holds_slot = change.get("rate", 0.0), change.get("holds_slot", False)
                if "final" in change:
                    self._final, self.ended = change["final"], time.time()
                    self._checkpoints, self._parked = change["checkpoints"], change.get("parked", False)
        self._process.join(5)
        with self._lock:
            if (self.state in ACTIVE and not self._parked) or not self._final:
                code = self._process.exitcode
                self.state = "failed"
                self.message = (
                    f"The training process of this run ended unexpectedly (exit code {code}); the server goes on. "
                    "Start a new run."
                )
                self.ended = self.ended or time.time()
        self._answers.put(None)  # a control still waiting gets its "gone"
        _workers.discard(self)

    def _serve_slots(self) -> None:
        """The worker's requests for a training slot, served from this server's line."""
        holding = 0
        while True:
            try:
                (request,) = self._slots.recv()
                if request == "acquire":
                    granted = self.slots.acquire(self, self._stop, on_wait=lambda: self._queued())
                    holding += granted
                    self._slots.send("granted" if granted else "refused")
                elif request == "release":
                    self.slots.release()
                    holding -= 1
                elif request == "waiting":
                    self._slots.send(self.slots.waiting())
            except (EOFError, OSError):
                break
        for _ in range(holding):  # a worker that died holding a slot gives it back through here
            self.slots.release()

    def _queued(self) -> None:
        with self._lock:
            self.state = "queued"
        self._slots.send("waiting")
