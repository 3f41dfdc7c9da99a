"""The settings table is the one source: TrainConfig's fields and checks, the CLI's options and the
run-file reader come from it; weight decay, added as one entry and its use, trains as
torch.optim's own weight_decay."""

import dataclasses

import pytest
import torch

from rnnviz.__main__ import main
from rnnviz.files.runs import _config
from rnnviz.training.settings import TRAINING
from rnnviz.training.train import OPTIMIZERS, TrainConfig, Trainer, TrainingError


def test_trainconfig_has_exactly_the_tables_fields_and_defaults():
    fields = {f.name: f.default for f in dataclasses.fields(TrainConfig)}
    assert fields == {name: setting.default for name, setting in TRAINING.items()}


@pytest.mark.parametrize("name", [n for n, s in TRAINING.items() if s.kind in ("int", "float")])
def test_every_number_is_refused_just_outside_its_bounds_and_taken_at_them(name):
    setting = TRAINING[name]
    step = 1 if setting.kind == "int" else 1e-9
    for value in (setting.low - step, setting.high + step * max(1, setting.high)):
        with pytest.raises(TrainingError, match=setting.label):
            TrainConfig(**{name: value}).validate()
    assert setting.check(setting.low) is None and setting.check(setting.high) is None


def test_a_run_file_configuration_is_checked_by_the_same_table():
    from rnnviz.files.runs import RunFileError

    with pytest.raises(RunFileError, match="weight decay"):
        _config({"weight_decay": 5.0}, "lane 0")
    assert _config({}, "lane 0").weight_decay == 0.0  # an older file, without the setting: its default


@pytest.mark.parametrize("optimizer", ["adam", "sgd", "rmsprop"])
def test_weight_decay_is_torch_optims_own(optimizer):
    config = TrainConfig(task="adding", seq_len=10, hidden_size=8, batch_size=4, optimizer=optimizer)
    trainer = Trainer(config.replace(weight_decay=0.05))
    reference = Trainer(config)  # the same seed: the same weights and the same batches
    reference.optimizer = OPTIMIZERS[optimizer](reference.parameters, lr=config.lr, weight_decay=0.05)
    for _ in range(3):
        trainer.train_step()
        reference.train_step()
    for mine, theirs in zip(trainer.parameters, reference.parameters, strict=True):
        torch.testing.assert_close(mine, theirs, atol=0, rtol=0)
    without = Trainer(config)
    for _ in range(3):
        without.train_step()
    assert any(not torch.equal(a, b) for a, b in zip(trainer.parameters, without.parameters))


def test_the_cli_takes_every_cli_setting_from_the_table(capsys):
    assert main(["train", "--steps", "2", "--seq-len", "10", "--hidden-size", "4", "--weight-decay", "0.01"]) == 0
    assert main(["train", "--steps", "2", "--weight-decay", "3"]) == 2
    assert "weight decay (weight_decay) must be a number between 0 and 1" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    shown = capsys.readouterr().out
    for name in (name for name, setting in TRAINING.items() if setting.cli):
        assert f"--{name.replace('_', '-')}" in shown, name
