"""RNN Explorer: the entry point and router. `streamlit run app.py`."""

from pathlib import Path

import streamlit as st
import torch

from ui.collector import freeze_imports
from ui.inside import INSPECTING_PAGES
from ui.kept import say_what_was_closed
from ui.link import OWN_LINK_PAGES, page_link_names, share_link
from ui.pages import PAGES
from ui.present import present_toggle, read_present_flag
from ui.spec_sidebar import load_link_once, new_run, show_url_problems, spec_sidebar
from ui.steady import serve_plotly

torch.set_num_threads(1)  # two OpenMP threads on a busy 2-core machine are 100× slower (docs/design.md)
st.set_page_config(
    page_title="RNN Explorer",
    page_icon=str(Path(__file__).parent / "docs" / "favicon.png"),  # shipped: a classroom may be offline
    layout="wide",
    initial_sidebar_state="collapsed" if read_present_flag() else "auto",  # a projector needs the width
)
serve_plotly()  # the Plotly the steady charts redraw with, at /app/static/plotly.min.js

sections: dict[str, list[st.Page]] = {}
for info in PAGES:
    options = {"url_path": info.url_path} if info.url_path else {"default": True}
    page = st.Page(f"app_pages/{info.file}.py", title=info.title, icon=f":material/{info.icon}:", **options)
    sections.setdefault(info.section, []).append(page)
pages = st.navigation(sections, expanded=True)
new_run()
present_toggle()
say_what_was_closed()  # files this session opened that the server's memory caps closed since
if pages.url_path not in OWN_LINK_PAGES:  # the training pages read their own settings from the link
    load_link_once(ignore=page_link_names(pages.url_path))  # the spec in the link, and what could not be used
    show_url_problems()
    shown = next((info for info in PAGES if info.url_path == pages.url_path), PAGES[0])
    if shown.uses_spec and pages.url_path not in INSPECTING_PAGES:  # those draw it only for the untrained model
        spec_sidebar(keep=page_link_names(pages.url_path))
try:
    pages.run()
finally:  # after the page (even one that stopped early), so the link holds what it wrote
    share_link()
    freeze_imports()  # so Streamlit's collection after the run walks only what sessions made
