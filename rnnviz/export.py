"""Checkpoints as safetensors with the spec and task in the metadata; never unpickled.

A file is checked before any weight is loaded: its header must parse, its spec must validate,
and every tensor name and shape must be the ones the spec's model has.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

from safetensors.torch import load as load_tensors
from safetensors.torch import save_file

from rnnviz.model import SeqModel, build_model
from rnnviz.spec import RNNSpec, SpecError

MAX_CHECKPOINT_BYTES = 200_000_000


class CheckpointError(ValueError):
    """A file that is not a usable RNN Explorer checkpoint, with a sentence saying why."""


def save_checkpoint(path: str | Path, model: SeqModel, **metadata) -> None:
    header = {"spec": model.spec.to_params(), **metadata}
    state = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    save_file(state, str(path), metadata={"rnnviz": json.dumps(header)})


def _header(data: bytes) -> dict:
    if len(data) < 8:
        raise CheckpointError("This file is too short to be a safetensors checkpoint.")
    (size,) = struct.unpack("<Q", data[:8])
    if size > len(data) - 8 or size > 10_000_000:
        raise CheckpointError("This is not a safetensors file (its header length is wrong).")
    try:
        header = json.loads(data[8 : 8 + size])
        return json.loads(header["__metadata__"]["rnnviz"])
    except (ValueError, KeyError, TypeError):
        raise CheckpointError("This safetensors file was not written by RNN Explorer (no rnnviz metadata).") from None


def load_checkpoint(source: str | Path | bytes) -> tuple[SeqModel, dict]:
    """→ (model, metadata). `source` is a path or the bytes of an upload."""
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    if len(data) > MAX_CHECKPOINT_BYTES:
        raise CheckpointError(f"The file is larger than {MAX_CHECKPOINT_BYTES // 1_000_000} MB.")
    metadata = _header(data)
    try:
        spec = RNNSpec.from_params(metadata.get("spec", {}))
    except SpecError as error:
        raise CheckpointError(f"The checkpoint's configuration is not valid: {error}") from None
    model = build_model(spec)
    try:
        tensors = load_tensors(data)
    except Exception as error:
        raise CheckpointError(f"The weights could not be read: {error}") from None
    expected = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    found = {k: tuple(v.shape) for k, v in tensors.items()}
    if expected != found:
        missing = sorted(set(expected) - set(found))
        wrong = sorted(k for k in set(expected) & set(found) if expected[k] != found[k])
        raise CheckpointError(f"The weights do not fit the configuration (missing: {missing}, wrong shape: {wrong}).")
    model.load_state_dict(tensors, strict=True)
    return model, metadata
