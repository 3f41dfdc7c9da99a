"""unroll() against PyTorch's fused modules: forward, parameter gradients and dL/dh_t."""

import itertools

import pytest
import torch
from torch import nn

from rnnviz.net.unroll import unroll

CELLS = {
    "rnn_tanh": (nn.RNN, {"nonlinearity": "tanh"}),
    "rnn_relu": (nn.RNN, {"nonlinearity": "relu"}),
    "lstm": (nn.LSTM, {}),
    "gru": (nn.GRU, {}),
}
GRID = list(
    itertools.product(CELLS, [1, 2, 4], [False, True], [False, True], [False, True], [False, True], [False, True])
)
F, H, T, B = 3, 4, 5, 2


def make(cell, layers, bidirectional, batch_first, bias, dtype=torch.float64, seed=0):
    torch.manual_seed(seed)
    cls, extra = CELLS[cell]
    module = cls(F, H, num_layers=layers, bidirectional=bidirectional, batch_first=batch_first, bias=bias, **extra)
    return module.to(dtype)


def inputs(module, batched, with_hx, dtype=torch.float64):
    D = 2 if module.bidirectional else 1
    x = (
        torch.randn((B, T, F) if module.batch_first else (T, B, F), dtype=dtype)
        if batched
        else torch.randn(T, F, dtype=dtype)
    )
    hx = None
    if with_hx:
        shape = (module.num_layers * D, B, H) if batched else (module.num_layers * D, H)
        hx = torch.randn(shape, dtype=dtype)
        if isinstance(module, nn.LSTM):
            hx = (hx, torch.randn(shape, dtype=dtype))
    return x, hx


def scalar_loss(output, state):
    """A loss that touches every output and every final state, with uneven weights."""
    states = state if isinstance(state, tuple) else (state,)
    torch.manual_seed(123)
    loss = (output * torch.randn_like(output)).sum()
    for s in states:
        loss = loss + (s * torch.randn_like(s)).sum()
    return loss


def as_tuple(state):
    return state if isinstance(state, tuple) else (state,)


@pytest.mark.parametrize("cell,layers,bidirectional,batch_first,bias,with_hx,batched", GRID)
def test_unroll_matches_fused_module_fp64(cell, layers, bidirectional, batch_first, bias, with_hx, batched):
    module = make(cell, layers, bidirectional, batch_first, bias)
    x, hx = inputs(module, batched, with_hx)
    output, state = module(x, hx)
    unrolled = unroll(module, x, hx)
    unrolled_state = (unrolled.h_n, unrolled.c_n) if cell == "lstm" else (unrolled.h_n,)
    torch.testing.assert_close(unrolled.output, output, atol=1e-10, rtol=0)
    for ours, theirs in zip(unrolled_state, as_tuple(state)):
        torch.testing.assert_close(ours, theirs, atol=1e-10, rtol=0)

    params = list(module.parameters())
    fused_grads = torch.autograd.grad(scalar_loss(output, state), params)
    loop_state = (unrolled.h_n, unrolled.c_n) if cell == "lstm" else unrolled.h_n
    loop_grads = torch.autograd.grad(scalar_loss(unrolled.output, loop_state), params)
    for ours, theirs in zip(loop_grads, fused_grads):
        torch.testing.assert_close(ours, theirs, atol=1e-10, rtol=0)

    D = 2 if bidirectional else 1
    batch = B if batched else 1
    assert unrolled.hidden.shape == (layers, D, T, batch, H)
    assert (unrolled.cell is not None) == (cell == "lstm")
    expected_gates = {"lstm": {"i", "f", "g", "o"}, "gru": {"r", "z", "n"}}.get(cell, set())
    assert set(unrolled.gates) == expected_gates
    for gate in unrolled.gates.values():
        assert gate.shape == (layers, D, T, batch, H)


@pytest.mark.parametrize("cell", list(CELLS))
@pytest.mark.parametrize("bidirectional", [False, True])
def test_unroll_matches_fused_module_fp32(cell, bidirectional):
    module = make(cell, 2, bidirectional, True, True, dtype=torch.float32)
    x, hx = inputs(module, True, True, dtype=torch.float32)
    output, state = module(x, hx)
    unrolled = unroll(module, x, hx)
    torch.testing.assert_close(unrolled.output, output, atol=1e-5, rtol=0)
    torch.testing.assert_close(unrolled.h_n, as_tuple(state)[0], atol=1e-5, rtol=0)


def test_states_arrays_are_the_layer_outputs():
    """hidden[-1] (top layer) read along time is exactly `output` split by direction."""
    module = make("lstm", 2, True, True, True)
    x, _ = inputs(module, True, False)
    unrolled = unroll(module, x)
    out = unrolled.output.detach().numpy()  # (B, T, 2H)
    assert abs(unrolled.hidden[-1, 0].transpose(1, 0, 2) - out[..., :H]).max() < 1e-12
    assert abs(unrolled.hidden[-1, 1].transpose(1, 0, 2) - out[..., H:]).max() < 1e-12
    # c_t = f⊙c_{t-1} + i⊙g holds in the recorded arrays
    g = unrolled.gates
    c = unrolled.cell[0, 0]
    assert abs(c[1:] - (g["f"][0, 0, 1:] * c[:-1] + g["i"][0, 0, 1:] * g["g"][0, 0, 1:])).max() < 1e-12


def stepwise_hidden_grads(module, x, loss_fn):
    """Independent dL/dh_t: torch's own fused cells run one step at a time, one module per
    layer and direction; total gradient = through the step's output + through the state
    handed to the next step. x is (T, B, F), unidirectional layers only."""
    is_lstm = isinstance(module, nn.LSTM)
    cls = type(module)
    extra = {"nonlinearity": module.nonlinearity} if cls is nn.RNN else {}
    layer_input, outputs_per_layer, states_per_layer = x, [], []
    for layer in range(module.num_layers):
        single = cls(layer_input.shape[-1], module.hidden_size, **extra).double()
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(single, name + "_l0").data.copy_(getattr(module, f"{name}_l{layer}").data)
        state, outs, states = None, [], []
        for t in range(layer_input.shape[0]):
            out, state = single(layer_input[t : t + 1], state)  # (1, B, H) each
            outs.append(out[0])
            states.append(state[0] if is_lstm else state)  # the very tensor the next step reads
        outputs_per_layer.append(outs)
        states_per_layer.append(states)
        layer_input = torch.stack(outs)
    loss = loss_fn(layer_input)
    flat = [t for layer in outputs_per_layer for t in layer] + [t for layer in states_per_layer for t in layer]
    grads = torch.autograd.grad(loss, flat, allow_unused=True)
    n = len(flat) // 2
    total = [(a if a is not None else 0) + (b[0] if b is not None else 0) for a, b in zip(grads[:n], grads[n:])]
    steps = x.shape[0]
    return torch.stack([torch.stack(total[k * steps : (k + 1) * steps]) for k in range(module.num_layers)])


@pytest.mark.parametrize("cell", ["rnn_tanh", "rnn_relu", "lstm", "gru"])
def test_hidden_grad_equals_stepwise_torch(cell):
    module = make(cell, 3, False, False, True)
    x = torch.randn(7, B, F, dtype=torch.float64)
    weights = torch.randn(7, B, H, dtype=torch.float64)

    def loss_fn(output):  # every step counts, unevenly
        return (output * weights).sum()

    expected = stepwise_hidden_grads(module, x, loss_fn)  # (L, T, B, H)
    unrolled = unroll(module, x)
    loss_fn(unrolled.output).backward()
    assert unrolled.hidden_grad.shape == (3, 1, 7, B, H)
    assert abs(unrolled.hidden_grad[:, 0] - expected.numpy()).max() < 1e-10


@pytest.mark.parametrize("cell", ["rnn_tanh", "lstm", "gru"])
def test_hidden_grad_matches_finite_differences_when_loss_is_on_last_step(cell):
    """Loss on the last step only: early dL/dh_t are small but not zero, and correct."""
    torch.manual_seed(1)
    module = make(cell, 1, False, False, True, seed=1)
    steps = 12
    x = torch.randn(steps, 1, F, dtype=torch.float64)
    w = torch.randn(H, dtype=torch.float64)

    def last_step_loss(output):
        return (output[-1, 0] * w).sum()

    unrolled = unroll(module, x)
    last_step_loss(unrolled.output).backward()
    grad = unrolled.hidden_grad[0, 0, :, 0]  # (T, H)

    def loss_after_perturbing(t, unit, eps):
        with torch.no_grad():
            _, state = module(x[: t + 1])
            h, c = state if cell == "lstm" else (state, None)
            h = h.clone()
            h[0, 0, unit] += eps
            if t == steps - 1:
                return float((h[0, 0] * w).sum())
            output, _ = module(x[t + 1 :], (h, c) if cell == "lstm" else h)
            return float(last_step_loss(output))

    eps = 1e-6
    for t in (0, 3, steps - 2, steps - 1):
        fd = [(loss_after_perturbing(t, u, eps) - loss_after_perturbing(t, u, -eps)) / (2 * eps) for u in range(H)]
        fd = torch.tensor(fd).numpy()
        assert abs(grad[t] - fd).max() < 1e-7 + 1e-5 * abs(fd).max()
    early, late = abs(grad[0]).max(), abs(grad[-1]).max()
    assert 0 < early < late  # the gradient shrinks with distance but does not vanish to zero


def test_retain_grad_on_fused_output_is_only_the_direct_part():
    """The trap from docs/design.md: with the loss on the last step, the fused output's .grad is
    zero before it, while the total dL/dh_t from unroll is not."""
    module = make("lstm", 1, False, False, True)
    x = torch.randn(6, 1, F, dtype=torch.float64)
    output, _ = module(x)
    output.retain_grad()
    output[-1].sum().backward()
    assert float(output.grad[:-1].abs().max()) == 0.0
    unrolled = unroll(module, x)
    unrolled.output[-1].sum().backward()
    assert abs(unrolled.hidden_grad[0, 0, :-1]).max() > 0
    torch.testing.assert_close(torch.from_numpy(unrolled.hidden_grad[0, 0, -1]), output.grad[-1])


def test_backward_method_equals_loss_backward_and_leaves_grad_alone():
    module = make("gru", 2, True, True, True)
    x, _ = inputs(module, True, False)
    first = unroll(module, x)
    first.output.pow(2).sum().backward()
    module.zero_grad(set_to_none=True)
    second = unroll(module, x)
    grads = second.backward(second.output.pow(2).sum(), list(module.parameters()))
    assert all(p.grad is None for p in module.parameters())
    assert len(grads) == len(list(module.parameters()))
    assert abs(first.hidden_grad - second.hidden_grad).max() < 1e-12


def test_lstm_cell_grad_follows_the_conveyor_belt():
    """dL/dc_{t-1} = dL/dc_t ⊙ f_t + (the part through h_{t-1}): checked at the last step,
    where only the direct path through h_T exists: dL/dc_T = dL/dh_T ⊙ o_T ⊙ (1 - tanh²c_T)."""
    module = make("lstm", 1, False, False, True)
    x = torch.randn(5, 1, F, dtype=torch.float64)
    unrolled = unroll(module, x)
    unrolled.output[-1].sum().backward()
    o, c = unrolled.gates["o"][0, 0, -1], unrolled.cell[0, 0, -1]
    expected = unrolled.hidden_grad[0, 0, -1] * o * (1 - torch.tanh(torch.from_numpy(c)).numpy() ** 2)
    assert abs(unrolled.cell_grad[0, 0, -1] - expected).max() < 1e-12


def test_unroll_rejects_what_it_cannot_reproduce():
    with pytest.raises(TypeError):
        unroll(nn.Linear(3, 4), torch.randn(2, 3))
    with pytest.raises(ValueError, match="proj_size"):
        unroll(nn.LSTM(3, 4, proj_size=2), torch.randn(5, 1, 3))
    with pytest.raises(ValueError, match="dropout"):
        unroll(nn.GRU(3, 4, num_layers=2, dropout=0.5), torch.randn(5, 1, 3))
    with pytest.raises(RuntimeError, match="No gradient yet"):
        _ = unroll(nn.GRU(3, 4), torch.randn(5, 1, 3)).hidden_grad
