"""Training widgets: the settings panel, the run controls and the live panel that polls a job.

The run shown lives in a session-scoped resource; closing the tab releases it, and the reaper
stops it after the grace period. Only the browser that started a run (or one it handed control
to) controls it; any other that opens its link watches (rnnviz.runs_registry). One polling
fragment per page (docs/design.md).
"""

from __future__ import annotations

from functools import partial
from urllib.parse import urlencode

import streamlit as st

from rnnviz import runs_registry
from rnnviz.export import checkpoint_bytes
from rnnviz.jobs import ACTIVE, MAX_RUNNING, TrainingJob
from rnnviz.plots.training import grad_by_layer_figure, grad_by_step_figure, hidden_heatmap, loss_figure, metric_figure
from rnnviz.race import race_summary
from rnnviz.runs import run_bytes
from rnnviz.spec import SpecError
from rnnviz.train import TrainingError
from ui.browser import browser_id, remember_browser
from ui.plain import plain
from ui.present import chart, presenting

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


class JobHolder:
    """This session's current run on one page, registered server-wide under an id so a reload or
    a second tab with the link finds it again (rnnviz.runs_registry). The run may be this
    browser's (it controls it) or another's that the link opened (it only watches)."""

    def __init__(self, page: str):
        self.page = page
        self.browser = ""  # set by the page on every run (ui.browser)
        self.job: TrainingJob | None = None
        self.run_id: str | None = None
        self.polling = False

    @property
    def controls(self) -> bool:
        """May this browser pause, step, stop and reset the run shown?"""
        return self.job is not None and runs_registry.controls(self.run_id, self.browser)

    def start(self, job: TrainingJob) -> None:
        """Show and start this browser's new run instead of the one shown. A second active run of
        this browser on this page is refused (RunLimitError) before anything is stopped."""
        run_id = runs_registry.register(job, self.browser, self.page)
        self.let_go()
        self.job, self.run_id = job, run_id
        job.start()

    def attach(self, run_id: str) -> bool:
        """Show the run with this id (a reload, a second tab, a projected link); False when it is
        not on this server."""
        job = runs_registry.claim(run_id, self.browser)
        if job is not None:
            self.job, self.run_id = job, run_id
        return job is not None

    def let_go(self) -> None:
        """Stop showing the run: this browser's own is stopped and forgotten; another's goes on."""
        if self.job is not None and self.controls:
            self.job.stop()
            runs_registry.forget(self.job)
        self.job = self.run_id = None

    def release(self) -> None:
        """The session ended: the run goes on for the grace period, then the reaper stops it."""
        if self.job is not None:
            runs_registry.release(self.job, self.browser)


@st.cache_resource(scope="session", on_release=lambda holder: holder.release(), show_spinner=False)
def job_holder(page: str) -> JobHolder:
    return JobHolder(page)


def attach_from_link(holder: JobHolder) -> None:
    """On a session's first visit, a `?run=` link shows that run (a reload, a second tab, the
    projected link), and `&control=` hands this browser its controls. The control code is taken
    out of the address at once, so it never reaches the Share box."""
    holder.browser = browser_id()  # which browser this is: its runs are its own to control
    remember_browser()
    code = st.query_params.get("control")
    if code is not None:
        del st.query_params["control"]
    marker = f"_run_link_read_{holder.page}"
    if st.session_state.get(marker):
        return
    st.session_state[marker] = True
    run_id = st.query_params.get("run")
    if run_id is None or holder.job is not None:
        return
    if not runs_registry.RUN_ID.fullmatch(run_id):
        st.warning("The run id in this link is not one this server makes, so no run was opened. Start one below.")
        return
    if not holder.attach(run_id):
        minutes = runs_registry.GRACE_SECONDS / 60
        st.warning(
            f"Run {run_id} is not on this server: a run stops {minutes:g} minutes after the last tab of the browser "
            "that controls it closes, or when the server restarts. Start a new one below."
        )
    elif code is not None and runs_registry.take_control(run_id, holder.browser, code):
        st.success(f"This browser now controls run {run_id}: it can pause, step, stop and reset it.")
    elif code is not None:
        st.warning("The control code in this link is not this run's: you can watch the run, not control it.")


def controls_ui(holder: JobHolder, make_job) -> None:
    """Start / pause / step / stop / reset. `make_job()` builds a new job from the settings."""
    job = holder.job
    own = holder.controls
    active = job is not None and job.active and own
    if job is not None and not own:
        st.info(
            "You are watching a run another browser started: everything it records shows here, but only that "
            "browser can pause, step, stop or reset it. **Reset** stops watching; **▶ Start** trains your own.",
            icon=":material/visibility:",
        )
    not_yours = "Only the browser that started this run (or one it handed control to) can do this."
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
            holder.start(make_job())
        except (TrainingError, SpecError, ValueError) as error:
            st.session_state[f"_start_refused_{holder.page}"] = str(error)
        st.rerun()
    refused = st.session_state.pop(f"_start_refused_{holder.page}", None)
    if refused:
        st.error(plain(refused))
    paused = job is not None and job.state == "paused"
    if b.button(
        "Resume" if paused else "Pause",
        disabled=not own or not job.active,
        width="stretch",
        key="pause_run",
        help=None if own or job is None else not_yours,
    ):
        job.resume() if paused else job.pause()
        st.rerun()
    step_help = "Train one step while paused." if own or job is None else not_yours
    if c.button("Step", disabled=not (own and paused), width="stretch", key="step_run", help=step_help):
        job.step_once()  # returns once the step is done, so the counter below moves by exactly one
        st.rerun()
    if d.button(
        "Stop", disabled=not own or not job.active, width="stretch", key="stop_run", help=None if own else not_yours
    ):
        job.stop()
        st.rerun()
    reset_help = "Stop and clear the charts." if own else "Stop watching this run; it goes on for whoever controls it."
    if e.button("Reset", disabled=job is None, width="stretch", key="reset_run", help=reset_help):
        holder.let_go()
        st.rerun()
    handover_ui(holder)


def handover_ui(holder: JobHolder) -> None:
    """For a browser that controls the run, outside presentation mode: the control link."""
    if not holder.controls or presenting():
        return
    code = runs_registry.control_link_code(holder.run_id, holder.browser)
    base = str(st.context.url or "").split("?")[0]
    with st.expander("Hand control of this run to another browser", icon=":material/key:"):
        st.code(f"{base}?{urlencode({'run': holder.run_id, 'control': code})}", language=None, wrap_lines=True)
        st.caption(
            "Whoever opens this link can pause, step, stop and reset the run, as you can. The address bar and the "
            "Share box hold only the link to watch it, and this box is hidden in presentation mode."
        )


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
    (st.error if state in ("diverged", "failed") else st.caption)(f"**{words}.** {plain(snapshot['message'])}")
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
        value = f"{lane.evaluations[-1]['metric']:.4g}" if lane.evaluations else "—"
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
