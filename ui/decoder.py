"""The Decoder page's parts: which run it shows (the bundled one for its settings, or this
browser's run of them through the training queue), the model after a chosen step, and "Inside
the decoder": the example unrolled, and the state, one gate and dL/dh_t at each output step."""

from __future__ import annotations

import streamlit as st

from rnnviz.analysis.decoding import held_out, tokens
from rnnviz.analysis.inside import STATE_NAMES
from rnnviz.analysis.recording import record
from rnnviz.files.runs import Run
from rnnviz.lessons.decoder import bundled_lane
from rnnviz.plots.decoder import seq2seq_figure
from rnnviz.plots.inside import stacked_state_heatmaps
from rnnviz.serving.process_jobs import new_job
from rnnviz.tasks import Batch, Task
from rnnviz.training.race import lane_name
from rnnviz.training.train import TrainConfig
from ui.link import PAGE_LINKS, write_link
from ui.present import chart
from ui.run_controls import JobHolder, controls_ui
from ui.training import downloads_ui, live_ui


def bundled(config: TrainConfig, steps: int) -> tuple[str, Run] | None:
    """(its label, the bundled run of just that lane) when a bundled run trained these settings."""
    found = bundled_lane(config, steps)
    if found is None:
        return None
    run, label = found
    return label, Run({label: run.lanes[label]}, run.max_steps, run.state, run.message, run.title)


def run_ui(holder: JobHolder, config: TrainConfig, steps: int) -> tuple[str, Run] | None:
    """(lane label, run) the page shows: the bundled run of these settings, or this browser's run
    of them (with Train's controls and live panel); None, having said why, when there is none yet.
    Writes the page's link either way."""
    found = bundled(config, steps)
    if found is not None:
        write_link(PAGE_LINKS["decoder"])
        st.caption(f"A recorded run, ready at once: {found[1].title}, lane “{found[0]}”.")
        return found
    controls_ui(holder, lambda: new_job({lane_name(config): config}, max_steps=steps))
    write_link(PAGE_LINKS["decoder"], extra={"run": holder.run_id})
    job = holder.job
    if job is None or next(iter(job.lanes.values())).config != config:
        st.info(
            "No recorded run has these settings yet: press **▶ Start** to train them in the background (a few "
            "seconds on an idle server; queued when the server is busy). The page's defaults open on a bundled run."
        )
        return None
    live_ui(holder)
    downloads_ui(holder)
    return lane_name(config), Run.of(job)


@st.cache_resource(max_entries=12, show_spinner=False)
def held_out_batch(task: str, seq_len: int, seed: int) -> Batch:
    """The 1,000 held-out sequences of these settings, drawn once on this server."""
    return held_out(TrainConfig(task=task).task_object(), seq_len, seed)


def model_at_ui(run: Run, label: str):
    """The picker of a kept step (the replay), and (task, the model after that step, the step)."""
    kept = [step for step, _ in run.lanes[label].weights]
    if not kept:
        return None
    at = st.session_state.get("decoder_at")
    if at not in kept or at == st.session_state.get("_decoder_last_kept"):  # at the end: follow a live run
        st.session_state["decoder_at"] = kept[-1]
    st.session_state["_decoder_last_kept"] = kept[-1]
    if len(kept) > 1:
        st.select_slider(
            "The model after training step",
            kept,
            key="decoder_at",
            help="Replay: the weights this run kept along the way. Everything below is measured on that model.",
        )
    return run.model_copy(label, step=st.session_state["decoder_at"])


def _read_labels(spec, task: Task, written: list[str], target: list[str], forced: bool) -> list[str]:
    """What each writing step read: zeros, or ^ and then the previous token (true or its own)."""
    if not spec.feeds_back:
        return ["0"] * len(target)
    return ["^"] + (target if forced else written)[:-1]


@st.fragment
def inside_the_decoder(model, task: Task, batch: Batch, index: int) -> None:
    """Held-out example `index` through the decoder, step by step: drawn unrolled, and its state,
    one gate and dL/dh_t; the two pickers redraw only this section."""
    st.subheader("Inside the decoder")
    left, right = st.columns([2, 3])
    how = left.segmented_control(
        "Each step reads",
        ["teacher-forced", "free-running"],
        default="free-running",
        key="decoder_inside_reads",
        help="Teacher-forced: each step reads the true previous token, as in training. Free-running: its own "
        "previous output, as at test time.",
    )
    spec = model.spec
    x, y = batch.x[index : index + 1], batch.y[index : index + 1]
    recording = record(model, x, y, teacher_forcing=1.0 if how == "teacher-forced" else 0.0)
    gate = right.segmented_control(
        "Gate",
        list(recording.gates),
        default=next(iter(recording.gates), None),
        key="decoder_inside_gate",
        format_func=STATE_NAMES.get,
    )
    writing = slice(spec.input_steps, spec.steps)  # the top layer's writing steps, example 0
    written = tokens(task, recording.outputs[0].argmax(-1))
    source, target = tokens(task, x[0]), tokens(task, y[0])
    read = _read_labels(spec, task, written, target, how == "teacher-forced")
    panels = {STATE_NAMES["h"]: recording.hidden[-1, 0, writing, 0]}
    if gate in recording.gates:
        panels[STATE_NAMES.get(gate, gate)] = recording.gates[gate][-1, 0, writing, 0]
    panels["dL/dh_t (total, through the later steps)"] = recording.hidden_grad[-1, 0, writing, 0]
    shapes = {
        "decoder input x_t": (1, spec.input_size),
        "decoder state h_t": (1, spec.hidden_size),
        "logits at step t": (1, spec.output_size),
        "embedded src": (1, spec.input_steps, spec.input_size),
    }
    feedback = "previous" if spec.feeds_back else "empty"
    chart(
        figure=seq2seq_figure(source, read, written, feedback, spec.attention != "none", shapes), key="decoder_unrolled"
    )
    labels = [f"{t}: {c!r}" for t, c in enumerate(read)]
    chart(
        figure=stacked_state_heatmaps(
            panels, labels, "the decoder at each output step", x_title="output step: the token it read"
        ),
        key="decoder_inside",
    )
    st.caption(
        "Each column is one output step; below it, the token that step read ('^' is the start vector"
        + (", but with empty inputs every step reads zeros" if not spec.feeds_back else "")
        + f"). One LSTM reads the question and writes the answer: the encoder is its first {spec.input_steps} "
        f"steps, the decoder the last {spec.output_steps}. Cross-entropy against the target: loss "
        f"{recording.loss:.3f}. dL/dh_t is autograd's total derivative: what reaches h_t from its own output and, "
        "through h_{t+1}, from every later one."
    )
