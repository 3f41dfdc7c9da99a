"""The inside of a training process: one run's TrainingJob, steered over pipes by its server
(rnnviz.serving.process_jobs), so training never shares the web process's interpreter.

Three pipes join the two processes:

    control   server → worker: ("pause" | "resume" | "step_once" | "stop" | "model_copy" | "checkpoint", args)
    events    worker → server: what changed in the run (Changes.since), a few times a second, and
              each control's answer ({"answer": …}) after what it changed, so the server has both
    slots     worker → server: the training-slot line stays the server's (RemoteSlots)

When the run ends the worker sends its last changes and every model's final weights and resume
state, then exits. A resumed run's worker starts from the saved run's history (portable_run).
"""

from __future__ import annotations

import dataclasses
import threading
import time
import types

import torch

from rnnviz.training.jobs import TrainingJob
from rnnviz.training.lane import Lane, copy_state

EVENT_EVERY_S = 0.25  # how often the server hears what changed
PARKED = (
    "Paused for {minutes}, so its training process was let go to leave room for others; Resume starts a new one "
    "where it stopped."
)


class RemoteSlots:
    """The server's SlotQueue, asked over a pipe by the training thread (its only caller)."""

    def __init__(self, conn):
        self.conn = conn

    def acquire(self, who, stop: threading.Event, on_wait=None) -> bool:
        self.conn.send(("acquire",))
        while True:
            answer = self.conn.recv()
            if answer == "waiting":
                if on_wait is not None:
                    on_wait()
                continue
            return answer == "granted"

    def release(self) -> None:
        self.conn.send(("release",))

    def waiting(self) -> int:
        self.conn.send(("waiting",))
        return int(self.conn.recv())

    def ahead_of(self, who) -> int | None:
        return None  # the server counts it


class Changes:
    """What the server has not heard yet about each lane: new loss rows, evaluations, probes and
    their weights, and which probes thinning kept."""

    def __init__(self, job: TrainingJob):
        self.job = job  # (a resumed job's lanes start with the history the server has already)
        self.rows = {label: len(lane.steps) for label, lane in job.lanes.items()}
        self.evaluations = {label: len(lane.evaluations) for label, lane in job.lanes.items()}
        self.probes = {label: {r.step for r in lane.recordings} for label, lane in job.lanes.items()}
        self.said = None

    def since(self, force: bool = False) -> dict | None:
        """Everything new since the last call; None when nothing changed (unless `force`)."""
        job = self.job
        with job._lock:
            lanes = {label: self._lane(label, lane) for label, lane in job.lanes.items()}
            recent = job._times[-50:]
        rate = (len(recent) - 1) / (recent[-1] - recent[0]) if len(recent) > 1 and recent[-1] > recent[0] else 0.0
        said = (job.state, job.message, job.holds_slot)
        if not force and said == self.said and not any(lane["changed"] for lane in lanes.values()):
            return None
        self.said = said
        return {"state": job.state, "message": job.message, "rate": rate, "holds_slot": job.holds_slot, "lanes": lanes}

    def _lane(self, label: str, lane: Lane) -> dict:
        rows, evaluations = self.rows[label], max(self.evaluations[label] - 1, 0)  # the last may be replaced
        new = [r for r in lane.recordings if r.step not in self.probes[label]]
        weights = [(step, arrays(state)) for step, state in lane.weights if step in {r.step for r in new}]
        changed = len(lane.steps) > rows or len(lane.evaluations) != self.evaluations[label] or bool(new)
        self.rows[label], self.evaluations[label] = len(lane.steps), len(lane.evaluations)
        self.probes[label] |= {r.step for r in new}
        return {
            "changed": changed,
            "rows_from": rows,
            "steps": lane.steps[rows:],
            "loss": lane.loss[rows:],
            "grad_norm": lane.grad_norm[rows:],
            "evaluations_from": evaluations,
            "evaluations": lane.evaluations[evaluations:],
            "recordings": new,
            "weights": weights,
            "kept": [r.step for r in lane.recordings],
            "solved_at": lane.solved_at,
        }


def arrays(state: dict) -> dict:
    """A state dict as numpy arrays: sent between processes as plain bytes (torch would share
    tensors through shared memory that vanishes with the worker)."""
    return {name: tensor.numpy() for name, tensor in state.items()}


def tensors(state: dict) -> dict:
    return {name: torch.from_numpy(array if array.flags.writeable else array.copy()) for name, array in state.items()}


def portable(saved: dict | None) -> dict | None:
    """A resume state (rnnviz.training.resume) with numpy arrays, to cross a pipe; local() undoes it."""
    return None if saved is None else {"tensors": arrays(saved["tensors"]), "meta": saved["meta"]}


def local(saved: dict | None) -> dict | None:
    return None if saved is None else {"tensors": tensors(saved["tensors"]), "meta": saved["meta"]}


def portable_run(run) -> dict:
    """What a worker needs of a saved run to resume it: its lanes and resume states, as arrays."""
    lanes = {
        label: dataclasses.replace(lane.copy(), weights=[(step, arrays(state)) for step, state in lane.weights])
        for label, lane in run.lanes.items()
    }
    return {"lanes": lanes, "resume": {label: portable(saved) for label, saved in run.resume.items()}}


def local_run(sent: dict):
    lanes = {
        label: dataclasses.replace(lane, weights=[(step, tensors(state)) for step, state in lane.weights])
        for label, lane in sent["lanes"].items()
    }
    return types.SimpleNamespace(lanes=lanes, resume={label: local(saved) for label, saved in sent["resume"].items()})


def apply(lane: Lane, change: dict) -> None:
    """Bring the server's copy of a lane up to date with one Changes entry."""
    n, m = change["rows_from"], change["evaluations_from"]
    lane.steps[n:], lane.loss[n:], lane.grad_norm[n:] = change["steps"], change["loss"], change["grad_norm"]
    lane.evaluations[m:] = change["evaluations"]
    kept = set(change["kept"])
    new = {r.step for r in change["recordings"]}
    lane.recordings = sorted(
        [r for r in lane.recordings if r.step in kept and r.step not in new] + change["recordings"],
        key=lambda r: r.step,
    )
    lane.weights = sorted(
        [w for w in lane.weights if w[0] in kept and w[0] not in new]
        + [(step, tensors(state)) for step, state in change["weights"]],
        key=lambda w: w[0],
    )
    lane.solved_at = change["solved_at"]


def answer(job: TrainingJob, op: str, args: tuple):
    if op == "model_copy":
        found = job.model_copy(*args)
        return None if found is None else (arrays(copy_state(found[1])), found[2])
    if op == "checkpoint":
        return portable(job.checkpoint(*args))
    getattr(job, op)(*args)
    return job.state


def final_weights(job: TrainingJob) -> dict:
    """label → (state_dict, step) of every model as the run ended."""
    found = {label: job.model_copy(label) for label in job.lanes}
    return {label: (arrays(copy_state(f[1])), f[2]) for label, f in found.items() if f is not None}


def run(
    control,
    events,
    slots,
    configs: dict,
    max_steps: int | None,
    resume: dict | None = None,
    paused: bool = False,
    park_after: float | None = None,
) -> None:
    """A training process's whole life: train, answer the server, tell it what changed. resume:
    a saved run to train on (portable_run); paused: it starts paused (a parked run's next step);
    park_after: seconds paused after which it parks (_park)."""
    torch.set_num_threads(1)
    resume_from = None if resume is None else local_run(resume)
    job = TrainingJob(configs, max_steps, slots=RemoteSlots(slots), resume_from=resume_from)
    if paused:
        job.pause()
    job.start()
    try:
        _serve(job, control, events, park_after)
    except (BrokenPipeError, EOFError, ConnectionResetError):  # the server is gone (killed): stop quietly
        job.stop()


def _serve(job: TrainingJob, control, events, park_after: float | None) -> None:
    changes, last = Changes(job), 0.0
    while job.active or job.alive:
        if park_after is not None and job.paused_for() >= park_after:
            return _park(job, changes, events, park_after)
        if control.poll(EVENT_EVERY_S / 2):
            op, args = control.recv()
            answered = answer(job, op, args)
            change = changes.since()
            if change is not None:
                events.send(change)
            events.send({"answer": answered})
        if time.monotonic() - last >= EVENT_EVERY_S:
            last = time.monotonic()
            change = changes.since()
            if change is not None:
                events.send(change)
    events.send(last_word(job, changes))


def last_word(job: TrainingJob, changes: Changes) -> dict:
    """What changed, with every model's final weights and resume state."""
    last = {label: portable(job.checkpoint(label)) for label in job.lanes}
    return {**changes.since(force=True), "final": final_weights(job), "checkpoints": last}


def _park(job: TrainingJob, changes: Changes, events, after: float) -> None:
    """A run paused for `after` seconds ends its process: the server keeps it paused, with what
    it needs to start a new process where this one stopped (rnnviz.serving.process_jobs)."""
    job.stop()  # (paused: not one more step)
    minutes = f"{after / 60:.2g} minute{'s' if after != 60 else ''}"
    parked = {"state": "paused", "message": PARKED.format(minutes=minutes), "parked": True}
    events.send({**last_word(job, changes), **parked})
