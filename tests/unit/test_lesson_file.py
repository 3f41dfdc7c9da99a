"""Lesson files: one written here reads into the steps it says and computes its answers; ten
malformed ones are each refused with the line of the mistake and a sentence that names it."""

import textwrap

import pytest

from rnnviz.lessons.lesson import DEFAULT_FILE
from rnnviz.lessons.lesson_file import LessonFileError, key_lines, read_lesson
from ui.views import parsed_view

GOOD = textwrap.dedent(
    """\
    # a lecturer's own two steps
    title = "Two questions on BPTT"

    [[step]]
    title = "Longer"
    text = '''Twelve steps,
    a many-to-one network.'''
    link = "/bptt?topology=many_to_one&seq_len=12"
    question = "How many times is W_hh applied?"
    answer = "recurrent_edges"

    [[step]]
    title = "Further back"
    link = "/vanishing?T=100&hidden_size=16"
    question = "Ninety steps back, which cell keeps the most?"
    answer = "vanishing_best"
    params = { back = 90 }
    choices = ["RNN", "LSTM", "GRU"]
    explain = "The additive path."
    """
)


def test_a_lesson_written_here_reads_and_computes_its_answers():
    lesson = read_lesson(GOOD)
    assert lesson.title == "Two questions on BPTT" and len(lesson.steps) == 2
    first, second = lesson.steps
    assert (first.page, dict(first.view)) == ("bptt", {"topology": "many_to_one", "seq_len": "12"})
    assert first.computed().value == 11  # between every pair of 12 steps: a closed form
    assert first.bounds == (0, 48) and not first.choices
    assert dict(second.params) == {"back": 90} and second.choices == ("RNN", "LSTM", "GRU")
    assert second.computed().value in second.choices and "90 steps back" in second.computed().said
    assert first.link == "/bptt?topology=many_to_one&seq_len=12"


def test_the_default_lesson_is_a_lesson_file():
    assert len(read_lesson(DEFAULT_FILE.read_text(), check_view=parsed_view).steps) == 12


def _broken(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new, 1)


def _line_of(text: str, needle: str) -> int:
    return next(k for k, line in enumerate(text.splitlines(), start=1) if needle in line)


MALFORMED = {  # name → (file, the text on the line to be named, words the sentence says)
    "not TOML": (_broken('title = "Longer"', 'title = "Longer'), 'title = "Longer', "not TOML"),
    "key twice": (
        _broken('answer = "recurrent_edges"', 'answer = "recurrent_edges"\nanswer = "x"'),
        'answer = "x"',
        "TOML",
    ),
    "unknown key": (_broken('question = "How many', 'questoin = "How many'), "questoin", "questoin"),
    "missing answer": (_broken('answer = "recurrent_edges"\n', ""), "[[step]]", "no answer"),
    "unknown answer": (
        _broken('"recurrent_edges"', '"recurent_edges"'),
        "recurent_edges",
        "no answer 'recurent_edges'",
    ),
    "wrong page": (_broken("/bptt?topology", "/race?topology"), "/race?", "bptt page"),
    "bad setting": (_broken("seq_len=12", "seq_len=twelve"), "seq_len=twelve", "seq_len"),
    "unknown setting": (_broken("/vanishing?T=100", "/vanishing?T=100&colour=red"), "colour=red", "colour"),
    "parameter out of range": (_broken("back = 90", "back = 900"), "back = 900", "back is a whole number"),
    "choices for a number": (
        _broken('answer = "recurrent_edges"', 'answer = "recurrent_edges"\nchoices = ["1", "2"]'),
        'choices = ["1"',
        "whole number",
    ),
    "title not text": (_broken('title = "Further back"', "title = 7"), "title = 7", "title is text"),
    "bounds reversed": (
        _broken('answer = "recurrent_edges"', 'answer = "recurrent_edges"\nbounds = [9, 2]'),
        "bounds = [9, 2]",
        "bounds is [low, high]",
    ),
}


@pytest.mark.parametrize("name", list(MALFORMED))
def test_a_malformed_lesson_is_refused_with_the_line_of_its_mistake(name):
    text, needle, words = MALFORMED[name]
    line = _line_of(text, needle)
    if name == "missing answer":
        line = _line_of(text, "[[step]]")  # the step that lacks it
    with pytest.raises(LessonFileError) as refused:
        read_lesson(text, check_view=parsed_view)  # the app's own check of a page's settings
    problems = refused.value.problems
    assert any(at == line and words in said for at, said in problems), (line, problems)


def test_every_mistake_is_reported_at_once():
    text = _broken("back = 90", "back = 900").replace('"recurrent_edges"', '"nothing"')
    with pytest.raises(LessonFileError) as refused:
        read_lesson(text)
    assert len(refused.value.problems) == 2


def test_a_page_setting_the_app_refuses_is_a_line_too():
    def refuse_colour(page, view):
        if "T" in view and int(view["T"]) > 50:
            raise ValueError("T must be between 10 and 50")

    with pytest.raises(LessonFileError) as refused:
        read_lesson(GOOD, check_view=refuse_colour)
    assert refused.value.problems == [(_line_of(GOOD, "/vanishing?"), refused.value.problems[0][1])]
    assert "T must be between 10 and 50" in refused.value.problems[0][1]


def test_lines_inside_multi_line_strings_are_not_keys():
    headers, keys = key_lines(GOOD)
    assert headers == [_line_of(GOOD, "[[step]]"), _line_of(GOOD, 'title = "Further back"') - 1]
    assert keys[(0, "link")] == _line_of(GOOD, "/bptt?")
