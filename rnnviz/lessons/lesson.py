"""Lessons for the Lecture page: steps, each a view of a page (its settings in the app's link
codec) and a question whose answer is computed from that view by the page's own code
(rnnviz/lessons/answers.py), predicted before it is revealed, and scored.

The default lesson is the file default.toml beside this module; a lecturer's own is read by
rnnviz.lessons.lesson_file.read_lesson, with every mistake reported by line.

    lesson = default_lesson()
    step = lesson.steps[3]
    step.computed().value          # 0: the step where ‖dL/dh_t‖ is smallest, from autograd
    step.figure(revealed=True)     # the BPTT page's figure, that step ringed
    step.scored(0)                 # True
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import plotly.graph_objects as go

DEFAULT_FILE = Path(__file__).with_name("default.toml")


@dataclass(frozen=True)
class LessonStep:
    page: str  # the app page its link opens (app_pages/<page>.py)
    title: str
    text: str
    question: str
    answer: str  # the name of its computed answer (ANSWERS)
    view: tuple[tuple[str, str], ...]  # the page's link settings, in the link's order
    params: tuple[tuple[str, int], ...] = ()  # the answer's own numbers
    choices: tuple[str, ...] = ()  # a prediction picked from these; none: a whole number in `bounds`
    bounds: tuple[int, int] = (0, 100)
    explain: str = ""  # said with the answer

    @property
    def link(self) -> str:
        """The step's page and settings, as a link path: /bptt?topology=many_to_one."""
        from urllib.parse import urlencode

        return f"/{self.page}" + (f"?{urlencode(self.view)}" if self.view else "")

    def computed(self):
        """The answer (value, said, how), computed once per process for the same view."""
        return _computed(self.answer, self.view, self.params)

    def figure(self, revealed: bool = False) -> go.Figure:
        """The page's figure for this view; with the answer marked once revealed."""
        from rnnviz.lessons.answers import ANSWERS

        return ANSWERS[self.answer].figure(dict(self.view), self.computed() if revealed else None)

    @property
    def clickable(self) -> bool:
        """Can a click on the figure give the prediction (a step, a unit)?"""
        from rnnviz.lessons.answers import ANSWERS

        return bool(ANSWERS[self.answer].click)

    def clicked(self, point: dict) -> int | None:
        """The prediction a click on the figure makes: the clicked point's step or unit (None when
        this answer is not picked on the figure, or the point is out of bounds)."""
        from rnnviz.lessons.answers import ANSWERS

        axis = ANSWERS[self.answer].click
        try:
            value = round(float(point[axis])) if axis else None
        except (KeyError, TypeError, ValueError):
            return None
        return value if value is not None and self.bounds[0] <= value <= self.bounds[1] else None

    def scored(self, prediction) -> bool:
        """Is `prediction` (a choice, or a whole number) the computed answer?"""
        value = self.computed().value
        if prediction is None:
            return False
        return prediction == value if isinstance(value, str) else int(prediction) == value


@lru_cache(maxsize=256)
def _computed(answer: str, view: tuple, params: tuple):
    from rnnviz.lessons.answers import ANSWERS

    return ANSWERS[answer].compute(dict(view), dict(params))


@dataclass(frozen=True)
class Lesson:
    title: str
    text: str
    steps: tuple[LessonStep, ...]


@cache
def default_lesson() -> Lesson:
    """The lesson the Lecture page opens with (default.toml), read once per process."""
    from rnnviz.lessons.lesson_file import read_lesson

    return read_lesson(DEFAULT_FILE.read_text())
