"""Page settings in the link: one codec for every page that is not the sidebar's spec (which has
its own, RNNSpec.to_params / from_params).

A page declares its settings as LinkFields (name in the URL, widget key, bounds, default). On a
session's first visit the link's values go into the widgets, and the ones that cannot be used
are named in a message; after the widgets are drawn the URL is rewritten from them, leaving out
defaults, so the address bar is always a link to what is on screen:

    /train?task=sine&cell=gru&hidden=24&lr=0.003&seed=7
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from urllib.parse import urlencode

import streamlit as st

from rnnviz.lessons.batching import EXAMPLE_SENTENCES, EXAMPLE_STREAM
from rnnviz.lessons.decoder import DECODER_TASKS
from rnnviz.net.initialisation import INITS
from ui.plain import plain

UNTRAINED = "Untrained model of the sidebar configuration"  # the Model menus' untrained choice
INSIDE_TEXT = "hey how are you good i am fine"  # what Inside runs through a character model first
VANISHING_SCALES = (0.5, 0.75, 1.0, 1.25, 1.5)  # the Vanishing page's choices for scaling W_hh
OWN_LINK_PAGES = ("train", "race", "decoder")  # pages whose settings are the whole link: no spec is read from it
ALWAYS_KEPT = frozenset({"present", "hide"})  # app-wide flags that every page's URL rewrite leaves in place
INTEGER = re.compile(r"-?[0-9]{1,12}")
DECIMAL = re.compile(r"-?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]{1,3})?")


@dataclass(frozen=True)
class LinkField:
    name: str  # in the URL
    key: str  # the widget's session-state key
    kind: str  # "int", "float", "bool" (1 or 0), "choice", "choices" (several, comma-separated) or "text" (high:
    # most characters)
    default: object
    low: float = 0
    high: float = 0
    choices: tuple = ()

    def parse(self, text: str):
        """The link's text → a value, or ValueError with a sentence. Plain ASCII forms only."""
        if self.kind == "text":
            if len(text) > self.high or any(ord(c) < 32 and c not in "\n\t" for c in text):
                raise ValueError(f"{self.name} must be plain text of at most {self.high:g} characters.")
            return text
        if self.kind == "bool":
            if text not in ("0", "1"):
                raise ValueError(f"{self.name} must be 1 (on) or 0 (off), not {text!r}.")
            return text == "1"
        if self.kind == "choices":
            picked = [part for part in text.split(",") if part]
            wrong = [part for part in picked if part not in self.choices]
            if wrong or not picked or len(set(picked)) != len(picked):
                raise ValueError(
                    f"{self.name} must be some of {', '.join(self.choices)} (comma-separated), not {text!r}."
                )
            return picked
        if self.kind == "choice":
            by_text = {self.format(choice): choice for choice in self.choices}  # numbers as the link writes them
            if text not in by_text:
                raise ValueError(f"{self.name} must be one of {', '.join(by_text)}, not {text!r}.")
            return by_text[text]
        pattern = INTEGER if self.kind == "int" else DECIMAL
        if not pattern.fullmatch(text):
            raise ValueError(f"{self.name} must be a {'whole ' if self.kind == 'int' else ''}number, not {text!r}.")
        value = int(text) if self.kind == "int" else float(text)
        if not (math.isfinite(value) and self.low <= value <= self.high):
            raise ValueError(f"{self.name} must be between {self.low:g} and {self.high:g}; it is {text}.")
        return value

    def format(self, value) -> str:
        if self.kind == "bool":
            return "1" if value else "0"
        if self.kind == "choices":
            return ",".join(value)
        return f"{value:g}" if self.kind == "float" or isinstance(value, float) else str(value)


def read_link_once(page: str, fields: list[LinkField], ignore: set[str] | frozenset = frozenset()) -> None:
    """On this session's first visit to `page`, put the link's values into the widgets (call
    before drawing them) and say which could not be used. `ignore`: names another codec reads
    (the sidebar's spec)."""
    marker = f"_link_read_{page}"
    if st.session_state.get(marker):
        return
    st.session_state[marker] = True
    by_name = {f.name: f for f in fields}
    problems = []
    for name in st.query_params:
        if name in ignore or name in ALWAYS_KEPT:
            continue
        values = st.query_params.get_all(name)
        field = by_name.get(name)
        if field is None:
            problems.append(f"Unknown setting {name!r} was ignored; this page reads {', '.join(by_name)}.")
            continue
        if len(values) > 1:
            problems.append(
                f"{name} appears {len(values)} times in the link; the last value, {values[-1]!r}, was used."
            )
        try:
            st.session_state[field.key] = field.parse(values[-1])
        except ValueError as error:
            problems.append(f"{error} It fell back to {field.format(field.default)}.")
    if problems:
        st.warning("Some settings in the link were not used:\n\n" + "\n".join(f"- {plain(p)}" for p in problems))


def write_link(fields: list[LinkField], defaults: dict[str, object] | None = None, extra: dict | None = None) -> None:
    """Rewrite the URL from the widgets (after drawing them), leaving out default values.
    `defaults` overrides a field's default where it depends on another setting; `extra` adds
    names that are not widgets (a run's id)."""
    params = {k: str(v) for k, v in (extra or {}).items() if v is not None}
    for field in fields:
        value = st.session_state.get(field.key)
        default = (defaults or {}).get(field.name, field.default)
        if value is None or value == default:
            continue
        try:
            field.parse(field.format(value))  # only values a link can carry back
        except ValueError:
            continue
        params[field.name] = field.format(value)
    params.update({name: st.query_params[name] for name in ALWAYS_KEPT if name in st.query_params})
    if dict(st.query_params) != params:
        st.query_params.from_dict(params)


# The settings of pages that also show the sidebar's spec: the spec's codec leaves these names alone.
PAGE_LINKS: dict[str, list[LinkField]] = {
    "bptt": [
        LinkField("k", "tbptt_k", "int", 0, 0, 200),
        LinkField("max_norm", "clip_max_norm", "float", 1.0, 0.01, 1000.0),
        LinkField("step", "bptt_step", "int", 10**6, 0, 10**6),  # clamped to the frames there are
        LinkField("example", "bptt_example", "int", 0, 0, 3),
        LinkField("speed", "bptt_speed", "float", 0.6, 0.2, 2.0),  # seconds per step
    ],
    "inside": [
        LinkField("model", "inside_source", "text", UNTRAINED, 0, 120),  # a Model menu label (ui/inside.py)
        LinkField("at", "inside_at", "int", 0, 0, 10**9),  # a recorded run's weights step; absent: its last
        LinkField("seed", "inside_seed", "int", 0, 0, 10_000),
        LinkField("text", "inside_text", "text", INSIDE_TEXT, 0, 300),  # what a character model reads
        LinkField("unit", "inside_unit", "int", 0, 0, 4095),
        LinkField("show", "inside_map", "choice", "h", choices=tuple("hcifgorzn")),
        LinkField("step", "inside_vector_step", "int", 0, 0, 10**6),
        LinkField("speed", "inside_vector_speed", "float", 0.6, 0.2, 2.0),
    ],
    "generate": [
        LinkField("model", "generate_source", "text", "", 0, 120),
        LinkField("at", "generate_at", "int", 0, 0, 10**9),
        LinkField("prime", "generate_prime", "text", "good", 0, 100),
        LinkField("mode", "generate_mode", "choice", "greedy", choices=("greedy", "temperature", "top-k")),
        LinkField("temperature", "generate_temperature", "float", 1.0, 0.1, 2.0),
        LinkField("seed", "generate_seed", "int", 0, 0, 1_000_000),
    ],
    "lecture": [
        LinkField("step", "lecture_step", "int", 1, 1, 100),
        LinkField("class", "lecture_class", "text", "", 0, 5),  # a class's code (rnnviz.serving.classroom)
    ],
    "scan": [
        LinkField("T", "scan_steps", "int", 16, 2, 32),
        LinkField("kind", "scan_kind", "choice", "mingru", choices=("mingru", "minlstm")),
        LinkField("seed", "scan_seed", "int", 0, 0, 10_000),
        LinkField("step", "scan_step", "int", 0, 0, 100),
        LinkField("speed", "scan_speed", "float", 0.6, 0.2, 2.0),
    ],
    "topologies": [LinkField("shapes", "show_edge_shapes", "bool", False)],
    "batches": [
        LinkField("sentences", "sentences", "text", EXAMPLE_SENTENCES, 0, 2000),
        LinkField("sentence", "sentence_index", "int", 0, 0, 1000),
        LinkField("stream", "stream_text", "text", EXAMPLE_STREAM, 0, 2000),  # a longer stream stays unlinked
        LinkField("unit", "stream_unit", "choice", "word", choices=("word", "char")),
        LinkField("rows", "stream_batch_size", "int", 3, 1, 64),  # not batch_size: the sidebar spec's name
        LinkField("width", "stream_num_steps", "int", 4, 1, 100),
        LinkField("window", "stream_window", "int", 0, 0, 100_000),
    ],
    "packing": [
        LinkField("columns", "packing_steps", "int", 12, 10, 16),
        LinkField("seed", "packing_seed", "int", 0, 0, 10_000),
        LinkField("T", "packing_train_steps", "int", 64, 12, 64),
    ],
    "scratch": [
        LinkField("t", "scratch_step", "int", 3, 0, 100),
        LinkField("j", "scratch_unit", "int", 0, 0, 100),
    ],
    "vanishing": [
        LinkField("init", "grad_init", "choice", "default", choices=tuple(INITS)),
        LinkField("scale", "grad_scale", "choice", 1.0, choices=VANISHING_SCALES),
        LinkField("forget_bias", "grad_forget_bias", "choice", 1.0, choices=(0.0, 1.0)),
        LinkField("T", "grad_seq_len", "int", 60, 10, 300),
    ],
    "compare": [
        LinkField("left", "compare_left_source", "text", "", 0, 120),
        LinkField("right", "compare_right_source", "text", "", 0, 120),
        LinkField("left_at", "compare_left_at", "int", 0, 0, 10**9),
        LinkField("right_at", "compare_right_at", "int", 0, 0, 10**9),
        LinkField("left_when", "compare_left_when", "choice", "at step 0", choices=("now", "at step 0")),
        LinkField("right_when", "compare_right_when", "choice", "now", choices=("now", "at step 0")),
        LinkField("seed", "compare_seed", "int", 0, 0, 10_000),
    ],
    "decoder": [
        LinkField("task", "decoder_task", "choice", "reverse", choices=tuple(DECODER_TASKS)),
        LinkField("attention", "decoder_attention", "choice", "none", choices=("none", "dot", "general")),
        LinkField("input", "decoder_feedback", "choice", "previous", choices=("previous", "empty")),
        LinkField("forcing", "decoder_forcing", "choice", 1.0, choices=(0.0, 0.25, 0.5, 0.75, 1.0)),
        LinkField("steps", "decoder_updates", "int", 600, 100, 3000),
        LinkField("seed", "decoder_seed", "int", 0, 0, 10_000),
        LinkField("at", "decoder_at", "int", 10**9, 0, 10**9),  # a kept weights step; absent: the last
        LinkField("example", "decoder_example", "int", 0, 0, 999),
    ],
    "trajectory": [
        LinkField("run", "trajectory_run", "text", "", 0, 120),
        LinkField("model", "trajectory_source", "text", "", 0, 120),
        LinkField("at", "trajectory_at", "int", 0, 0, 10**9),
        LinkField("seed", "trajectory_seed", "int", 0, 0, 10_000),
        LinkField("step", "trajectory_path_step", "int", 0, 0, 10**6),
        LinkField("speed", "trajectory_path_speed", "float", 0.6, 0.2, 2.0),
    ],
}


def update_link(fields: list[LinkField]) -> None:
    """Set this page's own names in the URL from the widgets (defaults left out), leaving every
    other name alone (the sidebar's spec writes those)."""
    for field in fields:
        value = st.session_state.get(field.key)
        text = None if value is None or value == field.default else field.format(value)
        if text is not None:
            try:
                field.parse(text)
            except ValueError:
                text = None
        if text is None:
            if field.name in st.query_params:
                del st.query_params[field.name]
        elif st.query_params.get(field.name) != text:
            st.query_params[field.name] = text


def hidden(name: str) -> bool:
    """Is the control named `name` hidden by the link (`?hide=lr,optimizer`, Playground-style)?"""
    if "_hidden" not in st.session_state:
        st.session_state["_hidden"] = {n.strip() for n in st.query_params.get("hide", "").split(",") if n.strip()}
    return name in st.session_state["_hidden"]


def page_link_names(page: str) -> set[str]:
    return {f.name for f in PAGE_LINKS.get(page, [])}


def share_link() -> None:
    """The address of exactly this view, in a box with a copy button (every page, in the sidebar)."""
    base = str(st.context.url or "").split("?")[0]
    query = urlencode({name: st.query_params[name] for name in st.query_params})
    with st.sidebar.expander("Share this view", icon=":material/link:"):
        st.code(base + ("?" + query if query else ""), language=None, wrap_lines=True)
        st.caption(
            "The link holds every setting of this page. Add `present=1` for a projector, "
            "`hide=lr,optimizer` to hide controls."
        )
