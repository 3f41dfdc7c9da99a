"""Chollet's toy RNN in NumPy (Deep Learning with Python, section 6.2): timesteps = 100,
input_features = 32, output_features = 64, the loop output_t = tanh(W·input_t + U·state_t + b),
then the same layer as Keras' SimpleRNN(64, return_sequences=True) and as PyTorch's nn.RNN(32, 64),
with the same weights: all three give the same (100, 64) outputs."""

from __future__ import annotations

import numpy as np
import torch

from rnnviz.net.reference import chollet_forward

TIMESTEPS, INPUT_FEATURES, OUTPUT_FEATURES = 100, 32, 64


def run(seed: int = 0) -> dict:
    """The three computations on one random input; their outputs and the largest difference."""
    rng = np.random.default_rng(seed)
    inputs = rng.random((TIMESTEPS, INPUT_FEATURES))
    W = rng.random((OUTPUT_FEATURES, INPUT_FEATURES))
    U = rng.random((OUTPUT_FEATURES, OUTPUT_FEATURES))
    b = rng.random((OUTPUT_FEATURES,))
    numpy_outputs = chollet_forward(inputs, W, U, b)
    rnn = torch.nn.RNN(INPUT_FEATURES, OUTPUT_FEATURES, dtype=torch.float64)
    with torch.no_grad():  # PyTorch keeps W and U transposed from Keras' kernel and recurrent_kernel
        rnn.weight_ih_l0.copy_(torch.from_numpy(W))
        rnn.weight_hh_l0.copy_(torch.from_numpy(U))
        rnn.bias_ih_l0.copy_(torch.from_numpy(b))
        rnn.bias_hh_l0.zero_()  # Keras has one bias, PyTorch two
        torch_outputs = rnn(torch.from_numpy(inputs)[:, None])[0][:, 0].numpy()
    return {
        "inputs": inputs,
        "numpy": numpy_outputs,
        "torch": torch_outputs,
        "largest difference": float(np.abs(numpy_outputs - torch_outputs).max()),
    }


def shapes() -> list[tuple[str, tuple, str]]:
    result = run()
    return [
        ("inputs", result["inputs"].shape, "(timesteps, input_features): one sequence, no batch"),
        ("W", (OUTPUT_FEATURES, INPUT_FEATURES), "Keras kernel (32, 64), transposed; PyTorch weight_ih_l0"),
        ("U", (OUTPUT_FEATURES, OUTPUT_FEATURES), "Keras recurrent_kernel; PyTorch weight_hh_l0"),
        ("b", (OUTPUT_FEATURES,), "Keras bias; PyTorch bias_ih_l0 (+ bias_hh_l0 = 0)"),
        ("successive_outputs", result["numpy"].shape, "SimpleRNN(64, return_sequences=True): (None, 100, 64)"),
    ]
