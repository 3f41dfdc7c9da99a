"""A lane's resume state (rnnviz.training.resume) as a safetensors member of a run file: its
tensors as tensors, its numbers as JSON in the metadata; never unpickled. Whether the state fits
the lane's model is checked when a run is resumed (resume.check), not here.

    data = resume_bytes(checkpoint(trainer))      saved = resume_from_bytes(data, "LSTM", budget)
"""

from __future__ import annotations

import json

from safetensors.torch import load as load_tensors
from safetensors.torch import save as save_tensors

from rnnviz.files.export import CheckpointError, read_metadata
from rnnviz.files.unzip import RunFileError, UnpackBudget


def resume_bytes(saved: dict) -> bytes:
    tensors = {name: t.detach().cpu().contiguous() for name, t in saved["tensors"].items()}
    return save_tensors(tensors, metadata={"rnnviz": json.dumps(saved["meta"])})


def resume_from_bytes(data: bytes, label: str, budget: UnpackBudget) -> dict:
    """The resume state in `data`; a RunFileError with a sentence when it cannot be read."""
    where = f"{label}'s resume state"
    try:
        meta = read_metadata(data)
        tensors = load_tensors(data)
    except CheckpointError as error:
        raise RunFileError(f"{where}: {error}") from None
    except Exception as error:  # safetensors raises its own types for every kind of damage
        raise RunFileError(f"{where} could not be read ({error}).") from None
    budget.charge(sum(t.numel() * t.element_size() for t in tensors.values()), where, "takes")
    return {"tensors": tensors, "meta": meta}
