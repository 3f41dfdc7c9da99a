"""Which lesson the Lecture page teaches: the default, a file from the lessons folder
(RNNVIZ_LESSONS_DIR), or one a lecturer uploads. A file with mistakes is refused with each mistake
and its line; the lesson on screen stays."""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from rnnviz.lessons.answers import ANSWERS
from rnnviz.lessons.lesson import DEFAULT_FILE
from rnnviz.lessons.lesson_file import MAX_BYTES, LessonFileError
from ui.classroom import lesson_of
from ui.plain import plain

TEXT, NOTE = "lecture_lesson_text", "_lecture_lesson_note"
DEFAULT = "The default lesson"


def folder_lessons() -> dict[str, Path]:
    """The .toml files of RNNVIZ_LESSONS_DIR, by name (none when it is unset)."""
    folder = os.environ.get("RNNVIZ_LESSONS_DIR", "")
    if not folder or not Path(folder).is_dir():
        return {}
    return {path.stem[:60]: path for path in sorted(Path(folder).glob("*.toml"))[:50]}


def _try(text: str, name: str) -> None:
    try:
        lesson_of(text)
    except LessonFileError as error:
        st.session_state[NOTE] = (f"{name} was not opened:", [f"line {n}: {said}" for n, said in error.problems])
        return
    st.session_state[TEXT], st.session_state[NOTE] = text, None


def _uploaded() -> None:
    upload = st.session_state.get("lecture_lesson_upload")
    if upload is None:
        return
    data = upload.getvalue()
    if len(data) > MAX_BYTES:
        st.session_state[NOTE] = (
            f"{upload.name[:60]} was not opened:",
            [f"a lesson file is at most {MAX_BYTES // 1000} KB."],
        )
        return
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        st.session_state[NOTE] = (f"{upload.name[:60]} was not opened:", ["a lesson file is UTF-8 text."])
        return
    _try(text, upload.name[:60])


def _picked() -> None:
    name = st.session_state.get("lecture_lesson_pick")
    path = folder_lessons().get(name)
    if name == DEFAULT or path is None:
        st.session_state[TEXT], st.session_state[NOTE] = "", None
    else:
        _try(path.read_text(errors="replace")[: MAX_BYTES + 1], name)


def lesson_text_ui() -> str:
    """The lesson file's text this session teaches (the default's, unless another was opened)."""
    with st.expander("Open another lesson, or write your own", icon=":material/menu_book:"):
        names = [DEFAULT, *folder_lessons()]
        if len(names) > 1:
            st.selectbox("Lessons on this server", names, key="lecture_lesson_pick", on_change=_picked)
        st.file_uploader("Open a lesson file (.toml)", type=["toml"], key="lecture_lesson_upload", on_change=_uploaded)
        st.markdown(
            "A lesson is a TOML file: a `title`, then one `[[step]]` per step with a `title`, a `text`, a `link` "
            "(the page and its settings, as in the address bar), a `question`, an `answer` computed by the app, "
            "and an `explain`. Start from the default lesson:"
        )
        st.download_button("⬇ default.toml", DEFAULT_FILE.read_bytes(), "default.toml", "text/plain")
        st.markdown("**Answers the app computes**, each on its page:")
        st.markdown("\n".join(f"- `{name}` (/{kind.page}): {kind.words}" for name, kind in ANSWERS.items()))
    note = st.session_state.get(NOTE)
    if note:
        head, problems = note
        st.error(plain(head) + "\n\n" + "\n".join(f"- {plain(problem)}" for problem in problems[:20]))
    return st.session_state.get(TEXT) or DEFAULT_FILE.read_text()
