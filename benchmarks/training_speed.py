"""Training speed of the app's path against plain PyTorch, same machine, same run.

    python benchmarks/training_speed.py [--steps 600]

(a) Steps per second of a background TrainingJob (fused steps + a probe through the unrolled
    loop every 50 steps + an evaluation every 100) against a plain PyTorch loop on the same
    model and batches. Target: ratio >= 0.85.
(b) Time to solve the adding problem at T = 50 (held-out MSE < 0.01, checked every 50 steps)
    with the app's Trainer against a plain script with the same settings and seeds.
    Target: ratio <= 1.2.
Settings: LSTM, hidden 64, batch 64, Adam 1e-2, clip 1, one torch thread.
"""

import argparse
import pathlib
import sys
import time

import torch
from torch import nn

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from rnnviz.tasks import adding  # noqa: E402
from rnnviz.training.jobs import TrainingJob  # noqa: E402
from rnnviz.training.train import TrainConfig, Trainer  # noqa: E402

CONFIG = TrainConfig(
    task="adding",
    cell="lstm",
    hidden_size=64,
    batch_size=64,
    seq_len=50,
    lr=1e-2,
    clip=1.0,
    seed=0,
    device="cpu",
    probe_every=50,
    eval_every=100,
)


class Plain(nn.Module):
    """What a PyTorch user writes: LSTM, last step, linear."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(2, 64, batch_first=True)
        self.head = nn.Linear(64, 1)

    def forward(self, x):
        output, _ = self.lstm(x)
        return self.head(output[:, -1])


def plain_training(steps: int, solve: bool = False) -> tuple[float, int]:
    """→ (seconds, steps taken). Same seeds as the Trainer: same init, same batches."""
    torch.manual_seed(CONFIG.seed)
    model = Plain()
    optimizer = torch.optim.Adam(model.parameters(), lr=CONFIG.lr)
    data = torch.Generator().manual_seed(CONFIG.seed + 1)
    held_out = adding(256, 50, torch.Generator().manual_seed(CONFIG.seed + 1000))
    start = time.perf_counter()
    for step in range(1, steps + 1):
        batch = adding(64, 50, data)
        loss = nn.functional.mse_loss(model(batch.x), batch.y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), CONFIG.clip)
        optimizer.step()
        if solve and step % 50 == 0:
            with torch.no_grad():
                if nn.functional.mse_loss(model(held_out.x), held_out.y) < 0.01:
                    return time.perf_counter() - start, step
    return time.perf_counter() - start, steps


def job_training(steps: int) -> float:
    job = TrainingJob({"LSTM": CONFIG}, max_steps=steps).start()
    job._thread.join()
    assert job.state == "finished", job.message
    return job.ended - job.started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=600)
    args = parser.parse_args()
    torch.set_num_threads(1)
    plain_training(30)  # warm up both paths
    job_training(30)
    plain_seconds, _ = plain_training(args.steps)
    job_seconds = job_training(args.steps)
    plain_rate, job_rate = args.steps / plain_seconds, args.steps / job_seconds
    print(
        f"(a) {args.steps} steps: plain PyTorch {plain_rate:.1f} steps/s; app job with probes every "
        f"{CONFIG.probe_every} and evaluations every {CONFIG.eval_every}: {job_rate:.1f} steps/s; "
        f"ratio {job_rate / plain_rate:.2f} (target >= 0.85)"
    )

    plain_seconds, plain_steps = plain_training(5000, solve=True)
    trainer = Trainer(CONFIG.replace(eval_every=50))
    summary = trainer.run(5000, until_solved=True)
    print(
        f"(b) adding T=50 to MSE < 0.01: plain PyTorch {plain_steps} steps in {plain_seconds:.2f} s; app Trainer "
        f"{summary['steps']} steps in {summary['seconds']:.2f} s (solved: {summary['solved']}); "
        f"time ratio {summary['seconds'] / plain_seconds:.2f} (target <= 1.2)"
    )


if __name__ == "__main__":
    main()
