"""Lecture: the default lesson, one screen a step, each with a question to predict before the reveal.
The step is in the link (`/lecture?step=4`); ← and → move through it."""

import streamlit as st

from rnnviz.lessons.lesson import LESSON
from ui.link import PAGE_LINKS, read_link_once, update_link
from ui.spec_sidebar import SPEC_NAMES
from ui.views import view_button

read_link_once("lecture", PAGE_LINKS["lecture"], ignore=SPEC_NAMES)
st.session_state.setdefault("lecture_step", 1)
count = len(LESSON)
st.session_state["lecture_step"] = min(max(int(st.session_state["lecture_step"]), 1), count)


def _move(delta: int) -> None:
    st.session_state["lecture_step"] = min(max(st.session_state["lecture_step"] + delta, 1), count)


@st.cache_data(show_spinner=False)
def answer_of(index: int) -> tuple[str, str]:
    return LESSON[index].answer()


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
st.subheader("Predict, then reveal")
st.markdown(f"**{step.question}**")
revealed = f"lecture_revealed_{number}"
if st.button("Reveal the answer", key="lecture_reveal", type="primary"):
    st.session_state[revealed] = True
if st.session_state.get(revealed):
    try:
        with st.spinner("Computing the answer from a real model…"):
            answer, how = answer_of(number - 1)
    except RuntimeError as error:  # (a training answer, from a worker process)
        st.error(f"{error} Reveal again to retry.")
        st.session_state[revealed] = False
    else:
        st.success(f"**{answer}**", icon=":material/check_circle:")
        st.caption(f"Computed by rnnviz: {how}")
update_link(PAGE_LINKS["lecture"])
