"""minGRU and minLSTM as a sequential loop, as the paper's log-space parallel scan and as a Blelloch
tree, against PyTorch's fused nn.RNN / nn.GRU / nn.LSTM and the explicit GRU loop of rnnviz.net.unroll:
time per training step (forward + backward), the activation memory autograd keeps and the
parameter count, for T = 16 … 1024, in one run on this machine (CPU; and CUDA if present).

    python benchmarks/scan_vs_loop.py      (about two minutes on 2 cores)

It prints the crossover T: the first length at which the log-space scan beats the loop.
"""

import pathlib
import sys

import torch

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from rnnviz.analysis.cost import ALL, measure  # noqa: E402

LENGTHS = (16, 32, 64, 128, 256, 512, 1024)


def report(device: str) -> None:
    rows = measure(LENGTHS, names=ALL, repeats=3, device=device)
    print(f"\n{device}: batch 16, 32 features, 64 units; ms per forward + backward, MB kept for the backward")
    print(f"{'':>20} " + " ".join(f"{steps:>16}" for steps in LENGTHS) + f" {'parameters':>11}")
    for name in ALL:
        mine = {r["T"]: r for r in rows if r["implementation"] == name}
        cells = " ".join(f"{mine[t]['seconds'] * 1e3:>7.1f} ({mine[t]['saved_bytes'] / 1e6:>6.1f})" for t in LENGTHS)
        print(f"{name:>20} {cells} {mine[LENGTHS[0]]['parameters']:>11,}")
    for scan in ("minGRU log scan", "minGRU tree"):
        faster = [
            steps
            for steps in LENGTHS
            if next(r for r in rows if r["T"] == steps and r["implementation"] == scan)["seconds"]
            < next(r for r in rows if r["T"] == steps and r["implementation"] == "minGRU loop")["seconds"]
        ]
        print(f"crossover ({scan} faster than the loop from): T = {faster[0] if faster else 'none up to 1024'}")


if __name__ == "__main__":
    torch.set_num_threads(1)
    report("cpu")
    if torch.cuda.is_available():
        report("cuda")
