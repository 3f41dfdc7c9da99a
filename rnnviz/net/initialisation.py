"""Initialising a recurrent core's W_hh: PyTorch's default, orthogonal blocks, or the identity
(with ReLU in a plain RNN, Le, Jaitly & Hinton 2015's IRNN: "A Simple Way to Initialize Recurrent
Networks of Rectified Linear Units"). The Vanishing page measures what each does to gradients;
training starts from the one a run chooses (TrainConfig.init)."""

from __future__ import annotations

import torch
from torch import nn

INITS = {
    "default": "PyTorch default: uniform in ±1/√hidden",
    "orthogonal": "orthogonal W_hh blocks (every singular value 1)",
    "identity": "identity W_hh, zero biases (with ReLU for the RNN: Le et al. 2015, IRNN)",
}


def initialise(core: nn.RNNBase, scheme: str = "default", scale: float = 1.0, forget_bias: float | None = None):
    """Re-initialise W_hh of every layer and direction (per gate block), scale it, set the LSTM
    forget-gate bias. 'default' keeps PyTorch's own initialisation."""
    if scheme not in INITS:
        raise ValueError(f"scheme must be one of {', '.join(INITS)}.")
    gates = 4 if isinstance(core, nn.LSTM) else (3 if isinstance(core, nn.GRU) else 1)
    with torch.no_grad():
        for name, p in core.named_parameters():
            if name.startswith("weight_hh"):
                for block in p.chunk(gates, dim=0):
                    if scheme == "orthogonal":
                        nn.init.orthogonal_(block)
                    elif scheme == "identity":
                        block.copy_(torch.eye(block.shape[0], dtype=block.dtype))
                p.mul_(scale)
            elif name.startswith("bias") and scheme == "identity":
                p.zero_()
        if forget_bias is not None and isinstance(core, nn.LSTM):
            H = core.hidden_size
            for name, p in core.named_parameters():
                if name.startswith("bias_ih"):
                    p[H : 2 * H] = forget_bias  # rows i, f, g, o: f is the second block
                elif name.startswith("bias_hh"):
                    p[H : 2 * H] = 0.0
