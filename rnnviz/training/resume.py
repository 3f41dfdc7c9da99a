"""What training on needs beyond a run's history and weights: the optimiser's moments, the data
generator's and torch's random state, the step counter and the divergence rules' memory. A
trainer restored from its checkpoint takes exactly the steps the uninterrupted one would have.

    saved = checkpoint(trainer)        (a plain dict: tensors, and numbers in "meta")
    trainer = Trainer(config); restore(trainer, saved)

A checkpoint read from a file is checked before anything is loaded (check): every tensor's name,
shape and type must be the ones this trainer's model and optimiser keep, else a ValueError with a
sentence.
"""

from __future__ import annotations

import math

import torch

from rnnviz.training.lane import copy_state
from rnnviz.training.train import DIVERGENCE_WINDOW, Trainer

OPTIMIZER_STATES = ("step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq", "square_avg", "grad_avg", "momentum_buffer")
RANDOM_STATES = ("generator", "torch_random")


def checkpoint(trainer: Trainer) -> dict:
    """{"tensors": {name: tensor}, "meta": {...}} of everything a restored trainer needs."""
    tensors = {f"model.{name}": value for name, value in copy_state(trainer.model).items()}
    tensors |= {f"best.{i}": p.detach().cpu().clone() for i, p in enumerate(trainer.best)}
    for index, state in trainer.optimizer.state_dict()["state"].items():
        for name, value in state.items():
            if isinstance(value, torch.Tensor):  # (SGD without momentum keeps None)
                tensors[f"optimizer.{index}.{name}"] = value.detach().cpu().clone()
    tensors["generator"] = trainer.data.get_state()
    tensors["torch_random"] = torch.get_rng_state()
    meta = {
        "step": trainer.steps,
        "initial_loss": trainer.initial_loss,
        "best_loss": _number(trainer.best_loss),
        "best_step": trainer.best_step,
        "best_window": _number(trainer.best_window),
        "recent": list(trainer.recent),
    }
    return {"tensors": tensors, "meta": meta}


def _number(value: float) -> float | None:
    return value if math.isfinite(value) else None  # JSON has no infinity


def restore(trainer: Trainer, saved: dict) -> Trainer:
    """Put a fresh trainer (same config) where `saved` left off; a ValueError when it does not fit."""
    check(trainer, saved)
    tensors, meta = saved["tensors"], saved["meta"]
    trainer.model.load_state_dict({name[6:]: t for name, t in tensors.items() if name.startswith("model.")})
    with torch.no_grad():
        torch._foreach_copy_(trainer.best, [tensors[f"best.{i}"] for i in range(len(trainer.best))])
    state: dict[int, dict] = {}
    for name, value in tensors.items():
        if name.startswith("optimizer."):
            _, index, kind = name.split(".")
            state.setdefault(int(index), {})[kind] = value
    groups = trainer.optimizer.state_dict()["param_groups"]  # the config's: nothing from the file
    trainer.optimizer.load_state_dict({"state": state, "param_groups": groups})
    trainer.data.set_state(tensors["generator"])
    torch.set_rng_state(tensors["torch_random"])
    trainer.steps, trainer.best_step = meta["step"], meta["best_step"]
    trainer.initial_loss = meta["initial_loss"]
    trainer.best_loss = math.inf if meta["best_loss"] is None else meta["best_loss"]
    trainer.best_window = math.inf if meta["best_window"] is None else meta["best_window"]
    trainer.recent = list(meta["recent"])
    return trainer


def check(trainer: Trainer, saved: dict) -> None:
    """A ValueError naming the first thing in `saved` that is not what this trainer keeps."""
    if not isinstance(saved, dict) or not isinstance(saved.get("tensors"), dict):
        raise ValueError("the resume state holds no tensors")
    tensors, meta = saved["tensors"], saved.get("meta")
    expected = {f"model.{name}": t for name, t in trainer.model.state_dict().items()}
    expected |= {f"best.{i}": p for i, p in enumerate(trainer.best)}
    expected |= {name: torch.Generator().get_state() for name in RANDOM_STATES}
    for name, value in tensors.items():
        if not isinstance(value, torch.Tensor):
            raise ValueError(f"the resume state's {name} is not a tensor")
        like = expected.get(name) if not name.startswith("optimizer.") else _optimizer_like(trainer, name)
        if like is None:
            raise ValueError(f"the resume state holds {name}, which this model's training does not keep")
        if value.shape != like.shape or value.dtype != like.dtype:
            raise ValueError(f"the resume state's {name} has shape {tuple(value.shape)}, not {tuple(like.shape)}")
    missing = sorted(set(expected) - set(tensors))
    if missing:
        raise ValueError(f"the resume state lacks {missing[0]}")
    _check_meta(meta)


def _optimizer_like(trainer: Trainer, name: str) -> torch.Tensor | None:
    """What optimizer.<index>.<kind> must look like: a scalar step, or a tensor like the parameter."""
    parts = name.split(".")
    if len(parts) != 3 or not parts[1].isdigit() or int(parts[1]) >= len(trainer.parameters):
        return None
    if parts[2] == "step":
        return torch.tensor(0.0)
    return trainer.parameters[int(parts[1])].detach() if parts[2] in OPTIMIZER_STATES else None


def _check_meta(meta) -> None:
    def number(value, allow_none=True) -> bool:
        plain = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        return plain or (allow_none and value is None)

    ok = (
        isinstance(meta, dict)
        and isinstance(meta.get("step"), int)
        and isinstance(meta.get("best_step"), int)
        and 0 <= meta["best_step"] <= meta["step"]
        and all(number(meta.get(key)) for key in ("initial_loss", "best_loss", "best_window"))
        and isinstance(meta.get("recent"), list)
        and len(meta["recent"]) <= DIVERGENCE_WINDOW
        and all(number(v, allow_none=False) for v in meta["recent"])
    )
    if not ok:
        raise ValueError("the resume state's step counter or loss memory is not valid")
