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

With `decoder_input` "token" or "value", the writing steps of one_to_many and many_to_many read
the previous output instead of zeros (an autoregressive decoder):

    x_t = W_fb · v_{t-1}   v = one_hot(argmax ŷ) for "token" (a table lookup), ŷ itself for "value"
    x_t = s               the first writing step of an encoder-decoder: a learned start vector (^)

With `attention` (Luong et al. 2015; many_to_many only), the head reads h̃_t instead of h_t:

    score_ts = h_t · e_s ("dot")  or  h_t · W_a e_s ("general")   e_s: the state at reading step s
    α_t = softmax_s(score_t)      c_t = Σ_s α_ts e_s               h̃_t = tanh(W_c [c_t; h_t])

Teacher forcing: with probability `teacher_forcing` a step reads the true previous target
instead of the model's own output. The fed-back v is a constant (as an argmax must be): no
gradient flows back along the feedback arrow, only through the state. So the model first finds
the v's step by step without gradients, then runs the fused core once over every step.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from rnnviz.net.minrnn import MinRNN
from rnnviz.net.spec import MIN_CELLS, RNNSpec

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
        self.feedback = nn.Linear(spec.output_size, spec.input_size, bias=False) if spec.feeds_back else None
        self.start = (
            nn.Parameter(torch.randn(spec.input_size)) if spec.reads_start else None
        )  # the start token's vector
        width = spec.hidden_size * spec.num_directions
        self.score = nn.Linear(width, width, bias=False) if spec.attention == "general" else None  # W_a
        self.combine = nn.Linear(2 * width, width) if spec.attention != "none" else None  # W_c

    @property
    def time_axis(self) -> int:
        return 1 if self.spec.batch_first else 0

    def core_input(
        self, x: Tensor, y: Tensor | None = None, teacher_forcing: float = 0.0, hx=None, generator=None
    ) -> Tensor:
        """x as the user gives it → what the core reads: (B, steps, F). The writing steps read
        zeros, or with feedback the previous output (the true previous target `y` instead with
        probability `teacher_forcing`, drawn once per step for the whole batch)."""
        spec = self.spec
        single = spec.topology in ("one_to_one", "one_to_many")
        if spec.vocab_size:
            if x.dtype not in (torch.int64, torch.int32):
                raise ValueError("This model reads token ids: x must be an integer tensor.")
            x = self.embedding(x)
        if single:  # one vector per example: add the time axis
            x = x.unsqueeze(self.time_axis)
        padding = spec.steps - spec.input_steps  # the topology's empty steps, whatever the input length
        if padding and self.feedback is not None:
            fed = self.fed_back(x, y, teacher_forcing, hx, generator)  # (B, writes, O) constants
            written = self.feedback(fed)  # also when empty, so W_fb always takes part (a zero gradient)
            written = written if spec.batch_first else written.transpose(0, 1)
            start = [self.start_step(x.shape[1 - self.time_axis])] if self.start is not None else []
            x = torch.cat([x, *start, written], dim=self.time_axis)
        elif padding:
            shape = list(x.shape)
            shape[self.time_axis] = padding
            x = torch.cat([x, x.new_zeros(shape)], dim=self.time_axis)
        return x

    def fed_back(self, read: Tensor, y: Tensor | None, teacher_forcing: float, hx=None, generator=None) -> Tensor:
        """The vectors v the writing steps feed back, (B, writes, O), found step by step without
        gradients: the true previous target where teacher forcing draws it, else the model's own
        previous output (one-hot of its argmax for "token"). `read`: the core input of the reading
        steps."""
        spec = self.spec
        B = read.shape[1 - self.time_axis]
        writes = spec.output_steps - 1  # the first writing step reads the start vector, or the one input
        tokens = spec.decoder_input == "token"
        if writes == 0:
            return read.new_zeros(B, 0, spec.output_size)
        forced = [y is not None and _coin(teacher_forcing, generator) for _ in range(writes)]
        targets = None
        if any(forced):  # as vectors in output space, (B, output_steps, O): class ids one-hot
            integer = y.dtype in (torch.int64, torch.int32)
            targets = nn.functional.one_hot(y.long(), spec.output_size).to(read.dtype) if integer else y
            if not spec.batch_first:
                targets = targets.transpose(0, 1)
        if all(forced):  # every step reads the truth: nothing to run
            return targets[:, :writes].detach()
        chosen = []
        with torch.no_grad():
            first = read if self.start is None else torch.cat([read, self.start_step(B)], dim=self.time_axis)
            output, state = self.core(first, hx)
            encoded = output.narrow(self.time_axis, 0, spec.input_steps)
            last = output.narrow(self.time_axis, output.shape[self.time_axis] - 1, 1)
            previous = self.read_out(last, encoded).squeeze(self.time_axis)
            for k in range(writes):
                if forced[k]:
                    v = targets[:, k]
                elif tokens:
                    v = nn.functional.one_hot(previous.argmax(-1), spec.output_size).to(previous.dtype)
                else:
                    v = previous
                chosen.append(v)
                output, state = self.core(self.feedback(v).unsqueeze(self.time_axis), state)
                previous = self.read_out(output, encoded).squeeze(self.time_axis)
        return torch.stack(chosen, dim=1)

    def attend(self, output: Tensor, encoded: Tensor | None = None) -> tuple[Tensor, Tensor]:
        """The core's output h (B, steps, W), time-major when the model is → (h̃ in the same
        layout, α (B, steps, S)): every step attends over the reading steps' states e, which are
        `encoded` or else output's first input_steps."""
        if encoded is None:
            encoded = output.narrow(self.time_axis, 0, self.spec.input_steps)
        if not self.spec.batch_first:
            output, encoded = output.transpose(0, 1), encoded.transpose(0, 1)
        keys = self.score(encoded) if self.score is not None else encoded
        alpha = torch.softmax(output @ keys.transpose(1, 2), dim=-1)  # (B, steps, S)
        h_tilde = torch.tanh(self.combine(torch.cat([alpha @ encoded, output], dim=-1)))
        return (h_tilde if self.spec.batch_first else h_tilde.transpose(0, 1)), alpha

    def read_out(self, output: Tensor, encoded: Tensor | None = None) -> Tensor:
        """The head at every step of the core's output: on h_t, or with attention on h̃_t."""
        return self.head(output if self.combine is None else self.attend(output, encoded)[0])

    def start_step(self, batch: int) -> Tensor:
        """The start vector as one step of the core input: (B, 1, F), or (1, B, F) time-major."""
        start = self.start.expand(batch, 1, -1)
        return start if self.spec.batch_first else start.transpose(0, 1)

    def kept(self, every_step: Tensor) -> Tensor:
        """Head output at every step → the kept outputs, shaped as the topology returns them."""
        spec = self.spec
        steps = every_step.shape[self.time_axis]  # a synced or many-to-one model reads any length
        kept = steps if spec.topology == "synced" else spec.output_steps
        y = every_step.narrow(self.time_axis, steps - kept, kept)
        if spec.topology in ("one_to_one", "many_to_one"):
            y = y.squeeze(self.time_axis)
        return y

    def forward(self, x: Tensor, hx=None, y: Tensor | None = None, teacher_forcing: float = 0.0, generator=None):
        """→ (y, state) where state is h_n, or (h_n, c_n) for LSTM. `y` and `teacher_forcing`
        matter only to a decoder that feeds back its outputs; without them it runs free."""
        output, state = self.core(self.core_input(x, y, teacher_forcing, hx, generator), hx)
        return self.kept(self.read_out(output)), state  # the head is per step: reading all steps is cheap


def _coin(probability: float, generator=None) -> bool:
    """True with this probability (no random draw at 0 or 1)."""
    if probability >= 1 or probability <= 0:
        return probability >= 1
    return float(torch.rand((), generator=generator)) < probability


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
