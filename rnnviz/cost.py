"""What recurrence costs, measured: time per training step (forward and backward) and the
activation memory autograd keeps for the backward pass, for a fused GRU, minGRU as a loop, as
the paper's log-space scan and as a Blelloch tree, as the sequence grows.

Memory is counted exactly, not estimated: every tensor autograd saves for the backward pass goes
through a saved_tensors_hooks pack hook, which adds up its bytes (each storage once).
"""

from __future__ import annotations

import time

import torch
from torch import nn

from rnnviz.minrnn import min_rnn

IMPLEMENTATIONS = ("nn.GRU (fused)", "minGRU loop", "minGRU log scan", "minGRU tree")


def _step(name: str, x: torch.Tensor, parts: dict):
    if name == "nn.GRU (fused)":
        return parts["gru"](x)[0]
    how = {"minGRU loop": "sequential", "minGRU log scan": "log", "minGRU tree": "tree"}[name]
    return min_rnn("mingru", x, parts["weight"], parts["bias"], how=how)[0]


def _parts(features: int, hidden: int, device) -> dict:
    torch.manual_seed(0)
    return {
        "gru": nn.GRU(features, hidden, batch_first=True).to(device),
        "weight": (torch.randn(2 * hidden, features, device=device) * features**-0.5).requires_grad_(),
        "bias": torch.zeros(2 * hidden, device=device, requires_grad=True),
    }


def saved_bytes(name: str, steps: int, batch: int = 16, features: int = 32, hidden: int = 64) -> int:
    """Bytes autograd keeps between the forward and the backward pass of one step."""
    parts = _parts(features, hidden, "cpu")
    x = torch.randn(batch, steps, features)
    seen: dict[int, int] = {}

    def pack(tensor):
        storage = tensor.untyped_storage()
        seen[storage.data_ptr()] = storage.nbytes()
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        _step(name, x, parts).sum()
    return sum(seen.values())


def step_seconds(
    name: str, steps: int, batch: int = 16, features: int = 32, hidden: int = 64, repeats: int = 5, device="cpu"
) -> float:
    """Median wall-clock seconds of one forward and backward pass."""
    parts = _parts(features, hidden, device)
    x = torch.randn(batch, steps, features, device=device)
    times = []
    for k in range(repeats + 1):
        if device != "cpu":
            torch.cuda.synchronize()
        start = time.perf_counter()
        _step(name, x, parts).sum().backward()
        if device != "cpu":
            torch.cuda.synchronize()
        if k:  # the first is a warm-up
            times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2]


def measure(steps_list=(16, 32, 64, 128, 256), repeats: int = 3, device="cpu") -> list[dict]:
    """One row per implementation and T: seconds per step and activation memory in bytes."""
    rows = []
    for steps in steps_list:
        for name in IMPLEMENTATIONS:
            rows.append(
                {
                    "implementation": name,
                    "T": steps,
                    "seconds": step_seconds(name, steps, repeats=repeats, device=device),
                    "saved_bytes": saved_bytes(name, steps),
                }
            )
    return rows
