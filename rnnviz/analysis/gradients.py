"""Vanishing and exploding gradients, measured: ‖dL/dh_t‖ against distance from the loss, and
the norm of the product of step Jacobians ∂h_T/∂h_{T-k}, for RNN, GRU and LSTM on one input.

The loss sits on the last step only, so every gradient at distance k has travelled k steps back
through the recurrence: for a tanh RNN each step multiplies it by diag(1 - h²)·W_hh, which
shrinks it when W_hh's spectral radius is below 1; the LSTM's cell state carries it through
c_t = f⊙c_{t-1} + ..., shrinking only by the forget gate f.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from rnnviz.net.initialisation import initialise
from rnnviz.net.model import CORES
from rnnviz.net.seeding import seeded
from rnnviz.net.spec import GATES_PER_CELL
from rnnviz.net.unroll import unroll

CANDIDATE_BLOCK = {"rnn": 0, "lstm": 2, "gru": 2}  # the block of W_hh that plays the RNN's role (g, n)


def scaled_norm(vectors: np.ndarray) -> np.ndarray:
    """‖v‖₂ over the last axis without underflow: squaring entries below about 1e-154 loses
    digits and below 1e-162 gives exactly 0, so each vector is divided by its largest entry first."""
    largest = np.abs(vectors).max(axis=-1, keepdims=True)
    safe = np.where(largest > 0, largest, 1.0)
    return largest[..., 0] * np.linalg.norm(vectors / safe, axis=-1)


def scaled_spectral_norm(matrix: np.ndarray) -> float:
    """The largest singular value, computed on the matrix divided by its largest entry."""
    largest = float(np.abs(matrix).max())
    return largest * float(np.linalg.norm(matrix / largest, 2)) if largest > 0 else 0.0


def spectral_radius(core: nn.RNNBase, cell: str) -> float:
    """Largest |eigenvalue| of layer 0's W_hh block that plays the plain RNN's role."""
    block = core.weight_hh_l0.detach().chunk(GATES_PER_CELL[cell], dim=0)[CANDIDATE_BLOCK[cell]]
    return float(np.abs(np.linalg.eigvals(block.double().numpy())).max())


@dataclass(frozen=True)
class GradientFlow:
    cell: str
    grad_norm: np.ndarray  # (T,) mean over the batch of ‖dL/dh_{T-1-k}‖, index k = distance
    jacobian_norm: np.ndarray  # (T,) ‖∂h_{T-1}/∂h_{T-1-k}‖₂ for example 0 (k = 0: the identity)
    spectral_radius: float

    @property
    def relative(self) -> np.ndarray:
        """grad_norm divided by its value at the loss (distance 0)."""
        return self.grad_norm / self.grad_norm[0]


def gradient_flow(
    cell: str,
    seq_len: int = 60,
    hidden_size: int = 32,
    input_size: int = 4,
    scheme: str = "default",
    scale: float = 1.0,
    forget_bias: float | None = 1.0,
    seed: int = 0,
    batch: int = 8,
) -> GradientFlow:
    if not (2 <= seq_len <= 300 and 1 <= hidden_size <= 128):
        raise ValueError("gradient_flow takes seq_len 2..300 and hidden_size 1..128.")
    extra = {"nonlinearity": "relu" if scheme == "identity" else "tanh"} if cell == "rnn" else {}
    with seeded(seed):
        core = CORES[cell](input_size, hidden_size, **extra).double()
        initialise(core, scheme, scale, forget_bias if cell == "lstm" else None)
    generator = torch.Generator().manual_seed(seed + 1)
    x = torch.randn(seq_len, batch, input_size, generator=generator, dtype=torch.float64)  # (T, B, F)
    w = torch.randn(hidden_size, generator=generator, dtype=torch.float64)
    unrolled = unroll(core, x)
    last = unrolled.output[-1]  # (B, H): the loss reads only the last step
    states = unrolled.h_tensors[0][0]  # T tensors (B, H)
    rows = [torch.autograd.grad(last[0, i], states, retain_graph=True, allow_unused=True) for i in range(hidden_size)]
    unrolled.backward((last @ w).sum())  # frees the graph: last
    grad = scaled_norm(unrolled.hidden_grad[0, 0]).mean(axis=-1)  # (T,)
    jacobians = np.zeros((seq_len, hidden_size, hidden_size))
    for i, row in enumerate(rows):
        for t, g in enumerate(row):
            if g is not None:
                jacobians[t, i] = g[0].numpy()  # ∂h_{T-1}[i] / ∂h_t
    norms = np.array([scaled_spectral_norm(j) for j in jacobians])
    return GradientFlow(cell, grad[::-1].copy(), norms[::-1].copy(), spectral_radius(core, cell))


def describe(flows: list[GradientFlow], distance: int) -> str:
    """One sentence per cell with the numbers a student reads off the plot."""
    parts = []
    for flow in flows:
        k = min(distance, len(flow.grad_norm) - 1)
        parts.append(
            f"{flow.cell.upper()}: {flow.relative[k]:.1e} of its size at the loss "
            f"(spectral radius {flow.spectral_radius:.2f})"
        )
    return f"At distance {distance} from the loss, the gradient is " + "; ".join(parts) + "."
