"""The same training run on the CPU and, when there is one, on CUDA: steps per second of the app's
background job (probes and evaluations included) and what one probe costs, moving its recording
back to the CPU once.

    python benchmarks/device_speed.py [--steps 300]

Two sizes: the app's default adding-problem LSTM (hidden 64, batch 64, T = 50), where a small GPU
kernel launch dominates, and a larger one (hidden 256, batch 64, T = 100; near the app's 256 MB budget per request).
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import time

import torch

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from rnnviz.net.device import available_devices  # noqa: E402
from rnnviz.training.jobs import TrainingJob  # noqa: E402
from rnnviz.training.train import TrainConfig, Trainer  # noqa: E402

SIZES = {
    "LSTM hidden 64, batch 64, T 50": TrainConfig(
        task="adding", cell="lstm", hidden_size=64, batch_size=64, seq_len=50
    ),
    "LSTM hidden 256, batch 64, T 100": TrainConfig(
        task="adding", cell="lstm", hidden_size=256, batch_size=64, seq_len=100
    ),
}


def job_rate(config: TrainConfig, steps: int) -> float:
    job = TrainingJob({"LSTM": config}, max_steps=steps).start()
    job._thread.join()
    if job.state != "finished":
        raise RuntimeError(job.message)
    return steps / (job.ended - job.started)


def probe_ms(config: TrainConfig, repeats: int = 5) -> float:
    """One probe: the unrolled loop with every state, gate and gradient recorded, back on the CPU."""
    trainer = Trainer(config)
    trainer.probe()  # warm-up
    if config.device == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(repeats):
        trainer.probe()
    return 1000 * (time.perf_counter() - start) / repeats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=300)
    args = parser.parse_args()
    if not 10 <= args.steps <= 100_000:
        parser.error("steps: 10 to 100,000")
    torch.set_num_threads(1)  # as the app does
    devices = [d for d in available_devices() if d in ("cpu", "cuda")]
    print(f"devices: {', '.join(devices)}" + ("" if "cuda" in devices else " (no CUDA here: CPU figures only)"))
    for name, base in SIZES.items():
        rates = {}
        for device in devices:
            config = base.replace(device=device, probe_every=50, eval_every=100, lr=1e-2, clip=1.0)
            job_rate(config, 20)  # warm-up: kernels, allocator
            rates[device] = job_rate(config, args.steps)
            print(f"{name:36s} {device:5s} {rates[device]:8.1f} steps/s   one probe {probe_ms(config):7.1f} ms")
        if len(rates) == 2:
            print(f"{'':36s} CUDA / CPU: {rates['cuda'] / rates['cpu']:.1f}×")


if __name__ == "__main__":
    main()
