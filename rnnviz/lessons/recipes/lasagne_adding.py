"""Lasagne's recurrent example (Lasagne/examples/recurrent.py as on master since November 2015), ported
to PyTorch step for step: a bidirectional vanilla RNN learns the adding task on sequences of 50-54
steps padded to 55.

gen_data: values uniform in [0, 1], length uniform in [50, 55), one marker in the first tenth and
one in the second half, the target their sum; inputs and targets centred by the batch's mean.
Two masked RecurrentLayers of 100 tanh units (HeUniform weights, zero biases), one reading
backwards, each returning only its final state (only_return_final=True); the two states are
concatenated (200 numbers) and a Dense(1, tanh) reads them. MSE, Adagrad 0.001, 10 epochs of 100
batches of 100, the validation cost printed per epoch. Lasagne's grad_clipping=100 clips the
gradient inside each recurrence; PyTorch's fused RNN has no such hook, and the gradients of this
task stay far below 100, so it is left out.

The August 2015 version summed the two layers and read the output at the last padded step, where
the masked backward layer had read nothing yet; master's concatenation is the one ported here.
The example prints "Epoch {} validation cost = {}" and publishes no numbers of its own.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from rnnviz.net.seeding import seeded

MIN_LENGTH, MAX_LENGTH, N_HIDDEN, N_BATCH = 50, 55, 100, 100
LEARNING_RATE, EPOCH_SIZE, NUM_EPOCHS = 0.001, 100, 10  # the example's GRAD_CLIP = 100 is left out: see above


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


def reversed_in_place(x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """Each sequence's first `length` steps in reverse order, its padding left where it was: what a
    masked layer with backwards=True reads (the padding, read first, holds its initial state)."""
    steps = torch.arange(x.shape[1]).expand(x.shape[0], -1)
    order = torch.where(steps < lengths[:, None], lengths[:, None] - 1 - steps, steps)
    return torch.gather(x, 1, order[:, :, None].expand(-1, -1, x.shape[2]))


def he_uniform_(weight: torch.Tensor) -> None:
    """Lasagne's HeUniform (gain 1): U(±sqrt(3 / fan_in)), fan_in the number of inputs."""
    bound = np.sqrt(3.0 / weight.shape[1])
    nn.init.uniform_(weight, -bound, bound)


class Network(nn.Module):
    """Two masked tanh RecurrentLayers of 100 units, the second reading backwards, each giving its
    final state; ConcatLayer → DenseLayer(1, tanh).

    A masked layer holds its state where a sequence has ended, so the forward layer's final state
    is its state after the sequence's last real step (PyTorch's packed sequence gives exactly that,
    as h_n), and the backward layer's is its state after reading the real steps from last to first."""

    def __init__(self):
        super().__init__()
        self.forward_layer = nn.RNN(2, N_HIDDEN, nonlinearity="tanh", batch_first=True)
        self.backward_layer = nn.RNN(2, N_HIDDEN, nonlinearity="tanh", batch_first=True)
        for layer in (self.forward_layer, self.backward_layer):
            he_uniform_(layer.weight_ih_l0)
            he_uniform_(layer.weight_hh_l0)
            nn.init.zeros_(layer.bias_ih_l0)
            nn.init.zeros_(layer.bias_hh_l0)
        self.dense = nn.Linear(2 * N_HIDDEN, 1)
        bound = np.sqrt(6.0 / (2 * N_HIDDEN + 1))  # DenseLayer's default GlorotUniform
        nn.init.uniform_(self.dense.weight, -bound, bound)
        nn.init.zeros_(self.dense.bias)

    def final_states(self, x, mask) -> tuple[torch.Tensor, torch.Tensor]:
        """→ (forward, backward) final states, each (batch, N_HIDDEN)."""
        lengths = mask.sum(1).long().cpu()
        finals = []
        for layer, inputs in ((self.forward_layer, x), (self.backward_layer, reversed_in_place(x, lengths))):
            packed = nn.utils.rnn.pack_padded_sequence(inputs, lengths, batch_first=True, enforce_sorted=False)
            _, h_n = layer(packed)
            finals.append(h_n[0])
        return finals[0], finals[1]

    def forward(self, x, mask):
        return torch.tanh(self.dense(torch.cat(self.final_states(x, mask), dim=1))).squeeze(-1)


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
    X, y, mask = (torch.from_numpy(a) for a in gen_data(np.random.RandomState(0)))
    network = Network()
    forward, backward = network.final_states(X, mask)
    return [
        ("X", tuple(X.shape), "(N_BATCH, MAX_LENGTH, 2): value and marker at every step"),
        ("mask", tuple(mask.shape), "1 where a step belongs to the sequence (50 to 54 of the 55)"),
        ("y", tuple(y.shape), "the sum of the two marked values, centred"),
        ("l_forward", tuple(forward.shape), "(N_BATCH, N_HIDDEN): only_return_final=True"),
        ("l_backward", tuple(backward.shape), "(N_BATCH, N_HIDDEN): its state after reading back to step 0"),
        ("l_concat", tuple(torch.cat([forward, backward], 1).shape), "(N_BATCH, 2 × N_HIDDEN)"),
        ("predicted_values", tuple(network(X, mask).shape), "l_out (N_BATCH, 1), flattened"),
    ]
