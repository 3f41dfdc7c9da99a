"""Runs outlive their tab for a grace period: claimed again in time they go on; otherwise the
reaper stops them and frees their slot (lecture-mode issue, item 4)."""

import pytest

from rnnviz import runs_registry as registry


class Job:
    def __init__(self):
        self.stopped = False

    def stop(self):
        self.stopped = True


@pytest.fixture(autouse=True)
def own_registry(monkeypatch):
    """A registry of this test's runs only (other tests' sessions leave runs behind)."""
    monkeypatch.setattr(registry, "GRACE_SECONDS", 10.0)
    for name in ("_runs", "_holders", "_released"):
        monkeypatch.setattr(registry, name, {})


def test_a_released_run_is_stopped_only_after_the_grace_period():
    job = Job()
    run_id = registry.register(job)
    registry.release(job)
    released_at = registry._released[run_id]
    assert registry.reap(released_at + 9.9) == [] and not job.stopped
    assert registry.reap(released_at + 10.0) == [run_id] and job.stopped
    assert registry.claim(run_id) is None  # gone


def test_a_reload_claims_the_run_back_in_time():
    job = Job()
    run_id = registry.register(job)
    registry.release(job)  # the old tab's session ends
    assert registry.claim(run_id) is job  # the reloaded tab finds it
    assert registry.reap(10**9) == [] and not job.stopped


def test_two_tabs_hold_a_run_until_both_let_go():
    job = Job()
    run_id = registry.register(job)
    assert registry.claim(run_id) is job  # a second tab with the link
    registry.release(job)
    assert registry.reap(10**9) == [] and not job.stopped  # one tab still shows it
    registry.release(job)
    assert registry.reap(10**9) == [run_id] and job.stopped


def test_unknown_ids_and_forgotten_runs_are_not_found():
    job = Job()
    run_id = registry.register(job)
    registry.forget(job)
    assert registry.claim(run_id) is None and registry.claim("deadbeef") is None
