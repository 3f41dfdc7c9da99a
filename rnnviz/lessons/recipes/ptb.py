"""TensorFlow's PTB word-level LSTM tutorial (tensorflow/models, tutorials/rnn/ptb: reader.py and
ptb_word_lm.py, SmallConfig), on a small bundled corpus instead of the Penn Treebank download.

reader: the text's lines end in "<eos>", words are numbered by frequency (ties alphabetically),
and ptb_producer lays the word ids into batch_size rows of batch_len = len // batch_size and cuts
them into windows of num_steps: epoch_size = (batch_len − 1) // num_steps windows an epoch, each
target window the input shifted by one word. The model: embedding → 2-layer LSTM (forget bias 0)
→ softmax over the vocabulary, weights uniform in ±init_scale; the cost summed over the window's
steps and averaged over the batch; SGD at learning rate 1.0, halved every epoch after max_epoch,
gradients clipped to global norm 5; the state carried from window to window within an epoch.
It prints the perplexity exp(costs / iters) of every epoch.
"""

from __future__ import annotations

import collections
import math
import random

import torch
from torch import nn

from rnnviz.net.seeding import seeded

INIT_SCALE, LEARNING_RATE, MAX_GRAD_NORM, NUM_LAYERS = 0.1, 1.0, 5.0, 2
NUM_STEPS, HIDDEN_SIZE, MAX_EPOCH, MAX_MAX_EPOCH, LR_DECAY, BATCH_SIZE = 20, 200, 4, 13, 0.5, 20

SUBJECTS = ["the cat", "a dog", "the model", "my teacher", "the network", "a student", "the class"]
VERBS = ["sees", "likes", "reads", "trains", "remembers", "forgets", "follows"]
OBJECTS = ["the ball", "a book", "the sequence", "the gradient", "a word", "the state", "the answer"]
TAILS = ["", "", "today", "again", "every day", "at night"]


def corpus(sentences: int = 1500, seed: int = 0) -> str:
    """The bundled stand-in for ptb.train.txt: sentences from a small grammar, one a line, so a
    word-level model has something to learn (which words may follow which)."""
    rng = random.Random(seed)
    lines = []
    for _ in range(sentences):
        words = [rng.choice(SUBJECTS), rng.choice(VERBS), rng.choice(OBJECTS), rng.choice(TAILS)]
        if rng.random() < 0.3:
            words += ["and", rng.choice(VERBS), rng.choice(OBJECTS)]
        lines.append(" " + " ".join(w for w in words if w) + " \n")  # ptb.train.txt's format: spaces around
    return "".join(lines)


def read_words(text: str) -> list[str]:
    return text.replace("\n", "<eos>").split()


def build_vocab(text: str) -> dict[str, int]:
    counter = collections.Counter(read_words(text))
    count_pairs = sorted(counter.items(), key=lambda x: (-x[1], x[0]))
    words, _ = list(zip(*count_pairs))
    return dict(zip(words, range(len(words))))


def word_ids(text: str, word_to_id: dict[str, int]) -> list[int]:
    return [word_to_id[word] for word in read_words(text) if word in word_to_id]


def ptb_producer(raw_data: list[int], batch_size: int, num_steps: int):
    """→ (epoch_size, windows): windows[i] = (x, y), each (batch_size, num_steps), as reader.py."""
    raw = torch.tensor(raw_data, dtype=torch.long)
    batch_len = len(raw) // batch_size
    data = raw[: batch_size * batch_len].reshape(batch_size, batch_len)
    epoch_size = (batch_len - 1) // num_steps
    if epoch_size <= 0:
        raise ValueError("epoch_size == 0, decrease batch_size or num_steps")
    windows = [
        (data[:, i * num_steps : (i + 1) * num_steps], data[:, i * num_steps + 1 : (i + 1) * num_steps + 1])
        for i in range(epoch_size)
    ]
    return epoch_size, windows


class Model(nn.Module):
    def __init__(self, vocab_size: int):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, HIDDEN_SIZE)
        self.lstm = nn.LSTM(HIDDEN_SIZE, HIDDEN_SIZE, NUM_LAYERS, batch_first=True)
        self.softmax = nn.Linear(HIDDEN_SIZE, vocab_size)
        for parameter in self.parameters():  # tf.random_uniform_initializer(-init_scale, init_scale)
            nn.init.uniform_(parameter, -INIT_SCALE, INIT_SCALE)
        with torch.no_grad():  # BasicLSTMCell(forget_bias=0.0) with zero biases: no forget-gate offset
            for name, parameter in self.lstm.named_parameters():
                if name.startswith("bias"):
                    parameter.zero_()

    def forward(self, x, state=None):
        output, state = self.lstm(self.embedding(x), state)
        return self.softmax(output), state


def run_epoch(model, windows, optimizer=None) -> float:
    """One pass over the windows, the state carried along; → perplexity exp(costs / iters)."""
    costs, iters, state = 0.0, 0, None
    for x, y in windows:
        with torch.set_grad_enabled(optimizer is not None):
            logits, state = model(x, state)
            loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1), reduction="none")
            cost = loss.reshape(y.shape).mean(0).sum()  # summed over steps, averaged over the batch
        if optimizer is not None:
            optimizer.zero_grad()
            cost.backward()
            nn.utils.clip_grad_norm_(model.parameters(), MAX_GRAD_NORM)
            optimizer.step()
        state = tuple(s.detach() for s in state)
        costs += float(cost.detach())
        iters += x.shape[1]
    return math.exp(costs / iters)


def train(seed: int = 0, epochs: int = MAX_MAX_EPOCH, on_point=None):
    """→ (model, [(train perplexity, valid perplexity) per epoch]) on the corpus's first 90 % and
    last 10 %. on_point(epoch, train perplexity) as the tutorial prints."""
    text = corpus()
    vocabulary = build_vocab(text)
    ids = word_ids(text, vocabulary)
    cut = len(ids) * 9 // 10
    _, train_windows = ptb_producer(ids[:cut], BATCH_SIZE, NUM_STEPS)
    _, valid_windows = ptb_producer(ids[cut:], 1, 1)  # the tutorial's eval config: batch 1, 1 step
    with seeded(seed):  # the tutorial's seed, kept from other threads' draws
        model = Model(len(vocabulary))
    optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)
    history = []
    for epoch in range(epochs):
        for group in optimizer.param_groups:
            group["lr"] = LEARNING_RATE * LR_DECAY ** max(epoch + 1 - MAX_EPOCH, 0.0)
        model.train()
        train_perplexity = run_epoch(model, train_windows, optimizer)
        model.eval()
        history.append((train_perplexity, run_epoch(model, valid_windows)))
        if on_point:
            on_point(epoch + 1, train_perplexity)
    return model, history


def shapes() -> list[tuple[str, tuple, str]]:
    text = corpus()
    vocabulary = build_vocab(text)
    ids = word_ids(text, vocabulary)
    epoch_size, windows = ptb_producer(ids, BATCH_SIZE, NUM_STEPS)
    x, y = windows[0]
    logits, (h, c) = Model(len(vocabulary))(x)
    return [
        ("raw_data", (len(ids),), f"every word of the corpus as an id; vocabulary of {len(vocabulary)} words"),
        ("data", (BATCH_SIZE, len(ids) // BATCH_SIZE), "(batch_size, batch_len): the stream cut into rows"),
        ("x, y", tuple(x.shape), f"(batch_size, num_steps) windows; epoch_size = {epoch_size}"),
        ("logits", tuple(logits.shape), "(batch, num_steps, vocab_size)"),
        ("state h, c", tuple(h.shape), "(num_layers, batch, hidden_size): carried to the next window"),
    ]
