"""Training widgets: the settings panel, the run controls and the live panel that polls a job.

The job lives in a session-scoped resource, so it is this browser session's alone, and closing
the tab releases it, which stops its thread. One polling fragment per page (DESIGN.md).
"""

from __future__ import annotations

import streamlit as st

from rnnviz.batching import MAX_TEXT_CHARS, TextError, check_text, decode_text
from rnnviz.device import DEVICES, available_devices
from rnnviz.jobs import ACTIVE, MAX_RUNNING, TrainingJob
from rnnviz.plots.training import grad_by_layer_figure, grad_by_step_figure, hidden_heatmap, loss_figure, metric_figure
from rnnviz.race import race_summary
from rnnviz.spec import SpecError
from rnnviz.tasks import CHAR_RNN_TEXT, TASKS
from rnnviz.train import OPTIMIZERS, TrainConfig, TrainingError
from ui.widgets import keep_across_pages, number_ui, remember

STATE_WORDS = {
    "idle": "Not started",
    "starting": "Starting…",
    "queued": "Queued",
    "running": "Training",
    "paused": "Paused",
    "finished": "Finished",
    "stopped": "Stopped",
    "diverged": "Diverged",
    "failed": "Failed",
}


class JobHolder:
    """This session's current job (one per page)."""

    def __init__(self):
        self.job: TrainingJob | None = None
        self.polling = False

    def replace(self, job: TrainingJob | None) -> None:
        self.stop()
        self.job = job

    def stop(self) -> None:
        if self.job is not None:
            self.job.stop()


@st.cache_resource(scope="session", on_release=lambda holder: holder.stop(), show_spinner=False)
def job_holder(page: str) -> JobHolder:
    return JobHolder()


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


SETTINGS = [
    "task",
    "cell",
    "hidden",
    "seq_len",
    "batch",
    "optimizer",
    "lr",
    "steps",
    "text",
    "layers",
    "clip",
    "tbptt",
    "seed",
    "device",
]


def settings_ui(prefix: str, race: bool = False) -> tuple[TrainConfig, int] | None:
    """The task and training settings; returns (config, step budget), or None after saying why not.
    Every value is this session's and survives a visit to another page."""
    keys = [prefix + name for name in SETTINGS]
    keep_across_pages(keys)
    names = list(TASKS)
    st.session_state.setdefault(f"{prefix}task", "adding")
    st.session_state.setdefault(f"{prefix}seq_len", TASKS[st.session_state[f"{prefix}task"]].default_seq_len)
    a, b, c, d = st.columns(4)
    name = a.selectbox(
        "Task",
        names,
        key=f"{prefix}task",
        format_func=lambda n: TASKS[n].title,
        on_change=_task_defaults,
        args=(prefix,),
    )
    task = TASKS[name]
    if race:
        cell = "lstm"
    else:
        st.session_state.setdefault(f"{prefix}cell", "lstm")
        cell = b.radio("Cell", ["rnn", "gru", "lstm"], key=f"{prefix}cell", horizontal=True, format_func=str.upper)
    hidden = number_ui("Hidden size", f"{prefix}hidden", 1, 1024, 64, c)
    seq_len = number_ui(
        "Sequence length",
        f"{prefix}seq_len",
        task.min_seq_len,
        500,
        task.default_seq_len,
        d,
        disabled=task.topology == "one_to_one",
    )
    st.caption(task.description)
    e, f, g, h = st.columns(4)
    batch = number_ui("Batch size", f"{prefix}batch", 1, 1024, 64, e)
    optimizer = f.selectbox("Optimiser", list(OPTIMIZERS), key=f"{prefix}optimizer")
    lr = 0.01 if race else number_ui("Learning rate", f"{prefix}lr", 1e-5, 1000.0, 0.01, g, integer=False)
    steps = number_ui("Step budget (0 = until stopped)", f"{prefix}steps", 0, 1_000_000, 3000, h)
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
    with st.expander("More: layers, clipping, truncated BPTT, seed, device"):
        i, j, k, m, n = st.columns(5)
        layers = number_ui("Layers", f"{prefix}layers", 1, 4, 1, i)
        clip = number_ui("Clip gradient norm (0 = off)", f"{prefix}clip", 0.0, 1000.0, 1.0, j, integer=False)
        tbptt = number_ui("Truncated BPTT k (0 = off)", f"{prefix}tbptt", 0, 500, 0, k)
        seed = number_ui("Seed", f"{prefix}seed", 0, 2**31 - 1, 0, m)
        found = available_devices()
        device = n.selectbox(
            "Device",
            [d for d in DEVICES if d == "auto" or d in found],
            key=f"{prefix}device",
            help=f"auto picks cuda, then mps, then cpu; this machine has: {', '.join(found)}.",
        )
    remember(keys)
    numbers = (hidden, seq_len, batch, lr, steps, layers, clip, tbptt, seed)
    if any(value is None for value in numbers):
        st.error("Fix the value marked above to start a run.")
        return None
    try:
        if text is not None:
            text = check_text(text)
        config = TrainConfig(
            task=name,
            cell=cell,
            hidden_size=hidden,
            num_layers=layers,
            seq_len=seq_len,
            batch_size=batch,
            optimizer=optimizer,
            lr=lr,
            clip=clip or None,
            tbptt=tbptt or None,
            seed=seed,
            device=device,
            text=text,
        ).validate()
    except (TrainingError, SpecError, TextError, ValueError) as error:
        st.error(str(error))
        return None
    return config, steps


def controls_ui(holder: JobHolder, make_job) -> None:
    """Start / pause / step / stop / reset. `make_job()` builds a new job from the settings."""
    job = holder.job
    active = job is not None and job.active
    a, b, c, d, e = st.columns(5)
    if a.button(
        "▶ Start",
        type="primary",
        disabled=make_job is None or active,
        width="stretch",
        key="start_run",
        help="A run is going: Stop it (or Reset) before starting another, so no training is lost."
        if active
        else "Train a new model with these settings.",
    ):
        try:
            holder.replace(make_job().start())
        except (TrainingError, SpecError, ValueError) as error:
            st.error(str(error))
        st.rerun()
    paused = job is not None and job.state == "paused"
    if b.button(
        "Resume" if paused else "Pause", disabled=job is None or not job.active, width="stretch", key="pause_run"
    ):
        job.resume() if paused else job.pause()
        st.rerun()
    if c.button("Step", disabled=not paused, width="stretch", key="step_run", help="Train one step while paused."):
        job.step_once()  # returns once the step is done, so the counter below moves by exactly one
        st.rerun()
    if d.button("Stop", disabled=job is None or not job.active, width="stretch", key="stop_run"):
        job.stop()
        st.rerun()
    if e.button("Reset", disabled=job is None, width="stretch", key="reset_run", help="Stop and clear the charts."):
        holder.replace(None)
        st.rerun()


def live_ui(holder: JobHolder, race: bool = False) -> None:
    """The polling fragment: redraws every second while the job is queued, running or paused."""
    job = holder.job
    if job is None:
        st.info(
            "Press ▶ Start: the model trains in the background and the charts below follow it live. You can "
            "keep using the other pages meanwhile."
        )
        return
    holder.polling = job.active

    @st.fragment(run_every=1.0 if job.active else None)
    def panel():
        snapshot = job.snapshot()
        if holder.polling and snapshot["state"] not in ACTIVE:
            holder.polling = False
            st.rerun(scope="app")  # the run ended: redraw the buttons and stop polling
        _panel(snapshot, race)

    panel()


def _panel(snapshot: dict, race: bool) -> None:
    lanes = snapshot["lanes"]
    first = next(iter(lanes.values()))
    task = first.config.task_object()
    seq_len = first.config.spec().seq_len
    state = snapshot["state"]
    words = STATE_WORDS[state]
    if state == "queued":
        ahead = snapshot["ahead"] or 0
        words = (
            f"Queued: {MAX_RUNNING} runs are training on this server (the most it runs at once) and "
            f"{ahead} {'run waits' if ahead == 1 else 'runs wait'} ahead of this one; it starts by itself"
        )
    (st.error if state in ("diverged", "failed") else st.caption)(f"**{words}.** {snapshot['message']}")
    if snapshot["max_steps"]:
        st.progress(
            min(snapshot["steps"] / snapshot["max_steps"], 1.0),
            text=f"step {snapshot['steps']} of {snapshot['max_steps']}",
        )
    columns = st.columns(2 + len(lanes))
    columns[0].metric("Step", snapshot["steps"])
    rate = snapshot["steps_per_second"]
    columns[1].metric(
        "Steps per second",
        "—" if rate is None else f"{rate:.0f}",
        help="Measured over the last 50 steps while training; — while starting, paused or ended.",
    )
    for column, (label, lane) in zip(columns[2:], lanes.items()):
        value = f"{lane.evaluations[-1]['metric']:.4g}" if lane.evaluations else "—"
        solved = f"solved at step {lane.solved_at}" if lane.solved_at is not None else None
        column.metric(f"{label} held-out {task.metric}", value, solved, delta_color="off")
    if race:
        st.markdown(race_summary(lanes, task, seq_len))
    left, right = st.columns(2)
    left.plotly_chart(
        loss_figure(lanes, task.baseline(seq_len), "cross-entropy" if task.classification else "MSE"),
        key="loss_chart",
        width="stretch",
        config={"displayModeBar": False},
    )
    right.plotly_chart(
        metric_figure(lanes, task.chance(seq_len), task.metric, task.solved_at),
        key="metric_chart",
        width="stretch",
        config={"displayModeBar": False},
    )
    if race:
        return
    recording = first.recording
    if recording is not None and recording.hidden_grad is not None:
        a, b, c = st.columns(3)
        a.plotly_chart(
            grad_by_layer_figure(recording), key="grad_layers", width="stretch", config={"displayModeBar": False}
        )
        b.plotly_chart(
            grad_by_step_figure(recording), key="grad_steps", width="stretch", config={"displayModeBar": False}
        )
        c.plotly_chart(
            hidden_heatmap(recording), key="hidden_heatmap", width="stretch", config={"displayModeBar": False}
        )
        st.caption(
            f"Probe every {first.config.probe_every} steps: four held-out sequences through the explicit "
            "loop with the model's current weights."
        )
