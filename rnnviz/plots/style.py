"""Figure styling that depends on where a figure is shown, in one place: `projector(fig)` turns
any figure of rnnviz.plots into one readable from the back of a lecture room (every text at least
PROJECTOR_FONT px, darker text and grid, thicker lines), so presentation mode is one switch."""

from __future__ import annotations

import copy

import plotly.graph_objects as go

from rnnviz.plots import colors

PROJECTOR_FONT = 18  # px: the smallest text on a projected figure
BASE_FONT = 12  # Plotly's default


FONT_KEYS = ("font", "tickfont", "textfont")


def _enlarge(node, minimum: int) -> None:
    """Walk a figure's JSON: every font that is set grows to at least `minimum` px."""
    if isinstance(node, list):
        for item in node:
            _enlarge(item, minimum)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key in FONT_KEYS and isinstance(value, dict):
            size = value.get("size")
            if isinstance(size, list):  # per-point sizes
                value["size"] = [max(minimum, round((s or BASE_FONT) * 1.5)) for s in size]
            else:
                value["size"] = max(minimum, round((size or BASE_FONT) * 1.5))
        elif key == "gridcolor":
            node[key] = colors.PROJECTOR_GRID
        else:
            _enlarge(value, minimum)


def _grow_markers_with_their_text(trace: dict, minimum: int) -> None:
    """A marker that holds its text (a node's name in its box) grows as that text will, so the
    name stays inside."""
    marker, text_font = trace.get("marker") or {}, trace.get("textfont") or {}
    inside = "text" in str(trace.get("mode", "")) and trace.get("textposition") in (None, "middle center")
    size, font = marker.get("size"), text_font.get("size") or BASE_FONT
    if inside and isinstance(size, int | float) and isinstance(font, int | float):
        marker["size"] = round(size * max(minimum, round(font * 1.5)) / font)


def _shift_with_its_text(annotation: dict, minimum: int) -> None:
    """An annotation set off by pixels (clear of a box) moves as far as its text grows."""
    font = (annotation.get("font") or {}).get("size") or BASE_FONT
    growth = max(minimum, round(font * 1.5)) / font
    for key in ("xshift", "yshift"):
        if annotation.get(key):
            annotation[key] = annotation[key] * growth


def projector(figure: go.Figure, minimum: int = PROJECTOR_FONT) -> go.Figure:
    """A copy of `figure` with every font at least `minimum` px, black text, a darker grid and
    room for the larger text. Only what the figure sets is touched (no new colorbars, axes)."""
    spec = copy.deepcopy(figure.to_plotly_json())
    frames = spec.pop("frames", None)
    layout = spec.setdefault("layout", {})
    for note in layout.get("annotations", []):
        _shift_with_its_text(note, minimum)
    for trace in spec["data"] if not frames else []:  # an animation's frames would put the old sizes back
        _grow_markers_with_their_text(trace, minimum)
    _enlarge(spec["data"], minimum)
    _enlarge(layout, minimum)
    font = layout.setdefault("font", {})
    font.update(size=max(minimum, font.get("size") or BASE_FONT), color=colors.PROJECTOR_TEXT)
    # the host's template sets axis, legend and colour-bar fonts; a figure must set them to win
    if "xaxis" not in layout and not any(k.startswith("xaxis") for k in layout):
        layout["xaxis"], layout["yaxis"] = {}, {}
    for axis in [value for key, value in layout.items() if key.startswith(("xaxis", "yaxis"))]:
        if isinstance(axis, dict) and axis.get("visible", True):
            axis.setdefault("tickfont", {}).setdefault("size", minimum)
            title = axis.get("title")
            title = {"text": title} if isinstance(title, str) else (title or {})
            title.setdefault("font", {}).setdefault("size", minimum)
            axis["title"] = title
    layout.setdefault("legend", {}).setdefault("font", {}).setdefault("size", minimum)
    for trace in spec["data"]:
        for bar in (trace.get("colorbar"), (trace.get("marker") or {}).get("colorbar")):
            if isinstance(bar, dict):
                bar.setdefault("tickfont", {}).setdefault("size", minimum)
                title = bar.get("title")
                title = {"text": title} if isinstance(title, str) else (title or {})
                title.setdefault("font", {}).setdefault("size", minimum)
                bar["title"] = title
    if layout.get("height"):
        layout["height"] = round(layout["height"] * 1.25)  # room for the larger text
    fig = go.Figure(spec)
    if frames:
        fig.frames = frames
    return fig
