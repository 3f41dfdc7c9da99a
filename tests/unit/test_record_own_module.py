"""record() on a user's own nn.LSTM / nn.GRU / nn.RNN with a head of their own (issue 27): its states
equal the fused module's, its loss and parameter gradients equal autograd through the fused
module, and the last step's dL/dh_t equals autograd's (no later step feeds back into it)."""

import pytest
import torch
from torch import nn

from rnnviz import record
from rnnviz.analysis.recording import sequence_loss


def fused(core, head, x, y, topology):
    """The reference: the fused module, its head, the loss and autograd."""
    output, _ = core(x)
    output.retain_grad()
    every_step = head(output)
    y_hat = every_step[:, -1] if topology == "many_to_one" else every_step
    loss = sequence_loss(y_hat, y)
    loss.backward()
    return output, y_hat, loss


@pytest.mark.parametrize(
    "module, topology",
    [
        (lambda: nn.LSTM(3, 6, num_layers=2, bidirectional=True, batch_first=True), "synced"),
        (lambda: nn.GRU(3, 6, batch_first=True), "many_to_one"),
        (lambda: nn.RNN(3, 6, nonlinearity="relu", batch_first=True), "synced"),
    ],
)
def test_record_on_a_plain_module_equals_the_fused_pass_and_autograd(module, topology):
    torch.manual_seed(0)
    core = module().double()
    directions = 2 if core.bidirectional else 1
    head = nn.Linear(6 * directions, 2).double()
    x = torch.randn(4, 7, 3, dtype=torch.float64)
    y = (
        torch.randn(4, 2, dtype=torch.float64)
        if topology == "many_to_one"
        else torch.randn(4, 7, 2, dtype=torch.float64)
    )
    rec = record(core, x, y, head=head, topology=topology)
    output, y_hat, loss = fused(core, head, x, y, topology)

    last = rec.hidden[-1]  # (directions, T, B, H), time-major
    torch.testing.assert_close(torch.from_numpy(last[0]).transpose(0, 1), output[..., :6].detach())
    if directions == 2:
        torch.testing.assert_close(torch.from_numpy(last[1]).transpose(0, 1), output[..., 6:].detach())
    torch.testing.assert_close(torch.from_numpy(rec.outputs), y_hat.detach())
    assert rec.loss == pytest.approx(loss.item(), rel=1e-12)
    named = dict(core.named_parameters(prefix="core")) | dict(head.named_parameters(prefix="head"))
    assert set(rec.param_grad_norms) == set(named)
    for name, parameter in named.items():
        assert rec.param_grad_norms[name] == pytest.approx(float(parameter.grad.norm()), rel=1e-9)
    # dL/dh_T of the forward direction of the last layer: nothing later reads it, so it is autograd's
    torch.testing.assert_close(torch.from_numpy(rec.hidden_grad[-1, 0, -1]), output.grad[:, -1, :6])
    if isinstance(core, nn.LSTM):
        assert rec.cell.shape == (2, 2, 7, 4, 6) and set(rec.gates) == {"i", "f", "g", "o"}


def test_record_checks_shapes_with_a_sentence():
    lstm = nn.LSTM(3, 5, batch_first=True)
    x = torch.randn(2, 4, 3)
    with pytest.raises(ValueError, match=r"y \(real targets\) has shape \(2, 4\); the outputs are \(2, 4, 5\)"):
        record(lstm, x, torch.randn(2, 4))
    with pytest.raises(ValueError, match="y must be \\(2, 1\\)"):
        record(lstm, x, torch.randn(2, 4, 1), head=nn.Linear(5, 1), topology="many_to_one")
    with pytest.raises(ValueError, match="x has 2 features per step; this module reads input_size=3"):
        record(lstm, torch.randn(2, 4, 2))
    with pytest.raises(ValueError, match="3-D float tensor \\(batch, time, features\\)"):
        record(lstm, torch.randn(4, 3))
    with pytest.raises(ValueError, match="topology must be one of synced, many_to_one"):
        record(lstm, x, topology="one_to_many")
    with pytest.raises(ValueError, match="not LSTMCell"):
        record(nn.LSTMCell(3, 5), x)


def test_a_recording_and_a_run_show_in_one_line():
    from rnnviz.files.demos import demo

    rec = record(nn.GRU(3, 5), torch.randn(6, 2, 3), torch.randn(6, 2, 5))
    assert repr(rec).startswith("Recording(gru, 1 layer × 1 direction, T=6, B=2, H=5, loss=")
    run = demo("char_rnn")
    assert len(repr(run)) < 300 and repr(run).startswith("Run(")
    assert len(repr(run.lanes["LSTM"])) < 300
