"""A learning rate that diverges stops the run by itself, with finite weights and a sentence
(hardening issue, item 5): every cell × optimiser × task at lr 100 and 1000."""

import math

import pytest
import torch

from rnnviz.tasks import TASKS
from rnnviz.training.train import DIVERGENCE_WINDOW, OPTIMIZERS, TrainConfig, Trainer

LIMIT = 300  # "within a few hundred steps"


@pytest.mark.parametrize("task", list(TASKS))
def test_every_cell_and_optimiser_stops_at_huge_learning_rates(task):
    for cell in ("rnn", "gru", "lstm"):
        for optimizer in OPTIMIZERS:
            for lr in (100.0, 1000.0):
                config = TrainConfig(task=task, cell=cell, optimizer=optimizer, lr=lr, hidden_size=16, batch_size=16)
                trainer = Trainer(config)
                result = None
                for _ in range(LIMIT):
                    result = trainer.train_step()
                    if result["diverged"]:
                        break
                where = (task, cell, optimizer, lr)
                assert result["diverged"], f"{where} still training after {LIMIT} steps"
                assert "too large" in result["diverged"] and "put back" in result["diverged"], where
                assert all(torch.isfinite(p).all() for p in trainer.parameters), where
                # the weights put back are the ones that gave the lowest loss seen
                assert all(torch.equal(p, b) for p, b in zip(trainer.parameters, trainer.best)), where
                assert math.isfinite(trainer.best_loss)


def test_the_restored_weights_give_the_best_loss_they_are_credited_with():
    trainer = Trainer(
        TrainConfig(task="sentiment", cell="gru", optimizer="sgd", lr=100.0, hidden_size=16, batch_size=16, seed=3)
    )
    batches = []
    original = trainer._batch

    def remembered(size, seed=None):
        batch = original(size, seed)
        if seed is None:
            batches.append(batch)
        return batch

    trainer._batch = remembered
    while not trainer.train_step()["diverged"]:
        pass
    from rnnviz.analysis.recording import sequence_loss

    batch = batches[trainer.best_step]  # the batch the best step was measured on
    trainer.model.train()
    with torch.no_grad():
        again = float(sequence_loss(trainer.forward(batch.x), batch.y, batch.mask))
    assert again == pytest.approx(trainer.best_loss, rel=1e-5)


def test_a_loss_stuck_far_above_the_baseline_stops_after_one_window():
    trainer = Trainer(TrainConfig(task="adding", hidden_size=8, batch_size=8))
    trainer.initial_loss = trainer.baseline  # reference = baseline
    for _ in range(DIVERGENCE_WINDOW - 1):
        assert trainer._divergence(10 * trainer.baseline) is None
    assert "averaged" in trainer._divergence(10 * trainer.baseline)


def test_a_healthy_run_is_not_stopped():
    trainer = Trainer(TrainConfig(task="adding", cell="lstm", seq_len=20, hidden_size=32, batch_size=32))
    summary = trainer.run(600)
    assert summary["diverged"] is None and summary["steps"] == 600


def test_a_spike_is_measured_against_the_first_loss_when_that_is_above_the_baseline():
    """The documented rule: one loss above SPIKE × max(baseline, first loss) stops the run."""
    from rnnviz.training.train import SPIKE

    trainer = Trainer(TrainConfig(task="adding", seq_len=10, hidden_size=8, batch_size=8))
    trainer.initial_loss = 10 * trainer.baseline  # an untrained model that starts far above the baseline
    assert trainer._divergence(0.5 * SPIKE * trainer.initial_loss) is None  # far above the baseline alone
    message = trainer._divergence(2 * SPIKE * trainer.initial_loss)
    assert f"{2 * SPIKE:,.0f}× the first loss" in message  # the ratio the rule used, not 20,000× the baseline


def test_a_window_far_above_names_the_reference_it_was_compared_with():
    trainer = Trainer(TrainConfig(task="adding", hidden_size=8, batch_size=8))
    trainer.initial_loss = trainer.baseline / 2  # below the baseline: the baseline is the reference
    for _ in range(DIVERGENCE_WINDOW - 1):
        trainer._divergence(4 * trainer.baseline)
    assert "4.0× the memoryless baseline" in trainer._divergence(4 * trainer.baseline)
