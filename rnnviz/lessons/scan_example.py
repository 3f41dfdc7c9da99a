"""The Scan page's worked example: one small minGRU or minLSTM layer on a random sequence, its
states found three ways (the loop, the log-space scan, Blelloch's tree), and the tree's levels."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from rnnviz.net.minrnn import BLOCKS, SCANS, coefficients, tree_levels


@dataclass(frozen=True)
class ScanExample:
    states: dict[str, np.ndarray]  # how ("sequential", "log", "tree") → unit 0 of h_t, t = 0 … T−1
    levels: list[tuple[str, list[tuple[int, int]]]]  # the tree's levels: (up or down, pairs combined)

    @property
    def difference(self) -> float:
        """The largest difference of the scans from the loop, over every step."""
        loop = self.states["sequential"]
        return float(max(np.abs(self.states[how] - loop).max() for how in self.states if how != "sequential"))


def scan_example(kind: str, steps: int, seed: int, negative: bool = False, features: int = 2, hidden: int = 3):
    """x, W and b drawn from `seed` in float64; a_t, b_t from x_t alone; every scan run on them."""
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(1, steps, features, generator=generator, dtype=torch.float64)
    weight = torch.randn(len(BLOCKS[kind]) * hidden, features, generator=generator, dtype=torch.float64)
    bias = torch.randn(len(BLOCKS[kind]) * hidden, generator=generator, dtype=torch.float64)
    a_t, b_t, _ = coefficients(kind, x, weight, bias, negative)
    states = {how: scan(a_t, b_t)[0, :, 0].numpy() for how, scan in SCANS.items()}
    return ScanExample(states, tree_levels(steps))
