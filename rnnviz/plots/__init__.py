"""Plotly figures from plain data. No streamlit here; colours live in colors.py."""

from rnnviz.plots.diagram import node_positions, overview_figure, topology_figure
from rnnviz.plots.shapes import block_figure, gate_stack_figure, output_vs_h_n_figure
from rnnviz.plots.text import batch_grid_figure, one_hot_figure

__all__ = [
    "batch_grid_figure",
    "block_figure",
    "gate_stack_figure",
    "node_positions",
    "one_hot_figure",
    "output_vs_h_n_figure",
    "overview_figure",
    "topology_figure",
]
