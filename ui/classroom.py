"""The Lecture page's class: the lecturer starts one (a code, a join link and a QR code on the
projector) and moves it; students join from the link or the code, anonymously, follow the
lecturer's step or wander off and come back, and answer each step once. The state lives in
rnnviz.serving.classroom (this process, or Redis shared by every replica).

Who is who: a browser is the SHA-256 digest of its cookie's id (ui/browser.py); the class keeps
its lecturer's digest, so only that browser can move or reveal, and no link carries it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

import segno
import streamlit as st

from rnnviz.lessons.lesson import Lesson, default_lesson
from rnnviz.lessons.lesson_file import LessonFileError, read_lesson
from rnnviz.plots.classroom import answers_figure
from rnnviz.serving.classroom import ClassError, ClassState, class_store, well_formed
from ui.browser import browser_id, remember_browser
from ui.present import chart
from ui.views import parsed_view

CODE, FOLLOW, VERSION = "lecture_class", "lecture_follow", "_lecture_class_version"
POLL_S = 1.0  # how often a student's page asks whether the class moved; the lecturer's, for answers


def me() -> str:
    """This browser, as the class store knows it."""
    return hashlib.sha256(browser_id().encode()).hexdigest()[:32]


@lru_cache(maxsize=32)
def lesson_of(text: str) -> Lesson:
    """A lesson file's lesson, its links checked against the pages they open (LessonFileError)."""
    return read_lesson(text, check_view=parsed_view)


@dataclass(frozen=True)
class Room:
    state: ClassState
    lecturer: bool  # this browser leads the class

    @property
    def code(self) -> str:
        return self.state.code

    @property
    def lesson(self) -> Lesson:
        try:
            return lesson_of(self.state.lesson)
        except LessonFileError:  # (checked when the class started; a newer app may read it differently)
            return default_lesson()

    @property
    def following(self) -> bool:
        return self.lecturer or bool(st.session_state.get(FOLLOW, True))


def current_room() -> Room | None:
    """The class this session is in (from ?class= or Join), or None; a code that names no class is
    said and forgotten."""
    me()
    remember_browser()  # the cookie that makes this browser the same lecturer or student after a reload
    code = str(st.session_state.get(CODE) or "").strip().upper()
    if not code:
        return None
    try:
        state = class_store().state(code) if well_formed(code) else None
    except ClassError as error:
        st.error(str(error))
        return None
    if state is None:
        st.warning(f"There is no class {code[:12]} on this server: it has ended, or the code is mistyped.")
        st.session_state[CODE] = ""
        return None
    if st.session_state.get(VERSION) is None:
        st.session_state[VERSION] = state.version
    st.session_state.setdefault(FOLLOW, True)
    room = Room(state, state.lecturer == me())
    if not room.lecturer and st.session_state.get("_lecture_joined") != code:
        try:
            class_store().join(code, me())  # counted in the room as soon as the page opens
            st.session_state["_lecture_joined"] = code
        except ClassError as error:
            st.error(str(error))
            st.session_state[CODE] = ""
            return None
    return room


def join_url(code: str) -> str:
    """The address students open: this server's Lecture page with the class code."""
    here = urlsplit(st.context.url or "http://localhost:8501/lecture")
    return f"{here.scheme}://{here.netloc}/lecture?class={code}"


def start_class(lesson_text: str) -> None:
    try:
        code = st.session_state[CODE] = class_store().start(lesson_text, me())
        class_store().move(code, me(), int(st.session_state.get("lecture_step", 1)))  # from the step on screen
        st.session_state[VERSION] = None
    except ClassError as error:
        st.session_state["_lecture_class_note"] = str(error)


def _join() -> None:
    code = str(st.session_state.get("lecture_join_code") or "").strip().upper()
    if not well_formed(code):
        st.session_state["_lecture_class_note"] = "A class code is 5 letters and digits, as on the projector."
        return
    st.session_state[CODE], st.session_state[FOLLOW], st.session_state[VERSION] = code, True, None


def start_or_join_ui(lesson_text: str) -> None:
    """For a session in no class: start one with this lesson, or join one by its code."""
    note = st.session_state.pop("_lecture_class_note", "")
    with st.expander("Teach this lesson to a room, or join a class", icon=":material/groups:", expanded=bool(note)):
        left, right = st.columns(2)
        left.markdown(
            "**Lecturer:** start a class; the projector shows a code, a link and a QR code. Students answer each "
            "step from their phones; you see how the room answered, then reveal it on every device."
        )
        left.button(
            "Start a class",
            key="lecture_start_class",
            icon=":material/cast_for_education:",
            on_click=start_class,
            args=(lesson_text,),
        )
        right.text_input("Class code", key="lecture_join_code", max_chars=5, placeholder="e.g. K7QF2")
        right.button("Join the class", key="lecture_join", icon=":material/login:", on_click=_join)
        if note:
            st.error(note)


def _end(code: str) -> None:
    try:
        class_store().end(code, me())
    except ClassError:
        pass
    st.session_state[CODE] = ""


def lecturer_banner(room: Room) -> None:
    """On the projector: the code, the join link and its QR code; End the class."""
    url = join_url(room.code)
    words, picture = st.columns([3, 1], vertical_alignment="center")
    words.markdown(f"### Join at **{url.split('://', 1)[1].split('/', 1)[0]}/lecture** with the code **{room.code}**")
    words.caption(f"Or open {url} or scan the code. Students need no account or name; each answers a step once.")
    words.button(
        "End the class", key="lecture_end_class", icon=":material/stop_circle:", on_click=_end, args=(room.code,)
    )
    qr = segno.make(url, error="m").svg_data_uri(scale=6, border=2, dark="#000", light="#fff")
    picture.image(qr, width=180, alt=f"QR code of the join link {url}")


def _leave() -> None:
    st.session_state[CODE] = ""


def student_banner(room: Room) -> None:
    """The class this student is in; Follow the lecturer; and a watch on the class that redraws
    the page when the lecturer moves or reveals."""
    left, middle, right = st.columns([2, 2, 1], vertical_alignment="center")
    left.markdown(f"**Class {room.code}**")
    middle.toggle(
        "Follow the lecturer",
        key=FOLLOW,
        help="On: your step moves with the lecturer's. Off: explore the lesson yourself; turn it on to come back.",
    )
    right.button("Leave", key="lecture_leave", on_click=_leave)
    watch_class(room.code)


@st.fragment(run_every=POLL_S)
def watch_class(code: str) -> None:
    """Every POLL_S: when the lecturer moved or revealed, redraw the whole page."""
    try:
        state = class_store().state(code)
    except ClassError:
        return
    if state is None or state.version != st.session_state.get(VERSION):
        st.session_state[VERSION] = None if state is None else state.version
        st.rerun()
    if not st.session_state.get(FOLLOW, True):
        st.caption(f"The lecturer is at step {state.step}.")


def move_class(room: Room | None, step: int) -> None:
    """The lecturer's move is the class's move."""
    if room is not None and room.lecturer:
        try:
            class_store().move(room.code, me(), step)
        except ClassError as error:
            st.session_state["_lecture_class_note"] = str(error)


def reveal_to_class(code: str, step: int) -> None:
    try:
        class_store().reveal(code, me(), step)
    except ClassError as error:
        st.session_state["_lecture_class_note"] = str(error)


@st.fragment(run_every=POLL_S)
def room_answers(code: str, number: int, choices: tuple[str, ...], correct: str | None) -> None:
    """The lecturer's live view of the room's answers to this step: counts, then the spread."""
    try:
        joined, counts = class_store().tally(code, number)
    except ClassError as error:
        st.error(str(error))
        return
    answered = sum(counts.values())
    st.markdown(
        f"**{answered} of {joined} answered**"
        + (" (the answer is not shown until you reveal it)" if correct is None else "")
    )
    chart(figure=answers_figure(counts, choices, correct), key="lecture_room_answers")


def send_answer(code: str, number: int, key: str) -> None:
    """Send the prediction in widget `key` as this browser's answer (once)."""
    value = st.session_state.get(key)
    if value is None:
        return
    try:
        class_store().answer(code, me(), number, str(value))
    except ClassError as error:
        st.session_state["_lecture_class_note"] = str(error)


def sent_answer(code: str, number: int) -> str | None:
    try:
        return class_store().answered(code, me(), number)
    except ClassError:
        return None
