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

import torch

from rnnviz.serving import ray_jobs
from rnnviz.serving.remote_jobs import RemoteJob
from rnnviz.serving.slots import SLOTS, env_setting
from rnnviz.training.jobs import TrainingJob, track
from rnnviz.training.train import TrainConfig, TrainingError
from rnnviz.training.worker import local, portable_run, run

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


def _call(conn, function, args) -> None:
    torch.set_num_threads(1)
    try:
        conn.send(("done", function(*args)))
    except Exception as error:  # noqa: BLE001 - said in the page
        conn.send(("failed", f"{type(error).__name__}: {error}"))


def in_worker(function, *args, within_s: float = 600.0):
    """function(*args), computed in a worker process once a training slot is free (SLOTS), so
    that a page's one-off training (Packing's comparison, the Lecture's race) never holds the web
    process's interpreter; its result (pickled). A RuntimeError with a sentence when it fails or
    takes longer than `within_s`. With RNNVIZ_TRAINING=thread, computed here."""
    if MODE == "thread":
        return function(*args)
    me, stop = object(), threading.Event()
    SLOTS.acquire(me, stop)
    conn, process = start_process(_call, function, args)
    try:
        if not conn.poll(within_s):
            raise RuntimeError(f"The computation took longer than {within_s:g} s and was stopped.")
        status, value = conn.recv()
    except (EOFError, OSError):
        raise RuntimeError("The worker process computing this ended unexpectedly; the server goes on.") from None
    finally:
        conn.close()
        process.join(1)
        if process.is_alive():
            process.terminate()
        SLOTS.release()
    if status == "failed":
        raise RuntimeError(f"The computation failed: {value}")
    return value


def new_job(configs: dict[str, TrainConfig], max_steps: int | None = None, resume_from=None):
    """A run for a page: in a worker process; with RNNVIZ_RAY_ADDRESS set, an actor on that Ray
    cluster (rnnviz.serving.ray_jobs); with RNNVIZ_TRAINING=thread, a thread of this process.
    resume_from: a saved run to train on (see TrainingJob)."""
    kind = TrainingJob if MODE == "thread" else ray_jobs.RayJob if ray_jobs.ADDRESS else ProcessJob
    return kind(configs, max_steps, resume_from=resume_from)


def _check_room() -> None:
    """A TrainingError with a sentence when MAX_WORKERS worker processes are alive."""
    alive = sum(job.alive for job in list(_workers))
    if alive >= MAX_WORKERS:
        raise TrainingError(
            f"This server already holds {alive} runs in training processes (training, paused or waiting), the "
            "most it keeps at once. Stop a run you no longer watch, or try again when one ends."
        )


class ProcessJob(RemoteJob):
    """A run in a worker process. A run paused for PARK_AFTER_S is *parked*: its worker ends and
    the run stays paused here, with its history and resume state; Resume or Step starts a new
    worker where the last one stopped, so paused runs do not hold the server's processes."""

    def __init__(self, configs: dict[str, TrainConfig], max_steps: int | None = None, resume_from=None):
        super().__init__(configs, max_steps, resume_from)
        _check_room()
        self._asking = threading.Lock()  # one control at a time on the control pipe
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
    def alive(self) -> bool:
        return self._process is not None and self._process.is_alive()

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
            self._apply(change)
        self._process.join(5)
        self._gone(
            f"The training process of this run ended unexpectedly (exit code {self._process.exitcode}); the server "
            "goes on. Start a new run."
        )
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
