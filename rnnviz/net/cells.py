"""One time step of each recurrent cell, in PyTorch's weight layout, with every gate exposed.

`ih` is the input half of the pre-activation, W_ih·x_t + b_ih, computed for all steps at once
by the caller (it does not depend on h). The weight rows are stacked as PyTorch stacks them:
RNN one block, LSTM (i, f, g, o), GRU (r, z, n), each block `hidden_size` rows.
"""

from __future__ import annotations

import torch
from torch import Tensor


def _hh(h: Tensor, W_hh: Tensor, b_hh: Tensor | None) -> Tensor:
    hh = h @ W_hh.T  # (B, G·H)
    return hh if b_hh is None else hh + b_hh


def rnn_cell(ih: Tensor, h: Tensor, W_hh: Tensor, b_hh: Tensor | None, nonlinearity: str):
    """h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)   (or relu)."""
    pre = ih + _hh(h, W_hh, b_hh)
    h = torch.tanh(pre) if nonlinearity == "tanh" else torch.relu(pre)
    return h, {}


def lstm_cell(ih: Tensor, h: Tensor, c: Tensor, W_hh: Tensor, b_hh: Tensor | None):
    """i, f, o = σ(·), g = tanh(·);  c_t = f⊙c_{t-1} + i⊙g;  h_t = o⊙tanh(c_t)."""
    i, f, g, o = (ih + _hh(h, W_hh, b_hh)).chunk(4, dim=-1)
    i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
    c = f * c + i * g
    h = o * torch.tanh(c)
    return h, c, {"i": i, "f": f, "g": g, "o": o}


def gru_cell(ih: Tensor, h: Tensor, W_hh: Tensor, b_hh: Tensor | None):
    """r, z = σ(·);  n = tanh(W_in x + b_in + r⊙(W_hn h + b_hn));  h_t = (1-z)⊙n + z⊙h_{t-1}.

    The reset gate multiplies the *projected* state (PyTorch's form, not d2l's r⊙h first).
    """
    ih_r, ih_z, ih_n = ih.chunk(3, dim=-1)
    hh_r, hh_z, hh_n = _hh(h, W_hh, b_hh).chunk(3, dim=-1)
    r = torch.sigmoid(ih_r + hh_r)
    z = torch.sigmoid(ih_z + hh_z)
    n = torch.tanh(ih_n + r * hh_n)
    h = (1 - z) * n + z * h
    return h, {"r": r, "z": z, "n": n}
