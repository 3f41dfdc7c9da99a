"""What each lesson step shows: its page's own figure, drawn by the page's own plot function from
the step's view (its network, recording or run, read by rnnviz/lessons/views.py as the page reads
them), so the numbers on the step are the page's; and, once revealed, the answer marked in it: the
outputs that count ringed, the step with the smallest gradient ringed, the winner's curve drawn
thick, the memory unit's row outlined, the answer in words in a band above.

    figure = smallest_gradient({"topology": "many_to_one", "seq_len": "8"}, found)   # found: Computed, or None
"""

from __future__ import annotations

import textwrap
from functools import lru_cache

import plotly.graph_objects as go

from rnnviz.analysis.inside import STATE_NAMES, example_sequence, state_maps
from rnnviz.analysis.probe import demo_recording
from rnnviz.analysis.recording import record
from rnnviz.lessons.views import (
    decoder_bias,
    inside_model,
    number,
    packing_batch,
    race_lanes,
    scan_view,
    spec_of,
    vanishing_flows,
)
from rnnviz.net.graph import graph_values, unrolled_graph
from rnnviz.plots import colors
from rnnviz.plots.bptt import bptt_figure
from rnnviz.plots.decoder import position_figure
from rnnviz.plots.diagram import node_positions, topology_figure
from rnnviz.plots.gradients import gradient_flow_figure
from rnnviz.plots.inside import state_heatmap
from rnnviz.plots.packing import padded_batch_figure
from rnnviz.plots.scan import tree_figure
from rnnviz.plots.shapes import output_vs_h_n_figure
from rnnviz.plots.training import metric_figure
from rnnviz.tasks import SENTIMENT_WORDS, input_labels

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
LINE = 24  # px: each further line of them
WRAP = 34  # characters a line: 18 px bold fits a phone's 360 px


def _say(figure: go.Figure, text: str) -> go.Figure:
    """The answer in words, in a band of its own above everything the figure draws on top,
    wrapped so that it fits a phone."""
    lines = textwrap.wrap(text, WRAP)
    band = ABOVE + LINE * (len(lines) - 1)
    top = figure.layout.margin.t
    figure.update_layout(margin_t=(60 if top is None else top) + band)
    if figure.layout.height:  # the plot keeps its size; the band is added on top
        figure.update_layout(height=figure.layout.height + band)
    figure.add_annotation(
        text="<b>" + "<br>".join(lines) + "</b>",
        xref="paper",
        yref="paper",
        x=0.5,
        y=1.0,
        yanchor="bottom",
        yshift=ABOVE,  # (further lines go up, into the rest of the band)
        showarrow=False,
        font=dict(color=colors.HIGHLIGHT, size=18),
        bgcolor="rgba(255,255,255,0.9)",
    )
    return figure


def outputs_in_loss(view, found) -> go.Figure:
    graph = unrolled_graph(spec_of(view))
    figure = topology_figure(graph)  # as the Topologies page draws the sidebar's network
    if found is None:
        return figure
    positions, _ = node_positions(graph)
    counted = [positions[n.id] for n in graph.nodes if n.kind == "output" and n.in_loss and n.id in positions]
    return _ring(figure, counted, found.said)


def h_n(view, found) -> go.Figure:
    figure = output_vs_h_n_figure(spec_of(view))  # the Shapes page's output-versus-h_n figure
    return figure if found is None else _say(figure, found.said)


@lru_cache(maxsize=16)
def _bptt_parts(spec, example: int):
    graph = unrolled_graph(spec)
    return graph, graph_values(graph, demo_recording(spec), example)


def _bptt(view) -> tuple[go.Figure, object]:
    """The Unroll & BPTT page's figure for a view (its example, log scale, the last frame)."""
    graph, values = _bptt_parts(spec_of(view), number(view, "example", 0))
    return bptt_figure(graph, values, None, True, False, play_buttons=False), graph


def recurrent_edges(view, found) -> go.Figure:
    figure, _ = _bptt(view)
    return figure if found is None else _say(figure, found.said)


def smallest_gradient(view, found) -> go.Figure:
    figure, graph = _bptt(view)
    if found is None:
        return figure
    positions, _ = node_positions(graph)
    top = graph.spec.num_layers - 1
    node = next(n for n in graph.nodes if n.kind == "state" and n.step == found.value and n.layer == top)
    return _ring(figure, [positions[node.id]], found.said)


def vanishing(view, found) -> go.Figure:
    figure = gradient_flow_figure(vanishing_flows(view))
    if found is None:
        return figure
    for trace in figure.data:
        if trace.name and trace.name.upper().startswith(found.value) and trace.xaxis in (None, "x"):
            trace.line.width = 6
    back = int(found.said.split()[0])
    figure.add_vline(x=back, line=dict(color=colors.HIGHLIGHT, dash="dash", width=2), row=1, col=1)
    return _say(figure, found.said)


def race(view, found) -> go.Figure:
    """The Race page's held-out metric of the recorded run at the frame the view shows."""
    name, lanes = race_lanes(view)
    first = next(iter(lanes.values()))
    task, seq_len = first.config.task_object(), first.config.spec().seq_len
    figure = metric_figure(lanes, task.chance(seq_len), task.metric, task.solved_at)
    if found is None:
        return figure
    for trace in figure.data:
        if trace.name == found.value:
            trace.line.width = 6
    return _say(figure, found.said)


@lru_cache(maxsize=8)
def inside_maps(view_items: tuple) -> tuple:
    """The cell state of the view's recorded model on the sequence Inside runs (T, H), the input's
    labels, and the training step of those weights."""
    view = dict(view_items)
    task, model, step = inside_model(view)
    x = example_sequence(task, model.spec.seq_len, number(view, "seed", 0))
    return state_maps(record(model, x), 0, 0)["c"], input_labels(task, x[0], model.spec.steps), step


def memory_unit(view, found) -> go.Figure:
    values, labels, step = inside_maps(tuple(sorted(view.items())))
    title = f"{STATE_NAMES['c']}: units × time (model at step {step})"  # as the Inside page titles it
    figure = state_heatmap(values, labels, title, None if found is None else found.value)
    return figure if found is None else _say(figure, found.said)


def padded(view, found) -> go.Figure:
    x, lengths = packing_batch(view)
    words = [
        [SENTIMENT_WORDS[int(i)] if t < lengths[k] else "<pad>" for t, i in enumerate(row)] for k, row in enumerate(x)
    ]
    figure = padded_batch_figure(words, [int(v) for v in lengths])  # as the Packing page draws it
    return figure if found is None else _say(figure, found.said)


def positions(view, found) -> go.Figure:
    bias, _ = decoder_bias(tuple(sorted(view.items())))
    figure = position_figure(bias.forced, bias.free)  # the Decoder page's accuracy per position
    if found is None:
        return figure
    return _ring(figure, [(found.value, bias.free[found.value])], found.said)


def tree(view, found) -> go.Figure:
    example, steps = scan_view(view)
    frames = len(example.levels) + 2  # the Scan page's player: the coefficients, each level, the states
    frame = min(number(view, "step", 0), frames - 1)
    figure = tree_figure(example.levels, steps, example.states["tree"], frame)
    return figure if found is None else _say(figure, found.said)
