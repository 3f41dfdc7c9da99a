"""A probe Recording as an .npz, written so the same recording gives the same bytes and read
without ever unpickling, inside a byte budget shared by everything one file unpacks.

Shared by run files (rnnviz.files.runs) and the recording download: members are unpacked by
rnnviz.files.unzip (declared sizes charged first, inflated in bounded chunks), every .npy header is
parsed and refused unless it holds plain numbers whose byte count matches its shape, and the
arrays must fit the recording's spec.
"""

from __future__ import annotations

import io
import json
import math
import zipfile

import numpy as np

from rnnviz.analysis.recording import ARRAY_FIELDS, Recording, arrays
from rnnviz.files.unzip import MAX_UNPACKED_BYTES, RunFileError, UnpackBudget, ZipMembers
from rnnviz.net.spec import CELL_GATES, RNNSpec

__all__ = ["MAX_UNPACKED_BYTES", "RunFileError", "UnpackBudget", "add_member", "recording_from_npz", "recording_npz"]

ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # every member's timestamp: the same content gives the same bytes
NUMBER_KINDS = "biuf"  # bool, int, unsigned, float: the only array kinds a run file may hold


def add_member(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)


def recording_npz(recording: Recording, compact: bool = False) -> bytes:
    """One Recording as an .npz: its arrays by flat name ("gates/i") and `meta`, a JSON string
    with its spec, step, loss, tbptt and parameter-gradient norms. np.load reads it (no pickle).
    compact: float64 arrays (the gradients) are stored as float32."""
    meta = {
        "spec": recording.spec.to_params(),
        "step": recording.step,
        "loss": recording.loss,
        "tbptt": recording.tbptt,
        "param_grad_norms": recording.param_grad_norms,
    }
    members = {**arrays(recording), "meta": np.array(json.dumps(meta))}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, array in members.items():
            npy = io.BytesIO()
            array = np.asarray(array)
            if compact and array.dtype == np.float64:
                array = array.astype(np.float32)
            np.lib.format.write_array(npy, array, allow_pickle=False)
            add_member(archive, name + ".npy", npy.getvalue())
    return buffer.getvalue()


def read_npy(data: bytes, name: str) -> np.ndarray:
    """One .npy member: plain numbers (or a JSON string) whose byte size matches its shape; an
    object array (which only a pickle could fill) is refused before a byte of it is read."""
    buffer = io.BytesIO(data)
    try:
        version = np.lib.format.read_magic(buffer)
        read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        shape, fortran, dtype = read_header(buffer)
    except (ValueError, TypeError, SyntaxError, OverflowError, RecursionError, MemoryError) as error:
        raise RunFileError(f"{name} is not a readable .npy array ({error}).") from None
    if dtype.hasobject or dtype.kind not in NUMBER_KINDS + "U":
        raise RunFileError(f"{name} holds {dtype} values; a run file holds only numbers.")
    count = math.prod(shape)
    if count * dtype.itemsize != len(data) - buffer.tell():
        raise RunFileError(f"{name} declares shape {shape} but holds {len(data) - buffer.tell():,} bytes of data.")
    array = np.frombuffer(data, dtype=dtype, count=count, offset=buffer.tell())
    return array.reshape(shape, order="F" if fortran else "C").copy()


def recording_from_npz(data: bytes, name: str = "the probe", budget: UnpackBudget | None = None) -> Recording:
    """The inverse of recording_npz, with every array's shape checked against the spec."""
    members = ZipMembers(data, name, budget or UnpackBudget(), allowed=lambda n: n.endswith(".npy"))
    found = {n.removesuffix(".npy"): read_npy(members.read(n), f"{n} in {name}") for n in members.names()}
    meta = found.pop("meta", None)
    try:
        meta = json.loads(str(meta[()]))
        spec = RNNSpec.from_params(meta["spec"])
        step, loss, tbptt, norms = meta["step"], meta["loss"], meta["tbptt"], meta["param_grad_norms"]
    except (TypeError, ValueError, KeyError, IndexError, RecursionError, AttributeError) as error:
        raise RunFileError(f"{name} has no readable description (meta: {error}).") from None
    if not (isinstance(step, int) and step >= 0 and isinstance(norms, dict)):
        raise RunFileError(f"{name}'s description (meta) has a bad step or gradient norms.")
    values = {}
    for key in ARRAY_FIELDS:
        if key in ("gates", "edge_grads"):
            values[key] = {n.split("/", 1)[1]: a for n, a in found.items() if n.startswith(key + "/")}
        else:
            values[key] = found.get(key)
    if values["edge_grads"] == {}:
        values["edge_grads"] = None
    unknown = (
        set(found)
        - {k for k in ARRAY_FIELDS if values[k] is not None}
        - {f"{k}/{n}" for k in ("gates", "edge_grads") for n in (values[k] or {})}
    )
    if unknown:
        raise RunFileError(f"{name} holds arrays a recording does not have: {', '.join(sorted(unknown))}.")
    missing = [k for k in ("inputs", "core_inputs", "outputs", "step_outputs", "reads_input", "loss_mask", "hidden")]
    missing = [k for k in missing if values[k] is None]
    if missing:
        raise RunFileError(f"{name} lacks {', '.join(missing)}.")
    recording = Recording(spec=spec, loss=loss, param_grad_norms=norms, step=step, tbptt=tbptt, **values)
    _check_shapes(recording, name)
    return recording


def _check_shapes(recording: Recording, name: str) -> None:
    spec, hidden = recording.spec, recording.hidden
    steps = recording.steps
    expected = (spec.num_layers, spec.num_directions, steps)
    if hidden.ndim != 5 or hidden.shape[:3] != expected or hidden.shape[4] != spec.hidden_size:
        raise RunFileError(f"{name}: hidden states of shape {hidden.shape} do not fit its configuration.")
    same = {"cell": recording.cell, "hidden_grad": recording.hidden_grad, "cell_grad": recording.cell_grad}
    same.update({f"gate {g}": a for g, a in recording.gates.items()})
    for what, array in same.items():
        if array is not None and array.shape != hidden.shape:
            raise RunFileError(f"{name}: {what} has shape {array.shape}, the hidden states {hidden.shape}.")
    gate_names = set(CELL_GATES[spec.cell])
    if set(recording.gates) != gate_names:
        found = sorted(recording.gates)
        raise RunFileError(f"{name}: a {spec.cell.upper()} has gates {sorted(gate_names)}, not {found}.")
    if recording.loss_mask.shape != (steps,) or recording.step_outputs.shape[0] != steps:
        raise RunFileError(f"{name}: its per-step arrays do not have {steps} steps.")
