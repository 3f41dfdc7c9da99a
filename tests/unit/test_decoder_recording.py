"""record_decoder against PyTorch: the same logits as the model's own decoder (nn.LSTMCell etc.),
and dL/dh_t equal to autograd's through a hand-written loop of the model's own modules."""

import random

import numpy as np
import pytest
import torch

from rnnviz.analysis.decoder_recording import record_decoder
from rnnviz.training.seq2seq import ADDITION, REVERSAL, Seq2Seq


def _model(cell, attention, feedback="previous", task=ADDITION):
    torch.manual_seed(3)
    return Seq2Seq(task.vocabulary, hidden=12, embedding=5, cell=cell, attention=attention, feedback=feedback).double()


def _reference_grads(model, src, tgt):
    """The model's own modules in a plain teacher-forced loop; h.retain_grad() gives dL/dh_t."""
    encoded, state = model.encoder(model.embedding(src))
    h, c = (state[0][0], state[1][0]) if model.cell == "lstm" else (state[0], None)
    token = torch.full((src.shape[0],), model.start)
    logits, hs = [], []
    for t in range(tgt.shape[1]):
        x = model.step_input(token)
        if c is not None:
            h, c = model.decoder(x, (h, c))
        else:
            h = model.decoder(x, h)
        h.retain_grad()
        hs.append(h)
        top = h
        if model.attention:
            keys = model.score(encoded) if model.score is not None else encoded
            alpha = torch.softmax(torch.einsum("bh,bsh->bs", h, keys), dim=-1)
            top = torch.tanh(model.combine(torch.cat([torch.einsum("bs,bsh->bh", alpha, encoded), h], dim=-1)))
        logits.append(model.out(top))
        token = tgt[:, t]
    loss = torch.nn.functional.cross_entropy(torch.stack(logits, 1).reshape(-1, model.vocab_size), tgt.reshape(-1))
    loss.backward()
    return np.stack([h.grad.numpy() for h in hs])


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
@pytest.mark.parametrize("attention", [None, "dot", "general"])
def test_teacher_forced_recording_equals_the_model_and_autograd(cell, attention):
    model = _model(cell, attention)
    src, tgt, _ = ADDITION.batch(6, random.Random(1))
    recorded = record_decoder(model, src, tgt, teacher_forcing=1.0)
    decoded = model(src, tgt, teacher_forcing=1.0)
    assert torch.allclose(recorded.logits, decoded.logits, rtol=0, atol=1e-12)
    assert np.allclose(recorded.hidden.transpose(1, 0, 2), decoded.states.detach().numpy(), rtol=0, atol=1e-12)
    assert np.allclose(recorded.hidden_grad, _reference_grads(model, src, tgt), rtol=1e-10, atol=1e-14)
    assert np.abs(recorded.hidden_grad).max() > 0
    expected = {"lstm": {"i", "f", "g", "o"}, "gru": {"r", "z", "n"}, "rnn": set()}[cell]
    assert set(recorded.gates) == expected
    for values in recorded.gates.values():
        assert values.shape == (tgt.shape[1], 6, 12)
    if cell == "lstm":  # the gates really make the state: h_t = o ⊙ tanh(c_t)
        assert np.allclose(recorded.hidden, recorded.gates["o"] * np.tanh(recorded.cell), atol=1e-12)
    assert (recorded.attention is not None) == (attention is not None)


def test_free_running_reads_its_own_predictions_and_equals_the_model():
    model = _model("lstm", "dot", task=REVERSAL)
    src, tgt, _ = REVERSAL.batch(5, random.Random(2))
    recorded = record_decoder(model, src, tgt, teacher_forcing=0.0)
    decoded = model(src, tgt, teacher_forcing=0.0)
    assert torch.allclose(recorded.logits, decoded.logits, atol=1e-12)
    assert (recorded.inputs[:, 0] == model.start).all()
    assert (recorded.inputs[:, 1:] == recorded.tokens[:, :-1]).all()  # each step read the last prediction
    assert np.allclose(recorded.attention.sum(-1), 1.0)
    forced = record_decoder(model, src, tgt, teacher_forcing=1.0)
    assert (forced.inputs[:, 1:] == tgt[:, :-1].numpy()).all()  # each step read the true previous token


def test_a_partial_ratio_draws_its_coins_as_the_model_does():
    model = _model("gru", None)
    src, tgt, _ = ADDITION.batch(4, random.Random(5))
    recorded = record_decoder(model, src, tgt, teacher_forcing=0.5, seed=9)
    decoded = model(src, tgt, teacher_forcing=0.5, rng=random.Random(9))
    assert torch.allclose(recorded.logits, decoded.logits, atol=1e-12)


def test_empty_feedback_reads_zeros_and_the_shapes_are_the_tensors():
    model = _model("lstm", "general", feedback="empty")
    src, tgt, _ = ADDITION.batch(3, random.Random(0))
    recorded = record_decoder(model, src, tgt)
    assert torch.allclose(recorded.logits, model(src, tgt, teacher_forcing=1.0).logits, atol=1e-12)
    B, S, L = 3, ADDITION.source_len, ADDITION.target_len
    assert recorded.shapes["src"] == (B, S) and recorded.shapes["encoder outputs"] == (B, S, 12)
    assert recorded.shapes["decoder input x_t"] == (B, 5) and recorded.shapes["decoder state h_t"] == (B, 12)
    assert recorded.shapes["attention weights α_t"] == (B, S) and recorded.shapes["logits"] == (B, L, 12)


def _arrows(fig, colour):
    return [a for a in fig.layout.annotations if a.showarrow and a.arrowcolor == colour]


@pytest.mark.parametrize("feedback", ["previous", "empty"])
@pytest.mark.parametrize("attention", [None, "dot"])
def test_the_unrolled_diagram_draws_what_the_recording_read(feedback, attention):
    from rnnviz.plots import colors
    from rnnviz.plots.decoder import seq2seq_figure
    from rnnviz.training.seq2seq import START

    model = _model("lstm", attention, feedback=feedback, task=REVERSAL)
    src, tgt, pairs = REVERSAL.batch(1, random.Random(4))
    recorded = record_decoder(model, src, tgt, teacher_forcing=0.0)
    read = [(REVERSAL.vocabulary + START)[int(i)] for i in recorded.inputs[0]]
    written = REVERSAL.decode(recorded.tokens)[0]
    fig = seq2seq_figure(pairs[0][0], read, written, feedback, attention is not None, recorded.shapes)
    S, L = REVERSAL.source_len, REVERSAL.target_len
    by_name = {trace.name: trace for trace in fig.data}
    assert list(by_name["input x_s (the question)"].text) == list(pairs[0][0])
    assert list(by_name["output y_t"].text) == list(written)
    feedbacks = _arrows(fig, colors.HIGHLIGHT)
    if feedback == "previous":
        assert list(by_name["decoder input: the previous output"].text) == [START, *written[:-1]]
        assert len(feedbacks) == L - 1  # from each output but the last to the next step's input
        assert all(a.ay == 2.0 and a.y == 0.0 and a.x > a.ax for a in feedbacks)
    else:
        assert list(by_name["empty input (zeros)"].text) == ["0"] * L and not feedbacks
    recurrent = [a for a in fig.layout.annotations if a.showarrow and a.y == a.ay == 1.0]
    assert len(recurrent) == S + L - 1  # one chain through encoder and decoder
    assert bool(fig.layout.shapes) == (attention is not None)
    assert any(a.text == "(1, 5)" for a in fig.layout.annotations)  # the decoder input's shape (B, E)
