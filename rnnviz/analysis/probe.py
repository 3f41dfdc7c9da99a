"""A recording to look at before any training: the configured model, untrained, on a random
batch with random targets. The pages that show the unrolled passes start from this."""

from __future__ import annotations

import math

import torch

from rnnviz.analysis.recording import Recording, record
from rnnviz.net.model import build_model, example_input
from rnnviz.net.seeding import seeded
from rnnviz.net.spec import RNNSpec

MAX_ANIMATED_STEPS = 200  # the animated graph draws every step; beyond this it is unreadable


def demo_recording(spec: RNNSpec, seed: int = 0, tbptt: int | None = None, examples: int = 4) -> Recording:
    """Seeded model and data; at most `examples` sequences go through the explicit loop."""
    spec = spec.validate()
    with seeded(seed):
        model = build_model(spec)
    small = spec.replace(batch_size=min(spec.batch_size, examples))
    generator = torch.Generator().manual_seed(seed + 1)
    x = example_input(small, generator)
    with torch.no_grad():
        y_hat, _ = model(x)
    y = torch.randn(y_hat.shape, generator=generator)
    return record(model, x, y, tbptt=tbptt)


def total_grad_norm(recording: Recording) -> float:
    """‖∇θ L‖ over all parameters, what torch.nn.utils.clip_grad_norm_ compares with max_norm."""
    return math.sqrt(sum(n * n for n in recording.param_grad_norms.values()))


def clip_scale(total_norm: float, max_norm: float) -> float | None:
    """The factor clip_grad_norm_ multiplies every gradient by, or None when it would not fire."""
    return max_norm / (total_norm + 1e-6) if total_norm > max_norm else None
