"""A view: a page with its settings, as a link would give them (`{"hidden_size": "32", "T": "60"}`).
Opening one puts the settings into this session first, because a page reads its link only on a
session's first visit to it."""

from __future__ import annotations

import streamlit as st

from rnnviz.net.spec import RNNSpec
from ui.link import PAGE_LINKS, LinkField
from ui.spec_sidebar import SPEC_KEY, SPEC_NAMES, set_spec_widgets
from ui.training_fields import training_fields


def page_fields(page: str) -> list[LinkField]:
    """The settings a page's link carries, besides the sidebar's spec."""
    if page in ("train", "race"):
        return training_fields(f"{page}_", race=page == "race")
    return PAGE_LINKS.get(page, [])


def apply_view(page: str, view: dict[str, str]) -> None:
    """Put a view's settings into this session's widgets; a value that cannot be used raises ValueError."""
    spec_values = {name: text for name, text in view.items() if name in SPEC_NAMES}
    if spec_values:
        spec = RNNSpec.from_params(spec_values)  # as the link opened fresh: the rest at their defaults
        set_spec_widgets(spec)
        st.session_state[SPEC_KEY] = spec
    fields = {f.name: f for f in page_fields(page)}
    for name, text in view.items():
        if name in fields:
            st.session_state[fields[name].key] = fields[name].parse(text)
        elif name not in SPEC_NAMES:
            raise ValueError(f"The {page} page has no setting {name!r}.")
    st.session_state[f"_link_read_{page}"] = True  # the view is what it shows, not an older link


def view_button(label: str, page: str, view: dict[str, str], key: str, help: str | None = None) -> None:
    """A button that opens the page on this view (its settings go in from the button's callback,
    before any widget of this run is drawn)."""
    if st.button(label, key=key, icon=":material/open_in_new:", help=help, on_click=apply_view, args=(page, view)):
        st.switch_page(f"app_pages/{page}.py", query_params=view)
