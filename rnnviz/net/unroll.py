"""unroll(module, x, hx): run a torch RNN/LSTM/GRU as an explicit loop that keeps everything.

The fused modules hide their time steps. This loop applies the same cell with the module's own
parameters one step at a time, so its `output`, `h_n`, `c_n` equal `module(x, hx)` and stay in
the autograd graph, and every h_t, c_t and gate can be looked at afterwards. After a backward
pass, `hidden_grad` holds the *total* derivative dL/dh_t, which `retain_grad()` on the fused
module's output cannot give (that is only the direct part through the output at step t).

Layer l, direction d, step t, in PyTorch's order (h_n index = l · D + d):

    layer 1   h¹₀ → h¹₁ → h¹₂        (direction 1 runs ←, reading the same inputs)
               ↑     ↑     ↑
    layer 0   h⁰₀ → h⁰₁ → h⁰₂        the input of layer l+1 at step t is [h_fwd_t, h_bwd_t]
               ↑     ↑     ↑
              x₀    x₁    x₂
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
from torch import Tensor, nn

from rnnviz.net.cells import gru_cell, lstm_cell, rnn_cell
from rnnviz.net.minrnn import coefficients

GATE_NAMES = {
    "RNN_TANH": (),
    "RNN_RELU": (),
    "LSTM": ("i", "f", "g", "o"),
    "GRU": ("r", "z", "n"),
    "MINGRU": ("z", "g"),  # rnnviz.net.minrnn.MinRNN: gates from x_t alone
    "MINLSTM": ("f", "i", "g"),
}


MIN_MODES = ("MINGRU", "MINLSTM")


@dataclass
class Unrolled:
    """What one unrolled pass computed. Arrays are (num_layers, num_directions, T, B, H)."""

    output: Tensor  # like module(x)[0]
    h_n: Tensor  # like module(x)[1] (or its h for LSTM)
    c_n: Tensor | None  # LSTM only
    hidden: np.ndarray
    cell: np.ndarray | None
    gates: dict[str, np.ndarray]
    h_tensors: list = field(repr=False, default_factory=list)  # [l][d][t] → (B, H), in graph
    c_tensors: list = field(repr=False, default_factory=list)
    # One tensor per *use* of a state, so autograd can say how much gradient flows along each
    # edge of the unrolled graph (docs/design.md, "What an edge carries backward"):
    recurrent_uses: list = field(repr=False, default_factory=list)  # [l][d][t]: h_{t-1} as step t read it
    layer_uses: list = field(repr=False, default_factory=list)  # [l-1][d]: (T, B, D·H) as layer l, dir d read it
    head_use: Tensor | None = field(repr=False, default=None)  # (T, B, D·H): the top layer as `output`
    _grads: dict = field(repr=False, default_factory=dict)

    def backward(self, loss: Tensor, inputs=()) -> tuple:
        """dL/d(inputs), dL/dh_t for every state and the gradient along every edge, without
        touching any .grad."""
        inputs = list(inputs)
        groups = {
            "hidden": _flat(self.h_tensors),
            "cell": _flat(self.c_tensors),
            "recurrent": _flat(self.recurrent_uses),
            "layer": [t for layer in self.layer_uses for t in layer],
            "head": [self.head_use] if self.head_use is not None else [],
        }
        wanted = inputs + [t for group in groups.values() for t in group]
        # a use of a detached state (a truncated-BPTT cut, a zero h_0) carries no gradient at all
        live = [k for k, t in enumerate(wanted) if t.requires_grad]
        found = torch.autograd.grad(loss, [wanted[k] for k in live], allow_unused=True)
        grads: list = [None] * len(wanted)
        for k, g in zip(live, found):
            grads[k] = g
        given, grads = grads[: len(inputs)], grads[len(inputs) :]
        for name, group in groups.items():
            mine, grads = grads[: len(group)], grads[len(group) :]
            self._grads[name] = mine
        self._grads["hidden"] = self._to_array(self._grads["hidden"], self.h_tensors)
        if self.c_tensors:
            self._grads["cell"] = self._to_array(self._grads["cell"], self.c_tensors)
        return tuple(given)

    @property
    def edge_grads(self) -> dict[str, np.ndarray]:
        """After `backward`: the gradient flowing back along each kind of edge, per use.

        recurrent (L, D, T, B, H): along h_{t-1} → h_t, as step t read it (exactly 0 across a
            truncated-BPTT cut, and at each direction's first step it is dL/dh_0);
        layer (L-1, D, T, B, D·H): into layer l ≥ 1, direction d, from both directions below;
        head (T, B, D·H): from the head into the top layer's states.
        Summed over the uses of h_t they give the total dL/dh_t."""
        if "recurrent" not in self._grads:
            raise RuntimeError("No edge gradients yet: call unrolled.backward(loss).")
        recurrent = self._to_array(self._grads["recurrent"], self.recurrent_uses)
        layers, directions = len(self.h_tensors), len(self.h_tensors[0])
        steps, batch, hidden = recurrent.shape[2:]
        layer = np.zeros((max(layers - 1, 0), directions, steps, batch, directions * hidden))
        for k, g in enumerate(self._grads["layer"]):
            if g is not None:
                layer[k // directions, k % directions] = _numpy(g)
        head = np.zeros((steps, batch, directions * hidden))
        if self._grads["head"] and self._grads["head"][0] is not None:
            head = _numpy(self._grads["head"][0])
        return {"recurrent": recurrent, "layer": layer, "head": head}

    @property
    def hidden_grad(self) -> np.ndarray:
        """Total dL/dh_t, after `loss.backward()` or `self.backward(loss)`."""
        return self._grad("hidden", self.h_tensors)

    @property
    def cell_grad(self) -> np.ndarray | None:
        """Total dL/dc_t (LSTM), the gradient carried along the cell-state 'conveyor belt'."""
        return self._grad("cell", self.c_tensors) if self.c_tensors else None

    def _grad(self, key: str, tensors: list) -> np.ndarray:
        if key in self._grads:
            return self._grads[key]
        flat = _flat(tensors)
        if not any(t.grad is not None for t in flat):
            raise RuntimeError("No gradient yet: call loss.backward() or unrolled.backward(loss).")
        return self._to_array([t.grad for t in flat], tensors)

    def _to_array(self, grads, tensors) -> np.ndarray:
        layers, directions, steps = len(tensors), len(tensors[0]), len(tensors[0][0])
        out = np.zeros((layers * directions * steps,) + tuple(tensors[0][0][0].shape))
        for k, g in enumerate(grads):
            if g is not None:
                out[k] = _numpy(g)
        return out.reshape((layers, directions, steps) + out.shape[1:])


def _flat(nested: list) -> list:
    return [t for layer in nested for direction in layer for t in direction]


def _numpy(tensor: Tensor) -> np.ndarray:
    """fp64 stays fp64; everything else (fp16, bf16: NumPy has no bf16) becomes fp32."""
    tensor = tensor.detach().cpu()
    return tensor.numpy() if tensor.dtype in (torch.float32, torch.float64) else tensor.float().numpy()


def _array(nested: list) -> np.ndarray:
    """[l][d][t] tensors (B, H) → numpy (L, D, T, B, H)."""
    return _numpy(torch.stack([torch.stack([torch.stack(d) for d in layer]) for layer in nested]))


def _final_states(nested: list) -> Tensor:
    """(L·D, B, H): where each direction ends, step T-1 forwards and step 0 backwards."""
    return torch.stack([d[0] if k else d[-1] for layer in nested for k, d in enumerate(layer)])


def unroll(module: nn.RNNBase, x: Tensor, hx=None, detach_every: int | None = None, lengths=None) -> Unrolled:
    """Run `module` on `x` (and `hx`) step by step; see the module docstring.

    lengths (B,): each sequence's real steps, the rest padding, as in pack_padded_sequence: a
    padded step changes no state (forwards the state is held after the last real step; backwards
    a direction starts at that step), and its output is zero. `output`, `h_n` and `c_n` then equal
    the module on the PackedSequence (after pad_packed_sequence).

    detach_every=k is truncated BPTT: each direction detaches its carried state after every k
    steps it processes (chunks from where it starts), so no gradient crosses a cut in time.
    Inputs the fused module would refuse are refused here too, with a ValueError that names
    the shape or type expected.
    """
    mode = _check_module(module, detach_every)
    is_lstm = mode == "LSTM"
    layers, directions, H = module.num_layers, 2 if module.bidirectional else 1, module.hidden_size
    _check_input(module, x, hx, is_lstm, layers * directions)
    batched = x.dim() == 3
    x, hx = _time_major(module, x, hx, is_lstm)
    steps, batch = x.shape[0], x.shape[1]
    valid = None if lengths is None else _valid_steps(lengths, steps, batch, batched, x)  # (T, B, 1) 1 or 0
    if hx is None:
        zeros = x.new_zeros(layers * directions, batch, H)
        hx = (zeros, zeros) if is_lstm else zeros
    h0, c0 = hx if is_lstm else (hx, None)

    h_all, c_all, gate_all, recurrent_uses, layer_uses = [], [], [], [], []  # [l][d][t]
    layer_input = x  # (T, B, F)
    for layer in range(layers):
        runs = []
        for direction in range(directions):
            read = layer_input
            if layer:  # this direction's own use of the layer below, for its edge gradient
                read = layer_input.view_as(layer_input)
                layer_uses[-1].append(read)
            k = layer * directions + direction
            start = (h0[k], c0[k] if is_lstm else None)
            runs.append(_direction(module, mode, layer, direction, read, start, detach_every, valid))
        h_layer, c_layer, gate_layer, use_layer = (list(part) for part in zip(*runs, strict=True))
        h_all.append(h_layer)
        c_all.append(c_layer)
        gate_all.append(gate_layer)
        recurrent_uses.append(use_layer)
        # (T, B, D·H): the next layer reads both directions side by side
        layer_input = torch.stack([torch.cat([d[t] for d in h_layer], dim=-1) for t in range(steps)])
        if valid is not None:  # a padded step's output is zero, as pad_packed_sequence gives it
            layer_input = layer_input * valid
        if layer < layers - 1:
            layer_uses.append([])

    head_use = layer_input  # (T, B, D·H), the top layer: what `output` is made of
    output, h_n, c_n = _outputs(module, head_use.view_as(head_use), h_all, c_all if is_lstm else None, batched)
    gate_arrays = {
        name: _array([[[g[name] for g in d] for d in layer] for layer in gate_all]) for name in GATE_NAMES[mode]
    }
    return Unrolled(
        output=output,
        h_n=h_n,
        c_n=c_n,
        hidden=_array(h_all),
        cell=_array(c_all) if is_lstm else None,
        gates=gate_arrays,
        h_tensors=h_all,
        c_tensors=c_all if is_lstm else [],
        recurrent_uses=recurrent_uses,
        layer_uses=layer_uses,
        head_use=head_use,
    )


def _check_module(module: nn.RNNBase, detach_every) -> str:
    """The module's mode ("LSTM", "GRU", "RNN_TANH", …), or a sentence saying why unroll cannot run it."""
    if detach_every is not None and (isinstance(detach_every, bool) or int(detach_every) != detach_every):
        raise ValueError("detach_every must be a whole number of steps.")
    if detach_every is not None and detach_every < 1:
        raise ValueError("detach_every must be at least 1.")
    mode = getattr(module, "mode", None)
    if mode not in GATE_NAMES:
        raise TypeError(f"unroll takes torch.nn.RNN, LSTM, GRU or rnnviz's MinRNN, not {type(module).__name__}.")
    if getattr(module, "proj_size", 0):
        raise ValueError("unroll does not support LSTM proj_size.")
    if module.training and module.dropout > 0 and module.num_layers > 1:
        raise ValueError("unroll cannot reproduce dropout between layers: call module.eval().")
    return mode


def _time_major(module: nn.RNNBase, x: Tensor, hx, is_lstm: bool):
    """x as (T, B, F) and hx with its batch axis, whatever layout the module was given."""
    if x.dim() == 2:  # (T, F) → (T, 1, F)
        x = x.unsqueeze(1)
        if hx is not None:
            hx = tuple(s.unsqueeze(1) for s in hx) if is_lstm else hx.unsqueeze(1)
    elif module.batch_first:
        x = x.transpose(0, 1)  # (B, T, F) → (T, B, F)
    return x, hx


def _direction(module, mode: str, layer: int, direction: int, read: Tensor, start, detach_every, valid):
    """One direction of one layer over every step: → (h_t, c_t, gates, h_{t-1} as each step read
    it), each a list over t. `start`: its (h_0, c_0); `valid`: (T, B, 1), 0 at padded steps."""
    is_lstm = mode == "LSTM"
    suffix = f"_l{layer}" + ("_reverse" if direction else "")
    W_ih, W_hh = getattr(module, "weight_ih" + suffix), getattr(module, "weight_hh" + suffix, None)
    b_ih = getattr(module, "bias_ih" + suffix) if module.bias else None
    b_hh = getattr(module, "bias_hh" + suffix, None) if module.bias else None
    if mode in MIN_MODES:  # a_t, b_t and the gates of every step at once: they read x_t only
        decay, drive, min_gates = coefficients(module.kind, read, W_ih, b_ih, module.negative)
    else:
        ih = read @ W_ih.T  # (T, B, G·H), all steps at once
        if b_ih is not None:
            ih = ih + b_ih
    h, c = start
    steps = read.shape[0]
    hs, cs, gs, uses = [None] * steps, [None] * steps, [None] * steps, [None] * steps
    order = range(steps - 1, -1, -1) if direction else range(steps)
    for n, t in enumerate(order):
        if detach_every and n and n % detach_every == 0:  # the truncated-BPTT cut
            h = h.detach()
            c = c.detach() if is_lstm else None
        uses[t] = h = h.view_as(h)  # h_{t-1} as this step reads it: the recurrent edge
        previous = (h, c)
        if mode in MIN_MODES:
            h, gates = decay[t] * h + drive[t], {name: value[t] for name, value in min_gates.items()}
        elif is_lstm:
            h, c, gates = lstm_cell(ih[t], h, c, W_hh, b_hh)
            cs[t] = c
        elif mode == "GRU":
            h, gates = gru_cell(ih[t], h, W_hh, b_hh)
        else:
            h, gates = rnn_cell(ih[t], h, W_hh, b_hh, "tanh" if mode == "RNN_TANH" else "relu")
        if valid is not None:  # a padded step holds the state it was given
            h = valid[t] * h + (1 - valid[t]) * previous[0]
            if is_lstm:
                c = cs[t] = valid[t] * c + (1 - valid[t]) * previous[1]
        hs[t], gs[t] = h, gates
    for t_h in hs + (cs if is_lstm else []):
        if t_h.requires_grad:
            t_h.retain_grad()
    return hs, cs, gs, uses


def _outputs(module: nn.RNNBase, output: Tensor, h_all, c_all, batched: bool):
    """(output, h_n, c_n) in the layout the module returns them; c_n None but for an LSTM."""
    h_n = _final_states(h_all)
    c_n = _final_states(c_all) if c_all is not None else None
    if not batched:
        output, h_n = output.squeeze(1), h_n.squeeze(1)
        c_n = c_n.squeeze(1) if c_n is not None else None
    elif module.batch_first:
        output = output.transpose(0, 1)
    return output, h_n, c_n


def _valid_steps(lengths, steps: int, batch: int, batched: bool, x: Tensor) -> Tensor:
    """lengths → (T, B, 1): 1 at each sequence's real steps, 0 at its padding; checked."""
    if not batched:
        raise ValueError("lengths need a batch: give x as (batch, time, features) or (time, batch, features).")
    lengths = torch.as_tensor(lengths)
    if lengths.dim() != 1 or len(lengths) != batch or lengths.is_floating_point():
        raise ValueError(f"lengths must hold one whole number per sequence ({batch}); it is {tuple(lengths.shape)}.")
    if int(lengths.min()) < 1 or int(lengths.max()) > steps:
        raise ValueError(f"every length must be between 1 and the {steps} steps of x.")
    return (torch.arange(steps)[:, None] < lengths.cpu()[None, :]).to(x.dtype).to(x.device).unsqueeze(-1)


def _check_input(module: nn.RNNBase, x, hx, is_lstm: bool, states: int) -> None:
    """The checks torch's fused module makes, as sentences (torch's own errors are cryptic)."""
    F, H = module.input_size, module.hidden_size
    layout = "(batch, time, features)" if module.batch_first else "(time, batch, features)"
    if not isinstance(x, Tensor):
        raise TypeError(f"x must be a torch.Tensor, not {type(x).__name__}.")
    if x.dim() not in (2, 3):
        raise ValueError(f"x must be {layout} or unbatched (time, features); it has {x.dim()} dimensions.")
    weight = module.weight_ih_l0
    if not x.is_floating_point():
        raise ValueError(f"x must hold floating-point numbers (like the weights, {weight.dtype}), not {x.dtype}.")
    if x.dtype != weight.dtype:
        raise ValueError(f"x is {x.dtype} but the module's weights are {weight.dtype}: convert one to the other.")
    if x.shape[-1] != F:
        raise ValueError(f"x has {x.shape[-1]} features per step; this module reads {F} (x shaped {layout}).")
    time_axis = 1 if x.dim() == 3 and module.batch_first else 0
    if x.shape[time_axis] == 0 or x.numel() == 0:
        raise ValueError(f"x has no time steps (or no examples): its shape is {tuple(x.shape)}.")
    if hx is None:
        return
    batch = (x.shape[0] if module.batch_first else x.shape[1]) if x.dim() == 3 else None
    expected = (states, batch, H) if batch is not None else (states, H)
    given = hx if is_lstm else (hx,)
    if is_lstm and (not isinstance(hx, tuple | list) or len(hx) != 2):
        raise ValueError("An LSTM's hx must be a pair (h_0, c_0).")
    for name, state in zip(("h_0", "c_0"), given):
        if not isinstance(state, Tensor) or tuple(state.shape) != expected:
            shape = tuple(state.shape) if isinstance(state, Tensor) else type(state).__name__
            raise ValueError(f"{name} must be shaped {expected} (layers·directions, batch, hidden); it is {shape}.")
        if state.dtype != x.dtype:
            raise ValueError(f"{name} is {state.dtype} but x is {x.dtype}.")
