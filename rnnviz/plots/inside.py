"""Figures for looking inside: state heatmaps with a click target, the state vector at step t
animated, gate saturation, highlighted text, the PCA path, next-character distributions and
free-running forecasts."""

from __future__ import annotations

import html

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from rnnviz.plots import colors
from rnnviz.plots.animation import play_controls
from rnnviz.plots.text import visible_token


def state_heatmap(values: np.ndarray, tokens: list[str], title: str, unit: int | None = None) -> go.Figure:
    """values (T, H) drawn units × time on the one diverging scale (0 is white). A transparent
    scatter, one point per unit, carries the unit as customdata; with hovermode "y" a click
    anywhere on a row selects that row's unit (heatmaps themselves send no click events)."""
    T, H = values.shape
    limit = float(np.abs(values).max()) or 1.0
    fig = go.Figure(
        go.Heatmap(
            z=values.T,
            x=list(range(T)),
            y=list(range(H)),
            colorscale=colors.DIVERGING,
            zmin=-limit,
            zmax=limit,
            colorbar=dict(thickness=10, len=0.9),
            hoverinfo="skip",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=np.full(H, (T - 1) / 2),
            y=np.arange(H),
            mode="markers",
            marker=dict(size=8, opacity=0),
            customdata=np.arange(H),
            showlegend=False,
            hovertemplate="unit %{y}: click to follow it<extra></extra>",
        )
    )
    if unit is not None:
        fig.add_hline(y=unit, line=dict(color=colors.HIGHLIGHT, width=2))
    ticks = list(range(T)) if T <= 60 else list(range(0, T, max(1, T // 30)))
    fig.update_layout(
        title=dict(text=title, font=dict(size=14)),
        height=min(520, 170 + 5 * H),
        margin=dict(l=10, r=10, t=40, b=10),
        xaxis=dict(title="input", tickvals=ticks, ticktext=[visible_token(tokens[t]) for t in ticks], fixedrange=True),
        yaxis=dict(title="unit", fixedrange=True),
        hovermode="y",
        hoverdistance=-1,
        clickmode="event+select",
        dragmode=False,
    )
    return fig


def stacked_state_heatmaps(
    panels: dict[str, np.ndarray],
    tokens: list[str],
    title: str,
    x_title: str = "input",
    limits: dict[str, float] | None = None,
) -> go.Figure:
    """Several (T, H) maps of one model over one input (h, and c for an LSTM) in one figure,
    stacked on a shared input axis, each on a symmetric diverging scale with its own bar: ±`limits`
    [name] when given (to share a scale with another figure), else ± its own largest value."""
    T = next(iter(panels.values())).shape[0]
    fig = make_subplots(
        rows=len(panels), cols=1, shared_xaxes=True, vertical_spacing=0.24 / len(panels), subplot_titles=list(panels)
    )
    for row, (name, values) in enumerate(panels.items(), start=1):
        low, high = fig.layout[f"yaxis{row if row > 1 else ''}"].domain
        limit = (limits or {}).get(name) or float(np.abs(values).max()) or 1.0
        fig.add_trace(
            go.Heatmap(
                z=values.T,
                x=list(range(T)),
                y=list(range(values.shape[1])),
                colorscale=colors.DIVERGING,
                zmin=-limit,
                zmax=limit,
                colorbar=dict(thickness=10, len=high - low, y=(low + high) / 2, yanchor="middle"),
                hovertemplate="step %{x}, unit %{y}: %{z:.3f}<extra></extra>",
            ),
            row=row,
            col=1,
        )
        fig.update_yaxes(title_text="unit", fixedrange=True, row=row, col=1)
    ticks = list(range(T)) if T <= 60 else list(range(0, T, max(1, T // 30)))
    fig.update_xaxes(tickvals=ticks, ticktext=[visible_token(tokens[t]) for t in ticks], fixedrange=True)
    fig.update_xaxes(title_text=x_title, row=len(panels), col=1)
    height = 70 + sum(min(280, 140 + 2 * values.shape[1]) for values in panels.values())
    fig.update_layout(
        title=dict(text=title, font=dict(size=14)), height=height, margin=dict(l=10, r=10, t=60, b=10), dragmode=False
    )
    return fig


def state_vector_animation(
    values: np.ndarray,
    tokens: list[str],
    name: str = "h",
    active: int = 0,
    play_buttons: bool = True,
    frame_ms: int = 120,
) -> go.Figure:
    """The state vector at step t as bars; one frame per step carries only that step's H values.
    `active` is the step shown; play_buttons=False when a page's own player steps it; its own ▶ Play
    shows a step every `frame_ms`."""
    T, H = values.shape
    active = min(max(int(active), 0), T - 1)
    limit = float(np.abs(values).max()) or 1.0
    fig = go.Figure(go.Bar(x=list(range(H)), y=values[active], marker_color=colors.STATE))
    fig.frames = [go.Frame(name=str(t), data=[go.Bar(y=values[t])]) for t in range(T)]
    fig.update_layout(  # the slider sits below the axis title, with room for its label
        height=400,
        margin=dict(l=10, r=10, t=40, b=130),
        plot_bgcolor="white",
        xaxis=dict(title="unit", fixedrange=True),
        yaxis=dict(title=name, range=[-limit, limit], fixedrange=True),
        **play_controls(
            [str(t) for t in range(T)],
            [f"{t} {visible_token(tokens[t])}" for t in range(T)],
            frame_ms,
            active=active,
            prefix=f"{name}_t at step ",
            slider_y=-0.38,
            buttons=play_buttons,
        ),
    )
    return fig


def saturation_figure(sat: dict) -> go.Figure:
    fig = go.Figure()
    for name, (left, right) in sat.items():
        fig.add_trace(
            go.Scatter(
                x=left,
                y=right,
                mode="markers",
                name=f"gate {name}",
                marker=dict(color=colors.GATES[name], size=7, opacity=0.8),
                hovertemplate=f"{name}, unit %{{customdata}}: left %{{x:.2f}}, right %{{y:.2f}}<extra></extra>",
                customdata=np.arange(len(left)),
            )
        )
    fig.add_trace(
        go.Scatter(
            x=[0, 1],
            y=[1, 0],
            mode="lines",
            line=dict(color=colors.GRID, dash="dot"),
            showlegend=False,
            hoverinfo="skip",
        )
    )
    fig.update_layout(
        height=360,
        margin=dict(l=10, r=10, t=30, b=10),
        plot_bgcolor="white",
        xaxis=dict(title="fraction of steps left-saturated (< 0.1)", range=[-0.02, 1.02]),
        yaxis=dict(title="fraction right-saturated (> 0.9)", range=[-0.02, 1.02]),
    )
    return fig


def highlighted_text_html(tokens: list[str], activation: np.ndarray, threshold: float | None = None) -> str:
    """LSTMVis-style: each token's background is the unit's activation on the heatmaps' scale
    (red +, blue −, stronger = larger); tokens above the threshold are outlined. Characters sit
    side by side as text; longer tokens (a series' values) get a gap each and wrap."""
    scale = float(np.abs(activation).max()) or 1.0
    spans = []
    words = any(len(token) > 1 for token in tokens)  # numbers or words: set apart, so they read and wrap
    gap = ";display:inline-block;margin:0 4px 4px 0" if words else ""
    for token, value in zip(tokens, activation):
        alpha = min(abs(float(value)) / scale, 1.0)
        rgb = colors.POSITIVE_RGB if value >= 0 else colors.NEGATIVE_RGB
        border = f";outline:2px solid {colors.LOSS}" if threshold is not None and value > threshold else ""
        shown = html.escape(token).replace("\n", "↵<br>") if token.strip() else ("&nbsp;" if token == " " else "↵<br>")
        spans.append(
            f'<span title="{value:.3f}" style="background:rgba({rgb},{alpha:.2f});padding:2px 1px;'
            f'font-family:monospace;font-size:1.05rem{border}{gap}">{shown}</span>'
        )
    return '<div class="highlighted-text" style="line-height:2.1">' + "".join(spans) + "</div>"


def pca_figure(
    coords: np.ndarray,
    tokens: list[str],
    explained: np.ndarray,
    active: int = 0,
    play_buttons: bool = True,
    frame_ms: int = 150,
) -> go.Figure:
    """The path of h_t on its first two principal axes; a frame per step moves the marker.
    `active` is the step shown; play_buttons=False when a page's own player steps it; its own ▶ Play
    shows a step every `frame_ms`."""
    T = len(coords)
    active = min(max(int(active), 0), T - 1)
    fig = go.Figure(
        [
            go.Scatter(
                x=coords[:, 0],
                y=coords[:, 1],
                mode="lines+markers",
                line=dict(color=colors.GRID, width=2),
                marker=dict(
                    size=6,
                    color=np.arange(T),
                    colorscale="Viridis",
                    showscale=True,
                    colorbar=dict(title="t", thickness=10),
                ),
                text=[f"t={t} {visible_token(tokens[t])}" for t in range(T)],
                hoverinfo="text",
                showlegend=False,
            ),
            go.Scatter(
                x=[coords[active, 0]],
                y=[coords[active, 1]],
                mode="markers+text",
                text=[visible_token(tokens[active])],
                textposition="top center",
                marker=dict(size=16, color=colors.HIGHLIGHT),
                showlegend=False,
            ),
        ]
    )
    fig.frames = [
        go.Frame(
            name=str(t),
            traces=[1],
            data=[go.Scatter(x=[coords[t, 0]], y=[coords[t, 1]], text=[visible_token(tokens[t])])],
        )
        for t in range(T)
    ]
    pad = 0.1 * (np.ptp(coords, axis=0) + 1e-9)
    fig.update_layout(
        height=480,
        margin=dict(l=10, r=10, t=40, b=130),
        plot_bgcolor="white",
        xaxis=dict(
            title=f"PC 1 ({explained[0]:.0%} of the variance)",
            range=[coords[:, 0].min() - pad[0], coords[:, 0].max() + pad[0]],
        ),
        yaxis=dict(
            title=f"PC 2 ({explained[1]:.0%})", range=[coords[:, 1].min() - pad[1], coords[:, 1].max() + pad[1]]
        ),
        **play_controls(
            [str(t) for t in range(T)],
            [str(t) for t in range(T)],
            frame_ms,
            active=active,
            prefix="step ",
            slider_y=-0.3,
            buttons=play_buttons,
        ),
    )
    return fig


def distribution_figure(distribution: np.ndarray, vocabulary: list[str], chosen: str, top: int = 15) -> go.Figure:
    """The next-character probabilities at one generated step, most likely first."""
    order = np.argsort(distribution)[::-1][:top]
    labels = [visible_token(vocabulary[k]) for k in order]
    fig = go.Figure(
        go.Bar(
            x=labels,
            y=distribution[order],
            marker_color=[colors.HIGHLIGHT if vocabulary[k] == chosen else colors.OUTPUT for k in order],
        )
    )
    fig.update_layout(
        height=280,
        margin=dict(l=10, r=10, t=10, b=10),
        plot_bgcolor="white",
        yaxis=dict(title="probability", range=[0, 1]),
        xaxis=dict(title="next character"),
    )
    return fig


def rollout_figure(result: dict, window: int) -> go.Figure:
    steps = np.arange(window, window + len(result["truth"]))
    fig = go.Figure(
        [
            go.Scatter(x=steps, y=result["truth"], name="true wave", line=dict(color=colors.LOSS, width=3)),
            go.Scatter(
                x=steps,
                y=result["teacher"],
                name="teacher-forced (reads the true history)",
                line=dict(color=colors.OUTPUT, width=2),
            ),
            go.Scatter(
                x=steps,
                y=result["free"],
                name="free-running (reads its own predictions)",
                line=dict(color=colors.INPUT, width=2, dash="dash"),
            ),
        ]
    )
    fig.update_layout(
        height=340,
        margin=dict(l=10, r=10, t=10, b=10),
        plot_bgcolor="white",
        xaxis=dict(title="step"),
        legend=dict(orientation="h", y=-0.25),
    )
    return fig
