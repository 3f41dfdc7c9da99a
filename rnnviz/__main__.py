"""The command line.

python -m rnnviz shapes --cell lstm --batch-size 32 --seq-len 100
python -m rnnviz train --task adding --cell lstm --seq-len 50 --steps 3000 [--until-solved] [--json] [--run out.rnnrun]
python -m rnnviz replay out.rnnrun
python -m rnnviz train --recipe char_rnn [--seed 3] [--json]
python -m rnnviz sample model.safetensors --prime good --length 15 [--temperature 0.8]
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import fields
from pathlib import Path

from rnnviz.net.spec import RNNSpec, SpecError
from rnnviz.training.settings import TRAINING

SPEC_FIELDS = [f.name for f in fields(RNNSpec)]


def add_spec_options(parser: argparse.ArgumentParser) -> None:
    """One --option per RNNSpec field (--hidden-size for hidden_size); strings, checked later."""
    default = RNNSpec()
    for name in SPEC_FIELDS:
        value = getattr(default, name)
        shown = str(value).lower() if isinstance(value, bool) else value
        parser.add_argument(
            "--" + name.replace("_", "-"), dest=name, metavar=type(value).__name__.upper(), help=f"default: {shown}"
        )


def spec_from_args(args: argparse.Namespace) -> RNNSpec:
    given = {name: getattr(args, name) for name in SPEC_FIELDS if getattr(args, name) is not None}
    return RNNSpec.from_params(given)


def shapes_command(args: argparse.Namespace) -> int:
    import pandas as pd

    from rnnviz.net.shapes import shape_ledger

    ledger = shape_ledger(spec_from_args(args))
    if args.csv:
        ledger.to_csv(sys.stdout, index=False)
        return 0
    with pd.option_context("display.max_colwidth", 70, "display.width", 250):
        print(ledger.drop(columns=["note"]).to_string(index=False))
    return 0


def _progress(done: int, total: int, text: str) -> None:
    width = 24
    filled = int(width * done / max(total, 1))
    print(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {text}", end="", file=sys.stderr, flush=True)


def recipe_command(args: argparse.Namespace) -> int:
    """train --recipe NAME: the tutorial's own loop, its points beside the ones it printed."""
    import json

    from rnnviz.lessons.recipes import RECIPES

    recipe = RECIPES[args.recipe]
    published = dict(recipe.published)
    for tensor, shape, meaning in recipe.shapes():
        if not args.json:
            print(f"{tensor:>26}  {' × '.join(map(str, shape)):<16} {meaning}")
    if recipe.train is None:
        from rnnviz.lessons.recipes.keras_imdb import parameter_counts

        for layer, (keras, torch_count) in parameter_counts().items():
            print(f"{layer:>26}  Keras {keras:>9,} parameters, PyTorch {torch_count:>9,}")
        return 0

    def report(x: int, value: float) -> None:
        if args.json:
            print(json.dumps({recipe.x_label: x, recipe.y_label: value, "published": published.get(x)}), flush=True)
        else:
            printed = f"   (the source printed {published[x]:.4f})" if x in published else ""
            print(f"{recipe.x_label} {x:>4}  {recipe.y_label} {value:.4f}{printed}", flush=True)

    result = recipe.train(args.seed, on_point=report)
    print(json.dumps({"summary": result.summary}) if args.json else result.summary)
    return 0


def train_command(args: argparse.Namespace) -> int:
    import json

    import torch

    if args.recipe:
        torch.set_num_threads(args.threads)
        return recipe_command(args)

    from rnnviz.files.export import save_checkpoint
    from rnnviz.training.train import TrainConfig, Trainer

    torch.set_num_threads(args.threads)
    text = Path(args.text_file).read_text(encoding="utf-8") if args.text_file else None
    values = {name: getattr(args, name) for name, setting in TRAINING.items() if setting.cli}
    values = {name: None if value == TRAINING[name].off else value for name, value in values.items()}
    config = TrainConfig(task=args.task, text=text, feedback=args.feedback, **values)
    trainer = Trainer(config)

    def report(result: dict) -> None:
        if args.json:
            print(json.dumps({k: result[k] for k in ("step", "loss", "eval_loss", "metric", "solved")}), flush=True)
        else:
            _progress(
                result["step"], args.steps, f"loss {result['loss']:.4f} {trainer.task.metric} {result['metric']:.4f}"
            )

    lane = on_step = None
    if args.run:
        from rnnviz.training.lane import Lane, observe

        label = config.cell.upper()
        lane = Lane(label, config)
        lane.add(**observe(trainer, None))  # step 0: an evaluation, a probe and the initial weights

        def on_step(result, evaluation):
            lane.add(**observe(trainer, result, evaluation))

    summary = trainer.run(args.steps, until_solved=args.until_solved, on_progress=report, on_step=on_step)
    if args.run:
        from rnnviz.files.runs import Run, save_run

        lane.add(**observe(trainer, None))  # the final weights and a probe of them
        state = "diverged" if summary["diverged"] else "finished"
        save_run(Run({lane.label: lane}, args.steps, state, summary["diverged"] or ""), args.run)
        summary["run"] = args.run
    if args.save:
        save_checkpoint(args.save, trainer.model, task=trainer.task.name, vocabulary=trainer.task.vocabulary)
        summary["saved"] = args.save
    if args.json:
        print(json.dumps(summary), flush=True)
    else:
        print(file=sys.stderr)
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
    return 1 if summary["diverged"] else 0


def sample_command(args: argparse.Namespace) -> int:
    from rnnviz.files.export import load_checkpoint
    from rnnviz.training.sampling import sample

    model, metadata = load_checkpoint(args.checkpoint)
    vocabulary = metadata.get("vocabulary") or []
    if not vocabulary:
        print("error: this checkpoint is not a character model (no vocabulary).", file=sys.stderr)
        return 2
    result = sample(model, vocabulary, args.prime, args.length, args.temperature, args.top_k, args.seed)
    print(result.text)
    return 0


def replay_command(args: argparse.Namespace) -> int:
    from rnnviz.files.runs import load_run

    run = load_run(args.file)
    print(f"{args.file}: {run.title or 'a recorded run'}; {run.state}, {run.last_step:,} steps. {run.message}".strip())
    for label, lane in run.lanes.items():
        task = lane.config.task_object()
        metric = f"{task.metric} {lane.evaluations[-1]['metric']:.4g}" if lane.evaluations else "no evaluation"
        solved = f"solved at step {lane.solved_at:,}" if lane.solved_at is not None else "not solved"
        print(
            f"  {label}: {task.title}, hidden {lane.config.hidden_size}, lr {lane.config.lr:g}; {metric}, {solved}; "
            f"{len(lane.recordings)} probes, {len(lane.weights)} weight copies"
        )
    return 0


def add_training_options(parser: argparse.ArgumentParser) -> None:
    """One option per setting of rnnviz.training.settings.TRAINING that the CLI takes, with its bounds."""
    for name, setting in TRAINING.items():
        if not setting.cli:
            continue
        flag, words = "--" + name.replace("_", "-"), setting.help or setting.label
        if setting.kind == "choice":
            parser.add_argument(flag, choices=list(setting.choices), default=setting.default, help=words)
            continue
        number = (lambda v: f"{v:,}") if setting.kind == "int" else (lambda v: f"{v:g}")
        off = f"; {setting.off:g}: off" if setting.off is not None else ""
        parser.add_argument(
            flag,
            type=int if setting.kind == "int" else float,
            default=setting.default,
            help=f"{words} ({number(setting.low)} to {number(setting.high)}{off})",
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rnnviz", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    shapes = commands.add_parser("shapes", help="print every tensor's and parameter's shape")
    add_spec_options(shapes)
    shapes.add_argument("--csv", action="store_true", help="CSV with every column, for a spreadsheet")
    shapes.set_defaults(command_function=shapes_command)

    from rnnviz.tasks import TASKS

    train = commands.add_parser(
        "train",
        help="train a model on a toy task and report the result",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    from rnnviz.lessons.recipes import RECIPES

    train.add_argument("--task", choices=list(TASKS), default="adding")
    train.add_argument(
        "--feedback",
        action="store_true",
        help="reverse/add_digits/wave: each writing step reads the previous output instead of zeros",
    )
    train.add_argument(
        "--recipe", choices=list(RECIPES), help="run a tutorial's own recipe instead (its printed numbers beside)"
    )
    add_training_options(train)
    train.add_argument("--steps", type=int, default=3000)
    train.add_argument("--threads", type=int, default=1, help="torch CPU threads (1 is fastest for small models)")
    train.add_argument("--text-file", help="training text for --task char (UTF-8)")
    train.add_argument("--until-solved", action="store_true", help="stop at the first evaluation that solves it")
    train.add_argument("--json", action="store_true", help="one JSON object per evaluation, then a summary")
    train.add_argument("--save", metavar="FILE.safetensors", help="write the trained model here")
    train.add_argument("--run", metavar="FILE.rnnrun", help="write the whole run here (history, probes, weights)")
    train.set_defaults(command_function=train_command)

    sampler = commands.add_parser("sample", help="generate text from a character-model checkpoint")
    sampler.add_argument("checkpoint")
    sampler.add_argument("--prime", default="good")
    sampler.add_argument("--length", type=int, default=15)
    sampler.add_argument("--temperature", type=float, default=0.0, help="0 = greedy")
    sampler.add_argument("--top-k", type=int, default=None)
    sampler.add_argument("--seed", type=int, default=0)
    sampler.set_defaults(command_function=sample_command)

    replay = commands.add_parser("replay", help="summarise a run file: lanes, steps, metrics, probes")
    replay.add_argument("file")
    replay.set_defaults(command_function=replay_command)

    args = parser.parse_args(argv)
    from rnnviz.files.export import CheckpointError
    from rnnviz.files.runs import RunFileError
    from rnnviz.training.train import TrainingError

    try:
        return args.command_function(args)
    except (SpecError, TrainingError, CheckpointError, RunFileError, ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
