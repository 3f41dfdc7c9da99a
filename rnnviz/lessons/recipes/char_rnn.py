"""The PyTorch char-RNN notebook, step for step (Gabriel Loye, "Beginner's Guide on Recurrent
Neural Networks with PyTorch", FloydHub blog, 2019; github.com/gabrielloye/RNN-walkthrough).

Three sentences padded with spaces to the longest, one-hot encoded to (3, 14, 17); nn.RNN(17, 12)
and Linear(12, 17); the whole batch every epoch, Adam 0.01, cross-entropy, 100 epochs, the loss
printed every 10. Two changes: the notebook numbers the characters in `set` order, which
Python's string hashing reshuffles in every process, so here they are numbered in sorted order
(any fixed order trains the same way); and the notebook sets no seed, so here `train(seed)` does.
The printed losses (PRINTED) and the sample are the ones the notebook and the blog post show.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from rnnviz.net.seeding import seeded

SENTENCES = ["hey how are you", "good i am fine", "have a nice day"]
HIDDEN, LAYERS, LR, EPOCHS = 12, 1, 0.01, 100
PRINTED = (  # printed by the notebook (main.ipynb) and the blog post alike: "Epoch: 10/100............. Loss: 2.4176" …
    (10, 2.4176),
    (20, 2.1816),
    (30, 1.7952),
    (40, 1.3524),
    (50, 0.9671),
    (60, 0.6644),
    (70, 0.4499),
    (80, 0.3089),
    (90, 0.2222),
    (100, 0.1690),
)
SAMPLE = ("good", 15, "good i am fine ")  # sample(model, 15, 'good') → the notebook's answer


def data():
    """(int2char, char2int, one-hot input (3, 14, 17), targets (3, 14)) as the notebook makes them."""
    text = list(SENTENCES)
    chars = sorted(set("".join(text)))
    int2char = dict(enumerate(chars))
    char2int = {char: index for index, char in int2char.items()}
    maxlen = len(max(text, key=len))
    text = [sentence.ljust(maxlen) for sentence in text]  # padded with spaces
    input_ids = [[char2int[c] for c in sentence[:-1]] for sentence in text]
    target_ids = [[char2int[c] for c in sentence[1:]] for sentence in text]
    features = one_hot_encode(input_ids, len(char2int), maxlen - 1, len(text))
    return int2char, char2int, torch.from_numpy(features), torch.Tensor(target_ids)


def one_hot_encode(sequence, dict_size: int, seq_len: int, batch_size: int) -> np.ndarray:
    features = np.zeros((batch_size, seq_len, dict_size), dtype=np.float32)
    for i in range(batch_size):
        for u in range(seq_len):
            features[i, u, sequence[i][u]] = 1
    return features


class Model(nn.Module):
    """The notebook's model: an RNN, then a linear layer applied to every step's output."""

    def __init__(self, input_size: int, output_size: int, hidden_dim: int, n_layers: int):
        super().__init__()
        self.hidden_dim, self.n_layers = hidden_dim, n_layers
        self.rnn = nn.RNN(input_size, hidden_dim, n_layers, batch_first=True)
        self.fc = nn.Linear(hidden_dim, output_size)

    def forward(self, x):
        hidden = torch.zeros(self.n_layers, x.size(0), self.hidden_dim)
        out, hidden = self.rnn(x, hidden)
        return self.fc(out.contiguous().view(-1, self.hidden_dim)), hidden


def train(seed: int = 0, epochs: int = EPOCHS, on_point=None):
    """→ (model, losses every epoch). on_point(epoch, loss) after each of the printed epochs."""
    int2char, char2int, input_seq, target_seq = data()
    with seeded(seed):  # the notebook sets no seed; here one makes a run repeatable, kept from other threads
        model = Model(len(char2int), len(char2int), HIDDEN, LAYERS)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=LR)
    losses = []
    for epoch in range(1, epochs + 1):
        optimizer.zero_grad()
        output, _ = model(input_seq)
        loss = criterion(output, target_seq.view(-1).long())
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        if on_point and epoch % 10 == 0:
            on_point(epoch, loss.item())
    return model, losses


def sample(model: Model, out_len: int, start: str = "hey") -> str:
    """The notebook's greedy sampler: `out_len` characters in all, the prime included; every new
    character re-reads the whole text so far."""
    int2char, char2int, _, _ = data()
    model.eval()
    chars = list(start.lower())
    for _ in range(out_len - len(chars)):
        ids = np.array([[char2int[c] for c in chars]])
        features = torch.from_numpy(one_hot_encode(ids, len(char2int), ids.shape[1], 1))
        with torch.no_grad():
            out, _ = model(features)
        chars.append(int2char[int(torch.softmax(out[-1], dim=0).argmax())])
    return "".join(chars)


def shapes() -> list[tuple[str, tuple, str]]:
    _, char2int, input_seq, target_seq = data()
    model = Model(len(char2int), len(char2int), HIDDEN, LAYERS)
    output, hidden = model(input_seq)
    return [
        ("input_seq", tuple(input_seq.shape), "(batch, seq_len, dict_size): 3 sentences, 14 steps, one-hot of 17"),
        ("target_seq", tuple(target_seq.shape), "the next character of every step"),
        ("rnn.weight_ih_l0", tuple(model.rnn.weight_ih_l0.shape), "(hidden, dict_size)"),
        ("rnn.weight_hh_l0", tuple(model.rnn.weight_hh_l0.shape), "(hidden, hidden)"),
        ("output", tuple(output.shape), "(batch × seq_len, dict_size): every step's scores, flattened"),
        ("hidden", tuple(hidden.shape), "(layers, batch, hidden): h_n"),
    ]
