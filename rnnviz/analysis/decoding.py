"""What an encoder-decoder does when it writes: its token accuracy at each output position,
teacher-forced against free-running (exposure bias), the share of answers entirely right, and
one held-out example decoded both ways with its attention weights.

    batch = held_out(task, seq_len=10, seed=0)
    found = exposure_bias(model, batch)        # found.forced[k], found.free[k]: position k's accuracy
    example = decode_example(model, task, batch, index=3)

Teacher-forced, every writing step reads the true previous token; free-running, its own previous
output. Until its first mistake a decoder reads the same tokens both ways, so the share of
answers entirely right is the same; after one, the free-running decoder reads its own error and
later positions fall behind.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from rnnviz.net.model import SeqModel
from rnnviz.tasks import Batch, Task

HELD_OUT = 1000  # sequences each figure is measured on


def held_out(task: Task, seq_len: int, seed: int, size: int = HELD_OUT) -> Batch:
    """Sequences training never saw: drawn with seed + 1000, as the trainer draws its held-out set."""
    return task.generate(size, seq_len, torch.Generator().manual_seed(seed + 1000))


@dataclass(frozen=True)
class ExposureBias:
    exact_match: float  # share of answers entirely right (the same both ways)
    forced: list[float]  # token accuracy at each output position, teacher-forced
    free: list[float]  # ... free-running

    @property
    def forced_tokens(self) -> float:
        return float(np.mean(self.forced))

    @property
    def free_tokens(self) -> float:
        return float(np.mean(self.free))


@torch.no_grad()
def exposure_bias(model: SeqModel, batch: Batch) -> ExposureBias:
    model.eval()
    forced = model(batch.x, y=batch.y, teacher_forcing=1.0)[0].argmax(-1) == batch.y
    free = model(batch.x)[0].argmax(-1) == batch.y
    return ExposureBias(
        float(free.all(1).float().mean()), forced.float().mean(0).tolist(), free.float().mean(0).tolist()
    )


@dataclass(frozen=True)
class Example:
    """One held-out example decoded both ways."""

    source: list[str]  # the tokens the encoder read
    target: list[str]
    forced: list[str]  # teacher-forced: every step read the true previous token
    free: list[str]  # free-running: every step read its own previous output
    first_mistake: int | None  # the first output position the free-running decoder got wrong
    attention: np.ndarray | None  # (L, S): each free-running output step's weights over the input steps
    mirrored: float | None  # reversal: share of output steps whose strongest weight is the mirrored input


def tokens(task: Task, ids) -> list[str]:
    """Token ids as the task writes them: its vocabulary's characters, else the ids."""
    return [task.vocabulary[int(i)] if task.vocabulary else str(int(i)) for i in ids]


@torch.no_grad()
def decode_example(model: SeqModel, task: Task, batch: Batch, index: int) -> Example:
    model.eval()
    x, y = batch.x[index : index + 1], batch.y[index : index + 1]
    forced = model(x, y=y, teacher_forcing=1.0)[0].argmax(-1)[0]
    free = model(x)[0].argmax(-1)[0]
    wrong = (free != y[0]).nonzero().flatten().tolist()
    weights = mirrored = None
    if model.combine is not None:
        output, _ = model.core(model.core_input(x))
        weights = model.attend(output)[1][0, -model.spec.output_steps :].numpy()  # (L, S)
        if task.name == "reverse":
            mirrored = float((weights.argmax(1) == np.arange(weights.shape[1])[::-1]).mean())
    return Example(
        tokens(task, x[0]),
        tokens(task, y[0]),
        tokens(task, forced),
        tokens(task, free),
        wrong[0] if wrong else None,
        weights,
        mirrored,
    )


def mistake_sentence(first_mistake: int | None, length: int) -> str:
    """What the first free-running mistake means, in words: later steps read it, unless it is the last."""
    if first_mistake is None:
        return "."
    if first_mistake >= length - 1:
        return f": its only mistake is at the last output position ({first_mistake}), so no later step reads it."
    return f": its first mistake is at output position {first_mistake}, and every later step reads it."
