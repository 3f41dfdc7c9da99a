"""Shapes: every tensor's real PyTorch shape, the batch × time × features block, output vs h_n."""

import streamlit as st

from rnnviz.net.spec import CELL_GATES
from rnnviz.plots import block_figure
from ui.present import chart
from ui.shared import gate_stack_figure, output_vs_h_n_figure, shape_ledger
from ui.spec_sidebar import current_spec
from ui.widgets import index_slider

spec = current_spec()
ledger = shape_ledger(spec)
shape = dict(zip(ledger.name, ledger["shape"]))

st.header("Shapes: batch, time, data")
st.caption(
    "Every shape on this page was read off a real PyTorch tensor, made by running the configured model "
    "once on random data."
)

st.subheader("The input is a block")
features = spec.input_size
x_text = f"`x.shape = {shape['x']}`" + (f", embedded to `{shape['embedded x']}`" if spec.vocab_size else "")
st.markdown(
    f"{x_text}: **{spec.batch_size}** sequences (batch) × **{spec.input_steps}** time steps × "
    f"**{features}** features. "
    + (
        "Time comes first (`batch_first=False`, PyTorch's default)."
        if not spec.batch_first
        else "Batch comes first (`batch_first=True`)."
    )
)


@st.fragment
def block(spec, shape: dict) -> None:
    """The block and its two sliders: moving one redraws this figure only."""
    left, right = st.columns([3, 2])
    with right:
        example = index_slider("Example (batch index)", spec.batch_size, "block_example")
        step = index_slider("Time step", spec.input_steps, "block_step")
        pick_t = f"x[{step}]" if not spec.batch_first else f"x[:, {step}]"
        pick_b = f"x[:, {example}]" if not spec.batch_first else f"x[{example}]"
        st.markdown(
            f":orange[**`{pick_t}`**] is what the cell reads at step {step}: one row per example, "
            f"shape `{shape['x_t']}`.\n\n:violet[**`{pick_b}`**] is one whole example: its {spec.input_steps} "
            + (
                f"steps; the core reads it with the {spec.steps - spec.input_steps} writing steps after it, shape "
                if spec.steps != spec.input_steps
                else "steps, shape "
            )
            + f"`{shape['x, one sequence']}`."
        )
    with left:
        chart(
            figure=block_figure(spec.batch_size, spec.input_steps, spec.input_size, example, step),
            key="block",
        )


block(spec, shape)

st.subheader("`output` versus `h_n`")
st.markdown(
    f"`output` {shape['output']} holds the **top layer** at **every step**; `h_n` {shape['h_n']} holds "
    "**every layer** at its **last step**"
    + (" (for the backward direction the last step it computes is step 0)." if spec.bidirectional else ".")
    + " Their overlap is the top layer's last step: "
    f"`output[:, -1]` {shape['output at the last step']}."
)
chart(figure=output_vs_h_n_figure(spec), key="output_vs_h_n")

st.subheader("Parameters: the gates are stacked")
gates = CELL_GATES[spec.cell]
gates = f"{len(gates)} blocks, {' '.join(gates)}" if gates else "one block"
st.markdown(
    f"Each weight matrix holds the weights of every gate stacked in rows ({gates}), so "
    f"`weight_ih_l0` is `{shape['core.weight_ih_l0']}`."
)
chart(figure=gate_stack_figure(spec), key="gate_stack")

st.subheader("The whole ledger")
st.table(  # a static table wraps long cells, so every column fits on a laptop or a projector; a shape never wraps
    ledger.assign(
        shape=ledger["shape"].map(lambda shape: str(shape).replace(", ", ",\u00a0")),
        elements=ledger["elements"].map("{:,}".format),
    ).set_index("group"),
)
