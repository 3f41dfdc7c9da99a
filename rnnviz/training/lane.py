"""One model's history in a run: every step's loss, the evaluations, the probes and the weights
of each probe step, thinned so a long run keeps probes spread over its whole length."""

from __future__ import annotations

from dataclasses import dataclass, field

from rnnviz.analysis.recording import Recording
from rnnviz.training.train import TrainConfig, Trainer

KEPT_PROBES = 64  # probes (and weight copies) a lane keeps; beyond that every second one is dropped
KEPT_BYTES = 48_000_000  # and at most this many bytes of probes per lane


@dataclass
class Lane:
    """One model's history in a job."""

    label: str
    config: TrainConfig
    steps: list[int] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    grad_norm: list[float] = field(default_factory=list)
    evaluations: list[dict] = field(default_factory=list)
    recordings: list[Recording] = field(default_factory=list)  # the probes, oldest first (thinned)
    weights: list[tuple[int, dict]] = field(default_factory=list)  # (step, state_dict) at each probe
    solved_at: int | None = None  # first evaluation step that met the task's bar

    def __repr__(self) -> str:  # one line in a notebook
        solved = "not solved" if self.solved_at is None else f"solved at step {self.solved_at:,}"
        last = self.steps[-1] if self.steps else 0
        return (
            f"Lane({self.label!r}, {self.config.task} with {self.config.cell}, {last:,} steps, {solved}, "
            f"{len(self.recordings)} probes, {len(self.weights)} weight copies)"
        )

    @property
    def recording(self) -> Recording | None:
        """The latest probe."""
        return self.recordings[-1] if self.recordings else None

    @property
    def initial_state(self) -> dict | None:
        """The weights at step 0, for comparisons."""
        return self.weights[0][1] if self.weights else None

    def copy(self, until: int | None = None) -> Lane:
        """A copy whose lists the caller may keep; `until`: only what happened up to that step."""
        keep = (lambda step: True) if until is None else (lambda step: step <= until)
        rows = [k for k, step in enumerate(self.steps) if keep(step)]
        return Lane(
            self.label,
            self.config,
            [self.steps[k] for k in rows],
            [self.loss[k] for k in rows],
            [self.grad_norm[k] for k in rows],
            [e for e in self.evaluations if keep(e["step"])],
            [r for r in self.recordings if keep(r.step)],
            [w for w in self.weights if keep(w[0])],
            self.solved_at if self.solved_at is not None and keep(self.solved_at) else None,
        )

    def add(self, step: int, result=None, evaluation=None, recording=None, weights=None) -> None:
        """Record one step (see observe()); a second evaluation or probe at a step replaces the first."""
        if result is not None:
            self.steps.append(step)
            self.loss.append(result["loss"])
            self.grad_norm.append(result["grad_norm"])
        if evaluation is not None:
            self.evaluations = [e for e in self.evaluations if e["step"] != step] + [evaluation]
            if evaluation["solved"] and self.solved_at is None:
                self.solved_at = step
        if recording is not None:
            self.recordings = thin([r for r in self.recordings if r.step != step] + [recording], lambda r: r.nbytes)
            kept = {r.step for r in self.recordings}  # the weights of every probe kept
            self.weights = [w for w in self.weights if w[0] in kept and w[0] != step] + [(step, weights)]

    def weights_at(self, step: int | None = None) -> tuple[int, dict] | None:
        """(step, state_dict) of the latest kept weights at or before `step` (None: the last)."""
        found = [w for w in self.weights if step is None or w[0] <= step]
        return found[-1] if found else None


def thin(items: list, size=lambda item: 0, most: int = KEPT_PROBES, most_bytes: int = KEPT_BYTES) -> list:
    """Drop every second item (never the first or the last) until at most `most` items of at most
    `most_bytes` in all remain: a long run keeps probes spread over its whole length."""
    while len(items) > 2 and (len(items) > most or sum(size(item) for item in items) > most_bytes):
        items = items[:1] + items[1:-1][1::2] + items[-1:]
    return items


def observe(trainer: Trainer, result: dict | None, evaluation: dict | None = None) -> dict:
    """What a lane records after a training step (`result`, from train_step): the step's loss,
    and an evaluation and a probe with its weights when they are due. result None (the start, or
    the end of a diverged run): evaluate and probe now. Pass `evaluation` if one was just made."""
    config, step = trainer.config, trainer.steps
    if evaluation is None and (result is None or step % config.eval_every == 0):
        evaluation = trainer.evaluate()
    probe = result is None or step % config.probe_every == 0
    return {
        "step": step,
        "result": result,
        "evaluation": evaluation,
        "recording": trainer.probe() if probe else None,
        "weights": copy_state(trainer.model) if probe else None,
    }


def copy_state(model) -> dict:
    return {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
