"""The room's answers to one step: how many gave each answer, as bars. Until the reveal every
bar is the same grey, so the projector shows the spread of the room without giving the answer
away; once revealed, the right answer's bar is drawn in the highlight colour, outlined."""

from __future__ import annotations

from collections import Counter

import plotly.graph_objects as go

from rnnviz.plots import colors


def answers_figure(counts: Counter, choices: tuple[str, ...], correct: str | None = None) -> go.Figure:
    """counts: answer → how many; choices: the bars in order (answers outside them follow, sorted;
    whole numbers in numeric order); correct: the revealed answer, or None before the reveal."""
    extra = sorted((a for a in counts if a not in choices), key=lambda a: (not a.lstrip("-").isdigit(), len(a), a))
    bars = list(choices) + extra
    values = [counts.get(b, 0) for b in bars]
    right = [b == correct for b in bars]
    figure = go.Figure(
        go.Bar(
            x=bars,
            y=values,
            text=values,
            textposition="outside",
            marker=dict(
                color=[colors.HIGHLIGHT if r else colors.EDGE for r in right],
                line=dict(color=[colors.LOSS if r else "rgba(0,0,0,0)" for r in right], width=3),
            ),
            hovertemplate="%{x}: %{y}<extra></extra>",
        )
    )
    total = sum(values)
    figure.update_layout(
        title=dict(
            text=f"The room's answers: {total} so far" + ("" if correct is None else f" · the answer is {correct}"),
            font=dict(size=18),
        ),
        height=240,  # under the question, above the projector's fold at 1920×1080
        margin=dict(l=10, r=10, t=50, b=10),
        plot_bgcolor="white",
        xaxis=dict(title=None, type="category"),
        yaxis=dict(title="students", rangemode="tozero", gridcolor=colors.GRID, dtick=max(1, (max(values) // 5) or 1)),
        showlegend=False,
    )
    return figure
