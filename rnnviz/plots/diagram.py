"""The unrolled network drawn like Karpathy's pictures: time left to right, layers upward."""

from __future__ import annotations

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from rnnviz.net.graph import Graph, Node, shown_steps, unrolled_graph
from rnnviz.net.spec import DECODER_TOPOLOGIES, TOPOLOGIES, RNNSpec
from rnnviz.plots import colors
from rnnviz.plots.arrows import arrow

NODE_SIZE = 30
OVERVIEW_EDGE = {"recurrent": colors.EDGE, "feedback": colors.HIGHLIGHT}  # the rest: grid grey


def node_positions(graph: Graph, limit: int = 14) -> tuple[dict[str, tuple[float, float]], float | None]:
    """node id → (x, y) for the drawn steps, and the x of the '…' gap (None when all fit)."""
    steps = shown_steps(graph.steps, limit)
    column, gap = {}, None
    for k, t in enumerate(steps):
        if k and t != steps[k - 1] + 1:
            gap = k
        column[t] = k + (1 if gap is not None else 0)
    D = graph.spec.num_directions
    rows = graph.spec.num_layers * D
    positions = {}
    for node in graph.nodes:
        if node.step not in column:
            continue
        if node.kind == "input":
            y = 0.0
        elif node.kind == "output":
            y = rows + 1.0
        else:
            y = 1.0 + node.layer * D + node.direction
        positions[node.id] = (float(column[node.step]), y)
    return positions, (float(gap) if gap is not None else None)


def shape_labels(graph: Graph, positions: dict) -> list[dict]:
    """Annotations naming the tensor shape on one drawn edge of each kind."""
    labels, seen = [], set()
    for edge in graph.edges:
        if edge.kind in seen or edge.source not in positions or edge.target not in positions:
            continue
        seen.add(edge.kind)
        (sx, sy), (tx, ty) = positions[edge.source], positions[edge.target]
        labels.append(
            dict(
                x=(sx + tx) / 2,
                y=(sy + ty) / 2,
                xref="x",
                yref="y",
                showarrow=False,
                text=str(edge.shape),
                font=dict(size=12, color=colors.HIGHLIGHT),
                bgcolor="rgba(255,255,255,0.85)",
                xanchor="left" if sx == tx else "center",  # beside a vertical arrow,
                yanchor="middle" if sx == tx else "bottom",  # above the boxes of a horizontal one
                xshift=6 if sx == tx else 0,
                yshift=0 if sx == tx else NODE_SIZE / 2 + 4,
            )
        )
    return labels


def row_labels(spec: RNNSpec, x: float = -0.7) -> list[dict]:
    """'input', 'layer 0 →', 'layer 0 ←', …, 'output' at the left of each row of the drawing."""
    D, rows = spec.num_directions, spec.num_layers * spec.num_directions
    texts = {0.0: "input", rows + 1.0: "output"}
    for r in range(rows):
        layer, direction = divmod(r, D)
        texts[1.0 + r] = f"layer {layer}" + ((" ←" if direction else " →") if D == 2 else "")
    return [
        dict(
            x=x,
            y=y,
            xref="x",
            yref="y",
            text=text,
            showarrow=False,
            xanchor="right",
            font=dict(size=12, color=colors.TEXT),
        )
        for y, text in texts.items()
    ]


def _style(node: Node) -> tuple[str, str, str]:
    """(legend group, fill colour, text colour) for a node."""
    if node.kind == "input":
        if node.active:
            return "input x_t", colors.INPUT, "white"
        if node.empty:
            return "empty input (zeros)", colors.EMPTY_INPUT, colors.TEXT
        return "decoder input: start ^ or the previous output ŷ", colors.INPUT, "white"
    if node.kind == "state":
        if node.direction:
            return "hidden state h_t, backward", colors.STATE_BACKWARD, colors.TEXT
        return "hidden state h_t", colors.STATE, "white"
    if node.in_loss:
        return "output y_t, counts in the loss", colors.OUTPUT, "white"
    return ("output y_t, kept" if node.active else "output computed but ignored"), colors.IGNORED_OUTPUT, colors.TEXT


def topology_figure(graph: Graph, limit: int = 14, show_shapes: bool = False, height: int | None = None) -> go.Figure:
    positions, gap = node_positions(graph, limit)
    fig = go.Figure()
    annotations = []
    for edge in graph.edges:
        if edge.source not in positions or edge.target not in positions:
            continue
        (sx, sy), (tx, ty) = positions[edge.source], positions[edge.target]
        if abs(tx - sx) > 1:  # a recurrent edge across the gap: draw it into the "…"
            continue
        if edge.kind == "feedback":  # the previous output, read as this step's input
            annotations.append(arrow(sx, sy, tx, ty, colors.HIGHLIGHT, 2.2, NODE_SIZE / 2 + 1))
            continue
        faded = edge.kind == "output" and not graph.node(edge.target).active
        colour = colors.IGNORED_OUTPUT if faded else colors.EDGE
        annotations.append(arrow(sx, sy, tx, ty, colour, 1.4, NODE_SIZE / 2 + 1))
    if show_shapes:
        annotations += shape_labels(graph, positions)
    groups: dict[str, dict] = {}
    for node in graph.nodes:
        if node.id not in positions:
            continue
        name, fill, text_colour = _style(node)
        g = groups.setdefault(name, dict(x=[], y=[], text=[], fill=fill, text_colour=text_colour, line=[]))
        x, y = positions[node.id]
        g["x"].append(x)
        g["y"].append(y)
        g["text"].append(node.label)
        g["line"].append(3 if node.in_loss else 1)
    for name, g in groups.items():
        fig.add_trace(
            go.Scatter(
                x=g["x"],
                y=g["y"],
                mode="markers+text",
                name=name,
                text=g["text"],
                hoverinfo="text+name",
                textfont=dict(size=12, color=g["text_colour"]),
                marker=dict(
                    symbol="square", size=NODE_SIZE, color=g["fill"], line=dict(width=g["line"], color=colors.LOSS)
                ),
            )
        )
    rows = graph.spec.num_layers * graph.spec.num_directions
    if gap is not None:
        for y in [0.0] + [1.0 + r for r in range(rows)] + [rows + 1.0]:
            annotations.append(dict(x=gap, y=y, xref="x", yref="y", text="…", showarrow=False, font=dict(size=20)))
    n_columns = max(x for x, _ in positions.values()) + 1
    annotations += row_labels(graph.spec)
    fig.update_layout(
        annotations=annotations,
        showlegend=True,
        plot_bgcolor="white",
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0),
        height=height or 170 + 62 * (rows + 2),
        margin=dict(l=10, r=10, t=40, b=30),
        xaxis=dict(range=[-2.2, n_columns - 0.4], visible=False, fixedrange=True),
        yaxis=dict(range=[-0.6, rows + 1.6], visible=False, fixedrange=True),
    )
    fig.add_annotation(
        x=0,
        y=-0.55,
        xref="x",
        yref="y",
        text="time →",
        showarrow=False,
        xanchor="left",
        font=dict(size=12, color=colors.EDGE),
    )
    return fig


def overview_figure(spec: RNNSpec, selected: str) -> go.Figure:
    """All five topologies side by side on a few steps; each node carries its topology as
    customdata, so a click on any node tells which one was picked."""
    titles = [t.replace("_", " ") for t in TOPOLOGIES]
    fig = make_subplots(rows=1, cols=len(TOPOLOGIES), subplot_titles=titles, horizontal_spacing=0.03)
    for k, topology in enumerate(TOPOLOGIES):
        small = RNNSpec(
            topology=topology,
            seq_len=3,
            out_len=2 if topology == "many_to_many" else 3,
            cell=spec.cell,
            hidden_size=2,
            input_size=2,
            batch_size=1,
            decoder_input=spec.decoder_input if topology in DECODER_TOPOLOGIES else "empty",
        )
        graph = unrolled_graph(small)
        positions, _ = node_positions(graph)
        for edge in graph.edges:
            (sx, sy), (tx, ty) = positions[edge.source], positions[edge.target]
            fig.add_trace(
                go.Scatter(
                    x=[sx, tx],
                    y=[sy, ty],
                    mode="lines",
                    hoverinfo="skip",
                    showlegend=False,
                    line=dict(color=OVERVIEW_EDGE.get(edge.kind, colors.GRID), width=1.5),
                ),
                row=1,
                col=k + 1,
            )
        nodes = [n for n in graph.nodes if n.id in positions]
        fig.add_trace(
            go.Scatter(
                x=[positions[n.id][0] for n in nodes],
                y=[positions[n.id][1] for n in nodes],
                mode="markers",
                customdata=[topology] * len(nodes),
                hovertemplate=f"{titles[k]}: click to pick<extra></extra>",
                showlegend=False,
                name=topology,
                marker=dict(
                    symbol="square",
                    size=13,
                    color=[_style(n)[1] for n in nodes],
                    line=dict(width=[2 if n.in_loss else 0.5 for n in nodes], color=colors.LOSS),
                ),
            ),
            row=1,
            col=k + 1,
        )
        fig.update_xaxes(visible=False, fixedrange=True, range=[-0.7, 5.7], row=1, col=k + 1)
        fig.update_yaxes(visible=False, fixedrange=True, range=[-0.7, 2.7], row=1, col=k + 1)
        if topology == selected:
            suffix = "" if k == 0 else str(k + 1)
            fig.add_shape(
                type="rect",
                xref=f"x{suffix} domain",
                yref=f"y{suffix} domain",
                x0=-0.02,
                x1=1.02,
                y0=-0.04,
                y1=1.0,  # below the subplot title, which sits just above the domain
                line=dict(color=colors.HIGHLIGHT, width=3),
            )
            title = fig.layout.annotations[k]
            title.text = f"<b>{title.text}</b>"
            title.font = dict(color=colors.HIGHLIGHT, size=(title.font.size if title.font else None) or 16)
    fig.update_layout(
        height=190, margin=dict(l=5, r=5, t=30, b=5), plot_bgcolor="white", clickmode="event+select", dragmode=False
    )
    return fig
