"""The gradient on an edge is the gradient flowing along that edge (issue: wrong lessons, item 1).

Reference: autograd itself. The flows out of a state along its uses (next step, layer above,
head) must add up, as vectors, to autograd's total dL/dh_t; across a truncated-BPTT cut the
flow is exactly zero, between cuts it is not.
"""

import numpy as np
import pytest
import torch

from rnnviz import RNNSpec, build_model, example_input, record
from rnnviz.analysis.recording import sequence_loss
from rnnviz.net.graph import graph_values, unrolled_graph

K = 3  # detach every 3 steps


def _recording(cell: str, layers: int, bidirectional: bool = False, tbptt: int | None = K):
    spec = RNNSpec(
        cell=cell,
        topology="synced",
        num_layers=layers,
        seq_len=8,
        hidden_size=6,
        batch_size=2,
        bidirectional=bidirectional,
    )
    torch.manual_seed(0)
    model = build_model(spec).double()
    x = example_input(spec, torch.Generator().manual_seed(1)).double()
    y = torch.randn(2, 8, spec.output_size, dtype=torch.float64, generator=torch.Generator().manual_seed(2))
    return spec, record(model, x, y, tbptt=tbptt)


def _crosses_cut(direction: int, target_step: int, steps: int) -> bool:
    """Does the recurrent edge into `target_step` cross a detach()? Each direction counts its
    processed steps from where it starts and cuts before every K-th."""
    processed = target_step if direction == 0 else steps - 1 - target_step
    return processed > 0 and processed % K == 0


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("layers", [1, 2])
def test_recurrent_edges_carry_zero_across_a_cut_and_more_between(cell, layers):
    spec, rec = _recording(cell, layers)
    graph = unrolled_graph(spec)
    values = graph_values(graph, rec, example=0)
    checked = 0
    for k, edge in enumerate(graph.edges):
        if edge.kind != "recurrent":
            continue
        target = graph.node(edge.target)
        flow = values.edge_backward[k]
        if _crosses_cut(target.direction, target.step, spec.steps):
            assert flow == 0.0, (edge, flow)
        else:
            assert flow > 0.0, (edge, flow)
        checked += 1
    assert checked == layers * (spec.steps - 1)
    # the node markers keep the total, which is not zero just before a cut: the old drawing's bug
    assert values.grad_norms[f"h0.0.{K - 1}"] > 0


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("layers,bidirectional", [(1, False), (2, False), (2, True)])
@pytest.mark.parametrize("tbptt", [None, K])
def test_flows_out_of_a_state_sum_to_its_total_gradient(cell, layers, bidirectional, tbptt):
    spec, rec = _recording(cell, layers, bidirectional, tbptt)
    flows, total = rec.edge_grads, rec.hidden_grad  # total: autograd's dL/dh_t through the loop
    D, H, T = spec.num_directions, spec.hidden_size, spec.steps
    summed = np.zeros_like(total)
    for layer in range(layers):
        for d in range(D):
            for t in range(T):
                after = t + 1 if d == 0 else t - 1  # the step that reads h_t as its h_{t-1}
                if 0 <= after < T:
                    summed[layer, d, t] += flows["recurrent"][layer, d, after]
                if layer < layers - 1:
                    for above in range(D):
                        summed[layer, d, t] += flows["layer"][layer, above, t][..., d * H : (d + 1) * H]
                else:
                    summed[layer, d, t] += flows["head"][t][..., d * H : (d + 1) * H]
    np.testing.assert_allclose(summed, total, rtol=1e-10, atol=1e-12)
    assert np.abs(total).max() > 0


def test_layer_edge_and_recurrent_edge_into_one_state_differ():
    """In a 2-layer network the two edges into h¹_t carry different gradients (they showed the same)."""
    spec, rec = _recording("lstm", 2, tbptt=None)
    graph = unrolled_graph(spec)
    values = graph_values(graph, rec)
    into = {}
    for k, edge in enumerate(graph.edges):
        if edge.target == "h1.0.4" and edge.kind in ("layer", "recurrent"):
            into[edge.kind] = values.edge_backward[k]
    assert into["layer"] > 0 and into["recurrent"] > 0
    assert not np.isclose(into["layer"], into["recurrent"])


def test_a_layer_edge_in_a_bidirectional_stack_carries_its_source_directions_slice():
    """Reference: layer 1 rebuilt as two one-direction nn.LSTMs with the fused module's weights,
    each reading its own copy of layer 0's output; autograd's gradient on direction d's copy, in
    direction s's slice, is what flows from h⁰(s)_t to h¹(d)_t."""
    spec = RNNSpec(cell="lstm", topology="synced", num_layers=2, seq_len=6, hidden_size=4, batch_size=2)
    spec = spec.replace(bidirectional=True)
    torch.manual_seed(3)
    model = build_model(spec).double()
    x = example_input(spec, torch.Generator().manual_seed(4)).double()
    y = torch.randn(2, 6, spec.output_size, dtype=torch.float64, generator=torch.Generator().manual_seed(5))
    rec = record(model, x, y)
    H, core = spec.hidden_size, model.core
    below = torch.from_numpy(np.concatenate([rec.hidden[0, 0], rec.hidden[0, 1]], axis=-1))  # (T, B, 2H)
    copies = [below.clone().requires_grad_(), below.clone().requires_grad_()]
    outputs = []
    for d, suffix in enumerate(("", "_reverse")):
        direction = torch.nn.LSTM(2 * H, H).double()
        with torch.no_grad():
            for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                getattr(direction, f"{name}_l0").copy_(getattr(core, f"{name}_l1{suffix}"))
        read = copies[d] if d == 0 else copies[d].flip(0)
        out, _ = direction(read)
        outputs.append(out if d == 0 else out.flip(0))
    top = torch.cat(outputs, dim=-1).transpose(0, 1)  # (B, T, 2H)
    loss = sequence_loss(model.head(top), y)
    assert loss.item() == pytest.approx(rec.loss, rel=1e-12)  # the same network
    loss.backward()
    graph = unrolled_graph(spec)
    for example in range(2):
        values = graph_values(graph, rec, example)
        checked = 0
        for k, edge in enumerate(graph.edges):
            if edge.kind != "layer":
                continue
            source, target = graph.node(edge.source), graph.node(edge.target)
            flow = copies[target.direction].grad[
                target.step, example, source.direction * H : (source.direction + 1) * H
            ]
            assert values.edge_backward[k] == pytest.approx(float(flow.norm()), rel=1e-9), edge
            checked += 1
        assert checked == 2 * 2 * 6  # both directions into both directions at every step
