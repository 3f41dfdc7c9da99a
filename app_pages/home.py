"""Home: what RNN Explorer shows and where to start."""

import streamlit as st

from rnnviz.graph import unrolled_graph
from rnnviz.plots import topology_figure
from ui.spec_sidebar import current_spec

st.title("RNN Explorer")
st.markdown(
    "Recurrent neural networks made visible: the same cell applied at every time step, a hidden state "
    "carried from one step to the next. Every picture here is computed from a real PyTorch model with the "
    "settings in the sidebar; change them and the pictures follow. The address bar always holds the "
    "settings, so a link shares a configuration."
)
st.plotly_chart(
    topology_figure(unrolled_graph(current_spec())),
    key="home_diagram",
    width="stretch",
    config={"displayModeBar": False},
)
left, middle, right = st.columns(3)
with left:
    st.page_link("app_pages/topologies.py", label="**Topologies**", icon=":material/account_tree:")
    st.caption(
        "Karpathy's five pictures (one-to-one … synced many-to-many) and the PyTorch and Keras code that builds each."
    )
with middle:
    st.page_link("app_pages/shapes.py", label="**Shapes**", icon=":material/view_in_ar:")
    st.caption(
        "Every tensor's real shape: the batch × time × features block, `output` versus `h_n`, the stacked gate weights."
    )
with right:
    st.page_link("app_pages/batches.py", label="**Text into batches**", icon=":material/text_fields:")
    st.caption("Padding and one-hot encoding sentences; laying a token stream into PTB-style batches.")
