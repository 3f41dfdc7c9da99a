"""RNNSpec: every knob of the network the app shows, its bounds, and its URL form.

A spec is plain, frozen data. `validate()` explains what is wrong in a sentence a student
can act on; `to_params()` / `from_params()` turn it into a flat dict of strings (the URL
query string) and back, so a configuration is a link.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, fields

from rnnviz.net import budget

CELLS = ("rnn", "lstm", "gru", "mingru", "minlstm")
MIN_CELLS = ("mingru", "minlstm")  # gates from x_t only: h_t = a_t ⊙ h_{t-1} + b_t (rnnviz.net.minrnn)
NONLINEARITIES = ("tanh", "relu")
DECAYS = ("positive", "signed")
CELL_NAMES = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU", "mingru": "minGRU", "minlstm": "minLSTM"}
CELL_GATES = {  # the row blocks of weight_ih, in order, by the gate each computes
    "rnn": (),
    "lstm": ("i", "f", "g", "o"),
    "gru": ("r", "z", "n"),
    "mingru": ("z", "g"),
    "minlstm": ("f", "i", "g"),
}
TOPOLOGIES = ("one_to_one", "one_to_many", "many_to_one", "many_to_many", "synced")
DECODER_TOPOLOGIES = ("one_to_many", "many_to_many")  # steps that write without reading a real input
# What a decoder step reads: zeros (the seed blog's "feed empty inputs"), or its own previous
# output fed back, as a token (the argmax, looked up in a feedback table) or as the value itself.
DECODER_INPUTS = ("empty", "token", "value")
ATTENTIONS = ("none", "dot", "general")  # Luong et al. 2015's scores: h_t·e_s, or h_t·W_a e_s
GATES_PER_CELL = {"rnn": 1, "lstm": 4, "gru": 3, "mingru": 2, "minlstm": 3}  # rows stacked in weight_ih / weight_hh

# Inclusive bounds for every integer field; big enough for the classic examples (Keras IMDB:
# 20,000 words), small enough that a 2-core laptop answers in seconds.
INT_BOUNDS = {
    "batch_size": (1, 1024),
    "seq_len": (1, 1000),
    "out_len": (1, 1000),
    "input_size": (1, 4096),
    "hidden_size": (1, 2048),
    "num_layers": (1, 4),
    "output_size": (1, 50_000),
    "vocab_size": (0, 50_000),
}
MAX_PARAMETERS = 20_000_000  # weights of one model (80 MB in fp32; the memory budget counts the rest)


class SpecError(ValueError):
    """A configuration that cannot be built, with the field at fault and why."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class RNNSpec:
    cell: str = "lstm"  # the recurrent cell: rnn (Elman, tanh/relu), lstm, gru, mingru or minlstm
    nonlinearity: str = "tanh"  # activation of the plain rnn cell; the others ignore it
    decay: str = "positive"  # mingru/minlstm: decay a_t in [0, 1], or "signed" [-1, 1] (Grazzi et al. 2024)
    topology: str = "synced"  # which steps read an input and which emit an output (Karpathy)
    batch_size: int = 4  # sequences processed side by side
    seq_len: int = 8  # input steps (one_to_one and one_to_many read a single input)
    out_len: int = 4  # output steps of one_to_many and many_to_many (encoder-decoder)
    input_size: int = 3  # features per input step (the embedding size when vocab_size > 0)
    hidden_size: int = 16  # units in each hidden state h_t (and cell state c_t)
    num_layers: int = 1  # recurrent layers stacked on top of each other
    bidirectional: bool = False  # add a second direction that reads the sequence backwards
    output_size: int = 2  # features (or classes) the output head writes per output step
    vocab_size: int = 0  # 0: inputs are real vectors; >0: token ids embedded to input_size
    batch_first: bool = True  # tensors are (batch, time, ...) rather than (time, batch, ...)
    decoder_input: str = "empty"  # one_to_many / many_to_many: what a writing step reads (DECODER_INPUTS)
    attention: str = "none"  # many_to_many: the head also reads a context over the encoder's states (ATTENTIONS)

    # -- derived sizes -------------------------------------------------------------------

    @property
    def num_directions(self) -> int:
        return 2 if self.bidirectional else 1

    @property
    def input_steps(self) -> int:
        """Steps that read a real input."""
        return 1 if self.topology in ("one_to_one", "one_to_many") else self.seq_len

    @property
    def output_steps(self) -> int:
        """Steps whose output the model returns."""
        return {"one_to_one": 1, "many_to_one": 1, "synced": self.seq_len}.get(self.topology, self.out_len)

    @property
    def steps(self) -> int:
        """Steps the recurrent core is unrolled over (inputs, then empty inputs)."""
        if self.topology == "one_to_many":
            return self.out_len
        if self.topology == "many_to_many":
            return self.seq_len + self.out_len
        return self.input_steps

    @property
    def feeds_back(self) -> bool:
        """The writing steps read the previous output (else empty inputs)."""
        return self.decoder_input != "empty" and self.topology in DECODER_TOPOLOGIES

    @property
    def reads_start(self) -> bool:
        """The first writing step reads a learned start vector (^): an encoder-decoder with feedback
        (one_to_many's first writing step is its one input step)."""
        return self.feeds_back and self.topology == "many_to_many"

    @property
    def parameter_count(self) -> int:
        """Weights of the model `build_model` makes, by formula (the ledger measures them)."""
        gates, hidden, directions = GATES_PER_CELL[self.cell], self.hidden_size, self.num_directions
        total = self.vocab_size * self.input_size
        for layer in range(self.num_layers):
            layer_input = self.input_size if layer == 0 else hidden * directions
            if self.cell in MIN_CELLS:  # no weight_hh, one bias
                total += directions * gates * hidden * (layer_input + 1)
            else:
                total += directions * gates * hidden * (layer_input + hidden + 2)
        if self.feeds_back:  # the feedback table W_fb, and the start vector of an encoder-decoder
            total += self.output_size * self.input_size + (self.input_size if self.reads_start else 0)
        width = hidden * directions
        if self.attention != "none":  # W_c (and W_a for "general")
            total += 2 * width * width + width + (width * width if self.attention == "general" else 0)
        return total + (width + 1) * self.output_size

    # -- checks ----------------------------------------------------------------------------

    def validate(self) -> RNNSpec:
        """Raise SpecError for the first problem found; return self when all is well."""
        _check_choice("cell", self.cell, CELLS)
        _check_choice("nonlinearity", self.nonlinearity, NONLINEARITIES)
        _check_choice("decay", self.decay, DECAYS)
        _check_choice("topology", self.topology, TOPOLOGIES)
        _check_choice("decoder_input", self.decoder_input, DECODER_INPUTS)
        _check_choice("attention", self.attention, ATTENTIONS)
        for name, (low, high) in INT_BOUNDS.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise SpecError(name, f"{name} must be a whole number, not {value!r}.")
            if not low <= value <= high:
                raise SpecError(name, f"{name} must be between {low} and {high}; it is {value}.")
        for name in ("bidirectional", "batch_first"):
            if not isinstance(getattr(self, name), bool):
                raise SpecError(name, f"{name} must be true or false.")
        if self.bidirectional and self.topology in ("one_to_one", "one_to_many"):
            raise SpecError(
                "bidirectional",
                f"A bidirectional network cannot be {self.topology}: its backward direction "
                "reads the sequence from the end, but here the steps after the first have "
                "no input to read yet. Use one direction, or many_to_one / synced.",
            )
        if self.decoder_input != "empty" and self.topology not in DECODER_TOPOLOGIES:
            raise SpecError(
                "decoder_input",
                f"decoder_input {self.decoder_input!r} needs steps that write without reading an input "
                f"(one_to_many or many_to_many); a {self.topology} network reads a real input at every step, so "
                "there is no output to feed back.",
            )
        if self.decoder_input != "empty" and self.bidirectional:
            raise SpecError(
                "decoder_input",
                f"decoder_input {self.decoder_input!r} cannot be bidirectional: the backward direction would "
                "read the last output before the decoder has written it. Use one direction, or empty inputs.",
            )
        if self.attention != "none" and self.topology != "many_to_many":
            raise SpecError(
                "attention",
                f"Attention reads the states of the steps that read the input, from steps that write without "
                f"reading: only an encoder-decoder (many_to_many) has both; a {self.topology} network has no "
                "encoder to look back at. Use many_to_many, or no attention.",
            )
        if self.parameter_count > MAX_PARAMETERS:
            raise SpecError(
                "hidden_size",
                f"This network would have {self.parameter_count:,} weights; the limit is "
                f"{MAX_PARAMETERS:,}. Use fewer hidden units, layers or words.",
            )
        too_big = budget.problem(self, defaults=RNNSpec())  # one forward and backward pass of this spec
        if too_big:
            raise SpecError(*too_big)
        return self

    def replace(self, **changes) -> RNNSpec:
        return dataclasses.replace(self, **changes)

    # -- URL form --------------------------------------------------------------------------

    def to_params(self, only_changed: bool = False) -> dict[str, str]:
        """Flat dict of strings, e.g. {"cell": "lstm", "bidirectional": "false", ...}."""
        default = RNNSpec()
        params = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if only_changed and value == getattr(default, f.name):
                continue
            params[f.name] = str(value).lower() if isinstance(value, bool) else str(value)
        return params

    @classmethod
    def from_params(cls, params: dict[str, str]) -> RNNSpec:
        """Strict: any unknown key, malformed value or invalid combination is a SpecError."""
        known = {f.name: f for f in fields(cls)}
        values = {}
        for key, text in params.items():
            if key not in known:
                raise SpecError(str(key), f"Unknown setting {key!r}; known ones: {', '.join(known)}.")
            values[key] = _parse(key, known[key].type, text)
        return cls(**values).validate()

    @classmethod
    def from_params_lenient(cls, params: dict[str, str]) -> tuple[RNNSpec, list[SpecError]]:
        """Keep every good value; a bad one falls back to its default and is reported."""
        known = {f.name: f for f in fields(cls)}
        values, problems = {}, []
        for key, text in params.items():
            try:
                if key not in known:
                    raise SpecError(str(key), f"Unknown setting {key!r} was ignored.")
                values[key] = _parse(key, known[key].type, text)
            except SpecError as error:
                problems.append(error)
        for _ in range(len(known)):  # each pass drops one offending field
            try:
                return cls(**values).validate(), problems
            except SpecError as error:
                problems.append(error)
                if error.field not in values:
                    break
                del values[error.field]
        return cls(), problems


def differences(found: RNNSpec, expected: RNNSpec) -> str:
    """The settings in which two specs differ, for a sentence: "hidden_size 64, not 32"."""
    changed = [f.name for f in fields(RNNSpec) if getattr(found, f.name) != getattr(expected, f.name)]
    return "; ".join(f"{name} {getattr(found, name)}, not {getattr(expected, name)}" for name in changed)


def _check_choice(name: str, value, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise SpecError(name, f"{name} must be one of {', '.join(allowed)}; got {value!r}.")


def _parse(name: str, type_name: str, text) -> object:
    """A link's text → a value. Only plain ASCII forms: "7", not " 7 ", "+7", "1_0" or "７"."""
    text = str(text)
    if type_name == "bool":
        lowered = text.lower()
        if lowered in ("true", "1", "yes", "on"):
            return True
        if lowered in ("false", "0", "no", "off"):
            return False
        raise SpecError(name, f"{name} must be true or false, not {text!r}.")
    if type_name == "int":
        if not re.fullmatch(r"-?[0-9]+", text):
            raise SpecError(name, f"{name} must be a whole number written with the digits 0-9, not {text!r}.")
        if len(text) > 12:  # int() of thousands of digits is slow, and no bound is that large
            raise SpecError(name, f"{name} is far too large ({len(text)} digits).")
        return int(text)
    return text
