"""Figures for the shapes lesson: the input block, output versus h_n, and gate stacking."""

from __future__ import annotations

import math

import plotly.graph_objects as go

from rnnviz.net.graph import unrolled_graph
from rnnviz.net.spec import CELL_GATES, GATES_PER_CELL, MIN_CELLS, RNNSpec
from rnnviz.plots import colors
from rnnviz.plots.diagram import node_positions, topology_figure

DEPTH = (0.55, 0.4)  # screen direction of the batch axis in the oblique drawing


def _length(n: int) -> float:
    """Drawn length of an axis with n entries: grows with log n so 2 and 1000 both fit."""
    return 2.0 + 7.0 * math.log(max(n, 1)) / math.log(1000)


def _polygon(fig, points, fill, line=colors.EDGE, name=None, width=1, dash=None, opacity=1.0):
    xs, ys = zip(*(points + [points[0]]))
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=ys,
            fill="toself",
            fillcolor=fill,
            mode="lines",
            opacity=opacity,
            line=dict(color=line, width=width, dash=dash),
            hoverinfo="skip",
            name=name,
            showlegend=name is not None,
        )
    )


def block_figure(batch: int, time: int, features: int, example: int = 0, step: int = 0) -> go.Figure:
    """x as a block: time → right, features ↑, batch into the page. Example `example` and time
    step `step` are highlighted; grid lines are drawn where an axis is short enough to count."""
    Lt, Lf, Lb = _length(time), _length(features), _length(batch)
    ct, cf, cb = Lt / time, Lf / features, Lb / batch
    dx, dy = DEPTH

    def at(t, f, b):  # block coordinates → screen
        return (t + b * dx, f + b * dy)

    fig = go.Figure()
    _polygon(fig, [at(0, Lf, 0), at(Lt, Lf, 0), at(Lt, Lf, Lb), at(0, Lf, Lb)], "#fcbba1")  # top
    _polygon(fig, [at(Lt, 0, 0), at(Lt, 0, Lb), at(Lt, Lf, Lb), at(Lt, Lf, 0)], "#fb6a4a")  # side
    _polygon(fig, [at(0, 0, 0), at(Lt, 0, 0), at(Lt, Lf, 0), at(0, Lf, 0)], "#fee0d2")  # front
    grid = dict(mode="lines", hoverinfo="skip", showlegend=False, line=dict(color="rgba(0,0,0,0.18)", width=0.7))
    for n, cell, a in [(time, ct, "t"), (features, cf, "f"), (batch, cb, "b")]:
        if n > 40:
            continue
        for k in range(1, n):
            v = k * cell
            if a == "t":  # front and top faces
                segments = [(at(v, 0, 0), at(v, Lf, 0)), (at(v, Lf, 0), at(v, Lf, Lb))]
            elif a == "f":  # front and side faces
                segments = [(at(0, v, 0), at(Lt, v, 0)), (at(Lt, v, 0), at(Lt, v, Lb))]
            else:  # top and side faces
                segments = [(at(0, Lf, v), at(Lt, Lf, v)), (at(Lt, 0, v), at(Lt, Lf, v))]
            for (x0, y0), (x1, y1) in segments:
                fig.add_trace(go.Scatter(x=[x0, x1], y=[y0, y1], **grid))
    b0, b1 = example * cb, (example + 1) * cb
    _polygon(
        fig,
        [at(0, Lf, b0), at(Lt, Lf, b0), at(Lt, Lf, b1), at(0, Lf, b1)],
        colors.SECOND_HIGHLIGHT,
        name=f"example {example}: x[{example}] is (time, features)",
        opacity=0.75,
    )
    _polygon(fig, [at(Lt, 0, b0), at(Lt, 0, b1), at(Lt, Lf, b1), at(Lt, Lf, b0)], colors.SECOND_HIGHLIGHT, opacity=0.75)
    # its front face, seen through the block ("x-ray") unless it is the front slab itself
    _polygon(
        fig,
        [at(0, 0, b0), at(Lt, 0, b0), at(Lt, Lf, b0), at(0, Lf, b0)],
        colors.SECOND_HIGHLIGHT,
        opacity=0.75 if example == 0 else 0.3,
        dash=None if example == 0 else "dot",
    )
    t0, t1 = step * ct, (step + 1) * ct
    _polygon(
        fig,
        [at(t0, 0, 0), at(t1, 0, 0), at(t1, Lf, 0), at(t0, Lf, 0)],
        colors.HIGHLIGHT,
        name=f"time step {step}: x[:, {step}] is (batch, features)",
        opacity=0.85,
    )
    _polygon(fig, [at(t0, Lf, 0), at(t1, Lf, 0), at(t1, Lf, Lb), at(t0, Lf, Lb)], colors.HIGHLIGHT, opacity=0.85)
    label = dict(showarrow=False, font=dict(size=13, color=colors.TEXT))
    fig.add_annotation(x=Lt / 2, y=-0.5, text=f"<b>time</b> = {time}", **label)
    fig.add_annotation(x=-0.3, y=Lf / 2, text=f"<b>features</b> = {features}", xanchor="right", **label)
    bx, by = at(Lt, 0, Lb / 2)
    fig.add_annotation(x=bx + 0.3, y=by - 0.3, text=f"<b>batch</b> = {batch}", xanchor="left", **label)
    width, height = Lt + Lb * dx, Lf + Lb * dy
    fig.update_layout(
        height=360,
        margin=dict(l=10, r=10, t=10, b=10),
        plot_bgcolor="white",
        legend=dict(orientation="h", yanchor="top", y=-0.02, x=0),
        xaxis=dict(visible=False, range=[-4.5, width + 3.5], fixedrange=True),
        yaxis=dict(visible=False, range=[-1.2, height + 0.6], fixedrange=True, scaleanchor="x"),
    )
    return fig


def output_vs_h_n_figure(spec: RNNSpec) -> go.Figure:
    """The unrolled states with `output` (top layer, every step) and `h_n` (every layer, last
    step of each direction: step T-1 forwards, step 0 backwards) boxed."""
    graph = unrolled_graph(spec)
    fig = topology_figure(graph)
    positions, _ = node_positions(graph)
    L, D = spec.num_layers, spec.num_directions
    xs = sorted({x for x, _ in positions.values()})
    top = [1.0 + (L - 1) * D + d for d in range(D)]
    fig.add_shape(
        type="rect",
        x0=xs[0] - 0.45,
        x1=xs[-1] + 0.45,
        y0=min(top) - 0.42,
        y1=max(top) + 0.42,
        line=dict(color=colors.HIGHLIGHT, width=3),
        fillcolor="rgba(255,127,14,0.08)",
    )
    # labels to the right of the last step, clear of every arrow: output above, h_n below
    right, middle = xs[-1] + 0.6, (max(top) + 1.0) / 2
    fig.add_annotation(
        x=right,
        y=middle,
        text="<b>output</b>: top layer,<br>every step",
        showarrow=False,
        xanchor="left",
        yanchor="bottom",
        align="left",
        font=dict(color=colors.HIGHLIGHT, size=13),
    )
    for d in range(D):
        x = xs[-1] if d == 0 else xs[0]
        rows = [1.0 + layer * D + d for layer in range(L)]
        fig.add_shape(
            type="rect",
            x0=x - 0.38,
            x1=x + 0.38,
            y0=min(rows) - 0.36,
            y1=max(rows) + 0.36,
            line=dict(color=colors.SECOND_HIGHLIGHT, width=3, dash="dot"),
        )
    fig.add_annotation(
        x=right,
        y=middle,
        text="<b>h_n</b>: every layer,<br>last step",
        showarrow=False,
        xanchor="left",
        yanchor="top",
        align="left",
        font=dict(color=colors.SECOND_HIGHLIGHT, size=13),
    )
    low, high = fig.layout.xaxis.range
    fig.update_layout(showlegend=False, xaxis_range=[low, high + 2.2])
    return fig


def gate_stack_figure(spec: RNNSpec) -> go.Figure:
    """weight_ih_l0 and weight_hh_l0 as blocks of rows, one band per gate (i f g o / r z n); minGRU
    and minLSTM have no weight_hh: their gates read x_t alone."""
    gates = list(CELL_GATES[spec.cell]) or ["h"]
    G, H, F = GATES_PER_CELL[spec.cell], spec.hidden_size, spec.input_size
    band = 1.0
    fig = go.Figure()
    x = 0.0
    matrices = [("weight_ih_l0", F)] + ([] if spec.cell in MIN_CELLS else [("weight_hh_l0", H)])
    for name, columns in matrices:
        width = _length(columns)
        for k, gate in enumerate(gates):
            y0 = (G - 1 - k) * band
            _polygon(
                fig,
                [(x, y0), (x + width, y0), (x + width, y0 + band), (x, y0 + band)],
                colors.GATES[gate],
                line="white",
                width=2,
                opacity=0.85,
            )
            symbol = "x" if name == "weight_ih_l0" else "h"
            text = f"W_{gate}{symbol}" if gate != "h" else f"W_h{symbol}"
            fig.add_annotation(
                x=x + width / 2,
                y=y0 + band / 2,
                text=f"<b>{text}</b>  {H}×{columns}",
                showarrow=False,
                font=dict(color="white", size=12),
            )
        fig.add_annotation(
            x=x + width / 2,
            y=G * band + 0.25,
            text=f"<b>{name}</b> ({G * H}, {columns})",
            showarrow=False,
            font=dict(size=13),
        )
        fig.add_annotation(
            x=x + width / 2,
            y=-0.3,
            text=f"{columns} columns: " + ("input features" if name == "weight_ih_l0" else "hidden units"),
            showarrow=False,
        )
        x += width + 1.5
    fig.add_annotation(
        x=-0.2, y=G * band / 2, text=f"{G}·{H} = {G * H} rows", textangle=-90, showarrow=False, xanchor="right"
    )
    fig.update_layout(
        height=120 + 55 * G,
        margin=dict(l=30, r=10, t=10, b=10),
        plot_bgcolor="white",
        showlegend=False,
        xaxis=dict(visible=False, range=[-1.2, x], fixedrange=True),
        yaxis=dict(visible=False, range=[-0.6, G * band + 0.6], fixedrange=True),
    )
    return fig
