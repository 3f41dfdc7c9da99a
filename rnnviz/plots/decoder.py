"""The decoder's figures: token accuracy at each output position, teacher-forced against
free-running (exposure bias), and the attention weights, output step × input step, filled in up
to the step the player is at."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from rnnviz.plots import colors


def position_figure(forced: list[float], free: list[float]) -> go.Figure:
    positions = list(range(len(forced)))
    fig = go.Figure()
    for name, values, colour, dash in (
        ("teacher-forced (reads the true previous token)", forced, colors.STATE, "solid"),
        ("free-running (reads its own previous output)", free, colors.LOSS, "dash"),
    ):
        fig.add_trace(
            go.Scatter(
                x=positions,
                y=values,
                mode="lines+markers",
                name=name,
                line=dict(color=colour, dash=dash, width=3),
                marker=dict(size=9),
                hovertemplate="position %{x}: %{y:.3f}<extra></extra>",
            )
        )
    fig.update_layout(
        height=320,
        margin=dict(l=10, r=10, t=30, b=10),
        plot_bgcolor="white",
        xaxis=dict(title="output position", dtick=1, gridcolor=colors.GRID),
        yaxis=dict(title="token accuracy (held out)", range=[0, 1.05], gridcolor=colors.GRID),
        legend=dict(orientation="h", y=-0.3),
    )
    return fig


def attention_figure(weights: np.ndarray, source: str, target: str, shown: int) -> go.Figure:
    """weights (L, S); rows after `shown` are blank: the decoder has not reached them yet."""
    visible = np.where(np.arange(len(weights))[:, None] <= shown, weights, np.nan)
    fig = go.Figure(
        go.Heatmap(
            z=visible,
            x=[f"{s}: {c!r}" for s, c in enumerate(source)],
            y=[f"{t}: {c!r}" for t, c in enumerate(target)],
            colorscale="Blues",
            zmin=0,
            zmax=1,
            colorbar=dict(title="weight", thickness=12),
            hovertemplate="output %{y} looks at input %{x}: %{z:.2f}<extra></extra>",
        )
    )
    fig.update_layout(
        height=120 + 36 * len(weights),
        margin=dict(l=10, r=10, t=30, b=10),
        xaxis=dict(title="input step (what the encoder read)", side="bottom"),
        yaxis=dict(title="output step", autorange="reversed"),
    )
    return fig
