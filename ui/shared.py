"""What every session shares: tables and figures that depend on the spec alone, computed once per
spec for the whole server. A rerun that leaves the spec as it was (a slider under a figure, a
toggle elsewhere on the page) then costs nothing for them.

Figures are kept as objects (st.cache_resource) rather than copied out of a pickle
(st.cache_data), because unpickling a plotly figure validates it again, which costs as much as
drawing it. Nothing mutates a figure once drawn: chart() hands it to st.plotly_chart, which only
serialises it, and the projector style works on a copy.
"""

from __future__ import annotations

import streamlit as st

from rnnviz import plots
from rnnviz.net import shapes

shape_ledger = st.cache_data(max_entries=64, show_spinner=False)(shapes.shape_ledger)
output_vs_h_n_figure = st.cache_resource(max_entries=64, show_spinner=False)(plots.output_vs_h_n_figure)
gate_stack_figure = st.cache_resource(max_entries=64, show_spinner=False)(plots.gate_stack_figure)
