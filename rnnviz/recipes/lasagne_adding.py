"""Lasagne's recurrent example (Lasagne/examples/recurrent.py), ported to PyTorch step for step:
a bidirectional vanilla RNN learns the adding task on sequences of 50-54 steps padded to 55.

gen_data: values uniform in [0, 1], length uniform in [50, 55), one marker in the first tenth and
one in the second half, the target their sum; inputs and targets centred by the batch's mean.
Two RecurrentLayers of 100 tanh units (He-uniform weights), one reading backwards, summed; a
Dense(1, tanh) on every step, and the prediction is the one at the last of the 55 steps (the
mask holds the forward state after a sequence ends, and the backward layer has read nothing by
then). MSE, Adagrad 0.001, 10 epochs of 100 batches of 100, the validation cost printed per
epoch. Lasagne's grad_clipping=100 clips the gradient inside each recurrence; PyTorch's fused
RNN has no such hook, and the gradients of this task stay far below 100, so it is left out.

The example prints "Epoch {} validation cost = {}" and publishes no numbers of its own.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from rnnviz.seeding import seeded

MIN_LENGTH, MAX_LENGTH, N_HIDDEN, N_BATCH = 50, 55, 100, 100
LEARNING_RATE, GRAD_CLIP, EPOCH_SIZE, NUM_EPOCHS = 0.001, 100, 100, 10


def gen_data(rng: np.random.RandomState, min_length=MIN_LENGTH, max_length=MAX_LENGTH, n_batch=N_BATCH):
    """→ X (n_batch, max_length, 2), y (n_batch,), mask (n_batch, max_length), as the example."""
    X = np.concatenate([rng.uniform(size=(n_batch, max_length, 1)), np.zeros((n_batch, max_length, 1))], axis=-1)
    mask = np.zeros((n_batch, max_length))
    y = np.zeros((n_batch,))
    for n in range(n_batch):
        length = rng.randint(min_length, max_length)
        mask[n, :length] = 1
        X[n, length:, 0] = 0
        X[n, rng.randint(length / 10), 1] = 1
        X[n, rng.randint(length / 2, length), 1] = 1
        y[n] = np.sum(X[n, :, 0] * X[n, :, 1])
    X -= X.reshape(-1, 2).mean(axis=0)
    y -= y.mean()
    return X.astype(np.float32), y.astype(np.float32), mask.astype(np.float32)


class Network(nn.Module):
    """Two tanh RecurrentLayers of 100 units (He-uniform weights, zero biases), the second reading
    backwards, summed; Dense(1, tanh); the value at the last of the 55 steps.

    With the mask, a layer holds its state where a sequence has ended. Every sequence ends before
    step 55, so at the last step the forward layer holds its state after the sequence's last real
    step (PyTorch's packed sequence gives exactly that, as h_n), and the backward layer, which
    starts there, still holds its initial state, zero: it never reaches the prediction."""

    def __init__(self):
        super().__init__()
        self.forward_layer = nn.RNN(2, N_HIDDEN, nonlinearity="tanh", batch_first=True)
        self.backward_layer = nn.RNN(2, N_HIDDEN, nonlinearity="tanh", batch_first=True)
        for layer in (self.forward_layer, self.backward_layer):
            for weight in (layer.weight_ih_l0, layer.weight_hh_l0):  # HeUniform: U(±sqrt(6 / fan_in))
                bound = np.sqrt(6.0 / weight.shape[1])
                nn.init.uniform_(weight, -bound, bound)
            nn.init.zeros_(layer.bias_ih_l0)
            nn.init.zeros_(layer.bias_hh_l0)
        self.dense = nn.Linear(N_HIDDEN, 1)
        bound = np.sqrt(6.0 / (N_HIDDEN + 1))  # DenseLayer's default GlorotUniform
        nn.init.uniform_(self.dense.weight, -bound, bound)
        nn.init.zeros_(self.dense.bias)

    def forward(self, x, mask):
        lengths = mask.sum(1).long().cpu()
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        _, h_n = self.forward_layer(packed)  # the state held from each sequence's last real step
        backward_at_last_step = torch.zeros_like(h_n[0])  # the backward layer has read nothing yet
        return torch.tanh(self.dense(h_n[0] + backward_at_last_step)).squeeze(-1)


def train(seed: int = 0, epochs: int = NUM_EPOCHS, epoch_size: int = EPOCH_SIZE, on_point=None):
    """→ (network, validation cost after each epoch). on_point(epoch, cost) as the example prints."""
    rng = np.random.RandomState(seed)
    with seeded(seed):  # kept from other threads' draws
        network = Network()
    optimizer = torch.optim.Adagrad(network.parameters(), lr=LEARNING_RATE, eps=1e-6)  # Lasagne's epsilon
    X_val, y_val, mask_val = (torch.from_numpy(a) for a in gen_data(rng))
    costs = []
    for epoch in range(epochs):
        for _ in range(epoch_size):
            X, y, m = (torch.from_numpy(a) for a in gen_data(rng))
            cost = torch.mean((network(X, m) - y) ** 2)
            optimizer.zero_grad()
            cost.backward()
            optimizer.step()
        with torch.no_grad():
            costs.append(float(torch.mean((network(X_val, mask_val) - y_val) ** 2)))
        if on_point:
            on_point(epoch, costs[-1])
    return network, costs


def shapes() -> list[tuple[str, tuple, str]]:
    X, y, mask = gen_data(np.random.RandomState(0))
    network = Network()
    hidden, _ = network.forward_layer(torch.from_numpy(X))
    return [
        ("X", X.shape, "(N_BATCH, MAX_LENGTH, 2): value and marker at every step"),
        ("mask", mask.shape, "1 where a step belongs to the sequence (50 to 54 of the 55)"),
        ("y", y.shape, "the sum of the two marked values, centred"),
        ("l_forward output", tuple(hidden.shape), "(N_BATCH, MAX_LENGTH, N_HIDDEN)"),
        ("predicted_values", tuple(network(torch.from_numpy(X), torch.from_numpy(mask)).shape), "the last step"),
    ]
