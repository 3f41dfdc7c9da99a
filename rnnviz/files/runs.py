"""Runs as files: everything a training run recorded, in one zip that replays with no training.

A run file (`.rnnrun` by convention; the name does not matter) is a zip:

    run.json                              format, version, title, state, message, max_steps and,
                                          per lane: label, TrainConfig, solved_at, and the steps of
                                          its probes and weights
    lanes/<k>/history.csv                 step, loss, grad_norm: one row per training step
    lanes/<k>/evaluations.csv             step, eval_loss, metric, solved (+ teacher_forced for a decoder
                                          that feeds back its outputs): one row per evaluation
    lanes/<k>/probes/<step>.npz           one probe Recording (see recording_npz)
    lanes/<k>/weights/<step>.safetensors  the model at that step, an rnnviz checkpoint
    lanes/<k>/resume.safetensors          optional: what training on needs (rnnviz.training.resume),
                                          at the lane's last step; the server's saved runs have it

<k> is the lane's index (0, 1, 2 in a race); its label is in run.json. Loading never unpickles:
JSON and CSV are text, every .npy header is checked (plain numbers only, byte size equal to its
shape) before its bytes are read, and weights go through rnnviz.files.export's checkpoint checks.
A file that is malformed, truncated or too large is refused with a RunFileError naming the problem.

    save_run(job_or_run, "adding.rnnrun")      run = load_run("adding.rnnrun")
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import pandas as pd

from rnnviz.files.export import CheckpointError, checkpoint_bytes, load_checkpoint, read_bytes
from rnnviz.files.recording_file import add_member, recording_from_npz, recording_npz
from rnnviz.files.resume_file import resume_bytes, resume_from_bytes
from rnnviz.files.run_tables import MAX_TABLE_ROWS, listed_steps, read_table
from rnnviz.files.unzip import MAX_UNPACKED_BYTES, RunFileError, UnpackBudget, ZipMembers
from rnnviz.net.spec import SpecError, differences
from rnnviz.tasks.series import MAX_ROWS, finite
from rnnviz.training.jobs import STATES
from rnnviz.training.lane import Lane
from rnnviz.training.train import TrainConfig, TrainingError

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_UNPACKED_BYTES",
    "Run",
    "RunFileError",
    "load_run",
    "recording_from_npz",
    "recording_npz",
    "run_bytes",
    "save_run",
]
FORMAT, VERSION = "rnnviz-run", 1
MAX_FILE_BYTES = 64_000_000  # a run file on disk or uploaded
MAX_LANES = 8
MAX_TEXT = 2000  # characters of a run's title, state or message
HISTORY_COLUMNS = ["step", "loss", "grad_norm"]
EVALUATION_COLUMNS = ["step", "eval_loss", "metric", "solved"]
TEACHER_FORCED_COLUMNS = [*EVALUATION_COLUMNS, "teacher_forced"]  # a decoder that feeds back its outputs
LABEL = re.compile(r"[\w][\w .+()-]{0,39}")  # a lane's label: "LSTM", "minGRU", "GRU (lr 0.01)"
MEMBER = re.compile(
    r"run\.json|lanes/(\d{1,2})/(history\.csv|evaluations\.csv|probes/(\d{1,9})\.npz|weights/(\d{1,9})\.safetensors|resume\.safetensors)"
)


@dataclass
class Run:
    """A recorded run: the same lanes a TrainingJob keeps, read from a file; it never trains."""

    lanes: dict[str, Lane]
    max_steps: int | None = None
    state: str = "finished"  # the state the run ended in
    message: str = ""
    title: str = ""  # one line for a menu of runs
    resume: dict = field(default_factory=dict)  # label → its resume state at its last step (optional)
    active: bool = field(default=False, init=False)  # the pages treat it like an ended job

    def __repr__(self) -> str:  # one line in a notebook, not every array of every probe
        lanes = ", ".join(self.lanes)
        return f"Run({self.title or 'a recorded run'!r}, {self.state}, lanes: {lanes}, {self.last_step:,} steps)"

    @classmethod
    def of(cls, job, resume: bool = False) -> Run:
        """A TrainingJob's history now, with every lane's current weights as its last. resume:
        with each lane's resume state, the lane's history cut at the step it was taken."""
        saved = {label: job.checkpoint(label) for label in job.lanes} if resume else {}
        saved = {label: state for label, state in saved.items() if state is not None}
        snapshot = job.snapshot()
        lanes = snapshot["lanes"]
        for label, lane in lanes.items():
            if label in saved:
                step, tensors = saved[label]["meta"]["step"], saved[label]["tensors"]
                lane = lanes[label] = lane.copy(until=step)
                copied = (step, {name[6:]: t for name, t in tensors.items() if name.startswith("model.")})
            else:
                found = job.model_copy(label)
                copied = None if found is None else (found[2], found[1].state_dict())
            if copied is not None and (not lane.weights or lane.weights[-1][0] < copied[0]):
                lane.weights.append(copied)
        return cls(lanes, snapshot["max_steps"], snapshot["state"], snapshot["message"], resume=saved)

    @property
    def resumable(self) -> bool:
        """Does it hold what training on needs, for every lane, with steps left to train?"""
        left = self.max_steps is None or self.last_step < self.max_steps
        return bool(self.lanes) and set(self.resume) == set(self.lanes) and left and self.state != "failed"

    @property
    def last_step(self) -> int:
        return max((lane.steps[-1] for lane in self.lanes.values() if lane.steps), default=0)

    def frames(self) -> list[int]:
        """The steps a replay stops at: every evaluation and probe, the first and the last step."""
        steps = {0, self.last_step}
        for lane in self.lanes.values():
            steps.update(e["step"] for e in lane.evaluations)
            steps.update(r.step for r in lane.recordings)
        return sorted(steps)

    def snapshot(self, until: int | None = None) -> dict:
        """What TrainingJob.snapshot() gives, as the run stood at step `until` (None: the end)."""
        lanes = {label: lane.copy(until) for label, lane in self.lanes.items()}
        ended = until is None or until >= self.last_step
        steps = max((lane.steps[-1] for lane in lanes.values() if lane.steps), default=0)
        return {
            "state": self.state if ended else "replay",
            "message": self.message if ended else "",
            "lanes": lanes,
            "steps": steps,
            "steps_per_second": None,
            "max_steps": self.max_steps,
            "ahead": None,
        }

    def model_copy(self, label: str, initial: bool = False, step: int | None = None):
        """(task, a SeqModel with the kept weights at or before `step`, their step), like
        TrainingJob.model_copy; None when the lane kept no weights."""
        from rnnviz.net.model import build_model

        lane = self.lanes[label]
        found = lane.weights[0] if initial and lane.weights else lane.weights_at(step)
        if found is None:
            return None
        model = build_model(lane.config.spec())
        model.load_state_dict(found[1])
        return lane.config.task_object(), model.eval(), found[0]


# -- writing -----------------------------------------------------------------------------------


def _spread(items: list, most: int | None) -> list:
    """At most `most` items, evenly spread, always the first and the last."""
    if most is None or len(items) <= most:
        return list(items)
    if most <= 1:
        return items[-1:]
    return [items[k] for k in sorted({round(i * (len(items) - 1) / (most - 1)) for i in range(most)})]


def _csv(rows: list[dict], columns: list[str]) -> bytes:
    return pd.DataFrame(rows, columns=columns).to_csv(index=False, lineterminator="\n").encode()


def run_bytes(
    source,
    probes: int | None = None,
    weights: int | None = None,
    title: str = "",
    compact: bool = False,
    resume: bool = False,
) -> bytes:
    """A run file's bytes. `source`: a TrainingJob or a Run. `probes` and `weights`: keep at most
    that many of each lane's probes and weight copies, evenly spread (None: all of them).
    compact: the probes' float64 arrays (gradients) are stored as float32. resume: with what
    training on needs (a job's is taken now; a Run's is kept)."""
    run = source if isinstance(source, Run) else Run.of(source, resume)
    header = {
        "format": FORMAT,
        "version": VERSION,
        "title": title or run.title,
        "state": run.state,
        "message": run.message,
        "max_steps": run.max_steps,
        "lanes": [],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        members = []
        for k, (label, lane) in enumerate(run.lanes.items()):
            kept_probes = _spread(lane.recordings, probes)
            kept_weights = _spread(lane.weights, weights)
            config = asdict(lane.config)
            header["lanes"].append(
                {
                    "label": label,
                    "config": config,
                    "solved_at": lane.solved_at,
                    "probes": [r.step for r in kept_probes],
                    "weights": [step for step, _ in kept_weights],
                    "resume": resume and label in run.resume,
                }
            )
            rows = [dict(zip(HISTORY_COLUMNS, row)) for row in zip(lane.steps, lane.loss, lane.grad_norm)]
            rows = _spread(rows, MAX_TABLE_ROWS)  # a very long run keeps its history evenly thinned
            members.append((f"lanes/{k}/history.csv", _csv(rows, HISTORY_COLUMNS)))
            columns = TEACHER_FORCED_COLUMNS if lane.config.spec().feeds_back else EVALUATION_COLUMNS
            members.append((f"lanes/{k}/evaluations.csv", _csv(lane.evaluations, columns)))
            members += [(f"lanes/{k}/probes/{r.step}.npz", recording_npz(r, compact)) for r in kept_probes]
            task = lane.config.task_object()
            for step, state in kept_weights:
                data = checkpoint_bytes(state, lane.config.spec(), task=task.name, vocabulary=task.vocabulary)
                members.append((f"lanes/{k}/weights/{step}.safetensors", data))
            if resume and label in run.resume:
                members.append((f"lanes/{k}/resume.safetensors", resume_bytes(run.resume[label])))
        add_member(archive, "run.json", json.dumps(header, indent=1).encode())
        for name, data in members:
            add_member(archive, name, data)
    return buffer.getvalue()


def save_run(source, path: str | Path, **options) -> Path:
    """Write a TrainingJob's (or a Run's) history to `path` as a run file; options: see run_bytes."""
    path = Path(path)
    path.write_bytes(run_bytes(source, **options))
    return path


# -- reading -----------------------------------------------------------------------------------


def _config(values, where: str) -> TrainConfig:
    """A TrainConfig from JSON, each value of its field's type, then validated."""
    if not isinstance(values, dict):
        raise RunFileError(f"{where}: the configuration is not a JSON object.")
    kinds = {f.name: f.type for f in fields(TrainConfig)}
    unknown = set(values) - set(kinds)
    if unknown:
        raise RunFileError(f"{where}: unknown settings {', '.join(sorted(map(str, unknown)))}.")
    for name, value in values.items():
        kind = kinds[name]
        if kind.startswith("tuple") and isinstance(value, list) and len(value) <= MAX_ROWS and finite(value):
            values = {**values, name: tuple(float(v) for v in value)}
            continue
        if kind == "bool":
            ok = isinstance(value, bool)
        else:
            allowed = (str,) if kind.startswith("str") else (int,) if kind.startswith("int") else (int, float)
            ok = (value is None and "None" in kind) or (isinstance(value, allowed) and not isinstance(value, bool))
        if not ok:
            raise RunFileError(f"{where}: {name} = {str(value)[:40]!r} is not a {kind}.")
    try:
        return TrainConfig(**values).validate()
    except (TrainingError, SpecError, ValueError, TypeError) as error:
        raise RunFileError(f"{where}: the configuration is not valid: {error}") from None


def load_run(source, limit: int = MAX_UNPACKED_BYTES) -> Run:
    """A run file (a path or the bytes of an upload) → Run. Anything wrong with it is a
    RunFileError with a sentence; nothing is unpickled. Every member is unpacked once, inside
    one budget of `limit` bytes that also counts the nested probes' members and the weights it
    decodes."""
    data = read_bytes(source, MAX_FILE_BYTES, RunFileError, "a run file")
    budget = UnpackBudget(limit)
    members = ZipMembers(data, "The file", budget, allowed=MEMBER.fullmatch)
    if "run.json" not in members:
        raise RunFileError("The file is a zip but not a run file: it has no run.json.")
    text = members.read("run.json")
    try:
        header = json.loads(text)
    except (ValueError, RecursionError):
        raise RunFileError("run.json is not valid JSON.") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise RunFileError("run.json does not describe an RNN Explorer run (format is not rnnviz-run).")
    if header.get("version") != VERSION:
        version = header.get("version")
        shown = repr(version) if isinstance(version, int) else "another one"
        raise RunFileError(f"This run file is version {shown}; this RNN Explorer reads {VERSION}.")
    described = header.get("lanes")
    if not isinstance(described, list) or not 1 <= len(described) <= MAX_LANES:
        raise RunFileError(f"run.json must list between 1 and {MAX_LANES} lanes.")
    lanes, resume = {}, {}
    for k, entry in enumerate(described):
        lane = _lane(k, entry, members, budget)
        if lane.label in lanes:
            raise RunFileError(f"Two lanes are called {lane.label!r}.")
        lanes[lane.label] = lane
        if entry.get("resume") is True:
            data = _member(members, k, "resume.safetensors", lane.label)
            resume[lane.label] = resume_from_bytes(data, lane.label, budget)
    extra = sorted(members.names())  # what no lane read
    if extra:
        raise RunFileError(f"The file holds members no lane lists: {', '.join(extra[:5])}.")
    max_steps = header.get("max_steps")
    texts = [header.get(key, "") for key in ("state", "message", "title")]
    if not (max_steps is None or (isinstance(max_steps, int) and max_steps >= 0)) or not all(
        isinstance(t, str) and len(t) <= MAX_TEXT for t in texts
    ):
        raise RunFileError(f"run.json has a bad max_steps, state, message or title (texts: at most {MAX_TEXT}).")
    state, message, title = texts
    if state not in STATES + ("",):
        raise RunFileError(f"run.json's state must be one of {', '.join(STATES)}.")
    return Run(lanes, max_steps, state or "finished", message, title, resume)


def _member(members: ZipMembers, k: int, name: str, label: str) -> bytes:
    path = f"lanes/{k}/{name}"
    if path not in members:
        raise RunFileError(f"The file lacks {path}, which run.json lists for {label}.")
    return members.read(path)


def _lane(k: int, entry, members: ZipMembers, budget: UnpackBudget) -> Lane:
    where = f"Lane {k} of run.json"
    if not isinstance(entry, dict) or not isinstance(entry.get("label"), str) or not entry["label"].strip():
        raise RunFileError(f"{where} has no label.")
    label = entry["label"]
    if not LABEL.fullmatch(label):
        raise RunFileError(f"{where}: a lane's label is a short name of letters, digits and spaces (like LSTM).")
    config = _config(entry.get("config"), f"{label}")
    probe_steps, weight_steps = listed_steps(entry, "probes", label), listed_steps(entry, "weights", label)
    solved_at = entry.get("solved_at")
    if not (solved_at is None or (isinstance(solved_at, int) and solved_at >= 0)):
        raise RunFileError(f"{label}: solved_at must be a step or null.")

    def member(name: str) -> bytes:
        return _member(members, k, name, label)

    history = read_table(member("history.csv"), HISTORY_COLUMNS, f"{label}'s history")
    spec = config.spec()
    table = member("evaluations.csv")
    forced = spec.feeds_back and table.startswith(",".join(TEACHER_FORCED_COLUMNS).encode())  # older files lack it
    evaluations = read_table(table, TEACHER_FORCED_COLUMNS if forced else EVALUATION_COLUMNS, f"{label}'s evaluations")
    recordings = [_probe(member(f"probes/{step}.npz"), step, spec, label, budget) for step in probe_steps]
    weights = [
        (step, _weights(member(f"weights/{step}.safetensors"), step, spec, label, budget)) for step in weight_steps
    ]
    return Lane(
        label,
        config,
        history["step"].astype(int).tolist(),
        history["loss"].astype(float).tolist(),
        history["grad_norm"].astype(float).tolist(),
        [_evaluation(row) for row in evaluations.to_dict("records")],
        recordings,
        weights,
        solved_at,
    )


def _evaluation(row: dict) -> dict:
    """One row of evaluations.csv as the lane keeps it."""
    found = dict(step=int(row["step"]), eval_loss=float(row["eval_loss"]), metric=float(row["metric"]))
    found["solved"] = bool(row["solved"])
    return found | ({"teacher_forced": float(row["teacher_forced"])} if "teacher_forced" in row else {})


def _probe(data: bytes, step: int, spec, label: str, budget: UnpackBudget):
    """One probe of the lane: from the step it is listed at, recorded by the lane's model."""
    name = f"{label}'s probe at step {step}"
    recording = recording_from_npz(data, name, budget)
    if recording.step != step:
        raise RunFileError(f"{label}'s probe file for step {step} says it is from step {recording.step}.")
    differ = differences(recording.spec.replace(batch_size=spec.batch_size), spec)
    if differ:
        raise RunFileError(f"{name} was recorded by another model than the lane's ({differ}).")
    return recording


def _weights(data: bytes, step: int, spec, label: str, budget: UnpackBudget) -> dict:
    """One weights checkpoint of the lane, for the lane's model; its decoded tensors are charged to
    the budget."""
    try:
        model, _ = load_checkpoint(data, expect=spec)
    except CheckpointError as error:
        raise RunFileError(f"{label}'s weights at step {step}: {error}") from None
    state = model.state_dict()
    budget.charge(
        sum(t.numel() * t.element_size() for t in state.values()), f"{label}'s weights at step {step}", "take"
    )
    return state
