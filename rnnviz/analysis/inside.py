"""What a trained network keeps: state maps, gate saturation, units that hold a memory, the path
of h_t in its first two principal components, and free-running forecasts. Plain numpy in and
out; every array comes from a Recording (or a model run) and nothing else."""

from __future__ import annotations

import numpy as np
import torch

from rnnviz.analysis.recording import Recording

STATE_NAMES = {  # what each map of state_maps is, in words
    "h": "hidden state h",
    "c": "cell state c",
    "i": "input gate i",
    "f": "forget gate f",
    "g": "candidate g",
    "o": "output gate o",
    "r": "reset gate r",
    "z": "update gate z",
    "n": "candidate n",
}


def state_maps(recording: Recording, layer: int = 0, direction: int = 0, example: int = 0) -> dict[str, np.ndarray]:
    """name → (T, H) for one sequence: 'h', 'c' (LSTM) and every gate (i f g o / r z n)."""
    maps = {"h": recording.hidden[layer, direction, :, example]}
    if recording.cell is not None:
        maps["c"] = recording.cell[layer, direction, :, example]
    for name, values in recording.gates.items():
        maps[name] = values[layer, direction, :, example]
    return maps


def saturation(recording: Recording, layer: int = 0, direction: int = 0, low: float = 0.1, high: float = 0.9):
    """gate → (left, right): per unit, the fraction of steps (over the whole batch) the gate spends
    below `low` and above `high` (Karpathy, Johnson & Fei-Fei 2015). Sigmoid gates only."""
    result = {}
    for name, values in recording.gates.items():
        if name in ("g", "n"):  # tanh candidates, not gates in (0, 1)
            continue
        v = values[layer, direction].reshape(-1, values.shape[-1])  # (T·B, H)
        result[name] = ((v < low).mean(0), (v > high).mean(0))
    return result


def steps_above(activation: np.ndarray, threshold: float) -> list[int]:
    """Steps where a unit's activation exceeds the threshold (LSTMVis's 'on' steps)."""
    return [int(t) for t in np.flatnonzero(activation > threshold)]


def pca_path(states: np.ndarray, components: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """(T, H) → (T, components) coordinates of the centred states on their principal axes, and the
    fraction of the variance each axis explains."""
    centred = states - states.mean(0)
    _, singular, axes = np.linalg.svd(centred, full_matrices=False)
    k = min(components, axes.shape[0])
    coords = centred @ axes[:k].T
    variance = singular**2
    explained = variance[:k] / variance.sum() if variance.sum() > 0 else np.zeros(k)
    if k < components:  # fewer units than components: pad with zeros
        coords = np.pad(coords, ((0, 0), (0, components - k)))
        explained = np.pad(explained, (0, components - k))
    return coords, explained


def memory_units(recording: Recording, markers: np.ndarray, top: int = 3) -> list[tuple[int, float]]:
    """Adding problem: units whose cell state jumps at a marked step and holds that value until the
    end. markers (B, T) in {0, 1}. Score per unit = mean over examples and markers of
    |jump at the marker| / (1 + mean |drift| from the marker to the end). Best `top` first."""
    c = recording.cell if recording.cell is not None else recording.hidden
    c = c[0, 0]  # (T, B, H)
    T, B, H = c.shape
    scores = np.zeros(H)
    count = 0
    for b in range(B):
        for m in np.flatnonzero(markers[b]):
            if m == 0:
                continue
            jump = np.abs(c[m, b] - c[m - 1, b])  # (H,)
            drift = np.abs(c[m:, b] - c[m, b]).mean(0)
            scores += jump / (1.0 + drift / (jump + 1e-9))
            count += 1
    scores /= max(count, 1)
    best = np.argsort(scores)[::-1][:top]
    return [(int(u), float(scores[u])) for u in best]


def example_sequence(task, seq_len: int, seed: int) -> torch.Tensor:
    """The one sequence Inside runs through a model of `task`: (1, seq_len, features), from `seed`."""
    return task.generate(1, seq_len, torch.Generator().manual_seed(seed)).x


def marked_memory_units(recording: Recording, x: torch.Tensor, top: int = 3) -> list[tuple[int, float]]:
    """memory_units of an adding-problem recording, its markers read from x's second channel."""
    return memory_units(recording, x[:, :, 1].numpy(), top)


@torch.no_grad()
def rollout(model, series: np.ndarray, window: int, horizon: int) -> dict[str, np.ndarray]:
    """A many-to-one forecaster run two ways from the same start:
    teacher-forced: each prediction reads the true history; free-running: each prediction reads
    the model's own earlier predictions, so its errors compound. series (window + horizon,)."""
    if len(series) < window + horizon:
        raise ValueError("series must hold window + horizon values.")
    model.eval()

    def predict(history: np.ndarray) -> float:
        x = torch.tensor(history[-window:], dtype=torch.float32).reshape(1, window, 1)
        return float(model(x)[0].reshape(-1)[0])

    teacher, free = [], []
    own = list(series[:window])
    for k in range(horizon):
        teacher.append(predict(series[: window + k]))
        free.append(predict(np.array(own)))
        own.append(free[-1])
    return {"truth": series[window : window + horizon], "teacher": np.array(teacher), "free": np.array(free)}


def rollout_errors(result: dict[str, np.ndarray]) -> dict[str, float]:
    """Mean absolute error of the teacher-forced and the free-running forecasts."""
    return {k: float(np.abs(result[k] - result["truth"]).mean()) for k in ("teacher", "free")}


def shared_limits(sides: list[dict[str, np.ndarray]]) -> dict[str, float]:
    """One colour limit per state name for several models' maps: the largest |value| among them."""
    names = {name for side in sides for name in side}
    return {name: max(float(np.abs(side[name]).max()) for side in sides if name in side) for name in names}
