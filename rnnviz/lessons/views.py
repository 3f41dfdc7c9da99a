"""What a page's view computes, read as the page reads its link: the network the sidebar sets,
the gradients BPTT and Vanishing measure, the recorded race at the frame shown, the model Inside
looks into, the Packing batch, the Decoder's bundled model, the Scan's example. A lesson step's
answer and figure are both computed from these, so they agree with the page.

A value a page would refuse raises AnswerError with a sentence.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from functools import lru_cache

import numpy as np

from rnnviz.analysis.decoding import exposure_bias, held_out
from rnnviz.analysis.gradients import gradient_flow
from rnnviz.analysis.probe import demo_recording
from rnnviz.files.demos import demo, demo_names
from rnnviz.lessons.decoder import DECODER_TASKS, bundled_lane, decoder_config
from rnnviz.lessons.padding import phrases
from rnnviz.lessons.scan_example import scan_example
from rnnviz.net.spec import RNNSpec, SpecError
from rnnviz.training.train import TrainConfig

View = Mapping[str, str]  # a page's link settings: {"T": "60", "hidden_size": "32"}
SPEC_FIELDS = frozenset(f.name for f in fields(RNNSpec))
CELLS = ("rnn", "gru", "lstm")  # the cells the Vanishing page measures


class AnswerError(ValueError):
    """A view or parameter an answer cannot be computed from; the message is a sentence."""


def spec_of(view: View) -> RNNSpec:
    """The sidebar's network a view sets (its other settings are the page's own)."""
    try:
        return RNNSpec.from_params({k: v for k, v in view.items() if k in SPEC_FIELDS})
    except SpecError as error:
        raise AnswerError(str(error)) from None


def number(view: View, name: str, default, kind=int):
    """The view's `name` as a number (`default` when absent)."""
    try:
        return kind(view.get(name, default))
    except ValueError:
        raise AnswerError(f"{name}={view[name]!r} is not a number.") from None


def gradient_norms(view: View) -> np.ndarray:
    """‖dL/dh_t‖ of the view's example, top layer, t = 0 … T−1 (the BPTT page's recording)."""
    example = number(view, "example", 0)
    return np.linalg.norm(demo_recording(spec_of(view)).hidden_grad[-1, 0, :, example], axis=-1)


@lru_cache(maxsize=32)
def _flows(scheme: str, scale: float, forget_bias: float, seq_len: int, hidden: int):
    return [gradient_flow(c, seq_len, hidden, scheme=scheme, scale=scale, forget_bias=forget_bias) for c in CELLS]


def vanishing_flows(view: View):
    """The Vanishing page's three measurements for this view."""
    hidden = min(spec_of(view).hidden_size, 128)
    seq_len = number(view, "T", 60)
    scale, forget_bias = number(view, "scale", 1.0, float), number(view, "forget_bias", 1.0, float)
    try:
        return _flows(view.get("init", "default"), scale, forget_bias, seq_len, hidden)
    except (ValueError, KeyError) as error:
        raise AnswerError(f"The Vanishing page cannot measure this view: {error}") from None


def race_lanes(view: View) -> tuple[str, dict]:
    """The bundled run a race view replays, at the frame it shows: (its name, the lanes then)."""
    name = view.get("replay", "")
    if name not in demo_names():
        raise AnswerError(f"replay={name!r} names no bundled run; there are {', '.join(demo_names())}.")
    run = demo(name)
    frames = run.frames()
    frame = frames[min(number(view, "step", 0), len(frames) - 1)]
    return name, run.snapshot(until=frame)["lanes"]


def inside_model(view: View):
    """(task, model, training step) of a view's "Recorded <run>: <lane>" model (Inside's menu label)."""
    label = view.get("model", "")
    name, _, lane = label.removeprefix("Recorded ").partition(": ")
    if not label.startswith("Recorded ") or name not in demo_names() or lane not in demo(name).lanes:
        raise AnswerError(f"model={label!r}: a lesson step looks inside a bundled run, as 'Recorded <run>: <lane>'.")
    at = view.get("at")
    return demo(name).model_copy(lane, step=None if at is None else number(view, "at", 0))


def packing_batch(view: View):
    """The Packing page's batch: (x, lengths) of 4 phrases padded to `columns`, from `seed`."""
    columns, seed = number(view, "columns", 12), number(view, "seed", 0)
    if not 10 <= columns <= 16:
        raise AnswerError("columns must be 10 to 16, as on the Packing page.")
    x, lengths, _ = phrases(4, columns, seed)
    return x, lengths


def decoder_model(view: View):
    """(model, held-out batch, step) the Decoder page measures for a view of its bundled run."""
    task = view.get("task", "reverse")
    if task not in DECODER_TASKS:
        raise AnswerError(f"task={task!r}: the Decoder page's tasks are {', '.join(DECODER_TASKS)}.")
    config = decoder_config(
        task,
        view.get("attention", "none"),
        view.get("input", "previous") == "previous",
        number(view, "forcing", 1.0, float),
        number(view, "seed", 0),
        number(view, "steps", 600),
    )
    found = bundled_lane(config, number(view, "steps", 600))
    if found is None:
        raise AnswerError("The Decoder page trains these settings live; a lesson step needs its bundled run's.")
    run, label = found
    kept = [step for step, _ in run.lanes[label].weights]
    at = number(view, "at", kept[-1])
    _, model, step = run.model_copy(label, step=at if at in kept else kept[-1])
    return model, _held_out(task, config.seq_len, config.seed), step


@lru_cache(maxsize=4)
def _held_out(task: str, seq_len: int, seed: int):
    return held_out(TrainConfig(task=task).task_object(), seq_len, seed)


@lru_cache(maxsize=8)
def decoder_bias(view_items: tuple):
    model, batch, step = decoder_model(dict(view_items))
    return exposure_bias(model, batch), step


def scan_view(view: View):
    """The Scan page's example for a view, and its length T."""
    steps, seed = number(view, "T", 16), number(view, "seed", 0)
    if not 2 <= steps <= 32:
        raise AnswerError("T must be 2 to 32, as on the Scan page.")
    kind = view.get("kind", "mingru")
    if kind not in ("mingru", "minlstm"):
        raise AnswerError(f"kind={kind!r}: the Scan page's cells are mingru and minlstm.")
    return scan_example(kind, steps, seed), steps
