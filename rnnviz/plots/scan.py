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


PER_ROW = 8  # the loop's steps per row: a longer chain snakes down, so circles and values never overlap


def chain_position(t: int) -> tuple[int, float]:
    """Where step t sits: rows of PER_ROW, alternate rows right to left, so each arrow is short."""
    row, column = divmod(t, PER_ROW)
    return (column if row % 2 == 0 else PER_ROW - 1 - column), -1.7 * row


def chain_figure(h: np.ndarray, done: int) -> go.Figure:
    """The loop: h_0 → h_1 → … one after another; `done` steps computed so far."""
    steps = len(h)
    rows = -(-steps // PER_ROW)
    fig = _base(110 + 75 * rows, f"Loop: {steps} dependent steps — {min(done, steps)} done")
    for t in range(steps):
        colour = DONE if t < done - 1 else ACTIVE if t == done - 1 else WAITING
        x, y = chain_position(t)
        turns = t % PER_ROW == PER_ROW - 1 and t < steps - 1  # its arrow goes down to the next row
        if t:
            fig.add_annotation(**arrow(*chain_position(t - 1), x, y, colour, 2, 14))
        fig.add_trace(
            go.Scatter(
                x=[x],
                y=[y],
                mode="markers+text",
                marker=dict(size=22, color=colour),
                text=[f"{h[t]:.2f}" if t < done else ""],
                textposition="top center" if turns else "bottom center",  # clear of the arrow down
                textfont=dict(size=13),
                hovertemplate=f"h_{t}" + (f" = {h[t]:.4f}" if t < done else ": not yet") + "<extra></extra>",
            )
        )
    fig.update_xaxes(range=[-0.7, min(steps, PER_ROW) - 0.3])
    fig.update_yaxes(range=[-1.7 * (rows - 1) - 1.2, 0.9])
    return fig


def tree_figure(levels: list[tuple[str, list[tuple[int, int]]]], steps: int, h: np.ndarray, active: int) -> go.Figure:
    """Blelloch's levels, bottom to top: the up-sweep combines pairs into block totals, the
    down-sweep hands each block the prefix before it; every pair of a row runs at once. `active`
    levels are done (the last one highlighted); after the last level every h_t is known."""
    size = 1 << max((steps - 1).bit_length(), 0)
    rows = len(levels)
    room = 420 / size  # about the pixels each column gets on a laptop: markers shrink, labels go to the hover
    named = size <= 16
    fig = _base(110 + 48 * (rows + 2), f"Scan: {rows} levels of independent pairs — {min(active, rows)} done")
    fig.update_layout(margin=dict(r=70))  # the level names, right of the tree
    for t in range(size):
        real = t < steps
        fig.add_trace(
            go.Scatter(
                x=[t],
                y=[0],
                mode="markers+text",
                marker=dict(size=min(18, room * 0.7), color=DONE if real else WAITING, symbol="square"),
                text=[(f"x{t}" if real else "pad") if named else ""],
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
            x=1,
            xref="paper",
            xshift=6,
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
            marker=dict(size=min(24, room * 0.8), color=ACTIVE if finished else WAITING),
            text=[f"{v:.2f}" if finished and steps <= 8 else "" for v in h],  # more: the hover, and the loop's row
            textposition="top center",
            textfont=dict(size=13),
            customdata=h,
            hovertemplate="h_%{x}"
            + (" = %{customdata:.4f}" if finished else ": after the last level")
            + "<extra></extra>",
        )
    )
    fig.update_xaxes(range=[-0.7, size - 0.3])
    fig.update_yaxes(range=[-1, rows + 1.9])
    return fig


def cost_figure(rows: list[dict], value: str, title: str, unit: str) -> go.Figure:
    """One line per implementation of `value` (seconds or saved_bytes) against T, log-log; times
    carry bars from the fastest to the slowest of their repeats."""
    fig = go.Figure()
    names = list(dict.fromkeys(r["implementation"] for r in rows))
    fallback = [colors.OUTPUT, colors.INPUT, colors.LOSS]
    scale = 1e3 if value == "seconds" else 1e-6
    for k, name in enumerate(names):
        mine = [r for r in rows if r["implementation"] == name]
        spread = value == "seconds" and all("seconds_low" in r for r in mine)
        fig.add_trace(
            go.Scatter(
                x=[r["T"] for r in mine],
                y=[r[value] * scale for r in mine],
                error_y=dict(
                    type="data",
                    array=[(r["seconds_high"] - r["seconds"]) * scale for r in mine],
                    arrayminus=[(r["seconds"] - r["seconds_low"]) * scale for r in mine],
                    thickness=1.5,
                    width=4,
                )
                if spread
                else None,
                mode="lines+markers",
                name=name,
                line=dict(
                    color=colors.IMPLEMENTATIONS.get(name, fallback[k % len(fallback)]),
                    width=3,
                    dash=["solid", "dot", "dash", "dashdot"][k % 4],
                ),
                marker=dict(size=8, symbol=["circle", "diamond", "square", "triangle-up"][k % 4]),
            )
        )
    steps = sorted({r["T"] for r in rows})
    fig.update_layout(
        height=340,
        margin=dict(l=10, r=10, t=40, b=10),
        plot_bgcolor="white",
        title=dict(text=title, font=dict(size=15)),
        xaxis=dict(title="sequence length T", type="log", gridcolor=colors.GRID, tickvals=steps, ticktext=steps),
        yaxis=dict(title=unit, type="log", gridcolor=colors.GRID, dtick=1, tickformat="~g"),  # decades only
        legend=dict(orientation="h", y=-0.3),
    )
    return fig
