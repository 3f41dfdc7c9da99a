"""Inside the network: hidden states, cell states and gates over time, one unit at a time."""

import streamlit as st

from rnnviz.analysis.inside import STATE_NAMES as NAMES
from rnnviz.analysis.inside import marked_memory_units, saturation, state_maps, steps_above
from rnnviz.analysis.recording import record
from rnnviz.plots.inside import highlighted_text_html, saturation_figure, state_heatmap, state_vector_animation
from rnnviz.tasks import written_labels
from ui.downloads import animation_download, recording_downloads
from ui.inside import input_ui, source_ui
from ui.link import PAGE_LINKS, read_link_once, update_link
from ui.player import player
from ui.present import chart, shared
from ui.spec_sidebar import SPEC_NAMES
from ui.widgets import index_slider


def _pick_unit(key: str) -> None:
    points = st.session_state[key].selection.points
    if points:
        unit = points[0].get("customdata")
        st.session_state["inside_unit"] = int(unit[0] if isinstance(unit, list) else unit)


@st.fragment
def highlighted_text(labels: list[str], activation, limit: float, unit: int, shown: str) -> None:
    """The input coloured by one unit, and the threshold that outlines steps: moving it reruns this part only."""
    threshold = st.slider("Threshold", -limit, limit, limit / 2, key="inside_threshold", format="%.2f")
    st.html(highlighted_text_html(labels, activation, threshold))
    on = steps_above(activation, threshold)
    st.caption(
        f"Background: unit {unit}'s {NAMES[shown]} at each step, on the heatmap's scale (red positive, blue "
        f"negative, white zero). Outlined: the "
        f"{len(on)} steps above the threshold: {on[:30]}{' …' if len(on) > 30 else ''}."
    )


st.header("Inside the network")
st.caption(
    "Run one sequence through a model and see, for every step, every unit of the hidden state, the LSTM's "
    "cell state and every gate. Click anywhere on a row of the heatmap (or use the Unit slider) to follow "
    "one unit."
)
read_link_once("inside", PAGE_LINKS["inside"], ignore=SPEC_NAMES)
source = source_ui("inside")
chosen = source and input_ui(source, "inside")
if not chosen:
    st.stop()
x, labels = chosen
with st.spinner("Running the sequence through the model, step by step…"):
    recording = record(source.model, x)
labels = written_labels(labels, source.task, recording)  # a decoder's writing steps read its outputs
spec = source.spec
a, b = st.columns(2)
with a:
    layer = index_slider("Layer", spec.num_layers, "inside_layer")
with b:
    direction = index_slider("Direction (0 forward, 1 backward)", spec.num_directions, "inside_direction")
maps = state_maps(recording, layer, direction)
unit = index_slider("Unit", spec.hidden_size, "inside_unit")
if st.session_state.get("inside_map") not in maps:
    st.session_state["inside_map"] = "h"
shown = st.segmented_control(
    "Show",
    list(maps),
    key="inside_map",
    format_func=NAMES.get,
    required=True,
    help="The heatmap and the highlighted text below both show this quantity.",
)
title = f"{NAMES[shown]}: units × time (model at step {source.step})"
chart(
    figure=shared(state_heatmap)(maps[shown], labels, title, unit),
    key="heatmap",
    on_select=lambda: _pick_unit("heatmap"),
    selection_mode="points",
)

st.subheader(f"Unit {unit}'s {NAMES[shown]} over the input")
activation = maps[shown][:, unit]
limit = float(abs(activation).max()) or 1.0
if not -limit <= st.session_state.get("inside_threshold", 0.0) <= limit:  # another unit or map: rescale
    st.session_state["inside_threshold"] = limit / 2

highlighted_text(labels, activation, limit, unit, shown)
if source.task is not None and source.task.name == "adding":
    found = marked_memory_units(recording, x)
    st.markdown(
        "**Memory units.** The units whose cell state jumps at a marked step and holds until the end: "
        + ", ".join(f"unit {u} (score {s:.2f})" for u, s in found)
        + ". Pick one above to see it."
    )

left, right = st.columns(2)
with left:
    st.markdown("**The state vector, step by step.** ◀ ▶ (keys ← →) step, Space plays; the slider scrubs.")

    def draw(step: int) -> None:
        figure = shared(state_vector_animation)(maps["h"], labels, active=step, play_buttons=False)
        chart(figure=figure, key="state_vector")

    player("inside_vector", [f"{t} {label!r}" for t, label in enumerate(labels)], draw, start=0)
    animation_download(
        lambda frame_ms: state_vector_animation(maps["h"], labels, frame_ms=frame_ms),
        "state_vector_animation",
        "inside_vector",
    )
update_link([f for f in PAGE_LINKS["inside"] if f.name not in ("step", "speed")])  # the player writes those
with right:
    gates = saturation(recording, layer, direction)
    if gates:
        st.markdown(
            "**Gate saturation** (Karpathy et al. 2015): one dot per unit; right-saturated gates are "
            "always open, left-saturated always closed."
        )
        chart(figure=shared(saturation_figure)(gates), key="saturation")
    else:
        st.caption("A plain RNN has no gates.")
st.markdown("**Take it home.** This sequence's recording: every state and gate of every unit at every step.")
recording_downloads(recording, "inside_recording")
