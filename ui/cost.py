"""The cost panel: each racing cell's time per training step, activation memory and parameters,
measured on this server at the race's sizes (rnnviz.analysis.cost)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from rnnviz.analysis.cost import FOR_CELL, measure


@st.cache_data(show_spinner="Timing one training step of each cell…", max_entries=16)
def _measured(names: tuple[str, ...], steps: int, batch: int, hidden: int) -> list[dict]:
    return measure((steps,), names=names, repeats=3, batch=batch, hidden=hidden)


def cost_ui(cells: dict[str, str], config, page: str) -> None:
    """cells: each lane's name → its cell."""
    steps, batch, hidden = config.spec().steps, config.batch_size, config.hidden_size
    st.caption(
        f"One forward and backward pass of the recurrent layer alone at this race's sizes (T = {steps}, batch "
        f"{batch}, {hidden} units, 32 input features), median of 3, on this server's CPU with one thread. Memory: "
        "the bytes autograd keeps for the backward pass (BPTT), counted tensor by tensor. The Scan page plots "
        "them against T."
    )
    if not st.button("Measure", key=f"{page}_cost_measure") and not st.session_state.get(f"{page}_cost_shown"):
        return
    st.session_state[f"{page}_cost_shown"] = True
    rows = _measured(tuple(FOR_CELL[c] for c in cells.values()), steps, batch, hidden)
    table = pd.DataFrame(
        [
            (
                name,
                row["implementation"],
                f"{row['seconds'] * 1e3:.1f}",
                f"{row['saved_bytes'] / 1e6:.2f}",
                f"{row['parameters']:,}",
            )
            for name, row in zip(cells, rows)
        ],
        columns=["cell", "as trained", "ms per step", "MB kept for BPTT", "parameters"],
    )
    st.table(table, hide_index=True, border="horizontal")
