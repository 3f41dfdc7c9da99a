"""Who won a race, in words: first to solve the task, and every cell's latest held-out metric."""

from __future__ import annotations


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
