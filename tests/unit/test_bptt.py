"""BPTT data: graph values equal the Recording, truncated BPTT cuts exactly, gradient ordering."""

import numpy as np
import pytest
import torch
from torch import nn

from rnnviz import RNNSpec, build_model, example_input, record
from rnnviz.analysis.gradients import gradient_flow, spectral_radius
from rnnviz.analysis.probe import clip_scale, demo_recording, total_grad_norm
from rnnviz.net.graph import graph_values, state_id, unrolled_graph
from rnnviz.net.initialisation import initialise
from rnnviz.net.reference import lstm_step
from rnnviz.net.unroll import unroll
from rnnviz.plots.bptt import bptt_figure


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_graph_values_equal_the_recording(cell):
    spec = RNNSpec(cell=cell, num_layers=2, bidirectional=True, seq_len=5)
    rec = demo_recording(spec)
    graph = unrolled_graph(spec)
    values = graph_values(graph, rec, example=2)
    for layer in range(2):
        for d in range(2):
            for t in range(5):
                node = state_id(layer, d, t)
                assert np.array_equal(values.vectors[node], rec.hidden[layer, d, t, 2])
                assert values.grad_norms[node] == pytest.approx(np.linalg.norm(rec.hidden_grad[layer, d, t, 2]))
    torch.manual_seed(0)  # demo_recording's model: its head turns dL/dy_t into the flow along h_t → y_t
    head = build_model(spec).head.weight.detach().double().numpy()  # (O, D·H)
    for k, edge in enumerate(graph.edges):
        assert values.edge_forward[k] == values.norms[edge.source]
        if edge.kind == "output":
            d, t = graph.node(edge.source).direction, graph.node(edge.target).step
            expected = (rec.step_output_grad[t, 2] @ head)[d * spec.hidden_size : (d + 1) * spec.hidden_size]
            assert values.edge_backward[k] == pytest.approx(np.linalg.norm(expected), rel=1e-5)
    assert values.norms["y3"] == pytest.approx(np.linalg.norm(rec.step_outputs[3, 2]))


def test_step_output_grad_is_dl_dy_and_zero_where_ignored():
    spec = RNNSpec(topology="many_to_one", seq_len=6, output_size=3, batch_size=2)
    torch.manual_seed(0)
    model = build_model(spec)
    x = example_input(spec)
    y = torch.randn(2, 3)
    rec = record(model, x, y)
    y_hat, _ = model(x)
    expected = 2 * (y_hat - y).detach().numpy() / y.numel()  # d mean((ŷ - y)²) / dŷ
    assert np.abs(rec.step_output_grad[-1] - expected).max() < 1e-6
    assert np.abs(rec.step_output_grad[:-1]).max() == 0.0


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_truncated_bptt_zeroes_past_the_cut_and_matches_an_independent_computation(cell):
    """Loss on the last step, T = 11, k = 4: chunks [0,4) [4,8) [8,11). Gradients before step 8
    are exactly zero; inside the last chunk they equal autograd through the fused module run from
    h_t onward (hx = h_t as a leaf), which knows nothing of our loop."""
    torch.manual_seed(0)
    cls = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[cell]
    module = cls(3, 5).double()
    x = torch.randn(11, 2, 3, dtype=torch.float64)
    w = torch.randn(5, dtype=torch.float64)
    unrolled = unroll(module, x, detach_every=4)
    (unrolled.output[-1] @ w).sum().backward()
    grad = unrolled.hidden_grad[0, 0]  # (T, B, H)
    assert np.abs(grad[:8]).max() == 0.0
    assert np.abs(grad[8:]).min() >= 0 and np.abs(grad[8]).max() > 0
    for t in range(8, 11):
        h_t = torch.from_numpy(unrolled.hidden[0, 0, t])[None].clone().requires_grad_(True)  # (1, B, H)
        if cell == "lstm":
            hx = (h_t, torch.from_numpy(unrolled.cell[0, 0, t])[None])
        else:
            hx = h_t
        if t == 10:
            loss = (h_t[0] @ w).sum()
        else:
            output, _ = module(x[t + 1 :], hx)
            loss = (output[-1] @ w).sum()
        (expected,) = torch.autograd.grad(loss, h_t)
        assert np.abs(grad[t] - expected[0].numpy()).max() < 1e-10


def test_truncated_bptt_leaves_the_forward_pass_unchanged():
    module = nn.GRU(3, 4, num_layers=2, bidirectional=True).double()
    x = torch.randn(9, 2, 3, dtype=torch.float64)
    full, cut = unroll(module, x), unroll(module, x, detach_every=2)
    torch.testing.assert_close(full.output, cut.output)
    with pytest.raises(ValueError):
        unroll(module, x, detach_every=0)


def test_recording_with_tbptt_has_zero_gradients_before_the_last_chunk():
    spec = RNNSpec(cell="lstm", topology="many_to_one", seq_len=10)
    rec = demo_recording(spec, tbptt=3)
    assert rec.tbptt == 3
    assert np.abs(rec.hidden_grad[0, 0, :9]).max() == 0.0  # chunks [0,3) [3,6) [6,9) [9,10)
    assert np.abs(rec.hidden_grad[0, 0, 9]).max() > 0


def test_tanh_rnn_gradient_vanishes_orders_of_magnitude_faster_than_lstm_with_forget_bias_one():
    rnn = gradient_flow("rnn", seq_len=60, forget_bias=None)
    lstm = gradient_flow("lstm", seq_len=60, forget_bias=1.0)
    assert lstm.relative[40] > 1e3 * rnn.relative[40]
    assert rnn.relative[40] < 1e-6
    # the Jacobian product at k = 0 is the identity
    assert rnn.jacobian_norm[0] == pytest.approx(1.0) and lstm.jacobian_norm[0] == pytest.approx(1.0)


def test_forget_bias_one_keeps_more_gradient_than_zero():
    assert (
        gradient_flow("lstm", forget_bias=1.0).relative[40] > 10 * gradient_flow("lstm", forget_bias=0.0).relative[40]
    )


def test_scaled_orthogonal_rnn_explodes_and_identity_relu_keeps_radius_one():
    exploding = gradient_flow("rnn", scheme="orthogonal", scale=1.5)
    assert exploding.spectral_radius == pytest.approx(1.5)
    assert exploding.jacobian_norm[20] > 1.0
    irnn = gradient_flow("rnn", scheme="identity")
    assert irnn.spectral_radius == pytest.approx(1.0)


def test_initialise_sets_the_forget_bias_block():
    lstm = nn.LSTM(2, 3)
    initialise(lstm, "orthogonal", 0.5, forget_bias=1.0)
    assert torch.equal(lstm.bias_ih_l0[3:6], torch.ones(3)) and torch.equal(lstm.bias_hh_l0[3:6], torch.zeros(3))
    block = lstm.weight_hh_l0[6:9].detach()  # g block, scaled orthogonal
    torch.testing.assert_close(block @ block.T, 0.25 * torch.eye(3), atol=1e-5, rtol=0)
    assert spectral_radius(lstm, "lstm") == pytest.approx(0.5, abs=1e-5)


def test_clip_scale_is_what_clip_grad_norm_does():
    rec = demo_recording(RNNSpec(cell="gru"))
    total = total_grad_norm(rec)
    params = [nn.Parameter(torch.zeros(2, dtype=torch.float64)) for _ in rec.param_grad_norms]
    for p, norm in zip(params, rec.param_grad_norms.values()):
        p.grad = torch.tensor([norm, 0.0], dtype=torch.float64)  # same per-parameter norms as recorded
    before = torch.cat([p.grad for p in params]).clone()
    reported = float(nn.utils.clip_grad_norm_(params, max_norm=total / 4))
    after = torch.cat([p.grad for p in params])
    assert reported == pytest.approx(total, rel=1e-9)
    assert float(after.norm() / before.norm()) == pytest.approx(clip_scale(total, total / 4), rel=1e-5)
    assert clip_scale(total, total * 2) is None


def test_numpy_lstm_step_equals_torch():
    torch.manual_seed(0)
    lstm = nn.LSTM(3, 4).double()
    x = torch.randn(6, 3, dtype=torch.float64)
    u = unroll(lstm, x)
    weights = [getattr(lstm, n).detach().numpy() for n in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")]
    s = lstm_step(x[3].numpy(), u.hidden[0, 0, 2, 0], u.cell[0, 0, 2, 0], *weights)
    for gate in "ifgo":
        assert np.abs(s[gate] - u.gates[gate][0, 0, 3, 0]).max() < 1e-12
    assert np.abs(s["h"] - u.hidden[0, 0, 3, 0]).max() < 1e-12


@pytest.mark.parametrize("bidirectional", [False, True])
def test_animation_has_both_passes_and_carries_no_per_step_vectors(bidirectional):
    spec = RNNSpec(num_layers=2, seq_len=10, bidirectional=bidirectional)
    graph = unrolled_graph(spec)
    fig = bptt_figure(graph, graph_values(graph, demo_recording(spec)))
    names = [f.name for f in fig.frames]
    assert sum(n.startswith("f") for n in names) == 10
    assert sum(n.startswith("b") for n in names) == 10 * 2  # every step, every layer
    assert names.index("b9.1") == 10 and names[-1] == "b0.0"  # backward starts at the end, top layer
    for frame in fig.frames:  # gradient opacity, curtain corners, box corners: nothing per node
        assert frame.traces == (4, 6, 7) and frame.layout.to_plotly_json() == {}
        assert set(frame.data[0].to_plotly_json()) == {"marker", "type"}
        assert len(frame.data[1].x) == len(fig.data[6].x)  # the same number of corners in every frame
    forward, backward = fig.frames[0], fig.frames[-1]
    assert forward.data[0].marker.opacity == 0 and backward.data[0].marker.opacity == 1
    assert len(fig.layout.sliders[0].steps) == len(fig.frames)


def test_animation_json_grows_linearly_not_quadratically():
    def size(steps):
        spec = RNNSpec(num_layers=2, seq_len=steps, hidden_size=32, batch_size=2)
        graph = unrolled_graph(spec)
        return len(bptt_figure(graph, graph_values(graph, demo_recording(spec))).to_json())

    small, large = size(25), size(100)
    assert large < 5.5 * small  # 4× the steps: linear growth is ~4×, quadratic would be ~16×


def test_gradient_norms_far_below_1e_154_are_not_lost_to_squaring():
    """Reference: math.hypot, which never squares into underflow. The RNN with W_hh × 0.5 at
    T = 300 has true norms between 1e-170 and 1e-155 at distances 291-299 (shown as 0 before)."""
    import math

    from rnnviz.analysis.gradients import scaled_norm, scaled_spectral_norm

    rng = np.random.default_rng(0)
    for exponent in (-300, -200, -165, -160, -100, 0, 100):
        vectors = rng.standard_normal((4, 32)) * 10.0**exponent
        expected = [math.hypot(*row) for row in vectors]
        np.testing.assert_allclose(scaled_norm(vectors), expected, rtol=1e-12)
        matrix = rng.standard_normal((8, 8)) * 10.0**exponent
        assert scaled_spectral_norm(matrix) == pytest.approx(
            np.linalg.norm(matrix / 10.0**exponent, 2) * 10.0**exponent
        )
    assert scaled_norm(np.zeros((2, 3))).tolist() == [0.0, 0.0]
    flow = gradient_flow("rnn", seq_len=300, scale=0.5, forget_bias=None)
    tail = flow.grad_norm[291:300]
    assert np.all(tail > 0) and 1e-175 < tail.min() and tail.max() < 1e-150


def test_the_figure_says_an_irnns_exact_zero_comes_from_relus_that_are_off_not_underflow():
    from rnnviz.plots.gradients import gradient_flow_figure

    irnn = gradient_flow("rnn", seq_len=60, scheme="identity", scale=0.5)  # 2.6e-05, then exactly 0
    tanh = gradient_flow("rnn", seq_len=300, scale=0.1, forget_bias=None)  # shrinks past 1e-308
    hovers = [t.hovertemplate for t in gradient_flow_figure([irnn]).data if "from" in (t.hovertemplate or "")]
    assert hovers and all("ReLU" in h and "1e-308" not in h for h in hovers)
    hovers = [t.hovertemplate for t in gradient_flow_figure([tanh]).data if "exactly 0" in (t.hovertemplate or "")]
    assert hovers and all("1e-308" in h for h in hovers)
