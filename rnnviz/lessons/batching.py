"""Text into tensors, the two classic ways.

(a) Sentences padded to the longest and one-hot encoded, input and target shifted by one
    character (the "hey how are you" char-RNN example): x, y are (batch, seq_len, vocab).
(b) PTB's batch_producer: one long token stream cut into `batch_size` rows, then windows of
    `num_steps` columns; y is x shifted one token to the right:

        stream:  a b c d e f g h i j k l m n o p q r s t u v w x      (24 tokens)
        rows (batch_size=3, batch_len=8):
                 a b c d e f g h
                 i j k l m n o p      window 0: x = columns 0..2, y = columns 1..3
                 q r s t u v w x      window 1: x = columns 3..5, y = columns 4..6
        epoch_size = (batch_len - 1) // num_steps = 7 // 3 = 2 windows
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np

MAX_TEXT_CHARS = 20_000
EXAMPLE_SENTENCES = "hey how are you\ngood i am fine\nhave a nice day"  # the char-RNN tutorial's
EXAMPLE_STREAM = (  # a few lines for the PTB-style stream
    "the cat sat on the mat\nthe dog sat on the log\na bird sang in the tree\n"
    "the cat saw the bird\nthe dog saw the cat\nevery one of them slept"
)


class TextError(ValueError):
    """Text that cannot be used, with a sentence saying why."""


def check_text(text: str, max_chars: int = MAX_TEXT_CHARS) -> str:
    """Return the text if usable; raise TextError for empty, binary or oversized input."""
    if not isinstance(text, str):
        raise TextError("The text must be a string of characters.")
    if "\x00" in text or "\ufffd" in text:
        raise TextError("This looks like binary data, not text: paste or type plain text.")
    control = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\t\r")
    if control > max(2, len(text) // 100):
        raise TextError("This text is full of control characters; it looks like binary data, not text.")
    if len(text) > max_chars:
        raise TextError(f"The text has {len(text):,} characters; the limit is {max_chars:,}. Use a shorter excerpt.")
    if not text.strip():
        raise TextError("The text is empty: type or paste at least one sentence.")
    return text


def decode_text(data: bytes, max_chars: int = MAX_TEXT_CHARS) -> str:
    """The bytes of an uploaded file → checked text. UTF-8 (with or without a BOM) and UTF-16
    with its byte-order mark are read; other binary files and encodings are refused."""
    if len(data) > 4 * max_chars:  # UTF-8 takes at most 4 bytes a character
        raise TextError(f"The file has {len(data):,} bytes; the limit is {max_chars:,} characters. Upload an excerpt.")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") and data[:4] != b"\xff\xfe\x00\x00":  # UTF-16 (not UTF-32)
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise TextError("This file starts like UTF-16 text but is damaged: save it again as UTF-8.") from None
        return check_text(text.replace("\r\n", "\n"), max_chars)
    if b"\x00" in data:
        raise TextError("This file is binary (it contains NUL bytes), not text: upload a plain .txt file.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TextError("This file is not UTF-8 text: save it as plain UTF-8 text and upload it again.") from None
    return check_text(text.replace("\r\n", "\n"), max_chars)


@dataclass(frozen=True)
class PaddedBatch:
    sentences: list[str]  # padded to the longest with the pad character
    vocabulary: list[str]  # one entry per one-hot column
    inputs: np.ndarray  # (batch, seq_len) character ids: every character but the last
    targets: np.ndarray  # (batch, seq_len) the next character: every character but the first
    one_hot: np.ndarray  # (batch, seq_len, vocab) float32, the network's x


def pad_and_encode(sentences: list[str], pad: str = " ") -> PaddedBatch:
    sentences = [s for s in sentences if s.strip()]
    if not sentences:
        raise TextError("There is no sentence to encode: write one per line.")
    longest = max(len(s) for s in sentences)
    if longest < 2:
        raise TextError("Each sentence needs at least two characters: one to read and one to predict.")
    padded = [s + pad * (longest - len(s)) for s in sentences]
    vocabulary = sorted(set("".join(padded)))
    index = {ch: k for k, ch in enumerate(vocabulary)}
    ids = np.array([[index[ch] for ch in s] for s in padded])  # (batch, longest)
    inputs, targets = ids[:, :-1], ids[:, 1:]
    one_hot = np.eye(len(vocabulary), dtype=np.float32)[inputs]  # (batch, seq_len, vocab)
    return PaddedBatch(padded, vocabulary, inputs, targets, one_hot)


def tokenize(text: str, unit: str = "word") -> list[str]:
    """Words with an <eos> at every line end (as PTB), or characters."""
    if unit == "char":
        return list(text)
    tokens = []
    for line in text.splitlines():
        words = line.split()
        if words:
            tokens.extend(words + ["<eos>"])
    return tokens


@dataclass(frozen=True)
class StreamBatches:
    grid: np.ndarray  # (batch_size, batch_len) of tokens, the stream laid out in rows
    num_steps: int
    epoch_size: int  # windows per pass over the data

    def window(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """x and y of window i, each (batch_size, num_steps); y is x one token later."""
        if not 0 <= i < self.epoch_size:
            raise IndexError(f"window {i} is outside 0..{self.epoch_size - 1}")
        start = i * self.num_steps
        return self.grid[:, start : start + self.num_steps], self.grid[:, start + 1 : start + self.num_steps + 1]


def batch_producer(tokens: list[str], batch_size: int, num_steps: int) -> StreamBatches:
    if batch_size < 1 or num_steps < 1:
        raise TextError("batch_size and num_steps must be at least 1.")
    batch_len = len(tokens) // batch_size
    epoch_size = (batch_len - 1) // num_steps
    if epoch_size < 1:
        need = batch_size * (num_steps + 1)
        raise TextError(
            f"{len(tokens)} tokens are too few for batch_size {batch_size} and num_steps {num_steps}: "
            f"each of the {batch_size} rows needs {num_steps + 1} tokens, {need} in all. "
            "Add text, or lower the batch size or the number of steps."
        )
    grid = np.array(tokens[: batch_size * batch_len], dtype=object).reshape(batch_size, batch_len)
    return StreamBatches(grid, num_steps, epoch_size)
