"""One lesson step on the Lecture page: the prediction it takes (alone, as the lecturer, as a
student), the answer once revealed (with the verdict on the prediction), and its figure, drawn
once per server for all who show it."""

from __future__ import annotations

import streamlit as st

from rnnviz.lessons.answers import AnswerError
from rnnviz.lessons.lesson import LessonStep
from ui.classroom import Room, reveal_to_class, send_answer, sent_answer
from ui.plain import plain
from ui.present import chart, shared


def prediction_ui(step: LessonStep, key: str, locked: bool):
    """The student's prediction (kept per step): a choice, or a whole number in the step's bounds."""
    if step.choices:
        return st.segmented_control("Your prediction", step.choices, key=key, disabled=locked)
    low, high = step.bounds
    box = st.columns([1, 3])[0]  # a number needs no full width
    return box.number_input(
        f"Your prediction ({low} to {high})", low, high, value=None, step=1, key=key, disabled=locked
    )


def alone_ui(step: LessonStep, number: int) -> tuple[bool, object]:
    """Alone: predict, then reveal here. → (revealed, the prediction)."""
    revealed = bool(st.session_state.get(f"lecture_revealed_{number}"))
    prediction = prediction_ui(step, f"lecture_prediction_{number}", locked=revealed)
    st.button(  # (a callback: the prediction above is locked in the very run the reveal starts)
        "Reveal the answer",
        key="lecture_reveal",
        type="primary",
        disabled=revealed,
        on_click=st.session_state.__setitem__,
        args=(f"lecture_revealed_{number}", True),
    )
    return revealed, prediction


def lecturer_ui(room: Room, step: LessonStep, number: int) -> tuple[bool, object]:
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
    return revealed, None


def student_ui(room: Room, step: LessonStep, number: int) -> tuple[bool, object]:
    """A student: answer once; the lecturer reveals. → (revealed, the answer sent or picked)."""
    revealed = number in room.state.revealed
    sent = sent_answer(room.code, number)
    key = f"lecture_prediction_{room.code}_{number}"
    prediction = prediction_ui(step, key, locked=sent is not None or revealed)
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
    return revealed, prediction


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


def step_figure_ui(step: LessonStep, revealed: bool, container) -> None:
    """The figure of the page this step opens (shared by every session showing the same step)."""
    try:
        figure = shared(_figure)(step, revealed)
    except (AnswerError, RuntimeError) as error:
        container.error(f"The figure could not be drawn: {plain(error)}")
        return
    with container:
        chart(figure=figure, key="lecture_figure")
        st.caption("The figure of the page this step opens, drawn by that page's code from the same network and run.")
