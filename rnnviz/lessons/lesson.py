"""The default lesson, one screen per step: topology → shapes → unroll → BPTT → vanishing → race →
inside. Each step asks a question to predict before the reveal; every answer is computed here,
from the same library the pages use (seeded, so the answer a student sees is reproducible).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from rnnviz.analysis.gradients import gradient_flow
from rnnviz.analysis.inside import example_sequence, marked_memory_units
from rnnviz.analysis.probe import demo_recording
from rnnviz.analysis.recording import record
from rnnviz.files.demos import demo
from rnnviz.net.graph import unrolled_graph
from rnnviz.net.shapes import shape_ledger
from rnnviz.net.spec import RNNSpec
from rnnviz.net.topology import timeline

RACE_STEPS = 600  # the lesson's race budget: seconds on a laptop, and long enough for LSTM and GRU
RACE_LR = {"rnn": 1e-3, "gru": 1e-2, "lstm": 1e-2}
# Each step's view: the settings, in its page's link names, that make the page compute exactly what
# the step's answer computed (same function, sizes, seed).
VANISHING_VIEW = {"hidden_size": "32", "T": "60"}
RACE_VIEW = {"task": "adding", "seq_len": "20", "hidden": "32", "batch": "32", "steps": str(RACE_STEPS)} | {
    f"lr_{cell}": f"{lr:g}" for cell, lr in RACE_LR.items()
}
INSIDE_RUN, INSIDE_LANE, INSIDE_SEED = "adding_race_T50", "LSTM", 0  # a bundled run: no training needed
INSIDE_VIEW = {"model": f"Recorded {INSIDE_RUN}: {INSIDE_LANE}", "seed": str(INSIDE_SEED), "show": "c"}
# the networks of the first four steps; their views carry the whole spec, so the page shows that network
TOPOLOGY_SPEC = RNNSpec(topology="many_to_one", seq_len=8)
SHAPES_SPEC = RNNSpec(cell="lstm", batch_size=4, seq_len=8, input_size=3, hidden_size=16)
UNROLL_SPEC = RNNSpec(seq_len=8)
BPTT_SPEC = RNNSpec(topology="many_to_one", seq_len=8)


def spec_view(spec: RNNSpec) -> dict[str, str]:
    """A view of a page that draws the sidebar's network: that network, the rest at its defaults
    (the topology always named, so even an all-default network replaces the one on screen)."""
    return {"topology": spec.topology, **spec.to_params(only_changed=True)}


@dataclass(frozen=True)
class LessonStep:
    page: str  # the app page that shows it (app_pages/<page>.py)
    title: str
    text: str
    question: str
    answer: Callable[[], tuple[str, str]]  # → (the answer, how it was computed)
    view: dict[str, str] = field(default_factory=dict)  # the page's link settings for the same numbers
    choices: tuple[str, ...] = ()  # a prediction picked from these; none: a whole number in `bounds`
    bounds: tuple[int, int] = (0, 100)


@cache
def answer_of(index: int) -> tuple[str, str]:
    """LESSON[index].answer(), computed once per process."""
    return LESSON[index].answer()


def answer_value(index: int) -> str | int:
    """The answer as a prediction is scored against: the choice, or the whole number ("step 5",
    "unit 12" → 5, 12)."""
    text = answer_of(index)[0]
    if LESSON[index].choices:
        return text
    return int(text.split()[-1])


def scored(index: int, prediction) -> bool:
    """Is `prediction` (a choice, or a number) the computed answer of step `index`?"""
    value = answer_value(index)
    return prediction == value if isinstance(value, str) else prediction is not None and int(prediction) == value


def _topology() -> tuple[str, str]:
    line = timeline(TOPOLOGY_SPEC)
    return str(int(line.in_loss.sum())), "timeline(many_to_one, 8 steps).in_loss: only the last output counts."


def _shapes() -> tuple[str, str]:
    ledger = shape_ledger(SHAPES_SPEC)
    shape = ledger.loc[ledger["name"] == "h_n", "shape"].iloc[0]
    return str(tuple(shape)), "read off h_n of a real nn.LSTM(3, 16, batch_first=True) pass: (layers, batch, hidden)."


def _unroll() -> tuple[str, str]:
    graph = unrolled_graph(UNROLL_SPEC)
    count = sum(edge.kind == "recurrent" for edge in graph.edges)
    return str(count), "the recurrent edges of the unrolled graph: one W_hh, applied between every pair of steps."


@cache
def _bptt_norms() -> np.ndarray:
    recording = demo_recording(BPTT_SPEC)
    return np.linalg.norm(recording.hidden_grad[0, 0, :, 0], axis=-1)  # (T,) example 0


def _bptt() -> tuple[str, str]:
    norms = _bptt_norms()
    step = int(np.argmin(norms))
    values = ", ".join(f"{n:.1e}" for n in norms)
    return f"step {step}", f"‖dL/dh_t‖ of example 0 from autograd, t = 0…7: {values}."


def _vanishing() -> tuple[str, str]:
    seq_len, hidden = int(VANISHING_VIEW["T"]), int(VANISHING_VIEW["hidden_size"])
    flows = [gradient_flow(cell, seq_len, hidden) for cell in ("rnn", "gru", "lstm")]  # the page's defaults
    kept = {flow.cell: float(flow.relative[40]) for flow in flows}
    best = max(kept, key=kept.get)
    values = ", ".join(f"{cell.upper()} {value:.1e}" for cell, value in kept.items())
    return best.upper(), f"‖dL/dh‖ 40 steps back, relative to its size at the loss (hidden {hidden}): {values}."


@cache
def race_result() -> dict[str, int | None]:
    """RNN, GRU and LSTM as the Race page trains them with RACE_VIEW (same seed, batches and
    evaluations): the step each first solved the adding problem at T = 20 (None: not within
    RACE_STEPS). Trained once per server, in a worker process."""
    from rnnviz.serving.process_jobs import in_worker

    return in_worker(race_steps)


def race_steps() -> dict[str, int | None]:
    """race_result(), computed here."""
    from rnnviz.training.train import TrainConfig, Trainer

    view = RACE_VIEW
    solved = {}
    for cell in RACE_LR:
        config = TrainConfig(
            task=view["task"],
            cell=cell,
            seq_len=int(view["seq_len"]),
            hidden_size=int(view["hidden"]),
            batch_size=int(view["batch"]),
            lr=float(view[f"lr_{cell}"]),
        )
        summary = Trainer(config).run(int(view["steps"]), until_solved=True)
        solved[cell] = summary["steps"] if summary["solved"] else None
    return solved


def _race() -> tuple[str, str]:
    solved = race_result()
    done = {cell: step for cell, step in solved.items() if step is not None}
    first = min(done, key=done.get).upper() if done else "none of them"
    detail = ", ".join(
        f"{c.upper()} {'at step ' + str(s) if s else 'not within ' + str(RACE_STEPS)}" for c, s in solved.items()
    )
    return first, f"adding problem at T = 20, hidden 32, same seed and batches; solved (MSE ≤ 0.01): {detail}."


def _inside() -> tuple[str, str]:
    """The bundled race's LSTM, on the sequence Inside shows it (example seed INSIDE_SEED)."""
    task, model, step = demo(INSIDE_RUN).model_copy(INSIDE_LANE)
    x = example_sequence(task, model.spec.seq_len, INSIDE_SEED)
    (unit, score), *others = marked_memory_units(record(model, x), x)
    return (
        f"unit {unit}",
        f"memory_units on the recorded LSTM of {INSIDE_RUN} (trained {step:,} steps), example seed {INSIDE_SEED}: its "
        f"cell state jumps at a marker and holds (score {score:.2f}; next: "
        + ", ".join(f"unit {u} ({s:.2f})" for u, s in others)
        + ").",
    )


LESSON = [
    LessonStep(
        "topologies",
        "1 · What goes in, what comes out",
        "Karpathy's five pictures differ only in which steps read an input and which outputs count.",
        "A many-to-one network reads 8 steps. How many of its outputs count in the loss?",
        _topology,
        spec_view(TOPOLOGY_SPEC),
        bounds=(0, 8),
    ),
    LessonStep(
        "shapes",
        "2 · Batch, time, data",
        "nn.LSTM(3, 16, batch_first=True) reads x shaped (4, 8, 3): 4 sequences of 8 steps, 3 features.",
        "What is the shape of h_n?",
        _shapes,
        spec_view(SHAPES_SPEC),
        choices=("(4, 8, 16)", "(1, 4, 16)", "(4, 16)", "(1, 8, 16)"),
    ),
    LessonStep(
        "bptt",
        "3 · Unrolling",
        "Unrolled over 8 steps, the network is a deep feed-forward net whose layers share one W_hh.",
        "How many times is W_hh applied between steps?",
        _unroll,
        spec_view(UNROLL_SPEC),
        bounds=(0, 16),
    ),
    LessonStep(
        "bptt",
        "4 · Backpropagation through time",
        "The loss reads only the last step; its gradient flows back along the recurrent edges.",
        "At which step is ‖dL/dh_t‖ smallest?",
        _bptt,
        spec_view(BPTT_SPEC),
        bounds=(0, 7),
    ),
    LessonStep(
        "vanishing",
        "5 · Vanishing gradients",
        "Each step back multiplies the gradient by a Jacobian; the LSTM's cell state adds instead.",
        "Forty steps back, which cell keeps the most of its gradient: RNN, GRU or LSTM?",
        _vanishing,
        VANISHING_VIEW,
        choices=("RNN", "GRU", "LSTM"),
    ),
    LessonStep(
        "race",
        "6 · The race",
        "RNN, GRU and LSTM train on the adding problem with the same data and seed.",
        "Which cell solves the adding problem at T = 20 first?",
        _race,
        RACE_VIEW,
        choices=("RNN", "GRU", "LSTM", "none of them"),
    ),
    LessonStep(
        "inside",
        "7 · Inside the winner",
        "A trained LSTM keeps the marked values in a few units of its cell state until the end.",
        "Which unit holds the marked value until the end? (Look for the one whose cell state jumps and stays.)",
        _inside,
        INSIDE_VIEW,
        bounds=(0, 63),
    ),
]
