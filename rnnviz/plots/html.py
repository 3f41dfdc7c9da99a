"""A figure as one self-contained HTML file: plotly.js inside, no network, its own ▶ Play for
figures with frames. For taking an animation home or into slides."""

from __future__ import annotations

import plotly.graph_objects as go

CONFIG = {"displaylogo": False, "responsive": True}


def standalone_html(figure: go.Figure, title: str = "RNN Explorer") -> str:
    """The whole page as a string; it plays offline (file://) in any browser."""
    html = figure.to_html(include_plotlyjs=True, full_html=True, auto_play=False, config=CONFIG)
    return html.replace("<head>", f"<head><title>{title}</title>", 1)
