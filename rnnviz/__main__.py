"""The command line: `rnnviz` (or `python -m rnnviz`).

rnnviz shapes --cell lstm --batch-size 32 --seq-len 100
rnnviz train --task adding --cell lstm --seq-len 50 --steps 3000 [--until-solved] [--json] [--run out.rnnrun]
rnnviz replay out.rnnrun
rnnviz train --recipe char_rnn [--seed 3] [--json]
rnnviz sample model.safetensors --prime good --length 15 [--temperature 0.8]

Exit status: 0 done, 1 the run diverged, 2 bad input (a sentence on stderr), 130 stopped by Ctrl-C.
With --json every line printed is one JSON object with an "event": "evaluation", "point",
"parameters" or "summary"; a metric is always a name ("metric") with its number ("value").
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import fields
from pathlib import Path

from rnnviz import __version__
from rnnviz.cli_output import Progress, emit, print_summary
from rnnviz.net import spec as spec_module
from rnnviz.net.spec import INT_BOUNDS, RNNSpec, SpecError
from rnnviz.training.settings import TRAINING

SPEC_FIELDS = [f.name for f in fields(RNNSpec)]
SPEC_CHOICES = {  # the allowed values of each string field, shown in --help and checked by argparse
    "cell": spec_module.CELLS,
    "nonlinearity": spec_module.NONLINEARITIES,
    "decay": spec_module.DECAYS,
    "topology": spec_module.TOPOLOGIES,
    "decoder_input": spec_module.DECODER_INPUTS,
    "attention": spec_module.ATTENTIONS,
}
INTERRUPTED = 130  # the shell's status for a command stopped by Ctrl-C (128 + SIGINT)
RECIPE_REFUSES = ("save", "run", "until_solved", "feedback", "text_file")  # a recipe runs its own loop: no such thing


def positive_int(text: str) -> int:
    """argparse type: a whole number ≥ 1, else a sentence."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def add_spec_options(parser: argparse.ArgumentParser) -> None:
    """One --option per RNNSpec field (--hidden-size for hidden_size); strings, checked later."""
    default = RNNSpec()
    for name in SPEC_FIELDS:
        value = getattr(default, name)
        shown = str(value).lower() if isinstance(value, bool) else value
        if name in SPEC_CHOICES:
            allowed = SPEC_CHOICES[name]
            parser.add_argument(
                "--" + name.replace("_", "-"), dest=name, choices=allowed, help=f"default: {shown}; one of %(choices)s"
            )
            continue
        bounds = f"; {INT_BOUNDS[name][0]:,} to {INT_BOUNDS[name][1]:,}" if name in INT_BOUNDS else ""
        allowed = "; true or false" if isinstance(value, bool) else bounds
        parser.add_argument(
            "--" + name.replace("_", "-"),
            dest=name,
            metavar=type(value).__name__.upper(),
            help=f"default: {shown}{allowed}",
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


def recipe_command(args: argparse.Namespace) -> int:
    """train --recipe NAME: the tutorial's own loop, its points beside the ones it printed."""
    from rnnviz.lessons.recipes import RECIPES

    given = [name for name in RECIPE_REFUSES if getattr(args, name)]
    if given:
        options = ", ".join("--" + name.replace("_", "-") for name in given)
        print(f"error: --recipe runs the tutorial's own loop, which has no {options}; leave it out.", file=sys.stderr)
        return 2
    recipe = RECIPES[args.recipe]
    published = dict(recipe.published)
    for tensor, shape, meaning in recipe.shapes():
        if not args.json:
            print(f"{tensor:>26}  {' × '.join(map(str, shape)):<16} {meaning}")
    if recipe.train is None:
        from rnnviz.lessons.recipes.keras_imdb import parameter_counts

        for layer, (keras, torch_count) in parameter_counts().items():
            if args.json:
                emit("parameters", layer=layer, keras=keras, torch=torch_count)
            else:
                print(f"{layer:>26}  Keras {keras:>9,} parameters, PyTorch {torch_count:>9,}")
        return 0

    def report(x: int, value: float) -> None:
        if args.json:
            emit("point", x_label=recipe.x_label, x=x, metric=recipe.y_label, value=value, published=published.get(x))
        else:
            printed = f"   (the source printed {published[x]:.4f})" if x in published else ""
            print(f"{recipe.x_label} {x:>4}  {recipe.y_label} {value:.4f}{printed}", flush=True)

    result = recipe.train(args.seed, on_point=report)
    if args.json:
        emit("summary", recipe=args.recipe, text=result.summary)
    else:
        print(result.summary)
    return 0


def train_command(args: argparse.Namespace) -> int:
    import time

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
    progress = None if args.json else Progress(args.steps, trainer.task.metric)

    def report(result: dict) -> None:
        if args.json:
            fields_ = {k: result[k] for k in ("step", "loss", "eval_loss", "solved")}
            emit("evaluation", **fields_, metric=trainer.task.metric, value=result["metric"])
        else:
            progress.evaluation(result)

    lane = None
    if args.run:
        from rnnviz.training.lane import Lane, observe

        lane = Lane(config.cell.upper(), config)
        lane.add(**observe(trainer, None))  # step 0: an evaluation, a probe and the initial weights

    def on_step(result, evaluation):
        if lane is not None:
            lane.add(**observe(trainer, result, evaluation))
        if progress is not None:
            progress.step()

    start = time.perf_counter()
    try:
        summary = trainer.run(args.steps, until_solved=args.until_solved, on_progress=report, on_step=on_step)
        stopped = False
    except KeyboardInterrupt:  # Ctrl-C: stop here, keep what was trained
        summary, stopped = trainer.summary(start, trainer.evaluate(), None), True
    finally:
        if progress is not None:
            progress.close()
    summary["stopped"] = stopped
    if args.run:
        from rnnviz.files.runs import Run, save_run

        lane.add(**observe(trainer, None))  # the final weights and a probe of them
        state = "diverged" if summary["diverged"] else "stopped" if stopped else "finished"
        save_run(Run({lane.label: lane}, trainer.steps, state, summary["diverged"] or ""), args.run)
        summary["run"] = args.run
    if args.save:
        save_checkpoint(args.save, trainer.model, task=trainer.task.name, vocabulary=trainer.task.vocabulary)
        summary["saved"] = args.save
    if args.json:
        emit("summary", **summary)
    else:
        print_summary(summary, stopped)
    return INTERRUPTED if stopped else 1 if summary["diverged"] else 0


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
    parser = argparse.ArgumentParser(
        prog="rnnviz", description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 2)[2]
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
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
    train.add_argument("--steps", type=positive_int, default=3000, help="training steps (at least 1)")
    train.add_argument("--threads", type=positive_int, default=1, help="torch CPU threads (1 is fastest here)")
    train.add_argument("--text-file", help="training text for --task char (UTF-8)")
    train.add_argument("--until-solved", action="store_true", help="stop at the first evaluation that solves it")
    train.add_argument("--json", action="store_true", help='JSON lines: {"event": "evaluation", …}, then a summary')
    train.add_argument("--save", metavar="FILE.safetensors", help="write the trained model here")
    train.add_argument("--run", metavar="FILE.rnnrun", help="write the whole run here (history, probes, weights)")
    train.set_defaults(command_function=train_command)

    sampler = commands.add_parser(
        "sample",
        help="generate text from a character-model checkpoint",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    sampler.add_argument("checkpoint", help="a .safetensors file written by train --save")
    sampler.add_argument("--prime", default="good", help="the text the model reads first")
    sampler.add_argument("--length", type=int, default=15, help="characters to write")
    sampler.add_argument("--temperature", type=float, default=0.0, help="0 = greedy")
    sampler.add_argument("--top-k", type=int, default=None, help="sample among the k likeliest only")
    sampler.add_argument("--seed", type=int, default=0, help="the sampling seed")
    sampler.set_defaults(command_function=sample_command)

    replay = commands.add_parser("replay", help="summarise a run file: lanes, steps, metrics, probes")
    replay.add_argument("file", help="a .rnnrun file (train --run, or saved from the app)")
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
