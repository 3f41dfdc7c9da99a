"""The Train page's "Reproduce a tutorial" tab: pick a recipe (rnnviz.lessons.recipes), see its source
and tensors, run it in the background, and read its live points beside the source's printed ones
and the spread that seeding produces."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from rnnviz.lessons.recipes import RECIPES, seed_spread
from rnnviz.lessons.recipes.job import RecipeJob
from rnnviz.lessons.recipes.keras_imdb import parameter_counts
from rnnviz.plots.recipe import recipe_figure
from ui.link import LinkField, read_link_once, write_link
from ui.present import chart, steady_charts
from ui.replay import RECIPE
from ui.widgets import number_ui

RECIPE_NAMES = frozenset({"recipe", "recipe_seed"})


def _fields(prefix: str) -> list[LinkField]:
    return [
        LinkField("recipe", f"{prefix}recipe", "choice", "char_rnn", choices=tuple(RECIPES)),
        LinkField("recipe_seed", f"{prefix}recipe_seed", "int", 0, 0, 999),
    ]


def read_recipe_link(prefix: str) -> None:
    """`?recipe=char_rnn&recipe_seed=3` opens the tab with that recipe and seed."""
    first = not st.session_state.get(f"_link_read_{prefix}recipe")
    read_link_once(f"{prefix}recipe", _fields(prefix), ignore={n for n in st.query_params if n not in RECIPE_NAMES})
    if first and "recipe" in st.query_params:
        st.session_state[f"{prefix}mode"] = RECIPE


@st.cache_data(show_spinner=False, max_entries=8)
def _shapes(name: str):
    return RECIPES[name].shapes()


@st.cache_data(show_spinner="Running the recipe on several seeds, for the spread…", max_entries=8)
def _spread(name: str):
    return seed_spread(name)


def recipe_ui(prefix: str) -> None:
    left, right = st.columns([3, 1])
    st.session_state.setdefault(f"{prefix}recipe", "char_rnn")
    name = left.selectbox("Tutorial", list(RECIPES), key=f"{prefix}recipe", format_func=lambda n: RECIPES[n].title)
    recipe = RECIPES[name]
    seed = number_ui("Seed", f"{prefix}recipe_seed", 0, 999, 0, right, help="torch.manual_seed before the model.")
    st.markdown(f"**Source:** {recipe.source} — [{recipe.url}]({recipe.url})")
    st.caption(f"{recipe.about} {recipe.reports}")
    shapes = pd.DataFrame(
        [(tensor, " × ".join(map(str, shape)), meaning) for tensor, shape, meaning in _shapes(name)],
        columns=["tensor", "shape", "what it is"],
    )
    st.table(shapes, hide_index=True, border="horizontal")
    if name == "keras_imdb":
        counts = parameter_counts()
        st.table(
            pd.DataFrame(
                [(layer, f"{k:,}", f"{t:,}") for layer, (k, t) in counts.items()],
                columns=["layer", "Keras parameters", "PyTorch parameters"],
            ),
            hide_index=True,
            border="horizontal",
        )
        st.caption("PyTorch's LSTM keeps two bias vectors (b_ih and b_hh) where Keras keeps one: 4 × 128 more.")
    write_link(_fields(prefix)[1:], extra={"recipe": name})  # the recipe always: it opens this tab
    if recipe.train is None or seed is None:
        return
    key = f"{prefix}recipe_job"
    job = st.session_state.get(key)
    mine = job is not None and (job.recipe.name, job.seed) == (name, seed)
    if st.button("▶ Run the recipe", type="primary", disabled=mine and job.active, key=f"{prefix}recipe_run"):
        if job is not None:
            job.stop()
        st.session_state[key] = job = RecipeJob(recipe, seed).start()
        mine = True
    if not mine:
        st.info("Press ▶ Run the recipe: it trains in the background and its points appear as the source printed them.")
        return
    spread = _spread(name) if recipe.spread_seeds else None

    @st.fragment(run_every=0.5 if job.active else None)
    def progress():
        if job.state == "queued":
            st.caption("Queued: every training slot of this server is busy; it starts by itself.")
        figure = recipe_figure(job.points, recipe.published, spread, recipe.x_label, recipe.y_label)
        with steady_charts():  # redrawn twice a second while it trains: in place
            chart(figure=figure, key="recipe")
        if job.state == "failed":
            st.error(job.message)
        elif job.result is not None:
            st.markdown(job.result.summary)
            if spread:
                st.markdown(_verdict(job.result.points, spread, recipe.spread_seeds))
        if not job.active and st.session_state.get(f"{prefix}recipe_polling"):
            st.session_state[f"{prefix}recipe_polling"] = False
            st.rerun(scope="app")
        st.session_state[f"{prefix}recipe_polling"] = job.active

    progress()


def _verdict(points: list[tuple[int, float]], spread: dict, seeds: int) -> str:
    inside = [x for x, y in points if x in spread and spread[x][0] <= y <= spread[x][1]]
    if len(inside) == len(points):
        return f"**Inside the spread:** every point of this run lies between the lowest and highest of {seeds} seeds."
    outside = ", ".join(str(x) for x, _ in points if x not in inside)
    return f"**Outside the spread** of {seeds} seeds at {outside}: another seed, or another version of PyTorch."
