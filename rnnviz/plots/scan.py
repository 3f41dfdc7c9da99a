"""The loop against the scan: the sequential chain (T dependent steps) and Blelloch's tree (2·log2 T
levels, each a batch of independent pairs), drawn level by level; and the measured cost of each
implementation against T on log axes."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from rnnviz.plots import colors
from rnnviz.plots.arrows import arrow

DONE, ACTIVE, WAITING = colors.STATE, colors.HIGHLIGHT, "#cccccc"


def _base(height: int, title: str) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(
        height=height,
        margin=dict(l=10, r=10, t=40, b=10),
        plot_bgcolor="white",
        title=dict(text=title, font=dict(size=15)),
        showlegend=False,
        xaxis=dict(visible=False, fixedrange=True),
        yaxis=dict(visible=False, fixedrange=True),
    )
    return fig


def chain_figure(h: np.ndarray, done: int) -> go.Figure:
    """The loop: h_0 → h_1 → … one after another; `done` steps computed so far."""
    steps = len(h)
    fig = _base(170, f"Loop: {steps} dependent steps — {min(done, steps)} done")
    for t in range(steps):
        colour = DONE if t < done - 1 else ACTIVE if t == done - 1 else WAITING
        if t:
            fig.add_annotation(**arrow(t - 1, 0, t, 0, colour, 2, 14))
        fig.add_trace(
            go.Scatter(
                x=[t],
                y=[0],
                mode="markers+text",
                marker=dict(size=26, color=colour),
                text=[f"{h[t]:.2f}" if t < done else ""],
                textposition="bottom center",
                textfont=dict(size=13),
                hovertemplate=f"h_{t}" + (f" = {h[t]:.4f}" if t < done else ": not yet") + "<extra></extra>",
            )
        )
    fig.update_xaxes(range=[-0.7, steps - 0.3])
    fig.update_yaxes(range=[-1.2, 0.6])
    return fig


def tree_figure(levels: list[tuple[str, list[tuple[int, int]]]], steps: int, h: np.ndarray, active: int) -> go.Figure:
    """Blelloch's levels, bottom to top: the up-sweep combines pairs into block totals, the
    down-sweep hands each block the prefix before it; every pair of a row runs at once. `active`
    levels are done (the last one highlighted); after the last level every h_t is known."""
    size = 1 << max((steps - 1).bit_length(), 0)
    rows = len(levels)
    fig = _base(110 + 48 * (rows + 2), f"Scan: {rows} levels of independent pairs — {min(active, rows)} done")
    for t in range(size):
        real = t < steps
        fig.add_trace(
            go.Scatter(
                x=[t],
                y=[0],
                mode="markers+text",
                marker=dict(size=18, color=DONE if real else WAITING, symbol="square"),
                text=[f"x{t}" if real else "pad"],
                textposition="bottom center",
                textfont=dict(size=12),
                hovertemplate=(f"step {t}: (a_t, b_t) from x_t alone" if real else "padding: the identity map")
                + "<extra></extra>",
            )
        )
    for row, (phase, pairs) in enumerate(levels, start=1):
        colour = ACTIVE if row == active else DONE if row < active else WAITING
        width = 4 if row == active else 2
        for left, right in pairs:
            fig.add_trace(
                go.Scatter(
                    x=[left, right],
                    y=[row, row],
                    mode="lines+markers",
                    line=dict(color=colour, width=width),
                    marker=dict(size=9, color=colour),
                    hovertemplate=f"level {row} ({phase}-sweep): combine {left} and {right}<extra></extra>",
                )
            )
        fig.add_annotation(
            x=size - 0.4,
            y=row,
            text=f"{phase} {row}",
            showarrow=False,
            xanchor="left",
            font=dict(size=12, color=colour),
        )
    finished = active > rows
    fig.add_trace(
        go.Scatter(
            x=list(range(steps)),
            y=[rows + 1] * steps,
            mode="markers+text",
            marker=dict(size=24, color=ACTIVE if finished else WAITING),
            text=[f"{v:.2f}" if finished else "" for v in h],
            textposition="top center",
            textfont=dict(size=13),
            hovertemplate="h_%{x}" + (" = %{text}" if finished else ": after the last level") + "<extra></extra>",
        )
    )
    fig.update_xaxes(range=[-0.7, size + 0.9])
    fig.update_yaxes(range=[-1, rows + 1.9])
    return fig


def cost_figure(rows: list[dict], value: str, title: str, unit: str) -> go.Figure:
    """One line per implementation of `value` (seconds or saved_bytes) against T, log-log."""
    fig = go.Figure()
    names = list(dict.fromkeys(r["implementation"] for r in rows))
    palette = [colors.CELLS["gru"], colors.HIGHLIGHT, colors.STATE, colors.SECOND_HIGHLIGHT]
    for k, name in enumerate(names):
        mine = [r for r in rows if r["implementation"] == name]
        scale = 1e3 if value == "seconds" else 1e-6
        fig.add_trace(
            go.Scatter(
                x=[r["T"] for r in mine],
                y=[r[value] * scale for r in mine],
                mode="lines+markers",
                name=name,
                line=dict(color=palette[k % len(palette)], width=3, dash=["solid", "dot", "dash", "dashdot"][k % 4]),
                marker=dict(size=8),
            )
        )
    fig.update_layout(
        height=340,
        margin=dict(l=10, r=10, t=40, b=10),
        plot_bgcolor="white",
        title=dict(text=title, font=dict(size=15)),
        xaxis=dict(title="sequence length T", type="log", gridcolor=colors.GRID),
        yaxis=dict(title=unit, type="log", gridcolor=colors.GRID, exponentformat=colors.EXPONENT_FORMAT),
        legend=dict(orientation="h", y=-0.3),
    )
    return fig
