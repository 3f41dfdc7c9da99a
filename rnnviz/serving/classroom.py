"""A class in progress: the lesson, the step the lecturer shows, the steps revealed, who joined and
what each answered, shared by every server replica a room's browsers reach.

The lecturer starts a class and gets a short code; students join with it, anonymously (a browser
is a digest of its cookie's id, never a name). Only the lecturer's browser moves the class or
reveals; each student answers each step once. By default the state lives in this process
(EmbeddedClasses); with RNNVIZ_REDIS_URL it lives in Redis (RedisClasses), so replicas behind a
load balancer share it and a restarted server finds its classes again.

    classes = class_store()
    code = classes.start(lesson_text, lecturer="…digest…")
    classes.join(code, "student digest");  classes.answer(code, "student digest", 3, "LSTM")
    classes.move(code, lecturer, 4);  classes.reveal(code, lecturer, 4)
    classes.state(code).step, classes.tally(code, 3)      # 4, (joined, {"LSTM": 1})
"""

from __future__ import annotations

import json
import os
import secrets
import threading
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import cache

CODE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread from the back of a room
CODE_LENGTH = 5
MAX_CLASSES = 200  # classes one embedded store keeps at once
MAX_STUDENTS = 500  # browsers one class admits
MAX_LESSON_BYTES = 64_000
MAX_ANSWER_CHARS = 40
EXPIRES_S = 12 * 3600  # a class untouched this long is gone
REDIS_URL = os.environ.get("RNNVIZ_REDIS_URL", "")


class ClassError(RuntimeError):
    """What a class cannot do now, in a sentence for the page."""


@dataclass(frozen=True)
class ClassState:
    code: str
    lesson: str  # the lesson file's text: every replica reads the same lesson
    lecturer: str  # the digest of the lecturer's browser id
    step: int = 1  # the step the lecturer shows (1-based)
    revealed: frozenset[int] = frozenset()  # steps whose answer every device shows
    version: int = 0  # grows with every move and reveal: a student's page redraws when it changes


def well_formed(code: str) -> bool:
    return len(code) == CODE_LENGTH and all(c in CODE_LETTERS for c in code)


def new_code() -> str:
    return "".join(secrets.choice(CODE_LETTERS) for _ in range(CODE_LENGTH))


def _checked_answer(value: str) -> str:
    value = str(value).strip()
    if not value or len(value) > MAX_ANSWER_CHARS:
        raise ClassError(f"An answer is 1 to {MAX_ANSWER_CHARS} characters.")
    return value


class ClassStore:
    """What every store does; the checks are here, the keeping in the subclasses."""

    def start(self, lesson: str, lecturer: str) -> str:
        """A new class of `lesson` led by `lecturer`; → its code. A lecturer leads one class at a time."""
        if len(lesson.encode()) > MAX_LESSON_BYTES:
            raise ClassError(f"A class's lesson is at most {MAX_LESSON_BYTES // 1000} KB.")
        return self._start(lesson, lecturer)

    def state(self, code: str) -> ClassState | None:
        """The class, or None when no class has that code (ended, expired, or mistyped)."""
        return self._state(code) if well_formed(code) else None

    def _led(self, code: str, lecturer: str) -> ClassState:
        found = self.state(code)
        if found is None:
            raise ClassError(f"Class {code} has ended.")
        if found.lecturer != lecturer:
            raise ClassError("Only the lecturer's browser moves the class or reveals an answer.")
        return found

    def move(self, code: str, lecturer: str, step: int) -> None:
        found = self._led(code, lecturer)
        self._save(replace(found, step=int(step), version=found.version + 1))

    def reveal(self, code: str, lecturer: str, step: int) -> None:
        found = self._led(code, lecturer)
        self._save(replace(found, revealed=found.revealed | {int(step)}, version=found.version + 1))

    def end(self, code: str, lecturer: str) -> None:
        self._led(code, lecturer)
        self._end(code)

    def join(self, code: str, student: str) -> int:
        """Count `student` in (once); → how many have joined."""
        if self.state(code) is None:
            raise ClassError(f"There is no class {code}: check the code on the projector.")
        return self._join(code, student)

    def answer(self, code: str, student: str, step: int, value: str) -> bool:
        """`student`'s answer to `step`; False (nothing changed) when it had answered already."""
        value = _checked_answer(value)
        self.join(code, student)
        return self._answer(code, student, int(step), value)

    def answered(self, code: str, student: str, step: int) -> str | None:
        """What `student` answered at `step`, if anything."""
        return self._answers(code, step).get(student) if well_formed(code) else None

    def tally(self, code: str, step: int) -> tuple[int, Counter]:
        """(how many joined, how many gave each answer at `step`)."""
        if not well_formed(code):
            return 0, Counter()
        return self._joined(code), Counter(self._answers(code, step).values())


@dataclass
class _Kept:
    state: ClassState
    students: set[str] = field(default_factory=set)
    answers: dict[int, dict[str, str]] = field(default_factory=dict)
    touched: float = field(default_factory=time.monotonic)


class EmbeddedClasses(ClassStore):
    """Classes in this process's memory: the default, for one server."""

    def __init__(self, most: int = MAX_CLASSES):
        self.most, self.lock, self.kept = most, threading.Lock(), {}

    def _live(self) -> dict[str, _Kept]:
        now = time.monotonic()
        for code in [c for c, k in self.kept.items() if now - k.touched > EXPIRES_S]:
            del self.kept[code]
        return self.kept

    def _start(self, lesson: str, lecturer: str) -> str:
        with self.lock:
            kept = self._live()
            for code in [c for c, k in kept.items() if k.state.lecturer == lecturer]:
                del kept[code]
            if len(kept) >= self.most:
                raise ClassError(f"This server runs {self.most} classes already; end one, or try later.")
            code = new_code()
            while code in kept:
                code = new_code()
            kept[code] = _Kept(ClassState(code, lesson, lecturer))
            return code

    def _state(self, code: str) -> ClassState | None:
        with self.lock:
            kept = self._live().get(code)
            return None if kept is None else kept.state

    def _save(self, state: ClassState) -> None:
        with self.lock:
            kept = self._live().get(state.code)
            if kept is not None:
                kept.state, kept.touched = state, time.monotonic()

    def _end(self, code: str) -> None:
        with self.lock:
            self.kept.pop(code, None)

    def _join(self, code: str, student: str) -> int:
        with self.lock:
            kept = self._live().get(code)
            if kept is None:
                raise ClassError(f"Class {code} has ended.")
            if student not in kept.students:
                if len(kept.students) >= MAX_STUDENTS:
                    raise ClassError(f"Class {code} is full ({MAX_STUDENTS} browsers).")
                kept.students.add(student)
            return len(kept.students)

    def _answer(self, code: str, student: str, step: int, value: str) -> bool:
        with self.lock:
            kept = self._live().get(code)
            answers = kept.answers.setdefault(step, {}) if kept is not None else {}
            if kept is None or student in answers:
                return False
            answers[student] = value
            return True

    def _answers(self, code: str, step: int) -> dict[str, str]:
        with self.lock:
            kept = self._live().get(code)
            return dict(kept.answers.get(step, {})) if kept is not None else {}

    def _joined(self, code: str) -> int:
        with self.lock:
            kept = self._live().get(code)
            return len(kept.students) if kept is not None else 0


class RedisClasses(ClassStore):
    """Classes in Redis: one hash per class, a set of its students, a hash of answers per step;
    every key expires EXPIRES_S after the class was last moved."""

    def __init__(self, url: str):
        import redis

        self.redis = redis.Redis.from_url(url, socket_timeout=3, socket_connect_timeout=3, decode_responses=True)
        self.errors = (redis.RedisError,)

    def _call(self, work):
        try:
            return work(self.redis)
        except self.errors as error:
            raise ClassError(f"The class store (Redis) cannot be reached: {error}.") from None

    @staticmethod
    def _key(code: str, *parts) -> str:
        return ":".join(("rnnviz", "class", code, *map(str, parts)))

    def _start(self, lesson: str, lecturer: str) -> str:
        def work(r):
            old = r.get(f"rnnviz:lecturer:{lecturer}")
            if old:
                self._end(old)
            for _ in range(20):
                code = new_code()
                fields = {"lesson": lesson, "lecturer": lecturer, "step": 1, "revealed": "[]", "version": 0}
                if r.hsetnx(self._key(code), "lecturer", lecturer):
                    r.hset(self._key(code), mapping=fields)
                    r.expire(self._key(code), EXPIRES_S)
                    r.set(f"rnnviz:lecturer:{lecturer}", code, ex=EXPIRES_S)
                    return code
            raise ClassError("No free class code was found; try again.")

        return self._call(work)

    def _state(self, code: str) -> ClassState | None:
        found = self._call(lambda r: r.hgetall(self._key(code)))
        if not found or "lesson" not in found:
            return None
        return ClassState(
            code,
            found["lesson"],
            found["lecturer"],
            int(found["step"]),
            frozenset(json.loads(found["revealed"])),
            int(found["version"]),
        )

    def _save(self, state: ClassState) -> None:
        def work(r):
            key = self._key(state.code)
            pipe = r.pipeline()
            pipe.hset(key, mapping={"step": state.step, "revealed": json.dumps(sorted(state.revealed))})
            pipe.hincrby(key, "version", 1)
            for part in (key, self._key(state.code, "students")):
                pipe.expire(part, EXPIRES_S)
            pipe.execute()

        self._call(work)

    def _end(self, code: str) -> None:
        def work(r):
            keys = [self._key(code), self._key(code, "students"), *r.scan_iter(self._key(code, "answers", "*"))]
            r.delete(*keys)

        self._call(work)

    def _join(self, code: str, student: str) -> int:
        def work(r):
            key = self._key(code, "students")
            if not r.sismember(key, student):
                if r.scard(key) >= MAX_STUDENTS:
                    raise ClassError(f"Class {code} is full ({MAX_STUDENTS} browsers).")
                r.sadd(key, student)
                r.expire(key, EXPIRES_S)
            return r.scard(key)

        return self._call(work)

    def _answer(self, code: str, student: str, step: int, value: str) -> bool:
        def work(r):
            key = self._key(code, "answers", step)
            first = bool(r.hsetnx(key, student, value))
            r.expire(key, EXPIRES_S)
            return first

        return self._call(work)

    def _answers(self, code: str, step: int) -> dict[str, str]:
        return self._call(lambda r: r.hgetall(self._key(code, "answers", step)))

    def _joined(self, code: str) -> int:
        return self._call(lambda r: r.scard(self._key(code, "students")))


@cache
def class_store() -> ClassStore:
    """The server's classes: in Redis when RNNVIZ_REDIS_URL is set, else in this process."""
    return RedisClasses(REDIS_URL) if REDIS_URL else EmbeddedClasses()
