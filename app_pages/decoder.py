"""Decoder: an encoder-decoder whose decoder feeds back its previous output, teacher-forced in
training, free-running at test; the exposure-bias gap per output position; Luong attention. The
default settings open on a bundled run; others train through the training queue, like Train."""

import streamlit as st

from rnnviz.analysis.decoding import decode_example, exposure_bias, mistake_sentence
from rnnviz.lessons.decoder import DECODER_TASKS, decoder_config
from rnnviz.plots.decoder import attention_figure, position_figure
from rnnviz.tasks import TASKS
from ui.decoder import held_out_batch, inside_the_decoder, model_at_ui, run_ui
from ui.link import PAGE_LINKS, read_link_once
from ui.player import player
from ui.present import chart, settings_box
from ui.run_controls import attach_from_link, job_holder
from ui.widgets import number_ui

st.header("Decoder: teacher forcing, exposure bias, attention")
st.caption(
    "A real decoder feeds back its previous output: in training the true previous token (teacher forcing), "
    "at test time its own prediction (free-running). Until its first mistake it reads exactly what it read in "
    "training; after one, it reads its own error, and later positions suffer: exposure bias."
)
read_link_once("decoder", PAGE_LINKS["decoder"])
holder = job_holder("decoder")
attach_from_link(holder)
with settings_box("Settings: task, attention, decoder input, teacher forcing"):
    a, b, c, d = st.columns([3, 2, 2, 2])
    name = a.selectbox("Task", list(DECODER_TASKS), key="decoder_task", format_func=lambda n: TASKS[n].title)
    attention = b.selectbox(
        "Attention",
        ["none", "dot", "general"],
        key="decoder_attention",
        help="Luong et al. 2015: score h_t·e_s (dot) or h_t·W_a e_s (general).",
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
    steps = number_ui(
        "Training steps", "decoder_updates", 100, 3000, 600, e, help="Short budgets show exposure bias best."
    )
    seed = number_ui("Seed", "decoder_seed", 0, 10_000, 0, f)
if steps is None or seed is None:
    st.stop()
config = decoder_config(name, attention, feedback == "previous", forcing, int(seed), int(steps))
task = config.task_object()
st.caption(f"**Reference.** {task.reference}.")

shown = run_ui(holder, config, int(steps))
if shown is None:
    st.stop()
label, run = shown
picked = model_at_ui(run, label)
if picked is None:
    st.info("The run has kept no weights yet; they appear after its first evaluation.")
    st.stop()
_, model, at = picked
batch = held_out_batch(name, config.seq_len, int(seed))
bias = exposure_bias(model, batch)
m1, m2, m3 = st.columns(3)
m1.metric(
    "Exact match (whole answer right)",
    f"{bias.exact_match:.1%}",
    help="The same teacher-forced or free-running: until its first mistake a decoder reads the same tokens.",
)
m2.metric("Token accuracy, teacher-forced", f"{bias.forced_tokens:.1%}")
m3.metric(
    "Token accuracy, free-running",
    f"{bias.free_tokens:.1%}",
    f"{bias.free_tokens - bias.forced_tokens:+.1%} exposure bias",
    delta_color="off",
    delta_arrow="off",  # a gap between two ways of decoding, not a change over time
)
st.caption(
    f"Measured on 1,000 held-out sequences with the model after step {at:,} of {int(steps):,} (seed {int(seed)}). "
    "Raise **Training steps** to get closer to the reference above."
)
chart(figure=position_figure(bias.forced, bias.free), key="positions")

st.subheader("One example, step by step")
k = number_ui("Held-out example", "decoder_example", 0, 999, 0)
if k is None:
    st.stop()
example = decode_example(model, task, batch, int(k))
source, target = "".join(example.source), "".join(example.target)
st.markdown(
    f"Input `{source!r}` → target `{target!r}`. Teacher-forced it writes `{''.join(example.forced)!r}`; "
    f"free-running `{''.join(example.free)!r}`"
    + mistake_sentence(example.first_mistake, len(example.target))
    + (
        f" (The question is read backwards, as in the Keras example: {source!r} is {source.strip()[::-1]}.)"
        if name == "add_digits"
        else ""
    )
)
if example.attention is not None:

    def draw(step: int) -> None:
        chart(figure=attention_figure(example.attention, example.source, example.free, step), key="attention")

    labels = [f"output {t}: {c!r}" for t, c in enumerate(example.free)]
    player("decoder_attention", labels, draw, start=0, link_name=None)
    if example.mirrored is not None:
        st.caption(
            f"On reversal each output step should look at the mirrored input: here {example.mirrored:.0%} of steps do."
        )
else:
    st.caption("Turn on attention to see which input steps each output step looks at.")

inside_the_decoder(model, task, batch, int(k))
