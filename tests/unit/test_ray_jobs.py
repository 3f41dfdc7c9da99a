"""Runs on a real Ray cluster (a head started here, on loopback, with two CPUs): start, pause,
exactly one step, probes, stop, an actor that dies; the losses are the ones a Trainer in this
process takes, so the run trained where it was sent and came back whole."""

import time

import pytest
import torch

from scripts.ray_cluster import RayCluster, auth_env
from tests.unit.test_process_jobs import _wait as wait

AUTH = auth_env()  # tests/conftest.py put this session's token in the environment before ray was imported
ray = pytest.importorskip("ray")

from rnnviz.serving import ray_jobs  # noqa: E402
from rnnviz.serving.ray_jobs import RayJob  # noqa: E402
from rnnviz.training.train import TrainConfig, Trainer  # noqa: E402

SMALL = TrainConfig(task="adding", seq_len=10, hidden_size=8, batch_size=8, eval_every=10, probe_every=10)


@pytest.fixture(scope="module")
def cluster():
    """A Ray head on loopback for this module; its address."""
    with RayCluster(env=AUTH) as started, pytest.MonkeyPatch.context() as patch:
        patch.setattr(ray_jobs, "ADDRESS", started.address)
        try:
            yield started.address
        finally:
            ray.shutdown()


def _wait(predicate, seconds=60.0):
    return wait(predicate, seconds)


def test_a_run_on_the_cluster_pauses_steps_once_probes_and_stops(cluster):
    job = RayJob({"LSTM": SMALL}).start()
    assert _wait(lambda: job.snapshot()["steps"] >= 15)
    job.pause()
    assert job.state == "paused"
    at = job.snapshot()["steps"]
    time.sleep(0.5)  # (a paused run's counter stays put: nothing to wait for)
    assert job.snapshot()["steps"] == at
    job.step_once()
    assert job.snapshot()["steps"] == at + 1 and job.state == "paused"
    lane = job.snapshot()["lanes"]["LSTM"]
    trainer = Trainer(SMALL)
    assert lane.loss == [trainer.train_step()["loss"] for _ in range(at + 1)]
    assert [r.step for r in lane.recordings] == list(range(0, at + 1, 10))  # the probes came across
    _, model, step = job.model_copy("LSTM")
    assert step == at + 1
    for name, value in trainer.model.state_dict().items():
        torch.testing.assert_close(model.state_dict()[name], value)
    job.stop()
    assert job.state == "stopped" and not job.alive and job.checkpoint("LSTM")["meta"]["step"] == at + 1


def test_a_finished_run_keeps_its_final_weights_and_an_actor_that_dies_fails_its_run(cluster):
    done = RayJob({"GRU": SMALL.replace(cell="gru")}, max_steps=30).start()
    done.join(120)
    assert done.state == "finished" and done.snapshot()["steps"] == 30 and done.model_copy("GRU")[2] == 30

    job = RayJob({"LSTM": SMALL}).start()
    assert _wait(lambda: job.snapshot()["steps"] > 3)
    ray.kill(job._actor)  # as a node lost would
    assert _wait(lambda: job.state == "failed")
    assert "Ray actor" in job.message and "the server goes on" in job.message
    assert job.snapshot()["lanes"]["LSTM"].steps  # what it did stays shown
    job.pause(), job.step_once(), job.stop()  # controls of a lost run do nothing, quickly
