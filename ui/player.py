"""A player for any stepped figure, paced for a lecture: ◀ step, ▶ Play / ❚❚ Pause, step ▶ and
seconds per step. Keys: ← and → move one step, Space plays and pauses (Streamlit's button
shortcuts; no JavaScript). The step lives in session state and in the link (`?step=`); playing
is a fragment that reruns every `speed` seconds and moves one step, so only the figure redraws.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import streamlit as st

from ui.plain import plain
from ui.present import steady_charts

SPEEDS = (0.2, 0.3, 0.4, 0.6, 0.8, 1.0, 1.5, 2.0)  # seconds per step
DEFAULT_SPEED = 0.6  # the forward pass of 8 steps in about 5 s: narratable


def _move(step_key: str, play_key: str, count: int, delta: int) -> None:
    st.session_state[play_key] = False  # stepping by hand stops playback
    st.session_state[step_key] = min(max(st.session_state[step_key] + delta, 0), count - 1)


def _toggle(step_key: str, play_key: str, tick_key: str, count: int) -> None:
    playing = not st.session_state[play_key]
    if playing and st.session_state[step_key] >= count - 1:
        st.session_state[step_key] = 0  # Play at the end starts again from the beginning
    st.session_state[play_key] = playing
    st.session_state[tick_key] = time.monotonic()


def player(
    key: str,
    labels: list[str],
    draw: Callable[[int], None],
    start: int | None = None,
    link_name: str | None = "step",
    scrub: bool = False,
) -> int:
    """Draw the controls and `draw(step)` for the current step; returns the step. `labels` has one
    entry per step; `start` is the first step shown (default: the last, everything computed);
    `scrub`: a slider under the buttons moves to any step."""
    count = len(labels)
    step_key, play_key, speed_key, tick_key, timer_key = (
        f"{key}_{name}" for name in ("step", "playing", "speed", "tick", "timer")
    )
    st.session_state.setdefault(step_key, count - 1 if start is None else start)
    st.session_state[step_key] = min(max(int(st.session_state[step_key]), 0), count - 1)  # fewer steps now
    st.session_state.setdefault(play_key, False)
    st.session_state.setdefault(speed_key, DEFAULT_SPEED)
    given = float(st.session_state[speed_key])  # a link may ask for any pace: take the nearest offered
    st.session_state[speed_key] = min(SPEEDS, key=lambda s: abs(s - given))
    playing, speed = st.session_state[play_key], st.session_state[speed_key]
    # the timer this full run gives the fragment; a fragment run compares against this, not its closure,
    # which may come from an older run when a key press lands while the page reruns
    timer = speed if playing else None
    st.session_state[timer_key] = timer

    @st.fragment(run_every=timer)
    def body():
        now = time.monotonic()
        if st.session_state[play_key] and now - st.session_state.get(tick_key, now) >= 0.9 * speed:
            st.session_state[tick_key] = now
            st.session_state[step_key] = min(st.session_state[step_key] + 1, count - 1)
            if st.session_state[step_key] >= count - 1:
                st.session_state[play_key] = False
        a, b, c, d = st.columns([1, 1.8, 1, 2.6], vertical_alignment="bottom")
        args = (step_key, play_key, count)
        a.button(
            "◀",
            key=f"{key}_back",
            shortcut="Left",
            on_click=_move,
            args=(*args, -1),
            width="stretch",
            help="One step back (key ←).",
        )
        b.button(
            "❚❚ Pause" if st.session_state[play_key] else "▶ Play",
            key=f"{key}_play",
            shortcut="Space",
            on_click=_toggle,
            args=(step_key, play_key, tick_key, count),
            type="primary",
            width="stretch",
            help="Play or pause (Space).",
        )
        c.button(
            "▶",
            key=f"{key}_next",
            shortcut="Right",
            on_click=_move,
            args=(*args, 1),
            width="stretch",
            help="One step forward (key →).",
        )
        d.select_slider("Seconds per step", SPEEDS, key=speed_key, format_func=lambda s: f"{s:g} s")
        if scrub and count > 1:
            st.select_slider(
                "Scrub", range(count), key=step_key, format_func=lambda k: labels[k], label_visibility="collapsed"
            )
        step = st.session_state[step_key]
        st.markdown(f"**Step {step + 1} of {count}:** {plain(labels[step])}")
        if (st.session_state[speed_key] if st.session_state[play_key] else None) != st.session_state[timer_key]:
            st.rerun()  # start, stop or re-time the playback timer, which belongs to the whole page
        if link_name:
            st.query_params[link_name] = str(step)
            if st.session_state[speed_key] != DEFAULT_SPEED:
                st.query_params["speed"] = f"{st.session_state[speed_key]:g}"
            elif "speed" in st.query_params:
                del st.query_params["speed"]
        with steady_charts():  # each frame's figures change in place: no blank frame while playing
            draw(step)

    body()
    return st.session_state[step_key]
