"""What the Inside and Trajectory pages send to the browser for a long sequence.

    python benchmarks/inside_payload.py      (LSTM, T = 200, hidden 128)

Target (issue: Inside the network): all figures together under 5 MB.
"""

import pathlib
import sys

import torch

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from rnnviz import RNNSpec, build_model, example_input, record  # noqa: E402
from rnnviz.analysis.inside import pca_path, saturation, state_maps  # noqa: E402
from rnnviz.plots.inside import (  # noqa: E402
    highlighted_text_html,
    pca_figure,
    saturation_figure,
    state_heatmap,
    state_vector_animation,
)


def main():
    torch.set_num_threads(1)
    spec = RNNSpec(cell="lstm", seq_len=200, hidden_size=128, batch_size=1, input_size=8)
    recording = record(build_model(spec), example_input(spec))
    labels = [f"x{t}" for t in range(200)]
    maps = state_maps(recording)
    sizes = {f"heatmap {name}": len(state_heatmap(values, labels, name, 0).to_json()) for name, values in maps.items()}
    sizes["state vector animation"] = len(state_vector_animation(maps["h"], labels).to_json())
    sizes["gate saturation"] = len(saturation_figure(saturation(recording)).to_json())
    sizes["highlighted text"] = len(highlighted_text_html(labels, maps["c"][:, 0], 0.1))
    coords, explained = pca_path(maps["h"])
    sizes["PCA trajectory (Trajectory page)"] = len(pca_figure(coords, labels, explained).to_json())
    for name, size in sizes.items():
        print(f"{name:34s} {size / 1e6:6.2f} MB")
    total = sum(sizes.values())
    print(f"{'total':34s} {total / 1e6:6.2f} MB (target < 5 MB)")


if __name__ == "__main__":
    main()
