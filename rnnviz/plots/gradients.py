"""Gradient norm against distance from the loss, and the norm of the step-Jacobian product."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from rnnviz.gradients import GradientFlow
from rnnviz.plots import colors


def gradient_flow_figure(flows: list[GradientFlow]) -> go.Figure:
    fig = make_subplots(
        rows=1,
        cols=2,
        horizontal_spacing=0.1,
        subplot_titles=(
            "‖dL/dh_t‖ relative to its size at the loss",
            "‖∂h_T / ∂h_(T−k)‖₂, product of k step Jacobians",
        ),
    )
    floor = 1e-30  # log axes cannot show zero
    for flow in flows:
        distance = np.arange(len(flow.grad_norm))
        colour = colors.CELLS[flow.cell]
        name = flow.cell.upper()
        fig.add_trace(
            go.Scatter(
                x=distance,
                y=np.maximum(flow.relative, floor),
                name=name,
                mode="lines",
                line=dict(color=colour, width=2.5),
                legendgroup=name,
                hovertemplate=name + " · distance %{x}: %{y:.2e}<extra></extra>",
            ),
            row=1,
            col=1,
        )
        fig.add_trace(
            go.Scatter(
                x=distance,
                y=np.maximum(flow.jacobian_norm, floor),
                name=name,
                mode="lines",
                line=dict(color=colour, width=2.5, dash="dot"),
                legendgroup=name,
                showlegend=False,
                hovertemplate=name + " · k = %{x}: %{y:.2e}<extra></extra>",
            ),
            row=1,
            col=2,
        )
    for col in (1, 2):
        fig.add_hline(y=1, line=dict(color=colors.EDGE, width=1, dash="dash"), row=1, col=col)
        fig.update_yaxes(type="log", exponentformat="power", row=1, col=col)
    fig.update_xaxes(title_text="distance from the loss (steps back)", row=1, col=1)
    fig.update_xaxes(title_text="k", row=1, col=2)
    fig.update_layout(
        height=420, margin=dict(l=10, r=10, t=40, b=10), legend=dict(orientation="h", y=-0.2), plot_bgcolor="white"
    )
    fig.update_xaxes(gridcolor=colors.GRID)
    fig.update_yaxes(gridcolor=colors.GRID)
    return fig
