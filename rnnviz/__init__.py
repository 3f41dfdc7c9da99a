"""rnnviz: recurrent networks made visible — specs, shapes, unrolled passes and recordings.

Never imports streamlit: everything here works in a notebook, a script or the CLI.
"""

__version__ = "0.2.0"

from rnnviz.analysis.recording import Recording, record, sequence_loss
from rnnviz.net.model import SeqModel, build_model, example_input
from rnnviz.net.shapes import shape_ledger
from rnnviz.net.spec import RNNSpec, SpecError
from rnnviz.net.topology import Timeline, timeline
from rnnviz.net.unroll import Unrolled, unroll

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
    "__version__",
]
