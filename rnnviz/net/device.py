"""Which device to train on: cuda when available, else mps (Apple), else cpu."""

from __future__ import annotations

import torch

DEVICES = ("auto", "cuda", "mps", "cpu")


def available_devices() -> list[str]:
    found = ["cpu"]
    if torch.cuda.is_available():
        found.insert(0, "cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        found.insert(len(found) - 1, "mps")
    return found


def pick_device(preference: str = "auto") -> torch.device:
    """'auto' → the best available; a named device → it, or a ValueError saying what exists."""
    if preference not in DEVICES:
        raise ValueError(f"device must be one of {', '.join(DEVICES)}, not {preference!r}.")
    found = available_devices()
    if preference == "auto":
        return torch.device(found[0])
    if preference not in found:
        raise ValueError(f"{preference} is not available on this machine; available: {', '.join(found)}.")
    return torch.device(preference)
