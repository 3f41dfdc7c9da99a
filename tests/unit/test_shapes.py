"""The shape ledger reproduces the seeds' shapes and agrees with torch modules built by hand."""

import pytest
import torch
from torch import nn

from rnnviz import RNNSpec, build_model, shape_ledger


def shape_of(ledger, name):
    rows = ledger[ledger.name == name]
    assert len(rows) == 1, f"no single row {name!r}"
    return tuple(rows.iloc[0]["shape"])


def test_lasagne_adding_example_input():
    ledger = shape_ledger(
        RNNSpec(cell="lstm", topology="many_to_one", batch_size=100, seq_len=55, input_size=2, output_size=1)
    )
    assert shape_of(ledger, "x") == (100, 55, 2)
    assert shape_of(ledger, "y") == (100, 1)


def test_keras_imdb_lstm():
    spec = RNNSpec(
        cell="lstm",
        topology="many_to_one",
        vocab_size=20000,
        input_size=128,
        hidden_size=128,
        batch_size=32,
        seq_len=100,
        output_size=1,
    )
    ledger = shape_ledger(spec)
    assert shape_of(ledger, "x") == (32, 100)
    assert shape_of(ledger, "embedded x") == (32, 100, 128)
    assert shape_of(ledger, "output at the last step") == (32, 128)
    assert shape_of(ledger, "return_sequences=False") == (32, 128)
    assert shape_of(ledger, "return_sequences=True") == (32, 100, 128)
    assert shape_of(ledger, "core.weight_ih_l0") == (512, 128)
    assert shape_of(ledger, "embedding.weight") == (20000, 128)


def test_pytorch_char_rnn_tutorial():
    ledger = shape_ledger(
        RNNSpec(cell="rnn", topology="synced", batch_size=3, seq_len=14, input_size=17, hidden_size=12, output_size=17)
    )
    assert shape_of(ledger, "x") == (3, 14, 17)
    assert shape_of(ledger, "output") == (3, 14, 12)
    assert shape_of(ledger, "h_n") == (1, 3, 12)
    assert shape_of(ledger, "y flattened") == (42, 17)


def test_chollet_unbatched_toy():
    ledger = shape_ledger(RNNSpec(cell="rnn", topology="synced", seq_len=100, input_size=32, hidden_size=64))
    assert shape_of(ledger, "x, one sequence") == (100, 32)
    assert shape_of(ledger, "output, one sequence") == (100, 64)


@pytest.mark.parametrize("cell,cls", [("rnn", nn.RNN), ("lstm", nn.LSTM), ("gru", nn.GRU)])
@pytest.mark.parametrize("batch_first", [True, False])
def test_ledger_agrees_with_a_torch_module_built_by_hand(cell, cls, batch_first):
    B, T, F, H, L = 5, 7, 3, 6, 2
    spec = RNNSpec(
        cell=cell,
        batch_size=B,
        seq_len=T,
        input_size=F,
        hidden_size=H,
        num_layers=L,
        bidirectional=True,
        batch_first=batch_first,
    )
    ledger = shape_ledger(spec)
    module = cls(F, H, num_layers=L, bidirectional=True, batch_first=batch_first)
    x = torch.randn((B, T, F) if batch_first else (T, B, F))
    output, state = module(x)
    h_n = state[0] if cell == "lstm" else state
    assert shape_of(ledger, "x") == tuple(x.shape)
    assert shape_of(ledger, "output") == tuple(output.shape)
    assert shape_of(ledger, "h_n") == tuple(h_n.shape) == (L * 2, B, H)
    assert shape_of(ledger, "h_0") == (L * 2, B, H)
    assert ("c_0" in set(ledger.name)) == (cell == "lstm")
    for name, p in module.named_parameters():
        assert shape_of(ledger, "core." + name) == tuple(p.shape)
    total = ledger[ledger.name == "all parameters"].iloc[0]["elements"]
    assert total == sum(p.numel() for p in build_model(spec).parameters())


def test_gate_stacking_is_named_on_the_weight_rows():
    ledger = shape_ledger(RNNSpec(cell="lstm", hidden_size=10, input_size=3))
    row = ledger[ledger.name == "core.weight_ih_l0"].iloc[0]
    assert row["shape"] == (40, 3) and "i, f, g, o" in row["axes"]
    gru = shape_ledger(RNNSpec(cell="gru", hidden_size=10, input_size=3))
    assert "r, z, n" in gru[gru.name == "core.weight_hh_l0"].iloc[0]["axes"]


@pytest.mark.parametrize("topology", ["one_to_many", "many_to_many"])
def test_padded_core_input_row_for_topologies_with_empty_steps(topology):
    spec = RNNSpec(topology=topology, seq_len=5, out_len=3, batch_size=2, input_size=4)
    assert shape_of(shape_ledger(spec), "core input") == (2, spec.steps, 4)
