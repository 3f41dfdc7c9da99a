"""From scratch: the RNN and LSTM equations with the live numbers of one step, checked against torch."""

import inspect

import numpy as np
import streamlit as st

from rnnviz.net.reference import (
    chollet_forward,
    chollet_step_parts,
    chollet_torch_difference,
    lstm_step_from_torch,
    mingru_step_from_torch,
)
from ui.link import PAGE_LINKS, read_link_once, update_link
from ui.spec_sidebar import SPEC_NAMES
from ui.widgets import index_slider

STEPS, FEATURES, UNITS = 8, 4, 6  # small enough to read every number

st.header("From scratch: one step, every number")
rng = np.random.default_rng(0)
inputs = rng.normal(size=(STEPS, FEATURES))
W, U, b = rng.normal(size=(UNITS, FEATURES)) * 0.5, rng.normal(size=(UNITS, UNITS)) * 0.5, rng.normal(size=UNITS) * 0.1
read_link_once("scratch", PAGE_LINKS["scratch"], ignore=SPEC_NAMES)
st.session_state.setdefault("scratch_step", 3)  # a step with a state to carry
a, c = st.columns(2)
with a:
    t = index_slider("Time step t", STEPS, "scratch_step")
with c:
    j = index_slider("Unit j", UNITS, "scratch_unit")
update_link(PAGE_LINKS["scratch"])

simple, gated, minimal = st.tabs(["Simple RNN (Chollet's NumPy loop)", "LSTM cell", "minGRU cell"])
with simple:
    left, right = st.columns([1, 1])  # the worked sum needs half the width
    left.code(inspect.getsource(chollet_forward), language="python", wrap_lines=True)  # nothing hidden off the edge
    parts = chollet_step_parts(inputs, W, U, b, t)
    right.latex(r"h_t = \tanh(W x_t + U h_{t-1} + b)")
    right.latex(
        rf"\begin{{aligned}} h_{{{t}}}[{j}] &= \tanh(\underbrace{{{parts['W·x_t'][j]:.3f}}}_{{W x_t}} + "
        rf"\underbrace{{{parts['U·h_(t-1)'][j]:.3f}}}_{{U h_{{t-1}}}} + \underbrace{{{b[j]:.3f}}}_{{b}}) \\ "
        rf"&= \tanh({parts['sum'][j]:.3f}) = {parts['h_t'][j]:.4f} \end{{aligned}}"
    )
    difference = chollet_torch_difference(inputs, W, U, b)
    right.success(
        f"The NumPy loop equals `torch.nn.RNN` with the same weights: largest difference over all "
        f"{STEPS}×{UNITS} outputs = {difference:.1e}.".replace("e-", "e\u2011")  # a number never breaks at its hyphen
    )
    right.caption(
        f"Sizes here: {STEPS} steps, {FEATURES} input features, {UNITS} units; Chollet's example uses "
        "100 steps, 32 features and 64 units (the Shapes page has that preset)."
    )

with gated:
    s, difference = lstm_step_from_torch(inputs, UNITS, t)
    gates = [
        ("i", r"\sigma", "input gate: how much of g to write"),
        ("f", r"\sigma", "forget gate: how much of c to keep"),
        ("g", r"\tanh", "candidate values"),
        ("o", r"\sigma", "output gate: how much of c to show"),
    ]
    left, right = st.columns([3, 2])
    with left:
        for name, fn, meaning in gates:
            st.latex(
                rf"{name}_{{{t}}}[{j}] = {fn}(W_{{{name}x}} x_t + W_{{{name}h}} h_{{t-1}} + b_{name}) = "
                rf"{fn}({s['pre'][name][j]:.3f}) = {s[name][j]:.4f}"
            )
            st.caption(meaning)
    with right:
        st.markdown(
            "**The conveyor belt.** The cell state is updated by adding, not by multiplying through a "
            "weight matrix, which is why gradients survive along it."
        )
        st.latex(
            rf"\begin{{aligned}} c_{{{t}}}[{j}] &= f \odot c_{{{t - 1}}} + i \odot g \\ &= {s['f'][j]:.3f} \times "
            rf"{s['c_prev'][j]:.3f} + {s['i'][j]:.3f} \times {s['g'][j]:.3f} = {s['c'][j]:.4f} \end{{aligned}}"
        )
        st.latex(
            rf"\begin{{aligned}} h_{{{t}}}[{j}] &= o \odot \tanh(c_{{{t}}}) \\ &= {s['o'][j]:.3f} \times "
            rf"\tanh({s['c'][j]:.3f}) = {s['h'][j]:.4f} \end{{aligned}}"
        )
        st.success(
            f"These NumPy numbers equal PyTorch's `nn.LSTM` (step {t}, all gates and h_t): largest "
            f"difference {difference:.1e}."
        )

with minimal:
    m, difference = mingru_step_from_torch(inputs, UNITS, t)
    left, right = st.columns([3, 2])
    with left:
        st.latex(rf"z_{{{t}}}[{j}] = \sigma(W_z x_t + b_z) = \sigma({m['pre_z'][j]:.3f}) = {m['z'][j]:.4f}")
        st.caption("update gate: how much of the candidate to take. It reads x_t only, not h_{t−1}.")
        st.latex(rf"\tilde h_{{{t}}}[{j}] = g(W_h x_t + b_h) = g({m['pre_h'][j]:.3f}) = {m['g'][j]:.4f}")
        st.caption("candidate: g(v) = v + ½ for v ≥ 0, σ(v) below, so it stays positive (the log-space scan needs it).")
    with right:
        st.markdown(
            "**Linear in h.** Neither gate reads h_{t−1}, so h_t = a_t ⊙ h_{t−1} + b_t with a = 1 − z and "
            "b = z ⊙ h̃ known in advance: a parallel scan computes every step at once (the Scan page)."
        )
        st.latex(
            rf"\begin{{aligned}} h_{{{t}}}[{j}] &= (1 - z) \odot h_{{{t - 1}}} + z \odot \tilde h \\ &= "
            rf"(1 - {m['z'][j]:.3f}) \times {m['h_prev'][j]:.3f} + {m['z'][j]:.3f} \times {m['g'][j]:.3f} "
            rf"= {m['h'][j]:.4f} \end{{aligned}}"
        )
        st.success(
            f"These NumPy numbers equal rnnviz's minGRU module (step {t}, both gates and h_t): largest "
            f"difference {difference:.1e}."
        )
