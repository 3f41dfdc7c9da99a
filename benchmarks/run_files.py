"""The bundled run files: size on disk, time to load (every check included) and to draw the
Train/Race panel's two charts, and how long training the same run takes, for comparison.

    python benchmarks/run_files.py          (about 40 s: it re-trains each run once)

Target (issue: record and replay): each file well under 2 MB; a replay shows without training.
"""

import pathlib
import statistics
import sys
import time

import torch

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from rnnviz.files.runs import load_run  # noqa: E402
from rnnviz.plots.training import loss_figure, metric_figure  # noqa: E402
from scripts.make_demo_runs import DEMOS, FOLDER, make  # noqa: E402


def best_of(function, repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def draw(run) -> None:
    snapshot = run.snapshot()
    first = next(iter(snapshot["lanes"].values()))
    task, seq_len = first.config.task_object(), first.config.spec().seq_len
    for figure in (
        loss_figure(snapshot["lanes"], task.baseline(seq_len)),
        metric_figure(snapshot["lanes"], task.chance(seq_len), task.metric, task.solved_at),
    ):
        figure.to_json()  # what Streamlit sends to the browser


def main(retrain: bool = True) -> None:
    torch.set_num_threads(1)
    print(f"{'run file':28} {'MB':>6} {'load s':>8} {'draw s':>8} {'train s':>8} {'train ÷ (load + draw)':>22}")
    for demo in DEMOS:
        path = FOLDER / demo.file
        run = load_run(path)
        load = best_of(lambda: load_run(path))  # noqa: B023
        drawing = best_of(lambda: draw(run))  # noqa: B023
        trained = "—"
        ratio = "—"
        if retrain:
            start = time.perf_counter()
            make(demo, pathlib.Path("/tmp"))
            seconds = time.perf_counter() - start
            trained, ratio = f"{seconds:.1f}", f"{seconds / (load + drawing):,.0f}×"
        print(f"{demo.file:28} {path.stat().st_size / 1e6:6.2f} {load:8.3f} {drawing:8.3f} {trained:>8} {ratio:>22}")


if __name__ == "__main__":
    main(retrain="--no-train" not in sys.argv)
