"""Lecture: the default lesson, one screen a step: the step's figure (its page's own), a question to
predict, and Reveal, which marks the answer in the figure. The step is in the link
(`/lecture?step=4`); ← and → move through it."""

import streamlit as st

from rnnviz.lessons.figures import step_figure
from rnnviz.lessons.lesson import LESSON, answer_of, scored
from ui.link import PAGE_LINKS, read_link_once, update_link
from ui.present import chart, shared
from ui.spec_sidebar import SPEC_NAMES
from ui.views import view_button

read_link_once("lecture", PAGE_LINKS["lecture"], ignore=SPEC_NAMES)
st.session_state.setdefault("lecture_step", 1)
count = len(LESSON)
st.session_state["lecture_step"] = min(max(int(st.session_state["lecture_step"]), 1), count)


def _move(delta: int) -> None:
    st.session_state["lecture_step"] = min(max(st.session_state["lecture_step"] + delta, 1), count)


def prediction_ui(index: int, locked: bool):
    """The student's prediction for this step (kept per step): a choice, or a whole number."""
    step, key = LESSON[index], f"lecture_prediction_{index + 1}"
    if step.choices:
        return st.segmented_control("Your prediction", step.choices, key=key, disabled=locked)
    low, high = step.bounds
    box = st.columns([1, 3])[0]  # a number needs no full width
    return box.number_input(
        f"Your prediction ({low} to {high})", low, high, value=None, step=1, key=key, disabled=locked
    )


number = st.session_state["lecture_step"]
left, middle, right = st.columns([1, 5, 1], vertical_alignment="center")
left.button(
    "◀ Previous", key="lecture_back", shortcut="Left", on_click=_move, args=(-1,), disabled=number == 1, width="stretch"
)
middle.progress(number / count, text=f"Lesson step {number} of {count}")
right.button(
    "Next ▶", key="lecture_next", shortcut="Right", on_click=_move, args=(1,), disabled=number == count, width="stretch"
)
step = LESSON[number - 1]
st.header(step.title)
st.markdown(step.text)
view_button(
    "Open this on its own page",
    step.page,
    step.view,
    key="lecture_open",
    help="The page opens with this step's settings, so it shows the numbers of the answer below."
    if step.view
    else None,
)
revealed = f"lecture_revealed_{number}"
figure_box = st.container()  # above the question, drawn once the reveal is known
st.subheader("Predict, then reveal")
st.markdown(f"**{step.question}**")
prediction = prediction_ui(number - 1, locked=bool(st.session_state.get(revealed)))
st.button(  # (a callback: the prediction above is locked in the very run the reveal starts)
    "Reveal the answer",
    key="lecture_reveal",
    type="primary",
    disabled=bool(st.session_state.get(revealed)),
    on_click=st.session_state.__setitem__,
    args=(revealed, True),
)
answer = None
if st.session_state.get(revealed):
    try:
        with st.spinner("Computing the answer from a real model…"):
            answer, how = answer_of(number - 1)
    except RuntimeError as error:  # (a training answer, from a worker process)
        st.error(f"{error} Reveal again to retry.")
        st.session_state[revealed] = False
    else:
        st.success(f"**{answer}**", icon=":material/check_circle:")
        if prediction is not None:
            right = scored(number - 1, prediction)
            st.markdown("Your prediction was right." if right else f"You predicted {prediction}: not this time.")
        st.caption(f"Computed by rnnviz: {how}")
figure = shared(step_figure)(number - 1, answer is not None)
if figure is not None:
    with figure_box:
        chart(figure=figure, key="lecture_figure")
        st.caption("The figure of the page this step opens, drawn by that page's code from the same network and run.")
update_link(PAGE_LINKS["lecture"])
