"""Recorded runs in the pages: the bundled demos (demo_runs/) and uploaded run files or
checkpoints, replayed with the same panel as a live run, scrubbed step by step; nothing trains.

Opened files are this session's (ui/kept.py, accounted server-wide), so Inside, Trajectory,
Compare and Generate can pick their models too.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import streamlit as st

from rnnviz.files.demos import demo, demo_names
from rnnviz.files.export import CheckpointError, load_checkpoint
from rnnviz.files.runs import MAX_FILE_BYTES, Run, RunFileError, load_run
from rnnviz.tasks import TASKS, char_task
from ui.kept import HoldingsError, keep, kept
from ui.link import LinkField, read_link_once, write_link
from ui.plain import plain
from ui.player import player
from ui.present import settings_box

UPLOAD = "Upload a run file…"
LIVE, REPLAY, RECIPE = "Train it live", "Replay a recorded run", "Reproduce a tutorial"
MODES = (LIVE, REPLAY)
REPLAY_NAMES = frozenset({"replay", "step", "speed"})  # the link's names for a replay


def opened() -> dict[str, Run]:
    """Every run this session may replay, by name: the bundled demos, then the ones it opened."""
    return {**{name: demo(name) for name in demo_names()}, **kept("run")}


def opened_checkpoints() -> dict[str, tuple]:
    """Every checkpoint this session opened: label → (task, model, step)."""
    return kept("checkpoint")


def _fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:8]


def open_upload(upload) -> tuple[str, str]:
    """Open an uploaded run file or checkpoint into this session. → (kind, name) where kind is
    "run" or "checkpoint"; a file that cannot be used raises RunFileError or CheckpointError."""
    data = upload.getvalue()
    if upload.name.lower().endswith(".safetensors") or data[8:9] == b"{":  # safetensors: a length, then JSON
        model, metadata = load_checkpoint(data)
        label = f"Checkpoint {upload.name[:60]} ({_fingerprint(data)})"
        _keep("checkpoint", label, (_checkpoint_task(model, metadata), model.eval(), int(metadata.get("step", 0))))
        return "checkpoint", label
    run = load_run(data)
    name = f"{Path(upload.name).stem[:60]} ({_fingerprint(data)})"
    _keep("run", name, run)
    return "run", name


def _keep(kind: str, name: str, value) -> None:
    try:
        keep(kind, name, value)
    except HoldingsError as error:
        raise RunFileError(str(error)) from None


def _checkpoint_task(model, metadata: dict):
    """The checkpoint's task when it names one its model fits, else None (an unnamed model)."""
    name = metadata.get("task")
    vocabulary = metadata.get("vocabulary") or []
    if name == "char" and vocabulary:
        task = char_task("".join(vocabulary))
    else:
        task = TASKS.get(name) if isinstance(name, str) else None
    if task is None:
        return None
    fits = task.spec(model.spec.cell, model.spec.hidden_size, model.spec.num_layers, seq_len=model.spec.seq_len)
    same = ("topology", "input_size", "output_size", "vocab_size")
    return task if all(getattr(fits, f) == getattr(model.spec, f) for f in same) else None


def replay_fields(prefix: str) -> list[LinkField]:
    """The link's names for a replay: the bundled run, and its player's frame and pace."""
    return [
        LinkField("replay", f"{prefix}replay", "choice", "", choices=tuple(demo_names())),
        LinkField("step", f"{prefix}replay_player_step", "int", 0, 0, 10**7),  # a frame: clamped to the run's
        LinkField("speed", f"{prefix}replay_player_speed", "float", 0.6, 0.2, 2.0),
    ]


def read_replay_link(prefix: str) -> None:
    """`?replay=<demo>` opens that bundled run in replay mode (`step` and `speed` for its player)."""
    fields = replay_fields(prefix)
    others = {name for name in st.query_params if name not in REPLAY_NAMES}
    first = not st.session_state.get(f"_link_read_{prefix}replay")
    read_link_once(f"{prefix}replay", fields, ignore=others)
    if first and st.session_state.get(f"{prefix}replay"):
        st.session_state[f"{prefix}mode"] = REPLAY


def mode_ui(prefix: str, modes: tuple[str, ...] = MODES) -> str:
    """Train live, replay (or reproduce a tutorial): the chosen one."""
    if st.session_state.get(f"{prefix}mode") not in modes:
        st.session_state[f"{prefix}mode"] = LIVE
    return st.segmented_control(
        "Run",
        modes,
        key=f"{prefix}mode",
        required=True,
        label_visibility="collapsed",
        help="A recorded run plays back instantly, with no training: for a slow machine or a lecture.",
    )


def take_upload(upload_key: str, note_key: str) -> tuple[str, str] | None:
    """Open the file in the uploader `upload_key` (see open_upload); a file that cannot be used
    leaves a sentence in `note_key` and changes nothing else."""
    upload = st.session_state.get(upload_key)
    if upload is None:
        return None
    try:
        opened_file = open_upload(upload)
    except (RunFileError, CheckpointError) as error:
        st.session_state[note_key] = f"{upload.name!r} was not opened: {error}"
        return None
    st.session_state[note_key] = ""
    return opened_file


def _take_upload(prefix: str) -> None:
    found = take_upload(f"{prefix}replay_upload", f"{prefix}replay_note")
    if found is None:
        return
    kind, name = found
    if kind == "checkpoint":
        st.session_state[f"{prefix}replay_note"] = (
            "That file is a checkpoint (weights, no history): open it on Inside, Generate or Compare."
        )
        return
    st.session_state[f"{prefix}replay_choice"] = name


def pick_run_ui(prefix: str, prefer: str = "") -> tuple[str, Run] | None:
    """Choose a bundled demo, a run opened earlier, or upload one. → (name, run) or None.
    `prefer`: the demo chosen at first."""
    runs = opened()
    names = list(runs)
    wanted = st.session_state.pop(f"{prefix}replay", None)  # from a link
    if wanted in names:
        st.session_state[f"{prefix}replay_choice"] = wanted
    if st.session_state.get(f"{prefix}replay_choice") not in names + [UPLOAD]:
        st.session_state[f"{prefix}replay_choice"] = prefer if prefer in names else (names or [UPLOAD])[0]
    left, right = st.columns([3, 2])
    choice = left.selectbox(
        "Recorded run",
        names + [UPLOAD],
        key=f"{prefix}replay_choice",
        format_func=lambda n: n if n == UPLOAD else f"{n} — {runs[n].title or 'uploaded'}",
    )
    right.file_uploader(
        "Open a run file (.rnnrun: from ⬇ Run file on this page, or `python -m rnnviz train --run`)",
        type=["rnnrun", "zip"],
        max_upload_size=MAX_FILE_BYTES // 1_000_000,
        key=f"{prefix}replay_upload",
        on_change=_take_upload,
        args=(prefix,),
    )
    note = st.session_state.get(f"{prefix}replay_note")
    if note:
        right.error(plain(note))
    return None if choice == UPLOAD else (choice, runs[choice])


def replay_tab(prefix: str, prefer: str, race: bool, modes: tuple[str, ...] = MODES) -> str:
    """The Train or Race page's choice between training live and replaying a recorded run (and
    more `modes`); draws the replay when it is chosen. → the chosen mode."""
    from ui.training import run_panel

    read_replay_link(prefix)
    mode = mode_ui(prefix, modes)
    if mode != REPLAY:
        return mode
    with settings_box("Recorded run: choose one, or upload a run file"):
        picked = pick_run_ui(prefix, prefer)
    if picked:
        replay_ui(prefix, *picked, panel=run_panel, race=race)
    return mode


def replay_ui(prefix: str, name: str, run: Run, panel, race: bool) -> None:
    """The run's panel at one recorded step, with ◀ Play ▶ and a scrubber; `panel(snapshot, race)`
    draws what a live run draws."""
    frames = run.frames()
    what = run.title or f"{name}: {', '.join(run.lanes)}, {run.last_step:,} steps"  # a title already says it
    st.caption(
        f"**Recorded run** {plain(what.rstrip('.'))}. Nothing trains: ▶ Play replays it one recorded step at a time, "
        "the slider scrubs."
    )

    def draw(k: int) -> None:
        panel(run.snapshot(until=frames[k]), race)

    key = f"{prefix}replay_player"
    player(key, [f"training step {s:,}" for s in frames], draw, scrub=True)
    demo_link = name if name in demo_names() else None
    step, speed = st.query_params.get("step"), st.query_params.get("speed")
    write_link([], extra={"replay": demo_link, "step": step, "speed": speed})
