"""NumPy from scratch, no autograd: the equations a student can read, checked against torch.

`chollet_forward` is the toy loop of Chollet's Deep Learning with Python (chapter on RNNs);
`min_char_rnn_step` is the forward pass and backpropagation through time of Karpathy's
min-char-rnn.py, for one chunk of characters.
"""

from __future__ import annotations

import numpy as np

from rnnviz.net.seeding import seeded


def chollet_forward(inputs: np.ndarray, W: np.ndarray, U: np.ndarray, b: np.ndarray) -> np.ndarray:
    """inputs (T, F), W (H, F), U (H, H), b (H,) → successive outputs (T, H).

    output_t = tanh(W·input_t + U·state_t + b), and the output becomes the next state;
    the state starts at zero.
    """
    state_t = np.zeros(U.shape[0])
    successive_outputs = []
    for input_t in inputs:
        output_t = np.tanh(W @ input_t + U @ state_t + b)
        successive_outputs.append(output_t)
        state_t = output_t
    return np.stack(successive_outputs)


def min_char_rnn_step(inputs, targets, h_prev, W_xh, W_hh, W_hy, b_h, b_y) -> dict:
    """One chunk of min-char-rnn: inputs/targets are lists of character ids.

    Forward:  h_t = tanh(W_xh x_t + W_hh h_{t-1} + b_h),  y_t = W_hy h_t + b_y,
              p_t = softmax(y_t),  loss = Σ_t -log p_t[target_t]  (x_t one-hot).
    Backward: BPTT from the last step to the first; dh carries dL/dh_t back through W_hh.
    Returns loss, the five gradients, the last h, and `dh_total` (T, H): the total dL/dh_t.
    (min-char-rnn then clips gradients to [-5, 5]; that belongs to the optimiser, not here.)
    """
    vocab_size = W_xh.shape[1]
    xs, hs, ps = {}, {-1: np.array(h_prev, dtype=float)}, {}
    loss = 0.0
    for t, (char, target) in enumerate(zip(inputs, targets)):
        xs[t] = np.zeros(vocab_size)
        xs[t][char] = 1.0
        hs[t] = np.tanh(W_xh @ xs[t] + W_hh @ hs[t - 1] + b_h)
        y = W_hy @ hs[t] + b_y
        ps[t] = np.exp(y - y.max()) / np.exp(y - y.max()).sum()
        loss += -np.log(ps[t][target])
    dW_xh, dW_hh, dW_hy = np.zeros_like(W_xh), np.zeros_like(W_hh), np.zeros_like(W_hy)
    db_h, db_y = np.zeros_like(b_h), np.zeros_like(b_y)
    dh_next = np.zeros_like(hs[0])
    dh_total = np.zeros((len(inputs), len(hs[0])))
    for t in reversed(range(len(inputs))):
        dy = ps[t].copy()
        dy[targets[t]] -= 1  # softmax + cross-entropy
        dW_hy += np.outer(dy, hs[t])
        db_y += dy
        dh = W_hy.T @ dy + dh_next  # through the output, and from the future
        dh_total[t] = dh
        dh_raw = (1 - hs[t] ** 2) * dh  # back through tanh
        db_h += dh_raw
        dW_xh += np.outer(dh_raw, xs[t])
        dW_hh += np.outer(dh_raw, hs[t - 1])
        dh_next = W_hh.T @ dh_raw
    return {
        "loss": loss,
        "dW_xh": dW_xh,
        "dW_hh": dW_hh,
        "dW_hy": dW_hy,
        "db_h": db_h,
        "db_y": db_y,
        "h_last": hs[len(inputs) - 1],
        "dh_total": dh_total,
    }


def chollet_step_parts(inputs: np.ndarray, W: np.ndarray, U: np.ndarray, b: np.ndarray, t: int) -> dict:
    """The pieces of step t of `chollet_forward`: W·x_t, U·h_{t-1}, b, their sum and its tanh."""
    state = chollet_forward(inputs[:t], W, U, b)[-1] if t else np.zeros(U.shape[0])
    parts = {"W·x_t": W @ inputs[t], "U·h_(t-1)": U @ state, "b": b}
    parts["sum"] = parts["W·x_t"] + parts["U·h_(t-1)"] + b
    parts["h_t"] = np.tanh(parts["sum"])
    return parts


def _sigmoid(v: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-v))


def lstm_step(x: np.ndarray, h_prev: np.ndarray, c_prev: np.ndarray, W_ih, W_hh, b_ih, b_hh) -> dict:
    """One LSTM step in NumPy, PyTorch's weight layout (rows i, f, g, o), every piece exposed:
    the four pre-activations, the gates, c_t = f⊙c_{t-1} + i⊙g and h_t = o⊙tanh(c_t)."""
    pre = W_ih @ x + b_ih + W_hh @ h_prev + b_hh
    H = len(h_prev)
    z = {name: pre[k * H : (k + 1) * H] for k, name in enumerate("ifgo")}
    i, f, g, o = _sigmoid(z["i"]), _sigmoid(z["f"]), np.tanh(z["g"]), _sigmoid(z["o"])
    c = f * c_prev + i * g
    h = o * np.tanh(c)
    return {"pre": z, "i": i, "f": f, "g": g, "o": o, "c_prev": c_prev, "c": c, "h": h, "h_prev": h_prev}


def chollet_torch_difference(inputs: np.ndarray, W: np.ndarray, U: np.ndarray, b: np.ndarray) -> float:
    """Largest |difference| between `chollet_forward` and torch.nn.RNN given the same weights."""
    import torch

    rnn = torch.nn.RNN(W.shape[1], W.shape[0]).double()
    with torch.no_grad():
        for name, value in [("weight_ih_l0", W), ("weight_hh_l0", U), ("bias_ih_l0", b), ("bias_hh_l0", 0 * b)]:
            getattr(rnn, name).copy_(torch.from_numpy(value))
        expected = rnn(torch.from_numpy(inputs))[0].numpy()  # unbatched: (T, F) → (T, H)
    return float(np.abs(chollet_forward(inputs, W, U, b) - expected).max())


def lstm_step_from_torch(inputs: np.ndarray, units: int, t: int, seed: int = 0) -> tuple[dict, float]:
    """Step t of a seeded torch.nn.LSTM redone by `lstm_step` in NumPy, from the states torch
    computed at t-1. → (the step's pieces, largest |difference| from torch's gates and h_t)."""
    import torch

    from rnnviz.net.unroll import unroll

    with seeded(seed):
        lstm = torch.nn.LSTM(inputs.shape[1], units).double()
    recorded = unroll(lstm, torch.from_numpy(inputs))  # unbatched (T, F)
    h_prev = recorded.hidden[0, 0, t - 1, 0] if t else np.zeros(units)
    c_prev = recorded.cell[0, 0, t - 1, 0] if t else np.zeros(units)
    weights = [getattr(lstm, n).detach().numpy() for n in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")]
    step = lstm_step(inputs[t], h_prev, c_prev, *weights)
    difference = max(np.abs(step[k] - recorded.gates[k][0, 0, t, 0]).max() for k in "ifgo")
    return step, float(max(difference, np.abs(step["h"] - recorded.hidden[0, 0, t, 0]).max()))


def mingru_step(x_t: np.ndarray, h_prev: np.ndarray, W: np.ndarray, b: np.ndarray) -> dict:
    """One minGRU step (Feng et al. 2024) in NumPy: the gates read x_t only.
    z = σ(W_z x + b_z),  h̃ = g(W_h x + b_h) (g(v) = v + ½ for v ≥ 0, σ(v) below),
    h_t = (1 − z) ⊙ h_{t−1} + z ⊙ h̃."""
    pre = W @ x_t + b
    z_pre, h_pre = np.split(pre, 2)
    z = 1 / (1 + np.exp(-z_pre))
    candidate = np.where(h_pre >= 0, h_pre + 0.5, 1 / (1 + np.exp(-h_pre)))
    return {
        "pre_z": z_pre,
        "pre_h": h_pre,
        "z": z,
        "g": candidate,
        "h_prev": h_prev,
        "h": (1 - z) * h_prev + z * candidate,
    }


def mingru_step_from_torch(inputs: np.ndarray, units: int, t: int, seed: int = 0) -> tuple[dict, float]:
    """Step t of a seeded rnnviz MinRNN (minGRU) redone by `mingru_step` in NumPy, from the state
    it computed at t-1. → (the step's pieces, largest |difference| from its gates and h_t)."""
    import torch

    from rnnviz.net.minrnn import MinRNN
    from rnnviz.net.unroll import unroll

    with seeded(seed):
        layer = MinRNN(inputs.shape[1], units, kind="mingru").double()
    recorded = unroll(layer, torch.from_numpy(inputs))  # unbatched (T, F)
    h_prev = recorded.hidden[0, 0, t - 1, 0] if t else np.zeros(units)
    W, b = layer.weight_ih_l0.detach().numpy(), layer.bias_ih_l0.detach().numpy()
    step = mingru_step(inputs[t], h_prev, W, b)
    difference = max(np.abs(step[k] - recorded.gates[k][0, 0, t, 0]).max() for k in "zg")
    return step, float(max(difference, np.abs(step["h"] - recorded.hidden[0, 0, t, 0]).max()))
