"""AppTest: each lesson step that computes a number opens its page on a view that shows the same
number (issue: the lesson's numbers disagreed with its own pages)."""

import re

import pytest

from rnnviz.lessons.lesson import LESSON
from tests.app.conftest import shown
from tests.app.test_training_pages import wait_for_steps


def open_step(app, number: int):
    app.switch_page("app_pages/lecture.py").run()
    app.session_state["lecture_step"] = number
    app.run()
    app.button(key="lecture_open").click().run()
    assert not app.exception, app.exception
    step = LESSON[number - 1]
    assert step.page in app.header[0].value.lower() or app.header[0].value != step.title
    app.switch_page(f"app_pages/{step.page}.py").run()  # AppTest's own page follows st.switch_page only once
    return step


def test_the_vanishing_step_and_its_page_give_the_same_numbers(app):
    step = open_step(app, 5)
    answer, how = step.answer()
    page = shown(app.markdown)
    for cell, value in re.findall(r"(RNN|GRU|LSTM) ([0-9.]+e[-+][0-9]+)", how):
        assert re.search(rf"{cell}\b[^.]*?{re.escape(value)}", page), (cell, value, page[:600])
    assert app.number_input(key="hidden_size").value == 32


def test_the_inside_step_names_the_unit_the_inside_page_names_first(app):
    step = open_step(app, 7)
    answer, _ = step.answer()
    memory = next(m.value for m in app.markdown if m.value.startswith("**Memory units.**"))
    first = re.search(r"unit (\d+)", memory).group(0)
    assert first == answer
    assert app.selectbox(key="inside_source").value == step.view["model"]


def test_the_race_step_and_the_race_page_solve_at_the_same_steps(app):
    step = open_step(app, 6)
    from rnnviz.lessons.lesson import race_result

    expected = race_result()
    app.button(key="start_run").click().run()
    wait_for_steps(app, int(step.view["steps"]), timeout=300)  # the whole budget
    app.run()
    metrics = {m.label.split(" held-out")[0]: m for m in app.metric}
    for cell, solved_at in expected.items():
        delta = metrics[cell.upper()].proto.delta if cell.upper() in metrics else ""
        assert (f"solved at step {solved_at}" in delta) if solved_at else "solved" not in delta, (cell, delta)
    assert step.view["steps"] == "600"


@pytest.mark.parametrize("number", [1, 2, 3, 4])
def test_the_network_steps_open_their_page_on_the_network_they_computed_with(app, number):
    from rnnviz.lessons import lesson
    from tests.app.test_pages import ledger_table

    specs = {1: lesson.TOPOLOGY_SPEC, 2: lesson.SHAPES_SPEC, 3: lesson.UNROLL_SPEC, 4: lesson.BPTT_SPEC}
    app.number_input(key="hidden_size").set_value(40).run()  # the sidebar shows another network first
    step = open_step(app, number)
    assert app.session_state["spec"] == specs[number]
    if number == 2:  # the answer, read off the page's own ledger
        shape = next(s for n, s in zip(ledger_table(app)["name"], ledger_table(app)["shape"]) if n == "h_n")
        assert shape == step.answer()[0]
