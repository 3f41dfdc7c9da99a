"""Training panels: a run's downloads and the live panel that polls a job (or draws a recorded
run's snapshot the same way). The controls are in ui/run_controls.py. One polling fragment per
page (docs/design.md)."""

from __future__ import annotations

from functools import partial

import streamlit as st

from rnnviz.files.export import checkpoint_bytes
from rnnviz.files.runs import run_bytes
from rnnviz.plots.training import grad_by_layer_figure, grad_by_step_figure, hidden_heatmap, loss_figure, metric_figure
from rnnviz.training.jobs import ACTIVE, MAX_RUNNING, TrainingJob
from rnnviz.training.race import race_summary
from ui.plain import plain
from ui.present import chart, steady_charts
from ui.run_controls import JobHolder

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
    "replay": "Replay of a recorded run",
}


def metric_text(value: float) -> str:
    """A metric short enough for a metric box of a five-column row at 1280 px: three significant
    digits, small values as 1.81e-4 (0.0001808 was cut off)."""
    if value != 0 and abs(value) < 1e-3:
        mantissa, exponent = f"{value:.2e}".split("e")
        return f"{mantissa}e{int(exponent)}"
    return f"{value:.3g}"


def _weights_now(job: TrainingJob, label: str) -> bytes:
    task, model, step = job.model_copy(label)
    return checkpoint_bytes(model.state_dict(), model.spec, task=task.name, vocabulary=task.vocabulary, step=step)


def downloads_ui(holder: JobHolder) -> None:
    """The run's files, made when clicked: each model's weights now, and the whole run."""
    job = holder.job
    if job is None or job.state in ("starting", "queued", "failed"):
        return
    columns = st.columns(len(job.lanes) + 2)
    for column, label in zip(columns, job.lanes):
        column.download_button(
            f"⬇ {label} weights",
            data=partial(_weights_now, job, label),
            file_name=f"{label.lower()}.safetensors",
            mime="application/octet-stream",
            on_click="ignore",
            key=f"download_weights_{label}",
            width="stretch",
            help="The model as it is now, as a safetensors checkpoint: open it on Inside, Generate or Compare, "
            "or with `python -m rnnviz sample`.",
        )
    columns[len(job.lanes)].download_button(
        "⬇ Run file",
        data=partial(run_bytes, job),
        file_name="run.rnnrun",
        mime="application/zip",
        on_click="ignore",
        key="download_run",
        width="stretch",
        help="Everything recorded so far (settings, losses, probes, weights) in one file that replays on the "
        "'Replay a recorded run' tab of this page, with no training.",
    )


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
        with steady_charts():  # the charts change in place each second: no blank frame while it trains
            run_panel(snapshot, race)

    panel()


def run_panel(snapshot: dict, race: bool) -> None:
    """What a run looks like at one moment (a live job's snapshot, or a recorded run's)."""
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
    message = snapshot["message"]
    if message.startswith(f"{words} "):  # "Finished. Finished the budget …": say it once
        message = message[len(words) + 1].upper() + message[len(words) + 2 :]
    (st.error if state in ("diverged", "failed") else st.caption)(f"**{words}.** {plain(message)}")
    if snapshot["max_steps"]:
        st.progress(
            min(snapshot["steps"] / snapshot["max_steps"], 1.0),
            text=f"step {snapshot['steps']} of {snapshot['max_steps']}",
        )
    wide = len(lanes) <= 3  # more lanes get a row of their own, so no label is cut off
    columns = st.columns(2 + len(lanes)) if wide else st.columns(2) + st.columns(len(lanes))
    columns[0].metric("Step", snapshot["steps"])
    rate = snapshot["steps_per_second"]
    columns[1].metric(
        "Steps per second",
        "—" if rate is None else f"{rate:.0f}",
        help="Measured over the last 50 steps while training; — while starting, paused or ended.",
    )
    for column, (label, lane) in zip(columns[2:], lanes.items()):
        value = metric_text(lane.evaluations[-1]["metric"]) if lane.evaluations else "—"
        solved = f"solved at step {lane.solved_at}" if lane.solved_at is not None else None
        solved = solved if wide or solved is None else f"solved at {lane.solved_at}"
        column.metric(
            f"{label} held-out {task.metric}" if wide else f"{label} {task.metric}",
            value,
            solved,
            delta_color="off",
            delta_arrow="off",  # a fact about the run, not a rise
            help=f"On {lane.config.eval_size} held-out sequences"
            + (
                f", free-running: each writing step reads the model's own previous output (training reads the true "
                f"one with probability {lane.config.teacher_forcing:g})."
                if lane.config.feedback
                else "."
            ),
        )
    if race:
        st.markdown(race_summary(lanes, task, seq_len))
    left, right = st.columns(2)
    chart(
        container=left,
        figure=loss_figure(lanes, task.baseline(seq_len), "cross-entropy" if task.classification else "MSE"),
        key="loss_chart",
    )
    chart(
        container=right,
        figure=metric_figure(lanes, task.chance(seq_len), task.metric, task.solved_at),
        key="metric_chart",
    )
    if any("teacher_forced" in e for lane in lanes.values() for e in lane.evaluations[-1:]):
        right.caption(
            f"Solid: held-out {task.metric} running free, each writing step reading the model's own previous output. "
            "Dotted: the same sequences teacher-forced, each step reading the true previous target. The gap between "
            "them is exposure bias: what the model loses when it must live with its own mistakes."
        )
    if race:
        return
    recording = first.recording
    if recording is not None and recording.hidden_grad is not None:
        figures = {
            "grad_layers": grad_by_layer_figure,
            "grad_steps": grad_by_step_figure,
            "hidden_heatmap": hidden_heatmap,
        }
        for column, (key, make) in zip(st.columns(3), figures.items()):
            chart(make(recording), key, container=column)
        st.caption(
            f"The latest probe, from step {recording.step} (one every {first.config.probe_every} steps while "
            "training; a run file may keep fewer): four held-out sequences through the explicit loop with the "
            "model's weights of that step."
        )
