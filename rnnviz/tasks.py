"""Toy tasks, one signature each, so the Train page is a menu (as TensorFlow Playground's data sets).

Every task makes batches with `generate(batch_size, seq_len, generator) -> Batch` and carries
the loss of the best *memoryless* predictor, the line a model must beat to show it remembers:
adding MSE 1/6 (always answer 1), copy memory 10·ln 8/(T+20) (blank, then a uniform guess).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import torch
from torch import Tensor

from rnnviz.spec import RNNSpec

CHAR_RNN_TEXT = "hey how are you\ngood i am fine\nhave a nice day\n"
EMBEDDING = 16  # embedding size of the token tasks


@dataclass(frozen=True)
class Batch:
    x: Tensor  # what the model reads (batch first)
    y: Tensor  # targets shaped like the model's output; class ids for classification
    mask: Tensor | None = None  # 1 where a target counts (shape of y for ids, y[..., 0] for values)


@dataclass(frozen=True)
class Task:
    name: str
    title: str
    description: str
    topology: str
    classification: bool  # cross-entropy on class ids, else mean squared error
    input_size: int  # features per step (embedding size for tokens)
    output_size: int
    generate: Callable[[int, int, torch.Generator], Batch]
    baseline: Callable[[int], float]  # memoryless loss at this seq_len
    chance: Callable[[int], float]  # memoryless metric (accuracy, or MSE for regression)
    solved_at: float  # metric that counts as solved (accuracy ≥, or MSE ≤)
    default_seq_len: int = 20
    min_seq_len: int = 1
    vocab_size: int = 0
    reference: str = ""
    vocabulary: list[str] = field(default_factory=list)  # token strings (char model)

    @property
    def metric(self) -> str:
        return "accuracy" if self.classification else "MSE"

    def spec(self, cell="lstm", hidden_size=64, num_layers=1, batch_size=64, seq_len=None, **extra) -> RNNSpec:
        steps = seq_len or self.default_seq_len
        return RNNSpec(
            cell=cell,
            topology=self.topology,
            hidden_size=hidden_size,
            num_layers=num_layers,
            batch_size=batch_size,
            seq_len=steps,
            out_len=steps,
            input_size=self.input_size,
            output_size=self.output_size,
            vocab_size=self.vocab_size,
            batch_first=True,
            **extra,
        )

    def metric_value(self, y_hat: Tensor, batch: Batch) -> float:
        if self.classification:
            right = (y_hat.argmax(-1) == batch.y).float()
            mask = torch.ones_like(right) if batch.mask is None else batch.mask.float()
            return float((right * mask).sum() / mask.sum())
        error = (y_hat - batch.y).pow(2).mean(-1)
        mask = torch.ones_like(error) if batch.mask is None else batch.mask.float()
        return float((error * mask).sum() / mask.sum())

    def is_solved(self, metric: float) -> bool:
        return metric >= self.solved_at if self.classification else metric <= self.solved_at


def _bits(batch_size, seq_len, g):
    return torch.randint(0, 2, (batch_size, seq_len), generator=g)


def adding(batch_size: int, seq_len: int, g: torch.Generator) -> Batch:
    """Hochreiter & Schmidhuber's adding problem: (value, marker) pairs, two markers, one in
    each half; the target is the sum of the two marked values."""
    values = torch.rand(batch_size, seq_len, generator=g)
    markers = torch.zeros(batch_size, seq_len)
    half = max(seq_len // 2, 1)
    first = torch.randint(0, half, (batch_size,), generator=g)
    second = torch.randint(half, seq_len, (batch_size,), generator=g) if seq_len > 1 else first
    markers[torch.arange(batch_size), first] = 1.0
    markers[torch.arange(batch_size), second] = 1.0
    x = torch.stack([values, markers], dim=-1)  # (B, T, 2)
    return Batch(x, (values * markers).sum(1, keepdim=True))  # (B, 1)


def running_parity(batch_size, seq_len, g) -> Batch:
    bits = _bits(batch_size, seq_len, g)
    return Batch(bits.float().unsqueeze(-1), bits.cumsum(1) % 2)  # (B, T, 1) → (B, T)


def sequence_parity(batch_size, seq_len, g) -> Batch:
    bits = _bits(batch_size, seq_len, g)
    return Batch(bits.float().unsqueeze(-1), bits.sum(1) % 2)  # (B, T, 1) → (B,)


def copy_memory(batch_size, seq_len, g) -> Batch:
    """10 symbols from 1..8, then blanks (0), a delimiter (9) at step seq_len-11, then recall:
    the targets are blank until the last 10 steps, which must repeat the symbols."""
    delay = seq_len - 20
    symbols = torch.randint(1, 9, (batch_size, 10), generator=g)
    x = torch.zeros(batch_size, seq_len, dtype=torch.long)
    x[:, :10] = symbols
    x[:, 10 + delay - 1] = 9
    y = torch.zeros(batch_size, seq_len, dtype=torch.long)
    y[:, -10:] = symbols
    return Batch(x, y)


def reverse_digits(batch_size, seq_len, g) -> Batch:
    digits = torch.randint(0, 10, (batch_size, seq_len), generator=g)
    return Batch(digits, digits.flip(1))  # encoder reads T digits, decoder writes them reversed


def _sines(batch_size, steps, g, noise=0.0):
    frequency = 0.02 + 0.08 * torch.rand(batch_size, 1, generator=g)  # cycles per step
    phase = 2 * math.pi * torch.rand(batch_size, 1, generator=g)
    t = torch.arange(steps + 1).float()
    clean = torch.sin(2 * math.pi * frequency * t + phase)  # (B, steps + 1)
    return clean + noise * torch.randn(clean.shape, generator=g), clean, frequency, phase


def sine_series(length: int, seed: int = 0):
    """One clean sine wave of `length` values (numpy), for free-running forecasts."""
    _, clean, _, _ = _sines(1, length - 1, torch.Generator().manual_seed(seed))
    return clean[0].numpy()


def sine_forecast(batch_size, seq_len, g) -> Batch:
    noisy, clean, _, _ = _sines(batch_size, seq_len, g, noise=0.1)
    return Batch(noisy[:, :seq_len].unsqueeze(-1), clean[:, seq_len:])  # (B, T, 1) → next clean value (B, 1)


def wave(batch_size, seq_len, g) -> Batch:
    _, clean, frequency, phase = _sines(batch_size, seq_len - 1, g)
    x = torch.cat([(frequency - 0.06) / 0.04, phase / math.pi - 1], dim=1)  # (B, 2), scaled to ±1
    return Batch(x, clean.unsqueeze(-1))  # (B, T, 1)


def same_sign(batch_size, seq_len, g) -> Batch:
    x = torch.randn(batch_size, 2, generator=g)
    return Batch(x, (x[:, 0] * x[:, 1] > 0).long())  # XOR of signs: needs a hidden layer, no memory


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


LN2 = math.log(2)
TASKS: dict[str, Task] = {
    task.name: task
    for task in [
        Task(
            "adding",
            "Adding problem",
            "Each step reads (value, marker). Two steps are marked, one in each half; "
            "the answer is the sum of their values, given after the last step. Answering 1 always scores the "
            "baseline MSE 1/6.",
            "many_to_one",
            False,
            2,
            1,
            adding,
            lambda T: 1 / 6,
            lambda T: 1 / 6,
            0.01,
            default_seq_len=50,
            min_seq_len=2,
            reference="Hochreiter & Schmidhuber 1997 (LSTM solves T = 100+); Le et al. 2015 (IRNN)",
        ),
        char_task(),
        Task(
            "running_parity",
            "Running parity",
            "Bits in; at every step, is the count of 1s so far odd? One bit of memory suffices.",
            "synced",
            True,
            1,
            2,
            running_parity,
            lambda T: LN2,
            lambda T: 0.5,
            0.99,
            default_seq_len=20,
            reference="Minsky & Papert 1969 (parity is hard for perceptrons)",
        ),
        Task(
            "parity",
            "Whole-sequence parity",
            "Bits in; one answer at the end: is the count of 1s odd? The same "
            "function as running parity, but the only error signal is at the last step: the failure demo.",
            "many_to_one",
            True,
            1,
            2,
            sequence_parity,
            lambda T: LN2,
            lambda T: 0.5,
            0.99,
            default_seq_len=20,
            reference="Hochreiter 1991; Bengio, Simard & Frasconi 1994 (long-range dependencies)",
        ),
        Task(
            "copy",
            "Copy memory",
            "Ten symbols from 8, then blanks, a delimiter, and the ten symbols must be "
            "repeated in the last ten steps. Baseline: blanks, then a uniform guess: 10·ln 8 / (T + 20).",
            "synced",
            True,
            EMBEDDING,
            10,
            copy_memory,
            lambda L: 10 * math.log(8) / L,
            lambda L: (L - 10 + 10 / 8) / L,
            0.99,
            default_seq_len=30,
            min_seq_len=21,
            vocab_size=10,
            reference="Hochreiter & Schmidhuber 1997; Arjovsky et al. 2016 (unitary RNNs)",
        ),
        Task(
            "reverse",
            "Reverse a digit string",
            "Encoder-decoder: read T digits, then write them in reverse order while reading empty inputs.",
            "many_to_many",
            True,
            EMBEDDING,
            10,
            reverse_digits,
            lambda T: math.log(10),
            lambda T: 0.1,
            0.99,
            default_seq_len=5,
            min_seq_len=1,
            vocab_size=10,
            reference="Sutskever, Vinyals & Le 2014 (sequence to sequence)",
        ),
        Task(
            "sine",
            "Noisy sine forecast",
            "Read a noisy sine wave, predict its next clean value. Baseline: predicting 0, the mean, scores 0.5.",
            "many_to_one",
            False,
            1,
            1,
            sine_forecast,
            lambda T: 0.5,
            lambda T: 0.5,
            0.01,
            default_seq_len=30,
            min_seq_len=3,
            reference="Box & Jenkins (time-series forecasting)",
        ),
        Task(
            "wave",
            "Wave from (frequency, phase)",
            "One-to-many: from one vector (frequency, phase) generate the wave. Baseline: predicting 0 scores 0.5.",
            "one_to_many",
            False,
            2,
            1,
            wave,
            lambda T: 0.5,
            lambda T: 0.5,
            0.01,
            default_seq_len=30,
            min_seq_len=2,
            reference="Graves 2013 (generating sequences)",
        ),
        Task(
            "same_sign",
            "Same sign (one to one)",
            "A feed-forward case for contrast: one step, two numbers, are their signs equal? No memory needed.",
            "one_to_one",
            True,
            2,
            2,
            same_sign,
            lambda T: LN2,
            lambda T: 0.5,
            0.97,
            default_seq_len=1,
            reference="Minsky & Papert 1969 (XOR)",
        ),
        Task(
            "sentiment",
            "Sentiment with negation",
            "Generated phrases ('the film is not very good at all .'); "
            "'not' flips the label and words after the adjective make the model remember it.",
            "many_to_one",
            True,
            EMBEDDING,
            2,
            sentiment,
            lambda T: LN2,
            lambda T: 0.5,
            0.99,
            default_seq_len=10,
            min_seq_len=8,
            vocab_size=len(SENTIMENT_WORDS),
            reference="Socher et al. 2013 (negation in sentiment)",
        ),
    ]
}


def input_labels(task: Task | None, x: Tensor, steps: int) -> list[str]:
    """One short label per unrolled step for one example x (no batch axis): characters, words,
    digits, bits or values; '∅' for the empty steps after the input."""
    name = task.name if task else ""
    if name == "char":
        labels = [task.vocabulary[int(i)] for i in x]
    elif name == "sentiment":
        labels = [SENTIMENT_WORDS[int(i)] if int(i) else "·" for i in x]
    elif name == "copy":
        labels = [{0: "_", 9: "|"}.get(int(i), str(int(i))) for i in x]
    elif name == "adding":
        labels = [f"{float(v):.2f}" + ("●" if float(m) else "") for v, m in x]
    elif x.dim() == 1 and x.dtype in (torch.int64, torch.int32):
        labels = [str(int(i)) for i in x]
    elif x.dim() == 1:  # one vector (one_to_one, one_to_many)
        labels = ["(" + ", ".join(f"{float(v):.2f}" for v in x) + ")"]
    else:
        labels = [f"{float(v[0]):.2f}" if v.numel() == 1 else f"x{t}" for t, v in enumerate(x)]
    return labels + ["∅"] * (steps - len(labels))
