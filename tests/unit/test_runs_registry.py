"""Runs by id (issue: hardened for a room, item 4): a link shows a run to anyone, but only the
browser that started it, or one that opened its control link, controls it; watchers never keep
a run alive; a browser has one active run per page; a released run outlives its tabs for a
grace period, then the reaper stops it."""

import pytest

from rnnviz.serving import runs_registry as registry
from rnnviz.serving.runs_registry import RunLimitError

LECTURER, STUDENT = "a" * 32, "b" * 32


class Job:
    def __init__(self, active=True):
        self.stopped = False
        self.active = active
        self.state = "running" if active else "finished"

    def stop(self, wait: float = 0):
        self.stopped = True
        self.active = False
        self.state = "stopped"


@pytest.fixture(autouse=True)
def own_registry(monkeypatch):
    """A registry of this test's runs only (other tests' sessions leave runs behind)."""
    monkeypatch.setattr(registry, "GRACE_SECONDS", 10.0)
    monkeypatch.setattr(registry, "_runs", {})
    monkeypatch.setattr(registry, "_start_reaper", lambda: None)  # the tests call reap and save_due themselves
    saved = []
    monkeypatch.setattr(registry.stored_runs, "save", lambda run_id, job, *owners: saved.append((run_id, job.state)))
    return saved


def test_runs_are_saved_while_they_train_when_their_state_changes_and_when_reaped(own_registry, monkeypatch):
    monkeypatch.setattr(registry.stored_runs, "SAVE_EVERY_S", 30.0)
    job = Job()
    run_id = registry.register(job, LECTURER, "train")
    t = registry._runs[run_id].saved
    assert registry.save_due(t) == [run_id]  # new: saved at once
    assert registry.save_due(t + 29) == []
    assert registry.save_due(t + 30) == [run_id]  # trained another 30 s
    job.state = "paused"
    assert registry.save_due(t + 31) == [run_id]  # a change of state is saved at once
    registry.release(job, LECTURER)
    assert registry.reap(registry._runs[run_id].released + 10) == [run_id]
    assert own_registry[-1] == (run_id, "stopped")  # stopped by the reaper, then saved


def test_a_released_run_is_stopped_only_after_the_grace_period():
    job = Job()
    run_id = registry.register(job, LECTURER, "train")
    registry.release(job, LECTURER)
    released_at = registry._runs[run_id].released
    assert registry.reap(released_at + 9.9) == [] and not job.stopped
    assert registry.reap(released_at + 10.0) == [run_id] and job.stopped
    assert registry.claim(run_id, LECTURER) is None  # gone


def test_a_reload_claims_the_run_back_in_time():
    job = Job()
    run_id = registry.register(job, LECTURER, "train")
    registry.release(job, LECTURER)  # the old tab's session ends
    assert registry.claim(run_id, LECTURER) is job  # the reloaded tab finds it
    assert registry.reap(10**9) == [] and not job.stopped


def test_two_tabs_hold_a_run_until_both_let_go():
    job = Job()
    run_id = registry.register(job, LECTURER, "train")
    assert registry.claim(run_id, LECTURER) is job  # a second tab of the same browser
    registry.release(job, LECTURER)
    assert registry.reap(10**9) == [] and not job.stopped  # one tab still shows it
    registry.release(job, LECTURER)
    assert registry.reap(10**9) == [run_id] and job.stopped


def test_unknown_ids_and_forgotten_runs_are_not_found():
    job = Job()
    run_id = registry.register(job, LECTURER, "train")
    registry.forget(job)
    assert registry.claim(run_id, LECTURER) is None and registry.claim("deadbeefdeadbeef") is None
    assert registry.RUN_ID.fullmatch(run_id)  # 64 random bits


def test_a_link_shows_the_run_to_anyone_but_only_its_browser_controls_it():
    job = Job()
    run_id = registry.register(job, LECTURER, "train")
    assert registry.claim(run_id, STUDENT) is job  # the projected link: the student sees the run
    assert registry.controls(run_id, LECTURER) and not registry.controls(run_id, STUDENT)
    assert not registry.controls(run_id, "")  # a session without a browser id controls nothing
    assert registry.control_link_code(run_id, STUDENT) is None  # the student cannot read the code


def test_a_watcher_does_not_keep_a_run_alive():
    job = Job()
    run_id = registry.register(job, LECTURER, "train")
    registry.claim(run_id, STUDENT)
    registry.release(job, LECTURER)  # the lecturer's tab closes; the student still watches
    assert registry.reap(10**9) == [run_id] and job.stopped


def test_the_control_link_hands_control_and_a_wrong_code_does_not():
    job = Job()
    run_id = registry.register(job, LECTURER, "train")
    code = registry.control_link_code(run_id, LECTURER)
    assert len(code) >= 20
    assert not registry.take_control(run_id, STUDENT, code[:-1] + ("x" if code[-1] != "x" else "y"))
    assert not registry.controls(run_id, STUDENT)
    assert registry.take_control(run_id, STUDENT, code) and registry.controls(run_id, STUDENT)
    registry.release(job, LECTURER)  # the lecturer left; the student now holds it
    assert registry.reap(10**9) == [] and not job.stopped


def test_one_active_run_per_browser_and_page():
    first = Job()
    registry.register(first, STUDENT, "train")
    with pytest.raises(RunLimitError, match="already has a run"):
        registry.register(Job(), STUDENT, "train")  # a second tab
    registry.register(Job(), STUDENT, "race")  # another page is another slot of attention
    registry.register(Job(), LECTURER, "train")  # another browser
    first.stop()
    registry.register(Job(), STUDENT, "train")  # once the first has ended
