"""The unrolled graph animated: the forward pass left to right, then BPTT right to left and
layer down, with the real ‖dL/dh_t‖ on every edge.

Frames carry no per-node data: every value and gradient is drawn once in the base traces, and
a frame only moves translucent "curtains" over what has not been computed yet (a few rectangles
per frame) and toggles the gradient trace. So the figure's size grows with T·H, not T²·H.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from rnnviz.net.graph import Graph, GraphValues
from rnnviz.plots import colors
from rnnviz.plots.animation import play_controls
from rnnviz.plots.bptt_frames import animation_frames, box_corners, curtain_corners, frame_labels, frame_update, row_of
from rnnviz.plots.diagram import node_positions, row_labels, shape_labels

__all__ = ["bptt_figure", "frame_labels"]

CURTAIN = "rgba(255,255,255,0.85)"


def _sizes(norms: np.ndarray, log_scale: bool) -> np.ndarray:
    positive = norms[norms > 0]
    if not len(positive):
        return np.full(len(norms), 4.0)
    if log_scale:
        lo, hi = np.log10(positive.min()), np.log10(positive.max())
        scaled = (np.log10(np.maximum(norms, positive.min())) - lo) / max(hi - lo, 1e-9)
    else:
        scaled = norms / positive.max()
    return np.where(norms > 0, 5 + 15 * scaled, 5)


def _segments(edges, positions) -> tuple[list, list]:
    """The edges as one line trace's x and y: each a segment, None between them."""
    xs, ys = [], []
    for e in edges:
        (sx, sy), (tx, ty) = positions[e.source], positions[e.target]
        xs += [sx, tx, None]
        ys += [sy, ty, None]
    return xs, ys


def _dotted(xs, ys, colour: str, width: float, name: str, showlegend: bool = True) -> go.Scatter:
    """A dotted line trace named in the legend (the cuts of truncated BPTT, the decoder's feedback)."""
    line = dict(color=colour, width=width, dash="dot")
    return go.Scatter(x=xs, y=ys, mode="lines", line=line, name=name, showlegend=showlegend, hoverinfo="name")


def _crosses_cut(graph: Graph, edge, tbptt: int | None) -> bool:
    """A recurrent edge into a step that each direction reaches after a multiple of k steps."""
    if not tbptt or edge.kind != "recurrent":
        return False
    target = graph.node(edge.target)
    processed = target.step if target.direction == 0 else graph.steps - 1 - target.step
    return processed > 0 and processed % tbptt == 0


def _edge_hover(graph: Graph, edge, norm: float, tbptt: int | None) -> str:
    text = f"gradient flowing back along {graph.node(edge.source).label} → {graph.node(edge.target).label}: "
    if _crosses_cut(graph, edge, tbptt):
        return text + "exactly 0 (this edge crosses a detach() cut: no gradient crosses it)"
    if norm == 0:
        return text + "exactly 0 (no loss term's gradient reaches this edge)"
    return text + f"‖·‖ = {norm:.2e}"


def bptt_figure(
    graph: Graph,
    values: GraphValues,
    tbptt: int | None = None,
    log_scale: bool = True,
    show_shapes: bool = False,
    frame_ms: int = 30,
    active: int | None = None,
    play_buttons: bool = True,
    node_labels: bool = False,
) -> go.Figure:
    """active: the frame shown (default: the last, everything computed); a page that steps the
    figure itself (keys, its own Play) draws each step this way and passes play_buttons=False."""
    spec, T = graph.spec, graph.steps
    frames = animation_frames(graph)
    active = len(frames) - 1 if active is None else min(max(int(active), 0), len(frames) - 1)
    current = frames[active]
    positions, _ = node_positions(graph, limit=T)
    L, D = spec.num_layers, spec.num_directions
    top = L * D + 1.0
    node_size = float(np.clip(620 / T, 7, 26)) * (1.6 if node_labels else 1.0)  # room for a name inside
    fig = go.Figure()
    # 0: edges
    xs, ys = _segments([e for e in graph.edges if e.kind != "feedback"], positions)  # feedback: drawn last
    fig.add_trace(
        go.Scatter(x=xs, y=ys, mode="lines", line=dict(color=colors.GRID, width=1), hoverinfo="skip", showlegend=False)
    )
    for kind in ("input", "state", "output"):  # 1-3
        fig.add_trace(_node_trace(graph, values, positions, kind, node_size, node_labels))
    fig.add_trace(_gradient_trace(graph, values, positions, tbptt, log_scale, bool(current[3])))  # 4
    cut = f"detach() every {tbptt} steps"
    fig.add_trace(_dotted(*_cuts(spec, T, tbptt), colors.LOSS, 2, cut, bool(tbptt)))  # 5
    # 6, 7: the curtain over what is not computed yet, and the box around the current step
    curtain_x, curtain_y = curtain_corners(current[2], T)
    fig.add_trace(
        go.Scatter(
            x=curtain_x,
            y=curtain_y,
            fill="toself",
            fillcolor=CURTAIN,
            mode="lines",
            line=dict(width=0, color=CURTAIN),
            hoverinfo="skip",
            showlegend=False,
        )
    )
    box_x, box_y = box_corners(current[4], top)
    line = dict(color=colors.HIGHLIGHT, width=2)
    fig.add_trace(go.Scatter(x=box_x, y=box_y, mode="lines", line=line, hoverinfo="skip", showlegend=False))
    # 8: the decoder's feedback, each output read as the next step's input (after the frames'
    # traces, so their indices stay put)
    fed = [e for e in graph.edges if e.kind == "feedback"]
    if fed:
        name = "output fed back as the next input: a constant, no gradient flows along it"
        fig.add_trace(_dotted(*_segments(fed, positions), colors.HIGHLIGHT, 1.5, name))
    fig.frames = [frame_update(name, bands, shown, highlight, T, top) for name, _, bands, shown, highlight in frames]
    annotations = shape_labels(graph, positions) if show_shapes else []
    annotations += row_labels(spec)
    fig.update_layout(
        annotations=annotations,
        plot_bgcolor="white",
        height=230 + 60 * (L * D + 2),
        margin=dict(l=60, r=10, t=50, b=10),
        legend=dict(orientation="h", x=0.25, y=1.02, yanchor="bottom"),
        xaxis=dict(range=[-2.2 - T * 0.02, T - 0.4], visible=False, fixedrange=True),
        yaxis=dict(range=[-0.7, top + 0.7], visible=False, fixedrange=True),
        **play_controls(
            [f[0] for f in frames],
            [f[1] for f in frames],
            frame_ms,
            active=active,
            from_current=False,
            buttons=play_buttons,
        ),
    )
    return fig


def _node_trace(graph: Graph, values: GraphValues, positions: dict, kind: str, size: float, labels: bool):
    """The inputs, the states (coloured by the RMS of h_t) or the outputs (outlined when they count)."""
    nodes = [n for n in graph.nodes if n.kind == kind]
    norms = np.array([values.norms[n.id] for n in nodes])
    letter = "x" if kind == "input" else ("h" if kind == "state" else "y")
    hover = [
        f"{n.label} · ‖{letter}‖ = {values.norms[n.id]:.3g}"
        + (f" · ‖dL/d·‖ = {values.grad_norms[n.id]:.2e}" if kind != "input" else "")
        + "<br>first values: "
        + np.array2string(values.vectors[n.id][:6], precision=2)
        for n in nodes
    ]
    if kind == "state":
        width = np.sqrt(len(values.vectors[nodes[0].id]))
        marker = dict(
            color=norms / width,
            colorscale="Greens",
            cmin=0,
            cmax=max(float((norms / width).max()), 1e-9),
            colorbar=dict(title="RMS of h_t", x=1.0, len=0.45, y=0.78, thickness=12),
        )
    elif kind == "input":
        marker = dict(color=[colors.EMPTY_INPUT if n.empty else colors.INPUT for n in nodes])
    else:
        marker = dict(
            color=[colors.OUTPUT if n.in_loss else "#d9d9d9" for n in nodes],
            line=dict(width=[2 if n.in_loss else 0 for n in nodes], color=colors.LOSS),
        )
    marker.update(symbol="square", size=size)
    return go.Scatter(
        x=[positions[n.id][0] for n in nodes],
        y=[positions[n.id][1] for n in nodes],
        mode="markers+text",
        text=[n.label for n in nodes] if labels else None,
        textposition="middle center",
        textfont=dict(size=9, color="white"),
        hovertext=hover,
        hoverinfo="text",
        marker=marker,
        showlegend=False,
    )


def _gradient_trace(graph: Graph, values: GraphValues, positions: dict, tbptt, log_scale: bool, shown: bool):
    """The gradient flowing back along each edge into the hidden states (and outputs): a triangle
    pointing the way it flows, sized and coloured by its norm."""
    drawn = [(k, e) for k, e in enumerate(graph.edges) if e.kind in ("recurrent", "layer", "output")]
    norms = np.array([values.edge_backward[k] for k, _ in drawn])
    symbols = []
    for _, e in drawn:
        if e.kind == "recurrent":
            symbols.append("triangle-right" if graph.node(e.target).direction else "triangle-left")
        else:
            symbols.append("triangle-down")
    gx = [(positions[e.source][0] + positions[e.target][0]) / 2 for _, e in drawn]
    # a marker between two rows sits just inside the row of the node it flows back into, so the
    # curtain over that row hides and reveals it with the node
    gy = [
        (positions[e.source][1] + positions[e.target][1]) / 2 + (0.12 if e.kind != "recurrent" else 0) for _, e in drawn
    ]
    log_norms = np.log10(np.maximum(norms, 1e-30))
    title = "log₁₀‖grad‖<br>on edge" if log_scale else "‖grad‖<br>on edge"
    return go.Scatter(
        x=gx,
        y=gy,
        mode="markers",
        visible=True,
        showlegend=False,
        hovertext=[_edge_hover(graph, e, n, tbptt) for (_, e), n in zip(drawn, norms)],
        hoverinfo="text",
        marker=dict(
            symbol=symbols,
            opacity=1.0 if shown else 0.0,
            size=_sizes(norms, log_scale),
            color=np.where(norms > 0, log_norms if log_scale else norms, np.nan),
            colorscale="YlOrRd",
            showscale=True,
            line=dict(width=0.5, color=colors.EDGE),
            colorbar=dict(title=title, x=1.0, len=0.45, y=0.25, thickness=12),
        ),
    )


def _cuts(spec, T: int, tbptt: int | None) -> tuple[list, list]:
    """The truncated-BPTT cuts, where each direction's state was detach()ed: one short line each."""
    cut_x, cut_y = [], []
    for layer in range(spec.num_layers if tbptt else 0):
        for d in range(spec.num_directions):
            y = row_of(spec, layer, d)
            for n in range(tbptt, T, tbptt):
                x = (n - 0.5) if d == 0 else (T - 1 - n + 0.5)
                cut_x += [x, x, None]
                cut_y += [y - 0.45, y + 0.45, None]
    return cut_x, cut_y
