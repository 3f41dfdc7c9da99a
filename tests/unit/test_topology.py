"""The five topologies as data, and the model's shapes per topology and layout."""

import numpy as np
import pytest
import torch

from rnnviz import RNNSpec, build_model, example_input, timeline
from rnnviz.net.spec import TOPOLOGIES

B, T, OUT, F, O = 3, 5, 4, 2, 6


@pytest.mark.parametrize(
    "topology,steps,reads,emits",
    [
        ("one_to_one", 1, [1], [1]),
        ("one_to_many", OUT, [1, 0, 0, 0], [1, 1, 1, 1]),
        ("many_to_one", T, [1, 1, 1, 1, 1], [0, 0, 0, 0, 1]),
        ("many_to_many", T + OUT, [1] * T + [0] * OUT, [0] * T + [1] * OUT),
        ("synced", T, [1] * T, [1] * T),
    ],
)
def test_timeline_marks_inputs_and_outputs(topology, steps, reads, emits):
    line = timeline(RNNSpec(topology=topology, seq_len=T, out_len=OUT))
    assert line.steps == steps
    assert line.reads_input.tolist() == [bool(v) for v in reads]
    assert line.emits_output.tolist() == [bool(v) for v in emits]
    assert (line.in_loss == line.emits_output).all()


EXPECTED_Y = {
    "one_to_one": (B, O),
    "one_to_many": (B, OUT, O),
    "many_to_one": (B, O),
    "many_to_many": (B, OUT, O),
    "synced": (B, T, O),
}


@pytest.mark.parametrize("topology", TOPOLOGIES)
@pytest.mark.parametrize("batch_first", [True, False])
@pytest.mark.parametrize("vocab_size", [0, 7])
def test_model_shapes_per_topology(topology, batch_first, vocab_size):
    spec = RNNSpec(
        topology=topology,
        batch_size=B,
        seq_len=T,
        out_len=OUT,
        input_size=F,
        output_size=O,
        batch_first=batch_first,
        vocab_size=vocab_size,
    )
    model = build_model(spec)
    x = example_input(spec)
    y, (h_n, c_n) = model(x)
    expected = EXPECTED_Y[topology]
    if not batch_first and len(expected) == 3:
        expected = (expected[1], expected[0], expected[2])
    assert tuple(y.shape) == expected
    assert tuple(h_n.shape) == (1, B, spec.hidden_size)


@pytest.mark.parametrize("topology", ["one_to_many", "many_to_many"])
def test_empty_steps_are_zeros_and_the_core_runs_over_all_steps(topology):
    spec = RNNSpec(topology=topology, batch_size=B, seq_len=T, out_len=OUT, input_size=F)
    model = build_model(spec)
    x = example_input(spec)
    features = model.core_input(x)
    line = timeline(spec)
    assert features.shape[1] == line.steps
    assert float(features[:, ~torch.from_numpy(line.reads_input)].abs().max()) == 0.0
    assert float(features[:, torch.from_numpy(line.reads_input)].abs().min()) > 0.0


@pytest.mark.parametrize("topology", TOPOLOGIES)
def test_kept_outputs_are_the_synced_outputs_at_the_marked_steps(topology):
    """The general form: the model's y equals the head applied to every step, then sliced."""
    spec = RNNSpec(topology=topology, batch_size=B, seq_len=T, out_len=OUT, input_size=F, output_size=O)
    model = build_model(spec)
    x = example_input(spec)
    y, _ = model(x)
    output, _ = model.core(model.core_input(x))
    every_step = model.head(output)  # (B, steps, O)
    kept = every_step[:, np.flatnonzero(timeline(spec).emits_output)]
    torch.testing.assert_close(y.reshape(kept.shape), kept)


def test_token_model_rejects_float_input():
    model = build_model(RNNSpec(vocab_size=5))
    with pytest.raises(ValueError, match="token ids"):
        model(torch.randn(4, 8, 3))


@pytest.mark.parametrize("topology", ["synced", "many_to_one"])
def test_a_model_reads_sequences_of_any_length(topology):
    spec = RNNSpec(topology=topology, seq_len=5, batch_size=2, input_size=3, output_size=4)
    model = build_model(spec)
    x = torch.randn(2, 11, 3)
    y, _ = model(x)
    assert tuple(y.shape) == ((2, 11, 4) if topology == "synced" else (2, 4))
    from rnnviz import record

    rec = record(model, x)
    assert rec.hidden.shape[2] == 11 and rec.spec.seq_len == 11
    assert np.abs(rec.outputs - y.detach().numpy()).max() < 1e-5
