"""Topologies: Karpathy's five pictures, drawn from the current configuration."""

import streamlit as st

from rnnviz.net.codegen import keras_code, pytorch_code
from rnnviz.net.graph import unrolled_graph
from rnnviz.net.topology import DERIVATION, USES, timeline
from rnnviz.plots import overview_figure, topology_figure
from ui.link import PAGE_LINKS, read_link_once, update_link
from ui.present import chart
from ui.spec_sidebar import SPEC_NAMES, TOPOLOGY_LABELS, current_spec, pick_topology


def _pick_from_overview() -> None:
    points = st.session_state["overview"].selection.points
    if points:
        picked = points[0].get("customdata")
        pick_topology(picked[0] if isinstance(picked, list) else picked)


read_link_once("topologies", PAGE_LINKS["topologies"], ignore=SPEC_NAMES)


@st.fragment
def diagram(spec) -> None:
    """The unrolled diagram and its toggle: flipping it redraws this figure only."""
    show_shapes = st.toggle("Show tensor shapes on the arrows", key="show_edge_shapes")
    update_link(PAGE_LINKS["topologies"])
    chart(figure=topology_figure(unrolled_graph(spec), show_shapes=show_shapes), key="topology_diagram")


FEEDBACK_NOTE = (
    " :orange[Orange arrows] feed each output back as the next step's input (ŷ): the argmax token or the value"
    + "; the first writing step of an encoder-decoder reads a learned start vector (^)."
)
FEEDBACK_DERIVATION = (
    "**Decoder input.** Here the writing steps do not read zeros: each reads the output written one step "
    "before, through a small table W_fb, as a real decoder does. In training, teacher forcing gives it the true "
    "previous target instead (Train page); run free, it reads its own guesses, and an early mistake is read by "
    "every later step (exposure bias, Decoder page). The fed-back output is a constant: the gradient flows back "
    "through the state only."
)

spec = current_spec()
st.header("Topologies: what goes in, what comes out")
st.caption(
    "Karpathy's five pictures. Each rectangle is a vector: :red[inputs] in red, :green[hidden states] in "
    "green, :blue[outputs] in blue. Time runs left to right; stacked layers go upward. Click a picture to "
    "pick it."
)
chart(
    figure=overview_figure(spec, spec.topology),
    key="overview",
    on_select=_pick_from_overview,
    selection_mode="points",
)

line = timeline(spec)
left, right = st.columns([1, 1], gap="large")
with left:
    st.subheader(TOPOLOGY_LABELS[spec.topology].capitalize())
    diagram(spec)
    a, b, c = st.columns(3)
    a.metric("Steps unrolled", line.steps)
    b.metric(
        "Real inputs",
        line.input_steps,
        help="Steps that read a real input; the others read zeros, or with a decoder input the previous output.",
    )
    c.metric("Outputs in the loss", int(line.in_loss.sum()))
    st.caption(
        "Pale red squares are empty inputs (all zeros); pale blue ones are outputs the network computes "
        "but the model ignores; a black border marks the outputs that count in the loss."
        + (FEEDBACK_NOTE if spec.feeds_back else "")
        + (" Long sequences are drawn with a gap (…) in the middle." if line.steps > 14 else "")
    )
with right:
    st.markdown(f"**Used for.** {USES[spec.topology]}")
    st.markdown(f"**From the synced form.** {DERIVATION[spec.topology]}")
    if spec.feeds_back:
        st.markdown(FEEDBACK_DERIVATION)
    torch_tab, keras_tab = st.tabs(["PyTorch: exactly this model", "Keras: the closest equivalent"])
    torch_tab.code(pytorch_code(spec), language="python", wrap_lines=True)
    keras_tab.code(keras_code(spec), language="python", wrap_lines=True)
    keras_tab.caption(
        "Keras' `return_sequences=True` returns every step (like PyTorch's `output`); `False` "
        "returns only the last step (like `output[:, -1]`)."
    )
