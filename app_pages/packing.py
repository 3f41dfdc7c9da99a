"""Padding and packing: a batch of sentences of different lengths, which cells a packed run
computes, and why `output[:, -1]` is the wrong read for a batch padded at the end."""

import pandas as pd
import streamlit as st

from rnnviz.lessons.padding import phrases, three_reads, train_both
from rnnviz.plots.packing import padded_batch_figure, read_accuracy_figure
from rnnviz.serving.process_jobs import in_worker
from rnnviz.tasks import SENTIMENT_WORDS
from ui.link import PAGE_LINKS, read_link_once, update_link
from ui.present import chart
from ui.spec_sidebar import SPEC_NAMES
from ui.widgets import number_ui

st.header("Padding and packing")
st.caption(
    "A batch is one rectangle, but sentences have different lengths: the short ones are padded (here at the "
    "end, as torch.nn.utils.rnn.pad_sequence does). pack_padded_sequence tells the RNN each length, so it "
    "computes only the real steps (green) and skips the padding (grey)."
)
read_link_once("packing", PAGE_LINKS["packing"], ignore=SPEC_NAMES)
a, b = st.columns(2)
columns = number_ui("Columns of the padded batch", "packing_steps", 10, 16, 12, a)
seed = number_ui("Example batch (seed)", "packing_seed", 0, 10_000, 0, b)
if columns is None or seed is None:
    st.stop()
x, lengths, labels = phrases(4, columns, seed)
words = [[SENTIMENT_WORDS[int(i)] if t < lengths[k] else "<pad>" for t, i in enumerate(row)] for k, row in enumerate(x)]
chart(figure=padded_batch_figure(words, [int(v) for v in lengths]), key="padded_batch")
st.markdown(
    f"`lengths = {lengths.tolist()}`: `pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)` "
    f"computes {int(lengths.sum())} of the {x.numel()} cells."
)

st.subheader("Three reads of the same batch")
reads = three_reads(x, lengths)
rows = []
for k in range(len(x)):
    differs = abs(reads["last column"][k] - reads["packed h_n"][k]).max() > 1e-6
    rows.append(
        [k, int(lengths[k])]
        + [" ".join(f"{v:+.3f}" for v in reads[name][k]) for name in ("last column", "last real step", "packed h_n")]
        + ["differs: it read padding" if differs else "the same (no padding)"]
    )
columns_shown = ["example", "length", "output[:, -1]", "output at the last real step", "packed h_n", "last column"]
st.table(
    pd.DataFrame(rows, columns=columns_shown),
    hide_index=True,
    border="horizontal",
)
match = reads["unroll difference"]
st.caption(
    "A GRU of 4 units, untrained, seed 0. The last real step's output equals the packed run's h_n; the last column "
    f"does not for any padded example. rnnviz.net.unroll with lengths gives the packed h_n to {match:.0e}."
)

st.subheader("What the bug costs")
c, d = st.columns([1, 2])
steps = number_ui("Pad every phrase to T steps", "packing_train_steps", 12, 64, 64, c)
history = None
c.caption("A phrase has 5 to 10 words; the rest is padding.")


@st.cache_data(show_spinner="Training a GRU both ways on the same batches (300 steps each)…", max_entries=4)
def trained(steps: int):
    return in_worker(train_both, steps)  # (a worker process, when a training slot is free)


def trained_or_said(steps: int):
    """The comparison, or None with the reason said in the page."""
    try:
        return trained(steps)
    except RuntimeError as error:
        d.error(f"{error} Press **Train both ways** to try again.")
        st.session_state["packing_trained"] = False
        return None


if steps is not None and (c.button("Train both ways", key="packing_train") or st.session_state.get("packing_trained")):
    st.session_state["packing_trained"] = True
    history = trained_or_said(int(steps))
if steps is not None and st.session_state.get("packing_trained") and history is not None:
    chart(container=d, figure=read_accuracy_figure(history), key="read_accuracy")
    final = {read: points[-1][1] for read, points in history.items()}
    d.markdown(
        f"After 300 steps at T = {steps}: **packed h_n {final['packed']:.0%}**, output[:, -1] "
        f"{final['last column']:.0%} held-out accuracy (chance 50%). The more padding after a phrase, the more "
        "the last column has forgotten it."
    )
update_link(PAGE_LINKS["packing"])
