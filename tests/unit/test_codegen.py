"""The PyTorch code shown on the Topologies page builds exactly the model of the spec."""

import pytest
import torch

from rnnviz import RNNSpec, build_model, example_input
from rnnviz.net.codegen import keras_code, pytorch_code
from rnnviz.net.spec import TOPOLOGIES


def _renamed(key: str) -> str:
    """SeqModel's core is the generated code's rnn."""
    return "rnn." + key.removeprefix("core.") if key.startswith("core.") else key


@pytest.mark.parametrize("topology", TOPOLOGIES)
@pytest.mark.parametrize("batch_first", [True, False])
@pytest.mark.parametrize("vocab_size", [0, 9])
def test_generated_pytorch_code_equals_build_model(topology, batch_first, vocab_size):
    spec = RNNSpec(
        cell="gru",
        topology=topology,
        batch_first=batch_first,
        vocab_size=vocab_size,
        num_layers=2,
        bidirectional=topology in ("synced", "many_to_one"),
        seq_len=5,
        out_len=3,
    )
    namespace: dict = {}
    exec(pytorch_code(spec), namespace)  # builds `model`, `x`, `y` and prints y.shape
    generated = namespace["model"]
    ours = build_model(spec)
    state = {_renamed(k): v for k, v in ours.state_dict().items()}
    generated.load_state_dict(state, strict=True)
    x = example_input(spec)
    expected, _ = ours(x)
    torch.testing.assert_close(generated(x), expected)
    assert tuple(namespace["y"].shape) == tuple(expected.shape)


@pytest.mark.parametrize("attention", ["dot", "general"])
@pytest.mark.parametrize("batch_first", [True, False])
@pytest.mark.parametrize("decoder_input", ["empty", "token"])
def test_generated_attention_code_equals_build_model(attention, batch_first, decoder_input):
    spec = RNNSpec(
        topology="many_to_many",
        attention=attention,
        batch_first=batch_first,
        decoder_input=decoder_input,
        vocab_size=9,
        output_size=6,
        seq_len=5,
        out_len=3,
    )
    namespace: dict = {}
    exec(pytorch_code(spec), namespace)
    ours = build_model(spec)
    state = {_renamed(k): v for k, v in ours.state_dict().items()}
    namespace["model"].load_state_dict(state, strict=True)
    x = example_input(spec)
    torch.testing.assert_close(namespace["model"](x), ours(x)[0])


@pytest.mark.parametrize(
    "topology,fragment",
    [
        ("many_to_one", "return_sequences=False),  # only the last step"),
        ("synced", "return_sequences=True),  # every step"),
        ("many_to_many", "layers.RepeatVector(4)"),
        ("one_to_one", "no recurrence"),
    ],
)
def test_keras_code_uses_return_sequences_as_the_topology_needs(topology, fragment):
    assert fragment in keras_code(RNNSpec(topology=topology, out_len=4))


def test_bidirectional_keras_wraps_the_layer():
    assert "layers.Bidirectional(layers.GRU(16" in keras_code(RNNSpec(cell="gru", bidirectional=True))
