"""The numeric and token generators: adding, parity, copy memory, reversal, sines, same sign.

Each is generate(batch_size, seq_len, generator) -> Batch, batch first.
"""

from __future__ import annotations

import functools
import math

import torch
from torch import Tensor

from rnnviz.tasks.base import Batch


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


ADDITION_VOCABULARY = "0123456789+ "


def addition_digits(seq_len: int) -> int:
    """Digits per number when the question "a+b" is padded to seq_len characters (2·digits + 1)."""
    return max((seq_len - 1) // 2, 1)


def addition(batch_size, seq_len, g) -> Batch:
    """Keras' addition RNN: the question "a+b" padded with spaces to seq_len characters and read
    backwards (the example's REVERSE = True), the answer a+b padded to digits + 1 characters."""
    digits = addition_digits(seq_len)
    numbers = torch.randint(0, 10**digits, (batch_size, 2), generator=g).tolist()
    questions = [f"{a}+{b}".ljust(seq_len)[::-1] for a, b in numbers]
    answers = [str(a + b).ljust(digits + 1) for a, b in numbers]

    def ids(strings: list[str]) -> Tensor:
        return torch.tensor([[ADDITION_VOCABULARY.index(c) for c in s] for s in strings])

    return Batch(ids(questions), ids(answers))


@functools.lru_cache(maxsize=16)
def addition_baseline(seq_len: int) -> tuple[float, float]:
    """The best memoryless answer: at each output position the most common character, scored by
    its entropy (cross-entropy) and its frequency (accuracy), averaged over positions; exact over
    every pair of numbers up to 2 digits, from 20,000 pairs beyond."""
    digits = addition_digits(seq_len)
    if digits <= 2:
        pairs = [(a, b) for a in range(10**digits) for b in range(10**digits)]
    else:
        rng = torch.Generator().manual_seed(0)
        pairs = torch.randint(0, 10**digits, (20_000, 2), generator=rng).tolist()
    answers = [str(a + b).ljust(digits + 1) for a, b in pairs]
    entropy, best = 0.0, 0.0
    for position in range(digits + 1):
        counts = torch.tensor(
            [sum(answer[position] == c for answer in answers) for c in ADDITION_VOCABULARY], dtype=torch.float64
        )
        p = counts[counts > 0] / len(answers)
        entropy += float(-(p * p.log()).sum())
        best += float(p.max())
    return entropy / (digits + 1), best / (digits + 1)


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
