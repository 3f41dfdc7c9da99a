"""Which model to look inside, and which sequence to run through it."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
import torch

from rnnviz.analysis.inside import example_sequence
from rnnviz.files.demos import demo_names
from rnnviz.files.runs import MAX_FILE_BYTES, Run
from rnnviz.net.model import SeqModel, build_model, example_input
from rnnviz.net.seeding import seeded
from rnnviz.net.spec import CELL_NAMES, RNNSpec
from rnnviz.tasks import Task, input_labels
from ui.link import INSIDE_TEXT, UNTRAINED
from ui.plain import plain
from ui.replay import opened, opened_checkpoints, take_upload
from ui.run_controls import job_holder
from ui.spec_sidebar import current_spec, first_time_this_run, spec_sidebar
from ui.widgets import number_ui

INSPECTING_PAGES = ("inside", "trajectory", "generate", "compare")  # they show a chosen model's configuration


@dataclass
class Source:
    label: str
    task: Task | None
    model: SeqModel
    step: int

    @property
    def spec(self) -> RNNSpec:
        return self.model.spec

    def describe(self) -> str:
        """One line: what this model is, from its own spec (not the sidebar's)."""
        spec = self.spec
        parts = [
            CELL_NAMES[spec.cell],
            f"hidden {spec.hidden_size}",
            f"{spec.num_layers} layer{'s' if spec.num_layers > 1 else ''}",
            "bidirectional" if spec.bidirectional else "",
            spec.topology.replace("_", " "),
            f"{spec.vocab_size} tokens" if spec.vocab_size else f"{spec.input_size} input features",
            f"{spec.output_size} outputs",
        ]
        task = f"task {self.task.title!r}, trained {self.step:,} steps" if self.task is not None else "untrained"
        return " · ".join(p for p in parts if p) + f" — {task}"


def _trained_sources() -> dict[str, tuple]:
    """label → (job or recorded run, lane label): the live runs, then every run file opened."""
    found = {}
    for page, title in (("train", "Train page"), ("race", "Race")):
        job = job_holder(page).job
        if job is None:
            continue
        for label in job.lanes:
            found[f"{title}: {label}"] = (job, label)
    for name, run in opened().items():
        for label, lane in run.lanes.items():
            if lane.weights:
                found[f"Recorded {name}: {label}"] = (run, label)
    return found


def _take_file(key: str) -> None:
    """An uploaded run file or checkpoint joins the Model menu, chosen; a bad one is refused."""
    found = take_upload(f"{key}_file", f"{key}_file_note")
    if found is None:
        return
    kind, name = found
    first = name if kind == "checkpoint" else f"Recorded {name}: {next(iter(opened()[name].lanes))}"
    st.session_state[f"{key}_source"] = first


def _open_file_ui(key: str) -> None:
    with st.expander("Open a checkpoint or a run file", icon=":material/upload_file:"):
        st.file_uploader(
            "A checkpoint (.safetensors, from ⬇ weights on Train or Race, or `python -m rnnviz train --save`) "
            "or a run file (.rnnrun); it joins the Model menu",
            type=["safetensors", "rnnrun", "zip"],
            key=f"{key}_file",
            on_change=_take_file,
            args=(key,),
            max_upload_size=MAX_FILE_BYTES // 1_000_000,
        )
        st.caption("Bundled recorded runs are in the menu already: " + ", ".join(demo_names()) + ".")
        note = st.session_state.get(f"{key}_file_note")
        if note:
            st.error(plain(note))


def source_ui(key: str, allow_untrained: bool = True, compare: bool = True) -> Source | None:
    """Pick a model: a run from the Train or Race page (now, or its weights at step 0), or an
    untrained model of the sidebar's configuration."""
    _open_file_ui(key)
    trained = _trained_sources()
    checkpoints = opened_checkpoints()
    live = [label for label, (job, _) in trained.items() if not isinstance(job, Run)]
    recorded = [label for label in trained if label not in live]
    options = live + list(checkpoints) + ([UNTRAINED] if allow_untrained else []) + recorded
    if not options:
        st.info("Train a model on the **Train** page first (it can keep training while you look).")
        return None
    wanted = st.session_state.get(f"{key}_source")
    if wanted is not None and wanted not in options:
        st.session_state.pop(f"{key}_source")
        st.warning(
            f"The model “{plain(wanted)}” is not in the menu now (a live run is there only while it is kept), so "
            f"the page shows “{plain(options[0])}”.",
            icon=":material/info:",
        )
    choice = st.selectbox("Model", options, key=f"{key}_source")  # full width: long names must show
    right = st.container()  # the weights' step, under the model
    if choice in checkpoints:
        task, model, step = checkpoints[choice]
        source = Source(choice, task, model, step)
    elif choice == UNTRAINED:
        spec_sidebar()  # its configuration is the sidebar's: draw it (once per run)
        spec = current_spec().replace(batch_size=1, batch_first=True)  # one sequence, read batch first
        with seeded(0):
            source = Source(UNTRAINED, None, build_model(spec).eval(), 0)
    else:
        job, label = trained[choice]
        if isinstance(job, Run):  # a recorded run: any step whose weights it kept
            steps = [step for step, _ in job.lanes[label].weights]
            if st.session_state.get(f"{key}_at") not in steps:
                st.session_state[f"{key}_at"] = steps[0] if key == "compare_left" else steps[-1]
            at = right.select_slider("Weights at step", steps, key=f"{key}_at", format_func="{:,}".format)
            copied = job.model_copy(label, step=at)
        else:
            initial = compare and right.radio("Weights", ["now", "at step 0"], key=f"{key}_when", horizontal=True)
            copied = job.model_copy(label, initial=initial == "at step 0")
        if copied is None:
            st.info("That run is still starting; try again in a moment.")
            return None
        task, model, step = copied
        source = Source(choice, task, model, step)
        if first_time_this_run(f"described:{choice}"):
            with st.sidebar:  # the sidebar must not contradict the model on screen
                st.markdown(f"**Looking inside: {plain(choice)}**")
                st.caption(plain(source.describe()))
                st.caption(
                    "The configuration controls apply to the untrained model; pick it in the Model box to use them."
                )
    st.caption(f"**Model:** {plain(source.describe())}")
    return source


def input_ui(source: Source, key: str) -> tuple[torch.Tensor, list[str]] | None:
    """One sequence (batch of 1) for the source's model and a label per unrolled step."""
    spec, task = source.spec, source.task
    if task is not None and task.name == "char":
        st.session_state.setdefault(f"{key}_text", INSIDE_TEXT)
        text = st.text_input("Text to run through the model", key=f"{key}_text", max_chars=300)
        unknown = sorted({c for c in text if c not in task.vocabulary})
        if not text or unknown:
            st.error(
                f"Use only characters the model was trained on ({''.join(task.vocabulary)!r}); not known: {unknown}."
                if unknown
                else "Type at least one character."
            )
            return None
        x = torch.tensor([[task.vocabulary.index(c) for c in text]])
        return x, list(text)
    seed = number_ui(
        "Example (seed)", f"{key}_seed", 0, 10_000, 0, help="A different seed generates a different example sequence."
    )
    if seed is None:
        return None
    if task is not None:
        x = example_sequence(task, spec.seq_len, int(seed))
    else:
        x = example_input(spec, torch.Generator().manual_seed(int(seed)))  # every source's spec is batch first
    return x, input_labels(task, x[0], spec.steps)
