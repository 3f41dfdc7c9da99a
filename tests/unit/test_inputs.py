"""Small input rules: strict integers in links, UTF-16 uploads, labels for a single token, and
sampling that really samples (correct-and-clear 5; hardened 3 and 7)."""

import numpy as np
import pytest
import torch

from rnnviz import RNNSpec
from rnnviz.lessons.batching import TextError, decode_text
from rnnviz.net.spec import SpecError
from rnnviz.tasks import input_labels
from rnnviz.training.sampling import sample
from rnnviz.training.train import TrainConfig, Trainer, TrainingError


@pytest.mark.parametrize("text", ["+5", " 7 ", "7 ", "1_0", "١٢", "１２", "0x10", "1e2", "", "99999999999999999999"])
def test_links_accept_plain_ascii_integers_only(text):
    with pytest.raises(SpecError) as caught:
        RNNSpec.from_params({"hidden_size": text})
    assert caught.value.field == "hidden_size"
    spec, problems = RNNSpec.from_params_lenient({"hidden_size": text, "cell": "gru"})
    assert spec.hidden_size == RNNSpec().hidden_size and spec.cell == "gru" and len(problems) == 1


def test_plain_integers_still_work():
    assert RNNSpec.from_params({"hidden_size": "12", "seq_len": "5"}).hidden_size == 12


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_files_with_a_byte_order_mark_are_read(encoding):
    text = "good i am fine\nhéllo wörld\n"
    data = text.encode(encoding)
    if encoding != "utf-16":  # the plain codec writes its own mark
        data = ("\ufeff" + text).encode(encoding)
    assert decode_text(data) == text


def test_binary_and_utf16_without_a_mark_are_still_refused():
    with pytest.raises(TextError, match="binary"):
        decode_text("no mark".encode("utf-16-le"))
    with pytest.raises(TextError, match="UTF-8"):
        decode_text(b"\xff\xfe\x00")  # a mark, then half a character


def test_a_one_character_text_is_refused_before_start():
    with pytest.raises(TrainingError, match="two different characters"):
        TrainConfig(task="char", text="a").validate()
    with pytest.raises(TrainingError, match="need at least 15"):
        TrainConfig(task="char", text="ab", seq_len=14).validate()
    TrainConfig(task="char", text="ab" * 8, seq_len=14).validate()


def test_labels_for_a_single_token_input():
    assert input_labels(None, torch.tensor(3), 4) == ["3", "∅", "∅", "∅"]


def _model():
    trainer = Trainer(TrainConfig(task="char", cell="gru", hidden_size=16, seed=1))
    trainer.run(30)
    return trainer.model, trainer.task.vocabulary


def test_sampling_draws_from_the_softmax_of_the_scaled_logits():
    """Reference: torch's own softmax of the model's logits. Over 600 seeds the first drawn
    character's frequencies match softmax(logits / T) (total variation below 0.08)."""
    model, vocabulary = _model()
    temperature = 1.5
    with torch.no_grad():
        ids = torch.tensor([[vocabulary.index(c) for c in "ho"]])
        output, _ = model.core(model.embedding(ids))
        expected = torch.softmax(model.head(output[:, -1])[0].double() / temperature, -1).numpy()
    counts = np.zeros(len(vocabulary))
    for seed in range(600):
        counts[vocabulary.index(sample(model, vocabulary, "ho", 1, temperature, seed=seed).generated[0])] += 1
    assert 0.5 * np.abs(counts / 600 - expected).sum() < 0.08
    assert (counts > 0).sum() >= 3  # it draws more than the argmax


def test_the_seed_is_a_control_and_sampling_differs_from_greedy():
    model, vocabulary = _model()
    greedy = sample(model, vocabulary, "h", 30).text
    drawn = {sample(model, vocabulary, "h", 30, temperature=1.0, seed=seed).text for seed in range(5)}
    assert len(drawn) > 1 and any(text != greedy for text in drawn)
    assert sample(model, vocabulary, "h", 30, 1.0, seed=7).text == sample(model, vocabulary, "h", 30, 1.0, seed=7).text
    top = {sample(model, vocabulary, "h", 30, 1.0, top_k=3, seed=seed).text for seed in range(5)}
    assert len(top) > 1


@pytest.mark.parametrize("cell, order", [("lstm", "i f g o"), ("gru", "r z n"), ("rnn", "h")])
def test_the_vanishing_pages_spectral_radius_is_read_from_the_candidate_block(cell, order):
    """Reference: PyTorch's documented stacking of W_hh (LSTM W_hi|W_hf|W_hg|W_ho, GRU
    W_hr|W_hz|W_hn): each block set to c·I, the radius reported is the candidate's (g, n) c."""
    from rnnviz.analysis.gradients import spectral_radius

    blocks = order.split()
    core = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}[cell](3, 4)
    with torch.no_grad():
        core.weight_hh_l0.copy_(torch.cat([(k + 1) * 0.1 * torch.eye(4) for k in range(len(blocks))]))
    candidate = blocks.index({"lstm": "g", "gru": "n", "rnn": "h"}[cell])
    assert spectral_radius(core, cell) == pytest.approx((candidate + 1) * 0.1)
