"""Runs in worker processes (ProcessJob): what the page reads comes across whole (probes,
evaluations, weights, the run file); a diverging run stops as in a thread; a worker that dies
leaves its run failed with a sentence, gives its slot back, and the server trains the next run."""

import time

import pytest
import torch

from rnnviz.files.runs import load_run, run_bytes
from rnnviz.serving import process_jobs
from rnnviz.serving.process_jobs import ProcessJob
from rnnviz.training.jobs import SLOTS
from rnnviz.training.train import TrainConfig, Trainer

SMALL = TrainConfig(task="adding", seq_len=10, hidden_size=8, batch_size=8, eval_every=10, probe_every=10)


def _wait(predicate, seconds=30.0):
    deadline = time.time() + seconds
    while not predicate() and time.time() < deadline:
        time.sleep(0.01)
    return predicate()


def test_a_finished_run_has_everything_a_thread_run_has_and_the_same_numbers():
    job = ProcessJob({"LSTM": SMALL}, max_steps=40).start()
    job.join(60)
    snapshot = job.snapshot()
    lane = snapshot["lanes"]["LSTM"]
    assert snapshot["state"] == "finished" and snapshot["steps"] == 40 and lane.steps == list(range(1, 41))
    assert [e["step"] for e in lane.evaluations] == [0, 10, 20, 30, 40]
    assert [r.step for r in lane.recordings] == [w[0] for w in lane.weights] == [0, 10, 20, 30, 40]
    trainer = Trainer(SMALL)  # the same config trained here, in this process: the same losses
    losses = [trainer.train_step()["loss"] for _ in range(40)]
    assert lane.loss == losses
    _, model, step = job.model_copy("LSTM")
    assert step == 40
    for name, value in trainer.model.state_dict().items():
        torch.testing.assert_close(model.state_dict()[name], value)
    saved = load_run(run_bytes(job))
    assert saved.last_step == 40 and saved.lanes["LSTM"].loss == losses


def test_a_diverging_run_stops_with_its_sentence():
    config = TrainConfig(task="sentiment", cell="gru", optimizer="sgd", lr=100.0, hidden_size=16, batch_size=16, seed=3)
    job = ProcessJob({"GRU": config}).start()
    job.join(120)
    assert job.state == "diverged" and "too large" in job.message


def test_a_worker_that_dies_fails_its_run_frees_its_slot_and_the_next_run_trains():
    job = ProcessJob({"LSTM": SMALL}).start()
    assert _wait(lambda: job.snapshot()["steps"] > 5)
    job._process.kill()  # as the kernel's OOM killer would
    assert _wait(lambda: job.state == "failed")
    assert "ended unexpectedly" in job.message and "the server goes on" in job.message
    assert _wait(lambda: SLOTS._free == SLOTS.slots)
    assert job.model_copy("LSTM") is None and job.snapshot()["lanes"]["LSTM"].steps  # what it did stays shown
    job.pause(), job.resume(), job.step_once(), job.stop()  # controls of a dead run do nothing, quickly
    after = ProcessJob({"LSTM": SMALL}, max_steps=20).start()
    after.join(60)
    assert after.state == "finished"


def test_a_recipe_trains_in_a_worker_process_and_stop_ends_it():
    from rnnviz.lessons.recipes import RECIPES
    from rnnviz.lessons.recipes.job import RecipeJob

    job = RecipeJob(RECIPES["char_rnn"], 0).start()
    assert _wait(lambda: job.state == "finished", 120), job.message
    assert _wait(lambda: not job.alive) and job._process.exitcode == 0
    assert job.points and "good i am fine" in job.result.summary
    assert [x for x, _ in job.points] == [x for x, _ in job.result.points]  # every printed point arrived
    running = RecipeJob(RECIPES["char_rnn"], 1).start()
    assert _wait(lambda: running.points)
    running.stop(wait=10)
    assert running.state == "stopped" and not running._process.is_alive()
    assert _wait(lambda: SLOTS._free == SLOTS.slots)


def test_past_the_cap_on_worker_processes_a_new_run_is_refused_with_a_sentence(monkeypatch):
    import pytest

    from rnnviz.serving import process_jobs
    from rnnviz.training.train import TrainingError

    monkeypatch.setattr(process_jobs, "MAX_WORKERS", 1)
    first = ProcessJob({"LSTM": SMALL}).start()
    try:
        with pytest.raises(TrainingError, match="already holds 1 runs in training processes"):
            ProcessJob({"LSTM": SMALL})
    finally:
        first.stop()
    assert _wait(lambda: not first.alive)
    ProcessJob({"LSTM": SMALL}, max_steps=5).start().join(60)  # its worker gone, the next one may start


def test_a_run_paused_long_lets_its_worker_go_and_resume_trains_on_as_if_it_never_had(monkeypatch):
    """Parked: the worker process ends (it no longer counts against the cap), the run stays
    paused with a sentence; Step and Resume start a new worker, and every loss equals the one an
    uninterrupted Trainer takes."""
    monkeypatch.setattr(process_jobs, "PARK_AFTER_S", 0.5)
    job = ProcessJob({"LSTM": SMALL}, max_steps=400).start()
    assert _wait(lambda: job.snapshot()["steps"] >= 8)
    job.pause()
    at = job.snapshot()["steps"]
    first = job._process
    assert _wait(lambda: job._parked and not first.is_alive())
    assert job.state == "paused" and "training process was let go" in job.message and not job.alive
    assert job.model_copy("LSTM")[2] == at  # what the page reads stays
    job.step_once()  # a new worker, paused, exactly one step
    assert job.alive and job.snapshot()["steps"] == at + 1 and job.state == "paused"
    job.resume()
    job.join(60)
    lane = job.snapshot()["lanes"]["LSTM"]
    trainer = Trainer(SMALL)
    assert job.state == "finished" and lane.steps == list(range(1, 401))
    assert lane.loss == [trainer.train_step()["loss"] for _ in range(400)]


def test_a_parked_run_stops_at_once_and_a_full_server_says_so_on_resume(monkeypatch):
    monkeypatch.setattr(process_jobs, "PARK_AFTER_S", 0.5)
    job = ProcessJob({"LSTM": SMALL}).start()
    assert _wait(lambda: job.snapshot()["steps"] >= 2)
    job.pause()
    assert _wait(lambda: job._parked)
    monkeypatch.setattr(process_jobs, "MAX_WORKERS", 0)
    job.resume()
    assert job.state == "paused" and not job.alive and "most it keeps at once" in job.message
    job.stop()
    assert job.state == "stopped" and not job.active


def test_a_one_off_computation_in_a_worker_returns_what_the_function_returns_or_says_why_not():
    from rnnviz.lessons.padding import train_both
    from rnnviz.serving.process_jobs import in_worker

    assert in_worker(train_both, 12, 20, 10) == train_both(12, 20, 10)  # computed elsewhere, the same numbers
    with pytest.raises(RuntimeError, match="failed: ValueError"):
        in_worker(int, "not a number")
    assert SLOTS._free == SLOTS.slots  # its training slot is back
