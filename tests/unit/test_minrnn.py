"""minGRU / minLSTM (modern recurrences, item 1): the sequential loop, the log-space scan and the
Blelloch tree give the same states and the same parameter gradients as a direct PyTorch loop
written from the paper's equations, h0 ≠ 0 included, in fp64: states to 1e-10, gradients to 1e-10
(the log-space scan's to 1e-8: where a decay is near 0, the product a*_t spans many orders of
magnitude and the division by it costs digits in the backward pass)."""

import itertools

import pytest
import torch
from torch import nn

from rnnviz.net.minrnn import SCANS, min_rnn, tree_levels


def paper_loop(kind, x, linears, h0, negative):
    """Feng et al. 2024, written directly: one nn.Linear per gate, one step at a time."""
    h, states = h0, []
    for t in range(x.shape[1]):
        x_t = x[:, t]
        candidate_pre = linears["h"](x_t)
        candidate = torch.where(candidate_pre >= 0, candidate_pre + 0.5, torch.sigmoid(candidate_pre))
        if kind == "mingru":
            z = torch.sigmoid(linears["z"](x_t))
            decay, take = 1 - z, z
        else:
            f, i = torch.sigmoid(linears["f"](x_t)), torch.sigmoid(linears["i"](x_t))
            decay, take = f / (f + i), i / (f + i)
        if negative:
            decay = 2 * decay - 1
        h = decay * h + take * candidate
        states.append(h)
    return torch.stack(states, dim=1)


CASES = list(itertools.product(("mingru", "minlstm"), (1, 2, 7, 16, 33), (False, True), (False, True)))


@pytest.mark.parametrize("kind,steps,negative,with_h0", CASES)
def test_three_scans_equal_the_papers_loop_forward_and_backward(kind, steps, negative, with_h0):
    torch.manual_seed(steps)
    features, hidden = 3, 5
    names = ("z", "h") if kind == "mingru" else ("f", "i", "h")
    linears = {n: nn.Linear(features, hidden).double() for n in names}
    x = torch.randn(2, steps, features, dtype=torch.float64)
    h0 = torch.randn(2, hidden, dtype=torch.float64) if with_h0 else torch.zeros(2, hidden, dtype=torch.float64)
    reference = paper_loop(kind, x, linears, h0, negative)
    target = torch.randn_like(reference)
    reference_grads = torch.autograd.grad(
        ((reference - target) ** 2).sum(), [p for n in names for p in linears[n].parameters()]
    )
    weight = torch.cat([linears[n].weight for n in names]).detach().requires_grad_()  # rows stacked like W_ih
    bias = torch.cat([linears[n].bias for n in names]).detach().requires_grad_()
    for how in SCANS:
        states, gates = min_rnn(kind, x, weight, bias, h0 if with_h0 else None, negative, how)
        torch.testing.assert_close(states, reference, rtol=0, atol=1e-10, msg=how)
        grads = torch.autograd.grad(((states - target) ** 2).sum(), [weight, bias])
        close = dict(rtol=0, atol=1e-8 if how == "log" else 1e-10)
        rows = dict(zip(names, grads[0].split(hidden)))
        biases = dict(zip(names, grads[1].split(hidden)))
        for k, n in enumerate(names):
            torch.testing.assert_close(rows[n], reference_grads[2 * k], **close, msg=f"{how} W_{n}")
            torch.testing.assert_close(biases[n], reference_grads[2 * k + 1], **close, msg=f"{how} b_{n}")
        assert set(gates) == ({"z", "g"} if kind == "mingru" else {"f", "i", "g"})


def test_the_tree_has_2_log2_T_levels_of_independent_pairs():
    for steps in (2, 8, 13, 64):
        levels = tree_levels(steps)
        size = 1 << (steps - 1).bit_length()
        assert len(levels) == 2 * (size.bit_length() - 1)
        for _, pairs in levels:
            touched = [i for pair in pairs for i in pair]
            assert len(touched) == len(set(touched))  # no index twice in a level: all at once
    assert tree_levels(1) == []


@pytest.mark.parametrize("decay,solves", [("positive", False), ("signed", True)])
def test_running_parity_needs_a_signed_decay(decay, solves, capsys):
    """Grazzi et al. 2024: with decays in [0, 1] a linear recurrence cannot flip sign, so running
    parity stays at the memoryless baseline; with [-1, 1] it is solved (fixed seed and budget)."""
    import json

    from rnnviz.__main__ import main

    argv = ["train", "--task", "running_parity", "--cell", "mingru", "--decay", decay, "--steps", "800"]
    main(argv + ["--seed", "0", "--eval-every", "100", "--until-solved", "--json"])
    summary = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert summary["solved"] is solves
    if not solves:
        assert summary["value"] < 0.6  # accuracy: the baseline is 0.5


def test_min_cells_train_record_and_replay_like_the_others():
    from rnnviz.files.runs import load_run, run_bytes
    from rnnviz.training.jobs import TrainingJob
    from rnnviz.training.train import TrainConfig

    config = TrainConfig(task="adding", cell="minlstm", hidden_size=8, seq_len=12, batch_size=16, probe_every=10)
    job = TrainingJob({"minLSTM": config, "minGRU": config.replace(cell="mingru")}, max_steps=20).start()
    job._thread.join(60)
    assert job.state == "finished", job.message
    run = load_run(run_bytes(job))
    recording = run.lanes["minLSTM"].recording
    assert set(recording.gates) == {"f", "i", "g"} and recording.hidden_grad is not None
    assert set(run.lanes["minGRU"].recording.gates) == {"z", "g"}
