"""The Decoder page's model: trained once per setting (shared by every session) with a progress bar."""

from __future__ import annotations

import streamlit as st
import torch

from rnnviz.seq2seq import SEQ2SEQ_TASKS, Seq2Seq, train


@st.cache_resource(max_entries=6, show_spinner=False)
def trained(name: str, attention: str, feedback: str, forcing: float, updates: int, seed: int):
    """(the model, its evaluation history) for these settings; trains it the first time."""
    torch.manual_seed(seed)
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
