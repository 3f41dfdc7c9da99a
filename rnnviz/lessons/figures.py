"""What each lesson step shows: its page's own figure, drawn by the page's own plot function from
the step's network, recording or run (so the numbers on the step are the page's), and, once
revealed, the answer marked in it: the outputs that count ringed, the step with the smallest
gradient ringed, the winning cell's curve drawn thick, the memory unit's row outlined.

    figure = step_figure(3, revealed=True)       # the fourth step, its answer marked
"""

from __future__ import annotations

from functools import cache

import numpy as np
import plotly.graph_objects as go

from rnnviz.analysis.gradients import gradient_flow
from rnnviz.analysis.inside import STATE_NAMES, example_sequence, state_maps
from rnnviz.analysis.probe import demo_recording
from rnnviz.analysis.recording import record
from rnnviz.files.demos import demo
from rnnviz.lessons import lesson
from rnnviz.net.graph import graph_values, unrolled_graph
from rnnviz.plots import colors
from rnnviz.plots.bptt import bptt_figure
from rnnviz.plots.diagram import node_positions, topology_figure
from rnnviz.plots.gradients import gradient_flow_figure
from rnnviz.plots.inside import state_heatmap
from rnnviz.plots.shapes import output_vs_h_n_figure
from rnnviz.tasks import input_labels

RING = 46  # px: a ring around a node of the unrolled graph


def _ring(figure: go.Figure, points: list[tuple[float, float]], text: str) -> go.Figure:
    """Rings around `points` (data coordinates) and the answer in words above the figure."""
    figure.add_trace(
        go.Scatter(
            x=[x for x, _ in points],
            y=[y for _, y in points],
            mode="markers",
            marker=dict(size=RING, color="rgba(0,0,0,0)", line=dict(color=colors.HIGHLIGHT, width=4)),
            hoverinfo="skip",
            showlegend=False,
            name="the answer",
        )
    )
    return _say(figure, text)


ABOVE = 44  # px: a band added above the figure (over its legend and title) for the answer's words


def _say(figure: go.Figure, text: str) -> go.Figure:
    """The answer in words, in a band of its own above everything the figure draws on top."""
    top = figure.layout.margin.t
    figure.update_layout(margin_t=(60 if top is None else top) + ABOVE)
    figure.add_annotation(
        text=f"<b>{text}</b>",
        xref="paper",
        yref="paper",
        x=0.5,
        y=1.0,
        yanchor="bottom",
        yshift=ABOVE,
        showarrow=False,
        font=dict(color=colors.HIGHLIGHT, size=18),
        bgcolor="rgba(255,255,255,0.9)",
    )
    return figure


def _outputs_in_loss(revealed: bool) -> go.Figure:
    graph = unrolled_graph(lesson.TOPOLOGY_SPEC)
    figure = topology_figure(graph)  # as the Topologies page draws the sidebar's network
    if not revealed:
        return figure
    positions, _ = node_positions(graph)
    counted = [positions[n.id] for n in graph.nodes if n.kind == "output" and n.in_loss and n.id in positions]
    return _ring(figure, counted, f"{len(counted)} output counts in the loss")


def _h_n(revealed: bool) -> go.Figure:
    figure = output_vs_h_n_figure(lesson.SHAPES_SPEC)  # the Shapes page's output-versus-h_n figure
    return _say(figure, f"h_n has shape {lesson.answer_value(1)}") if revealed else figure


@cache
def _bptt_parts(spec):
    graph = unrolled_graph(spec)
    return graph, graph_values(graph, demo_recording(spec), 0)


def _bptt(spec, revealed: bool, mark) -> go.Figure:
    """The Unroll & BPTT page's figure for `spec` (example 0, log scale, its last frame)."""
    graph, values = _bptt_parts(spec)
    figure = bptt_figure(graph, values, None, True, False, play_buttons=False)
    return mark(figure, graph, values) if revealed else figure


def _recurrent_edges(figure, graph, values) -> go.Figure:
    count = sum(edge.kind == "recurrent" for edge in graph.edges)
    return _say(figure, f"W_hh is applied {count} times: once between every pair of steps")


def _smallest_gradient(figure, graph, values) -> go.Figure:
    step = int(lesson.answer_value(3))
    positions, _ = node_positions(graph)
    node = next(n for n in graph.nodes if n.kind == "state" and n.step == step and n.layer == graph.spec.num_layers - 1)
    return _ring(figure, [positions[node.id]], f"‖dL/dh_t‖ is smallest at step {step}")


def _vanishing(revealed: bool) -> go.Figure:
    seq_len, hidden = int(lesson.VANISHING_VIEW["T"]), int(lesson.VANISHING_VIEW["hidden_size"])
    figure = gradient_flow_figure([gradient_flow(cell, seq_len, hidden) for cell in ("rnn", "gru", "lstm")])
    if not revealed:
        return figure
    best = lesson.answer_value(4)
    for trace in figure.data:
        if trace.name and trace.name.upper().startswith(best) and trace.xaxis in (None, "x"):
            trace.line.width = 6
    figure.add_vline(x=40, line=dict(color=colors.HIGHLIGHT, dash="dash", width=2), row=1, col=1)
    return _say(figure, f"40 steps back the {best} keeps the most of its gradient")


@cache
def inside_maps() -> tuple[np.ndarray, list[str], int]:
    """The cell state of the bundled race's LSTM on the sequence the Inside step opens (T, H), the
    input's labels, and the training step of those weights."""
    task, model, step = demo(lesson.INSIDE_RUN).model_copy(lesson.INSIDE_LANE)
    x = example_sequence(task, model.spec.seq_len, lesson.INSIDE_SEED)
    recording = record(model, x)
    return state_maps(recording, 0, 0)["c"], input_labels(task, x[0], model.spec.steps), step


def _memory_unit(revealed: bool) -> go.Figure:
    values, labels, step = inside_maps()
    unit = int(lesson.answer_value(6)) if revealed else None
    title = f"{STATE_NAMES['c']}: units × time (model at step {step})"  # as the Inside page titles it
    figure = state_heatmap(values, labels, title, unit)
    return _say(figure, f"unit {unit} holds the marked value to the end") if revealed else figure


def _race(revealed: bool) -> go.Figure | None:
    return None  # trained when revealed (rnnviz.lessons.lesson.race_result); its curves are on the Race page


FIGURES = [
    _outputs_in_loss,
    _h_n,
    lambda revealed: _bptt(lesson.UNROLL_SPEC, revealed, _recurrent_edges),
    lambda revealed: _bptt(lesson.BPTT_SPEC, revealed, _smallest_gradient),
    _vanishing,
    _race,
    _memory_unit,
]


def step_figure(index: int, revealed: bool = False) -> go.Figure | None:
    """The figure of lesson step `index` (0-based), with its answer marked once revealed; None
    for a step whose figure is on its page only."""
    return FIGURES[index](revealed)
