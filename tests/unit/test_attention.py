"""Attention inside SeqModel (Luong et al. 2015) against PyTorch's own scaled_dot_product_attention
with scale 1: the same scores h_t·e_s (or h_t·W_a e_s), softmax over the reading steps, context
Σ α e_s; then h̃_t = tanh(W_c [c_t; h_t]) and the head."""

import pytest
import torch
from torch.nn.functional import scaled_dot_product_attention

from rnnviz import RNNSpec, build_model, example_input
from rnnviz.analysis.recording import record
from rnnviz.net.spec import SpecError


def reference(model, x: torch.Tensor) -> torch.Tensor:
    spec = model.spec
    output, _ = model.core(model.core_input(x))
    h = output if spec.batch_first else output.transpose(0, 1)
    e = h[:, : spec.input_steps]
    keys = e @ model.score.weight.T if spec.attention == "general" else e
    context = scaled_dot_product_attention(h, keys, e, scale=1.0)
    y = model.head(torch.tanh(torch.cat([context, h], dim=-1) @ model.combine.weight.T + model.combine.bias))
    y = y[:, -spec.output_steps :]
    return y if spec.batch_first else y.transpose(0, 1)


@pytest.mark.parametrize("attention", ["dot", "general"])
@pytest.mark.parametrize("batch_first", [True, False])
@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_attention_equals_pytorch_scaled_dot_product_attention(attention, batch_first, cell):
    torch.manual_seed(0)
    spec = RNNSpec(cell=cell, topology="many_to_many", attention=attention, batch_first=batch_first, seq_len=6)
    model = build_model(spec)
    x = example_input(spec)
    torch.testing.assert_close(model(x)[0], reference(model, x))


def test_attention_changes_the_output_and_gets_gradients():
    torch.manual_seed(0)
    spec = RNNSpec(topology="many_to_many", attention="general")
    model = build_model(spec)
    x = example_input(spec)
    model(x)[0].pow(2).sum().backward()
    assert model.score.weight.grad.abs().sum() > 0 and model.combine.weight.grad.abs().sum() > 0
    plain = build_model(spec.replace(attention="none"))
    plain.load_state_dict({k: v for k, v in model.state_dict().items() if k in plain.state_dict()})
    assert not torch.allclose(plain(x)[0], model(x)[0])


def test_the_recording_reads_out_through_attention():
    torch.manual_seed(0)
    spec = RNNSpec(topology="many_to_many", attention="dot", decoder_input="token", vocab_size=7, output_size=7)
    model = build_model(spec)
    x = example_input(spec)
    recording = record(model, x)
    expected = model(x)[0].detach().numpy()
    torch.testing.assert_close(torch.tensor(recording.outputs), torch.tensor(expected), atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("topology", ["synced", "many_to_one", "one_to_many", "one_to_one"])
def test_attention_needs_an_encoder_decoder(topology):
    with pytest.raises(SpecError, match="only an encoder-decoder"):
        RNNSpec(topology=topology, attention="dot").validate()
