"""The frames of the animated BPTT figure: which part of the unrolled graph each frame has
computed (forward left to right, then backward right to left and layer down), as the corners of
translucent "curtains" over the rest and of the box around the current step."""

from __future__ import annotations

import plotly.graph_objects as go

from rnnviz.net.graph import Graph

GRADIENT_TRACE, CURTAIN_TRACE, BOX_TRACE = 4, 6, 7  # the only traces a frame touches


def row_of(spec, layer: int, direction: int) -> float:
    return 1.0 + layer * spec.num_directions + direction


def animation_frames(graph: Graph) -> list[tuple[str, str, list[tuple[float, float, float]], bool, float]]:
    """(name, label, revealed x-interval per row band (y, first x, last x), gradients shown,
    highlighted x) for every frame: forward steps, then backward steps layer by layer."""
    spec, T = graph.spec, graph.steps
    L, D = spec.num_layers, spec.num_directions
    out_row = L * D + 1.0
    frames = []
    for t in range(T):
        bands = [(0.0, 0, t), (out_row, 0, t if D == 1 else (T - 1 if t == T - 1 else -1))]
        for layer in range(L):
            bands.append((row_of(spec, layer, 0), 0, t))
            if D == 2:
                bands.append((row_of(spec, layer, 1), T - 1 - t, T - 1))
        frames.append((f"f{t}", f"forward · step {t}", bands, False, t))
    for t in range(T - 1, -1, -1):
        for layer in range(L - 1, -1, -1):
            bands = [(out_row, 0, T - 1), (0.0, t if layer == 0 else t + 1, T - 1)]
            for k in range(L):
                reached = k >= layer
                bands.append((row_of(spec, k, 0), t if reached else t + 1, T - 1))
                if D == 2:
                    bands.append((row_of(spec, k, 1), 0, T - 1 - t if reached else T - 2 - t))
            label = f"backward · step {t}" + (f" · layer {layer}" if L > 1 else "")
            frames.append((f"b{t}.{layer}", label, bands, True, t))
    return frames


def frame_labels(graph: Graph) -> list[str]:
    """One label per frame: "forward · step 3", "backward · step 5 · layer 1", ..."""
    return [label for _, label, _, _, _ in animation_frames(graph)]


def curtain_corners(bands, T: int) -> tuple[list, list]:
    """x, y of white rectangles over what a frame has not computed yet: two per row band
    (left and right of the revealed interval; zero-width when nothing is hidden), so every
    frame has the same number of points."""
    xs, ys = [], []
    for y, first, last in bands:
        y0, y1 = y - 0.5, y + 0.5
        left_end = -0.6 if first <= 0 else first - 0.5
        right_start = T - 0.4 if last >= T - 1 else max(last, first - 1) + 0.5
        for x0, x1 in ((-0.6, left_end), (right_start, T - 0.4)):
            xs += [x0, x1, x1, x0, x0, None]
            ys += [y0, y0, y1, y1, y0, None]
    return xs, ys


def box_corners(x: float, top: float) -> tuple[list, list]:
    """The orange outline around the highlighted step."""
    x0, x1 = x - 0.48, x + 0.48
    return [x0, x1, x1, x0, x0], [-0.5, -0.5, top + 0.5, top + 0.5, -0.5]


def frame_update(name: str, bands, gradients_shown: bool, highlight: float, T: int, top: float) -> go.Frame:
    """Only scatter data the animation machinery can apply without a full redraw: the gradient
    trace's opacity, the curtain's corners and the box's corners."""
    curtain_x, curtain_y = curtain_corners(bands, T)
    box_x, box_y = box_corners(highlight, top)
    return go.Frame(
        name=name,
        traces=[GRADIENT_TRACE, CURTAIN_TRACE, BOX_TRACE],
        data=[
            go.Scatter(marker=dict(opacity=1.0 if gradients_shown else 0.0)),
            go.Scatter(x=curtain_x, y=curtain_y),
            go.Scatter(x=box_x, y=box_y),
        ],
    )
