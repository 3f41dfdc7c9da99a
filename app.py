"""RNN Explorer: the entry point and router. `streamlit run app.py`."""

import streamlit as st
import torch

from ui.spec_sidebar import show_url_problems, spec_sidebar

torch.set_num_threads(1)  # two OpenMP threads on a busy 2-core machine are 100× slower (DESIGN.md)
st.set_page_config(page_title="RNN Explorer", page_icon=":material/autorenew:", layout="wide")


def page(file: str, title: str, icon: str, **options) -> st.Page:
    return st.Page(f"app_pages/{file}.py", title=title, icon=f":material/{icon}:", **options)


pages = st.navigation(expanded=True, pages={
    "": [page("home", "Home", "home", default=True)],
    "Learn": [
        page("topologies", "Topologies", "account_tree", url_path="topologies"),
        page("shapes", "Shapes", "view_in_ar", url_path="shapes"),
        page("batches", "Text into batches", "text_fields", url_path="batches"),
    ],
    "Backpropagation through time": [
        page("bptt", "Unroll & BPTT", "swap_horiz", url_path="bptt"),
        page("vanishing", "Vanishing gradients", "trending_down", url_path="vanishing"),
        page("scratch", "From scratch", "calculate", url_path="scratch"),
    ],
    "Training": [
        page("train", "Train", "model_training", url_path="train"),
        page("race", "Race RNN · GRU · LSTM", "sprint", url_path="race"),
    ],
    "Inside a trained network": [
        page("inside", "Inside", "visibility", url_path="inside"),
        page("trajectory", "Trajectory", "timeline", url_path="trajectory"),
        page("generate", "Generate", "edit_note", url_path="generate"),
        page("compare", "Compare", "compare", url_path="compare"),
    ],
})
if pages.url_path not in ("train", "race"):  # the training pages have their own settings
    spec_sidebar()
    show_url_problems()
pages.run()
