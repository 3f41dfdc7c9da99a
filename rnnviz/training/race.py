"""Who races and who won: the lanes a race can have, and the result in words (first to solve the
task, and every lane's latest held-out metric)."""

from __future__ import annotations

from rnnviz.net.spec import CELL_NAMES
from rnnviz.training.train import TrainConfig

# an entrant: its name in the race and what it changes in the race's configuration
ENTRANTS = {cell: (name, {"cell": cell}) for cell, name in CELL_NAMES.items()} | {
    "irnn": ("IRNN", {"cell": "rnn", "nonlinearity": "relu", "init": "identity"})  # Le, Jaitly & Hinton 2015
}
ENTRANT_NAMES = {entrant: name for entrant, (name, _) in ENTRANTS.items()}


def entrant_config(config: TrainConfig, entrant: str, lr: float) -> TrainConfig:
    """The race's configuration as this entrant trains it, at its own learning rate."""
    return config.replace(**ENTRANTS[entrant][1], lr=lr)


def lane_name(config: TrainConfig) -> str:
    """A lane's label: the cell's name, or IRNN for a ReLU RNN started from the identity."""
    irnn = config.cell == "rnn" and config.nonlinearity == "relu" and config.init == "identity"
    return ENTRANT_NAMES["irnn"] if irnn else CELL_NAMES[config.cell]


def race_summary(lanes: dict, task, seq_len: int) -> str:
    """lanes: label → Lane (steps, evaluations, solved_at). One or two sentences a lecturer can
    read out: the order in which the cells solved the task, then the latest metrics, best first."""
    lower_is_better = not task.classification
    solved = sorted((lane.solved_at, label) for label, lane in lanes.items() if lane.solved_at is not None)
    unsolved = [label for label, lane in lanes.items() if lane.solved_at is None]
    if solved:
        first_step, first = solved[0]
        parts = [f"**{first} solved it first**, at step {first_step:,}"]
        parts += [f"{label} at step {step:,}" for step, label in solved[1:]]
        if unsolved:
            parts.append(f"{' and '.join(unsolved)} {'has' if len(unsolved) == 1 else 'have'} not solved it yet")
        sentence = "; ".join(parts) + "."
    else:
        sentence = "**No cell has solved it yet.**"
    latest = {label: lane.evaluations[-1]["metric"] for label, lane in lanes.items() if lane.evaluations}
    if not latest:
        return sentence
    ranked = sorted(latest, key=lambda label: latest[label], reverse=not lower_is_better)
    bar = f"{'≤' if lower_is_better else '≥'} {task.solved_at:g}"
    metrics = ", ".join(f"{label} {latest[label]:.4g}" for label in ranked)
    return (
        f"{sentence} Latest held-out {task.metric}, best first: {metrics} "
        f"(memoryless {task.chance(seq_len):.3g}; solved {bar})."
    )
