"""Presentation mode (`?present=1`, or the toggle in the sidebar): for a projector. The sidebar
starts collapsed, settings that are not the page's essentials are hidden, page text is larger,
and every figure goes through rnnviz.plots.style.projector (all text at least 18 px)."""

from __future__ import annotations

import streamlit as st

from rnnviz.plots.style import projector

KEY = "present"
TOOLBAR = {  # one button, on hover: download the figure as a PNG
    "displaylogo": False,
    "modeBarButtons": [["toImage"]],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}
PROJECTOR_CSS = """<style>
[data-testid=stMain] p, [data-testid=stMain] li, [data-testid=stMain] label p { font-size: 22px !important; }
[data-testid=stCaptionContainer], [data-testid=stCaptionContainer] * {
  font-size: 20px !important; color: #000 !important;
}
[data-testid=stMain] [data-testid=stMetricValue] p { font-size: 44px !important; }
.highlighted-text span { font-size: 30px !important; }
</style>"""


def read_present_flag() -> bool:
    """?present=1 turns it on for this session (once); the toggle decides after that."""
    if "_present_read" not in st.session_state:
        st.session_state["_present_read"] = True
        st.session_state[KEY] = st.query_params.get(KEY) in ("1", "true", "yes", "on")
    return presenting()


def presenting() -> bool:
    return bool(st.session_state.get(KEY, False))


def present_toggle() -> None:
    """The switch, at the top of the sidebar; it keeps `present=1` in the link while on."""
    st.sidebar.toggle("Presentation mode", key=KEY, help="For a projector: larger text, fewer controls.")
    if presenting():
        st.markdown(PROJECTOR_CSS, unsafe_allow_html=True)
        st.query_params[KEY] = "1"
    elif KEY in st.query_params:
        del st.query_params[KEY]


def chart(figure, key: str, container=st, width="stretch", config=None, **options):
    """Every figure goes through here: the projector style in presentation mode, and a toolbar
    with one button, "download as PNG", named after the chart."""
    if presenting():
        figure = projector(figure)
    config = config or {**TOOLBAR, "toImageButtonOptions": {**TOOLBAR["toImageButtonOptions"], "filename": key}}
    return container.plotly_chart(figure, key=key, width=width, config=config, **options)


def settings_box(label: str = "Settings"):
    """Where a page's secondary settings go: in plain sight, or folded away in presentation mode
    (still drawn, so their values stay)."""
    return st.expander(label, expanded=False) if presenting() else st.container()
