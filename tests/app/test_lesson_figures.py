"""Each default lesson step draws its page's own figure: the figure on the step equals, trace for
trace, a figure the page its link opens draws (same network, recording and run), a test per step;
Reveal marks the answer in it; a prediction is scored against the computed answer."""

import json

import pytest

from rnnviz.lessons.lesson import default_lesson
from tests.app.conftest import charts
from tests.app.test_lesson_views import STEPS, open_step


def page_figures(app) -> list[list]:
    return [json.loads(chart.proto.spec)["data"] for chart in charts(app)]


@pytest.mark.parametrize("number", range(1, len(STEPS) + 1))
def test_the_step_figure_is_a_figure_of_the_page_it_opens(app, number):
    step = open_step(app, number)
    drawn = json.loads(step.figure().to_json())["data"]
    figures = page_figures(app)
    if step.page == "inside":  # the page outlines the unit its slider picks; the step before the reveal none
        drawn, figures = drawn[:1], [data[:1] for data in figures]
    assert drawn in figures, f"step {number}: none of the {len(figures)} figures on {step.page} is the step's"


@pytest.mark.parametrize("number", range(1, len(STEPS) + 1))
def test_reveal_marks_the_answer_in_the_figure(number):
    step = STEPS[number - 1]
    before, after = step.figure(), step.figure(revealed=True)
    said = " ".join(note.text.replace("<br>", " ") for note in after.layout.annotations if note.text)
    assert step.computed().said in said and str(step.computed().value) in said, said
    assert after.to_json() != before.to_json()


def test_predictions_are_scored_against_the_computed_answer():
    steps = default_lesson().steps
    assert steps[0].scored(1) and not steps[0].scored(8) and not steps[0].scored(None)
    assert steps[1].scored("(1, 4, 16)") and not steps[1].scored("(4, 8, 16)")
    assert steps[4].scored("LSTM") and not steps[4].scored("RNN")
    assert all(step.computed().value in step.choices for step in steps if step.choices)
    low_high = [(step.bounds, step.computed().value) for step in steps if not step.choices]
    assert all(low <= value <= high for (low, high), value in low_high)


def test_a_click_on_a_step_or_a_unit_is_a_prediction_within_bounds():
    by_answer = {step.answer: step for step in STEPS}
    gradient, unit, shape = by_answer["smallest_gradient_step"], by_answer["memory_unit"], by_answer["h_n_shape"]
    assert gradient.clicked({"x": 3.0, "y": 1.0}) == 3 and gradient.clicked({"x": 99}) is None
    assert unit.clicked({"x": 10, "y": 12}) == 12  # the heatmap's row is the unit
    assert shape.clicked({"x": 1}) is None and not shape.clickable  # a shape is chosen, not clicked
