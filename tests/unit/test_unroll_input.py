"""unroll on bad input: the same refusals as the fused module, as ValueErrors that name the
expected shape; half precision works like the fused module (hardening issue, item 6)."""

import pytest
import torch
from torch import nn

from rnnviz.net.unroll import unroll

CORES = [nn.RNN, nn.LSTM, nn.GRU]


@pytest.mark.parametrize("dtype,tolerance", [(torch.bfloat16, 2e-2), (torch.float16, 2e-3)])
@pytest.mark.parametrize("core", CORES)
def test_half_precision_matches_the_fused_module(core, dtype, tolerance):
    torch.manual_seed(0)
    module = core(3, 6, num_layers=2, bidirectional=True).to(dtype)
    x = torch.randn(5, 2, 3).to(dtype)
    unrolled = unroll(module, x)
    expected, _ = module(x)
    assert unrolled.output.dtype == dtype
    torch.testing.assert_close(unrolled.output.float(), expected.float(), atol=tolerance, rtol=tolerance)
    unrolled.backward(unrolled.output.float().pow(2).sum())
    assert unrolled.hidden_grad.shape == (2, 2, 5, 2, 6)


def _torch_refuses(module, x, hx=None) -> bool:
    try:
        module(x, hx)
    except (RuntimeError, ValueError, TypeError, IndexError):
        return True
    return False


BAD = {
    "wrong features": lambda: (nn.LSTM(3, 4), torch.randn(5, 2, 4), None, "4 features"),
    "rank 4": lambda: (nn.GRU(3, 4), torch.randn(5, 2, 3, 1), None, "4 dimensions"),
    "rank 1": lambda: (nn.RNN(3, 4), torch.randn(3), None, "1 dimensions"),
    "dtype mismatch": lambda: (nn.LSTM(3, 4), torch.randn(5, 2, 3, dtype=torch.float64), None, "float64"),
    "integer x": lambda: (nn.RNN(3, 4), torch.ones(5, 2, 3, dtype=torch.long), None, "floating-point"),
    "no steps": lambda: (nn.GRU(3, 4), torch.randn(0, 2, 3), None, "no time steps"),
    "hx batch": lambda: (nn.GRU(3, 4), torch.randn(5, 2, 3), torch.randn(1, 3, 4), "(1, 2, 4)"),
    "hx layers": lambda: (nn.RNN(3, 4, num_layers=2), torch.randn(5, 2, 3), torch.randn(1, 2, 4), "(2, 2, 4)"),
    "lstm hx not a pair": lambda: (nn.LSTM(3, 4), torch.randn(5, 2, 3), torch.randn(1, 2, 4), "pair"),
    "lstm c_0 shape": lambda: (
        nn.LSTM(3, 4),
        torch.randn(5, 2, 3),
        (torch.zeros(1, 2, 4), torch.zeros(1, 2, 5)),
        "c_0 must be shaped (1, 2, 4)",
    ),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_input_is_refused_with_the_expected_shape_named(case):
    module, x, hx, words = BAD[case]()
    assert _torch_refuses(module, x, hx), "the fused module accepts this: unroll must not refuse it"
    with pytest.raises(ValueError, match=words.replace("(", r"\(").replace(")", r"\)")):
        unroll(module, x, hx)


@pytest.mark.parametrize("value", [0, -1, 2.5, True])
def test_bad_truncation_is_refused(value):
    with pytest.raises(ValueError, match="detach_every"):
        unroll(nn.RNN(3, 4), torch.randn(5, 2, 3), detach_every=value)
