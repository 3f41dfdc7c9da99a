"""An arrow between two points of a figure's data coordinates, as a plotly annotation: the
edges of every unrolled drawing (topologies, the scan's chain, the encoder-decoder)."""

from __future__ import annotations

from rnnviz.plots import colors


def arrow(x0: float, y0: float, x1: float, y1: float, colour: str = colors.EDGE, width: float = 1.5, gap=15) -> dict:
    """From (x0, y0) to (x1, y1); `gap` px are left free at both ends, for the nodes' markers."""
    return dict(
        x=x1,
        y=y1,
        ax=x0,
        ay=y0,
        xref="x",
        yref="y",
        axref="x",
        ayref="y",
        text="",
        showarrow=True,
        arrowhead=2,
        arrowsize=1,
        arrowwidth=width,
        arrowcolor=colour,
        standoff=gap,
        startstandoff=gap,
    )
