"""Language tasks: next-character prediction on a text, and generated sentiment phrases."""

from __future__ import annotations

import math
from collections import Counter

import torch

from rnnviz.tasks.base import EMBEDDING, Batch, Task

CHAR_RNN_TEXT = "hey how are you\ngood i am fine\nhave a nice day\n"


SENTIMENT_WORDS = [
    "<pad>",
    "the",
    "movie",
    "film",
    "was",
    "is",
    "i",
    "think",
    "it",
    "really",
    "very",
    "not",
    "good",
    "great",
    "fine",
    "bad",
    "awful",
    "boring",
    "at",
    "all",
    "to",
    "me",
    ".",
]
_POSITIVE, _NEGATIVE = ["good", "great", "fine"], ["bad", "awful", "boring"]
_OPENERS = [["the", "movie", "was"], ["the", "film", "is"], ["i", "think", "it", "is"]]
_TAILS = [[], ["."], ["at", "all", "."], ["to", "me", "."], ["really", "."]]


def sentiment(batch_size, seq_len, g) -> Batch:
    """Generated phrases such as 'the film is not very good to me .': 'not' flips the label, and
    a tail after the adjective means the decision must be remembered until the last word."""
    index = {w: k for k, w in enumerate(SENTIMENT_WORDS)}
    x = torch.zeros(batch_size, seq_len, dtype=torch.long)
    y = torch.zeros(batch_size, dtype=torch.long)
    pick = lambda options: options[int(torch.randint(len(options), (1,), generator=g))]  # noqa: E731
    for b in range(batch_size):
        negated = bool(torch.randint(2, (1,), generator=g))
        positive = bool(torch.randint(2, (1,), generator=g))
        words = pick(_OPENERS) + (["not"] if negated else []) + pick([[], ["very"], ["really"]])
        words += [pick(_POSITIVE if positive else _NEGATIVE)] + pick(_TAILS)
        words = words[-seq_len:]
        x[b, seq_len - len(words) :] = torch.tensor([index[w] for w in words])  # pad at the front
        y[b] = int(positive != negated)
    return Batch(x, y)


def char_task(text: str = CHAR_RNN_TEXT) -> Task:
    """Next-character prediction on `text`: random windows, target = the window shifted by one."""
    vocabulary = sorted(set(text))
    ids = torch.tensor([vocabulary.index(c) for c in text])
    counts = Counter(text)
    entropy = -sum(n / len(text) * math.log(n / len(text)) for n in counts.values())

    def generate(batch_size, seq_len, g):
        if len(ids) < seq_len + 1:
            raise ValueError(f"The text has {len(ids)} characters; windows of {seq_len} steps need {seq_len + 1}.")
        starts = torch.randint(0, len(ids) - seq_len, (batch_size,), generator=g)
        windows = torch.stack([ids[s : s + seq_len + 1] for s in starts.tolist()])
        return Batch(windows[:, :-1], windows[:, 1:])

    return Task(
        "char",
        "Next character",
        "Predict the next character of the text at every step (synced). The "
        "memoryless baseline guesses from character frequencies alone.",
        "synced",
        True,
        EMBEDDING,
        len(vocabulary),
        generate,
        lambda T: entropy,
        lambda T: max(counts.values()) / len(text),
        0.9,
        default_seq_len=min(14, len(text) - 1),
        min_seq_len=2,
        vocab_size=len(vocabulary),
        reference="Karpathy 2015, The Unreasonable Effectiveness of RNNs",
        vocabulary=vocabulary,
    )
