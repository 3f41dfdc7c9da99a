"""What a page reads of a run that trains somewhere else: in a worker process of this server
(rnnviz.serving.process_jobs) or an actor on a Ray cluster (rnnviz.serving.ray_jobs). RemoteJob
keeps the server's copy of the run's lanes, brought up to date by the changes its trainer sends
(rnnviz.training.worker.Changes), so a snapshot never waits for the trainer; a control is asked of
the trainer, which answers once it has acted. A subclass carries the messages: `_ask(op, *args)`,
`start`, `stop`, `join` and `alive`.
"""

from __future__ import annotations

import threading
import time

from rnnviz.serving.slots import SLOTS
from rnnviz.training.jobs import ACTIVE, snapshot_of
from rnnviz.training.lane import Lane
from rnnviz.training.train import TrainConfig
from rnnviz.training.worker import apply, local, portable_run, tensors


class RemoteJob:
    def __init__(self, configs: dict[str, TrainConfig], max_steps: int | None = None, resume_from=None):
        for config in configs.values():
            config.validate()  # fail here, in the page, not where it trains
        self.configs = configs
        self.lanes = {label: Lane(label, config) for label, config in configs.items()}
        self._resume = None  # what the trainer starts from, for a resumed run
        if resume_from is not None:
            self.lanes = {label: resume_from.lanes[label].copy() for label in configs}
            self._resume = portable_run(resume_from)
        self.max_steps = max_steps
        self.state, self.message = "idle", ""
        self.started = self.ended = None
        self.holds_slot = False
        self.slots = SLOTS  # the line a local worker waits in
        self._rate = 0.0
        self._final: dict = {}  # label → (state_dict, step) once the trainer has ended
        self._checkpoints: dict = {}  # label → resume state once the trainer has ended
        self._parked = False  # paused, its trainer let go (process_jobs)
        self._lock = threading.Lock()  # the lanes and the state
        self._stop = threading.Event()  # set: stopped by the page

    def _ask(self, op: str, *args):
        """The trainer's answer to one control, what it changed applied by then; None when it is
        gone or does not answer in time."""
        raise NotImplementedError

    def _answered(self, op: str) -> None:
        state = self._ask(op)
        if isinstance(state, str):
            with self._lock:
                self.state = state

    def pause(self) -> None:
        self._answered("pause")

    def resume(self) -> None:
        self._answered("resume")

    def step_once(self) -> None:
        self._answered("step_once")

    @property
    def active(self) -> bool:
        return self.state in ACTIVE

    # -- reads (never wait for the trainer, except model_copy and checkpoint of a live run) ------

    def snapshot(self) -> dict:
        with self._lock:
            return snapshot_of(self, self._rate)

    def model_copy(self, label: str, initial: bool = False):
        """(task, a SeqModel with the current weights, or those of step 0, step), or None before
        the trainer has built its models."""
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
        """What training this lane on needs, as of now; None before the trainer has built its models."""
        found = self._checkpoints.get(label) or self._ask("checkpoint", label) or self._checkpoints.get(label)
        return local(found)

    # -- what the trainer says ------------------------------------------------------------------

    def _apply(self, change: dict) -> None:
        """Bring the server's copy up to date with one message of Changes (its last word has the
        final weights and resume states)."""
        with self._lock:
            for label, lane_change in change.get("lanes", {}).items():
                apply(self.lanes[label], lane_change)
            self.state, self.message = change["state"], change["message"]
            self._rate, self.holds_slot = change.get("rate", 0.0), change.get("holds_slot", False)
            if "final" in change:
                self._final, self.ended = change["final"], time.time()
                self._checkpoints, self._parked = change["checkpoints"], change.get("parked", False)

    def _gone(self, sentence: str) -> None:
        """The trainer is gone: a run it left without a last word failed, with `sentence`."""
        with self._lock:
            if (self.state in ACTIVE and not self._parked) or not self._final:
                self.state, self.message = "failed", sentence
                self.ended = self.ended or time.time()
