"""The computed answers a lesson step can ask for, by name (the `answer` of a lesson file's step).

Each kind belongs to one page and computes its answer from that page's view (the settings of the
step's link, read as the page reads them) with the page's own functions, so the step's number and
the number on the page its link opens are the same; it draws the page's figure, with the answer
marked once revealed (rnnviz/lessons/figures.py), and says what a prediction is: one of a few
choices, or a whole number within bounds.

    kind = ANSWERS["smallest_gradient_step"]
    found = kind.compute({"topology": "many_to_one", "seq_len": "8"}, {})
    found.value, found.said, found.how     # 0, "‖dL/dh_t‖ is smallest at step 0", "…from autograd…"
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import plotly.graph_objects as go

from rnnviz.analysis.inside import example_sequence, marked_memory_units
from rnnviz.analysis.recording import record
from rnnviz.lessons import figures
from rnnviz.lessons.views import (
    CELLS,
    AnswerError,
    View,
    decoder_bias,
    decoder_model,
    gradient_norms,
    inside_model,
    number,
    packing_batch,
    race_lanes,
    scan_view,
    spec_of,
    vanishing_flows,
)
from rnnviz.net.graph import unrolled_graph
from rnnviz.net.shapes import shape_ledger
from rnnviz.net.topology import timeline

NONE_OF_THEM = "none of them"
__all__ = ["ANSWERS", "AnswerError", "AnswerKind", "Computed"]


@dataclass(frozen=True)
class Computed:
    value: str | int  # what a prediction is scored against: a choice, or a whole number
    said: str  # the answer in words, as the figure says it once revealed
    how: str  # how it was computed, for the caption under the answer


@dataclass(frozen=True)
class AnswerKind:
    page: str  # the page whose view it reads and whose figure it draws
    compute: Callable[[View, Mapping[str, int]], Computed]
    figure: Callable[[View, Computed | None], go.Figure]  # the page's figure, the answer marked when given
    choices: Callable[[View], tuple[str, ...]] | None = None  # None: the answer is a whole number
    bounds: Callable[[View], tuple[int, int]] = lambda view: (0, 100)  # a number's range
    params: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # name → (default, low, high)
    words: str = ""  # what it answers, for the list of kinds
    click: str = ""  # "x" or "y": a click on the figure predicts that coordinate of the point (a step, a unit)


def _outputs_in_loss(view: View, params) -> Computed:
    spec = spec_of(view)
    count = int(timeline(spec).in_loss.sum())
    said = f"{count} output{' counts' if count == 1 else 's count'} in the loss"
    return Computed(count, said, f"timeline({spec.topology}, {spec.seq_len} steps).in_loss.")


def _h_n_choices(view: View) -> tuple[str, ...]:
    s = spec_of(view)
    layers = s.num_layers * (2 if s.bidirectional else 1)
    options = [
        (s.batch_size, s.seq_len, s.hidden_size),
        (layers, s.batch_size, s.hidden_size),
        (s.batch_size, s.hidden_size),
        (layers, s.seq_len, s.hidden_size),
    ]
    return tuple(dict.fromkeys(str(o) for o in options))


def _h_n_shape(view: View, params) -> Computed:
    spec = spec_of(view)
    ledger = shape_ledger(spec)
    shape = str(tuple(ledger.loc[ledger["name"] == "h_n", "shape"].iloc[0]))
    how = f"read off h_n of a real nn.{spec.cell.upper()} pass: (layers × directions, batch, hidden)."
    return Computed(shape, f"h_n has shape {shape}", how)


def _recurrent_edges(view: View, params) -> Computed:
    graph = unrolled_graph(spec_of(view))
    count = sum(edge.kind == "recurrent" for edge in graph.edges)
    return Computed(
        count,
        f"W_hh is applied {count} times: once between every pair of steps",
        "the recurrent edges of the unrolled graph: one W_hh, applied between every pair of steps.",
    )


def _smallest_gradient(view: View, params) -> Computed:
    norms = gradient_norms(view)
    step = int(np.argmin(norms))
    values = ", ".join(f"{n:.1e}" for n in norms)
    how = f"‖dL/dh_t‖ of example {number(view, 'example', 0)} from autograd, t = 0…{len(norms) - 1}: {values}."
    return Computed(step, f"‖dL/dh_t‖ is smallest at step {step}", how)


def _vanishing_best(view: View, params) -> Computed:
    back = params.get("back", 40)
    flows = vanishing_flows(view)
    if back >= flows[0].relative.shape[0]:
        raise AnswerError(f"back = {back} is longer than the sequence (T = {number(view, 'T', 60)}).")
    kept = {flow.cell.upper(): float(flow.relative[back]) for flow in flows}
    best = max(kept, key=kept.get)
    values = ", ".join(f"{cell} {value:.1e}" for cell, value in kept.items())
    hidden = min(spec_of(view).hidden_size, 128)
    return Computed(
        best,
        f"{back} steps back the {best} keeps the most of its gradient",
        f"‖dL/dh‖ {back} steps back, relative to its size at the loss (hidden {hidden}): {values}.",
    )


def _race_choices(view: View) -> tuple[str, ...]:
    return (*race_lanes(view)[1], NONE_OF_THEM)


def _race_winner(view: View, params) -> Computed:
    name, lanes = race_lanes(view)
    solved = {label: lane.solved_at for label, lane in lanes.items() if lane.solved_at is not None}
    first = min(solved, key=solved.get) if solved else NONE_OF_THEM
    step = max(e["step"] for lane in lanes.values() for e in lane.evaluations[-1:])
    detail = ", ".join(f"{label} {'at step ' + str(solved[label]) if label in solved else 'not'}" for label in lanes)
    said = f"{first} solved it first" if solved else "none of them has solved it yet"
    return Computed(first, said, f"the recorded run {name} up to step {step:,}; solved: {detail}.")


def _memory_unit(view: View, params) -> Computed:
    task, model, step = inside_model(view)
    if task.name != "adding":
        raise AnswerError("memory_unit reads the markers of the adding problem: pick a run of that task.")
    x = example_sequence(task, model.spec.seq_len, number(view, "seed", 0))
    (unit, score), *others = marked_memory_units(record(model, x), x)
    return Computed(
        unit,
        f"unit {unit} holds the marked value to the end",
        f"memory_units on the recorded model (trained {step:,} steps), example seed {number(view, 'seed', 0)}: its "
        f"cell state jumps at a marker and holds (score {score:.2f}; next: "
        + ", ".join(f"unit {u} ({s:.2f})" for u, s in others)
        + ").",
    )


def _padded_reads(view: View, params) -> Computed:
    x, lengths = packing_batch(view)
    padded = int((lengths < x.shape[1]).sum())
    return Computed(
        padded,
        f"{padded} of the {len(x)} phrases end in padding: output[:, -1] read it",
        f"lengths = {lengths.tolist()} in {x.shape[1]} columns: every phrase shorter than the batch is padded at the "
        "end, so its last column is a state that has read padding, not its h_n.",
    )


def _weakest_position(view: View, params) -> Computed:
    bias, step = decoder_bias(tuple(sorted(view.items())))
    position = int(np.argmin(bias.free))
    values = ", ".join(f"{v:.0%}" for v in bias.free)
    return Computed(
        position,
        f"running free, position {position} is the least accurate",
        f"accuracy per output position, free-running, on 1,000 held-out sequences (model after step {step:,}): "
        f"{values}.",
    )


def _tree_levels(view: View, params) -> Computed:
    example, steps = scan_view(view)
    levels = len(example.levels)
    return Computed(
        levels,
        f"{levels} levels: 2·log2 {1 << (steps - 1).bit_length()}",
        f"Blelloch's tree on T = {steps}: {levels // 2} levels up and {levels // 2} down, each all at once, against "
        f"{steps} dependent steps of the loop; the states agree to {example.difference:.0e}.",
    )


ANSWERS: dict[str, AnswerKind] = {
    "outputs_in_loss": AnswerKind(
        "topologies",
        _outputs_in_loss,
        figures.outputs_in_loss,
        bounds=lambda view: (0, spec_of(view).seq_len),
        words="how many outputs count in the loss",
    ),
    "h_n_shape": AnswerKind("shapes", _h_n_shape, figures.h_n, _h_n_choices, words="the shape of h_n"),
    "recurrent_edges": AnswerKind(
        "bptt",
        _recurrent_edges,
        figures.recurrent_edges,
        bounds=lambda view: (0, 4 * spec_of(view).seq_len),
        words="how many times W_hh is applied",
    ),
    "smallest_gradient_step": AnswerKind(
        "bptt",
        _smallest_gradient,
        figures.smallest_gradient,
        bounds=lambda view: (0, spec_of(view).seq_len - 1),
        words="the step where ‖dL/dh_t‖ is smallest",
        click="x",
    ),
    "vanishing_best": AnswerKind(
        "vanishing",
        _vanishing_best,
        figures.vanishing,
        lambda view: tuple(c.upper() for c in CELLS),
        params={"back": (40, 1, 299)},
        words="which cell keeps the most gradient `back` steps back",
    ),
    "race_winner": AnswerKind(
        "race", _race_winner, figures.race, _race_choices, words="which lane of a recorded race solved it first"
    ),
    "memory_unit": AnswerKind(
        "inside",
        _memory_unit,
        figures.memory_unit,
        bounds=lambda view: (0, inside_model(view)[1].spec.hidden_size - 1),
        words="the unit whose cell state holds the marked value",
        click="y",
    ),
    "padded_reads": AnswerKind(
        "packing",
        _padded_reads,
        figures.padded,
        bounds=lambda view: (0, len(packing_batch(view)[0])),
        words="how many phrases read padding",
    ),
    "weakest_position": AnswerKind(
        "decoder",
        _weakest_position,
        figures.positions,
        bounds=lambda view: (0, decoder_model(view)[1].y.shape[1] - 1),
        words="the output position a free-running decoder gets wrong most",
        click="x",
    ),
    "tree_levels": AnswerKind(
        "scan",
        _tree_levels,
        figures.tree,
        bounds=lambda view: (1, 4 * scan_view(view)[1]),
        words="how many levels the scan's tree takes",
    ),
}
