"""Keras' IMDB LSTM (keras/examples imdb_lstm.py), its shapes step by step, and the same network
in PyTorch. max_features = 20000 words, maxlen = 100 (the dimensions blog's setting), batch 32:
Embedding(20000, 128) → LSTM(128) → Dense(1, sigmoid). No download: the reviews are a synthetic
stand-in of random word ids with the real shapes (a sentence of ids, left-padded with 0 as Keras'
pad_sequences does)."""

from __future__ import annotations

import torch
from torch import nn

from rnnviz.net.seeding import seeded

MAX_FEATURES, MAXLEN, BATCH_SIZE, EMBEDDING, UNITS = 20000, 100, 32, 128, 128


def reviews(seed: int = 0, batch_size: int = BATCH_SIZE) -> torch.Tensor:
    """(batch, maxlen) word ids: each review 20-150 words, cut or left-padded to maxlen like
    pad_sequences(padding='pre', truncating='pre')."""
    generator = torch.Generator().manual_seed(seed)
    rows = []
    for _ in range(batch_size):
        length = int(torch.randint(20, 151, (1,), generator=generator))
        words = torch.randint(1, MAX_FEATURES, (length,), generator=generator)[-MAXLEN:]
        rows.append(torch.cat([torch.zeros(MAXLEN - len(words), dtype=torch.long), words]))
    return torch.stack(rows)


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(MAX_FEATURES, EMBEDDING)
        self.lstm = nn.LSTM(EMBEDDING, UNITS, batch_first=True)
        self.dense = nn.Linear(UNITS, 1)

    def forward(self, x):
        embedded = self.embedding(x)
        output, (h_n, _) = self.lstm(embedded)
        return torch.sigmoid(self.dense(h_n[-1])), {"embedded": embedded, "output": output, "h_n": h_n}


KERAS_PARAMS = {  # model.summary() of the Keras model: Keras' LSTM has one bias, PyTorch's two
    "embedding": MAX_FEATURES * EMBEDDING,
    "lstm": 4 * (UNITS * (EMBEDDING + UNITS) + UNITS),
    "dense": UNITS + 1,
}


def shapes() -> list[tuple[str, tuple, str]]:
    with seeded(0):
        model = Model()
    x = reviews()
    y, inside = model(x)
    return [
        ("x", tuple(x.shape), "(batch_size, maxlen) word ids: Keras' input_shape (100,)"),
        ("Embedding output", tuple(inside["embedded"].shape), "(batch, maxlen, 128): Keras (None, 100, 128)"),
        ("LSTM output (every step)", tuple(inside["output"].shape), "return_sequences=True would give this"),
        ("LSTM(128) output", tuple(inside["h_n"][-1].shape), "the last step's h: Keras (None, 128)"),
        ("Dense(1, sigmoid)", tuple(y.shape), "one probability per review: Keras (None, 1)"),
    ]


def parameter_counts() -> dict[str, tuple[int, int]]:
    """layer → (Keras count, PyTorch count): equal but for the LSTM's second bias in PyTorch."""
    model = Model()
    torch_counts = {name: sum(p.numel() for p in layer.parameters()) for name, layer in model.named_children()}
    return {name: (KERAS_PARAMS[name], torch_counts[name]) for name in KERAS_PARAMS}
