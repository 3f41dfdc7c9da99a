"""RNN Explorer: the entry point. `streamlit run app.py`."""

import streamlit as st

st.set_page_config(page_title="RNN Explorer", page_icon="🔁", layout="wide")
st.title("RNN Explorer")
st.write("Recurrent neural networks made visible. The pages are on their way: topologies, tensor shapes, "
         "the unrolled graph with backpropagation through time, and live training.")
