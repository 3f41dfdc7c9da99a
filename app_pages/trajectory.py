"""Trajectory: the hidden state's path in its first two principal components, live during training."""

import streamlit as st
import torch

from rnnviz.analysis.inside import pca_path
from rnnviz.analysis.recording import record
from rnnviz.plots.inside import pca_figure
from rnnviz.tasks import input_labels, written_labels
from ui.downloads import animation_download
from ui.inside import input_ui, source_ui
from ui.link import PAGE_LINKS, read_link_once, update_link
from ui.player import player
from ui.present import chart
from ui.replay import opened
from ui.run_controls import job_holder
from ui.spec_sidebar import SPEC_NAMES

read_link_once("trajectory", PAGE_LINKS["trajectory"], ignore=SPEC_NAMES)
st.header("Trajectory of the hidden state")
st.caption(
    "h_t has as many numbers as there are units; its first two principal components show where the sequence "
    "takes it. ▶ Play moves along the path one step at a time. Attractors (places the state settles in) "
    "appear as training goes on."
)
live, fixed = st.tabs(["Probes of a run, live or recorded", "One sequence, any model"])
LIVE = "Live: the Train page's run"


def probe_path(recording, task):
    """PCA path of the top layer's h_t for probe sequence 0, and a label per step."""
    labels = input_labels(task, torch.from_numpy(recording.inputs[0]), recording.steps)
    labels = written_labels(labels, task, recording)
    coords, explained = pca_path(recording.hidden[-1, 0, :, 0])
    return coords, labels, explained


with live:
    job = job_holder("train").job
    recorded = {name: run for name, run in opened().items() if any(lane.recordings for lane in run.lanes.values())}
    which = st.selectbox("Run", ([LIVE] if job is not None else []) + list(recorded), key="trajectory_run")
    if job is None:
        st.caption("Start a run on the **Train** page to follow its probes live here.")
    if which == LIVE:

        @st.fragment(run_every=2.0 if job.active else None)
        def follow():
            lane = next(iter(job.snapshot()["lanes"].values()))
            if lane.recording is None:
                st.caption("Waiting for the first probe…")
                return
            coords, labels, explained = probe_path(lane.recording, lane.config.task_object())
            st.caption(f"Probe at step {lane.recording.step}, probe sequence 0, top layer.")
            chart(figure=pca_figure(coords, labels, explained), key="live_pca")

        follow()
    elif which is not None:
        run = recorded[which]
        label = st.radio("Model", [k for k, lane in run.lanes.items() if lane.recordings], horizontal=True)
        lane = run.lanes[label]
        st.caption(
            f"{run.title or which}. Each recorded probe, in training order: ▶ Play shows how the path changed as "
            "the model learned; the slider scrubs."
        )

        def draw_probe(k: int) -> None:
            coords, labels, explained = probe_path(lane.recordings[k], lane.config.task_object())
            chart(figure=pca_figure(coords, labels, explained), key="recorded_pca")

        probes = [f"probe at training step {r.step:,}" for r in lane.recordings]
        player("trajectory_probes", probes, draw_probe, start=len(probes) - 1, link_name=None, scrub=True)

with fixed:
    source = source_ui("trajectory")
    chosen = source and input_ui(source, "trajectory")
    if chosen:
        x, labels = chosen
        recording = record(source.model, x)
        labels = written_labels(labels, source.task, recording)
        coords, explained = pca_path(recording.hidden[-1, 0, :, 0])

        def draw(step: int) -> None:
            figure = pca_figure(coords, labels, explained, active=step, play_buttons=False)
            chart(figure=figure, key="pca")

        player("trajectory_path", [f"{t} {label!r}" for t, label in enumerate(labels)], draw, start=0)
        animation_download(
            lambda frame_ms: pca_figure(coords, labels, explained, frame_ms=frame_ms),
            "trajectory_animation",
            "trajectory_path",
        )
update_link([f for f in PAGE_LINKS["trajectory"] if f.name not in ("step", "speed")])  # the player writes those
