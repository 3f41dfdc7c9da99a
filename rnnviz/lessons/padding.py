"""Padding and packing: sequences of different lengths in one batch, and the learner's bug of
reading `output[:, -1]` from a batch padded at the end.

The sentiment task's phrases, padded at the end as `pad_sequence` does; a GRU classifier that
reads either the last column of `output` (the bug: for a short phrase that is a state that has
read padding) or, from a PackedSequence, `h_n` (each phrase's last real step). `train_both`
trains the two on the same batches and seed and reports their held-out accuracy.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn
from torch.nn.utils.rnn import pack_padded_sequence

from rnnviz.net.seeding import seeded
from rnnviz.tasks import SENTIMENT_WORDS, TASKS

READS = ("last column", "packed")  # output[:, -1] of the padded batch, or h_n of the packed one


def pad_at_the_end(x: Tensor) -> tuple[Tensor, Tensor]:
    """The task's phrases (padded at the front with id 0) → padded at the end, and their lengths."""
    lengths = (x != 0).sum(1)
    out = torch.zeros_like(x)
    for b in range(len(x)):
        words = x[b][x[b] != 0]
        out[b, : len(words)] = words
    return out, lengths


def phrases(batch: int, steps: int, seed: int) -> tuple[Tensor, Tensor, Tensor]:
    """(x padded at the end, lengths, labels) of `batch` sentiment phrases in `steps` columns."""
    generated = TASKS["sentiment"].generate(batch, steps, torch.Generator().manual_seed(seed))
    x, lengths = pad_at_the_end(generated.x)
    return x, lengths, generated.y


class Classifier(nn.Module):
    """Embedding (id 0 is padding) → GRU → Linear(hidden, 2), reading as `read` says."""

    def __init__(self, hidden: int = 32):
        super().__init__()
        self.embedding = nn.Embedding(len(SENTIMENT_WORDS), 16, padding_idx=0)
        self.gru = nn.GRU(16, hidden, batch_first=True)
        self.head = nn.Linear(hidden, 2)

    def forward(self, x: Tensor, lengths: Tensor, read: str) -> Tensor:
        embedded = self.embedding(x)
        if read == "last column":
            return self.head(self.gru(embedded)[0][:, -1])  # the bug: padding was read last
        _, h_n = self.gru(pack_padded_sequence(embedded, lengths.cpu(), batch_first=True, enforce_sorted=False))
        return self.head(h_n[-1])


def train_both(steps: int = 64, updates: int = 300, every: int = 50, seed: int = 0) -> dict[str, list]:
    """Each read trained on the same batches from the same initial weights → read → [(update,
    held-out accuracy)]."""
    test_x, test_lengths, test_y = phrases(512, steps, seed + 1000)
    history = {}
    for read in READS:
        with seeded(seed):
            model = Classifier()
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
        data = torch.Generator().manual_seed(seed + 1)
        points = []
        for update in range(1, updates + 1):
            generated = TASKS["sentiment"].generate(64, steps, data)
            x, lengths = pad_at_the_end(generated.x)
            loss = nn.functional.cross_entropy(model(x, lengths, read), generated.y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            if update % every == 0:
                with torch.no_grad():
                    right = model(test_x, test_lengths, read).argmax(1) == test_y
                points.append((update, float(right.float().mean())))
        history[read] = points
    return history


def three_reads(x: Tensor, lengths: Tensor, hidden: int = 4, seed: int = 0) -> dict:
    """An untrained GRU (seeded) on a batch padded at the end, read three ways: the last column of
    `output` (run over the padding too), `output` at each sequence's last real step, and `h_n` of
    the packed batch; and how far rnnviz.net.unroll with lengths is from the packed h_n."""
    from rnnviz.net.unroll import unroll

    with seeded(seed):
        model = Classifier(hidden).eval()
    with torch.no_grad():
        embedded = model.embedding(x)
        output, _ = model.gru(embedded)
        packed = pack_padded_sequence(embedded, lengths.cpu(), batch_first=True, enforce_sorted=False)
        _, h_n = model.gru(packed)
        unrolled = unroll(model.gru, embedded, lengths=lengths)
    return {
        "last column": output[:, -1].numpy(),
        "last real step": output[torch.arange(len(x)), lengths - 1].numpy(),
        "packed h_n": h_n[-1].numpy(),
        "unroll difference": float((unrolled.h_n - h_n).abs().max()),
    }
