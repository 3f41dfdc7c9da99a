"""Vanishing and exploding gradients: RNN, GRU and LSTM on the same input, measured."""

import streamlit as st

from rnnviz.analysis.gradients import describe, gradient_flow
from rnnviz.net.initialisation import INITS
from rnnviz.plots.gradients import gradient_flow_figure
from ui.link import PAGE_LINKS, VANISHING_SCALES, read_link_once, update_link
from ui.present import chart
from ui.spec_sidebar import SPEC_NAMES, current_spec
from ui.widgets import number_ui

st.header("Vanishing and exploding gradients")
st.caption(
    "One layer of each cell reads the same random sequence; the loss looks only at the last step. Left: "
    "how much of the gradient is left after travelling k steps back (from autograd through the unrolled "
    "loop). Right: the norm of ∂h_T/∂h_(T−k), the product of k step Jacobians. Both on a log scale: a "
    "straight falling line is exponential decay."
)
read_link_once("vanishing", PAGE_LINKS["vanishing"], ignore=SPEC_NAMES)
a, b, c, d = st.columns(4)
scheme = a.selectbox(
    "Initialisation of W_hh",
    list(INITS),
    key="grad_init",
    help="\n\n".join(f"**{name}**: {text}" for name, text in INITS.items()),
)
st.session_state.setdefault("grad_scale", 1.0)
st.session_state.setdefault("grad_forget_bias", 1.0)
scale = b.select_slider("Scale W_hh by", VANISHING_SCALES, key="grad_scale")
forget_bias = c.radio(
    "LSTM forget-gate bias",
    [0.0, 1.0],
    horizontal=True,
    key="grad_forget_bias",
    help="1 keeps the forget gate open (≈0.73) at the start, as Jozefowicz et al. 2015 advise.",
)
seq_len = number_ui("Sequence length", "grad_seq_len", 10, 300, 60, d)
if seq_len is None:
    st.stop()
hidden = min(current_spec().hidden_size, 128)


@st.cache_data(max_entries=16, show_spinner="Measuring gradients through time…")
def flows_for(scheme, scale, forget_bias, seq_len, hidden):
    return [
        gradient_flow(cell, seq_len, hidden, scheme=scheme, scale=scale, forget_bias=forget_bias)
        for cell in ("rnn", "gru", "lstm")
    ]


flows = flows_for(scheme, scale, forget_bias, int(seq_len), hidden)
chart(figure=gradient_flow_figure(flows), key="gradient_flow")
columns = st.columns(3)
for column, flow in zip(columns, flows):
    column.metric(
        f"{flow.cell.upper()}: spectral radius of W_hh",
        f"{flow.spectral_radius:.2f}",
        help="Largest |eigenvalue| of the block that multiplies h_(t−1) before the tanh (RNN: W_hh; "
        "LSTM: its g block; GRU: its n block).",
    )
distance = min(40, int(seq_len) - 1)
st.markdown(describe(flows, distance))
st.markdown(
    f"**What you see.** With hidden size {hidden}, each step back multiplies the RNN's gradient by "
    "diag(1 − h²)·W_hhᵀ. When W_hh's spectral radius is below 1 that product shrinks geometrically: the gradient "
    "*vanishes*, and the network cannot learn from anything far back. Scale W_hh up (×1.5) and the norms grow "
    "instead: the gradient *explodes* (gradient clipping exists for this). The LSTM's cell state adds instead of "
    "multiplying, c_t = f⊙c_(t−1) + i⊙g, so the gradient along it shrinks only by the forget gate; with forget bias "
    "1 it keeps orders of magnitude more. An identity W_hh with ReLU (Le et al. 2015) makes the plain RNN's "
    "Jacobian start at exactly 1."
)
update_link(PAGE_LINKS["vanishing"])
