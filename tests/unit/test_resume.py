"""A trainer restored from a checkpoint goes on exactly as the uninterrupted one: the reference is
the same run never stopped (same losses bit for bit, same weights), through the file format too."""

import math

import pytest
import torch

from rnnviz.files.resume_file import resume_bytes, resume_from_bytes
from rnnviz.files.unzip import RunFileError, UnpackBudget
from rnnviz.training.resume import check, checkpoint, restore
from rnnviz.training.train import TrainConfig, Trainer


def losses(trainer: Trainer, steps: int) -> list[float]:
    return [trainer.train_step()["loss"] for _ in range(steps)]


@pytest.mark.parametrize(
    "config",
    [
        TrainConfig(task="adding", cell="lstm", hidden_size=8, seq_len=12, batch_size=8, seed=3),
        TrainConfig(task="parity", cell="gru", hidden_size=8, seq_len=8, batch_size=8, optimizer="rmsprop", seed=1),
        TrainConfig(task="reverse", cell="lstm", hidden_size=8, seq_len=6, batch_size=8, optimizer="sgd", seed=2),
    ],
    ids=["adam", "rmsprop", "sgd"],
)
def test_a_restored_trainer_takes_the_steps_the_uninterrupted_one_takes(config):
    whole = Trainer(config)
    expected = losses(whole, 30)

    first = Trainer(config)
    before = losses(first, 12)
    saved = resume_from_bytes(resume_bytes(checkpoint(first)), "LSTM", UnpackBudget())
    losses(first, 5)  # the first trainer goes on; the checkpoint is a copy
    torch.manual_seed(12345)  # another process's global random state
    second = restore(Trainer(config), saved)
    assert second.steps == 12
    assert before + losses(second, 18) == expected
    for a, b in zip(whole.model.state_dict().values(), second.model.state_dict().values()):
        assert torch.equal(a, b)


def test_the_divergence_memory_is_restored():
    config = TrainConfig(task="adding", cell="rnn", hidden_size=8, seq_len=10, batch_size=8)
    trainer = Trainer(config)
    losses(trainer, 60)
    restored = restore(Trainer(config), checkpoint(trainer))
    assert restored.recent == trainer.recent and restored.best_window == trainer.best_window
    assert restored.best_loss == trainer.best_loss and restored.initial_loss == trainer.initial_loss
    fresh = checkpoint(Trainer(config))
    assert fresh["meta"]["best_loss"] is None and math.isinf(restore(Trainer(config), fresh).best_loss)


def test_a_state_for_another_model_is_refused_with_a_sentence():
    small = TrainConfig(task="adding", cell="lstm", hidden_size=8, seq_len=10, batch_size=8)
    trainer = Trainer(small)
    losses(trainer, 2)
    saved = checkpoint(trainer)
    with pytest.raises(ValueError, match="shape"):
        check(Trainer(small.replace(hidden_size=9)), saved)
    with pytest.raises(ValueError, match="does not keep"):
        check(Trainer(small), {**saved, "tensors": {**saved["tensors"], "optimizer.99.exp_avg": torch.zeros(1)}})
    with pytest.raises(ValueError, match="lacks"):
        check(Trainer(small), {**saved, "tensors": {k: v for k, v in saved["tensors"].items() if k != "generator"}})
    with pytest.raises(ValueError, match="step counter"):
        check(Trainer(small), {**saved, "meta": {**saved["meta"], "recent": [float("nan")]}})


def test_a_damaged_member_is_a_run_file_error():
    with pytest.raises(RunFileError, match="resume state"):
        resume_from_bytes(b"\x08\x00\x00\x00\x00\x00\x00\x00{}garbage", "LSTM", UnpackBudget())
