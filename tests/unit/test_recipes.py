"""Recipes (issue: tutorials reproduced exactly): each builds its source's tensors, and the
char-RNN recipe is the notebook itself: the same losses as the notebook's code, run inline here."""

import re

import numpy as np
import pytest
import torch
from torch import nn

from rnnviz.lessons.recipes import RECIPES, char_rnn, chollet, keras_imdb, lasagne_adding, ptb, seed_spread


def notebook(seed: int) -> tuple[list[float], str]:
    """The notebook's code (gabrielloye/RNN-walkthrough), inline and independent of rnnviz, with
    the characters numbered in sorted order (the notebook's set order changes with the hash seed)."""
    text = ["hey how are you", "good i am fine", "have a nice day"]
    chars = sorted(set("".join(text)))
    int2char = dict(enumerate(chars))
    char2int = {char: ind for ind, char in int2char.items()}
    maxlen = len(max(text, key=len))
    for i in range(len(text)):
        while len(text[i]) < maxlen:
            text[i] += " "
    input_seq, target_seq = [], []
    for i in range(len(text)):
        input_seq.append(text[i][:-1])
        target_seq.append(text[i][1:])
    for i in range(len(text)):
        input_seq[i] = [char2int[character] for character in input_seq[i]]
        target_seq[i] = [char2int[character] for character in target_seq[i]]
    dict_size, seq_len, batch_size = len(char2int), maxlen - 1, len(text)

    def one_hot_encode(sequence, dict_size, seq_len, batch_size):
        features = np.zeros((batch_size, seq_len, dict_size), dtype=np.float32)
        for i in range(batch_size):
            for u in range(seq_len):
                features[i, u, sequence[i][u]] = 1
        return features

    input_seq = torch.from_numpy(one_hot_encode(input_seq, dict_size, seq_len, batch_size))
    target_seq = torch.Tensor(target_seq)

    class Model(nn.Module):
        def __init__(self, input_size, output_size, hidden_dim, n_layers):
            super().__init__()
            self.hidden_dim, self.n_layers = hidden_dim, n_layers
            self.rnn = nn.RNN(input_size, hidden_dim, n_layers, batch_first=True)
            self.fc = nn.Linear(hidden_dim, output_size)

        def forward(self, x):
            hidden = torch.zeros(self.n_layers, x.size(0), self.hidden_dim)
            out, hidden = self.rnn(x, hidden)
            out = out.contiguous().view(-1, self.hidden_dim)
            return self.fc(out), hidden

    torch.manual_seed(seed)
    model = Model(input_size=dict_size, output_size=dict_size, hidden_dim=12, n_layers=1)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    printed = []
    for epoch in range(1, 101):
        optimizer.zero_grad()
        output, hidden = model(input_seq)
        loss = criterion(output, target_seq.view(-1).long())
        loss.backward()
        optimizer.step()
        if epoch % 10 == 0:
            printed.append(loss.item())

    def predict(model, character):
        character = np.array([[char2int[c] for c in character]])
        character = torch.from_numpy(one_hot_encode(character, dict_size, character.shape[1], 1))
        out, hidden = model(character)
        prob = nn.functional.softmax(out[-1], dim=0).data
        return int2char[torch.max(prob, dim=0)[1].item()], hidden

    def sample(model, out_len, start="hey"):
        model.eval()
        chars = [ch for ch in start.lower()]
        for _ in range(out_len - len(chars)):
            char, _ = predict(model, chars)
            chars.append(char)
        return "".join(chars)

    return printed, sample(model, 15, "good")


def test_the_char_rnn_recipe_is_the_notebook_and_lands_where_the_notebook_does():
    samples = []
    for seed in range(5):
        result = RECIPES["char_rnn"].train(seed)
        losses = [loss for _, loss in result.points]
        reference, reference_sample = notebook(seed)
        np.testing.assert_allclose(losses, reference, atol=1e-6)  # same seed, same operations
        assert 0.10 <= losses[-1] <= 0.30
        assert result.extra["sample"] == reference_sample
        samples.append(result.extra["sample"])
    assert sum(s == "good i am fine " for s in samples) >= 4
    assert [x for x, _ in RECIPES["char_rnn"].published] == list(range(10, 101, 10))


def test_char_rnn_tensors_have_the_notebooks_shapes():
    shapes = {name: shape for name, shape, _ in char_rnn.shapes()}
    assert shapes["input_seq"] == (3, 14, 17) and shapes["target_seq"] == (3, 14)
    assert shapes["output"] == (42, 17) and shapes["hidden"] == (1, 3, 12)


def test_the_spread_covers_every_seed_it_was_made_from():
    spread = seed_spread("char_rnn")
    for seed in (0, 7):
        for x, value in RECIPES["char_rnn"].train(seed).points:
            assert spread[x][0] <= value <= spread[x][1]
    assert seed_spread("lasagne_adding") is None  # too slow to run several seeds in a page


def test_lasagne_gen_data_is_the_examples_adding_batch():
    rng = np.random.RandomState(0)
    X, y, mask = lasagne_adding.gen_data(rng)
    assert X.shape == (100, 55, 2) and y.shape == (100,) and mask.shape == (100, 55)
    lengths = mask.sum(1).astype(int)
    assert lengths.min() >= 50 and lengths.max() <= 54
    markers = X[:, :, 1] - X[:, :, 1].min()  # centring shifted the marker channel
    raw_values = X[:, :, 0] - X[:, :, 0][mask == 0].mean()  # padded values were 0 before centring
    for n in range(100):
        first, second = np.flatnonzero(markers[n] > 0.5)
        assert first < lengths[n] / 10 and int(lengths[n] / 2) <= second < lengths[n]  # randint truncates
    sums = np.array([raw_values[n, np.flatnonzero(markers[n] > 0.5)].sum() for n in range(100)])
    np.testing.assert_allclose(y, sums - sums.mean(), atol=1e-5)  # the sum of the marked values, centred


def masked_recurrent_layer(layer, x, mask, backwards):
    """Lasagne's RecurrentLayer with a mask, written as its scan: h = tanh(x W_in + h W_hid + b) where
    mask is 1, h held where it is 0; backwards=True scans the steps from last to first."""
    w_in, w_hid = layer.weight_ih_l0.detach().double().numpy(), layer.weight_hh_l0.detach().double().numpy()
    b = (layer.bias_ih_l0 + layer.bias_hh_l0).detach().double().numpy()
    h = np.zeros((x.shape[0], w_hid.shape[0]))
    steps = range(x.shape[1] - 1, -1, -1) if backwards else range(x.shape[1])
    for t in steps:
        new = np.tanh(x[:, t] @ w_in.T + h @ w_hid.T + b)
        h = np.where(mask[:, t : t + 1] > 0, new, h)
    return h


def test_lasagne_network_is_the_masked_bidirectional_scan():
    torch.manual_seed(0)
    network = lasagne_adding.Network()
    X, y, mask = lasagne_adding.gen_data(np.random.RandomState(1), n_batch=6)
    forward = masked_recurrent_layer(network.forward_layer, X.astype(np.float64), mask, backwards=False)
    backward = masked_recurrent_layer(network.backward_layer, X.astype(np.float64), mask, backwards=True)
    dense_w, dense_b = network.dense.weight.detach().double().numpy(), network.dense.bias.detach().double().numpy()
    expected = np.tanh(np.concatenate([forward, backward], axis=1) @ dense_w.T + dense_b)[:, 0]
    out = network(torch.from_numpy(X), torch.from_numpy(mask))
    np.testing.assert_allclose(out.detach().numpy(), expected, atol=1e-5)  # float32 against float64, 54 steps


def test_lasagne_backward_layer_reaches_the_prediction():
    torch.manual_seed(0)
    network = lasagne_adding.Network()
    X, y, mask = (torch.from_numpy(a) for a in lasagne_adding.gen_data(np.random.RandomState(2)))
    torch.mean((network(X, mask) - y) ** 2).backward()
    for layer in (network.forward_layer, network.backward_layer):
        for weight in layer.parameters():
            assert float(weight.grad.abs().sum()) > 0
    assert network.dense.weight.shape == (1, 200)  # ConcatLayer of the two final states


def test_lasagne_weights_are_he_uniform_with_gain_one():
    torch.manual_seed(0)
    network = lasagne_adding.Network()
    for weight, fan_in in ((network.forward_layer.weight_ih_l0, 2), (network.backward_layer.weight_hh_l0, 100)):
        bound = np.sqrt(3.0 / fan_in)  # Lasagne: std = sqrt(1 / fan_in), Uniform(std) spans ±sqrt(3)·std
        largest = float(weight.detach().abs().max())
        assert 0.95 * bound < largest <= bound


def test_lasagne_trains():
    _, costs = lasagne_adding.train(0, epochs=2, epoch_size=30)
    assert len(costs) == 2 and all(np.isfinite(costs))


def test_keras_imdb_shapes_and_parameter_counts():
    shapes = {name: shape for name, shape, _ in keras_imdb.shapes()}
    assert shapes["x"] == (32, 100) and shapes["Embedding output"] == (32, 100, 128)
    assert shapes["LSTM(128) output"] == (32, 128) and shapes["Dense(1, sigmoid)"] == (32, 1)
    counts = keras_imdb.parameter_counts()
    assert counts["embedding"] == (2_560_000, 2_560_000) and counts["dense"] == (129, 129)
    assert counts["lstm"] == (131_584, 131_584 + 4 * 128)  # PyTorch's second bias
    x = keras_imdb.reviews(3)
    assert ((x == 0).cumprod(1).sum(1) == (x == 0).sum(1)).all()  # zeros only at the front: padding='pre'


@pytest.mark.parametrize("batch_size,num_steps", [(20, 20), (4, 7), (1, 1), (3, 35)])
def test_ptb_producer_equals_a_direct_port_of_the_tutorials(batch_size, num_steps):
    ids = ptb.word_ids(ptb.corpus(), ptb.build_vocab(ptb.corpus()))
    epoch_size, windows = ptb.ptb_producer(ids, batch_size, num_steps)
    reference_size, reference = numpy_ptb_producer(ids, batch_size, num_steps)
    assert epoch_size == reference_size == ((len(ids) // batch_size) - 1) // num_steps
    for (x, y), (rx, ry) in zip(windows, reference, strict=True):
        np.testing.assert_array_equal(x.numpy(), rx)
        np.testing.assert_array_equal(y.numpy(), ry)
        np.testing.assert_array_equal(x[:, 1:].numpy(), y[:, :-1].numpy())  # the target is the next word
    with pytest.raises(ValueError, match="epoch_size == 0"):
        ptb.ptb_producer(ids[:10], 20, 20)


def test_ptb_vocabulary_is_numbered_by_frequency_and_training_lowers_perplexity():
    text = " b a a \n c b a \n"  # ptb.*.txt: a space before and after every line's words
    assert ptb.read_words(text) == ["b", "a", "a", "<eos>", "c", "b", "a", "<eos>"]
    assert ptb.build_vocab(text) == {"a": 0, "<eos>": 1, "b": 2, "c": 3}  # ties alphabetically
    _, history = ptb.train(0, epochs=3)
    vocabulary = len(ptb.build_vocab(ptb.corpus()))
    assert history[0][0] < vocabulary * 1.5 and history[-1][0] < history[0][0] / 2


def test_chollet_numpy_loop_equals_torch_and_has_the_books_shapes():
    result = chollet.run(0)
    assert result["numpy"].shape == (100, 64) and result["inputs"].shape == (100, 32)
    assert result["largest difference"] < 1e-12
    assert RECIPES["chollet"].train(0).points == []


def test_the_cli_runs_a_recipe_and_prints_its_points_beside_the_sources(capsys):
    import json

    from rnnviz.__main__ import main

    assert main(["train", "--recipe", "char_rnn", "--seed", "1", "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    points, summary = lines[:-1], lines[-1]
    assert {(p["event"], p["x_label"], p["metric"]) for p in points} == {("point", "epoch", "loss")}
    assert [p["x"] for p in points] == list(range(10, 101, 10))
    assert [p["published"] for p in points] == [v for _, v in RECIPES["char_rnn"].published]
    assert [p["value"] for p in points] == [v for _, v in RECIPES["char_rnn"].train(1).points]
    assert summary["event"] == "summary" and "good i am fine" in summary["text"]
    assert main(["train", "--recipe", "keras_imdb"]) == 0
    assert re.search(r"lstm\s+Keras\s+131,584 parameters, PyTorch\s+132,096", capsys.readouterr().out)


def numpy_ptb_producer(raw_data, batch_size, num_steps):
    """A direct NumPy port of TensorFlow's reader.ptb_producer arithmetic: the reference."""
    raw = np.array(raw_data, dtype=np.int32)
    batch_len = len(raw) // batch_size
    data = raw[0 : batch_size * batch_len].reshape([batch_size, batch_len])
    epoch_size = (batch_len - 1) // num_steps
    return epoch_size, [
        (data[:, i * num_steps : (i + 1) * num_steps], data[:, i * num_steps + 1 : (i + 1) * num_steps + 1])
        for i in range(epoch_size)
    ]
