"""Training in a worker process against plain PyTorch: steps per second of the same model, data
and optimiser, one CPU thread each.

    python benchmarks/worker_speed.py [--steps 600]

Three ways, each measured in a fresh process so none inherits another's warm caches:
  plain    a hand-written loop: nn.LSTM + nn.Linear, Adam, the task's own batches (the reference)
  trainer  rnnviz's Trainer.train_step in a process of its own (divergence checks, clipping)
  worker   a ProcessJob as the app runs it (the trainer in a worker process, steered over pipes),
           timed from its first to its last step; probes and evaluations off, as in the plain loop
Prints steps/s and the ratio to plain (the target: worker ≥ 0.95×).
"""

from __future__ import annotations

import argparse
import json
import pathlib
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
CASES = {
    "adding T=50, LSTM 64, batch 64": dict(task="adding", seq_len=50, hidden_size=64, batch_size=64),
    "char-RNN T=25, LSTM 64, batch 32": dict(task="char", seq_len=25, hidden_size=64, batch_size=32),
}
OFF = dict(eval_every=100_000, probe_every=100_000)  # the plain loop neither evaluates nor probes


def plain(case: dict, steps: int) -> float:
    import torch
    from torch import nn

    from rnnviz.tasks import TASKS

    torch.set_num_threads(1)
    torch.manual_seed(0)
    task = TASKS[case["task"]]
    embed = nn.Embedding(task.vocab_size, task.input_size) if task.vocab_size else None
    lstm = nn.LSTM(task.input_size, case["hidden_size"], batch_first=True)
    head = nn.Linear(case["hidden_size"], task.output_size)
    modules = [m for m in (embed, lstm, head) if m is not None]
    optimizer = torch.optim.Adam([p for m in modules for p in m.parameters()], lr=1e-2)
    data = torch.Generator().manual_seed(1)
    start = None
    for step in range(steps + 10):
        if step == 10:
            start = time.perf_counter()  # after ten warm-up steps, as the others
        batch = task.generate(case["batch_size"], case["seq_len"], data)
        x = embed(batch.x) if embed is not None else batch.x
        output, _ = lstm(x)
        if task.topology == "synced":
            loss = nn.functional.cross_entropy(head(output).reshape(-1, task.output_size), batch.y.reshape(-1))
        else:
            loss = nn.functional.mse_loss(head(output[:, -1]), batch.y)
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_([p for m in modules for p in m.parameters()], 1.0)
        optimizer.step()
    return steps / (time.perf_counter() - start)


def trainer(case: dict, steps: int) -> float:
    import torch

    from rnnviz.training.train import TrainConfig, Trainer

    torch.set_num_threads(1)
    run = Trainer(TrainConfig(**case, **OFF))
    for _ in range(10):
        run.train_step()
    start = time.perf_counter()
    for _ in range(steps):
        run.train_step()
    return steps / (time.perf_counter() - start)


def worker(case: dict, steps: int) -> float:
    from rnnviz.serving.process_jobs import ProcessJob
    from rnnviz.training.train import TrainConfig

    job = ProcessJob({"LSTM": TrainConfig(**case, **OFF)}, max_steps=steps + 10).start()
    while job.snapshot()["steps"] < 10:  # the server hears of steps a few times a second
        time.sleep(0.001)
    start, first = time.time(), job.snapshot()["steps"]
    job.join(600)
    return (job.snapshot()["steps"] - first) / (job.ended - start)


def measure(way: str, case: str, steps: int) -> float:
    """steps/s of one way, in a fresh Python process."""
    code = (
        f"import json, sys; sys.path.insert(0, {str(ROOT)!r}); from benchmarks.worker_speed import {way}, CASES; "
        f"print(json.dumps({way}(CASES[{case!r}], {steps})))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=600)
    args = parser.parse_args()
    print(f"{'case':34} {'plain':>8} {'trainer':>8} {'worker':>8}   worker/plain")
    for case in CASES:
        rates = {way: measure(way, case, args.steps) for way in ("plain", "trainer", "worker")}
        print(
            f"{case:34} {rates['plain']:8.1f} {rates['trainer']:8.1f} {rates['worker']:8.1f}   "
            f"{rates['worker'] / rates['plain']:.2f}×  (steps/s)"
        )


if __name__ == "__main__":
    main()
