"""Train: one model on a toy task, in the background, with its loss and insides drawn live."""

import streamlit as st

from rnnviz.serving.process_jobs import new_job
from rnnviz.tasks import TASKS
from rnnviz.training.race import lane_name
from ui.cost import cost_ui
from ui.link import write_link
from ui.present import settings_box
from ui.recipes import read_recipe_link, recipe_ui
from ui.replay import LIVE, RECIPE, REPLAY, replay_tab
from ui.run_controls import attach_from_link, controls_ui, job_holder
from ui.training import downloads_ui, live_ui
from ui.training_fields import training_fields
from ui.training_settings import settings_ui

st.header("Train a model live")
st.caption(
    "Pick a task and press ▶ Start. Training runs with PyTorch's fused module; every 50 steps a probe "
    "runs four held-out sequences through the explicit loop, and the charts show what it recorded. The "
    "dashed line is the memoryless baseline: the best a model can do without remembering anything."
)
read_recipe_link("train_")
mode = replay_tab("train_", prefer="char_rnn", race=False, modes=(LIVE, REPLAY, RECIPE))
if mode == RECIPE:
    recipe_ui("train_")
if mode != LIVE:
    st.stop()
holder = job_holder("train")
attach_from_link(holder)  # a reload or a second tab finds its run again
with settings_box("Settings: task, sizes, optimiser, text"):
    settings = settings_ui("train_")


def make_job():
    config, steps = settings
    return new_job({lane_name(config): config}, max_steps=steps or None)


if settings:
    with st.expander("What this cell costs per training step, measured here", icon=":material/speed:"):
        cost_ui({lane_name(settings[0]): settings[0].cell}, settings[0], "train")
controls_ui(holder, make_job if settings else None)
downloads_ui(holder)
live_ui(holder)
seq_len = TASKS[st.session_state["train_task"]].default_seq_len
write_link(training_fields("train_"), defaults={"seq_len": seq_len}, extra={"run": holder.run_id})
