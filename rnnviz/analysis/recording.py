"""record(model, x, y): one probe of a SeqModel through the unrolled loop, kept as plain data.

The probe uses the model's own parameters, so its outputs equal the fused forward pass; it
computes gradients with torch.autograd.grad, so it never touches the parameters' .grad and can
run between training steps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from torch import Tensor, nn

from rnnviz.analysis.own_module import OwnModel, check_target
from rnnviz.net import budget
from rnnviz.net.model import SeqModel
from rnnviz.net.spec import RNNSpec
from rnnviz.net.topology import timeline
from rnnviz.net.unroll import unroll


@dataclass
class Recording:
    """Everything one probe computed. State arrays are (num_layers, num_directions, T, B, H)."""

    spec: RNNSpec
    inputs: np.ndarray  # x as given to the model
    core_inputs: np.ndarray  # (T, B, F) what the core read: embedded, empty steps zero
    targets: np.ndarray | None  # y, shaped like `outputs` (class ids for a classifier)
    outputs: np.ndarray  # the model's y: the kept outputs, shaped per topology
    step_outputs: np.ndarray  # (T, B, O): the head read at every step, kept or not
    reads_input: np.ndarray  # (T,) bool: real input at this step, else an empty one
    loss_mask: np.ndarray  # (T,) bool: this step's output counts in the loss
    loss: float | None
    hidden: np.ndarray  # h_t
    cell: np.ndarray | None  # c_t (LSTM)
    gates: dict[str, np.ndarray]  # LSTM i f g o, GRU r z n
    hidden_grad: np.ndarray | None  # total dL/dh_t (None without targets)
    step_output_grad: np.ndarray | None  # (T, B, O) dL/dy_t at every step (zero where ignored)
    cell_grad: np.ndarray | None  # total dL/dc_t (LSTM, with targets)
    param_grad_norms: dict[str, float]  # ‖dL/dθ‖ per named parameter
    step: int = 0  # training step at which the probe ran
    tbptt: int | None = None  # truncated BPTT: the state was detached every `tbptt` steps
    edge_grads: dict[str, np.ndarray] | None = None  # gradient along each edge: see Unrolled.edge_grads

    @property
    def steps(self) -> int:
        return len(self.reads_input)

    def __repr__(self) -> str:  # one line in a notebook; the arrays are one attribute away
        layers, directions, steps, batch, units = self.hidden.shape
        loss = "no targets" if self.loss is None else f"loss={self.loss:.4g}"
        return (
            f"Recording({self.spec.cell}, {layers} layer{'s' * (layers > 1)} × {directions} "
            f"direction{'s' * (directions > 1)}, T={steps}, B={batch}, H={units}, {loss}, step {self.step})"
        )

    @property
    def nbytes(self) -> int:
        """Bytes held by its arrays."""
        return sum(array.nbytes for array in arrays(self).values())


def arrays(recording: Recording) -> dict[str, np.ndarray]:
    """Every array of a recording by a flat name ("hidden", "gates/i", "edge_grads/recurrent");
    the ones it does not have are left out."""
    found = {}
    for name in ARRAY_FIELDS:
        value = getattr(recording, name)
        if isinstance(value, dict):
            found.update({f"{name}/{key}": array for key, array in value.items()})
        elif value is not None:
            found[name] = value
    return found


def recording_table(recording: Recording) -> pd.DataFrame:
    """Every per-unit array of a recording (states, gates, their gradients, the edge flows) as one
    long table with the columns quantity, layer, direction, t, example, unit, value."""
    tables = []
    for name, array in arrays(recording).items():
        if array.ndim != 5:  # (layers, directions, T, B, units); inputs and outputs stay in the npz
            continue
        index = np.indices(array.shape).reshape(5, -1)
        columns = dict(zip(("layer", "direction", "t", "example", "unit"), index))
        tables.append(pd.DataFrame({"quantity": name, **columns, "value": array.reshape(-1)}))
    return pd.concat(tables, ignore_index=True)


ARRAY_FIELDS = (
    "inputs",
    "core_inputs",
    "targets",
    "outputs",
    "step_outputs",
    "reads_input",
    "loss_mask",
    "hidden",
    "cell",
    "gates",
    "hidden_grad",
    "step_output_grad",
    "cell_grad",
    "edge_grads",
)


def sequence_loss(y_hat: Tensor, y: Tensor, mask: Tensor | None = None) -> Tensor:
    """MSE for real targets, cross-entropy for class ids.

    mask weights positions: for class ids it is shaped like y; for real targets like y
    without its last (feature) axis.
    """
    if y.dtype in (torch.int64, torch.int32):
        per_position = F.cross_entropy(y_hat.reshape(-1, y_hat.shape[-1]), y.reshape(-1), reduction="none")
        per_position = per_position.reshape(y.shape)
    else:
        per_position = F.mse_loss(y_hat, y, reduction="none").mean(-1)
    if mask is None:
        return per_position.mean()
    mask = mask.to(per_position.dtype).expand_as(per_position)
    return (per_position * mask).sum() / mask.sum().clamp_min(1)


def record(
    model: SeqModel | nn.RNNBase,
    x: Tensor,
    y: Tensor | None = None,
    loss_mask: Tensor | None = None,
    step: int = 0,
    tbptt: int | None = None,
    teacher_forcing: float = 0.0,
    *,
    head: nn.Module | None = None,
    topology: str = "synced",
) -> Recording:
    """One probe: every state, gate and total dL/dh_t, as numpy arrays (layers, directions, T, B, units).

    model: a SeqModel (build_model), or your own nn.RNN / nn.LSTM / nn.GRU with `head` (any module
    from the last hidden size to the output, e.g. nn.Linear; none: the states themselves) and
    `topology` "synced" (an output at every step) or "many_to_one" (the last step's).
    x: what the model reads, (B, T, F) or (T, B, F) as its batch_first says; token ids for an
    embedding. y: targets shaped like the outputs, or class ids shaped like them without the last
    axis; without y no gradients are recorded. A ValueError with a sentence for any other shape.
    A decoder that feeds back its outputs runs free (teacher_forcing 0) unless told otherwise."""
    if isinstance(model, nn.RNNBase) or not hasattr(model, "spec"):  # yours: OwnModel says what it takes
        model = OwnModel(model, head, topology, x)
    elif head is not None or topology != "synced":
        raise ValueError("head and topology are for your own nn.RNN/LSTM/GRU; a SeqModel has its own.")
    spec = model.spec
    if spec.topology not in ("one_to_one", "one_to_many"):  # the sequence may be longer or shorter
        spec = spec.replace(seq_len=x.shape[1 if spec.batch_first else 0])
    examples = x.shape[0 if spec.batch_first or x.dim() == 1 else 1]
    too_big = budget.problem(spec, batch=examples, backward=y is not None, record=True)
    if too_big:
        raise ValueError(too_big[1])
    with torch.enable_grad():
        features = model.core_input(x, y, teacher_forcing)
        unrolled = unroll(model.core, features, detach_every=tbptt)
        every_step = model.read_out(unrolled.output)  # the head at every step, kept or not
        y_hat = model.kept(every_step)
        loss = hidden_grad = cell_grad = output_grad = edge_grads = None
        norms: dict[str, float] = {}
        if y is not None:
            check_target(y_hat, y)
            loss_tensor = sequence_loss(y_hat, y, loss_mask)
            named = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
            *grads, output_grad = unrolled.backward(loss_tensor, [p for _, p in named] + [every_step])
            norms = {n: (0.0 if g is None else float(g.norm())) for (n, _), g in zip(named, grads)}
            loss, hidden_grad, cell_grad = loss_tensor.item(), unrolled.hidden_grad, unrolled.cell_grad
            edge_grads = unrolled.edge_grads
            output_grad = _time_major(output_grad, spec)
        every_step = _time_major(every_step, spec)
    line = timeline(spec)
    in_loss = line.in_loss.copy()
    if loss_mask is not None and y_hat.dim() == 3:  # a per-step mask: steps it zeroes everywhere
        steps_axis = 1 if spec.batch_first else 0
        any_counted = loss_mask.detach().cpu().numpy().astype(bool).any(axis=1 - steps_axis)
        in_loss[line.first_output :] &= any_counted
    return Recording(
        spec=spec,
        inputs=x.detach().cpu().numpy(),
        core_inputs=_time_major(features, spec),
        targets=None if y is None else y.detach().cpu().numpy(),
        outputs=y_hat.detach().cpu().numpy(),
        step_outputs=every_step,
        reads_input=line.reads_input,
        loss_mask=in_loss,
        loss=loss,
        hidden=unrolled.hidden,
        cell=unrolled.cell,
        gates=unrolled.gates,
        hidden_grad=hidden_grad,
        step_output_grad=output_grad,
        cell_grad=cell_grad,
        param_grad_norms=norms,
        step=step,
        tbptt=tbptt,
        edge_grads=edge_grads,
    )


def _time_major(sequence: Tensor, spec: RNNSpec) -> np.ndarray:
    """(B, T, ·) or (T, B, ·) → numpy (T, B, ·)."""
    sequence = sequence.transpose(0, 1) if spec.batch_first else sequence
    return sequence.detach().cpu().numpy()
