"""Encoder-decoder done right: a decoder that feeds back its previous output (teacher-forced in
training with a chosen ratio, free-running at test time), optional Luong attention, and the two
classic tasks, the Keras addition RNN ("535+61" → "596") and reversal.

    model = Seq2Seq(ADDITION.vocabulary, hidden=128)
    history = train(model, ADDITION, updates=3000, teacher_forcing=1.0)
    decoded = model(src)                         # free-running: each step reads its own last output
    decoded = model(src, tgt, teacher_forcing=1) # teacher-forced: each step reads the true previous token

feedback="empty" is the seed blog's decoder instead: every decoder step reads an empty (zero)
input and only the state carries information (the many_to_many topology of rnnviz.net.model).
Attention (Luong et al. 2015): score(h_t, e_s) = h_t·e_s ("dot") or h_t·W e_s ("general");
weights = softmax over the source; context c_t = Σ weights·e_s; output from tanh(W_c [c_t; h_t]).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import torch
from torch import Tensor, nn

START = "^"  # the decoder's first input


@dataclass(frozen=True)
class Seq2SeqTask:
    name: str
    title: str
    vocabulary: str  # one character a token; the start token is added after it
    source_len: int
    target_len: int
    make: object  # (rng: random.Random) → (source string, target string)
    reference: str

    def batch(self, size: int, rng: random.Random) -> tuple[Tensor, Tensor, list[tuple[str, str]]]:
        pairs = [self.make(rng) for _ in range(size)]
        return self.encode([s for s, _ in pairs]), self.encode([t for _, t in pairs]), pairs

    def encode(self, strings: list[str]) -> Tensor:
        return torch.tensor([[self.vocabulary.index(c) for c in s] for s in strings])

    def decode(self, ids: Tensor) -> list[str]:
        return ["".join(self.vocabulary[int(i)] for i in row) for row in ids]


def addition_task(digits: int = 2, reverse: bool = True) -> Seq2SeqTask:
    """Keras' addition RNN: "a+b" padded with spaces to 2·digits + 1 characters (reversed, as the
    example does by default), the answer padded to digits + 1."""
    width = 2 * digits + 1

    def make(rng: random.Random) -> tuple[str, str]:
        a, b = rng.randrange(10**digits), rng.randrange(10**digits)
        question = f"{a}+{b}".ljust(width)
        return (question[::-1] if reverse else question), str(a + b).ljust(digits + 1)

    return Seq2SeqTask(
        "addition",
        f"Addition of {digits}-digit numbers",
        "0123456789+ ",
        width,
        digits + 1,
        make,
        "Keras examples, addition_rnn.py (after Zaremba & Sutskever 2014): one LSTM of 128 units reaches 99% on "
        "2-digit sums",
    )


def reversal_task(length: int = 6) -> Seq2SeqTask:
    def make(rng: random.Random) -> tuple[str, str]:
        digits = "".join(rng.choice("0123456789") for _ in range(length))
        return digits, digits[::-1]

    return Seq2SeqTask(
        "reversal",
        f"Reverse {length} digits",
        "0123456789",
        length,
        length,
        make,
        "Sutskever, Vinyals & Le 2014; with attention each output step looks at the mirrored input position",
    )


ADDITION = addition_task()
REVERSAL = reversal_task()
SEQ2SEQ_TASKS = {task.name: task for task in (ADDITION, REVERSAL)}
CELLS = {"rnn": (nn.RNN, nn.RNNCell), "gru": (nn.GRU, nn.GRUCell), "lstm": (nn.LSTM, nn.LSTMCell)}


@dataclass
class Decoded:
    logits: Tensor  # (B, L, V)
    tokens: Tensor  # (B, L): the argmax at every step
    attention: Tensor | None  # (B, L, S): each output step's weights over the source
    states: Tensor  # (B, L, H): the decoder's hidden state at every step


class Seq2Seq(nn.Module):
    def __init__(
        self,
        vocabulary: str,
        hidden: int = 128,
        embedding: int = 16,
        cell: str = "lstm",
        attention: str | None = None,
        feedback: str = "previous",
    ):
        super().__init__()
        if attention not in (None, "dot", "general") or feedback not in ("previous", "empty"):
            raise ValueError("attention is None, 'dot' or 'general'; feedback is 'previous' or 'empty'.")
        self.vocab_size, self.cell, self.attention, self.feedback = len(vocabulary), cell, attention, feedback
        self.embedding = nn.Embedding(len(vocabulary) + 1, embedding)  # + the start token
        self.encoder = CELLS[cell][0](embedding, hidden, batch_first=True)
        self.decoder = CELLS[cell][1](embedding, hidden)
        self.score = nn.Linear(hidden, hidden, bias=False) if attention == "general" else None
        self.combine = nn.Linear(2 * hidden, hidden) if attention else None
        self.out = nn.Linear(hidden, len(vocabulary))

    @property
    def start(self) -> int:
        return self.vocab_size

    def step_input(self, token: Tensor) -> Tensor:
        embedded = self.embedding(token)
        return torch.zeros_like(embedded) if self.feedback == "empty" else embedded

    def encode(self, src: Tensor) -> tuple[Tensor, Tensor, Tensor | None]:
        """(B, S) ids → the encoder's states (B, S, H) and its last h (and c for an LSTM), which
        start the decoder."""
        encoded, state = self.encoder(self.embedding(src))
        return (encoded, state[0][0], state[1][0]) if self.cell == "lstm" else (encoded, state[0], None)

    def read_out(self, h: Tensor, encoded: Tensor) -> tuple[Tensor, Tensor | None, Tensor | None]:
        """One decoder state → (logits, attention weights over the source, context); without
        attention the logits read h alone and the other two are None."""
        if not self.attention:
            return self.out(h), None, None
        keys = self.score(encoded) if self.score is not None else encoded
        alpha = torch.softmax(torch.einsum("bh,bsh->bs", h, keys), dim=-1)
        context = torch.einsum("bs,bsh->bh", alpha, encoded)
        return self.out(torch.tanh(self.combine(torch.cat([context, h], dim=-1)))), alpha, context

    def forward(
        self, src: Tensor, tgt: Tensor | None = None, teacher_forcing: float = 0.0, length: int | None = None, rng=None
    ) -> Decoded:
        """Decode (B, S) source ids into (B, L) target ids. Each step reads the true previous target
        with probability `teacher_forcing` (needs tgt), else its own previous prediction."""
        encoded, h, c = self.encode(src)
        steps = tgt.shape[1] if tgt is not None else length
        token = torch.full((src.shape[0],), self.start, dtype=torch.long, device=src.device)
        logits, tokens, weights, states = [], [], [], []
        for t in range(steps):
            x = self.step_input(token)
            if c is not None:
                h, c = self.decoder(x, (h, c))
            else:
                h = self.decoder(x, h)
            step_logits, alpha, _ = self.read_out(h, encoded)
            if alpha is not None:
                weights.append(alpha)
            predicted = step_logits.argmax(-1)
            logits.append(step_logits)
            tokens.append(predicted)
            states.append(h)
            forced = tgt is not None and teacher_forcing > 0 and (rng or random).random() < teacher_forcing
            token = tgt[:, t] if forced else predicted.detach()
        return Decoded(
            torch.stack(logits, 1),
            torch.stack(tokens, 1),
            torch.stack(weights, 1) if weights else None,
            torch.stack(states, 1),
        )


def exact_match(model: Seq2Seq, src: Tensor, tgt: Tensor, teacher_forcing: float) -> tuple[float, Tensor]:
    """(share of sequences decoded entirely right, token accuracy at each position (L,)),
    teacher-forced (1.0: every step reads the true previous token) or free-running (0.0)."""
    with torch.no_grad():
        tokens = model(src, tgt, teacher_forcing=teacher_forcing).tokens
    right = tokens == tgt
    return float(right.all(1).float().mean()), right.float().mean(0)


def train(
    model: Seq2Seq,
    task: Seq2SeqTask,
    updates: int = 3000,
    teacher_forcing: float = 1.0,
    batch: int = 128,
    lr: float = 3e-3,
    seed: int = 0,
    every: int = 250,
    until: float | None = None,
    on_point=None,
) -> list[dict]:
    """Adam on cross-entropy; every `every` updates, on 1,000 held-out sequences: the exact-match
    accuracy (whole sequences right; teacher-forced and free-running give the same, since until
    the first mistake both read the same tokens) and the token accuracy at each output position,
    teacher-forced and free-running: after a first mistake a free-running decoder reads its own
    error, so its later positions fall behind (exposure bias). Stops when exact match reaches
    `until`."""
    rng, held_out = random.Random(seed), random.Random(seed + 1000)
    test_src, test_tgt, _ = task.batch(1000, held_out)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = []
    for update in range(1, updates + 1):
        model.train()
        src, tgt, _ = task.batch(batch, rng)
        decoded = model(src, tgt, teacher_forcing=teacher_forcing, rng=rng)
        loss = nn.functional.cross_entropy(decoded.logits.reshape(-1, model.vocab_size), tgt.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        if update % every == 0 or update == updates:
            model.eval()
            _, forced_positions = exact_match(model, test_src, test_tgt, 1.0)
            free, free_positions = exact_match(model, test_src, test_tgt, 0.0)
            point = {
                "update": update,
                "loss": float(loss.detach()),
                "exact match": free,  # the same teacher-forced: until a first mistake both read the same tokens
                "teacher-forced tokens": float(forced_positions.mean()),
                "free-running tokens": float(free_positions.mean()),
                "teacher-forced by position": forced_positions.tolist(),
                "free-running by position": free_positions.tolist(),
            }
            history.append(point)
            if on_point:
                on_point(point)
            if until is not None and free >= until:
                break
    return history


@dataclass
class Example:
    """One held-out example decoded both ways."""

    source: str
    target: str
    forced: str  # teacher-forced: every step read the true previous token
    free: str  # free-running: every step read its own previous output
    first_mistake: int | None  # the first output position the free-running decoder got wrong
    attention: object | None  # (L, S) numpy weights of the free-running decoder, with attention
    mirrored: float | None  # reversal: share of output steps whose strongest weight is the mirrored input


def mistake_sentence(first_mistake: int | None, length: int) -> str:
    """What the first free-running mistake means, in words: later steps read it, unless it is the last."""
    if first_mistake is None:
        return "."
    if first_mistake >= length - 1:
        return f": its only mistake is at the last output position ({first_mistake}), so no later step reads it."
    return f": its first mistake is at output position {first_mistake}, and every later step reads it."


def held_out(task: Seq2SeqTask, index: int, seed: int = 0) -> tuple[Tensor, Tensor, tuple[str, str]]:
    """Held-out example `index` of the 1,000 `train` evaluates on for this seed: (1, S) source
    ids, (1, L) target ids, and the two strings."""
    src, tgt, pairs = task.batch(index + 1, random.Random(seed + 1000))
    return src[index : index + 1], tgt[index : index + 1], pairs[index]


def decode_example(model: Seq2Seq, task: Seq2SeqTask, index: int, seed: int = 0) -> Example:
    """Held-out example `index` (of the 1,000 `train` evaluates on, for this seed) decoded both ways."""
    one_src, one_tgt, (source, target) = held_out(task, index, seed)
    with torch.no_grad():
        forced = model(one_src, one_tgt, teacher_forcing=1.0)
        free = model(one_src, length=task.target_len)
    free_text = task.decode(free.tokens)[0]
    wrong = [t for t, (p, q) in enumerate(zip(free_text, target)) if p != q]
    weights = None if free.attention is None else free.attention[0].numpy()
    mirrored = None
    if weights is not None and task.name == "reversal":
        mirrored = float((weights.argmax(1) == list(range(len(source) - 1, -1, -1))).mean())
    return Example(
        source, target, task.decode(forced.tokens)[0], free_text, wrong[0] if wrong else None, weights, mirrored
    )
