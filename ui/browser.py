"""Which browser this is: a random id in a cookie, the same for every tab of one browser.

Streamlit gives every tab a session of its own, so a session cannot tell a student's second tab
from another student. The cookie can: the runs a browser starts are its to control, and each
browser has one active run per page (rnnviz.serving.runs_registry). A session that arrives without the
cookie makes a new id and sets it with a line of JavaScript; its later tabs send it back.
"""

from __future__ import annotations

import re
import secrets

import streamlit as st

COOKIE = "rnnviz_browser"
WELL_FORMED = re.compile(r"[0-9a-f]{32}")
KEY, PENDING = "_browser_id", "_browser_cookie_pending"


def browser_id() -> str:
    """This browser's id: the session's, else the cookie's, else a new one (set by remember_browser)."""
    known = st.session_state.get(KEY)
    if known:
        return known
    cookie = str(st.context.cookies.get(COOKIE, "") or "")
    if WELL_FORMED.fullmatch(cookie):
        st.session_state[KEY] = cookie
    else:
        st.session_state[KEY] = secrets.token_hex(16)
        st.session_state[PENDING] = True
    return st.session_state[KEY]


def remember_browser() -> None:
    """Once per new id: store it in the browser's cookie (a year; this site only)."""
    if st.session_state.pop(PENDING, False):
        cookie = f"{COOKIE}={browser_id()}; path=/; max-age=31536000; SameSite=Strict"
        st.sidebar.html(f"<script>document.cookie = {cookie!r};</script>", unsafe_allow_javascript=True)
