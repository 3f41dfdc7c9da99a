"""Background runs: one Step moves the counter by exactly one, a paused run has no rate, the
first run on an idle server is "starting" (never "queued"), and the queue is first come, first
served (issues: correct and clear 6-8, hardened 8)."""

import os
import pathlib
import subprocess
import sys
import threading
import time

import pytest

from rnnviz.serving.process_jobs import ProcessJob
from rnnviz.serving.slots import env_setting
from rnnviz.training import jobs
from rnnviz.training.jobs import SLOTS, SlotQueue, TrainingJob
from rnnviz.training.train import TrainConfig

SMALL = TrainConfig(task="adding", seq_len=10, hidden_size=8, batch_size=8)


def _wait(predicate, seconds=20.0):
    deadline = time.time() + seconds
    while not predicate() and time.time() < deadline:
        time.sleep(0.01)
    return predicate()


@pytest.fixture(params=["thread", "process"])
def Job(request):
    """A run in a thread of this process (TrainingJob), or in a worker process (ProcessJob): the
    same controls and the same answers."""
    return TrainingJob if request.param == "thread" else ProcessJob


@pytest.fixture(autouse=True)
def idle_server():
    assert _wait(lambda: SLOTS._free == SLOTS.slots, 10), "a run of an earlier test still holds a slot"
    yield


def test_step_moves_the_counter_by_exactly_one_and_pause_holds_it(Job):
    job = Job({"RNN": SMALL.replace(cell="rnn"), "GRU": SMALL.replace(cell="gru")}).start()
    try:
        assert _wait(lambda: job.snapshot()["steps"] >= 5)
        job.pause()
        held = job.snapshot()
        assert held["state"] == "paused" and held["steps_per_second"] is None
        time.sleep(0.2)
        assert job.snapshot()["steps"] == held["steps"]
        for k in range(1, 6):  # no polling: the counter is right as soon as step_once returns
            job.step_once()
            snapshot = job.snapshot()
            assert snapshot["steps"] == held["steps"] + k
            assert {lane.steps[-1] for lane in snapshot["lanes"].values()} == {held["steps"] + k}
        job.resume()
        assert _wait(lambda: job.snapshot()["steps"] > held["steps"] + 10)
        assert job.snapshot()["steps_per_second"] > 0
    finally:
        job.stop()


def test_first_run_on_an_idle_server_is_starting_not_queued(Job):
    seen = []
    job = Job({"A": SMALL})
    watcher = threading.Thread(target=lambda: [seen.append(job.state) or time.sleep(0.001) for _ in range(3000)])
    job.start()
    watcher.start()
    try:
        assert _wait(lambda: job.state == "running")
        watcher.join()
        assert "queued" not in seen
        assert job.snapshot()["ahead"] is None
    finally:
        job.stop()


def test_queue_serves_runs_in_arrival_order_and_says_how_many_are_ahead(Job):
    holders = [Job({"A": SMALL}).start() for _ in range(jobs.MAX_RUNNING)]
    try:
        assert _wait(lambda: all(h.state == "running" for h in holders))
        waiting = []
        for _ in range(3):
            waiting.append(Job({"B": SMALL}).start())
            assert _wait(lambda: waiting[-1].state == "queued")
        assert [w.snapshot()["ahead"] for w in waiting] == [0, 1, 2]
        holders[0].stop()  # one slot frees: the first in line gets it, the others move up
        assert _wait(lambda: waiting[0].state == "running")
        assert [w.state for w in waiting[1:]] == ["queued", "queued"]
        assert [w.snapshot()["ahead"] for w in waiting[1:]] == [0, 1]
        waiting[0].stop()
        assert _wait(lambda: waiting[1].state == "running")
        assert waiting[2].state == "queued" and waiting[2].snapshot()["ahead"] == 0
    finally:
        for job in holders + waiting:
            job.stop()


def test_slot_queue_is_fifo_under_contention():
    queue, stop, got = SlotQueue(1), threading.Event(), []
    first = object()
    assert queue.acquire(first, stop)
    names = [f"run {k}" for k in range(6)]
    threads = []
    for name in names:  # arrive one after another while the slot is taken
        t = threading.Thread(target=lambda n=name: queue.acquire(n, stop) and (got.append(n), queue.release()))
        t.start()
        threads.append(t)
        assert _wait(lambda n=name: queue.ahead_of(n) is not None, 5)
    queue.release()
    for t in threads:
        t.join(10)
    assert got == names


def test_a_stopped_waiter_leaves_the_line():
    queue, stop = SlotQueue(1), threading.Event()
    assert queue.acquire("holder", stop)
    leaver_stop = threading.Event()
    t = threading.Thread(target=lambda: queue.acquire("leaver", leaver_stop))
    t.start()
    assert _wait(lambda: queue.ahead_of("leaver") == 0, 5)
    leaver_stop.set()
    t.join(5)
    assert queue.ahead_of("leaver") is None
    queue.release()
    assert queue.acquire("next", stop)


@pytest.mark.parametrize(
    "value, expected", [(None, 2), ("5", 5), ("1", 1), ("64", 64), ("0", 2), ("65", 2), ("-3", 2), ("two", 2), ("", 2)]
)
def test_a_replica_caps_its_runs_from_the_environment(monkeypatch, value, expected):
    if value is None:
        monkeypatch.delenv("RNNVIZ_MAX_RUNS", raising=False)
    else:
        monkeypatch.setenv("RNNVIZ_MAX_RUNS", value)
    assert int(env_setting("RNNVIZ_MAX_RUNS", 2, 1, 64)) == expected


def _unlimited(label="A"):
    return TrainingJob({label: SMALL})


def test_a_paused_run_gives_its_slot_back_and_queues_again_on_resume(monkeypatch):
    """The lecturer's run starts while a student's runs are paused; the student's Resume waits."""
    monkeypatch.setattr(jobs, "PAUSE_HOLD_S", 0.5)
    student = [_unlimited("S").start() for _ in range(jobs.MAX_RUNNING)]
    lecturer = None
    try:
        assert _wait(lambda: all(j.state == "running" for j in student))
        for job in student:
            job.pause()
        lecturer = TrainingJob({"L": SMALL}, max_steps=10**6).start()
        assert _wait(lambda: lecturer.state == "queued")
        assert _wait(lambda: lecturer.state == "running", 10)  # within the hold, not "after the tab closed"
        assert _wait(lambda: all(j.state == "paused" and not j.holds_slot for j in student), 5)
        assert "gave its training slot back" in student[0].snapshot()["message"]
        held = student[0].snapshot()["steps"]
        student[0].resume()  # every slot is taken (the lecturer, the other paused run's returned one)
        assert _wait(lambda: student[0].holds_slot or student[0].state == "queued")
        assert _wait(lambda: student[0].snapshot()["steps"] > held, 10)  # a slot was free: it trains again
        assert lecturer.state == "running"
    finally:
        for job in student + [lecturer]:
            if job is not None:
                job.stop()


def test_a_run_without_a_step_limit_yields_its_slot_when_others_wait(monkeypatch):
    monkeypatch.setattr(jobs, "YIELD_AFTER_S", 0.5)
    hogs = [_unlimited("H").start() for _ in range(jobs.MAX_RUNNING)]
    waiting = None
    try:
        assert _wait(lambda: all(j.state == "running" for j in hogs))
        waiting = TrainingJob({"W": SMALL}, max_steps=10**6).start()
        assert _wait(lambda: waiting.state == "running", 10)
        # one hog went to the back of the line (the hogs then take turns: while one hands its slot to
        # the other, both read "queued" for a moment)
        assert _wait(lambda: sum(j.state == "queued" for j in hogs) == 1)
    finally:
        for job in hogs + [waiting]:
            if job is not None:
                job.stop()


def test_a_run_with_a_step_limit_keeps_its_slot_while_others_wait(monkeypatch):
    monkeypatch.setattr(jobs, "YIELD_AFTER_S", 0.2)
    limited = [TrainingJob({"L": SMALL}, max_steps=10**6).start() for _ in range(jobs.MAX_RUNNING)]
    waiting = _unlimited("W").start()
    try:
        assert _wait(lambda: waiting.state == "queued")
        steps = limited[0].snapshot()["steps"]
        assert _wait(lambda: limited[0].snapshot()["steps"] > steps + 50)
        time.sleep(0.3)  # past YIELD_AFTER_S: still theirs (a limited run ends by itself)
        assert waiting.state == "queued" and all(j.state == "running" for j in limited)
    finally:
        for job in limited + [waiting]:
            job.stop()


def test_a_process_that_exits_with_runs_training_exits_cleanly(tmp_path):
    """Before: 'terminate called without an active exception', exit status 134."""
    script = tmp_path / "exit_alive.py"
    script.write_text(
        "import time\n"
        "from rnnviz.training.jobs import TrainingJob\n"
        "from rnnviz.training.train import TrainConfig\n"
        "config = TrainConfig(task='adding', seq_len=10, hidden_size=8, batch_size=8)\n"
        "jobs = [TrainingJob({'A': config}).start() for _ in range(2)]\n"
        "while not all(j.state == 'running' and j.snapshot()['steps'] > 5 for j in jobs):\n"
        "    time.sleep(0.01)\n"
    )
    root = pathlib.Path(__file__).resolve().parents[2]
    for _ in range(3):
        done = subprocess.run(
            [sys.executable, str(script)],
            cwd=root,
            env={**os.environ, "PYTHONPATH": str(root)},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr[-500:]
