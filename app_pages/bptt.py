"""Unroll & BPTT: the forward pass and backpropagation through time, animated from real autograd."""

import streamlit as st

from rnnviz.analysis.probe import MAX_ANIMATED_STEPS, clip_scale, demo_recording, total_grad_norm
from rnnviz.net.graph import graph_values, unrolled_graph
from rnnviz.plots.bptt import bptt_figure, frame_labels
from ui.downloads import animation_download
from ui.link import PAGE_LINKS, read_link_once, update_link
from ui.player import player
from ui.present import chart, presenting, settings_box, shared
from ui.spec_sidebar import SPEC_NAMES, current_spec
from ui.widgets import index_slider, number_ui

shared_bptt_figure = shared(bptt_figure)  # the same step of the same view: one figure for the room

spec = current_spec()
st.header("Unroll & backpropagation through time")
st.caption(
    "The same cell applied at every step. **▶ Play** runs the forward pass left to right (each state "
    "lights up as it is computed), then the backward pass right to left and layer down: each triangle is "
    "the gradient flowing back along its edge (what that one use of the state passes back), sized and "
    "coloured by its norm, from PyTorch's autograd through the explicit loop; hover a state for its total "
    "‖dL/dh_t‖, the sum of what flows out of it. ◀ and ▶ (keys ← →) move one step through both passes, "
    "Space plays and pauses at the pace you set, and the slider under the figure scrubs freely. Untrained "
    "model, random batch, MSE against random targets; only the outputs that count in the loss (outlined) "
    "send gradients back."
)
if spec.steps > MAX_ANIMATED_STEPS:
    st.info(
        f"This network unrolls over {spec.steps} steps; the animation draws at most {MAX_ANIMATED_STEPS}. "
        "Lower the input or output steps in the sidebar."
    )
    st.stop()

read_link_once("bptt", PAGE_LINKS["bptt"], ignore=SPEC_NAMES)
box = settings_box("Settings: truncated BPTT, clipping, scales, example")
a, b, c, d = box.columns(4)
truncate = number_ui(
    "Truncated BPTT: detach every k steps (0 = off)",
    "tbptt_k",
    0,
    MAX_ANIMATED_STEPS,
    0,
    a,
    help="The state is detach()ed every k steps, so no gradient crosses a cut.",
)
max_norm = number_ui("clip_grad_norm_ max_norm", "clip_max_norm", 0.01, 1000.0, 1.0, b, integer=False)
log_scale = c.toggle("Log scale for gradients", True, key="bptt_log")
show_shapes = d.toggle("Tensor shapes on edges", False, key="bptt_shapes")
if truncate is None or max_norm is None:
    st.stop()


@st.cache_data(max_entries=8, show_spinner="Running the unrolled loop…")
def recording_for(spec, tbptt):
    return demo_recording(spec, tbptt=tbptt or None)


recording = recording_for(spec, int(truncate))
with box:
    example = index_slider("Example in the batch", recording.hidden.shape[3], "bptt_example")
graph = unrolled_graph(spec)
values = graph_values(graph, recording, example)


def draw(step: int) -> None:
    figure = shared_bptt_figure(
        graph,
        values,
        int(truncate) or None,
        log_scale,
        show_shapes,
        active=step,
        play_buttons=False,
        node_labels=presenting(),
    )
    chart(figure=figure, key="bptt")


player("bptt", frame_labels(graph), draw)
named = presenting()  # (read now: the file is made later, outside this run)
animation_download(
    lambda frame_ms: bptt_figure(
        graph, values, int(truncate) or None, log_scale, show_shapes, frame_ms, active=0, node_labels=named
    ),
    "bptt_animation",
    "bptt",
)
update_link([f for f in PAGE_LINKS["bptt"] if f.name not in ("step", "speed")])  # the player writes those

total = total_grad_norm(recording)
scale = clip_scale(total, max_norm)
left, right = st.columns(2)
left.metric("Loss", f"{recording.loss:.4f}")
if scale is None:
    right.metric("Total gradient norm ‖∇θL‖", f"{total:.3g}", help=f"Below max_norm {max_norm}: no clipping.")
else:
    right.metric(
        "Total gradient norm ‖∇θL‖", f"{total:.3g}", f"clip ×{scale:.3f}", delta_color="inverse", delta_arrow="down"
    )
    st.warning(
        f"`clip_grad_norm_(model.parameters(), max_norm={max_norm:g})` would fire: the total norm "
        f"{total:.3g} is {total / max_norm:.1f}× the limit, so every gradient would be multiplied by "
        f"{scale:.3f}."
    )
if truncate:
    st.caption(
        f"Dotted lines mark the `detach()` cuts every {int(truncate)} steps: gradients from a loss term "
        "stop at the first cut behind it, so the hidden states before it get none from that term."
    )
