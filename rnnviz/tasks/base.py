"""Batch and Task: the one signature every toy task shares."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import torch
from torch import Tensor

from rnnviz.net.spec import RNNSpec

EMBEDDING = 16  # embedding size of the token tasks


@dataclass(frozen=True)
class Batch:
    x: Tensor  # what the model reads (batch first)
    y: Tensor  # targets shaped like the model's output; class ids for classification
    mask: Tensor | None = None  # 1 where a target counts (shape of y for ids, y[..., 0] for values)


@dataclass(frozen=True)
class Task:
    name: str
    title: str
    description: str
    topology: str
    classification: bool  # cross-entropy on class ids, else mean squared error
    input_size: int  # features per step (embedding size for tokens)
    output_size: int
    generate: Callable[[int, int, torch.Generator], Batch]
    baseline: Callable[[int], float]  # memoryless loss at this seq_len
    chance: Callable[[int], float]  # memoryless metric (accuracy, or MSE for regression)
    solved_at: float  # metric that counts as solved (accuracy ≥, or MSE ≤)
    default_seq_len: int = 20
    min_seq_len: int = 1
    vocab_size: int = 0
    reference: str = ""
    vocabulary: list[str] = field(default_factory=list)  # token strings (char model, addition)
    out_len: Callable[[int], int] | None = None  # output steps for seq_len input steps (default: as many)

    @property
    def metric(self) -> str:
        return "accuracy" if self.classification else "MSE"

    def spec(self, cell="lstm", hidden_size=64, num_layers=1, batch_size=64, seq_len=None, **extra) -> RNNSpec:
        steps = seq_len or self.default_seq_len
        return RNNSpec(
            cell=cell,
            topology=self.topology,
            hidden_size=hidden_size,
            num_layers=num_layers,
            batch_size=batch_size,
            seq_len=steps,
            out_len=self.out_len(steps) if self.out_len else steps,
            input_size=self.input_size,
            output_size=self.output_size,
            vocab_size=self.vocab_size,
            batch_first=True,
            **extra,
        )

    def metric_value(self, y_hat: Tensor, batch: Batch) -> float:
        if self.classification:
            right = (y_hat.argmax(-1) == batch.y).float()
            mask = torch.ones_like(right) if batch.mask is None else batch.mask.float()
            return float((right * mask).sum() / mask.sum())
        error = (y_hat - batch.y).pow(2).mean(-1)
        mask = torch.ones_like(error) if batch.mask is None else batch.mask.float()
        return float((error * mask).sum() / mask.sum())

    def is_solved(self, metric: float) -> bool:
        return metric >= self.solved_at if self.classification else metric <= self.solved_at
