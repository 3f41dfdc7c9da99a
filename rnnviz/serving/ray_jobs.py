"""Runs on a Ray cluster, for web replicas that should not train themselves: with
RNNVIZ_RAY_ADDRESS set to a cluster's address (host:port of its head), every run is an actor
(rnnviz.training.actor.RunActor) that asks the cluster for one CPU, and for one GPU when a lane's
device is "cuda", so it lands on a node that has one. The cluster's resources are the line: a run
waits "starting" until Ray places it. The web process keeps the run's copy (RemoteJob) from what
the actor says every POLL_EVERY_S.

    job = RayJob({"LSTM": config}, max_steps=500).start()

The cluster runs this server's own `rnnviz` (sent as the connection's runtime environment), so
its nodes need only Python and this package with its [ray] extra (`pip install ".[ray]"`).
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from rnnviz.serving.remote_jobs import RemoteJob
from rnnviz.training.jobs import track
from rnnviz.training.train import TrainConfig

ADDRESS = os.environ.get("RNNVIZ_RAY_ADDRESS", "")  # empty: runs train in this server's worker processes
POLL_EVERY_S = 0.25
PLACING_S = 5.0  # past this without a word from a new actor, the run says it waits for the cluster
WAITING = "Waiting for the Ray cluster to place this run on a node with {what} free."
ANSWER_WITHIN_S = 30.0  # a control waits this long for the actor's answer
_connecting = threading.Lock()
_actor_class = None


def connect():
    """The ray module, connected to the cluster at ADDRESS (once per process)."""
    global _actor_class
    import ray

    import rnnviz
    from rnnviz.training.actor import RunActor

    with _connecting:
        if not ray.is_initialized():
            ray.init(
                address=ADDRESS,
                runtime_env={"py_modules": [str(Path(rnnviz.__file__).parent)]},
                namespace="rnnviz",
                logging_level="ERROR",
                log_to_driver=False,
            )
        if _actor_class is None:
            _actor_class = ray.remote(RunActor)
    return ray


class RayJob(RemoteJob):
    """A run in an actor on the Ray cluster at ADDRESS."""

    def __init__(self, configs: dict[str, TrainConfig], max_steps: int | None = None, resume_from=None):
        super().__init__(configs, max_steps, resume_from)
        self.gpu = any(config.device == "cuda" for config in configs.values())
        self._talking = threading.Lock()  # one call at a time, so changes are applied in order
        self._actor = self._poller = None
        self._over = threading.Event()  # set: the actor said its last word, or is gone

    def start(self) -> RayJob:
        ray = connect()
        self.state, self.started = "starting", time.time()
        options = {"num_cpus": 1, "num_gpus": 1 if self.gpu else 0, "max_restarts": 0, "name": None}
        self._actor = _actor_class.options(**options).remote(self.configs, self.max_steps, self._resume)
        self._resume = None
        self._poller = threading.Thread(target=self._poll, args=(ray,), name="rnnviz-ray-run", daemon=True)
        self._poller.start()
        track(self)
        return self

    def _ask(self, op: str, *args):
        if not self.alive:
            return None
        ray = connect()
        with self._talking:
            try:
                answered, change = ray.get(self._actor.control.remote(op, args), timeout=ANSWER_WITHIN_S)
            except ray.exceptions.GetTimeoutError:
                return None
            except ray.exceptions.RayError as error:
                self._lost(error)
                return None
            if change is not None:
                self._apply(change)
            return answered

    def stop(self, wait: float = 5.0) -> None:
        self._stop.set()
        if self._ask("stop") is None and self.alive:  # no answer: end the actor
            self._lost(None)
        self.join(wait)

    def join(self, wait: float) -> None:
        if self._poller is not None and wait > 0:
            self._poller.join(wait)

    @property
    def alive(self) -> bool:
        return self._actor is not None and not self._over.is_set()

    def _poll(self, ray) -> None:
        """Apply what the actor says until its last word; then let the actor go."""
        while not self._over.is_set():
            reference, asked = self._actor.poll.remote(), time.monotonic()
            ready = []
            while not ready and not self._over.is_set():  # (an actor Ray has not placed yet answers late)
                ready, _ = ray.wait([reference], timeout=POLL_EVERY_S)
                if not ready and self.state == "starting" and time.monotonic() - asked > PLACING_S:
                    with self._lock:
                        self.message = WAITING.format(what="a CPU and a GPU" if self.gpu else "a CPU")
            if self._over.is_set():
                break
            with self._talking:
                try:
                    change = ray.get(reference)
                except ray.exceptions.RayError as error:
                    self._lost(error)
                    break
                if change is not None:
                    self._apply(change)
                    if "final" in change:
                        self._over.set()
            time.sleep(POLL_EVERY_S)
        self._release(ray)

    def _lost(self, error) -> None:
        self._gone(
            "The Ray actor training this run ended unexpectedly"
            + (f" ({type(error).__name__})" if error is not None else "")
            + "; the server goes on. Start a new run."
        )
        self._over.set()

    def _release(self, ray) -> None:
        try:
            ray.kill(self._actor)
        except Exception:  # noqa: BLE001 - already gone
            pass
