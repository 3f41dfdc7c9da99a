"""A recipe's live points beside the numbers its source printed, and the spread that seeding
produces (the band between the lowest and highest value over several seeds)."""

from __future__ import annotations

import plotly.graph_objects as go

from rnnviz.plots import colors


def recipe_figure(
    points: list[tuple[int, float]],
    published: tuple[tuple[int, float], ...],
    spread: dict[int, tuple[float, float]] | None,
    x_label: str,
    y_label: str,
    source: str = "the source",
) -> go.Figure:
    fig = go.Figure()
    if spread:
        xs = sorted(spread)
        fig.add_trace(
            go.Scatter(
                x=xs + xs[::-1],
                y=[spread[x][1] for x in xs] + [spread[x][0] for x in xs[::-1]],
                fill="toself",
                fillcolor="rgba(31, 119, 180, 0.15)",
                line=dict(width=0),
                name="spread over seeds",
                hoverinfo="skip",
            )
        )
    if published:
        fig.add_trace(
            go.Scatter(
                x=[x for x, _ in published],
                y=[y for _, y in published],
                mode="markers",
                marker=dict(symbol="x", size=13, color=colors.LOSS, line=dict(width=2)),
                name=f"printed by {source}",
                hovertemplate=f"{x_label} %{{x}}: %{{y:.4f}} ({source})<extra></extra>",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=[x for x, _ in points],
            y=[y for _, y in points],
            mode="lines+markers",
            line=dict(color=colors.HIGHLIGHT, width=3),
            marker=dict(size=8),
            name="this run",
            hovertemplate=f"{x_label} %{{x}}: %{{y:.4f}}<extra></extra>",
        )
    )
    fig.update_layout(
        height=360,
        margin=dict(l=10, r=10, t=30, b=10),
        plot_bgcolor="white",
        xaxis=dict(title=x_label, gridcolor=colors.GRID),
        yaxis=dict(title=y_label, gridcolor=colors.GRID, rangemode="tozero"),
        legend=dict(orientation="h", y=-0.25),
    )
    return fig
