"""Checkpoints as safetensors with the spec and task in the metadata; never unpickled.

A file is checked before any weight is loaded: its header must parse, its spec must validate,
and every tensor name and shape must be the ones the spec's model has.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

from safetensors.torch import load as load_tensors
from safetensors.torch import save as save_tensors

from rnnviz.net.model import SeqModel, build_model
from rnnviz.net.spec import RNNSpec, SpecError, differences

MAX_CHECKPOINT_BYTES = 200_000_000


class CheckpointError(ValueError):
    """A file that is not a usable RNN Explorer checkpoint, with a sentence saying why."""


def checkpoint_bytes(state: dict, spec: RNNSpec, **metadata) -> bytes:
    """A checkpoint's bytes: the weights `state` (a state_dict) of a model of `spec`."""
    header = {"spec": spec.to_params(), **metadata}
    tensors = {k: v.detach().cpu().contiguous() for k, v in state.items()}
    return save_tensors(tensors, metadata={"rnnviz": json.dumps(header)})


def save_checkpoint(path: str | Path, model: SeqModel, **metadata) -> None:
    Path(path).write_bytes(checkpoint_bytes(model.state_dict(), model.spec, **metadata))


def read_bytes(source, limit: int, error: type[ValueError], what: str) -> bytes:
    """A file's bytes (a path, or the bytes of an upload), never more than `limit` + 1 of them
    (/dev/zero is endless); anything else is `error` with a sentence. `what`: "a checkpoint"."""
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    elif isinstance(source, str | Path):
        try:
            with open(source, "rb") as file:
                data = file.read(limit + 1)
        except IsADirectoryError:
            raise error(f"{source} is a folder, not {what}.") from None
    else:
        raise error(f"{what[0].upper()}{what[1:]} is a path or bytes, not {type(source).__name__}.")
    if len(data) > limit:
        raise error(f"The file is larger than {limit // 1_000_000} MB, too large for {what}.")
    if not data:
        raise error("The file is empty.")
    return data


def read_metadata(data: bytes) -> dict:
    """The rnnviz metadata of a safetensors file's header (a CheckpointError when it has none)."""
    if len(data) < 8:
        raise CheckpointError("This file is too short to be a safetensors checkpoint.")
    (size,) = struct.unpack("<Q", data[:8])
    if size > len(data) - 8 or size > 10_000_000:
        raise CheckpointError("This is not a safetensors file (its header length is wrong).")
    not_ours = "This safetensors file was not written by RNN Explorer (no readable rnnviz metadata)."
    try:
        header = json.loads(data[8 : 8 + size])
        text = header["__metadata__"]["rnnviz"]
        metadata = json.loads(text)
    except (ValueError, KeyError, TypeError, RecursionError):  # RecursionError: JSON nested too deeply
        raise CheckpointError(not_ours) from None
    if not isinstance(metadata, dict):
        raise CheckpointError(f"{not_ours[:-1]}: its metadata is a JSON {type(metadata).__name__}, not an object.")
    return metadata


def _spec(metadata: dict) -> RNNSpec:
    params = metadata.get("spec", {})
    if not isinstance(params, dict) or not all(isinstance(v, str | int | bool) for v in params.values()):
        raise CheckpointError("The checkpoint's configuration is not a set of named settings.")
    try:
        return RNNSpec.from_params(params)
    except SpecError as error:
        raise CheckpointError(f"The checkpoint's configuration is not valid: {error}") from None


def _check_vocabulary(metadata: dict, spec: RNNSpec) -> None:
    vocabulary = metadata.get("vocabulary")
    if vocabulary in (None, []):
        return
    if not isinstance(vocabulary, list) or not all(isinstance(c, str) for c in vocabulary):
        raise CheckpointError("The checkpoint's vocabulary is not a list of strings.")
    if len(set(vocabulary)) != len(vocabulary):
        raise CheckpointError("The checkpoint's vocabulary lists a token twice.")
    if len(vocabulary) != spec.output_size or (spec.vocab_size and len(vocabulary) != spec.vocab_size):
        raise CheckpointError(
            f"The checkpoint's vocabulary has {len(vocabulary)} tokens but its model reads "
            f"{spec.vocab_size} and writes {spec.output_size}."
        )


def load_checkpoint(source: str | Path | bytes, expect: RNNSpec | None = None) -> tuple[SeqModel, dict]:
    """→ (model, metadata). `source` is a path or the bytes of an upload. Anything wrong with
    the file is a CheckpointError with a sentence; nothing is unpickled. `expect`: the spec the
    checkpoint must be for, checked before any model is built."""
    data = read_bytes(source, MAX_CHECKPOINT_BYTES, CheckpointError, "a checkpoint")
    metadata = read_metadata(data)
    spec = _spec(metadata)
    if expect is not None and spec != expect:
        raise CheckpointError(f"the weights are for another configuration ({differences(spec, expect)}).")
    _check_vocabulary(metadata, spec)
    model = build_model(spec)
    try:
        tensors = load_tensors(data)
    except Exception as error:  # safetensors raises its own types for every kind of damage
        raise CheckpointError(f"The weights could not be read ({error}).") from None
    expected = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    found = {k: tuple(v.shape) for k, v in tensors.items()}
    if expected != found:
        missing = sorted(set(expected) - set(found))
        unexpected = sorted(set(found) - set(expected))
        wrong = sorted(k for k in set(expected) & set(found) if expected[k] != found[k])
        problems = [
            f"{what}: {names}"
            for what, names in (("missing", missing), ("unexpected", unexpected), ("wrong shape", wrong))
            if names
        ]
        raise CheckpointError(f"The weights do not fit the configuration ({'; '.join(problems)}).")
    for name, tensor in tensors.items():
        if not tensor.is_floating_point():
            raise CheckpointError(f"The weight {name} holds {tensor.dtype} numbers, not floating-point ones.")
        if not bool(tensor.isfinite().all()):
            raise CheckpointError(f"The weight {name} holds NaN or infinite numbers: the model cannot be used.")
    model.load_state_dict({k: v.float() for k, v in tensors.items()}, strict=True)
    return model, metadata
