"""Race: RNN, GRU and LSTM on identical data and seed, each with its own learning rate."""

import streamlit as st

from rnnviz.jobs import TrainingJob
from rnnviz.tasks import TASKS
from ui.training import controls_ui, job_holder, live_ui
from ui.training_settings import settings_ui
from ui.widgets import keep_across_pages, number_ui, remember

DEFAULT_LR = {"rnn": 1e-3, "gru": 1e-2, "lstm": 1e-2}  # a tanh RNN diverges or stalls at 1e-2 on adding

st.header("Race: RNN against GRU against LSTM")
st.caption(
    "The three cells train in turns, one step each, on the same batches from the same seed. Each has its "
    "own learning rate, because the plain RNN needs a smaller one to learn at all: a fair race exposes it."
)
settings = settings_ui("race_", race=True)
rate_keys = [f"race_lr_{cell}" for cell in DEFAULT_LR]
keep_across_pages(rate_keys)
rates = {
    cell: number_ui(
        f"{cell.upper()} learning rate", f"race_lr_{cell}", 1e-5, 10.0, DEFAULT_LR[cell], column, integer=False
    )
    for cell, column in zip(DEFAULT_LR, st.columns(3))
}
remember(rate_keys)
task = TASKS[st.session_state["race_task"]]
MEASURED = {
    "adding": " Measured on a 2-core machine with plain PyTorch: an LSTM (hidden 64, batch 64, Adam 1e-2, clip "
    "1) gets the adding problem at T = 50 below MSE 0.01 in about 550 steps; the tanh RNN stays on the 1/6 "
    "baseline at lr 1e-2 and needs lr 1e-3 and ~10,000 steps."
}
st.info(f"**Reference.** {task.reference}.{MEASURED.get(task.name, '')}", icon=":material/menu_book:")
holder = job_holder("race")


def make_job():
    config, steps = settings
    lanes = {cell.upper(): config.replace(cell=cell, lr=float(rates[cell])) for cell in DEFAULT_LR}
    return TrainingJob(lanes, max_steps=steps or None)


controls_ui(holder, make_job if settings and None not in rates.values() else None)
live_ui(holder, race=True)
