"""What recurrence costs, measured: time per training step (forward and backward), the activation
memory autograd keeps for the backward pass, and the parameter count, for the fused PyTorch
modules, the explicit loop (rnnviz.net.unroll) and minGRU/minLSTM as a loop, as the paper's log-space
scan and as a Blelloch tree, as the sequence grows.

Memory is counted exactly, not estimated: every tensor autograd saves for the backward pass goes
through a saved_tensors_hooks pack hook, which adds up its bytes (each storage once).
"""

from __future__ import annotations

import os
import time

import torch
from torch import nn

from rnnviz.net.minrnn import MinRNN
from rnnviz.net.seeding import seeded
from rnnviz.net.unroll import unroll

IMPLEMENTATIONS = ("nn.GRU (fused)", "minGRU loop", "minGRU log scan", "minGRU tree")  # the Scan page's
ALL = (
    "nn.RNN (fused)",
    "nn.GRU (fused)",
    "nn.LSTM (fused)",
    "GRU explicit loop",
    "minGRU loop",
    "minGRU log scan",
    "minGRU tree",
    "minLSTM loop",
    "minLSTM tree",
)
FOR_CELL = {  # what a race of each cell trains with
    "rnn": "nn.RNN (fused)",
    "gru": "nn.GRU (fused)",
    "lstm": "nn.LSTM (fused)",
    "mingru": "minGRU loop",
    "minlstm": "minLSTM loop",
}
SCAN = {"loop": "sequential", "log scan": "log", "tree": "tree"}


def build(name: str, features: int, hidden: int) -> nn.Module:
    with seeded(0):
        if name.startswith("min"):
            kind, how = name.split(" ", 1)
            return MinRNN(features, hidden, batch_first=True, kind=kind.lower(), how=SCAN[how])
        cell = name.split(" ")[0].removeprefix("nn.")
        core = {"RNN": nn.RNN, "GRU": nn.GRU, "LSTM": nn.LSTM}[cell]
        return core(features, hidden, batch_first=True)


def _output(name: str, module: nn.Module, x: torch.Tensor) -> torch.Tensor:
    return unroll(module, x).output if "explicit" in name else module(x)[0]


def parameters(name: str, features: int = 32, hidden: int = 64) -> int:
    return sum(p.numel() for p in build(name, features, hidden).parameters())


def saved_bytes(name: str, steps: int, batch: int = 16, features: int = 32, hidden: int = 64) -> int:
    """Bytes autograd keeps between the forward and the backward pass of one step."""
    module = build(name, features, hidden)
    x = torch.randn(batch, steps, features)
    seen: dict[int, int] = {}

    def pack(tensor):
        storage = tensor.untyped_storage()
        seen[storage.data_ptr()] = storage.nbytes()
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        _output(name, module, x).sum()
    return sum(seen.values())


def step_times(
    name: str, steps: int, batch: int = 16, features: int = 32, hidden: int = 64, repeats: int = 5, device="cpu"
) -> list[float]:
    """Wall-clock seconds of `repeats` forward and backward passes, after one warm-up."""
    module = build(name, features, hidden).to(device)
    x = torch.randn(batch, steps, features, device=device)
    times = []
    for k in range(repeats + 1):
        if device != "cpu":
            torch.cuda.synchronize()
        start = time.perf_counter()
        _output(name, module, x).sum().backward()
        if device != "cpu":
            torch.cuda.synchronize()
        if k:  # the first is a warm-up
            times.append(time.perf_counter() - start)
    return times


def step_seconds(name: str, steps: int, **options) -> float:
    """Median wall-clock seconds of one forward and backward pass (options: see step_times)."""
    times = sorted(step_times(name, steps, **options))
    return times[len(times) // 2]


def machine_load() -> float | None:
    """Runnable processes per CPU core over the last minute (1 or more: every core busy); None
    where the system does not say."""
    try:
        return os.getloadavg()[0] / (os.cpu_count() or 1)
    except (AttributeError, OSError):
        return None


def measure(
    steps_list=(16, 32, 64, 128, 256), names=IMPLEMENTATIONS, repeats: int = 3, device="cpu", batch=16, hidden=64
) -> list[dict]:
    """One row per implementation and T: seconds per step (the median of `repeats`, and the
    fastest and slowest of them), activation memory in bytes, parameters."""
    rows = []
    for steps in steps_list:
        for name in names:
            times = sorted(step_times(name, steps, batch=batch, hidden=hidden, repeats=repeats, device=device))
            rows.append(
                {
                    "implementation": name,
                    "T": steps,
                    "seconds": times[len(times) // 2],
                    "seconds_low": times[0],
                    "seconds_high": times[-1],
                    "saved_bytes": saved_bytes(name, steps, batch=batch, hidden=hidden),
                    "parameters": parameters(name, hidden=hidden),
                }
            )
    return rows


def timing_note(rows: list[dict], load: float | None, repeats: int) -> str:
    """What the measured times can be trusted for, in a sentence or two: how they were taken, and
    whether the machine was busy (its load, or times that spread widely)."""
    widest = max(rows, key=lambda r: r["seconds_high"] / r["seconds_low"])
    spread = widest["seconds_high"] / widest["seconds_low"]
    note = (
        f"Each point is the median of {repeats} passes after a warm-up; the bars run from the fastest to the slowest."
    )
    if load is not None and load >= 0.75:
        note += (
            f" **The machine was busy while measuring** ({load:.1f} runnable processes per core): other work shared "
            "the CPU, so the times are higher and noisier than on an idle machine. Measure again when it is quiet."
        )
    elif spread > 2:
        note += (
            f" **The times spread widely** ({widest['implementation']} at T = {widest['T']}: its slowest pass took "
            f"{spread:.1f}× its fastest), so something else was using the CPU at moments; compare medians with care."
        )
    return note
