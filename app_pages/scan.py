"""Scan: why minGRU trains in parallel. The loop's T dependent steps against Blelloch's tree of
2·log2 T levels, animated; the same numbers from both; and what each costs, measured."""

import streamlit as st

from rnnviz.analysis.cost import machine_load, measure, timing_note
from rnnviz.lessons.scan_example import scan_example
from rnnviz.net.minrnn import BLOCKS
from rnnviz.plots.scan import chain_figure, cost_figure, tree_figure
from ui.link import PAGE_LINKS, read_link_once, update_link
from ui.player import player
from ui.present import chart, settings_box
from ui.spec_sidebar import SPEC_NAMES
from ui.widgets import number_ui

st.header("Parallel scan against the loop")
st.caption(
    "minGRU and minLSTM (Feng et al. 2024) compute their gates from x_t alone, so every step is "
    "h_t = a_t ⊙ h_{t−1} + b_t with a_t and b_t known before the recurrence starts. Steps of that form "
    "compose like matrices: a tree can combine them in 2·log2 T levels of independent pairs instead of "
    "T steps one after another. A GRU or LSTM cannot: its gates read h_{t−1}."
)
read_link_once("scan", PAGE_LINKS["scan"], ignore=SPEC_NAMES)
with settings_box("Settings: length, cell, decay range"):
    a, b, c, d = st.columns(4)
    steps = number_ui("Sequence length T", "scan_steps", 2, 32, 16, a)
    kind = b.radio("Cell", list(BLOCKS), key="scan_kind", format_func={"mingru": "minGRU", "minlstm": "minLSTM"}.get)
    negative = c.toggle("Decay in [−1, 1]", key="scan_negative", help="Grazzi et al. 2024: lets a state flip sign.")
    seed = number_ui("Seed", "scan_seed", 0, 10_000, 0, d)
if steps is None or seed is None:
    st.stop()

example = scan_example(kind, int(steps), int(seed), negative)
states, levels = example.states, example.levels
labels = ["every (a_t, b_t) from its x_t, all at once"]
labels += [
    f"level {k}: {phase}-sweep, {len(pairs)} pair{'s' if len(pairs) > 1 else ''} at once"
    for k, (phase, pairs) in enumerate(levels, start=1)
]
labels.append("every h_t: its own step applied to the prefix before it, all at once")


def draw(frame: int) -> None:
    left, right = st.columns([2, 3])
    chart(container=left, figure=chain_figure(states["sequential"], frame), key="scan_chain")
    chart(container=right, figure=tree_figure(levels, steps, states["tree"], frame), key="scan_tree")
    left.caption(
        f"In the same {frame} rounds of dependent work the loop has computed {min(frame, steps)} of {steps} states."
    )


player("scan", labels, draw, start=0)
update_link([f for f in PAGE_LINKS["scan"] if f.name not in ("step", "speed")])  # the player writes those
difference = example.difference
st.markdown(
    f"**The same numbers.** h_T (unit 0): loop {states['sequential'][-1]:.6f}, log-space scan "
    f"{states['log'][-1]:.6f}, tree {states['tree'][-1]:.6f}; largest difference over all steps {difference:.1e}. "
    f"**Rounds of dependent work** after (a_t, b_t) are computed: the loop {steps}, one step each; the tree "
    f"{len(levels) + 1}: 2·log2 {1 << (steps - 1).bit_length()} = {len(levels)} levels and one last round, each "
    f"all at once. **Backward:** BPTT walks the loop's chain of {steps} steps back; the scan's gradient crosses the "
    f"same {len(levels) + 1} rounds in reverse: the path from the loss to x_0 is that much shorter."
)

st.subheader("What it costs, measured here")
st.caption(
    "One forward and backward pass of a layer of 64 units on a batch of 16, against T: a fused nn.GRU (one "
    "C++ call), minGRU as a Python loop, as the paper's log-space scan and as the tree. Memory: the bytes "
    "autograd keeps for the backward pass, counted tensor by tensor. On a GPU the scans pull ahead; on two CPU "
    "cores little runs in parallel. `python benchmarks/scan_vs_loop.py` measures up to T = 1024."
)


REPEATS = 5  # passes timed per point, after a warm-up: the line is their median, the bar their range


@st.cache_data(show_spinner="Measuring each implementation five times at T = 16 … 256…", max_entries=1)
def measured() -> tuple[list[dict], float | None]:
    """The rows, and the machine's busiest load per core seen just before or after measuring."""
    before = machine_load()
    rows = measure((16, 32, 64, 128, 256), repeats=REPEATS)
    after = machine_load()
    return rows, max((load for load in (before, after) if load is not None), default=None)


if st.button("Measure on this machine", key="scan_measure") or st.session_state.get("scan_measured"):
    st.session_state["scan_measured"] = True
    rows, load = measured()
    st.caption(timing_note(rows, load, REPEATS))
    left, right = st.columns(2)
    chart(
        container=left, figure=cost_figure(rows, "seconds", "Time per training step", "milliseconds"), key="cost_time"
    )
    chart(
        container=right,
        figure=cost_figure(rows, "saved_bytes", "Activation memory kept for BPTT", "MB"),
        key="cost_memory",
    )
