"""Presentation mode (`?present=1`, or the toggle in the sidebar): for a projector. The sidebar
starts collapsed, settings that are not the page's essentials are hidden, page text is larger,
and every figure goes through rnnviz.plots.style.projector (all text at least 18 px)."""

from __future__ import annotations

import contextlib
import threading

import plotly.graph_objects as go
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
/* code and every value a widget shows: at least 18 px from the back of a room */
[data-testid=stMain] code, [data-testid=stMain] pre, [data-testid=stMain] pre * { font-size: 18px !important; }
[data-testid=stMain] input, [data-testid=stMain] textarea,
[data-testid=stMain] [data-baseweb=select] *, [data-testid=stMain] [data-testid=stSliderThumbValue],
[data-testid=stMain] [data-testid=stSliderTickBarMin], [data-testid=stMain] [data-testid=stSliderTickBarMax],
[data-testid=stMain] button p, [data-testid=stMain] [data-testid=stMetricLabel] p,
[data-testid=stMain] [data-testid=stMetricDelta] div, [data-testid=stMain] [data-testid=stProgress] p,
[data-testid=stMain] [data-testid=stWidgetLabel] p { font-size: 20px !important; }
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


_STEADY = threading.local()  # set while a player draws a frame or a live run redraws


@contextlib.contextmanager
def steady_charts():
    """Charts drawn inside change in place (ui/steady.py): for players and live runs."""
    before = getattr(_STEADY, "on", False)
    _STEADY.on = True
    try:
        yield
    finally:
        _STEADY.on = before


def chart(figure, key: str, container=st, width="stretch", config=None, **options):
    """Every figure goes through here: the projector style in presentation mode, and a toolbar
    with one button, "download as PNG", named after the chart. Inside steady_charts(), a chart
    that changes in place (no selections there)."""
    if presenting():
        figure = projector(figure)
    config = config or {**TOOLBAR, "toImageButtonOptions": {**TOOLBAR["toImageButtonOptions"], "filename": key}}
    if getattr(_STEADY, "on", False) and not options:
        from ui.steady import steady_chart

        return steady_chart(figure, key, config, container)
    return container.plotly_chart(figure, key=key, width=width, config=config, **options)


class SharedFigure(go.Figure):
    """A figure that many sessions draw: Streamlit asks every draw for its dict (a deep copy of
    the whole figure); this one makes it once. Never changed after it is made."""

    def to_dict(self) -> dict:
        found = self.__dict__.get("_shared_dict")
        if found is None:
            found = self.__dict__["_shared_dict"] = super().to_dict()
        return found


_PLOTS: dict[str, object] = {}  # name → figure function, for shared()


@st.cache_resource(max_entries=256, show_spinner=False)
def _shared_figure(name: str, *args, **kwargs) -> SharedFigure:
    return SharedFigure(_PLOTS[name](*args, **kwargs))


def shared(function):
    """`function` (a figure function of rnnviz.plots), made once per server for each set of
    arguments: the students who draw the same figure (a lesson's, a demo's, the same step of the
    same player) share it, so it is built and made into a dict once, not once per student."""
    name = f"{function.__module__}.{function.__qualname__}"
    _PLOTS[name] = function
    return lambda *args, **kwargs: _shared_figure(name, *args, **kwargs)


def settings_box(label: str = "Settings"):
    """Where a page's secondary settings go: in plain sight, or folded away in presentation mode
    (still drawn, so their values stay)."""
    return st.expander(label, expanded=False) if presenting() else st.container()
