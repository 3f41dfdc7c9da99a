"""Compare: two models side by side on the same input: a run at step 0 and now, or race cells."""

import streamlit as st

from rnnviz.analysis.inside import STATE_NAMES, shared_limits, state_maps
from rnnviz.analysis.recording import record
from rnnviz.plots.inside import stacked_state_heatmaps
from ui.inside import input_ui, source_ui
from ui.link import PAGE_LINKS, read_link_once, update_link
from ui.present import chart
from ui.spec_sidebar import SPEC_NAMES

st.header("Compare two models on the same input")
st.caption(
    "Left and right each pick a model: the same run before training (weights at step 0) and now, or the "
    "RNN, GRU and LSTM of a race. Both read the sequence chosen on the left."
)
read_link_once("compare", PAGE_LINKS["compare"], ignore=SPEC_NAMES)
st.session_state.setdefault("compare_left_when", "at step 0")  # by default: before training and now
left, right = st.columns(2)
with left:
    first = source_ui("compare_left")
with right:
    second = source_ui("compare_right")
update_link(PAGE_LINKS["compare"])
if first is None or second is None:
    st.stop()
if (first.task and first.task.name) != (second.task and second.task.name):
    st.warning(
        "The two models were trained on different tasks, so they cannot read the same input. Pick two "
        "runs of one task (a race, or one run at step 0 and now)."
    )
    st.stop()
if first.label == second.label and first.step == second.step:
    st.info(
        "Both sides show the same model with the same weights. Pick the weights at step 0 on one side, or "
        "another run (a race gives three), to see what differs."
    )


@st.fragment
def side_by_side(first, second) -> None:
    """The input and both models' maps: a new input redraws these figures only."""
    chosen = input_ui(first, "compare")
    if not chosen:
        return
    x, labels = chosen
    own = st.toggle(
        "Each model on its own colour scale",
        key="compare_own_scales",
        help="Off: both sides share one scale per state, so a saturated model looks saturated beside an untrained one.",
    )
    sides = []
    for source in (first, second):
        maps = state_maps(record(source.model, x))
        sides.append({STATE_NAMES[name]: maps[name] for name in ("h", "c") if name in maps})
    shared = None if own else shared_limits(sides)
    for column, source, panels in zip(st.columns(2), (first, second), sides):
        chart(
            container=column,
            figure=stacked_state_heatmaps(panels, labels, f"weights at step {source.step:,}", limits=shared),
            key=f"compare_maps_{source is second}",
        )
    update_link(PAGE_LINKS["compare"])  # a new example is this part's own rerun


side_by_side(first, second)
