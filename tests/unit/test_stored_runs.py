"""Runs on disk: a job's saved copy loads back as the same run; a broken or missing file is
None, never an error; only the newest KEEP_RUNS files are kept."""

import os

from rnnviz.serving import stored_runs
from rnnviz.training.jobs import TrainingJob
from rnnviz.training.train import TrainConfig


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
