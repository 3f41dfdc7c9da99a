"""The encoder-decoder (issue: encoder-decoder done right): the teacher-forced decoder is the loop
one would write by hand; it learns 2-digit addition (the CLI, free-running exact match ≥ 99%);
free-running falls behind teacher-forced after a short budget; attention learns to look at the
mirrored position on reversal."""

import json
import random

import torch

from rnnviz.__main__ import main
from rnnviz.training.seq2seq import ADDITION, REVERSAL, Seq2Seq, train


def test_teacher_forced_decoding_equals_a_hand_written_loop():
    torch.manual_seed(0)
    for attention in (None, "dot", "general"):
        model = Seq2Seq(ADDITION.vocabulary, hidden=16, attention=attention).double()
        src, tgt, _ = ADDITION.batch(5, random.Random(1))
        decoded = model(src, tgt, teacher_forcing=1.0)
        encoded, (h, c) = model.encoder(model.embedding(src))
        h, c = h[0], c[0]
        previous = torch.full((5,), model.start)
        for t in range(tgt.shape[1]):  # each step reads the true previous token
            h, c = model.decoder(model.embedding(previous), (h, c))
            top = h
            if attention:
                keys = encoded if attention == "dot" else encoded @ model.score.weight.T
                alpha = torch.softmax((keys * h[:, None]).sum(-1), dim=-1)
                context = (alpha[:, :, None] * encoded).sum(1)
                top = torch.tanh(model.combine(torch.cat([context, h], -1)))
                torch.testing.assert_close(decoded.attention[:, t], alpha)
            torch.testing.assert_close(decoded.logits[:, t], model.out(top), rtol=0, atol=1e-12)
            previous = tgt[:, t]


def test_the_cli_learns_two_digit_addition_free_running(capsys):
    argv = ["train", "--task", "addition", "--cell", "lstm", "--hidden-size", "128", "--lr", "0.003"]
    assert main(argv + ["--steps", "4000", "--eval-every", "250", "--until-solved", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert summary["exact match"] >= 0.99 and summary["solved"]
    assert summary["steps"] <= 4000 and summary["seconds"] > 0


def test_exposure_bias_free_running_falls_behind_after_a_short_budget():
    torch.manual_seed(0)
    model = Seq2Seq(ADDITION.vocabulary, hidden=128)
    last = train(model, ADDITION, updates=500, teacher_forcing=1.0, every=500)[-1]
    assert last["free-running tokens"] < last["teacher-forced tokens"]
    forced, free = last["teacher-forced by position"], last["free-running by position"]
    assert forced[0] == free[0]  # the first position reads the start token either way


def test_attention_on_reversal_looks_at_the_mirrored_input():
    torch.manual_seed(0)
    model = Seq2Seq(REVERSAL.vocabulary, hidden=64, attention="dot")
    train(model, REVERSAL, updates=400, every=400)
    src, _, _ = REVERSAL.batch(200, random.Random(5))
    with torch.no_grad():
        looked_at = model(src, length=REVERSAL.target_len).attention.argmax(-1)  # (B, L)
    mirrored = torch.arange(REVERSAL.source_len - 1, -1, -1)
    assert float((looked_at == mirrored).float().mean()) >= 0.9


def test_empty_feedback_decoders_read_nothing_but_the_state():
    torch.manual_seed(0)
    model = Seq2Seq(REVERSAL.vocabulary, hidden=16, feedback="empty")
    src, tgt, _ = REVERSAL.batch(4, random.Random(2))
    forced, free = model(src, tgt, teacher_forcing=1.0), model(src, length=tgt.shape[1])
    torch.testing.assert_close(forced.logits, free.logits)  # what is fed back does not matter


def test_a_mistake_at_the_last_position_is_not_said_to_be_read_by_later_steps():
    from rnnviz.training.seq2seq import mistake_sentence

    assert mistake_sentence(None, 3) == "."
    assert "every later step reads it" in mistake_sentence(0, 3) and "position 1" in mistake_sentence(1, 3)
    last = mistake_sentence(2, 3)
    assert "last output position (2)" in last and "no later step" in last and "every later" not in last
