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

from rnnviz.model import build_model, example_input
from rnnviz.spec import GATES_PER_CELL, RNNSpec

GATE_ORDER = {"rnn": "", "lstm": "i, f, g, o", "gru": "r, z, n", "mingru": "z, g", "minlstm": "f, i, g"}
KERAS_LAYER = {"rnn": "SimpleRNN", "lstm": "LSTM", "gru": "GRU"}  # Keras has no minGRU / minLSTM layer
COLUMNS = ["group", "name", "shape", "axes", "elements", "torch", "note"]


def shape_ledger(spec: RNNSpec) -> pd.DataFrame:
    spec = spec.validate()
    with torch.device("meta"):
        model = build_model(spec)
    B, F, H, O = spec.batch_size, spec.input_size, spec.hidden_size, spec.output_size
    L, D, T, V = spec.num_layers, spec.num_directions, spec.input_steps, spec.vocab_size
    core = spec.cell
    time_major = not spec.batch_first
    single = spec.topology in ("one_to_one", "one_to_many")
    rows: list[dict] = []

    def add(group, name, tensor_or_shape, axes, expr, note=""):
        shape = tuple(getattr(tensor_or_shape, "shape", tensor_or_shape))
        elements = int(torch.Size(shape).numel())
        rows.append(dict(group=group, name=name, shape=shape, axes=axes, elements=elements, torch=expr, note=note))

    def seq_axes(last: str) -> str:
        return f"time, batch, {last}" if time_major else f"batch, time, {last}"

    def seq_dims(a, b) -> str:  # "B, T" in the layout's order
        return f"{b}, {a}" if time_major else f"{a}, {b}"

    with torch.no_grad(), torch.device("meta"):
        x = example_input(spec, device="meta")
        # -- input ---------------------------------------------------------------------------
        if V:
            shape_text = f"({B},)" if single else f"({seq_dims(B, T)})"
            add(
                "input",
                "x",
                x,
                "batch" if single else seq_axes("").rstrip(", "),
                f"torch.randint({V}, {shape_text})",
                "one token id per example" if single else "token ids, one per step",
            )
            embedded = model.embedding(x)
            add(
                "input",
                "embedded x",
                embedded,
                "batch, features" if single else seq_axes("features"),
                f"nn.Embedding({V}, {F})(x)",
                "each id replaced by its learned vector",
            )
        else:
            add(
                "input",
                "x",
                x,
                "batch, features" if single else seq_axes("features"),
                f"torch.randn({B}, {F})" if single else f"torch.randn({seq_dims(B, T)}, {F})",
                "one vector per example" if single else "B sequences of T steps, F features each",
            )
        features = model.core_input(x)
        if spec.feeds_back:
            _decoder_rows(spec, model, add, seq_axes)
        if spec.steps != spec.input_steps or single:
            empty = spec.steps - spec.input_steps
            axis = 0 if time_major else 1
            first = f"x.unsqueeze({axis})" if single else "x"
            parts, note = f"torch.zeros({seq_dims(B, empty)}, {F})", f"{empty} empty (zero) step(s)"
            if spec.feeds_back:
                start = "start ^, " if spec.reads_start else ""
                parts = ("start, " if start else "") + "feedback(v)"
                note = f"{start}{spec.output_steps - 1} output(s) fed back"
            add(
                "input",
                "core input",
                features,
                seq_axes("features"),
                f"torch.cat([{first}, {parts}], dim={axis})",
                f"{spec.input_steps} real step(s), then {note}",
            )
        add(
            "input",
            "x_t",
            features.select(0 if time_major else 1, 0),
            "batch, features",
            "x[t]" if time_major else "x[:, t]",
            "what the cell reads at one step",
        )
        # -- state ---------------------------------------------------------------------------
        h_0 = torch.zeros(L * D, B, H)
        add(
            "state",
            "h_0",
            h_0,
            "layers·directions, batch, hidden",
            f"torch.zeros({L * D}, {B}, {H})",
            "initial hidden state; zeros when not given",
        )
        if core == "lstm":
            add(
                "state",
                "c_0",
                h_0,
                "layers·directions, batch, hidden",
                f"torch.zeros({L * D}, {B}, {H})",
                "initial cell state",
            )
        add("state", "h_t", h_0[0], "batch, hidden", "", "one layer's hidden state at one step")
        # -- output --------------------------------------------------------------------------
        output, state = model.core(features)
        h_n, c_n = state if core == "lstm" else (state, None)
        call = f"output, (h_n, c_n) = {core}(x, (h_0, c_0))" if core == "lstm" else f"output, h_n = {core}(x, h_0)"
        add(
            "output",
            "output",
            output,
            seq_axes("directions·hidden"),
            call,
            "top layer's h_t at every step" + (", both directions side by side" if D == 2 else ""),
        )
        add("output", "h_n", h_n, "layers·directions, batch, hidden", call, "every layer's h at its last step")
        if c_n is not None:
            add("output", "c_n", c_n, "layers·directions, batch, hidden", call, "every layer's last cell state")
        add(
            "output",
            "h_n by layer",
            h_n.view(L, D, B, H),
            "layers, directions, batch, hidden",
            f"h_n.view({L}, {D}, {B}, {H})",
            "h_n[-1] is the top layer",
        )
        last = output[-1] if time_major else output[:, -1]
        add(
            "output",
            "output at the last step",
            last,
            "batch, directions·hidden",
            "output[-1]" if time_major else "output[:, -1]",
            "equals h_n[-1]" if D == 1 else "forward half equals h_n[-2]; backward half is its first step",
        )
        y, _ = model(x)
        kept = spec.output_steps
        add(
            "output",
            "y",
            y,
            "batch, outputs" if y.dim() == 2 else seq_axes("outputs"),
            f"nn.Linear({D * H}, {O})(output)"
            if spec.topology == "synced"
            else f"nn.Linear({D * H}, {O})(last {kept} step(s) of output)",
            f"the model's prediction at the {kept} kept step(s)",
        )
        if y.dim() == 3:
            add(
                "output",
                "y flattened",
                y.reshape(-1, O),
                "time·batch, outputs" if time_major else "batch·time, outputs",
                f"y.reshape(-1, {O})",
                "the (N, C) layout nn.CrossEntropyLoss expects",
            )
        # -- Keras ---------------------------------------------------------------------------
        if core in KERAS_LAYER:
            layer = f"layers.{KERAS_LAYER[core]}({H}, return_sequences={{}})"
            if D == 2:
                layer = f"layers.Bidirectional({layer})"
            batch_major = output.transpose(0, 1) if time_major else output
            add(
                "keras",
                "return_sequences=True",
                batch_major,
                "batch, time, directions·hidden",
                layer.format("True"),
                "Keras is always batch-first",
            )
            add(
                "keras",
                "return_sequences=False",
                last,
                "batch, directions·hidden",
                layer.format("False"),
                "only the last step, like output[:, -1]",
            )
        # -- unbatched -----------------------------------------------------------------------
        one = features.select(1 if time_major else 0, 0)
        one_output, one_state = model.core(one)
        add(
            "unbatched",
            "x, one sequence",
            one,
            "time, features",
            "x[:, 0]" if time_major else "x[0]",
            "PyTorch also takes a sequence without a batch axis",
        )
        add("unbatched", "output, one sequence", one_output, "time, directions·hidden", f"{core}(x[0])[0]", "")
        add(
            "unbatched",
            "h_n, one sequence",
            one_state[0] if core == "lstm" else one_state,
            "layers·directions, hidden",
            f"{core}(x[0])[1]",
            "",
        )
    # -- parameters ------------------------------------------------------------------------
    gates, order = GATES_PER_CELL[core], GATE_ORDER[core]
    gate_rows = f"{gates}·hidden ({order})" if gates > 1 else "hidden"
    below = "directions·hidden" if D == 2 else "hidden"  # what layers above the first read
    for name, p in model.named_parameters():
        module_name, _, attribute = name.partition(".")
        if module_name == "core":
            if attribute.startswith("weight_ih"):
                axes = f"{gate_rows}, " + ("input" if "_l0" in attribute else below)
            elif attribute.startswith("weight_hh"):
                axes = f"{gate_rows}, hidden"
            else:
                axes = gate_rows
            expr = f"{core}.{attribute}"
            note = (
                ("input → gates" if "_ih_" in attribute else "state → gates")
                + (
                    " (the only weights: the gates read x_t alone)"
                    if core in GATE_ORDER and core.startswith("min")
                    else ""
                )
                + (", backward direction" if attribute.endswith("_reverse") else "")
            )
        elif module_name == "embedding":
            axes, expr, note = "vocabulary, features", "embedding.weight", "one learned row per token"
        elif module_name == "feedback":
            axes, expr, note = "features, outputs", "feedback.weight", "W_fb: a fed-back output → the next input"
        elif module_name == "start":
            axes, expr, note = "features", "start", "what the first writing step reads (the start token ^)"
        else:
            axes = "outputs, directions·hidden" if attribute == "weight" else "outputs"
            expr, note = f"head.{attribute}", "output head"
        add("parameter", name, p, axes, expr, note)
    total = sum(p.numel() for p in model.parameters())
    rows.append(
        dict(
            group="parameter",
            name="all parameters",
            shape=(),
            axes="",
            elements=total,
            torch="sum(p.numel() for p in model.parameters())",
            note="weights the optimiser updates",
        )
    )
    return pd.DataFrame(rows, columns=COLUMNS)


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
