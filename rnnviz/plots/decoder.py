"""The decoder's figures: token accuracy at each output position, teacher-forced against
free-running (exposure bias), and the attention weights, output step × input step, filled in up
to the step the player is at."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from rnnviz.plots import colors
from rnnviz.plots.arrows import arrow
from rnnviz.plots.text import visible_token


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


def seq2seq_figure(
    source: str,
    read: list[str],
    written: str,
    feedback: str = "previous",
    attention: bool = False,
    shapes: dict[str, tuple] | None = None,
) -> go.Figure:
    """The encoder-decoder unrolled, as the model ran: the encoder reads `source` (one state e_s a
    character), its last state starts the decoder, and decoder step t reads `read[t]` (the start
    token, then the previous output with feedback="previous", zeros with "empty") and writes
    `written[t]`. Feedback arrows run from each output to the next step's input; with attention,
    every decoder step reads all encoder states. `shapes` (from record_decoder) labels the edges."""
    S, L = len(source), len(written)
    enc = [float(s) for s in range(S)]
    dec = [S + 0.6 + t for t in range(L)]
    fig = go.Figure()
    for name, fill, ink, xs, ys, labels, hover in _seq2seq_nodes(source, read, written, feedback, enc, dec):
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="markers+text",
                name=name,
                text=labels,
                textfont=dict(color=ink, size=13),
                marker=dict(symbol="square", size=30, color=fill, line=dict(color="white", width=1)),
                hovertemplate=f"{hover}: %{{text}}<extra></extra>",
            )
        )
    arrows = _seq2seq_arrows(enc, dec, feedback)
    notes = _seq2seq_notes(enc, dec, feedback, attention, shapes)
    if attention:
        fig.add_shape(
            type="rect",
            x0=-0.45,
            x1=enc[-1] + 0.45,
            y0=0.6,
            y1=1.4,
            line=dict(color=colors.SECOND_HIGHLIGHT, width=2, dash="dot"),
            fillcolor="rgba(0,0,0,0)",
        )
    fig.update_layout(
        annotations=arrows + notes,
        height=360,
        margin=dict(l=10, r=10, t=30, b=10),
        plot_bgcolor="white",
        xaxis=dict(visible=False, range=[-0.8, dec[-1] + 1.6]),  # room for the shapes right of the last step
        yaxis=dict(visible=False, range=[-0.75 if feedback != "empty" else -0.4, 2.4]),
        legend=dict(orientation="h", y=-0.05),
        hovermode="closest",
    )
    return fig


def _seq2seq_nodes(source: str, read: list[str], written: str, feedback: str, enc: list, dec: list) -> list[tuple]:
    """(legend name, colour, text colour, xs, ys, labels, hover) of each row of boxes."""
    S, L = len(enc), len(dec)
    nodes = [
        (
            "input x_s (the question)",
            colors.INPUT,
            "white",
            enc,
            [0.0] * S,
            [visible_token(c) for c in source],
            "encoder input",
        ),
        ("encoder state e_s", colors.STATE, "white", enc, [1.0] * S, [f"e{s}" for s in range(S)], "encoder state"),
        ("decoder state h_t", colors.STATE, "white", dec, [1.0] * L, [f"h{t}" for t in range(L)], "decoder state"),
        ("output y_t", colors.OUTPUT, "white", dec, [2.0] * L, [visible_token(c) for c in written], "decoder output"),
    ]
    if feedback == "empty":
        nodes.append(("empty input (zeros)", colors.EMPTY_INPUT, colors.TEXT, dec, [0.0] * L, ["0"] * L, "reads zeros"))
    else:
        labels = [visible_token(c) for c in read]
        nodes.append(("decoder input: the previous output", colors.INPUT, "white", dec, [0.0] * L, labels, "reads"))
    return nodes


def _seq2seq_arrows(enc: list, dec: list, feedback: str) -> list[dict]:
    """Every step reads its input, the decoder writes its outputs, the states chain, and (with
    feedback) each output becomes the next step's input."""
    arrows = [arrow(x, 0.0, x, 1.0) for x in enc + dec] + [arrow(x, 1.0, x, 2.0) for x in dec]
    states = enc + dec
    for a, b in zip(states, states[1:]):
        arrows.append(
            arrow(a, 1.0, b, 1.0, colors.STATE if a == enc[-1] else colors.EDGE, 2.5 if a == enc[-1] else 1.5)
        )
    if feedback != "empty":
        arrows += [arrow(a, 2.0, b, 0.0, colors.HIGHLIGHT, 2.5) for a, b in zip(dec, dec[1:])]
    return arrows


SHAPE_PLACES = (  # away from the feedback arrows: the last decoder step, the encoder's last edge
    ("decoder input x_t", 1, 0.12, 0.5),
    ("decoder state h_t", 0, 0.45, 1.13),
    ("logits at step t", 1, 0.12, 1.5),
    ("embedded src", 2, 0.12, 0.5),
)  # (key, which x: 0 the encoder's last, 1 the decoder's last, 2 the encoder's first; dx, y)


def _seq2seq_notes(enc: list, dec: list, feedback: str, attention: bool, shapes: dict | None) -> list[dict]:
    """The words on the figure: where the decoder starts, what feedback means, the tensor shapes."""
    notes = [
        dict(
            x=(enc[-1] + dec[0]) / 2,
            y=1.58,
            text="the encoder's last state<br>starts the decoder",
            showarrow=False,
            font=dict(size=12, color=colors.STATE),
        ),
    ]
    if feedback != "empty" and len(dec) > 1:
        notes.append(  # under the decoder's inputs, where it has the decoder's width whatever its length
            dict(
                x=(dec[0] + dec[-1]) / 2,
                y=-0.5,
                showarrow=False,
                font=dict(size=12, color=colors.HIGHLIGHT),
                text="feedback: each output is the next step's input<br>(teacher forcing: the true previous token)",
            )
        )
    if attention:
        note = "attention: every decoder step weighs all of these"
        font = dict(size=12, color=colors.SECOND_HIGHLIGHT)
        notes.append(dict(x=(enc[0] + enc[-1]) / 2, y=1.75, showarrow=False, font=font, text=note))
    anchors = (enc[-1], dec[-1], enc[0])
    for key, which, dx, y in SHAPE_PLACES:
        if key in (shapes or {}):
            shape = shapes[key] if key != "embedded src" else (shapes[key][0], shapes[key][-1])  # one step
            notes.append(
                dict(
                    x=anchors[which] + dx,
                    y=y,
                    xanchor="left",
                    showarrow=False,
                    text=str(tuple(shape)),
                    font=dict(size=12, color=colors.HIGHLIGHT),
                    bgcolor="rgba(255,255,255,0.85)",
                )
            )
    return notes
