"""RNN Explorer: the entry point and router. `streamlit run app.py`."""

import streamlit as st
import torch

from ui.spec_sidebar import show_url_problems, spec_sidebar

torch.set_num_threads(1)  # two OpenMP threads on a busy 2-core machine are 100× slower (DESIGN.md)
st.set_page_config(page_title="RNN Explorer", page_icon=":material/autorenew:", layout="wide")

pages = st.navigation(
    {
        "": [st.Page("app_pages/home.py", title="Home", icon=":material/home:", default=True)],
        "Learn": [
            st.Page(
                "app_pages/topologies.py", title="Topologies", icon=":material/account_tree:", url_path="topologies"
            ),
            st.Page("app_pages/shapes.py", title="Shapes", icon=":material/view_in_ar:", url_path="shapes"),
            st.Page(
                "app_pages/batches.py", title="Text into batches", icon=":material/text_fields:", url_path="batches"
            ),
        ],
    }
)
spec_sidebar()
show_url_problems()
pages.run()
