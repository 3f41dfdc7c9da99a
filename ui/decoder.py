"""The Decoder page's model, trained once per setting (shared by every session) with a progress
bar, and its "Inside the decoder" section: the example unrolled, and the decoder's state, one
gate and dL/dh_t at each output step."""

from __future__ import annotations

import streamlit as st

from rnnviz.analysis.decoder_recording import record_decoder
from rnnviz.analysis.inside import STATE_NAMES
from rnnviz.net.seeding import seeded
from rnnviz.plots.decoder import seq2seq_figure
from rnnviz.plots.inside import stacked_state_heatmaps
from rnnviz.training.seq2seq import SEQ2SEQ_TASKS, START, Seq2Seq, Seq2SeqTask, held_out, train
from ui.present import chart


@st.cache_resource(max_entries=6, show_spinner=False)
def trained(name: str, attention: str, feedback: str, forcing: float, updates: int, seed: int):
    """(the model, its evaluation history) for these settings; trains it the first time."""
    with seeded(seed):
        model = Seq2Seq(
            SEQ2SEQ_TASKS[name].vocabulary,
            hidden=64,
            attention=None if attention == "none" else attention,
            feedback=feedback,
        )
    bar = st.progress(0.0, text="Training the encoder-decoder…")
    history = train(
        model,
        SEQ2SEQ_TASKS[name],
        updates=updates,
        teacher_forcing=forcing,
        seed=seed,
        every=max(updates // 6, 1),
        on_point=lambda p: bar.progress(p["update"] / updates, text=f"Training: step {p['update']} of {updates}"),
    )
    bar.empty()
    return model.eval(), history


@st.fragment
def inside_the_decoder(model: Seq2Seq, task: Seq2SeqTask, index: int, seed: int, source: str) -> None:
    """Held-out example `index` through the decoder, step by step: drawn unrolled, and its state,
    one gate and dL/dh_t; the two pickers redraw only this section."""
    st.subheader("Inside the decoder")
    left, right = st.columns([2, 3])
    how = left.segmented_control(
        "Each step reads",
        ["teacher-forced", "free-running"],
        default="free-running",
        key="decoder_inside_reads",
        help="Teacher-forced: each step reads the true previous token, as in training. Free-running: its own "
        "previous output, as at test time.",
    )
    src, tgt, _ = held_out(task, index, seed)
    recorded = record_decoder(model, src, tgt, teacher_forcing=1.0 if how == "teacher-forced" else 0.0)
    gate = right.segmented_control(
        "Gate",
        list(recorded.gates),
        default=next(iter(recorded.gates), None),
        key="decoder_inside_gate",
        format_func=STATE_NAMES.get,
    )
    read = [(task.vocabulary + START)[int(i)] for i in recorded.inputs[0]]
    labels = [f"{t}: {c!r}" for t, c in enumerate(read)]
    panels = {STATE_NAMES["h"]: recorded.hidden[:, 0]}
    if gate in recorded.gates:
        panels[STATE_NAMES[gate]] = recorded.gates[gate][:, 0]
    panels["dL/dh_t (total, through the later steps)"] = recorded.hidden_grad[:, 0]
    chart(
        figure=seq2seq_figure(
            source,
            read,
            task.decode(recorded.tokens)[0],
            model.feedback,
            model.attention is not None,
            recorded.shapes,
        ),
        key="decoder_unrolled",
    )
    chart(
        figure=stacked_state_heatmaps(
            panels, labels, "the decoder at each output step", x_title="output step: the token it read"
        ),
        key="decoder_inside",
    )
    shapes = ", ".join(f"{name} `{tuple(shape)}`" for name, shape in recorded.shapes.items())
    st.caption(
        f"Each column is one output step; below it, the token that step read ({START!r} is the start token"
        + (", but with empty inputs every step reads zeros" if model.feedback == "empty" else "")
        + f"). Cross-entropy against the target: loss {recorded.loss:.3f}. dL/dh_t is autograd's total "
        "derivative: what reaches h_t from its own output and, through h_{t+1}, from every later one. "
        f"Shapes, read off the tensors: {shapes}."
    )
