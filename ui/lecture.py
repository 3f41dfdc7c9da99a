"""One lesson step on the Lecture page: the prediction it takes (alone, as the lecturer, as a
student), the answer once revealed (with the verdict on the prediction), and its figure, drawn
once per server for all who show it."""

from __future__ import annotations

from typing import NamedTuple

import plotly.graph_objects as go
import streamlit as st

from rnnviz.lessons.answers import AnswerError
from rnnviz.lessons.lesson import LessonStep
from ui.classroom import Room, reveal_to_class, send_answer, sent_answer
from ui.plain import plain
from ui.present import chart, shared


class Turn(NamedTuple):
    revealed: bool
    prediction: object  # a choice, a whole number, or None
    pick: str | None = None  # the key of the figure's selection when a click on it predicts


def _take_click(step: LessonStep, key: str) -> None:
    """A point clicked on the figure (its selection, kept under `key`_pick) becomes the prediction."""
    selection = st.session_state.get(f"{key}_pick")
    points = (selection or {}).get("selection", {}).get("points", []) if isinstance(selection, dict) else []
    seen = f"_{key}_pick_seen"
    if points and points != st.session_state.get(seen):
        st.session_state[seen] = points
        value = step.clicked(points[0])
        if value is not None:
            st.session_state[key] = value


def prediction_ui(step: LessonStep, key: str, locked: bool) -> Turn:
    """The student's prediction (kept per step): a choice, or a whole number in the step's bounds,
    typed or (where the answer is a step or a unit) clicked on the figure."""
    if step.choices:
        return Turn(locked, st.segmented_control("Your prediction", step.choices, key=key, disabled=locked))
    pick = f"{key}_pick" if step.clickable and not locked else None
    if pick:
        _take_click(step, key)
    low, high = step.bounds
    label = f"Your prediction ({low} to {high}" + (", or click it in the figure)" if pick else ")")
    return Turn(locked, st.number_input(label, low, high, value=None, step=1, key=key, disabled=locked), pick)


def alone_ui(step: LessonStep, number: int) -> Turn:
    """Alone: predict, then reveal here."""
    revealed = bool(st.session_state.get(f"lecture_revealed_{number}"))
    turn = prediction_ui(step, f"lecture_prediction_{number}", locked=revealed)
    st.button(  # (a callback: the prediction above is locked in the very run the reveal starts)
        "Reveal the answer",
        key="lecture_reveal",
        type="primary",
        disabled=revealed,
        on_click=st.session_state.__setitem__,
        args=(f"lecture_revealed_{number}", True),
    )
    return turn


def lecturer_ui(room: Room, step: LessonStep, number: int) -> Turn:
    """The lecturer: the reveal for every device (the room's answers are drawn below the answer)."""
    revealed = number in room.state.revealed
    st.button(
        "Reveal to the class",
        key="lecture_reveal",
        type="primary",
        disabled=revealed,
        on_click=reveal_to_class,
        args=(room.code, number),
    )
    return Turn(revealed, None)


def student_ui(room: Room, step: LessonStep, number: int) -> Turn:
    """A student: answer once (the answer sent is the prediction); the lecturer reveals."""
    revealed = number in room.state.revealed
    sent = sent_answer(room.code, number)
    key = f"lecture_prediction_{room.code}_{number}"
    turn = prediction_ui(step, key, locked=sent is not None or revealed)
    prediction = turn.prediction
    if sent is None and not revealed:
        st.button(
            "Send my answer",
            key="lecture_send",
            type="primary",
            disabled=prediction is None,
            on_click=send_answer,
            args=(room.code, number, key),
        )
    elif sent is not None:
        st.caption(f"Your answer, sent: {plain(sent)}. " + ("" if revealed else "The lecturer reveals the answer."))
        prediction = sent if step.choices else int(sent)
    return Turn(revealed, prediction, turn.pick)


def step_answer_ui(step: LessonStep, revealed: bool, prediction):
    """Once revealed: the computed answer, the verdict on `prediction`, how it was computed and why.
    → the answer (Computed), or None before the reveal or when it could not be computed (said)."""
    if not revealed:
        return None
    try:
        with st.spinner("Computing the answer from a real model…"):
            found = step.computed()
    except (AnswerError, RuntimeError) as error:
        st.error(f"The answer could not be computed: {plain(error)}")
        return None
    st.success(f"**{plain(found.value)}**", icon=":material/check_circle:")
    if step.choices and found.value not in step.choices:
        st.warning("This lesson's choices do not include the computed answer.")
    if prediction is not None:
        right = step.scored(prediction)
        st.markdown("Your prediction was right." if right else f"You predicted {plain(prediction)}: not this time.")
    if step.explain:
        st.markdown(plain(step.explain, most=600))
    st.caption(f"Computed by rnnviz: {plain(found.how, most=600)}")
    return found


def _figure(step: LessonStep, revealed: bool):
    return step.figure(revealed)


def step_figure_ui(step: LessonStep, revealed: bool, container, pick: str | None = None) -> None:
    """The figure of the page this step opens (shared by every session showing the same step);
    with `pick`, a click on one of its points is kept there (a prediction, see prediction_ui)."""
    try:
        figure = shared(_figure)(step, revealed)
    except (AnswerError, RuntimeError) as error:
        container.error(f"The figure could not be drawn: {plain(error)}")
        return
    with container:
        if pick:  # a click picks a point; the others stay as bright as before
            figure = go.Figure(figure).update_traces(unselected_marker_opacity=1, selector=dict(type="scatter"))
            chart(figure=figure, key=pick, on_select="rerun", selection_mode="points")
        else:
            chart(figure=figure, key="lecture_figure")
        st.caption("The figure of the page this step opens, drawn by that page's code from the same network and run.")
