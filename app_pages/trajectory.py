"""Trajectory: the hidden state's path in its first two principal components, live during training."""

import streamlit as st
import torch

from rnnviz.inside import pca_path
from rnnviz.plots.inside import pca_figure
from rnnviz.recording import record
from rnnviz.tasks import input_labels
from ui.inside import input_ui, source_ui
from ui.link import PAGE_LINKS, read_link_once
from ui.player import player
from ui.present import chart
from ui.spec_sidebar import SPEC_NAMES
from ui.training import job_holder

read_link_once("trajectory", PAGE_LINKS["trajectory"], ignore=SPEC_NAMES)
st.header("Trajectory of the hidden state")
st.caption(
    "h_t has as many numbers as there are units; its first two principal components show where the sequence "
    "takes it. ▶ Play moves along the path one step at a time. Attractors (places the state settles in) "
    "appear as training goes on."
)
live, fixed = st.tabs(["Live from the Train page", "One sequence, any model"])

with live:
    job = job_holder("train").job
    if job is None:
        st.info("Start a run on the **Train** page: this tab then follows its probes as it trains.")
    else:

        @st.fragment(run_every=2.0 if job.active else None)
        def follow():
            lane = next(iter(job.snapshot()["lanes"].values()))
            recording = lane.recording
            if recording is None:
                st.caption("Waiting for the first probe…")
                return
            task = lane.config.task_object()
            states = recording.hidden[-1, 0, :, 0]  # top layer, probe sequence 0: (T, H)
            labels = input_labels(task, torch.from_numpy(recording.inputs[0]), recording.steps)
            coords, explained = pca_path(states)
            st.caption(f"Probe at step {recording.step}, probe sequence 0, top layer.")
            chart(figure=pca_figure(coords, labels, explained), key="live_pca")

        follow()

with fixed:
    source = source_ui("trajectory")
    chosen = source and input_ui(source, "trajectory")
    if chosen:
        x, labels = chosen
        recording = record(source.model, x)
        coords, explained = pca_path(recording.hidden[-1, 0, :, 0])

        def draw(step: int) -> None:
            figure = pca_figure(coords, labels, explained, active=step, play_buttons=False)
            chart(figure=figure, key="pca")

        player("trajectory_path", [f"{t} {label!r}" for t, label in enumerate(labels)], draw, start=0)
