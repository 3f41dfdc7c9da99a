"""SeqModel(spec): input layer → one fused torch RNN/LSTM/GRU → linear head, per topology.

Shapes with batch_first (swap the first two axes otherwise):

    topology       x                          y
    one_to_one     (B, F)   or tokens (B,)    (B, O)
    one_to_many    (B, F)   or tokens (B,)    (B, out_len, O)
    many_to_one    (B, T, F) or tokens (B, T) (B, O)
    many_to_many   (B, T, F) or tokens (B, T) (B, out_len, O)
    synced         (B, T, F) or tokens (B, T) (B, T, O)

Inside, every topology runs the synced form (see topology.py): the input is padded with empty
(zero) steps up to `spec.steps`, the core runs over all of them, the head reads every step, and
the kept outputs are the last `spec.output_steps`.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from rnnviz.minrnn import MinRNN
from rnnviz.spec import MIN_CELLS, RNNSpec

CORES = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU, "mingru": MinRNN, "minlstm": MinRNN}


class SeqModel(nn.Module):
    def __init__(self, spec: RNNSpec):
        super().__init__()
        self.spec = spec.validate()
        # Token ids are looked up in a table; real vectors go straight in (the core's W_ih is
        # already the learned input projection).
        self.embedding = nn.Embedding(spec.vocab_size, spec.input_size) if spec.vocab_size else None
        extra = {"nonlinearity": spec.nonlinearity} if spec.cell == "rnn" else {}
        if spec.cell in MIN_CELLS:
            extra = {"kind": spec.cell, "negative": spec.decay == "signed"}
        self.core = CORES[spec.cell](
            spec.input_size,
            spec.hidden_size,
            num_layers=spec.num_layers,
            bidirectional=spec.bidirectional,
            batch_first=spec.batch_first,
            **extra,
        )
        self.head = nn.Linear(spec.hidden_size * spec.num_directions, spec.output_size)

    @property
    def time_axis(self) -> int:
        return 1 if self.spec.batch_first else 0

    def core_input(self, x: Tensor) -> Tensor:
        """x as the user gives it → what the core reads: (B, steps, F), empty steps zero."""
        spec = self.spec
        single = spec.topology in ("one_to_one", "one_to_many")
        if spec.vocab_size:
            if x.dtype not in (torch.int64, torch.int32):
                raise ValueError("This model reads token ids: x must be an integer tensor.")
            x = self.embedding(x)
        if single:  # one vector per example: add the time axis
            x = x.unsqueeze(self.time_axis)
        padding = spec.steps - spec.input_steps  # the topology's empty steps, whatever the input length
        if padding:
            shape = list(x.shape)
            shape[self.time_axis] = padding
            x = torch.cat([x, x.new_zeros(shape)], dim=self.time_axis)
        return x

    def kept(self, every_step: Tensor) -> Tensor:
        """Head output at every step → the kept outputs, shaped as the topology returns them."""
        spec = self.spec
        steps = every_step.shape[self.time_axis]  # a synced or many-to-one model reads any length
        kept = steps if spec.topology == "synced" else spec.output_steps
        y = every_step.narrow(self.time_axis, steps - kept, kept)
        if spec.topology in ("one_to_one", "many_to_one"):
            y = y.squeeze(self.time_axis)
        return y

    def forward(self, x: Tensor, hx=None):
        """→ (y, state) where state is h_n, or (h_n, c_n) for LSTM."""
        output, state = self.core(self.core_input(x), hx)
        return self.kept(self.head(output)), state  # the head is per step: reading all steps is cheap


def build_model(spec: RNNSpec) -> SeqModel:
    return SeqModel(spec)


def example_input(spec: RNNSpec, generator: torch.Generator | None = None, device: str | None = None) -> Tensor:
    """A random x of the shape the model reads (token ids when vocab_size > 0). device="meta":
    shape and dtype only, no numbers (for the shape ledger)."""
    B, T, F = spec.batch_size, spec.input_steps, spec.input_size
    single = spec.topology in ("one_to_one", "one_to_many")
    shape = (B,) if single else ((B, T) if spec.batch_first else (T, B))
    if device == "meta":
        return torch.empty(
            shape if spec.vocab_size else shape + (F,), dtype=torch.long if spec.vocab_size else None, device="meta"
        )
    if spec.vocab_size:
        return torch.randint(spec.vocab_size, shape, generator=generator)
    return torch.randn(shape + (F,), generator=generator)
