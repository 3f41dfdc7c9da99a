"""Decoder: an encoder-decoder whose decoder feeds back its previous output, teacher-forced in
training, free-running at test; the exposure-bias gap per output position; Luong attention."""

import streamlit as st

from rnnviz.plots.decoder import attention_figure, position_figure
from rnnviz.training.seq2seq import SEQ2SEQ_TASKS, decode_example, mistake_sentence
from ui.decoder import inside_the_decoder, trained
from ui.link import PAGE_LINKS, read_link_once, update_link
from ui.player import player
from ui.present import chart, settings_box
from ui.spec_sidebar import SPEC_NAMES
from ui.widgets import number_ui

st.header("Decoder: teacher forcing, exposure bias, attention")
st.caption(
    "A real decoder feeds back its previous output: in training the true previous token (teacher forcing), "
    "at test time its own prediction (free-running). Until its first mistake it reads exactly what it read in "
    "training; after one, it reads its own error, and later positions suffer: exposure bias."
)
read_link_once("decoder", PAGE_LINKS["decoder"], ignore=SPEC_NAMES)
with settings_box("Settings: task, cell, attention, teacher forcing"):
    a, b, c, d = st.columns([3, 2, 2, 2])
    name = a.selectbox("Task", list(SEQ2SEQ_TASKS), key="decoder_task", format_func=lambda n: SEQ2SEQ_TASKS[n].title)
    attention = b.selectbox(
        "Attention",
        ["none", "dot", "general"],
        key="decoder_attention",
        help="Luong et al. 2015: score h_t·e_s (dot) or h_t·W e_s (general).",
    )
    feedback = c.radio(
        "Decoder input",
        ["previous", "empty"],
        key="decoder_feedback",
        horizontal=True,
        format_func={"previous": "previous output", "empty": "empty (zeros)"}.get,
        help="Empty inputs are the seed blog's many-to-many: only the state carries the answer.",
    )
    st.session_state.setdefault("decoder_forcing", 1.0)
    forcing = d.slider(
        "Teacher forcing",
        0.0,
        1.0,
        step=0.25,
        key="decoder_forcing",
        help="The share of training steps fed the true previous token instead of the model's own.",
    )
    e, f = st.columns(2)
    updates = number_ui(
        "Training steps",
        "decoder_updates",
        100,
        3000,
        600,
        e,
        help="Short budgets show exposure bias best; ~1,250 steps solve 2-digit addition.",
    )
    seed = number_ui("Seed", "decoder_seed", 0, 10_000, 0, f)
update_link(PAGE_LINKS["decoder"])
if updates is None or seed is None:
    st.stop()
task = SEQ2SEQ_TASKS[name]
st.caption(f"**Reference.** {task.reference}.")


model, history = trained(name, attention, feedback, forcing, int(updates), int(seed))
last = history[-1]
m1, m2, m3 = st.columns(3)
m1.metric(
    "Exact match (whole answer right)",
    f"{last['exact match']:.1%}",
    help="The same teacher-forced or free-running: until its first mistake a decoder reads the same tokens.",
)
m2.metric("Token accuracy, teacher-forced", f"{last['teacher-forced tokens']:.1%}")
m3.metric(
    "Token accuracy, free-running",
    f"{last['free-running tokens']:.1%}",
    f"{last['free-running tokens'] - last['teacher-forced tokens']:+.1%} exposure bias",
    delta_color="off",
    delta_arrow="off",  # a gap between two ways of decoding, not a change over time
)
st.caption(
    f"This model trained {int(updates):,} steps (seed {int(seed)}), cached for these settings; the reference above is "
    "for a model trained to the end. Raise **Training steps** to get closer to it."
)
chart(figure=position_figure(last["teacher-forced by position"], last["free-running by position"]), key="positions")

st.subheader("One example, step by step")
k = number_ui("Held-out example", "decoder_example", 0, 999, 0)
if k is None:
    st.stop()
example = decode_example(model, task, int(k), int(seed))
source, free_text = example.source, example.free
st.markdown(
    f"Input `{source!r}` → target `{example.target!r}`. Teacher-forced it writes `{example.forced!r}`; "
    f"free-running `{free_text!r}`"
    + mistake_sentence(example.first_mistake, len(example.target))
    + (
        f" (The question is read backwards, as in the Keras example: {source!r} is {source.strip()[::-1]}.)"
        if name == "addition"
        else ""
    )
)
if example.attention is not None:

    def draw(step: int) -> None:
        chart(figure=attention_figure(example.attention, source, free_text, step), key="attention")

    player("decoder_attention", [f"output {t}: {c!r}" for t, c in enumerate(free_text)], draw, start=0, link_name=None)
    if example.mirrored is not None:
        st.caption(
            f"On reversal each output step should look at the mirrored input: here {example.mirrored:.0%} of steps do."
        )
else:
    st.caption("Turn on attention to see which input steps each output step looks at.")


inside_the_decoder(model, task, int(k), int(seed), source)
