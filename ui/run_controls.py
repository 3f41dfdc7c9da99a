"""A run's controls on the Train and Race pages: which run this session shows (JobHolder, kept
per page for the session), the `?run=` link that finds it again, and Start / Pause / Step /
Stop / Reset, greyed out for a browser that only watches (rnnviz.serving.runs_registry), with the
control link that hands a run to another browser."""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from rnnviz.files.runs import Run
from rnnviz.net.spec import SpecError
from rnnviz.serving import runs_registry, stored_runs
from rnnviz.serving.process_jobs import new_job
from rnnviz.training.jobs import TrainingJob
from rnnviz.training.train import TrainingError
from ui.browser import browser_id, remember_browser
from ui.plain import plain
from ui.present import presenting


class JobHolder:
    """This session's current run on one page, registered server-wide under an id so a reload or
    a second tab with the link finds it again (rnnviz.serving.runs_registry). The run may be this
    browser's (it controls it) or another's that the link opened (it only watches)."""

    def __init__(self, page: str):
        self.page = page
        self.browser = ""  # set by the page on every run (ui.browser)
        self.job: TrainingJob | None = None
        self.run_id: str | None = None
        self.polling = False
        self.may_resume = False  # the job is a saved run this browser controlled, with steps left

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

    def open_saved(self, run_id: str) -> None:
        """Show the saved copy of a run that is no longer training here (it ended and was let go,
        or the server restarted), as a replay; say so, or say that there is none."""
        saved = stored_runs.load(run_id)
        if saved is None:
            st.warning(
                f"No run {run_id} was ever saved on this server (run files are kept in its runs directory, the "
                f"{stored_runs.KEEP_RUNS} newest): the link may be mistyped, or the run was removed. Start a new one "
                "below."
            )
            return
        self.job, self.run_id = saved, run_id
        self.may_resume = saved.resumable and stored_runs.owned_by(run_id, self.browser)
        then = (
            "This browser started it: **Resume** trains it on from that step."
            if self.may_resume
            else "Start a new run below to train again."
        )
        st.info(
            f"Run {run_id} is not training on this server any more (it ended, was stopped after its last tab closed, "
            f"or the server restarted), so its saved copy replays here: {saved.last_step:,} steps, {saved.state} when "
            f"it was last saved. {then}",
            icon=":material/history:",
        )

    def resume_saved(self) -> None:
        """Train the saved run shown on from where it was saved, under its own id and link."""
        saved = self.job
        configs = {label: lane.config for label, lane in saved.lanes.items()}
        job = new_job(configs, saved.max_steps, resume_from=saved)
        runs_registry.register(job, self.browser, self.page, run_id=self.run_id)
        self.job, self.may_resume = job, False
        job.start()

    def let_go(self) -> None:
        """Stop showing the run: this browser's own is stopped and forgotten; another's goes on."""
        if self.job is not None and self.controls:
            self.job.stop()
            runs_registry.forget(self.job)
        self.job = self.run_id = None
        self.may_resume = False

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
        holder.open_saved(run_id)
    elif code is not None and runs_registry.take_control(run_id, holder.browser, code):
        st.success(f"This browser now controls run {run_id}: it can pause, step, stop and reset it.")
    elif code is not None:
        st.warning("The control code in this link is not this run's: you can watch the run, not control it.")


def controls_ui(holder: JobHolder, make_job) -> None:
    """Start / pause / step / stop / reset. `make_job()` builds a new job from the settings."""
    job = holder.job
    own = holder.controls
    active = job is not None and job.active and own
    if job is not None and not isinstance(job, Run) and not own:  # (a saved copy says what it is where it opens)
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
    if holder.may_resume:
        if b.button("Resume", width="stretch", key="pause_run", help="Train this saved run on from its last step."):
            try:
                holder.resume_saved()
            except (TrainingError, ValueError) as error:
                st.session_state[f"_start_refused_{holder.page}"] = str(error)
            st.rerun()
    elif b.button(
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
