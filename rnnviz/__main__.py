"""The command line: python -m rnnviz shapes [--cell lstm --batch-size 32 ...]."""

from __future__ import annotations

import argparse
import sys
from dataclasses import fields

from rnnviz.spec import RNNSpec, SpecError

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

    from rnnviz.shapes import shape_ledger

    ledger = shape_ledger(spec_from_args(args))
    if args.csv:
        ledger.to_csv(sys.stdout, index=False)
        return 0
    with pd.option_context("display.max_colwidth", 70, "display.width", 250):
        print(ledger.drop(columns=["note"]).to_string(index=False))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rnnviz", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    shapes = commands.add_parser("shapes", help="print every tensor's and parameter's shape")
    add_spec_options(shapes)
    shapes.add_argument("--csv", action="store_true", help="CSV with every column, for a spreadsheet")
    shapes.set_defaults(run=shapes_command)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except SpecError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
