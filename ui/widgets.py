"""Small widgets that return values and keep their state valid when bounds change."""

from __future__ import annotations

import math

import streamlit as st

KEEP_PREFIX = "_kept_"  # session-state copies of widget values that outlive a page change


def index_slider(label: str, size: int, key: str, help: str | None = None) -> int:
    """Pick an index in 0..size-1; clamps a remembered value when size shrinks; no slider for size 1."""
    if size <= 1:
        st.session_state[key] = 0
        return 0
    if st.session_state.get(key, 0) > size - 1:
        st.session_state[key] = size - 1
    return st.slider(label, 0, size - 1, key=key, help=help)


def number_ui(
    label: str,
    key: str,
    low: float,
    high: float,
    default: float,
    container=st,
    help: str | None = None,
    disabled: bool = False,
    format: str | None = None,
    integer: bool = True,
):
    """A number box with its bounds checked here rather than by the browser: a value out of
    range is kept in the box and the reason is written right under it (the browser would only
    turn the box red and say "Press Enter to apply"). Returns the value, or None when it is out
    of range, so the caller keeps its last good setting."""
    st.session_state.setdefault(key, default)
    value = container.number_input(
        label,
        key=key,
        step=1 if integer else None,
        format=format or ("%d" if integer else "%g"),
        help=(help + " " if help else "") + f"Between {low:g} and {high:g}.",
        disabled=disabled,
    )
    if value is None:
        container.error(f"**{label}**: type a number between {low:g} and {high:g}.", icon=":material/error:")
        return None
    if not (isinstance(value, int | float) and math.isfinite(value) and low <= value <= high):
        container.error(
            f"**{label}** must be between {low:g} and {high:g}; {value:g} is out of range.", icon=":material/error:"
        )
        return None
    return int(value) if integer else float(value)


def keep_across_pages(keys: list[str]) -> None:
    """Streamlit forgets a widget's value when a page that does not draw it runs. Call this
    before drawing the widgets of `keys`: a value forgotten on another page is put back from
    its copy, and the copies follow every change (see remember())."""
    for key in keys:
        copy = KEEP_PREFIX + key
        if key not in st.session_state and copy in st.session_state:
            st.session_state[key] = st.session_state[copy]


def remember(keys: list[str]) -> None:
    """After drawing the widgets: copy their values where page changes do not reach."""
    for key in keys:
        if key in st.session_state:
            st.session_state[KEEP_PREFIX + key] = st.session_state[key]
