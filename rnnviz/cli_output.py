"""What the command line prints while it works: JSON lines (--json), a progress bar or plain
lines, and the summary of a training run."""

from __future__ import annotations

import json
import sys


def emit(event: str, **fields_) -> None:
    """One line of the --json schema."""
    print(json.dumps({"event": event, **fields_}), flush=True)


class Progress:
    """Training progress on stderr: a tqdm bar (rate, time left) on a terminal, else one plain line
    per evaluation (a log file or a pipe gets no carriage returns)."""

    def __init__(self, total: int, metric: str):
        from tqdm import tqdm

        self.metric = metric
        self.bar = tqdm(total=total, unit="step", file=sys.stderr, dynamic_ncols=True) if sys.stderr.isatty() else None

    def step(self) -> None:
        if self.bar is not None:
            self.bar.update(1)

    def evaluation(self, result: dict) -> None:
        words = f"loss {result['loss']:.4f} {self.metric} {result['metric']:.4f}"
        if self.bar is not None:
            self.bar.set_postfix_str(words, refresh=False)
        else:
            print(f"step {result['step']:,}: {words}", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def print_summary(summary: dict, stopped: bool) -> None:
    if stopped:
        written = [summary[k] for k in ("run", "saved") if k in summary]
        where = f" (written to {', '.join(written)})" if written else ""
        print(f"Stopped by Ctrl-C after {summary['steps']:,} steps; the result so far{where}:", file=sys.stderr)
    print(
        f"{summary['task']} with {summary['cell']}: {summary['steps']} steps in {summary['seconds']} s "
        f"({summary['steps_per_second']} steps/s); {summary['metric']} {summary['value']:.4f} against the "
        f"memoryless baseline loss {summary['baseline']:.4f}; solved: {summary['solved']}"
    )
    if "teacher_forced_value" in summary:
        print(
            f"That {summary['metric']} is free-running (each writing step read the model's own output); "
            f"teacher-forced (each read the true previous target) it is {summary['teacher_forced_value']:.4f}."
        )
    if summary["diverged"]:
        print(summary["diverged"])
