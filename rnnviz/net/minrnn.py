"""minGRU and minLSTM (Feng et al. 2024, "Were RNNs All We Needed?"): recurrences whose gates
read x_t only, so every step is h_t = a_t ⊙ h_{t−1} + b_t with (a_t, b_t) known before the
recurrence runs. Three ways to compute the same states:

    scan_sequential  the loop: T steps one after another (what BPTT walks back through)
    scan_log         the paper's parallel scan in log space: cumulative sums and logcumsumexp
    scan_tree        Blelloch's up-sweep and down-sweep: 2·log2 T levels, each a batch of
                     independent pairs; `tree_levels(T)` lists them for a page to draw

minGRU:   z_t = σ(W_z x_t + b_z),  h̃_t = g(W_h x_t + b_h),  h_t = (1 − z_t) ⊙ h_{t−1} + z_t ⊙ h̃_t
minLSTM:  f_t = σ(W_f x_t + b_f),  i_t = σ(W_i x_t + b_i),  h̃_t = g(W_h x_t + b_h),
          f'_t = f_t / (f_t + i_t),  i'_t = i_t / (f_t + i_t),  h_t = f'_t ⊙ h_{t−1} + i'_t ⊙ h̃_t
g(v) = v + 0.5 for v ≥ 0, else σ(v): positive, as the paper's log-space scan wants.

negative=True (Grazzi et al. 2024) maps the decay a_t from [0, 1] to [−1, 1] (a ↦ 2a − 1), so
the state can flip sign from one step to the next: what running parity needs.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor

BLOCKS = {"mingru": ("z", "g"), "minlstm": ("f", "i", "g")}  # row blocks of W_ih, in order


def g(v: Tensor) -> Tensor:
    return torch.where(v >= 0, v + 0.5, torch.sigmoid(v))


def coefficients(kind: str, x: Tensor, weight: Tensor, bias: Tensor | None, negative: bool = False):
    """x (B, T, F), weight (len(BLOCKS[kind])·H, F) → a, b (B, T, H) and the gates by name."""
    pre = x @ weight.T
    if bias is not None:
        pre = pre + bias
    if kind == "mingru":
        z_pre, h_pre = pre.chunk(2, dim=-1)
        z, candidate = torch.sigmoid(z_pre), g(h_pre)
        a, b, gates = 1 - z, z * candidate, {"z": z, "g": candidate}
    elif kind == "minlstm":
        f_pre, i_pre, h_pre = pre.chunk(3, dim=-1)
        f, i, candidate = torch.sigmoid(f_pre), torch.sigmoid(i_pre), g(h_pre)
        f, i = f / (f + i), i / (f + i)
        a, b, gates = f, i * candidate, {"f": f, "i": i, "g": candidate}
    else:
        raise ValueError(f"kind must be mingru or minlstm, not {kind!r}.")
    if negative:
        a = 2 * a - 1
    return a, b, gates


def scan_sequential(a: Tensor, b: Tensor, h0: Tensor | None = None) -> Tensor:
    """h_t = a_t ⊙ h_{t−1} + b_t, one step after another. a, b (B, T, H); h0 (B, H) → (B, T, H)."""
    h = torch.zeros_like(b[:, 0]) if h0 is None else h0
    states = []
    for t in range(a.shape[1]):
        h = a[:, t] * h + b[:, t]
        states.append(h)
    return torch.stack(states, dim=1)


def scan_log(a: Tensor, b: Tensor, h0: Tensor | None = None) -> Tensor:
    """All steps at once: h_t = a*_t (h_0 + Σ_{k≤t} b_k / a*_k) with a*_t = Π_{k≤t} a_k, the sums
    taken in log space (logcumsumexp) as in the paper. Signs are carried apart from the
    logarithms, so negative decays and states work too."""
    tiny = torch.finfo(a.dtype).tiny
    very_negative = torch.finfo(a.dtype).min / 4  # log of "no term": exp() of it is 0, its gradient finite
    log_a_star = torch.cumsum(torch.log(a.abs().clamp_min(tiny)), dim=1)  # log |a*_t|
    sign_a_star = torch.cumprod(torch.sign(a), dim=1)
    terms = b
    log_star, sign_star = log_a_star, sign_a_star
    if h0 is not None:  # h_0 is the term of "step −1", where a* = 1
        terms = torch.cat([h0.unsqueeze(1), b], dim=1)
        log_star = torch.cat([torch.zeros_like(h0).unsqueeze(1), log_a_star], dim=1)
        sign_star = torch.cat([torch.ones_like(h0).unsqueeze(1), sign_a_star], dim=1)
    log_terms = torch.log(terms.abs().clamp_min(tiny)) - log_star  # log |b_k / a*_k|
    signs = torch.sign(terms) * sign_star
    positive = torch.logcumsumexp(torch.where(signs > 0, log_terms, very_negative), dim=1)
    negative = torch.logcumsumexp(torch.where(signs < 0, log_terms, very_negative), dim=1)
    if h0 is not None:
        positive, negative = positive[:, 1:], negative[:, 1:]
    return sign_a_star * (torch.exp(log_a_star + positive) - torch.exp(log_a_star + negative))


def tree_levels(steps: int) -> list[tuple[str, list[tuple[int, int]]]]:
    """Blelloch's levels for `steps` (padded to a power of two): ("up" or "down", pairs (left,
    right)); every pair of a level is independent of the others, so a level is one batch of work."""
    size = 1 << max(math.ceil(math.log2(max(steps, 1))), 0)
    levels = []
    depth = int(math.log2(size))
    for d in range(depth):
        stride = 2 ** (d + 1)
        levels.append(("up", [(k + 2**d - 1, k + stride - 1) for k in range(0, size, stride)]))
    for d in range(depth - 1, -1, -1):
        stride = 2 ** (d + 1)
        levels.append(("down", [(k + 2**d - 1, k + stride - 1) for k in range(0, size, stride)]))
    return levels


def _combine(earlier: tuple[Tensor, Tensor], later: tuple[Tensor, Tensor]) -> tuple[Tensor, Tensor]:
    """The map h ↦ A h + B of `earlier`, then of `later`, as one map."""
    return later[0] * earlier[0], later[0] * earlier[1] + later[1]


def scan_tree(a: Tensor, b: Tensor, h0: Tensor | None = None) -> Tensor:
    """Blelloch's exclusive scan of the maps h ↦ a_t h + b_t (up-sweep, then down-sweep), then one
    last map per step: 2·log2 T levels of independent work instead of T dependent steps."""
    batch, steps, hidden = b.shape
    if h0 is not None:  # fold h_0 into the first step: h_0's map is then applied to 0
        b = torch.cat([a[:, :1] * h0.unsqueeze(1) + b[:, :1], b[:, 1:]], dim=1)
    size = 1 << max(math.ceil(math.log2(max(steps, 1))), 0)
    pad = size - steps  # identity maps: A = 1, B = 0
    A = torch.cat([a, torch.ones(batch, pad, hidden, dtype=a.dtype, device=a.device)], dim=1)
    B = torch.cat([b, torch.zeros(batch, pad, hidden, dtype=b.dtype, device=b.device)], dim=1)
    first_A, first_B = A, B
    levels = tree_levels(steps)

    def indices(pairs):
        return (torch.tensor([p[k] for p in pairs], device=a.device) for k in (0, 1))

    for _, pairs in [level for level in levels if level[0] == "up"]:
        left, right = indices(pairs)  # right ← (left block, then right block): each right node sums its block
        new_A, new_B = _combine((A[:, left], B[:, left]), (A[:, right], B[:, right]))
        A, B = A.index_copy(1, right, new_A), B.index_copy(1, right, new_B)
    root = torch.tensor([size - 1], device=a.device)  # the down-sweep starts from the identity at the root
    A, B = A.index_copy(1, root, torch.ones_like(A[:, -1:])), B.index_copy(1, root, torch.zeros_like(B[:, -1:]))
    for _, pairs in [level for level in levels if level[0] == "down"]:
        left, right = indices(pairs)  # left ← right (the prefix before the block); right ← it, then left block
        new_A, new_B = _combine((A[:, right], B[:, right]), (A[:, left], B[:, left]))
        A, B = A.index_copy(1, left, A[:, right]), B.index_copy(1, left, B[:, right])
        A, B = A.index_copy(1, right, new_A), B.index_copy(1, right, new_B)
    # A, B now hold the exclusive prefixes; applying each step's own map gives h_t (from h = 0)
    _, states = _combine((A, B), (first_A, first_B))
    return states[:, :steps]


SCANS = {"sequential": scan_sequential, "log": scan_log, "tree": scan_tree}


def min_rnn(kind: str, x: Tensor, weight: Tensor, bias: Tensor | None, h0=None, negative=False, how="log"):
    """One minGRU/minLSTM layer over x (B, T, F) → (states (B, T, H), gates)."""
    a, b, gates = coefficients(kind, x, weight, bias, negative)
    return SCANS[how](a, b, h0), gates


class MinRNN(torch.nn.Module):
    """minGRU or minLSTM layers with torch.nn.GRU's interface: (input, h_0) → (output, h_n),
    `batch_first`, `num_layers`, `bidirectional`, parameters named weight_ih_l{k}[_reverse] and
    bias_ih_l{k}[_reverse], and the attributes `unroll` reads (mode, input_size, ...). `how`: the
    scan ("auto": the loop for short sequences, the tree for long ones)."""

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        batch_first: bool = False,
        bidirectional: bool = False,
        kind: str = "mingru",
        negative: bool = False,
        how: str = "auto",
    ):
        super().__init__()
        self.kind, self.negative, self.how = kind, negative, how
        self.mode = kind.upper()
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.batch_first, self.bidirectional, self.bias, self.dropout, self.proj_size = (
            batch_first,
            bidirectional,
            True,
            0.0,
            0,
        )
        directions = 2 if bidirectional else 1
        blocks = len(BLOCKS[kind])
        bound = hidden_size**-0.5  # torch.nn.GRU's initialisation: U(±1/sqrt(hidden))
        for layer in range(num_layers):
            features = input_size if layer == 0 else hidden_size * directions
            for suffix in [f"_l{layer}", f"_l{layer}_reverse"][:directions]:
                weight = torch.empty(blocks * hidden_size, features).uniform_(-bound, bound)
                self.register_parameter("weight_ih" + suffix, torch.nn.Parameter(weight))
                bias = torch.empty(blocks * hidden_size).uniform_(-bound, bound)
                self.register_parameter("bias_ih" + suffix, torch.nn.Parameter(bias))

    def forward(self, x: Tensor, hx: Tensor | None = None):
        batched = x.dim() == 3
        if not batched:
            x = x.unsqueeze(0 if self.batch_first else 1)
            hx = None if hx is None else hx.unsqueeze(1)
        if not self.batch_first:
            x = x.transpose(0, 1)  # → (B, T, F)
        how = self.how if self.how != "auto" else ("sequential" if x.shape[1] < 128 else "tree")
        directions = 2 if self.bidirectional else 1
        finals = []
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(directions):
                suffix = f"_l{layer}" + ("_reverse" if direction else "")
                weight, bias = getattr(self, "weight_ih" + suffix), getattr(self, "bias_ih" + suffix)
                h0 = None if hx is None else hx[layer * directions + direction]
                read = x.flip(1) if direction else x
                states, _ = min_rnn(self.kind, read, weight, bias, h0, self.negative, how)
                finals.append(states[:, -1])  # where this direction ends
                outputs.append(states.flip(1) if direction else states)
            x = torch.cat(outputs, dim=-1)
        h_n = torch.stack(finals)
        output = x if self.batch_first else x.transpose(0, 1)
        if not batched:
            output = output.squeeze(0 if self.batch_first else 1)
            h_n = h_n.squeeze(1)
        return output, h_n
