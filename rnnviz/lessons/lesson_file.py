"""A lesson as a plain TOML file a lecturer can write: a title, then one `[[step]]` table per step.

    title = "Recurrent networks, figure by figure"

    [[step]]
    title = "Backpropagation through time"
    text = "The loss reads only the last step; its gradient flows back along the recurrent edges."
    link = "/bptt?topology=many_to_one"          # the page and its settings: the step is that view
    question = "At which step is ‖dL/dh_t‖ smallest?"
    answer = "smallest_gradient_step"            # a computed answer (rnnviz/lessons/answers.py)
    explain = "Each step back multiplies the gradient by the step's Jacobian."

Optional per step: `params` (the answer's own numbers, `{ back = 40 }`), `choices` (the options a
prediction picks from, for an answer that is a choice) and `bounds` (`[low, high]`, for one that
is a whole number). read_lesson() checks everything it can before a class sees it: every mistake
is reported with its line, all at once.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from urllib.parse import parse_qsl, urlsplit

from rnnviz.lessons.answers import ANSWERS, AnswerError
from rnnviz.lessons.lesson import Lesson, LessonStep

MAX_BYTES = 64_000
MAX_STEPS = 40
LONGEST = {"title": 80, "text": 600, "question": 300, "explain": 600, "link": 400}
STEP_KEYS = {"title", "text", "link", "question", "answer", "params", "choices", "bounds", "explain"}
REQUIRED = ("title", "link", "question", "answer")
TOP_KEYS = {"title", "text", "step"}


class LessonFileError(ValueError):
    """Every mistake of a lesson file: problems is [(line, sentence)], in the order of the file."""

    def __init__(self, problems: list[tuple[int, str]]):
        self.problems = sorted(problems)
        super().__init__("\n".join(f"line {line}: {sentence}" for line, sentence in self.problems))


def key_lines(text: str) -> tuple[list[int], dict[tuple[int | None, str], int]]:
    """Where things are: the line of each `[[step]]` header, and of each `key =` (by step index, or
    None before the first step). Lines inside multi-line strings are skipped."""
    headers, keys, inside = [], {}, False
    for number, line in enumerate(text.splitlines(), start=1):
        if not inside:
            if re.match(r"\s*\[\[\s*step\s*\]\]", line):
                headers.append(number)
            found = re.match(r"\s*([A-Za-z0-9_\-\"]+)\s*=", line)
            if found:
                keys.setdefault((len(headers) - 1 if headers else None, found.group(1).strip('"')), number)
        inside ^= (line.count('"""') + line.count("'''")) % 2 == 1
    return headers, keys


def read_lesson(text: str, check_view: Callable[[str, dict[str, str]], None] | None = None) -> Lesson:
    """The lesson in `text` (a TOML file's contents). `check_view(page, view)` raises ValueError for
    a setting that page refuses (the app passes its link codec). Raises LessonFileError."""
    if len(text.encode()) > MAX_BYTES:
        raise LessonFileError([(1, f"A lesson file is at most {MAX_BYTES // 1000} KB; this one is larger.")])
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = re.search(r"line (\d+)", str(error))
        raise LessonFileError([(int(line.group(1)) if line else 1, f"This is not TOML: {error}.")]) from None
    headers, keys = key_lines(text)
    problems: list[tuple[int, str]] = []

    def where(step: int | None, key: str | None = None) -> int:
        if key is not None and (step, key) in keys:
            return keys[(step, key)]
        return headers[step] if step is not None and step < len(headers) else 1

    for key in sorted(set(data) - TOP_KEYS):
        problems.append((where(None, key), f"Unknown setting {key!r}; a lesson has title, text and [[step]] tables."))
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        problems.append((where(None, "title"), 'The lesson needs a title: title = "…" before the first [[step]].'))
    steps = data.get("step")
    if not isinstance(steps, list) or not steps:
        problems.append((1, "The lesson has no steps: add one [[step]] table per step."))
        steps = []
    elif len(steps) > MAX_STEPS:
        problems.append((where(MAX_STEPS), f"A lesson has at most {MAX_STEPS} steps; this one has {len(steps)}."))
        steps = steps[:MAX_STEPS]
    read = []
    for k, table in enumerate(steps):
        said = []
        step = _step(table, lambda key, _k=k: where(_k, key), said, check_view)
        problems += said
        if step is not None:
            read.append(step)
    if problems:
        raise LessonFileError(problems)
    return Lesson(title.strip(), str(data.get("text", "")), tuple(read))


def _step(table, line: Callable[[str | None], int], problems: list, check_view) -> LessonStep | None:
    """One [[step]] table as a LessonStep; its problems appended (line, sentence)."""
    if not isinstance(table, dict):
        problems.append((line(None), "A step is a [[step]] table of settings."))
        return None
    for key in sorted(set(table) - STEP_KEYS):
        problems.append((line(key), f"Unknown setting {key!r} in a step; a step has {', '.join(sorted(STEP_KEYS))}."))
    for key in REQUIRED:
        if key not in table:
            problems.append((line(None), f"This step has no {key}: every step needs {', '.join(REQUIRED)}."))
    for key, most in LONGEST.items():
        value = table.get(key, "")
        if not isinstance(value, str):
            problems.append((line(key), f"{key} is text in quotes, not {type(value).__name__}."))
        elif len(value) > most:
            problems.append((line(key), f"{key} is at most {most} characters; it has {len(value)}."))
    if not isinstance(table.get("answer", ""), str):
        problems.append((line("answer"), "answer is the name of a computed answer, in quotes."))
        return None
    if problems or any(key not in table for key in REQUIRED):
        return None
    kind = ANSWERS.get(table["answer"])
    if kind is None:
        problems.append((line("answer"), f"There is no answer {table['answer']!r}; there are {', '.join(ANSWERS)}."))
        return None
    page, view = _link(table["link"], kind.page, line("link"), problems)
    params = _params(table.get("params", {}), kind.params, line("params"), problems)
    if page is None or params is None:
        return None
    try:
        if check_view is not None:
            check_view(page, view)
        choices = kind.choices(view) if kind.choices else ()
        bounds = kind.bounds(view)
    except (AnswerError, ValueError) as error:
        problems.append((line("link"), f"The link's settings do not work on the {page} page: {error}"))
        return None
    choices = _choices(table, kind, choices, line("choices"), problems)
    bounds = _bounds(table, kind, bounds, line("bounds"), problems)
    if choices is None or bounds is None:
        return None
    return LessonStep(
        page=page,
        title=table["title"].strip(),
        text=table.get("text", "").strip(),
        question=table["question"].strip(),
        answer=table["answer"],
        view=tuple(view.items()),
        params=tuple(params.items()),
        choices=choices,
        bounds=bounds,
        explain=table.get("explain", "").strip(),
    )


def _link(link: str, page: str, line: int, problems: list) -> tuple[str | None, dict[str, str]]:
    """The page and settings of "/page?name=value&…", which must be the answer's page."""
    parts = urlsplit(link.strip())
    named = parts.path.strip("/")
    if parts.scheme or parts.netloc:
        problems.append((line, "link is a page of this app, like /bptt?seq_len=8, not a whole address."))
        return None, {}
    if named != page:
        problems.append(
            (line, f"This answer is computed on the {page} page, so the link starts /{page}?…, not /{named}.")
        )
        return None, {}
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    names = [name for name, _ in pairs]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        problems.append((line, f"The link sets {', '.join(twice)} more than once."))
        return None, {}
    return page, dict(pairs)


def _params(given, known: dict, line: int, problems: list) -> dict[str, int] | None:
    """The answer's parameters: its defaults, with the file's values checked against their range."""
    if not isinstance(given, dict):
        problems.append((line, "params is a table of numbers, like params = { back = 40 }."))
        return None
    params = {name: default for name, (default, _, _) in known.items()}
    for name, value in given.items():
        if name not in known:
            what = f"its parameters are {', '.join(known)}" if known else "it takes none"
            problems.append((line, f"This answer has no parameter {name!r}: {what}."))
            return None
        _, low, high = known[name]
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            problems.append((line, f"{name} is a whole number from {low} to {high}, not {value!r}."))
            return None
        params[name] = value
    return params


def _choices(table: dict, kind, computed: tuple[str, ...], line: int, problems: list) -> tuple[str, ...] | None:
    """The file's choices, else the answer's own."""
    if "choices" not in table:
        return computed
    given = table["choices"]
    if not kind.choices:
        problems.append((line, "This answer is a whole number: give bounds = [low, high], not choices."))
        return None
    if not (isinstance(given, list) and 2 <= len(given) <= 8 and all(isinstance(c, str) and c for c in given)):
        problems.append((line, 'choices is a list of 2 to 8 texts, like choices = ["RNN", "LSTM"].'))
        return None
    if len(set(given)) != len(given) or any(len(c) > 40 for c in given):
        problems.append((line, "Each choice is different and at most 40 characters."))
        return None
    return tuple(given)  # (the computed answer, one of the answer's own choices, should be among them)


def _bounds(table: dict, kind, computed: tuple[int, int], line: int, problems: list) -> tuple[int, int] | None:
    """The file's bounds, else the answer's own."""
    if "bounds" not in table:
        return computed
    given = table["bounds"]
    if kind.choices:
        problems.append((line, "This answer is a choice: give choices = [...], not bounds."))
        return None
    if not (
        isinstance(given, list)
        and len(given) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) for v in given)
        and 0 <= given[0] < given[1] <= 100_000
    ):
        problems.append((line, "bounds is [low, high], two whole numbers with low below high, like bounds = [0, 7]."))
        return None
    return given[0], given[1]
