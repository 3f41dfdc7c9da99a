"""Files this browser session keeps open (uploaded run files and checkpoints), accounted
server-wide by rnnviz.serving.holdings: past the session's or the server's cap the least recently used
are closed, and the page says which. Closing the tab lets go of all of them."""

from __future__ import annotations

import streamlit as st

from rnnviz.serving.holdings import HOLDINGS, HoldingsError, nbytes
from ui.plain import plain

NAMES = "_kept_names"  # session state: (kind, name) of every file this session opened and was told of


class SessionKey:
    """One per browser session: the key of its holdings, released with the session."""


@st.cache_resource(scope="session", on_release=HOLDINGS.drop_session, show_spinner=False)
def session_key() -> SessionKey:
    return SessionKey()


def keep(kind: str, name: str, value) -> None:
    """Keep an opened file for this session; a file too large to keep at all is a HoldingsError."""
    dropped = HOLDINGS.put(session_key(), f"{kind}:{name}", value, nbytes(value))
    st.session_state.setdefault(NAMES, set()).add((kind, name))
    mine = [key.split(":", 1)[1] for owner, key in dropped if owner is session_key()]
    if mine:
        st.session_state["_kept_notice"] = (
            f"To keep the server's memory for everyone, the files you opened longest ago were closed: "
            f"{', '.join(mine)}. Open them again to use them."
        )


def kept(kind: str) -> dict[str, object]:
    """This session's open files of one kind ("run" or "checkpoint"), by name, oldest first."""
    found = {}
    for key in HOLDINGS.names(session_key()):
        if key.startswith(kind + ":"):
            found[key.split(":", 1)[1]] = HOLDINGS.get(session_key(), key)
    return found


def say_what_was_closed() -> None:
    """Once: the files this session opened that were closed since (by its cap or the server's)."""
    still = set(HOLDINGS.names(session_key()))
    told = st.session_state.get(NAMES, set())
    gone = sorted(name for kind, name in told if f"{kind}:{name}" not in still)
    st.session_state[NAMES] = {(kind, name) for kind, name in told if f"{kind}:{name}" in still}
    notice = st.session_state.pop("_kept_notice", None) or (
        f"{', '.join(gone)} {'was' if len(gone) == 1 else 'were'} closed to free the server's memory for the room "
        "(it keeps the files used most recently). Open it again to use it."
        if gone
        else None
    )
    if notice:
        st.warning(plain(notice), icon=":material/memory:")


__all__ = ["HoldingsError", "keep", "kept", "say_what_was_closed"]
