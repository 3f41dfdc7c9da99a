"""Live training figures: loss and metric against steps with the baseline a model must beat,
gradient norms per layer and per time step from the latest probe, and its hidden states."""

from __future__ import annotations

import math
import re

import numpy as np
import plotly.graph_objects as go

from rnnviz.plots import colors

LANE_COLOURS = dict(colors.CELLS)


def _colour(label: str, k: int) -> str:
    return LANE_COLOURS.get(label.lower(), ["#1f77b4", "#ff7f0e", "#2ca02c"][k % 3])


def _dash(label: str) -> str:
    return colors.CELL_DASHES.get(label.lower(), "solid")


def _symbol(label: str) -> str:
    return colors.CELL_SYMBOLS.get(label.lower(), "circle")


def _thin(xs: list, ys: list, limit: int = 1500) -> tuple[list, list]:
    """At most `limit` points on screen, averaged in windows so the curve keeps its shape."""
    if len(xs) <= limit:
        return xs, ys
    window = len(xs) // limit + 1
    n = len(xs) // window * window
    return list(np.asarray(xs[:n]).reshape(-1, window)[:, -1]), list(np.asarray(ys[:n]).reshape(-1, window).mean(1))


def _level(
    fig: go.Figure, lanes: dict, y: float, text: str, colour: str, dash: str, log: bool, below: bool = False
) -> None:
    """A horizontal reference line across the run with its label on the line at the right end,
    on a white backing so crossing curves cannot hide it. (add_hline's annotation lands in the
    wrong place on a log axis: annotations there take log10 of the value.)"""
    last = max((lane.steps[-1] for lane in lanes.values() if lane.steps), default=1)
    fig.add_trace(
        go.Scatter(
            x=[0, last],
            y=[y, y],
            mode="lines",
            line=dict(color=colour, dash=dash, width=1.5),
            hovertemplate=f"{text}: %{{y:.4g}}<extra></extra>",
            showlegend=False,
        )
    )
    fig.add_annotation(
        x=last,
        y=math.log10(y) if log and y > 0 else y,
        text=text,
        showarrow=False,
        xanchor="right",
        yanchor="top" if below else "bottom",
        font=dict(color=colour, size=13),
        bgcolor="rgba(255,255,255,0.85)",
    )


def _width(k: int, lanes: dict) -> float:
    """Earlier lanes are drawn wider, so a later line on the same values leaves a visible edge."""
    return 2.0 + 1.0 * (len(lanes) - 1 - k)


def loss_figure(lanes: dict, baseline: float, metric_name: str = "loss") -> go.Figure:
    fig = go.Figure()
    for k, (label, lane) in enumerate(lanes.items()):
        xs, ys = _thin(lane.steps, lane.loss)
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                name=f"{label} training loss",
                mode="lines",
                line=dict(color=_colour(label, k), width=1.5, dash=_dash(label)),
                opacity=0.8,
            )
        )
        evaluations = lane.evaluations
        if evaluations:
            fig.add_trace(
                go.Scatter(
                    x=[e["step"] for e in evaluations],
                    y=[e["eval_loss"] for e in evaluations],
                    name=f"{label} held-out loss",
                    mode="lines+markers",
                    line=dict(color=_colour(label, k), width=_width(k, lanes), dash=_dash(label)),
                    marker=dict(size=6, symbol=_symbol(label)),
                )
            )
    _level(fig, lanes, baseline, f"memoryless baseline {baseline:.3g}", colors.LOSS, "dash", log=True)
    fig.update_layout(
        height=340,
        margin=dict(l=10, r=10, t=30, b=10),
        plot_bgcolor="white",
        xaxis=dict(title="training step", gridcolor=colors.GRID),
        yaxis=dict(
            title=metric_name, type="log", dtick=1, gridcolor=colors.GRID, exponentformat=colors.EXPONENT_FORMAT
        ),
        legend=dict(orientation="h", y=-0.25),
        uirevision="loss",
    )
    return fig


def metric_figure(lanes: dict, chance: float, metric: str, solved_at: float) -> go.Figure:
    fig = go.Figure()
    for k, (label, lane) in enumerate(lanes.items()):
        fig.add_trace(
            go.Scatter(
                x=[e["step"] for e in lane.evaluations],
                y=[e["metric"] for e in lane.evaluations],
                name=label,
                mode="lines+markers",
                line=dict(color=_colour(label, k), width=_width(k, lanes), dash=_dash(label)),
                marker=dict(size=7, symbol=_symbol(label), line=dict(width=1, color="white")),  # no lane hides one
            )
        )
        forced = [e for e in lane.evaluations if "teacher_forced" in e]
        if forced:  # a decoder that feeds back its outputs: the same held-out data, each step reading the truth
            fig.add_trace(
                go.Scatter(
                    x=[e["step"] for e in forced],
                    y=[e["teacher_forced"] for e in forced],
                    name=f"{label}, teacher-forced",
                    mode="lines+markers",
                    line=dict(color=_colour(label, k), width=1.5, dash="dot"),
                    marker=dict(size=5, symbol="circle-open"),
                )
            )
    lower_is_better = metric == "MSE"
    log = lower_is_better  # MSE is drawn on a log axis
    _level(fig, lanes, chance, f"memoryless {chance:.3g}", colors.LOSS, "dash", log, below=not lower_is_better)
    _level(
        fig,
        lanes,
        solved_at,
        f"solved ({'≤' if lower_is_better else '≥'} {solved_at:g})",
        colors.STATE,
        "dot",
        log,
        below=lower_is_better,
    )
    fig.update_layout(
        height=340,
        margin=dict(l=10, r=10, t=30, b=10),
        plot_bgcolor="white",
        xaxis=dict(title="training step", gridcolor=colors.GRID),
        yaxis=dict(
            title=f"held-out {metric}",
            type="log" if lower_is_better else "linear",
            dtick=1 if lower_is_better else None,
            gridcolor=colors.GRID,
            exponentformat=colors.EXPONENT_FORMAT,
        ),
        legend=dict(orientation="h", y=-0.25),
        uirevision="metric",
    )
    return fig


def layer_of(parameter: str) -> str:
    """'core.weight_hh_l1_reverse' → 'layer 1'; 'head.weight' → 'head'; 'embedding.weight' → 'embedding'."""
    found = re.search(r"_l(\d+)", parameter)
    return f"layer {found.group(1)}" if parameter.startswith("core.") and found else parameter.split(".")[0]


def grad_by_layer_figure(recording) -> go.Figure:
    totals: dict[str, float] = {}
    for name, norm in recording.param_grad_norms.items():
        totals[layer_of(name)] = totals.get(layer_of(name), 0.0) + norm**2
    names = list(totals)
    fig = go.Figure(
        go.Bar(
            x=names,
            y=[totals[n] ** 0.5 for n in names],
            marker_color=colors.HIGHLIGHT,
            hovertemplate="%{x}: ‖∇‖ = %{y:.2e}<extra></extra>",
        )
    )
    fig.update_layout(
        height=260,
        margin=dict(l=10, r=10, t=30, b=10),
        plot_bgcolor="white",
        title=dict(text=f"‖dL/dθ‖ per layer (probe at step {recording.step})", font=dict(size=14)),
        yaxis=dict(title="‖dL/dθ‖", type="log", dtick=1, gridcolor=colors.GRID, exponentformat=colors.EXPONENT_FORMAT),
    )
    return fig


def grad_by_step_figure(recording) -> go.Figure:
    """‖dL/dh_t‖ averaged over the probe batch, per layer, against t."""
    grad = np.linalg.norm(recording.hidden_grad, axis=-1).mean(-1)  # (L, D, T)
    fig = go.Figure()
    for layer in range(grad.shape[0]):
        norms = grad[layer, 0]
        fig.add_trace(  # exact zeros (before a truncation cut, say) are gaps: a log axis has no 0
            go.Scatter(
                y=np.where(norms > 0, norms, np.nan), name=f"layer {layer}", mode="lines+markers", marker=dict(size=5)
            )
        )
    fig.update_layout(
        height=260,
        margin=dict(l=10, r=10, t=30, b=10),
        plot_bgcolor="white",
        title=dict(text="‖dL/dh_t‖ per time step", font=dict(size=14)),
        xaxis=dict(title="time step t", gridcolor=colors.GRID),
        yaxis=dict(
            title="‖dL/dh_t‖", type="log", dtick=2, gridcolor=colors.GRID, exponentformat=colors.EXPONENT_FORMAT
        ),
        legend=dict(orientation="h", y=-0.3),
    )
    return fig


def hidden_heatmap(recording, example: int = 0) -> go.Figure:
    """Top layer's h_t for one probe sequence: units down, time across."""
    h = recording.hidden[-1, 0, :, example]  # (T, H)
    fig = go.Figure(
        go.Heatmap(
            z=h.T,
            colorscale=colors.DIVERGING,
            zmid=0,
            colorbar=dict(title="h", thickness=10),
            hovertemplate="t %{x}, unit %{y}: %{z:.3f}<extra></extra>",
        )
    )
    fig.update_layout(
        height=260,
        margin=dict(l=10, r=10, t=30, b=10),
        title=dict(text=f"h_t, top layer, probe sequence {example}", font=dict(size=14)),
        xaxis=dict(title="time step t"),
        yaxis=dict(title="unit"),
    )
    return fig
