"""AppTest: each default lesson step opens its page on a view that shows the same numbers as the
step (issue: the lesson's numbers disagreed with its own pages)."""

import re

import pytest

from rnnviz.lessons.lesson import default_lesson
from tests.app.conftest import shown

STEPS = default_lesson().steps


def open_step(app, number: int):
    """The Lecture page at step `number`, then "Open this on its own page": that page, as AppTest shows it."""
    app.switch_page("app_pages/lecture.py").run()
    app.session_state["lecture_step"] = number
    app.run()
    app.button(key="lecture_open").click().run()
    assert not app.exception, app.exception
    step = STEPS[number - 1]
    app.switch_page(f"app_pages/{step.page}.py").run()  # AppTest's own page follows st.switch_page only once
    assert not app.exception, app.exception
    return step


def number_of(title: str) -> int:
    return next(k for k, step in enumerate(STEPS, start=1) if step.title == title)


def test_the_vanishing_step_and_its_page_give_the_same_numbers(app):
    step = open_step(app, number_of("Vanishing gradients"))
    page = shown(app.markdown)
    for cell, value in re.findall(r"(RNN|GRU|LSTM) ([0-9.]+e[-+][0-9]+)", step.computed().how):
        assert re.search(rf"{cell}\b[^.]*?{re.escape(value)}", page), (cell, value, page[:600])
    assert app.number_input(key="hidden_size").value == 32


def test_the_inside_step_names_the_unit_the_inside_page_names_first(app):
    step = open_step(app, number_of("Inside the winner"))
    memory = next(m.value for m in app.markdown if m.value.startswith("**Memory units.**"))
    assert re.search(r"unit (\d+)", memory).group(0) == f"unit {step.computed().value}"
    assert app.selectbox(key="inside_source").value == dict(step.view)["model"]


@pytest.mark.parametrize("title", ["The race", "Attention", "minGRU on parity"])
def test_a_race_step_opens_the_recorded_race_where_its_winner_is_the_pages(app, title):
    step = open_step(app, number_of(title))
    assert app.session_state["race_mode"] == "Replay a recorded run"
    metrics = {m.label.split(" held-out")[0]: m.proto.delta for m in app.metric}
    solved = {label: int(re.search(r"\d+", d).group()) for label, d in metrics.items() if "solved" in d}
    winner = min(solved, key=solved.get) if solved else "none of them"
    assert winner == step.computed().value, metrics
    assert len(solved) >= 1


@pytest.mark.parametrize("number", [1, 2, 3, 4])
def test_the_network_steps_open_their_page_on_the_network_they_computed_with(app, number):
    from rnnviz.lessons.views import spec_of
    from tests.app.test_pages import ledger_table

    app.number_input(key="hidden_size").set_value(40).run()  # the sidebar shows another network first
    step = open_step(app, number)
    assert app.session_state["spec"] == spec_of(dict(step.view))
    if step.answer == "h_n_shape":  # the answer, read off the page's own ledger
        shape = next(s for n, s in zip(ledger_table(app)["name"], ledger_table(app)["shape"]) if n == "h_n")
        assert shape == step.computed().value
