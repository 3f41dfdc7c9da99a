"""A class's state, kept in this process or in a real Redis server (started on loopback): the
lecturer alone moves and reveals, each browser answers a step once, tallies count every answer,
bounds hold, and with Redis a second store (another replica, or a restarted server) sees the class."""

import pytest

from rnnviz.serving import classroom
from rnnviz.serving.classroom import ClassError, EmbeddedClasses, RedisClasses
from scripts.redis_server import RedisServer

LESSON = 'title = "x"\n'


@pytest.fixture(scope="module")
def redis_url():
    with RedisServer() as server:
        yield server.url


@pytest.fixture(params=["embedded", "redis"])
def store(request):
    if request.param == "embedded":
        return EmbeddedClasses()
    return RedisClasses(request.getfixturevalue("redis_url"))


def test_the_lecturer_moves_and_reveals_and_no_one_else_does(store):
    code = store.start(LESSON, "lecturer")
    assert classroom.well_formed(code) and store.state(code).step == 1
    store.move(code, "lecturer", 4)
    store.reveal(code, "lecturer", 4)
    state = store.state(code)
    assert (state.step, state.revealed, state.lesson) == (4, {4}, LESSON)
    for act in (store.move, store.reveal):
        with pytest.raises(ClassError, match="Only the lecturer"):
            act(code, "student", 7)
    with pytest.raises(ClassError, match="Only the lecturer"):
        store.end(code, "student")
    assert store.state(code).step == 4 and store.state(code).version == state.version


def test_each_browser_answers_a_step_once_and_the_tally_counts_every_answer(store):
    code = store.start(LESSON, "lecturer")
    answers = {f"s{k}": ("LSTM" if k % 3 else "GRU") for k in range(30)}
    for student, value in answers.items():
        assert store.answer(code, student, 5, value)
    assert not store.answer(code, "s1", 5, "RNN")  # a second answer changes nothing
    assert store.answered(code, "s1", 5) == "LSTM"
    store.join(code, "late")
    joined, counts = store.tally(code, 5)
    assert joined == 31 and counts == {"LSTM": 20, "GRU": 10}
    assert store.tally(code, 6) == (31, {})


def test_bad_codes_answers_and_lessons_are_refused_with_a_sentence(store):
    code = store.start(LESSON, "lecturer")
    assert store.state("abc") is None and store.state("'; --") is None
    with pytest.raises(ClassError, match="no class"):
        store.join("AAAAA" if code != "AAAAA" else "BBBBB", "s")
    with pytest.raises(ClassError, match="1 to 40 characters"):
        store.answer(code, "s", 1, "x" * 41)
    with pytest.raises(ClassError, match="at most 64 KB"):
        store.start("#" * 70_000, "lecturer")


def test_a_lecturer_leads_one_class_at_a_time_and_ending_it_ends_it(store):
    first = store.start(LESSON, "lecturer")
    second = store.start(LESSON, "lecturer")
    assert store.state(first) is None and store.state(second) is not None
    store.end(second, "lecturer")
    assert store.state(second) is None
    with pytest.raises(ClassError, match="has ended"):
        store.move(second, "lecturer", 2)


def test_a_full_embedded_store_refuses_a_new_class():
    store = EmbeddedClasses(most=2)
    store.start(LESSON, "a"), store.start(LESSON, "b")
    with pytest.raises(ClassError, match="runs 2 classes already"):
        store.start(LESSON, "c")


def test_a_class_is_full_at_its_limit(store, monkeypatch):
    monkeypatch.setattr(classroom, "MAX_STUDENTS", 3)
    code = store.start(LESSON, "lecturer")
    for k in range(3):
        store.join(code, f"s{k}")
    with pytest.raises(ClassError, match="is full"):
        store.join(code, "s3")
    store.join(code, "s0")  # one already in is still in


def test_with_redis_another_store_sees_the_class(redis_url):
    """Two replicas (or a server before and after a restart): two stores on the same Redis."""
    one, other = RedisClasses(redis_url), RedisClasses(redis_url)
    code = one.start(LESSON, "lecturer")
    other.move(code, "lecturer", 3)
    one.answer(code, "s", 3, "7")
    assert one.state(code).step == 3 and other.tally(code, 3) == (1, {"7": 1})


def test_an_unreachable_redis_is_a_sentence():
    from scripts.server import free_port

    store = RedisClasses(f"redis://127.0.0.1:{free_port()}/0")
    with pytest.raises(ClassError, match="cannot be reached"):
        store.start(LESSON, "lecturer")
