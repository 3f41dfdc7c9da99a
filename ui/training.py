"""Training widgets: the settings panel, the run controls and the live panel that polls a job.

The job lives in a session-scoped resource, so it is this browser session's alone, and closing
the tab releases it, which stops its thread. One polling fragment per page (DESIGN.md).
"""

from __future__ import annotations

import streamlit as st

from rnnviz.batching import TextError, check_text, decode_text
from rnnviz.device import DEVICES, available_devices
from rnnviz.jobs import MAX_RUNNING, TrainingJob
from rnnviz.plots.training import grad_by_layer_figure, grad_by_step_figure, hidden_heatmap, loss_figure, metric_figure
from rnnviz.spec import SpecError
from rnnviz.tasks import CHAR_RNN_TEXT, TASKS
from rnnviz.train import OPTIMIZERS, TrainConfig, TrainingError

STATE_WORDS = {
    "idle": "Not started",
    "queued": f"Queued: {MAX_RUNNING} runs are already training on this server",
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


def settings_ui(prefix: str, race: bool = False) -> tuple[TrainConfig, int] | None:
    """The task and training settings; returns (config, step budget), or None after saying why not."""
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
    cell = (
        "lstm"
        if race
        else b.radio(
            "Cell", ["rnn", "gru", "lstm"], index=2, key=f"{prefix}cell", horizontal=True, format_func=str.upper
        )
    )
    hidden = c.number_input("Hidden size", 1, 1024, 64, key=f"{prefix}hidden")
    seq_len = d.number_input(
        "Sequence length", task.min_seq_len, 500, key=f"{prefix}seq_len", disabled=task.topology == "one_to_one"
    )
    st.caption(task.description)
    e, f, g, h = st.columns(4)
    batch = e.number_input("Batch size", 1, 1024, 64, key=f"{prefix}batch")
    optimizer = f.selectbox("Optimiser", list(OPTIMIZERS), key=f"{prefix}optimizer")
    lr = 0.01 if race else g.number_input("Learning rate", 1e-5, 1000.0, 0.01, key=f"{prefix}lr", format="%g")
    steps = h.number_input("Step budget (0 = until stopped)", 0, 1_000_000, 3000, key=f"{prefix}steps")
    text = upload = None
    if name == "char":  # the text is this task's data: in plain sight, not in the expander
        left, right = st.columns([3, 2])
        text = left.text_area("Training text", CHAR_RNN_TEXT, key=f"{prefix}text", max_chars=20000, height=120)
        upload = right.file_uploader(
            "…or upload a UTF-8 .txt file (at most 20,000 characters)", type=["txt"], key=f"{prefix}upload"
        )
    with st.expander("More: layers, clipping, truncated BPTT, seed, device"):
        i, j, k, m, n = st.columns(5)
        layers = i.number_input("Layers", 1, 4, 1, key=f"{prefix}layers")
        clip = j.number_input("Clip gradient norm (0 = off)", 0.0, 1000.0, 1.0, key=f"{prefix}clip")
        tbptt = k.number_input("Truncated BPTT k (0 = off)", 0, 500, 0, key=f"{prefix}tbptt")
        seed = m.number_input("Seed", 0, 2**31 - 1, 0, key=f"{prefix}seed")
        found = available_devices()
        device = n.selectbox(
            "Device",
            [d for d in DEVICES if d == "auto" or d in found],
            key=f"{prefix}device",
            help=f"auto picks cuda, then mps, then cpu; this machine has: {', '.join(found)}.",
        )
    try:
        if upload is not None:
            text = decode_text(upload.getvalue())
            st.caption(f"Training on the uploaded file {upload.name!r} ({len(text):,} characters).")
        elif text is not None:
            text = check_text(text)
        config = TrainConfig(
            task=name,
            cell=cell,
            hidden_size=int(hidden),
            num_layers=int(layers),
            seq_len=int(seq_len),
            batch_size=int(batch),
            optimizer=optimizer,
            lr=float(lr),
            clip=float(clip) or None,
            tbptt=int(tbptt) or None,
            seed=int(seed),
            device=device,
            text=text,
        ).validate()
    except (TrainingError, SpecError, TextError, ValueError) as error:
        st.error(str(error))
        return None
    return config, int(steps)


def controls_ui(holder: JobHolder, make_job) -> None:
    """Start / pause / step / stop / reset. `make_job()` builds a new job from the settings."""
    job = holder.job
    a, b, c, d, e = st.columns(5)
    if a.button("▶ Start", type="primary", disabled=make_job is None, width="stretch", key="start_run"):
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
        job.step_once()
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
        if holder.polling and snapshot["state"] not in ("queued", "running", "paused"):
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
    (st.error if state in ("diverged", "failed") else st.caption)(f"**{words}.** {snapshot['message']}")
    if snapshot["max_steps"]:
        st.progress(
            min(snapshot["steps"] / snapshot["max_steps"], 1.0),
            text=f"step {snapshot['steps']} of {snapshot['max_steps']}",
        )
    columns = st.columns(2 + len(lanes))
    columns[0].metric("Step", snapshot["steps"])
    columns[1].metric("Steps per second", f"{snapshot['steps_per_second']:.0f}")
    for column, (label, lane) in zip(columns[2:], lanes.items()):
        value = lane.evaluations[-1]["metric"] if lane.evaluations else float("nan")
        solved = f"solved at step {lane.solved_at}" if lane.solved_at is not None else None
        column.metric(f"{label} held-out {task.metric}", f"{value:.4g}", solved, delta_color="off")
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
