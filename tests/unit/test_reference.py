"""The NumPy from-scratch code against torch."""

import numpy as np
import torch
from torch import nn

from rnnviz.net.reference import chollet_forward, min_char_rnn_step
from rnnviz.net.unroll import unroll


def test_chollet_forward_equals_torch_rnn_unbatched():
    rng = np.random.default_rng(0)
    T, F, H = 100, 32, 64
    inputs = rng.normal(size=(T, F))
    W, U, b = rng.normal(size=(H, F)) * 0.1, rng.normal(size=(H, H)) * 0.1, rng.normal(size=H) * 0.1
    rnn = nn.RNN(F, H).double()
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.from_numpy(W))
        rnn.weight_hh_l0.copy_(torch.from_numpy(U))
        rnn.bias_ih_l0.copy_(torch.from_numpy(b))
        rnn.bias_hh_l0.zero_()
        expected, _ = rnn(torch.from_numpy(inputs))  # unbatched: (T, F) → (T, H)
    ours = chollet_forward(inputs, W, U, b)
    assert ours.shape == (100, 64)
    assert np.abs(ours - expected.numpy()).max() < 1e-12


def test_min_char_rnn_bptt_equals_torch_autograd():
    rng = np.random.default_rng(1)
    V, H, T = 9, 7, 12
    inputs, targets = rng.integers(V, size=T).tolist(), rng.integers(V, size=T).tolist()
    W_xh, W_hh, W_hy = (rng.normal(size=s) * 0.3 for s in [(H, V), (H, H), (V, H)])
    b_h, b_y, h_prev = rng.normal(size=H) * 0.1, rng.normal(size=V) * 0.1, rng.normal(size=H) * 0.1
    ours = min_char_rnn_step(inputs, targets, h_prev, W_xh, W_hh, W_hy, b_h, b_y)

    rnn, head = nn.RNN(V, H).double(), nn.Linear(H, V).double()
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.from_numpy(W_xh))
        rnn.weight_hh_l0.copy_(torch.from_numpy(W_hh))
        rnn.bias_ih_l0.copy_(torch.from_numpy(b_h))
        rnn.bias_hh_l0.zero_()
        head.weight.copy_(torch.from_numpy(W_hy))
        head.bias.copy_(torch.from_numpy(b_y))
    x = torch.nn.functional.one_hot(torch.tensor(inputs), V).double()  # (T, V), unbatched
    unrolled = unroll(rnn, x, torch.from_numpy(h_prev)[None])
    loss = nn.functional.cross_entropy(head(unrolled.output), torch.tensor(targets), reduction="sum")
    loss.backward()

    assert abs(ours["loss"] - loss.item()) < 1e-10
    pairs = [
        ("dW_xh", rnn.weight_ih_l0),
        ("dW_hh", rnn.weight_hh_l0),
        ("db_h", rnn.bias_ih_l0),
        ("dW_hy", head.weight),
        ("db_y", head.bias),
    ]
    for key, parameter in pairs:
        assert np.abs(ours[key] - parameter.grad.numpy()).max() < 1e-10, key
    assert np.abs(ours["h_last"] - unrolled.h_n.detach().numpy()[0]).max() < 1e-12
    assert np.abs(ours["dh_total"] - unrolled.hidden_grad[0, 0, :, 0]).max() < 1e-10


def test_page_checks_report_torch_agreement():
    """The From-scratch page's checks against torch, at a step with a state to carry."""
    from rnnviz.net.reference import chollet_torch_difference, lstm_step_from_torch

    rng = np.random.default_rng(2)
    inputs = rng.normal(size=(8, 4))
    W, U, b = rng.normal(size=(6, 4)) * 0.5, rng.normal(size=(6, 6)) * 0.5, rng.normal(size=6) * 0.1
    assert chollet_torch_difference(inputs, W, U, b) < 1e-12
    step, difference = lstm_step_from_torch(inputs, 6, t=3)
    assert difference < 1e-12 and step["h"].shape == (6,)
