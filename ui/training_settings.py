"""The training settings panel: task, sizes, optimiser, text; each value checked where it is typed
and kept across pages."""

from __future__ import annotations

import streamlit as st

from rnnviz.lessons.batching import MAX_TEXT_CHARS, TextError, check_text, decode_text
from rnnviz.net.device import DEVICES, available_devices
from rnnviz.net.initialisation import INITS
from rnnviz.net.spec import CELL_NAMES, DECAYS, DECODER_TOPOLOGIES, MIN_CELLS, NONLINEARITIES, SpecError
from rnnviz.tasks import CHAR_RNN_TEXT, TASKS
from rnnviz.tasks.series import MAX_ROWS, SeriesError, read_csv_columns, series_values
from rnnviz.training.settings import TRAINING
from rnnviz.training.train import OPTIMIZERS, TrainConfig, TrainingError
from ui.link import LinkField, hidden, read_link_once
from ui.plain import plain
from ui.present import presenting
from ui.training_fields import CELL_ORDER, DECODER_CHOICES, INIT_NAMES, MORE, training_fields
from ui.widgets import keep_across_pages, number_ui, remember


def _task_defaults(prefix: str) -> None:
    task = TASKS[st.session_state[f"{prefix}task"]]
    st.session_state[f"{prefix}seq_len"] = task.default_seq_len


def _take_upload(prefix: str) -> None:
    """An uploaded file becomes the text in the box (so it survives page changes and can be
    edited); a file that cannot be used is refused with a sentence and the box keeps its text."""
    upload = st.session_state.get(f"{prefix}upload")
    if upload is None:
        return
    try:
        st.session_state[f"{prefix}text"] = decode_text(upload.getvalue())
        st.session_state[f"{prefix}upload_note"] = f"The box now holds the uploaded file {upload.name!r}."
    except TextError as error:
        st.session_state[f"{prefix}upload_note"] = f"error:{upload.name!r} was not used: {error}"


def _take_csv(prefix: str) -> None:
    """An uploaded CSV's numeric columns become the forecaster's data; a bad file is refused with
    a sentence and the task keeps what it had."""
    upload = st.session_state.get(f"{prefix}csv")
    if upload is None:
        return
    try:
        table = read_csv_columns(upload.getvalue())
    except SeriesError as error:
        st.session_state[f"{prefix}csv_note"] = f"{upload.name!r} was not used: {error}"
        return
    st.session_state.update({f"{prefix}csv_table": table, f"{prefix}csv_name": upload.name, f"{prefix}csv_note": ""})
    st.session_state[f"{prefix}csv_column"] = table.columns[-1]  # an index or a date often comes first


def series_ui(prefix: str) -> tuple[float, ...] | None:
    """The forecaster's own data: a CSV upload and a column; None: the noisy sine waves."""
    left, right = st.columns([3, 2])
    right.file_uploader(
        f"…or forecast your own series: a CSV with a numeric column (at most {MAX_ROWS:,} rows)",
        type=["csv", "txt"],
        key=f"{prefix}csv",
        on_change=_take_csv,
        args=(prefix,),
        max_upload_size=2,
    )
    note = st.session_state.get(f"{prefix}csv_note")
    if note:
        right.error(note)
    table = st.session_state.get(f"{prefix}csv_table")
    if table is None:
        left.caption("Data: generated noisy sine waves. Upload a CSV to forecast your own series instead.")
        return None
    column = left.selectbox(
        f"Column of {st.session_state[f'{prefix}csv_name']}", list(table.columns), key=f"{prefix}csv_column"
    )
    if left.button("Use the sine waves again", key=f"{prefix}csv_clear"):
        st.session_state.pop(f"{prefix}csv_table")
        st.rerun()
    try:
        values = series_values(table, column)
    except SeriesError as error:
        left.error(str(error))
        return None
    left.caption(
        f"Data: column {column!r}, {len(values):,} values, standardised; windows of the sequence length "
        "predict the next value."
    )
    return values


def number_field(label: str, field: LinkField, container, **options):
    """A training setting's box, or, when the link hides it (`?hide=lr`), its value unseen."""
    if hidden(field.name):
        try:
            return field.parse(field.format(st.session_state.get(field.key, field.default)))
        except ValueError:
            return None
    return number_ui(
        label, field.key, field.low, field.high, field.default, container, integer=field.kind == "int", **options
    )


def decoder_ui(prefix: str, task, fields: dict) -> tuple[bool, float | None]:
    """For a task with a decoder: what its writing steps read, and the teacher-forcing ratio.
    → (feeds back, ratio); (False, 1.0) for the other tasks."""
    st.session_state.setdefault(f"{prefix}decoder", "empty")
    if task.topology not in DECODER_TOPOLOGIES:
        return False, 1.0
    left, right = st.columns(2)
    choice = st.session_state[f"{prefix}decoder"]
    if not hidden("decoder"):
        choice = left.radio(
            "Each writing step of the decoder reads",
            list(DECODER_CHOICES),
            key=f"{prefix}decoder",
            horizontal=True,
            format_func=DECODER_CHOICES.get,
            help="Zeros: the seed blog's 'feed empty inputs', only the state carries the question. Its previous "
            "output: the argmax token (or value) it wrote one step before, like a real decoder.",
        )
    ratio = number_field(
        "Teacher forcing (0 to 1)",
        fields["teacher_forcing"],
        right,
        disabled=choice == "empty",
        help="Share of training steps that read the true previous target instead of the model's own output. The "
        "held-out accuracy is always free-running: each step reads what the model wrote, so a gap between the "
        "training loss and it is exposure bias.",
    )
    return choice == "previous", ratio


def start_ui(prefix: str, cell: str) -> tuple[str, str]:
    """The Train page's W_hh initialisation and, for the plain RNN, its activation.
    → (nonlinearity, init); minGRU and minLSTM have no W_hh and keep the defaults."""
    st.session_state.setdefault(f"{prefix}activation", "tanh")
    st.session_state.setdefault(f"{prefix}init", "default")
    if cell in MIN_CELLS:
        return "tanh", "default"
    left, middle, right = st.columns([2, 2, 3])
    init, nonlinearity = st.session_state[f"{prefix}init"], st.session_state[f"{prefix}activation"]
    if not hidden("init"):
        init = left.selectbox(
            "W_hh at the start",
            list(INITS),
            key=f"{prefix}init",
            format_func=INIT_NAMES.get,
            help="\n\n".join(f"**{INIT_NAMES[name]}**: {text}" for name, text in INITS.items()),
        )
    if cell == "rnn" and not hidden("activation"):
        nonlinearity = middle.radio(
            "RNN activation",
            NONLINEARITIES,
            key=f"{prefix}activation",
            horizontal=True,
            format_func={"tanh": "tanh", "relu": "ReLU"}.get,
        )
    if cell == "rnn" and nonlinearity == "relu" and init == "identity":
        right.caption(
            "This is the **IRNN** (Le, Jaitly & Hinton 2015): the state is copied forward until learning changes it, "
            "so gradients neither vanish nor explode at the start. Use a learning rate near 1e-3."
        )
    return (nonlinearity if cell == "rnn" else "tanh"), init


def more_ui(prefix: str, fields: dict[str, LinkField]) -> dict[str, object]:
    """The settings the table puts in "More", each a box or a menu of its own: name → value (None
    when a box holds a value out of range)."""
    values = {}
    for name, column in zip(MORE, st.columns(max(len(MORE), 4)) if MORE else []):
        setting = TRAINING[name]
        field = fields[setting.link_name]
        label = setting.label[0].upper() + setting.label[1:]
        if setting.kind == "choice":
            st.session_state.setdefault(field.key, setting.default)
            values[name] = column.selectbox(label, setting.choices, key=field.key, help=setting.help or None)
        else:
            values[name] = number_field(label, field, column, help=setting.help or None)
    return values


def settings_ui(prefix: str, race: bool = False) -> tuple[TrainConfig, int] | None:
    """The task and training settings; returns (config, step budget), or None after saying why not.
    Every value is this session's, survives a visit to another page, and is read from the link
    on the first visit (the page writes the link back with write_link after its last widget)."""
    fields = {f.name: f for f in training_fields(prefix, race)}
    read_link_once(prefix, list(fields.values()), ignore={"run", "replay", "step", "speed", "recipe", "recipe_seed"})
    keys = [f.key for f in fields.values()] + [f"{prefix}text", f"{prefix}device"]  # every widget here
    keep_across_pages(keys)
    names = list(TASKS)
    st.session_state.setdefault(f"{prefix}task", "adding")
    st.session_state.setdefault(f"{prefix}seq_len", TASKS[st.session_state[f"{prefix}task"]].default_seq_len)
    a, b, c, d = st.columns(4)
    name = (
        st.session_state[f"{prefix}task"]
        if hidden("task")
        else a.selectbox(
            "Task",
            names,
            key=f"{prefix}task",
            format_func=lambda n: TASKS[n].title,
            on_change=_task_defaults,
            args=(prefix,),
        )
    )
    task = TASKS[name]
    if race:
        cell = "lstm"
    else:
        st.session_state.setdefault(f"{prefix}cell", "lstm")
        cell = st.session_state[f"{prefix}cell"]
        if not hidden("cell"):
            cell = b.radio("Cell", CELL_ORDER, key=f"{prefix}cell", horizontal=True, format_func=CELL_NAMES.get)
    st.session_state.setdefault(f"{prefix}decay", "positive")
    decay = st.session_state[f"{prefix}decay"]
    if (race or cell in MIN_CELLS) and not hidden("decay"):
        decay = b.radio(
            "Decay (minGRU, minLSTM)",
            DECAYS,
            key=f"{prefix}decay",
            horizontal=True,
            format_func={"positive": "0 to 1", "signed": "−1 to 1"}.get,
            help="−1 to 1 lets the state flip sign at each step (Grazzi et al. 2024): running parity needs it.",
        )
    hidden_size = number_field("Hidden size", fields["hidden"], c)
    seq_len = number_ui(
        "Sequence length",
        f"{prefix}seq_len",
        task.min_seq_len,
        fields["seq_len"].high,
        task.default_seq_len,
        d,
        disabled=task.topology == "one_to_one",
    )
    st.caption(task.description)
    feedback, teacher_forcing = decoder_ui(prefix, task, fields)
    e, f, g, h = st.columns(4)
    batch = number_field("Batch size", fields["batch"], e)
    st.session_state.setdefault(f"{prefix}optimizer", "adam")
    optimizer = st.session_state[f"{prefix}optimizer"]
    if not hidden("optimizer"):
        optimizer = f.selectbox("Optimiser", list(OPTIMIZERS), key=f"{prefix}optimizer")
    lr = 0.01 if race else number_field("Learning rate", fields["lr"], g)
    steps = number_field("Step budget (0 = until stopped)", fields["steps"], h)
    text = None
    if name == "char":  # the text is this task's data: in plain sight, not in the expander
        left, right = st.columns([3, 2])
        st.session_state.setdefault(f"{prefix}text", CHAR_RNN_TEXT)
        text = left.text_area("Training text", key=f"{prefix}text", max_chars=MAX_TEXT_CHARS, height=120)
        right.file_uploader(
            "…or upload a .txt file (UTF-8 or UTF-16, at most 20,000 characters): it fills the box",
            type=["txt"],
            key=f"{prefix}upload",
            on_change=_take_upload,
            args=(prefix,),
        )
        note = st.session_state.get(f"{prefix}upload_note")
        if note:
            (right.error if note.startswith("error:") else right.caption)(note.removeprefix("error:"))
    series = series_ui(prefix) if name == "sine" else None
    more = ", ".join(
        ["More: layers, clipping, truncated BPTT, seed, device"]
        + ([] if race else ["W_hh at the start"])
        + [TRAINING[name].label for name in MORE]
    )
    with st.container() if presenting() else st.expander(more):  # no expander inside presentation's
        i, j, k, m, n = st.columns(5)
        layers = number_field("Layers", fields["layers"], i)
        clip = number_field("Clip gradient norm (0 = off)", fields["clip"], j)
        tbptt = number_field("Truncated BPTT k (0 = off)", fields["tbptt"], k)
        seed = number_field("Seed", fields["seed"], m)
        found = available_devices()
        device = n.selectbox(
            "Device",
            [d for d in DEVICES if d == "auto" or d in found],
            key=f"{prefix}device",
            help=f"auto picks cuda, then mps, then cpu; this machine has: {', '.join(found)}.",
        )
        nonlinearity, init = ("tanh", "default") if race else start_ui(prefix, cell)
        more_values = more_ui(prefix, fields)
    remember(keys)
    numbers = (
        hidden_size,
        seq_len,
        batch,
        lr,
        steps,
        layers,
        clip,
        tbptt,
        seed,
        teacher_forcing,
        *more_values.values(),
    )
    if any(value is None for value in numbers):
        st.error("Fix the value marked above to start a run.")
        return None
    try:
        if text is not None:
            text = check_text(text)
        config = TrainConfig(
            task="series" if series else name,
            series=series,
            cell=cell,
            nonlinearity=nonlinearity,
            init=init,
            hidden_size=hidden_size,
            num_layers=layers,
            seq_len=seq_len,
            batch_size=batch,
            optimizer=optimizer,
            lr=lr,
            clip=clip or None,
            tbptt=tbptt or None,
            seed=seed,
            decay=decay,
            device=device,
            text=text,
            feedback=feedback,
            teacher_forcing=teacher_forcing,
            **more_values,
        ).validate()
    except (TrainingError, SpecError, TextError, ValueError) as error:
        st.error(plain(error))
        return None
    return config, steps
