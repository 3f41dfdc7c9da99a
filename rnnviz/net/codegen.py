"""The PyTorch code that builds exactly the model of a spec, and the closest Keras code."""

from __future__ import annotations

from rnnviz.net.spec import RNNSpec

TORCH_CLASS = {"rnn": "nn.RNN", "lstm": "nn.LSTM", "gru": "nn.GRU", "mingru": "MinRNN", "minlstm": "MinRNN"}
KERAS_CLASS = {"rnn": "SimpleRNN", "lstm": "LSTM", "gru": "GRU"}
KIND = ("mingru", "minlstm")  # no Keras layer: keras_code says so


def _shape(*dims) -> str:
    return "(" + ", ".join(str(d) for d in dims) + ("," if len(dims) == 1 else "") + ")"


def pytorch_code(spec: RNNSpec) -> str:
    spec = spec.validate()
    B, T, F, H, O = spec.batch_size, spec.input_steps, spec.input_size, spec.hidden_size, spec.output_size
    D, V, time_axis = spec.num_directions, spec.vocab_size, 1 if spec.batch_first else 0
    single = spec.topology in ("one_to_one", "one_to_many")
    empty = spec.steps - spec.input_steps
    options = [f"num_layers={spec.num_layers}"] if spec.num_layers > 1 else []
    options += ["batch_first=True"] if spec.batch_first else []
    options += ["bidirectional=True"] if spec.bidirectional else []
    options += [f"nonlinearity='{spec.nonlinearity}'"] if spec.cell == "rnn" and spec.nonlinearity != "tanh" else []
    if spec.cell in KIND:
        options += [f"kind='{spec.cell}'"] + (["negative=True"] if spec.decay == "signed" else [])
    core_args = ", ".join([str(F), str(H)] + options)
    seq = (lambda last: _shape(B, "T", last)) if spec.batch_first else (lambda last: _shape("T", B, last))
    if single:
        x_dims = (B,) if V else (B, F)
    else:
        x_dims = ((B, T) if spec.batch_first else (T, B)) + (() if V else (F,))
    x_shape = _shape(*x_dims)
    lines = [
        "import torch",
        "from torch import nn",
        *(
            ["from rnnviz.net.minrnn import MinRNN  # torch has no minGRU / minLSTM module"]
            if spec.cell in KIND
            else []
        ),
        "",
        "",
        "class Model(nn.Module):",
        "    def __init__(self):",
        "        super().__init__()",
    ]
    if V:
        lines.append(f"        self.embedding = nn.Embedding({V}, {F})  # token id → {F} numbers")
    lines += [
        f"        self.rnn = {TORCH_CLASS[spec.cell]}({core_args})",
        f"        self.head = nn.Linear({D * H}, {O})",
    ]
    if spec.feeds_back:
        lines.append(f"        self.feedback = nn.Linear({O}, {F}, bias=False)  # W_fb: previous output → next input")
        if spec.reads_start:
            lines.append(f"        self.start = nn.Parameter(torch.randn({F}))  # what the first writing step reads")
    if spec.attention != "none":
        lines += _attention_lines(spec)
    lines += ["", "    def forward(self, x):  # x: " + x_shape]
    if V:
        lines.append("        x = self.embedding(x)")
    if single:
        lines.append(f"        x = x.unsqueeze({time_axis})  # one step: add the time axis")
    if spec.feeds_back:
        return "\n".join(lines + _decoder_loop(spec, x_shape)) + "\n"
    if empty:
        zeros = (
            f"x.new_zeros(x.shape[0], {empty}, {F})" if spec.batch_first else f"x.new_zeros({empty}, x.shape[1], {F})"
        )
        lines.append(f"        x = torch.cat([x, {zeros}], dim={time_axis})  # {empty} empty input step(s)")
    lines.append("        output, state = self.rnn(x)  # output: " + seq(D * H).replace("T", str(spec.steps)))
    kept = spec.output_steps
    if spec.topology in ("one_to_one", "many_to_one"):
        pick = "output[:, -1]" if spec.batch_first else "output[-1]"
        lines.append(f"        return self.head({pick})  # only the last step")
    elif spec.topology == "synced":
        lines.append("        return self.head(output)  # every step")
    elif spec.attention != "none":
        if spec.batch_first:
            lines.append(f"        return self.read(output[:, -{kept}:], output[:, :{T}])  # the last {kept} step(s)")
        else:
            lines.append(
                f"        return self.read(output[-{kept}:].transpose(0, 1), output[:{T}].transpose(0, 1))"
                f".transpose(0, 1)  # the last {kept} step(s)"
            )
    else:
        pick = f"output[:, -{kept}:]" if spec.batch_first else f"output[-{kept}:]"
        lines.append(f"        return self.head({pick})  # the last {kept} step(s)")
    make_x = f"torch.randint({V}, {x_shape})" if V else f"torch.randn{x_shape}"
    lines += ["", "", "model = Model()", f"x = {make_x}", "y = model(x)", "print(y.shape)"]
    return "\n".join(lines) + "\n"


def _attention_lines(spec: RNNSpec) -> list[str]:
    """W_a, W_c and read(): Luong attention (Luong et al. 2015), batch-first inside."""
    W = spec.hidden_size * spec.num_directions
    keys = "e"
    lines = []
    if spec.attention == "general":
        lines.append(f"        self.score = nn.Linear({W}, {W}, bias=False)  # W_a")
        keys = "self.score(e)"
    lines += [
        f"        self.combine = nn.Linear({2 * W}, {W})  # W_c",
        "",
        "    def read(self, h, e):  # decoder states h (B, L, W) look at the encoder's states e (B, S, W)",
        f"        alpha = torch.softmax(h @ {keys}.transpose(1, 2), dim=-1)  # (B, L, S), each row sums to 1",
        "        return self.head(torch.tanh(self.combine(torch.cat([alpha @ e, h], dim=-1))))",
    ]
    return lines


def _decoder_loop(spec: RNNSpec, x_shape: str) -> list[str]:
    """The rest of forward() for a decoder that feeds back its outputs, and the example lines."""
    O, V, first = spec.output_size, spec.vocab_size, spec.batch_first
    batch, last, step = (
        ("x.shape[0]", "output[:, -1]", "unsqueeze(1)") if first else ("x.shape[1]", "output[-1]", "unsqueeze(0)")
    )
    read = "the input step" if spec.topology == "one_to_many" else "every input step (the encoder)"
    lines = [f"        output, state = self.rnn(x)  # read {read}"]
    head = lambda h: f"self.head({h})"  # noqa: E731
    if spec.attention != "none":
        lines.append(f"        e = {'output' if first else 'output.transpose(0, 1)'}  # the encoder's states")
        head = lambda h: f"self.read({h}.unsqueeze(1), e)[:, 0]"  # noqa: E731
    if spec.reads_start:
        start = f"self.start.expand({batch}, 1, -1)" if first else f"self.start.expand(1, {batch}, -1)"
        lines.append(f"        output, state = self.rnn({start}, state)  # the start token ^")
    fed = (
        f"nn.functional.one_hot(outputs[-1].argmax(-1), {O}).float()  # the previous token"
        if spec.decoder_input == "token"
        else "outputs[-1].detach()  # the previous value, a constant like a token"
    )
    lines += [
        f"        outputs = [{head(last)}]",
        f"        for t in range(1, {spec.out_len}):  # each writing step reads the previous output",
        f"            v = {fed}",
        f"            output, state = self.rnn(self.feedback(v).{step}, state)",
        f"            outputs.append({head(last)})",
        f"        return torch.stack(outputs, dim={1 if first else 0})",
    ]
    make_x = f"torch.randint({V}, {x_shape})" if V else f"torch.randn{x_shape}"
    return lines + ["", "", "model = Model()", f"x = {make_x}", "y = model(x)", "print(y.shape)"]


def keras_code(spec: RNNSpec) -> str:
    spec = spec.validate()
    T, F, H, O, V = spec.input_steps, spec.input_size, spec.hidden_size, spec.output_size, spec.vocab_size
    if spec.cell in KIND:
        return (
            f"# Keras has no {'minGRU' if spec.cell == 'mingru' else 'minLSTM'} layer. The recurrence is\n"
            "# h_t = a_t * h_{t-1} + b_t with a_t, b_t from x_t alone (Feng et al. 2024); a custom\n"
            "# keras.layers.Layer would compute the gates with Dense layers and the scan with ops.cumsum.\n"
        )
    layer = KERAS_CLASS[spec.cell]

    def rnn(return_sequences: bool) -> str:
        text = f"layers.{layer}({H}, return_sequences={return_sequences})"
        return f"layers.Bidirectional({text})" if spec.bidirectional else text

    lines = ["from tensorflow import keras", "from tensorflow.keras import layers", ""]
    if spec.feeds_back:
        lines += [
            "# A keras.Sequential model cannot feed its outputs back to its inputs (that needs a loop like",
            "# the PyTorch code's). Keras' own addition example uses this form instead: RepeatVector hands",
            "# the same vector to every writing step, the empty-input decoder.",
        ]
    lines.append("model = keras.Sequential([")
    if spec.topology in ("one_to_one", "one_to_many") and V:
        lines.append("    keras.Input(shape=(1,)),  # one token id per example; Keras is batch-first")
        lines.append(f"    layers.Embedding({V}, {F}),")
        lines.append(f"    layers.Reshape(({F},)),")
    elif spec.topology in ("one_to_one", "one_to_many"):
        lines.append(f"    keras.Input(shape=({F},)),  # one vector per example; Keras is batch-first")
    else:
        lines.append(
            f"    keras.Input(shape=({T},{'' if V else ' ' + str(F)})),  # (time{', features' if not V else ''})"
        )
    if V and spec.topology not in ("one_to_one", "one_to_many"):
        lines.append(f"    layers.Embedding({V}, {F}),")
    if spec.topology == "one_to_one":
        lines.append(f"    layers.Dense({H}, activation='tanh'),  # one step: no recurrence")
        lines.append(f"    layers.Dense({O}),")
    else:
        if spec.topology == "one_to_many":
            lines.append(
                f"    layers.RepeatVector({spec.out_len}),  # Keras repeats the vector instead of feeding zeros"
            )
        for _ in range(spec.num_layers - 1):
            lines.append(f"    {rnn(True)},  # a layer below the top returns every step")
        if spec.topology == "many_to_many":
            lines.append(f"    {rnn(False)},  # encoder: keep the last step only")
            lines.append(f"    layers.RepeatVector({spec.out_len}),  # hand it to each decoder step")
            lines.append(f"    {rnn(True)},  # decoder")
        else:
            last = spec.topology != "many_to_one"
            lines.append(f"    {rnn(last)},  # {'every step' if last else 'only the last step'}")
        lines.append(f"    layers.Dense({O}),  # applied at every step it receives")
    lines.append("])")
    return "\n".join(lines) + "\n"
