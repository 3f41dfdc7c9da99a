"""A view: a page with its settings, as a link would give them (`{"hidden_size": "32", "T": "60"}`).
Opening one puts the settings into this session first, because a page reads its link only on a
session's first visit to it."""

from __future__ import annotations

import streamlit as st

from rnnviz.net.spec import RNNSpec
from ui.link import PAGE_LINKS, LinkField
from ui.replay import REPLAY, replay_fields
from ui.spec_sidebar import SPEC_KEY, SPEC_NAMES, set_spec_widgets
from ui.training_fields import training_fields


def page_fields(page: str) -> list[LinkField]:
    """The settings a page's link carries, besides the sidebar's spec."""
    if page in ("train", "race"):
        return training_fields(f"{page}_", race=page == "race") + replay_fields(f"{page}_")
    return PAGE_LINKS.get(page, [])


def parsed_view(page: str, view: dict[str, str]) -> tuple[RNNSpec | None, dict[str, object]]:
    """(the sidebar's network the view sets, or None; its page settings by session key), each
    value parsed as a link opening the page would parse it; one that cannot be used raises ValueError."""
    spec_values = {name: text for name, text in view.items() if name in SPEC_NAMES}
    spec = RNNSpec.from_params(spec_values) if spec_values else None  # the rest at their defaults
    fields = {f.name: f for f in page_fields(page)}
    values = {}
    for name, text in view.items():
        if name in fields:
            values[fields[name].key] = fields[name].parse(text)
        elif name not in SPEC_NAMES:
            raise ValueError(f"The {page} page has no setting {name!r}.")
    return spec, values


def apply_view(page: str, view: dict[str, str]) -> None:
    """Put a view's settings into this session's widgets; a value that cannot be used raises ValueError."""
    spec, values = parsed_view(page, view)
    if spec is not None:
        set_spec_widgets(spec)
        st.session_state[SPEC_KEY] = spec
    st.session_state.update(values)
    st.session_state[f"_link_read_{page}"] = True  # the view is what it shows, not an older link
    if "replay" in view:  # a recorded run: the page opens on its replay
        st.session_state[f"{page}_mode"] = REPLAY
        st.session_state[f"_link_read_{page}_replay"] = True


def view_button(label: str, page: str, view: dict[str, str], key: str, help: str | None = None) -> None:
    """A button that opens the page on this view (its settings go in from the button's callback,
    before any widget of this run is drawn)."""
    if st.button(label, key=key, icon=":material/open_in_new:", help=help, on_click=apply_view, args=(page, view)):
        st.switch_page(f"app_pages/{page}.py", query_params=view)
