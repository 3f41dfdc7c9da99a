"""The animated BPTT figure: JSON size, playback frame rate in Chromium, and the cost of the
recording behind it against a plain fused PyTorch forward + backward.

    python benchmarks/bptt_figure.py            (T = 100, 2 layers, hidden 32, LSTM)

Targets (issue: Unroll and BPTT): JSON under 2 MB, playback at 20 fps or more.
"""

import pathlib
import sys
import tempfile
import time

import torch

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from rnnviz import RNNSpec, build_model, example_input  # noqa: E402
from rnnviz.analysis.probe import demo_recording  # noqa: E402
from rnnviz.net.graph import graph_values, unrolled_graph  # noqa: E402
from rnnviz.plots.bptt import bptt_figure  # noqa: E402
from scripts.chromium import launch  # noqa: E402

FRAME_MS = 30  # what the page's Play button asks for: 33 fps at most


def best_of(repeats, fn):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    torch.set_num_threads(1)
    spec = RNNSpec(cell="lstm", num_layers=2, hidden_size=32, seq_len=100, batch_size=4)
    graph = unrolled_graph(spec)
    recording = demo_recording(spec)
    figure = bptt_figure(graph, graph_values(graph, recording), frame_ms=FRAME_MS)
    size = len(figure.to_json().encode())
    print(
        f"figure JSON: {size / 1e6:.2f} MB for T={spec.steps}, {spec.num_layers} layers, hidden {spec.hidden_size}, "
        f"{len(figure.frames)} frames (target < 2 MB)"
    )

    model = build_model(spec)
    x = example_input(spec)

    def fused():
        y, _ = model(x)
        torch.autograd.grad(y.pow(2).mean(), list(model.parameters()))

    ours = best_of(5, lambda: demo_recording(spec))
    plain = best_of(5, fused)
    print(
        f"recording (explicit loop, all intermediates, dL/dh_t): {ours * 1e3:.1f} ms; plain fused forward+backward: "
        f"{plain * 1e3:.1f} ms; ratio {ours / plain:.1f}x"
    )

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        html = pathlib.Path(folder) / "bptt.html"
        figure.write_html(str(html), include_plotlyjs=True, div_id="bptt")
        with sync_playwright() as p:
            browser = launch(p)
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.goto(html.as_uri())
            page.wait_for_function("document.getElementById('bptt')._fullLayout !== undefined")
            result = page.evaluate(f"""() => new Promise(resolve => {{
                const gd = document.getElementById('bptt');
                let frames = 0; const start = performance.now();
                gd.on('plotly_animatingframe', () => frames++);
                gd.on('plotly_animated', () => resolve({{frames, seconds: (performance.now() - start) / 1000}}));
                Plotly.animate(gd, null, {{frame: {{duration: {FRAME_MS}, redraw: false}},
                                          transition: {{duration: 0}}, mode: 'immediate'}});
            }})""")
            browser.close()
    fps = result["frames"] / result["seconds"]
    print(
        f"playback in Chromium: {result['frames']} frames in {result['seconds']:.1f} s = {fps:.1f} fps "
        f"(asked for {1000 / FRAME_MS:.0f}; target >= 20)"
    )


if __name__ == "__main__":
    main()
