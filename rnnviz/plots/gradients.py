"""Gradient norm against distance from the loss, and the norm of the step-Jacobian product."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from rnnviz.analysis.gradients import GradientFlow
from rnnviz.plots import colors


def gradient_flow_figure(flows: list[GradientFlow]) -> go.Figure:
    fig = make_subplots(
        rows=1,
        cols=2,
        horizontal_spacing=0.14,  # room for the right plot's tick labels on a phone
        subplot_titles=(  # two lines each: side by side on a phone they do not run into each other
            "‖dL/dh_t‖ relative to<br>its size at the loss",
            "‖∂h_T / ∂h_(T−k)‖₂:<br>k Jacobians multiplied",
        ),
    )
    for flow in flows:
        distance = np.arange(len(flow.grad_norm))
        colour = colors.CELLS[flow.cell]
        name = flow.cell.upper()
        for col, values, dash, what in ((1, flow.relative, "solid", "distance"), (2, flow.jacobian_norm, "dot", "k")):
            zero = values <= 0  # underflow to exactly 0 in float64: a log axis cannot draw it, so a gap
            fig.add_trace(
                go.Scatter(
                    x=distance,
                    y=np.where(zero, np.nan, values),
                    name=name,
                    mode="lines",
                    line=dict(color=colour, width=2.5, dash=dash),
                    legendgroup=name,
                    showlegend=col == 1,
                    hovertemplate=f"{name} · {what} %{{x}}: %{{y:.2e}}<extra></extra>",
                ),
                row=1,
                col=col,
            )
            if zero.any():  # where it first hits zero, say so rather than draw a fake floor
                first = int(np.argmax(zero))
                before = values[first - 1] if first > 0 else 0.0
                why = (  # from far above float64's smallest number straight to 0: a ReLU that is off, not underflow
                    "exactly 0: every path back passes a ReLU that is off (dead units), so no gradient gets through"
                    if before > 1e-290
                    else "below 1e-308, float64's smallest number: exactly 0"
                )
                fig.add_trace(
                    go.Scatter(
                        x=[first],
                        y=[float(np.nanmin(np.where(zero | (values <= 0), np.nan, values)))],
                        mode="markers+text",
                        marker=dict(symbol="x", size=10, color=colour),
                        text=[f"{name}: exactly 0 from here"],
                        textposition="top right",
                        textfont=dict(color=colour, size=12),
                        legendgroup=name,
                        showlegend=False,
                        hovertemplate=f"{name}, from {what} {first}: {why}<extra></extra>",
                    ),
                    row=1,
                    col=col,
                )
    for col in (1, 2):
        fig.add_hline(y=1, line=dict(color=colors.EDGE, width=1, dash="dash"), row=1, col=col)
        fig.update_yaxes(type="log", exponentformat=colors.EXPONENT_FORMAT, row=1, col=col)
    fig.update_xaxes(title_text="distance from the loss (steps back)", row=1, col=1)
    fig.update_xaxes(title_text="k", row=1, col=2)
    fig.update_layout(
        height=440, margin=dict(l=10, r=10, t=75, b=10), legend=dict(orientation="h", y=-0.2), plot_bgcolor="white"
    )
    fig.update_xaxes(gridcolor=colors.GRID)
    fig.update_yaxes(gridcolor=colors.GRID)
    return fig
