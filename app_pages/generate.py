"""Generate: sample text from a character model, step by step; forecast a wave free-running."""

import streamlit as st

from rnnviz.inside import rollout, rollout_errors
from rnnviz.plots.inside import NO_BAR, distribution_figure, rollout_figure
from rnnviz.sampling import sample
from rnnviz.tasks import sine_series
from ui.inside import source_ui
from ui.widgets import index_slider

st.header("Generate")
source = source_ui("generate", allow_untrained=False, compare=False)
if source is None:
    st.stop()
task = source.task
if task.name == "char":
    st.caption("The model reads the prime, then feeds each character it picks back in as the next input.")
    a, b, c, d = st.columns(4)
    prime = a.text_input("Prime", "good", key="generate_prime", max_chars=100)
    length = b.number_input("Characters to generate", 1, 500, 20, key="generate_length")
    mode = c.radio("Pick", ["greedy", "temperature", "top-k"], key="generate_mode", horizontal=True)
    temperature = d.slider("Temperature", 0.1, 2.0, 1.0, key="generate_temperature", disabled=mode == "greedy")
    k = d.number_input(
        "k", 1, len(task.vocabulary), min(3, len(task.vocabulary)), key="generate_k", disabled=mode != "top-k"
    )
    try:
        result = sample(
            source.model,
            task.vocabulary,
            prime,
            int(length),
            0.0 if mode == "greedy" else temperature,
            int(k) if mode == "top-k" else None,
            seed=0,
        )
    except ValueError as error:
        st.error(str(error))
        st.stop()
    st.code(result.text, language=None)
    step = index_slider("Generated step", len(result.generated), "generate_step")
    st.markdown(
        f"At step {step} the model had read `{result.text[: len(prime) + step]!r}` and picked "
        f"`{result.generated[step]!r}` (orange). Probabilities sum to "
        f"{result.distributions[step].sum():.6f}."
    )
    st.plotly_chart(
        distribution_figure(result.distributions[step], task.vocabulary, result.generated[step]),
        key="distribution",
        width="stretch",
        config=NO_BAR,
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
    st.plotly_chart(rollout_figure(result, window), key="rollout", width="stretch", config=NO_BAR)
    errors = rollout_errors(result)
    st.markdown(f"Mean absolute error: teacher-forced {errors['teacher']:.3f}, free-running {errors['free']:.3f}.")
else:
    st.info(
        "Generation needs a character model (task 'Next character') or the sine forecaster; this run is "
        f"'{task.title}'. Pick another run, or train one of those on the Train page."
    )
