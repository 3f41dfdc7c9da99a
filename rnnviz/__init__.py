"""rnnviz: recurrent networks made visible — specs, shapes, unrolled passes and recordings.

Never imports streamlit: everything here works in a notebook, a script or the CLI.
"""

from rnnviz.model import SeqModel, build_model, example_input
from rnnviz.recording import Recording, record, sequence_loss
from rnnviz.shapes import shape_ledger
from rnnviz.spec import RNNSpec, SpecError
from rnnviz.topology import Timeline, timeline
from rnnviz.unroll import Unrolled, unroll

__all__ = [
    "RNNSpec",
    "Recording",
    "SeqModel",
    "SpecError",
    "Timeline",
    "Unrolled",
    "build_model",
    "example_input",
    "record",
    "sequence_loss",
    "shape_ledger",
    "timeline",
    "unroll",
]
