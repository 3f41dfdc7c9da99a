"""The Train page's addition task (Keras' addition RNN with empty decoder inputs): the batches
say what they should, the memoryless baseline is what torch's cross-entropy gives it, and an
LSTM of 128 units solves 2-digit sums."""

import torch

from rnnviz.tasks import TASKS
from rnnviz.training.train import TrainConfig, Trainer

TASK = TASKS["add_digits"]


def _text(ids) -> str:
    return "".join(TASK.vocabulary[int(i)] for i in ids)


def test_questions_read_backwards_and_answers_are_their_sums():
    for seq_len in (3, 5, 7, 8):
        batch = TASK.generate(500, seq_len, torch.Generator().manual_seed(seq_len))
        digits = (seq_len - 1) // 2
        assert batch.x.shape == (500, seq_len) and batch.y.shape == (500, digits + 1)
        for question, answer in zip(batch.x, batch.y):
            a, b = _text(question)[::-1].strip().split("+")
            assert len(a) <= digits and len(b) <= digits
            assert int(a) + int(b) == int(_text(answer))
        spec = TASK.spec(seq_len=seq_len)
        assert spec.input_steps == seq_len and spec.output_steps == digits + 1 and spec.topology == "many_to_many"


def test_the_baseline_is_the_cross_entropy_of_the_best_memoryless_answer():
    batch = TASK.generate(40_000, 5, torch.Generator().manual_seed(1))
    frequencies = torch.stack([torch.bincount(batch.y[:, p], minlength=12) for p in range(3)]).double()
    logits = (frequencies / frequencies.sum(1, keepdim=True)).clamp_min(1e-12).log()  # (positions, tokens)
    loss = torch.nn.functional.cross_entropy(logits.expand(40_000, 3, 12).reshape(-1, 12), batch.y.reshape(-1))
    assert abs(float(loss) - TASK.baseline(5)) < 0.01
    accuracy = (logits.argmax(-1).expand(40_000, 3) == batch.y).double().mean()
    assert abs(float(accuracy) - TASK.chance(5)) < 0.01


def test_an_lstm_of_128_solves_two_digit_sums():
    trainer = Trainer(TrainConfig(task="add_digits", cell="lstm", hidden_size=128, lr=0.003, seed=0))
    summary = trainer.run(3000, until_solved=True)
    assert summary["solved"] and summary["value"] >= 0.99 and summary["steps"] <= 3000
