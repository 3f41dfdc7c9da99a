"""Figures for turning text into batches: one-hot matrices and the PTB batch grid."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from rnnviz.plots import colors

WINDOW_COLOURS = ["#deebf7", "#fee6ce", "#e5f5e0", "#efedf5", "#fde0dd", "#f0f0f0"]


def visible_token(token: str) -> str:
    """A token as a label can show it: a space as ␣, a newline as ↵, nothing as ·."""
    return {" ": "␣", "\n": "↵", "": "·"}.get(token, token)


def one_hot_figure(one_hot: np.ndarray, row_tokens: list[str], vocabulary: list[str]) -> go.Figure:
    """(T, V) one-hot rows for one sentence: a dark cell where the character is."""
    fig = go.Figure(
        go.Heatmap(
            z=one_hot,
            x=[visible_token(v) for v in vocabulary],
            y=[f"{t}: {visible_token(c)}" for t, c in enumerate(row_tokens)],
            colorscale=[[0, "white"], [1, colors.INPUT]],
            showscale=False,
            xgap=1,
            ygap=1,
            hovertemplate="step %{y}, vocabulary entry %{x}: %{z}<extra></extra>",
        )
    )
    fig.update_layout(
        height=120 + 18 * len(row_tokens),
        margin=dict(l=10, r=10, t=30, b=10),
        xaxis=dict(side="top", title="vocabulary", fixedrange=True),
        yaxis=dict(autorange="reversed", title="time step", fixedrange=True),
    )
    return fig


def batch_grid_figure(grid: np.ndarray, num_steps: int, window: int) -> go.Figure:
    """grid (batch_size, batch_len) of tokens. Columns are coloured by the window (training step)
    they fall in; window `window`'s x is boxed in orange and its y (one to the right) in purple."""
    rows, columns = grid.shape
    window_of = np.arange(columns) // num_steps
    z = np.tile(window_of % len(WINDOW_COLOURS), (rows, 1))
    scale = [[k / (len(WINDOW_COLOURS) - 1), c] for k, c in enumerate(WINDOW_COLOURS)]
    text = [[visible_token(str(tok)) for tok in row] for row in grid]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            text=text,
            texttemplate="%{text}",
            colorscale=scale,
            zmin=0,
            zmax=len(WINDOW_COLOURS) - 1,
            showscale=False,
            xgap=1,
            ygap=1,
            customdata=np.tile(window_of, (rows, 1)),
            hovertemplate="row %{y}, position %{x}: '%{text}' (window %{customdata})<extra></extra>",
        )
    )
    start = window * num_steps
    for offset, colour, label in [(0, colors.HIGHLIGHT, "x"), (1, colors.SECOND_HIGHLIGHT, "y")]:
        x0, x1 = start + offset - 0.5, min(start + offset + num_steps, columns) - 0.5
        fig.add_shape(
            type="rect",
            x0=x0,
            x1=x1,
            y0=-0.5,
            y1=rows - 0.5,
            line=dict(color=colour, width=3, dash="solid" if offset == 0 else "dot"),
        )
        fig.add_annotation(
            x=(x0 + x1) / 2,
            y=-0.5,
            yshift=12 + 14 * offset,
            text=f"<b>{label}</b> of window {window}",
            showarrow=False,
            font=dict(color=colour),
        )
    fig.update_layout(
        height=140 + 26 * rows,
        margin=dict(l=10, r=10, t=50, b=10),
        xaxis=dict(title="position in the row (batch_len)", fixedrange=True, side="bottom"),
        yaxis=dict(title="row (batch_size)", range=[rows - 0.5, -1.6], fixedrange=True, tickvals=list(range(rows))),
    )
    return fig
