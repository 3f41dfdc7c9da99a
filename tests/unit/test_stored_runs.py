"""Runs on disk: a job's saved copy loads back as the same run, and resumed (in a thread or a
worker process) trains on exactly as if it had never stopped; a broken or missing file is None,
never an error; only the newest KEEP_RUNS files are kept."""

import os

import pytest
import torch

from rnnviz.files.runs import Run, load_run, run_bytes
from rnnviz.serving import stored_runs
from rnnviz.serving.process_jobs import ProcessJob
from rnnviz.training.jobs import TrainingJob
from rnnviz.training.train import TrainConfig, Trainer
from tests.unit.test_process_jobs import _wait


def test_a_saved_job_loads_back_with_its_history_and_weights(tmp_path, monkeypatch):
    monkeypatch.setattr(stored_runs, "RUNS_DIR", tmp_path)
    job = TrainingJob({"LSTM": TrainConfig(task="adding", seq_len=10, hidden_size=8, eval_every=5)}, max_steps=12)
    job.start().join(60)
    stored_runs.save("0123456789abcdef", job)
    saved = stored_runs.load("0123456789abcdef")
    lane, kept = job.snapshot()["lanes"]["LSTM"], saved.lanes["LSTM"]
    assert saved.state == "finished" and saved.last_step == 12
    assert kept.loss[-1] == lane.loss[-1] and kept.config == lane.config
    _, model, step = saved.model_copy("LSTM")
    _, live, _ = job.model_copy("LSTM")
    assert step == 12 and all((a == b).all() for a, b in zip(model.state_dict().values(), live.state_dict().values()))
    assert not list(tmp_path.glob("*.partial"))  # written whole, then moved into place


def test_missing_and_broken_files_are_none(tmp_path, monkeypatch):
    monkeypatch.setattr(stored_runs, "RUNS_DIR", tmp_path)
    assert stored_runs.load("0123456789abcdef") is None
    (tmp_path / "0123456789abcdef.rnnrun").write_bytes(b"PK\x03\x04 not a zip")
    assert stored_runs.load("0123456789abcdef") is None


def test_only_the_newest_files_are_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(stored_runs, "RUNS_DIR", tmp_path)
    monkeypatch.setattr(stored_runs, "KEEP_RUNS", 3)
    for k in range(5):
        path = tmp_path / f"{k:016x}.rnnrun"
        path.write_bytes(b"x")
        os.utime(path, (1000 + k, 1000 + k))
    stored_runs.prune()
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{k:016x}.rnnrun" for k in (2, 3, 4)]


@pytest.mark.parametrize("kind", [TrainingJob, ProcessJob], ids=["thread", "process"])
def test_a_saved_run_resumed_takes_the_steps_the_uninterrupted_run_takes(tmp_path, monkeypatch, kind):
    """The reference is a Trainer that never stopped: the resumed run's whole loss curve (saved
    part, then trained part) equals its losses, and the step counter goes on from the save."""
    monkeypatch.setattr(stored_runs, "RUNS_DIR", tmp_path)
    config = TrainConfig(task="adding", seq_len=10, hidden_size=8, batch_size=8, eval_every=5, probe_every=5)
    job = kind({"LSTM": config}).start()
    assert _wait(lambda: job.snapshot()["steps"] >= 12)
    job.pause()
    stored_runs.save("0123456789abcdef", job, {"browser-a"}, "train")
    job.stop()
    saved = stored_runs.load("0123456789abcdef")
    at = saved.last_step
    assert at >= 12 and saved.resumable and set(saved.resume) == {"LSTM"}
    assert stored_runs.owned_by("0123456789abcdef", "browser-a")
    assert not stored_runs.owned_by("0123456789abcdef", "browser-b") and not stored_runs.owned_by("x", "browser-a")
    assert "browser-a" not in (tmp_path / "0123456789abcdef.json").read_text()  # only its digest

    resumed = kind({"LSTM": config}, max_steps=at + 20, resume_from=saved).start()
    resumed.join(60)
    lane = resumed.snapshot()["lanes"]["LSTM"]
    trainer = Trainer(config)
    expected = [trainer.train_step()["loss"] for _ in range(at + 20)]
    assert resumed.state == "finished" and lane.steps == list(range(1, at + 21))
    assert lane.loss == expected
    assert [e["step"] for e in lane.evaluations] == list(range(0, at + 21, 5))
    _, model, step = resumed.model_copy("LSTM")
    assert step == at + 20
    for name, value in trainer.model.state_dict().items():
        torch.testing.assert_close(model.state_dict()[name], value)


def test_a_finished_run_or_one_without_resume_state_is_not_resumable(tmp_path, monkeypatch):
    monkeypatch.setattr(stored_runs, "RUNS_DIR", tmp_path)
    job = TrainingJob({"LSTM": TrainConfig(task="adding", seq_len=10, hidden_size=8)}, max_steps=5)
    job.start().join(60)
    stored_runs.save("0123456789abcdef", job)
    finished = stored_runs.load("0123456789abcdef")
    assert finished.resume and not finished.resumable  # its budget is spent
    assert not load_run(run_bytes(job)).resume  # a download carries no resume state


def test_a_save_while_training_has_the_history_of_every_step_its_resume_state_took():
    """A step is recorded just after it is taken; a save in between must not hold a resume state
    one step ahead of its history (the resumed curve would miss that step)."""
    config = TrainConfig(task="adding", seq_len=10, hidden_size=8, batch_size=8, eval_every=1, probe_every=1)
    job = TrainingJob({"LSTM": config}).start()
    try:
        assert _wait(lambda: job.snapshot()["steps"] >= 2)
        for _ in range(40):
            run = Run.of(job, resume=True)
            assert run.lanes["LSTM"].steps[-1] == run.resume["LSTM"]["meta"]["step"]
    finally:
        job.stop()
