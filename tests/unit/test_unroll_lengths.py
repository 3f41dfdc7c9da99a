"""unroll with lengths (issue: padding and packing): the explicit loop on a padded batch equals the
fused module on a PackedSequence, outputs (zero at padding), h_n and c_n, and their gradients."""

import itertools

import pytest
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from rnnviz.net.unroll import unroll

CASES = list(itertools.product((nn.RNN, nn.GRU, nn.LSTM), (1, 2), (False, True), (False, True)))


@pytest.mark.parametrize("cls,layers,bidirectional,batch_first", CASES)
def test_unroll_with_lengths_equals_the_packed_module(cls, layers, bidirectional, batch_first):
    torch.manual_seed(layers)
    module = cls(3, 5, num_layers=layers, bidirectional=bidirectional, batch_first=batch_first).double()
    batch, steps = 4, 7
    shape = (batch, steps, 3) if batch_first else (steps, batch, 3)
    x = torch.randn(*shape, dtype=torch.float64)
    lengths = torch.tensor([7, 3, 5, 1])
    packed = pack_padded_sequence(x, lengths, batch_first=batch_first, enforce_sorted=False)
    output, state = module(packed)
    output, _ = pad_packed_sequence(output, batch_first=batch_first, total_length=steps)
    h_n, c_n = state if cls is nn.LSTM else (state, None)
    unrolled = unroll(module, x, lengths=lengths)
    torch.testing.assert_close(unrolled.output, output, rtol=0, atol=1e-12)
    torch.testing.assert_close(unrolled.h_n, h_n, rtol=0, atol=1e-12)
    if c_n is not None:
        torch.testing.assert_close(unrolled.c_n, c_n, rtol=0, atol=1e-12)
    target = torch.randn_like(output)
    expected = torch.autograd.grad(((output - target) ** 2).sum() + h_n.sum(), list(module.parameters()))
    found = torch.autograd.grad(((unrolled.output - target) ** 2).sum() + unrolled.h_n.sum(), list(module.parameters()))
    for a, b in zip(found, expected):
        torch.testing.assert_close(a, b, rtol=0, atol=1e-10)


def test_output_at_the_last_column_is_not_the_last_real_step():
    """The learner's bug, in numbers: output[:, -1] of a padded sequence is zero under packing
    (and, unpacked, a state that read padding); the last real output equals h_n."""
    torch.manual_seed(0)
    gru = nn.GRU(3, 4, batch_first=True).double()
    x = torch.randn(2, 6, 3, dtype=torch.float64)
    lengths = torch.tensor([6, 2])
    unrolled = unroll(gru, x, lengths=lengths)
    last_real = unrolled.output[torch.arange(2), lengths - 1]
    torch.testing.assert_close(last_real, unrolled.h_n[0])
    assert float(unrolled.output[1, -1].detach().abs().max()) == 0.0  # packed: nothing at a padded step
    unpacked_last = gru(x)[0][1, -1]  # without packing the GRU ran over the padding
    assert float((unpacked_last - last_real[1]).detach().abs().max()) > 1e-3


@pytest.mark.parametrize("bad", [[7, 3, 5], [0, 3, 5, 1], [8, 3, 5, 1], [1.5, 2.0, 3.0, 1.0]])
def test_bad_lengths_are_refused_with_a_sentence(bad):
    gru = nn.GRU(3, 4, batch_first=True)
    with pytest.raises(ValueError, match="length"):
        unroll(gru, torch.randn(4, 7, 3), lengths=torch.tensor(bad))
