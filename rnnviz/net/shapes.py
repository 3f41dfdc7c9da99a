"""shape_ledger(spec): every tensor and parameter of the model, measured from a real pass.

Nothing here is computed from formulas: the model is built, a batch goes through it, and each
row reads `.shape` off the tensor it names. Both live on PyTorch's "meta" device, which runs the
real shape logic of every op but stores no numbers, so a ledger of a 1024 × 1000 × 4096 batch
costs nothing. The `torch` column is the expression a
student can type to make that tensor.
"""

from __future__ import annotations

import pandas as pd
import torch

from rnnviz.net.model import build_model, example_input
from rnnviz.net.spec import GATES_PER_CELL, RNNSpec

GATE_ORDER = {"rnn": "", "lstm": "i, f, g, o", "gru": "r, z, n", "mingru": "z, g", "minlstm": "f, i, g"}
KERAS_LAYER = {"rnn": "SimpleRNN", "lstm": "LSTM", "gru": "GRU"}  # Keras has no minGRU / minLSTM layer
COLUMNS = ["group", "name", "shape", "axes", "elements", "torch", "note"]


def shape_ledger(spec: RNNSpec) -> pd.DataFrame:
    ledger = _Ledger(spec.validate())
    with torch.no_grad(), torch.device("meta"):
        x = example_input(ledger.spec, device="meta")
        features = ledger.input_rows(x)
        ledger.state_rows()
        output, last = ledger.output_rows(x, features)
        ledger.keras_rows(output, last)
        ledger.unbatched_rows(features)
    ledger.parameter_rows()
    return pd.DataFrame(ledger.rows, columns=COLUMNS)


class _Ledger:
    """The rows of one spec's ledger, group by group, with the layout's words for its axes."""

    def __init__(self, spec: RNNSpec):
        self.spec = spec
        with torch.device("meta"):
            self.model = build_model(spec)
        self.time_major = not spec.batch_first
        self.single = spec.topology in ("one_to_one", "one_to_many")
        self.rows: list[dict] = []

    def add(self, group, name, tensor_or_shape, axes, expr, note=""):
        shape = tuple(getattr(tensor_or_shape, "shape", tensor_or_shape))
        elements = int(torch.Size(shape).numel())
        self.rows.append(dict(group=group, name=name, shape=shape, axes=axes, elements=elements, torch=expr, note=note))

    def seq_axes(self, last: str) -> str:
        return f"time, batch, {last}" if self.time_major else f"batch, time, {last}"

    def seq_dims(self, a, b) -> str:  # "B, T" in the layout's order
        return f"{b}, {a}" if self.time_major else f"{a}, {b}"

    def input_rows(self, x):
        """x (ids and their embedding, or vectors), the decoder's fed-back inputs, the core's input
        with its empty steps, and x_t. → the core's input."""
        spec, model, add, single = self.spec, self.model, self.add, self.single
        B, F, T, V = spec.batch_size, spec.input_size, spec.input_steps, spec.vocab_size
        if V:
            shape_text = f"({B},)" if single else f"({self.seq_dims(B, T)})"
            ids_axes = "batch" if single else self.seq_axes("").rstrip(", ")
            note = "one token id per example" if single else "token ids, one per step"
            add("input", "x", x, ids_axes, f"torch.randint({V}, {shape_text})", note)
            embedded_axes = "batch, features" if single else self.seq_axes("features")
            note = "each id replaced by its learned vector"
            add("input", "embedded x", model.embedding(x), embedded_axes, f"nn.Embedding({V}, {F})(x)", note)
        else:
            expr = f"torch.randn({B}, {F})" if single else f"torch.randn({self.seq_dims(B, T)}, {F})"
            note = "one vector per example" if single else "B sequences of T steps, F features each"
            add("input", "x", x, "batch, features" if single else self.seq_axes("features"), expr, note)
        features = model.core_input(x)
        if spec.feeds_back:
            _decoder_rows(spec, model, add, self.seq_axes)
        if spec.steps != spec.input_steps or single:
            self.core_input_row(features)
        axis = 0 if self.time_major else 1
        expr = "x[t]" if self.time_major else "x[:, t]"
        add("input", "x_t", features.select(axis, 0), "batch, features", expr, "what the cell reads at one step")
        return features

    def core_input_row(self, features) -> None:
        """What the core reads when it is more than x: the empty steps, or the outputs fed back."""
        spec = self.spec
        empty = spec.steps - spec.input_steps
        axis = 0 if self.time_major else 1
        first = f"x.unsqueeze({axis})" if self.single else "x"
        parts = f"torch.zeros({self.seq_dims(spec.batch_size, empty)}, {spec.input_size})"
        note = f"{empty} empty (zero) step(s)"
        if spec.feeds_back:
            start = "start ^, " if spec.reads_start else ""
            parts = ("start, " if start else "") + "feedback(v)"
            note = f"{start}{spec.output_steps - 1} output(s) fed back"
        self.add(
            "input",
            "core input",
            features,
            self.seq_axes("features"),
            f"torch.cat([{first}, {parts}], dim={axis})",
            f"{spec.input_steps} real step(s), then {note}",
        )

    def state_rows(self) -> None:
        spec = self.spec
        L, D, B, H = spec.num_layers, spec.num_directions, spec.batch_size, spec.hidden_size
        h_0 = torch.zeros(L * D, B, H)
        axes, expr = "layers·directions, batch, hidden", f"torch.zeros({L * D}, {B}, {H})"
        self.add("state", "h_0", h_0, axes, expr, "initial hidden state; zeros when not given")
        if spec.cell == "lstm":
            self.add("state", "c_0", h_0, axes, expr, "initial cell state")
        self.add("state", "h_t", h_0[0], "batch, hidden", "", "one layer's hidden state at one step")

    def output_rows(self, x, features):
        """output, h_n (and c_n), the last step, y. → (output, its last step)."""
        spec, add, core = self.spec, self.add, self.spec.cell
        L, D, B, H, O = spec.num_layers, spec.num_directions, spec.batch_size, spec.hidden_size, spec.output_size
        output, state = self.model.core(features)
        h_n, c_n = state if core == "lstm" else (state, None)
        call = f"output, (h_n, c_n) = {core}(x, (h_0, c_0))" if core == "lstm" else f"output, h_n = {core}(x, h_0)"
        both = ", both directions side by side" if D == 2 else ""
        add(
            "output", "output", output, self.seq_axes("directions·hidden"), call, "top layer's h_t at every step" + both
        )
        add("output", "h_n", h_n, "layers·directions, batch, hidden", call, "every layer's h at its last step")
        if c_n is not None:
            add("output", "c_n", c_n, "layers·directions, batch, hidden", call, "every layer's last cell state")
        by_layer = f"h_n.view({L}, {D}, {B}, {H})"
        add(
            "output",
            "h_n by layer",
            h_n.view(L, D, B, H),
            "layers, directions, batch, hidden",
            by_layer,
            "h_n[-1] is the top layer",
        )
        last = output[-1] if self.time_major else output[:, -1]
        note = "equals h_n[-1]" if D == 1 else "forward half equals h_n[-2]; backward half is its first step"
        expr = "output[-1]" if self.time_major else "output[:, -1]"
        add("output", "output at the last step", last, "batch, directions·hidden", expr, note)
        if spec.attention != "none":
            self.attention_rows(output)
        y, _ = self.model(x)
        kept = spec.output_steps
        head = f"nn.Linear({D * H}, {O})"
        read = "h̃" if spec.attention != "none" else "output"
        expr = f"{head}({read})" if spec.topology == "synced" else f"{head}(last {kept} step(s) of {read})"
        axes = "batch, outputs" if y.dim() == 2 else self.seq_axes("outputs")
        add("output", "y", y, axes, expr, f"the model's prediction at the {kept} kept step(s)")
        if y.dim() == 3:
            axes = "time·batch, outputs" if self.time_major else "batch·time, outputs"
            note = "the (N, C) layout nn.CrossEntropyLoss expects"
            add("output", "y flattened", y.reshape(-1, O), axes, f"y.reshape(-1, {O})", note)
        return output, last

    def attention_rows(self, output) -> None:
        """Luong attention: the encoder's states e, the weights α over them, the attended state h̃."""
        spec, add = self.spec, self.add
        S, W = spec.input_steps, spec.num_directions * spec.hidden_size
        encoded = output[:S] if self.time_major else output[:, :S]
        h_tilde, alpha = self.model.attend(output)
        e_expr = f"output[:{S}]" if self.time_major else f"output[:, :{S}]"
        add("output", "e (encoder states)", encoded, self.seq_axes("directions·hidden"), e_expr, "what attention reads")
        score = "h_t·e_s" if spec.attention == "dot" else "h_t·W_a e_s"
        add(
            "output",
            "α (attention weights)",
            alpha,
            "batch, steps, input steps",
            f"softmax over s of {score}",
            "each step's weights over the input steps; each row sums to 1",
        )
        add(
            "output",
            "h̃ (attended state)",
            h_tilde,
            self.seq_axes("directions·hidden"),
            f"tanh(nn.Linear({2 * W}, {W})([c_t; h_t]))",
            "c_t = Σ_s α_ts e_s; the head reads h̃_t instead of h_t",
        )

    def keras_rows(self, output, last) -> None:
        """The same tensors as Keras names them (always batch-first)."""
        spec, core = self.spec, self.spec.cell
        if core not in KERAS_LAYER:
            return
        layer = f"layers.{KERAS_LAYER[core]}({spec.hidden_size}, return_sequences={{}})"
        if spec.num_directions == 2:
            layer = f"layers.Bidirectional({layer})"
        batch_major = output.transpose(0, 1) if self.time_major else output
        axes = "batch, time, directions·hidden"
        self.add(
            "keras", "return_sequences=True", batch_major, axes, layer.format("True"), "Keras is always batch-first"
        )
        note = "only the last step, like output[:, -1]"
        self.add("keras", "return_sequences=False", last, "batch, directions·hidden", layer.format("False"), note)

    def unbatched_rows(self, features) -> None:
        """One sequence without a batch axis, which PyTorch also takes."""
        core = self.spec.cell
        one = features.select(1 if self.time_major else 0, 0)
        one_output, one_state = self.model.core(one)
        expr = "x[:, 0]" if self.time_major else "x[0]"
        note = "PyTorch also takes a sequence without a batch axis"
        self.add("unbatched", "x, one sequence", one, "time, features", expr, note)
        self.add("unbatched", "output, one sequence", one_output, "time, directions·hidden", f"{core}(x[0])[0]", "")
        h_n = one_state[0] if core == "lstm" else one_state
        self.add("unbatched", "h_n, one sequence", h_n, "layers·directions, hidden", f"{core}(x[0])[1]", "")

    def parameter_rows(self) -> None:
        """Every parameter, its axes in words, and the total."""
        for name, p in self.model.named_parameters():
            self.add("parameter", name, p, *_parameter_words(self.spec, name))
        total = sum(p.numel() for p in self.model.parameters())
        note = "weights the optimiser updates"
        expr = "sum(p.numel() for p in model.parameters())"
        self.rows.append(
            dict(group="parameter", name="all parameters", shape=(), axes="", elements=total, torch=expr, note=note)
        )


def _parameter_words(spec: RNNSpec, name: str) -> tuple[str, str, str]:
    """(axes, expression, note) of one named parameter."""
    core, D = spec.cell, spec.num_directions
    module_name, _, attribute = name.partition(".")
    if module_name == "embedding":
        return "vocabulary, features", "embedding.weight", "one learned row per token"
    if module_name == "feedback":
        return "features, outputs", "feedback.weight", "W_fb: a fed-back output → the next input"
    if module_name == "start":
        return "features", "start", "what the first writing step reads (the start token ^)"
    if module_name == "score":
        return "directions·hidden, directions·hidden", "score.weight", "W_a: attention's general score h_t·W_a e_s"
    if module_name == "combine":
        axes = "directions·hidden, 2·directions·hidden" if attribute == "weight" else "directions·hidden"
        return axes, f"combine.{attribute}", "W_c: [c_t; h_t] → h̃_t (attention)"
    if module_name != "core":
        return (
            ("outputs, directions·hidden" if attribute == "weight" else "outputs"),
            f"head.{attribute}",
            "output head",
        )
    gates, order = GATES_PER_CELL[core], GATE_ORDER[core]
    gate_rows = f"{gates}·hidden ({order})" if gates > 1 else "hidden"
    below = "directions·hidden" if D == 2 else "hidden"  # what layers above the first read
    if attribute.startswith("weight_ih"):
        axes = f"{gate_rows}, " + ("input" if "_l0" in attribute else below)
    elif attribute.startswith("weight_hh"):
        axes = f"{gate_rows}, hidden"
    else:
        axes = gate_rows
    note = "input → gates" if "_ih_" in attribute else "state → gates"
    note += " (the only weights: the gates read x_t alone)" if core.startswith("min") else ""
    note += ", backward direction" if attribute.endswith("_reverse") else ""
    return axes, f"{core}.{attribute}", note


def _decoder_rows(spec: RNNSpec, model, add, seq_axes) -> None:
    """The tensors of a decoder that feeds back its outputs: v, what it feeds back, and the
    inputs W_fb · v its writing steps read."""
    B, F, O, writes = spec.batch_size, spec.input_size, spec.output_size, spec.output_steps - 1
    token = spec.decoder_input == "token"
    v = torch.empty(*((writes, B) if not spec.batch_first else (B, writes)), O)
    add(
        "input",
        "v (fed back)",
        v,
        seq_axes("outputs"),
        f"one_hot(y_prev.argmax(-1), {O})" if token else "y_prev.detach()",
        ("the previous output's token, one-hot" if token else "the previous output's value")
        + "; with teacher forcing the true previous target",
    )
    add(
        "input",
        "decoder inputs",
        model.feedback(v),
        seq_axes("features"),
        f"nn.Linear({O}, {F}, bias=False)(v)",
        ("a table lookup: column k of W_fb for token k" if token else "W_fb · v")
        + "; a constant input: no gradient flows back into v",
    )
