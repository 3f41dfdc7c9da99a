"""Small widgets that return values and keep their state valid when bounds change."""

from __future__ import annotations

import streamlit as st


def index_slider(label: str, size: int, key: str, help: str | None = None) -> int:
    """Pick an index in 0..size-1; clamps a remembered value when size shrinks; no slider for size 1."""
    if size <= 1:
        st.session_state[key] = 0
        return 0
    if st.session_state.get(key, 0) > size - 1:
        st.session_state[key] = size - 1
    return st.slider(label, 0, size - 1, key=key, help=help)
