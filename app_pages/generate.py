"""Generate: sample text from a character model, step by step; forecast a wave free-running."""

import streamlit as st

from rnnviz.analysis.inside import rollout, rollout_errors
from rnnviz.plots.inside import distribution_figure, rollout_figure
from rnnviz.tasks import sine_series
from rnnviz.training.sampling import sample
from ui.inside import source_ui
from ui.link import PAGE_LINKS, read_link_once, update_link
from ui.plain import plain
from ui.present import chart
from ui.spec_sidebar import SPEC_NAMES
from ui.widgets import index_slider, number_ui

read_link_once("generate", PAGE_LINKS["generate"], ignore=SPEC_NAMES)
st.header("Generate")
source = source_ui("generate", allow_untrained=False, compare=False)
if source is None:
    st.stop()
task = source.task
if task.name == "char":
    st.caption("The model reads the prime, then feeds each character it picks back in as the next input.")
    a, b, c, d, e = st.columns([3, 2, 3, 2, 2])
    for field in PAGE_LINKS["generate"]:  # defaults here, values from a link win (read above)
        st.session_state.setdefault(field.key, field.default)
    prime = a.text_input("Prime", key="generate_prime", max_chars=100)
    length = number_ui("Characters to generate", "generate_length", 1, 500, 20, b)
    mode = c.radio("Pick", ["greedy", "temperature", "top-k"], key="generate_mode", horizontal=True)
    temperature = d.slider("Temperature", 0.1, 2.0, key="generate_temperature", disabled=mode == "greedy")
    k = number_ui(
        "k (top-k)", "generate_k", 1, len(task.vocabulary), min(3, len(task.vocabulary)), d, disabled=mode != "top-k"
    )
    seed = number_ui(
        "Seed",
        "generate_seed",
        0,
        1_000_000,
        0,
        e,
        disabled=mode == "greedy",
        help="The random draws: the same seed gives the same text, another seed another text.",
    )
    if None in (length, k, seed):
        st.stop()
    try:
        result = sample(
            source.model,
            task.vocabulary,
            prime,
            length,
            0.0 if mode == "greedy" else temperature,
            k if mode == "top-k" else None,
            seed=seed,
        )
        greedy = sample(source.model, task.vocabulary, prime, length)
    except ValueError as error:
        st.error(plain(error))
        st.stop()
    update_link(PAGE_LINKS["generate"])
    st.code(result.text, language=None)
    if mode != "greedy":
        differ = [t for t, (a_, b_) in enumerate(zip(result.generated, greedy.generated)) if a_ != b_]
        st.caption(
            f"Greedy would write `{greedy.text!r}`. "
            + (
                f"This draw (seed {seed}) first differs at generated step {differ[0]} and at {len(differ)} of "
                f"{length} steps in all."
                if differ
                else f"This draw (seed {seed}) happens to equal it: the model is confident at every step. Raise the "
                "temperature or try another seed."
            )
        )
    step = index_slider("Generated step", len(result.generated), "generate_step")
    st.markdown(
        f"At step {step} the model had read `{result.text[: len(prime) + step]!r}` and picked "
        f"`{result.generated[step]!r}` (orange). Probabilities sum to "
        f"{result.distributions[step].sum():.6f}."
    )
    chart(
        figure=distribution_figure(result.distributions[step], task.vocabulary, result.generated[step]),
        key="distribution",
    )
elif task.name == "sine":
    st.caption(
        "Teacher-forced: every prediction reads the true past. Free-running: every prediction reads the "
        "model's own earlier predictions, so small errors feed on themselves."
    )
    horizon = st.slider("Steps to forecast", 5, 200, 60, key="generate_horizon")
    window = source.spec.seq_len
    series = sine_series(window + horizon, seed=7)
    result = rollout(source.model, series, window, horizon)
    chart(figure=rollout_figure(result, window), key="rollout")
    errors = rollout_errors(result)
    st.markdown(f"Mean absolute error: teacher-forced {errors['teacher']:.3f}, free-running {errors['free']:.3f}.")
else:
    st.info(
        "Generation needs a character model (task 'Next character') or the sine forecaster; this model is "
        f"'{plain(task.title)}'. The bundled character model is in the **Model** box above: **Recorded char_rnn: "
        "LSTM**. Or train one of those on the Train page."
    )
