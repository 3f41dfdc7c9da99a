"""Lecture: a lesson, one screen a step: the step's figure (its page's own), a question to predict,
and Reveal, which marks the answer in the figure. Alone, or as a class: the lecturer's browser moves
every student's step and reveals on every device; students answer once and see the room's answer.
The step and the class are in the link (`/lecture?step=4`, `/lecture?class=K7QF2`)."""

import streamlit as st

from ui.classroom import (
    FOLLOW,
    current_room,
    lecturer_banner,
    lesson_of,
    move_class,
    room_answers,
    start_or_join_ui,
    student_banner,
)
from ui.lecture import alone_ui, lecturer_ui, step_answer_ui, step_figure_ui, student_ui
from ui.lesson_files import lesson_text_ui
from ui.link import PAGE_LINKS, read_link_once, update_link
from ui.spec_sidebar import SPEC_NAMES
from ui.views import view_button

read_link_once("lecture", PAGE_LINKS["lecture"], ignore=SPEC_NAMES)
room = current_room()
if room is None:
    text = lesson_text_ui()
    lesson = lesson_of(text)
    start_or_join_ui(text)
else:
    lesson = room.lesson
    (lecturer_banner if room.lecturer else student_banner)(room)
count = len(lesson.steps)
if room is not None and room.following:
    st.session_state["lecture_step"] = room.state.step
st.session_state["lecture_step"] = min(max(int(st.session_state.get("lecture_step", 1)), 1), count)


def _move(delta: int) -> None:
    number = min(max(st.session_state["lecture_step"] + delta, 1), count)
    st.session_state["lecture_step"] = number
    if room is not None and not room.lecturer:
        st.session_state[FOLLOW] = False  # a student who moves explores on their own
    move_class(room, number)


number = st.session_state["lecture_step"]
left, middle, right = st.columns([1, 5, 1], vertical_alignment="center")
left.button(
    "◀ Previous", key="lecture_back", shortcut="Left", on_click=_move, args=(-1,), disabled=number == 1, width="stretch"
)
middle.progress(number / count, text=f"{lesson.title}: step {number} of {count}")
right.button(
    "Next ▶", key="lecture_next", shortcut="Right", on_click=_move, args=(1,), disabled=number == count, width="stretch"
)
step = lesson.steps[number - 1]
st.header(step.title)
if step.text:
    st.markdown(step.text)
view_button(
    "Open this on its own page",
    step.page,
    dict(step.view),
    key="lecture_open",
    help="The page opens with this step's settings, so it shows the numbers of the answer below.",
)
figure_box, questions = st.columns([3, 2], gap="large")  # side by side on a screen, stacked on a phone
with questions:
    st.subheader("Predict, then reveal")
    st.markdown(f"**{step.question}**")
    turn = (
        alone_ui(step, number) if room is None else (lecturer_ui if room.lecturer else student_ui)(room, step, number)
    )
    found = step_answer_ui(step, turn.revealed, turn.prediction)
    if room is not None and room.lecturer:
        room_answers(room.code, number, step.choices, None if found is None else str(found.value))
step_figure_ui(step, found is not None, figure_box, turn.pick)
update_link(PAGE_LINKS["lecture"])
