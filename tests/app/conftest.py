import pathlib
import re

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def shown(elements) -> str:
    """The text of AppTest elements as the page shows it: Markdown's backslash escapes removed
    (ui.plain escapes everything that came from outside)."""
    return " ".join(re.sub(r"\\(.)", r"\1", element.value) for element in elements)


@pytest.fixture
def app():
    """A fresh app on its default page. Caches are shared across AppTest instances in one process."""
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return at


def charts(at) -> list:
    """Every figure the page drew, as st.plotly_chart's elements (`.proto.id`, `.proto.spec`): plain
    charts, and the steady charts of players and live runs (ui/steady.py), whose figure is their data."""
    import json
    from types import SimpleNamespace

    found = list(at.get("plotly_chart"))
    for element in at.get("bidi_component"):
        if element.proto.component_name == "rnnviz_steady_chart":
            figure = json.loads(element.proto.json)["figure"]
            found.append(SimpleNamespace(proto=SimpleNamespace(id=element.proto.id, spec=json.dumps(figure))))
    return found
