"""Regenerate the bundled demo runs in rnnviz/demo_runs/: `python -m scripts.make_demo_runs`.

Each is a real run of rnnviz's trainer, recorded with rnnviz.files.runs, seeded, on one CPU thread:
the same torch build on the same machine gives the same bytes. Each file keeps a few probes and
weight copies spread over the run so it stays well under 2 MB.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path

import torch

from rnnviz.files.runs import save_run
from rnnviz.lessons.decoder import DEFAULT_STEPS, DEMO_RUN, decoder_config
from rnnviz.training.jobs import TrainingJob
from rnnviz.training.train import TrainConfig

FOLDER = Path(__file__).resolve().parents[1] / "rnnviz" / "demo_runs"


@dataclass(frozen=True)
class Demo:
    file: str
    title: str
    lanes: dict[str, TrainConfig]
    steps: int
    probes: int  # probes kept per lane
    weights: int  # weight copies kept per lane


ADDING = TrainConfig(task="adding", seq_len=50, hidden_size=64, batch_size=64, probe_every=50, eval_every=50)
PARITY = TrainConfig(task="running_parity", seq_len=20, hidden_size=32, batch_size=64, probe_every=25, eval_every=25)
DEMOS = [
    Demo(
        "adding_race_T50.rnnrun",
        "The adding problem at T = 50: RNN (lr 1e-3) against GRU and LSTM (lr 1e-2), 1,500 steps",
        {
            "RNN": ADDING.replace(cell="rnn", lr=1e-3),
            "GRU": ADDING.replace(cell="gru"),
            "LSTM": ADDING.replace(cell="lstm"),
        },
        1500,
        probes=1,  # the Race page draws no probes; the weights give Inside and Compare their models
        weights=4,
    ),
    Demo(
        "char_rnn.rnnrun",
        "Karpathy's char-RNN on the tutorial text: an LSTM learns to spell it, 600 steps",
        {"LSTM": TrainConfig(task="char", hidden_size=64, seq_len=25, batch_size=32, probe_every=25, eval_every=25)},
        600,
        probes=4,
        weights=5,
    ),
    Demo(
        "parity_race.rnnrun",
        "Running parity, T = 20: RNN against GRU and LSTM, 600 steps",
        {"RNN": PARITY.replace(cell="rnn"), "GRU": PARITY.replace(cell="gru"), "LSTM": PARITY.replace(cell="lstm")},
        600,
        probes=5,
        weights=7,
    ),
    Demo(
        "mingru_parity.rnnrun",
        "Running parity, T = 20: minGRU with its decay in [0, 1] against minGRU with it in [−1, 1], 600 steps",
        {
            "minGRU positive decay": PARITY.replace(cell="mingru", decay="positive"),
            "minGRU signed decay": PARITY.replace(cell="mingru", decay="signed"),
        },
        600,
        probes=2,
        weights=3,
    ),
    Demo(
        f"{DEMO_RUN}.rnnrun",
        "Reversing 10 digits: an LSTM encoder-decoder without attention, with dot and with general attention",
        {
            "no attention": decoder_config(attention="none"),
            "dot attention": decoder_config(attention="dot"),
            "general attention": decoder_config(attention="general"),
        },
        DEFAULT_STEPS,
        probes=1,  # the Decoder page records its own example
        weights=3,
    ),
]


def make(demo: Demo, folder: Path = FOLDER) -> Path:
    job = TrainingJob(demo.lanes, max_steps=demo.steps).start()
    job._thread.join()
    if job.state != "finished":
        raise RuntimeError(f"{demo.file}: the run ended {job.state}: {job.message}")
    options = dict(probes=demo.probes, weights=demo.weights, title=demo.title, compact=True)
    return save_run(job, folder / demo.file, **options)


def main(names: list[str]) -> None:
    torch.set_num_threads(1)
    FOLDER.mkdir(exist_ok=True)
    for demo in DEMOS:
        if names and demo.file not in names:
            continue
        start = time.perf_counter()
        path = make(demo)
        print(f"{path.name}: {path.stat().st_size / 1e6:.2f} MB in {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
