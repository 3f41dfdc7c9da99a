import pathlib

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture
def app():
    """A fresh app on its default page. Caches are shared across AppTest instances in one process."""
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return at
