"""Home: what RNN Explorer shows and where to start."""

import streamlit as st

from rnnviz.net.graph import unrolled_graph
from rnnviz.plots import topology_figure
from ui.pages import PAGES
from ui.present import chart
from ui.spec_sidebar import current_spec

st.title("RNN Explorer")
st.markdown(
    "Recurrent neural networks made visible: the same cell applied at every time step, a hidden state "
    "carried from one step to the next. Every picture here is computed from a real PyTorch model with the "
    "settings in the sidebar; change them and the pictures follow. The address bar always holds the "
    "settings, so a link shares a configuration."
)
chart(topology_figure(unrolled_graph(current_spec())), "home_diagram")
st.subheader("The map: every page, in lesson order")
lecture = next(p for p in PAGES if p.file == "lecture")
st.page_link(
    f"app_pages/{lecture.file}.py", label=f"**{lecture.title}**: start here", icon=f":material/{lecture.icon}:"
)
st.caption(lecture.line)
sections = dict.fromkeys(p.section for p in PAGES if p.section)
for section, column in zip(sections, st.columns(len(sections))):
    with column:
        st.markdown(f"**{section}**")
        for info in (p for p in PAGES if p.section == section):
            st.page_link(f"app_pages/{info.file}.py", label=info.title, icon=f":material/{info.icon}:")
            st.caption(info.line)
