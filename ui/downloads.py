"""Files out of the app, each made when its button is clicked: an animated figure as one HTML
file that plays offline, and a probe's recording as npz, Parquet or CSV."""

from __future__ import annotations

import io
from functools import partial

import streamlit as st

from rnnviz.analysis.recording import Recording, recording_table
from rnnviz.files.recording_file import recording_npz
from rnnviz.plots.html import standalone_html
from rnnviz.plots.style import projector
from ui.player import DEFAULT_SPEED
from ui.present import presenting


def _html(make_figure, frame_ms: int, present: bool, title: str) -> bytes:
    figure = make_figure(frame_ms)
    return standalone_html(projector(figure) if present else figure, title).encode()


def animation_download(make_figure, name: str, player_key: str, container=st) -> None:
    """A button that saves the animated figure `make_figure(frame_ms)` (built when clicked, with its
    own ▶ Play) as one HTML file that plays offline: at the pace of the page's player `player_key`,
    and in the projector's style in presentation mode."""
    frame_ms = round(1000 * float(st.session_state.get(f"{player_key}_speed", DEFAULT_SPEED)))
    container.download_button(
        "⬇ Animation (HTML, plays offline)",
        data=partial(_html, make_figure, frame_ms, presenting(), f"RNN Explorer: {name}"),
        file_name=f"{name}.html",
        mime="text/html",
        on_click="ignore",
        key=f"animation_{name}",
        help="One self-contained file with its own ▶ Play: open it in any browser, no server or network needed.",
    )


def _table(recording: Recording, kind: str) -> bytes:
    table = recording_table(recording)
    if kind == "csv":
        return table.to_csv(index=False).encode()
    buffer = io.BytesIO()
    table.to_parquet(buffer, index=False)
    return buffer.getvalue()


FORMATS = {
    "npz": ("every array, as NumPy's npz (np.load reads it; `meta` holds the settings as JSON)", "application/zip"),
    "parquet": (
        "states, gates and gradients as one long table (quantity, layer, direction, t, example, unit, value)",
        "application/vnd.apache.parquet",
    ),
    "csv": ("the same long table as CSV, for a spreadsheet", "text/csv"),
}


def recording_downloads(recording: Recording, name: str, container=st) -> None:
    """Three buttons: the recording as npz, Parquet and CSV."""
    for column, (kind, (what, mime)) in zip(container.columns(len(FORMATS)), FORMATS.items()):
        make = partial(recording_npz, recording) if kind == "npz" else partial(_table, recording, kind)
        column.download_button(
            f"⬇ Recording (.{kind})",
            data=make,
            file_name=f"{name}.{kind}",
            mime=mime,
            on_click="ignore",
            key=f"recording_{name}_{kind}",
            width="stretch",
            help=f"This recording: {what}.",
        )
