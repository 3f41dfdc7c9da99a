"""Toy tasks, one signature each, so the Train page is a menu (as TensorFlow Playground's data sets).

Every task makes batches with `generate(batch_size, seq_len, generator) -> Batch` and carries
the loss of the best *memoryless* predictor, the line a model must beat to show it remembers:
adding MSE 1/6 (always answer 1), copy memory 10·ln 8/(T+20) (blank, then a uniform guess).
"""

from __future__ import annotations

import math

import torch
from torch import Tensor

from rnnviz.tasks.base import EMBEDDING, Batch, Task
from rnnviz.tasks.generators import (
    ADDITION_VOCABULARY,
    adding,
    addition,
    addition_baseline,
    addition_digits,
    copy_memory,
    reverse_digits,
    running_parity,
    same_sign,
    sequence_parity,
    sine_forecast,
    sine_series,
    wave,
)
from rnnviz.tasks.language import CHAR_RNN_TEXT, SENTIMENT_WORDS, char_task, sentiment

__all__ = [
    "CHAR_RNN_TEXT",
    "EMBEDDING",
    "SENTIMENT_WORDS",
    "TASKS",
    "Batch",
    "Task",
    "adding",
    "char_task",
    "copy_memory",
    "input_labels",
    "written_labels",
    "sentiment",
    "sine_series",
]

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
            "Encoder-decoder: read T digits, then write them in reverse order. The writing steps read empty "
            "inputs, or with the decoder feeding back its outputs, the digit written before.",
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
            "add_digits",
            "Addition (Keras)",
            "Read the question 'a+b' one character a step (backwards, as Keras does), then write the sum one "
            "digit a step. With empty decoder inputs, like Keras' RepeatVector, only the state carries the "
            "question; with the decoder feeding back its outputs, each writing step also reads the digit written "
            "before. Sequence length is the question's, 2·digits + 1.",
            "many_to_many",
            True,
            EMBEDDING,
            len(ADDITION_VOCABULARY),
            addition,
            lambda T: addition_baseline(T)[0],
            lambda T: addition_baseline(T)[1],
            0.99,
            default_seq_len=5,
            min_seq_len=3,
            vocab_size=len(ADDITION_VOCABULARY),
            reference="Keras examples, addition_rnn.py (after Zaremba & Sutskever 2014): one LSTM of 128 units "
            "reaches 99% on 2-digit sums",
            vocabulary=list(ADDITION_VOCABULARY),
            out_len=lambda T: addition_digits(T) + 1,
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
    if x.dim() == 0:  # one token id (one_to_one / one_to_many read a single input)
        x = x.reshape(1)
    if name in ("char", "add_digits"):  # the figures show a space as ␣
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


def written_labels(labels: list[str], task: Task | None, recording) -> list[str]:
    """For a decoder that feeds back its outputs, the writing steps' labels (example 0) become what
    they read: ^ for the start vector, then the output written one step before (its token, or
    its value)."""
    spec = recording.spec
    if not spec.feeds_back:
        return labels
    first, outputs = spec.input_steps, recording.step_outputs[:, 0]  # (T, O)
    vocabulary = task.vocabulary if task is not None else []
    read = []
    for t in range(first, spec.steps):
        if t == first and spec.reads_start:
            read.append("^")
        elif spec.decoder_input == "token":
            k = int(outputs[t - 1].argmax())
            read.append(vocabulary[k] if k < len(vocabulary) else str(k))
        else:
            read.append(f"{float(outputs[t - 1][0]):.2f}")
    return labels[:first] + read
