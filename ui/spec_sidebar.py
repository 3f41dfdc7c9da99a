"""The sidebar that builds the current RNNSpec, mirrored in the URL query string both ways.

Widget keys equal RNNSpec field names. Opening a link restores every widget; a bad value in
the link falls back to that field's default with a message. A combination that cannot be built
keeps the last good spec and says why in the sidebar, so nothing already on screen is lost.
"""

from __future__ import annotations

from dataclasses import fields

import streamlit as st

from rnnviz.lessons.presets import PRESETS
from rnnviz.net.device import pick_device
from rnnviz.net.spec import (
    ATTENTIONS,
    CELL_NAMES,
    CELLS,
    DECAYS,
    DECODER_INPUTS,
    DECODER_TOPOLOGIES,
    INT_BOUNDS,
    MIN_CELLS,
    NONLINEARITIES,
    TOPOLOGIES,
    RNNSpec,
    SpecError,
)
from ui.link import ALWAYS_KEPT
from ui.plain import plain
from ui.widgets import number_ui

FIELDS = [f.name for f in fields(RNNSpec)]
SPEC_NAMES = frozenset(FIELDS)
SPEC_KEY = "spec"  # the last valid RNNSpec
PROBLEMS_KEY = "url_problems"
NO_PRESET = "(your own)"
TOPOLOGY_LABELS = {
    "one_to_one": "one to one",
    "one_to_many": "one to many",
    "many_to_one": "many to one",
    "many_to_many": "many to many (seq2seq)",  # short enough for the sidebar's menu at 1280 px
    "synced": "many to many (synced)",
}
SINGLE_INPUT = ("one_to_one", "one_to_many")
ATTENTION_LABELS = {"none": "none", "dot": "dot: h_t·e_s", "general": "general: h_t·W_a e_s"}
DECODER_INPUT_LABELS = {"empty": "zeros (empty)", "token": "previous output token", "value": "previous output value"}


def set_spec_widgets(spec: RNNSpec) -> None:
    """Put a spec's values into the widgets' state (call before the widgets are drawn, or from
    a callback)."""
    for name in FIELDS:
        st.session_state[name] = getattr(spec, name)


def load_link_once(ignore: set[str] | frozenset = frozenset()) -> None:
    if SPEC_KEY in st.session_state:
        # Streamlit forgets a widget's value on a page that does not draw it: put it back
        for name in FIELDS:
            if name not in st.session_state:
                st.session_state[name] = getattr(st.session_state[SPEC_KEY], name)
        return
    ignore = set(ignore) | ALWAYS_KEPT
    spec, problems = RNNSpec.from_params_lenient({k: v for k, v in st.query_params.items() if k not in ignore})
    set_spec_widgets(spec)
    st.session_state[SPEC_KEY] = spec
    st.session_state[PROBLEMS_KEY] = [str(p) for p in problems]
    st.session_state.setdefault("preset", NO_PRESET)


def _apply_preset() -> None:
    name = st.session_state["preset"]
    if name in PRESETS:
        set_spec_widgets(PRESETS[name][0])


def _reset() -> None:
    set_spec_widgets(RNNSpec())
    st.session_state["preset"] = NO_PRESET


def pick_topology(topology: str) -> None:
    """Select a topology from elsewhere (the overview strip), switching off what it forbids."""
    st.session_state["topology"] = topology
    if topology in SINGLE_INPUT:
        st.session_state["bidirectional"] = False


def _number(label: str, name: str, help: str, disabled: bool = False, problem: SpecError | None = None) -> bool:
    """A spec field's box; False (with the reason under the box) when its value is out of range
    or is the one the spec's check blames (too much memory, too many weights)."""
    low, high = INT_BOUNDS[name]
    if number_ui(label, name, low, high, getattr(RNNSpec(), name), help=help, disabled=disabled) is None:
        return False
    if problem is not None and problem.field == name:
        st.error(problem.message, icon=":material/error:")
        return False
    return True


def _feedback_possible() -> bool:
    return st.session_state.get("topology") in DECODER_TOPOLOGIES and not st.session_state.get("bidirectional")


def _values() -> dict:
    """The widgets' values as spec fields; the decoder input counts only where it can apply (its
    radio is greyed out elsewhere), so switching topology never makes the spec invalid."""
    values = {name: st.session_state.get(name) for name in FIELDS}
    if not _feedback_possible():
        values["decoder_input"] = "empty"
    if values["topology"] != "many_to_many":
        values["attention"] = "none"
    return values


def _problem() -> SpecError | None:
    """What is wrong with the values in the widgets (all in range), before they are drawn."""
    values = _values()
    for name, (low, high) in INT_BOUNDS.items():
        if not isinstance(values[name], int) or not low <= values[name] <= high:
            return None  # its box says so
    try:
        RNNSpec(**values).validate()
    except SpecError as error:
        return error
    return None


RUN_KEY, DRAWN_KEY = "_run", "_drawn_in_run"


def new_run() -> None:
    """Mark the start of a script run (app.py), so the sidebar is drawn at most once per run."""
    st.session_state[RUN_KEY] = object()


def first_time_this_run(what: str) -> bool:
    """True the first time `what` is asked about in this script run, False after."""
    run = st.session_state.get(RUN_KEY)
    seen = st.session_state.get(DRAWN_KEY)
    if not isinstance(seen, tuple) or seen[0] is not run:
        seen = (run, set())
        st.session_state[DRAWN_KEY] = seen
    if what in seen[1]:
        return False
    seen[1].add(what)
    return True


def spec_sidebar(keep: set[str] | frozenset = frozenset()) -> RNNSpec:
    """Draw the spec widgets in the sidebar (once per run); return the current valid spec. The
    URL is rewritten from the spec; `keep` names the page's own settings, which stay in it."""
    if not first_time_this_run("spec sidebar"):
        return current_spec()
    load_link_once()
    # Streamlit gives a widget a new identity on each page that draws it; a value written through
    # session state is the one a new identity takes, so write each value back before drawing.
    for name in [*FIELDS, "preset"]:
        if name in st.session_state:
            st.session_state[name] = st.session_state[name]
    with st.sidebar:
        st.selectbox(
            "Preset",
            [NO_PRESET, *PRESETS],
            key="preset",
            on_change=_apply_preset,
            help="Configurations of well-known examples; pick one to load all its values.",
        )
        if st.session_state["preset"] in PRESETS:
            st.caption(PRESETS[st.session_state["preset"]][1])
        st.button("Reset to defaults", on_click=_reset, width="stretch")
        ok = True  # every number in range
        problem = _problem()

        def number(*args, **kwargs) -> bool:
            return _number(*args, problem=problem, **kwargs)

        st.subheader("Network")
        st.radio(
            "Cell",
            CELLS,
            key="cell",
            horizontal=True,
            format_func=CELL_NAMES.get,
            help="RNN: one tanh layer. LSTM: input, forget, output gates and a cell state. GRU: reset and "
            "update gates. minGRU, minLSTM (Feng et al. 2024): gates that read x_t only, so the recurrence is "
            "linear and can run as a parallel scan (see the Scan page).",
        )
        st.radio(
            "Nonlinearity (RNN only)",
            NONLINEARITIES,
            key="nonlinearity",
            horizontal=True,
            disabled=st.session_state["cell"] != "rnn",
        )
        st.radio(
            "Decay (minGRU, minLSTM)",
            DECAYS,
            key="decay",
            horizontal=True,
            format_func={"positive": "0 to 1", "signed": "−1 to 1"}.get,
            disabled=st.session_state["cell"] not in MIN_CELLS,
            help="−1 to 1 lets the state flip sign each step (Grazzi et al. 2024): running parity needs it.",
        )
        st.selectbox(
            "Topology",
            TOPOLOGIES,
            key="topology",
            format_func=TOPOLOGY_LABELS.get,
            help="Which steps read an input and which produce an output (Karpathy's five pictures). seq2seq: an "
            "encoder reads the whole input, then a decoder writes the output (Sutskever et al. 2014); synced: an "
            "output at every input step.",
        )
        st.radio(
            "Decoder input",
            DECODER_INPUTS,
            key="decoder_input",
            horizontal=True,
            format_func=DECODER_INPUT_LABELS.get,
            disabled=not _feedback_possible(),
            help="What each writing step of one to many / encoder-decoder reads: zeros (the seed blog's 'feed "
            "empty inputs'), or its own previous output fed back (the argmax token, or the value), like a real "
            "decoder. Not with bidirectional: the backward direction would read outputs not written yet.",
        )
        st.selectbox(
            "Attention",
            ATTENTIONS,
            key="attention",
            format_func=ATTENTION_LABELS.get,
            disabled=st.session_state["topology"] != "many_to_many",
            help="Encoder-decoder only (Luong et al. 2015): each writing step scores every reading step's state "
            "(h_t·e_s, or h_t·W_a e_s), and the head reads the weighted sum of those states beside h_t.",
        )
        ok &= number("Hidden size", "hidden_size", "Units in each hidden state h_t.")
        ok &= number("Layers", "num_layers", "Recurrent layers stacked on top of each other.")
        st.toggle(
            "Bidirectional",
            key="bidirectional",
            disabled=st.session_state["topology"] in SINGLE_INPUT,
            help="A second direction reads the sequence from the end. Not for topologies that read a single input.",
        )
        st.subheader("Data")
        ok &= number("Batch size", "batch_size", "Sequences processed side by side.")
        ok &= number(
            "Input steps (seq_len)",
            "seq_len",
            "Time steps of the input sequence.",
            disabled=st.session_state["topology"] in SINGLE_INPUT,
        )
        ok &= number(
            "Output steps (out_len)",
            "out_len",
            "Time steps the network writes after reading.",
            disabled=st.session_state["topology"] not in ("one_to_many", "many_to_many"),
        )
        ok &= number("Input features", "input_size", "Numbers per input step (the embedding size for tokens).")
        ok &= number(
            "Vocabulary (0 = real numbers)",
            "vocab_size",
            "Above 0, inputs are token ids looked up in an embedding table, as in the Keras IMDB example.",
        )
        ok &= number("Output features", "output_size", "Numbers (or classes) the head writes per output step.")
        st.toggle(
            "Batch first",
            key="batch_first",
            help="(batch, time, features) instead of (time, batch, features), PyTorch's default.",
        )
        if ok:
            spec = _current_spec()
        else:
            spec = _last_good("Fix the value marked above.")
        st.caption(f"Device: **{pick_device().type}** · {spec.parameter_count:,} weights")
    keep = set(keep) | ALWAYS_KEPT
    kept = {name: st.query_params.get_all(name)[-1] for name in st.query_params if name in keep}
    st.query_params.from_dict({**spec.to_params(only_changed=True), **kept})
    return spec


def _current_spec() -> RNNSpec:
    try:
        spec = RNNSpec(**_values()).validate()
    except SpecError as error:
        return _last_good(str(error))
    st.session_state[SPEC_KEY] = spec
    return spec


def _last_good(why: str) -> RNNSpec:
    st.error(f"{plain(why)} The pages still show the last configuration that worked.", icon=":material/error:")
    return st.session_state[SPEC_KEY]


def show_url_problems() -> None:
    """Say once, at the top of the page, which values of the opened link were not used."""
    problems = st.session_state.pop(PROBLEMS_KEY, []) + _repeated_keys()
    if problems:
        st.warning(
            "Some settings in the link were not used and fell back to defaults:\n\n"
            + "\n".join(f"- {plain(p)}" for p in problems)
        )


def current_spec() -> RNNSpec:
    return st.session_state.get(SPEC_KEY, RNNSpec())


def _repeated_keys() -> list[str]:
    """A key given twice in a link (`?hidden_size=8&hidden_size=9`): the last one counts; say so."""
    said = []
    for key in st.query_params:
        if key not in SPEC_NAMES:
            continue  # a page's own setting: its codec reports it
        values = st.query_params.get_all(key)
        if len(values) > 1:
            said.append(f"{key} appears {len(values)} times in the link; the last value, {values[-1]!r}, was used.")
    return said
