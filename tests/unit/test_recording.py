"""record(): a probe through the unrolled loop equals the fused model and its gradients."""

import pickle

import numpy as np
import pytest
import torch

from rnnviz import RNNSpec, build_model, example_input, record, sequence_loss
from rnnviz.net.spec import CELLS, TOPOLOGIES


def targets_for(spec, y_hat, classes):
    if classes:
        return torch.randint(spec.output_size, y_hat.shape[:-1])
    return torch.randn_like(y_hat)


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("topology", TOPOLOGIES)
@pytest.mark.parametrize("classes", [False, True])
def test_recording_equals_fused_model(cell, topology, classes):
    torch.manual_seed(0)
    spec = RNNSpec(
        cell=cell,
        topology=topology,
        num_layers=2,
        bidirectional=topology in ("synced", "many_to_one"),
        seq_len=6,
        out_len=3,
    )
    model = build_model(spec)
    x = example_input(spec)
    y_hat, _ = model(x)
    y = targets_for(spec, y_hat, classes)
    loss = sequence_loss(y_hat, y)
    loss.backward()
    expected_norms = {n: float(p.grad.norm()) for n, p in model.named_parameters()}
    model.zero_grad(set_to_none=True)

    rec = record(model, x, y, step=7)
    assert all(p.grad is None for p in model.parameters())  # the probe never touches .grad
    assert np.abs(rec.outputs - y_hat.detach().numpy()).max() < 1e-5
    assert abs(rec.loss - loss.item()) < 1e-5
    for name, norm in expected_norms.items():
        assert rec.param_grad_norms[name] == pytest.approx(norm, rel=1e-4, abs=1e-7)
    steps = spec.steps
    assert rec.hidden.shape == (2, spec.num_directions, steps, spec.batch_size, spec.hidden_size)
    assert rec.hidden_grad.shape == rec.hidden.shape
    assert rec.step_outputs.shape == (steps, spec.batch_size, spec.output_size)
    assert rec.loss_mask.sum() == spec.output_steps and rec.step == 7
    assert (rec.cell is not None) == (cell == "lstm")


def test_recording_without_targets_has_no_gradients_and_pickles():
    spec = RNNSpec(cell="gru")
    model = build_model(spec)
    rec = record(model, example_input(spec))
    assert rec.loss is None and rec.hidden_grad is None and rec.param_grad_norms == {}
    again = pickle.loads(pickle.dumps(rec))
    assert np.array_equal(again.hidden, rec.hidden) and again.spec == spec


def test_loss_mask_removes_steps_from_the_loss_and_the_gradient():
    """Copy-task style: only the last two steps count; outputs before them get no gradient."""
    torch.manual_seed(0)
    spec = RNNSpec(cell="lstm", topology="synced", seq_len=6)
    model = build_model(spec)
    x = example_input(spec)
    y = torch.randn(spec.batch_size, 6, spec.output_size)
    mask = torch.zeros(spec.batch_size, 6)
    mask[:, -2:] = 1
    rec = record(model, x, y, loss_mask=mask)
    assert rec.loss_mask.tolist() == [False] * 4 + [True] * 2
    y_hat, _ = model(x)
    expected = torch.nn.functional.mse_loss(y_hat[:, -2:], y[:, -2:])
    assert rec.loss == pytest.approx(expected.item(), rel=1e-5)
