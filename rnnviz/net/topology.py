"""Karpathy's five topologies as data: which unrolled steps read, emit and count.

The synced many-to-many form is the general one; the others are it with parts switched off:

    synced          many_to_one     one_to_many     many_to_many (encoder-decoder)
    y0 y1 y2 y3     .  .  .  y3     y0 y1 y2 y3     .  .  .  y3 y4 y5
    h0→h1→h2→h3     h0→h1→h2→h3     h0→h1→h2→h3     h0→h1→h2→h3→h4→h5
    x0 x1 x2 x3     x0 x1 x2 x3     x0 ∅  ∅  ∅      x0 x1 x2 x3 ∅  ∅

    "." = an output computed but ignored, "∅" = an empty (all-zero) input.
    one_to_one is a single step: x0 → h0 → y0, a feed-forward network.

Real inputs are always a prefix of the steps and kept outputs always a suffix.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rnnviz.net.spec import RNNSpec

USES = {
    "one_to_one": "No recurrence: one input, one output, e.g. classifying an image.",
    "one_to_many": "One input, a sequence out: image captioning, generating a wave from its frequency.",
    "many_to_one": "A sequence in, one output: sentiment of a review, the sum in the adding problem.",
    "many_to_many": "Encoder-decoder: read the whole sequence, then write another, e.g. "
    "translation or reversing a string.",
    "synced": "An output at every input step: labelling each video frame, predicting the next character.",
}

DERIVATION = {
    "one_to_one": "The synced form with a single step.",
    "one_to_many": "The synced form fed empty (zero) inputs after the first step.",
    "many_to_one": "The synced form with every output but the last ignored.",
    "many_to_many": "The synced form with both: outputs ignored while reading, empty inputs while writing.",
    "synced": "The general form: every step reads an input and emits an output.",
}


@dataclass(frozen=True)
class Timeline:
    """Per unrolled step t = 0..steps-1, what the topology does there."""

    topology: str
    reads_input: np.ndarray  # (T,) bool: step reads a real input (else an empty one)
    emits_output: np.ndarray  # (T,) bool: the model returns this step's output
    in_loss: np.ndarray  # (T,) bool: that output counts in the loss

    @property
    def steps(self) -> int:
        return len(self.reads_input)

    @property
    def input_steps(self) -> int:
        return int(self.reads_input.sum())

    @property
    def output_steps(self) -> int:
        return int(self.emits_output.sum())

    @property
    def first_output(self) -> int:
        """Index of the first kept output; kept outputs run from here to the end."""
        return self.steps - self.output_steps


def timeline(spec: RNNSpec) -> Timeline:
    steps = np.arange(spec.steps)
    reads_input = steps < spec.input_steps
    emits_output = steps >= spec.steps - spec.output_steps
    return Timeline(spec.topology, reads_input, emits_output, emits_output.copy())
