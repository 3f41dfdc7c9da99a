"""A user's own `nn.RNN`, `nn.LSTM` or `nn.GRU` with a head of their own, as `record()` reads a
SeqModel: so a notebook can record the network it already has, not only the library's.

    lstm = nn.LSTM(3, 16, batch_first=True)
    rec = record(lstm, x, y, head=nn.Linear(16, 1), topology="many_to_one")
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from rnnviz.net.minrnn import MinRNN
from rnnviz.net.model import CORES
from rnnviz.net.spec import RNNSpec

TOPOLOGIES = ("synced", "many_to_one")  # an output at every step, or at the last one only
CELL_OF = {core: cell for cell, core in CORES.items() if core is not MinRNN}  # nn.LSTM → "lstm", …


class OwnModel(nn.Module):
    """core (B, T, F) → head at every step → kept: every step (synced) or the last (many_to_one)."""

    def __init__(self, core: nn.RNNBase, head: nn.Module | None, topology: str, x: Tensor):
        super().__init__()
        if type(core) not in CELL_OF:
            raise ValueError(
                f"record() takes the library's models or a plain nn.RNN, nn.LSTM or nn.GRU, not {type(core).__name__}."
            )
        if getattr(core, "proj_size", 0):
            raise ValueError("record() cannot unroll an LSTM with proj_size; build it without a projection.")
        if topology not in TOPOLOGIES:
            raise ValueError(f"topology must be one of {', '.join(TOPOLOGIES)} for your own module, not {topology!r}.")
        self.core, self.head, self.combine = core, head if head is not None else nn.Identity(), None
        self.time_axis = 1 if core.batch_first else 0
        check_input(core, x)
        directions = 2 if core.bidirectional else 1
        with torch.no_grad():
            probe = torch.zeros(1, core.hidden_size * directions, dtype=x.dtype, device=x.device)
            output_size = self.head(probe).shape[-1]
        self.spec = RNNSpec(
            cell=CELL_OF[type(core)],
            nonlinearity=getattr(core, "nonlinearity", "tanh"),
            topology=topology,
            batch_size=x.shape[1 - self.time_axis],
            seq_len=x.shape[self.time_axis],
            input_size=core.input_size,
            hidden_size=core.hidden_size,
            num_layers=core.num_layers,
            bidirectional=core.bidirectional,
            output_size=output_size,
            batch_first=core.batch_first,
        )

    def core_input(self, x: Tensor, y: Tensor | None = None, teacher_forcing: float = 0.0) -> Tensor:
        return x

    def read_out(self, output: Tensor) -> Tensor:
        return self.head(output)

    def kept(self, every_step: Tensor) -> Tensor:
        if self.spec.topology == "many_to_one":
            return every_step.select(self.time_axis, -1)
        return every_step


def check_input(core: nn.RNNBase, x: Tensor) -> None:
    """x must be a float (batch, time, features) tensor, time-major if the module is: a sentence if not."""
    order = "(batch, time, features)" if core.batch_first else "(time, batch, features)"
    if not torch.is_floating_point(x) or x.dim() != 3:
        raise ValueError(f"x must be a 3-D float tensor {order} for this module; it is {x.dim()}-D {x.dtype}.")
    if x.shape[-1] != core.input_size:
        raise ValueError(f"x has {x.shape[-1]} features per step; this module reads input_size={core.input_size}.")


def check_target(y_hat: Tensor, y: Tensor) -> None:
    """y must be shaped like the outputs (real targets) or like them without the last axis (class
    ids): a ValueError with a sentence, rather than a loss that broadcast two shapes silently."""
    ids = y.dtype in (torch.int64, torch.int32)
    expected = tuple(y_hat.shape[:-1]) if ids else tuple(y_hat.shape)
    if tuple(y.shape) != expected:
        kind = "class ids" if ids else "real targets"
        raise ValueError(
            f"y ({kind}) has shape {tuple(y.shape)}; the outputs are {tuple(y_hat.shape)}, so y must be {expected}."
        )
