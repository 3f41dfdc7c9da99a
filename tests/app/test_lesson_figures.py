"""Each lesson step draws its page's own figure: the figure on the step equals, trace for trace,
a figure the page its link opens draws (same network, recording and run); Reveal marks the answer
in it; a prediction is scored against the computed answer."""

import json

import pytest

from rnnviz.lessons import lesson
from rnnviz.lessons.figures import step_figure
from tests.app.test_lesson_views import open_step


def page_figures(app) -> list[list]:
    return [json.loads(chart.proto.spec)["data"] for chart in app.get("plotly_chart")]


@pytest.mark.parametrize("number", [1, 2, 3, 4, 5, 7])
def test_the_step_figure_is_a_figure_of_the_page_it_opens(app, number):
    step = open_step(app, number)
    drawn = json.loads(step_figure(number - 1).to_json())["data"]
    figures = page_figures(app)
    if step.page == "inside":  # the page outlines the unit its slider picks; the step before the reveal none
        drawn, figures = drawn[:1], [data[:1] for data in figures]
    assert drawn in figures, f"step {number}: none of the {len(figures)} figures on {step.page} is the step's"


@pytest.mark.parametrize("number", [1, 2, 3, 4, 5, 7])
def test_reveal_marks_the_answer_in_the_figure(number):
    before, after = step_figure(number - 1), step_figure(number - 1, revealed=True)
    value = str(lesson.answer_value(number - 1))
    said = " ".join(note.text for note in after.layout.annotations if note.text)
    assert value in said, said
    assert after.to_json() != before.to_json()


def test_predictions_are_scored_against_the_computed_answer():
    assert lesson.scored(0, 1) and not lesson.scored(0, 8) and not lesson.scored(0, None)
    assert lesson.scored(1, "(1, 4, 16)") and not lesson.scored(1, "(4, 8, 16)")
    assert lesson.scored(4, "LSTM") and not lesson.scored(4, "RNN")
    assert all(
        lesson.answer_value(k) in step.choices for k, step in enumerate(lesson.LESSON) if step.choices and k != 5
    )
