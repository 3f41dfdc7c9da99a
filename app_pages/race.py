"""Race: RNN, GRU and LSTM on identical data and seed, each with its own learning rate."""

import streamlit as st

from rnnviz.serving.process_jobs import new_job
from rnnviz.tasks import TASKS
from rnnviz.training.race import ENTRANT_NAMES, ENTRANTS, entrant_config
from ui.cost import cost_ui
from ui.link import write_link
from ui.present import settings_box
from ui.replay import REPLAY, replay_tab
from ui.run_controls import attach_from_link, controls_ui, job_holder
from ui.training import downloads_ui, live_ui
from ui.training_fields import RACE_CELLS, RACE_ORDER, training_fields
from ui.training_settings import number_field, settings_ui
from ui.widgets import keep_across_pages, remember

title, blurb = st.empty(), st.empty()  # named after the cells in the race, once they are chosen


def name_the_race(cells: list[str]) -> None:
    count = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}.get(len(cells), str(len(cells)))
    title.header("Race: " + " against ".join(ENTRANT_NAMES[c] for c in cells))
    blurb.caption(
        f"The {count} cells train in turns, one step each, on the same batches from the same seed. Each has its "
        "own learning rate, because the plain RNN needs a smaller one to learn at all: a fair race exposes it."
    )


name_the_race(list(RACE_CELLS))
if replay_tab("race_", prefer="adding_race_T50", race=True) == REPLAY:  # a recorded run, no training
    st.stop()
holder = job_holder("race")
attach_from_link(holder)  # a reload or a second tab finds its run again
with settings_box("Settings: task, sizes, optimiser, learning rates"):
    settings = settings_ui("race_", race=True)
    fields = training_fields("race_", race=True)
    keep_across_pages(["race_cells"])
    st.session_state.setdefault("race_cells", list(RACE_CELLS))
    cells = st.multiselect(
        "Cells in the race",
        RACE_ORDER,
        key="race_cells",
        format_func=ENTRANT_NAMES.get,
        help="The classic race is RNN, GRU and LSTM; add minGRU or minLSTM (Feng et al. 2024) to race them too, "
        "or the IRNN: a ReLU RNN whose W_hh starts as the identity (Le, Jaitly & Hinton 2015).",
    )
    name_the_race([c for c in RACE_ORDER if c in cells] or list(RACE_CELLS))
    rate_fields = [f for f in fields if f.name.startswith("lr_") and f.name[3:] in cells]
    keep_across_pages([f.key for f in rate_fields])
    rates = {
        f.name[3:]: number_field(f"{ENTRANT_NAMES[f.name[3:]]} learning rate", f, column)
        for f, column in zip(rate_fields, st.columns(max(len(rate_fields), 3)))
    }
    remember([f.key for f in rate_fields] + ["race_cells"])
task = TASKS[st.session_state["race_task"]]
MEASURED = {
    "adding": " Measured on a 2-core machine with plain PyTorch: an LSTM (hidden 64, batch 64, Adam 1e-2, clip "
    "1) gets the adding problem at T = 50 below MSE 0.01 in about 550 steps; the tanh RNN stays on the 1/6 "
    "baseline at lr 1e-2 and needs lr 1e-3 and ~10,000 steps."
}
MIN_REFERENCE = (
    " minGRU and minLSTM: Feng et al. 2024, Were RNNs all we needed?; with decay in [0, 1] a linear recurrence cannot "
    "flip sign, so running parity needs the decay in [−1, 1] (Grazzi et al. 2024, Unlocking state-tracking in "
    "linear RNNs through negative eigenvalues)."
)
IRNN_REFERENCE = (
    " IRNN: Le, Jaitly & Hinton 2015, A Simple Way to Initialize Recurrent Networks of Rectified Linear Units: ReLU "
    "units, W_hh the identity and zero biases, so the state is copied forward until learning changes it. Measured "
    "here with this library (hidden 64, batch 64, Adam 1e-3, clip 1, seed 0): it solves the adding problem at T = 100 "
    "(MSE ≤ 0.01) by step 700, where the tanh RNN at the same settings stays at the 1/6 baseline over 2,000 steps."
)
racing = st.session_state.get("race_cells", [])
extra = MIN_REFERENCE if any(c in racing for c in ("mingru", "minlstm")) else ""
extra += IRNN_REFERENCE if "irnn" in racing else ""
st.info(f"**Reference.** {task.reference}.{MEASURED.get(task.name, '')}{extra}", icon=":material/menu_book:")


def make_job():
    config, steps = settings
    lanes = {ENTRANT_NAMES[c]: entrant_config(config, c, float(rates[c])) for c in RACE_ORDER if c in rates}
    return new_job(lanes, max_steps=steps or None)


if not cells:
    st.error("Pick at least one cell to race.")
elif settings:
    with st.expander("What each cell costs per training step, measured here", icon=":material/speed:"):
        cost_ui({ENTRANT_NAMES[c]: ENTRANTS[c][1]["cell"] for c in cells}, settings[0], "race")
controls_ui(holder, make_job if settings and rates and None not in rates.values() else None)
downloads_ui(holder)
live_ui(holder, race=True)
seq_len = TASKS[st.session_state["race_task"]].default_seq_len
write_link(fields, defaults={"seq_len": seq_len}, extra={"run": holder.run_id})
