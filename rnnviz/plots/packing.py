"""A padded batch drawn as cells: which steps a packed run computes (each sequence's real steps)
and which it skips (padding), where each sequence's last real step is, and the last column that
`output[:, -1]` reads; and the accuracy of the two ways of reading it."""

from __future__ import annotations

import plotly.graph_objects as go

from rnnviz.plots import colors

PADDING = "#dddddd"


def padded_batch_figure(words: list[list[str]], lengths: list[int]) -> go.Figure:
    """words[b][t] for every example b and column t (padding included)."""
    batch, steps = len(words), len(words[0])
    fig = go.Figure(
        go.Heatmap(
            z=[[1 if t < lengths[b] else 0 for t in range(steps)] for b in range(batch)],
            text=words,
            texttemplate="%{text}",
            textfont=dict(size=13),
            colorscale=[[0, PADDING], [1, colors.STATE]],
            showscale=False,
            xgap=3,
            ygap=3,
            hovertemplate="example %{y}, step %{x}: %{text}<extra></extra>",
        )
    )
    fig.add_trace(  # each example's last real step: what h_n of the packed batch holds
        go.Scatter(
            x=[length - 1 for length in lengths],
            y=list(range(batch)),
            mode="markers",
            marker=dict(symbol="square-open", size=46, color=colors.HIGHLIGHT, line=dict(width=4)),
            name="last real step (packed h_n)",
            hoverinfo="skip",
        )
    )
    fig.add_vrect(x0=steps - 1.5, x1=steps - 0.5, line=dict(color=colors.LOSS, width=3, dash="dash"))
    fig.add_annotation(  # above the dashed box, ending at its right edge: never on it, never off the figure
        x=steps - 0.5,
        y=1,
        xref="x",
        yref="paper",
        xanchor="right",
        yanchor="bottom",
        yshift=4,
        text="output[:, -1]",
        showarrow=False,
        font=dict(size=14),
    )
    fig.update_layout(
        height=130 + 62 * batch,
        margin=dict(l=10, r=10, t=60, b=10),
        plot_bgcolor="white",
        legend=dict(orientation="h", y=-0.15),
        xaxis=dict(title="step (column of the padded batch)", dtick=1),
        yaxis=dict(title="example", autorange="reversed", dtick=1),
    )
    return fig


def read_accuracy_figure(history: dict[str, list]) -> go.Figure:
    fig = go.Figure()
    styles = {"last column": (colors.LOSS, "dash"), "packed": (colors.STATE, "solid")}
    names = {"last column": "output[:, -1] of the padded batch", "packed": "h_n of the packed batch"}
    for read, points in history.items():
        colour, dash = styles[read]
        fig.add_trace(
            go.Scatter(
                x=[u for u, _ in points],
                y=[a for _, a in points],
                mode="lines+markers",
                name=names[read],
                line=dict(color=colour, dash=dash, width=3),
                marker=dict(size=8),
            )
        )
    fig.add_hline(y=0.5, line=dict(color=colors.GRID, dash="dot"))
    fig.update_layout(
        height=320,
        margin=dict(l=10, r=10, t=30, b=10),
        plot_bgcolor="white",
        xaxis=dict(title="training step", gridcolor=colors.GRID),
        yaxis=dict(title="held-out accuracy", range=[0.3, 1.05], gridcolor=colors.GRID),
        legend=dict(orientation="h", y=-0.3),
    )
    return fig
