"""Text into batches: padding + one-hot (char-RNN) and PTB's batch_producer."""

import pandas as pd
import streamlit as st

from rnnviz.lessons.batching import (
    EXAMPLE_SENTENCES,
    EXAMPLE_STREAM,
    TextError,
    batch_producer,
    check_text,
    pad_and_encode,
    tokenize,
)
from rnnviz.plots import batch_grid_figure, one_hot_figure
from ui.link import PAGE_LINKS, read_link_once, update_link
from ui.plain import plain
from ui.present import chart
from ui.spec_sidebar import SPEC_NAMES
from ui.widgets import index_slider, number_ui


@st.fragment
def one_sentence(batch) -> None:
    """The slider, its table and its one-hot figure: moving it reruns only these."""
    T = batch.one_hot.shape[1]
    k = index_slider("Sentence", batch.one_hot.shape[0], "sentence_index")
    update_link(PAGE_LINKS["batches"])
    shown = [c if c != " " else "␣" for c in batch.sentences[k]]
    table = pd.DataFrame([shown[:-1], shown[1:]], index=["input x_t", "target y_t"], columns=range(T))
    st.table(table)  # two rows: a static table, readable on a projector and drawn at once
    chart(
        figure=one_hot_figure(batch.one_hot[k], list(batch.sentences[k][:-1]), batch.vocabulary),
        key="one_hot",
    )


@st.fragment
def one_window(batches, num_steps: int) -> None:
    """The window slider, the grid and that window's x and y: moving it reruns only these."""
    batch_len = batches.grid.shape[1]
    window = index_slider("Window (training step)", batches.epoch_size, "stream_window")
    update_link(PAGE_LINKS["batches"])
    shown_columns = min(batch_len, max(60, (window + 2) * num_steps + 1))
    chart(
        figure=batch_grid_figure(batches.grid[:, :shown_columns], num_steps, window),
        key="batch_grid",
    )
    if shown_columns < batch_len:
        st.caption(f"Showing the first {shown_columns} of {batch_len} columns.")
    x, y = batches.window(window)
    left, right = st.columns(2)
    left.markdown(f"**x** of window {window}")
    left.dataframe(pd.DataFrame(x), width="stretch")
    right.markdown(f"**y** of window {window} (one token later)")
    right.dataframe(pd.DataFrame(y), width="stretch")


st.header("Text into batches")
read_link_once("batches", PAGE_LINKS["batches"], ignore=SPEC_NAMES)
padding, stream = st.tabs(["Sentences → one-hot (char-RNN)", "A token stream → batches (PTB)"])

with padding:
    st.caption(
        "The PyTorch char-RNN tutorial's recipe: pad every sentence to the longest, one-hot encode each "
        "character, and train the network to predict the next character: the target is the input "
        "shifted by one."
    )
    st.session_state.setdefault("sentences", EXAMPLE_SENTENCES)
    text = st.text_area("One sentence per line", key="sentences", max_chars=2000, height=110)
    try:
        batch = pad_and_encode(check_text(text).splitlines())
    except TextError as error:
        st.error(plain(error))  # no st.stop(): the other tab's widgets must still be drawn, or they lose their values
        batch = None
    if batch is not None:
        B, T, V = batch.one_hot.shape
        st.markdown(
            f"`x.shape = ({B}, {T}, {V})`: **{B}** sentences × **{T}** steps (longest sentence minus one) × "
            f"**{V}** distinct characters. `y.shape = ({B}, {T})`: one target character id per step."
        )
        one_sentence(batch)

with stream:
    st.caption(
        "The PTB language-model recipe: lay one long stream of tokens into `batch_size` rows, then cut "
        "windows of `num_steps` columns. Row r of one window continues where row r of the previous window "
        "stopped, so the hidden state can be carried over between windows."
    )
    st.session_state.setdefault("stream_text", EXAMPLE_STREAM)
    text = st.text_area("Text", key="stream_text", max_chars=20000, height=130)
    unit = st.radio(
        "Tokens",
        ["word", "char"],
        horizontal=True,
        key="stream_unit",
        format_func={"word": "words (+ <eos> at line ends)", "char": "characters"}.get,
    )
    a, b = st.columns(2)
    batch_size = number_ui("batch_size (rows)", "stream_batch_size", 1, 64, 3, a)
    num_steps = number_ui("num_steps (window width)", "stream_num_steps", 1, 100, 4, b)
    update_link(PAGE_LINKS["batches"])
    if batch_size is None or num_steps is None:
        st.stop()
    try:
        batches = batch_producer(tokenize(check_text(text), unit), int(batch_size), int(num_steps))
    except TextError as error:
        st.error(plain(error))
        st.stop()
    rows, batch_len = batches.grid.shape
    st.markdown(
        f"{rows * batch_len} tokens → `data.shape = ({rows}, {batch_len})`; epoch size = "
        f"({batch_len} − 1) // {num_steps} = **{batches.epoch_size}** windows, each x and y "
        f"`({rows}, {num_steps})`."
    )
    one_window(batches, int(num_steps))
