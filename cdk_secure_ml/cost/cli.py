"""``secure-ml cost PATH [--format text|json] [--region R] [--assume NAME=VALUE ...] [--prices FILE]``.

Exit 0 with the estimate; 2 on bad usage or input (the message names the file, value or key and the fix).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ..usage import Parser as _Parser
from ..usage import UsageError
from .assembly import CostInputError, read_assembly
from .estimate import estimate
from .model import CostAssumptions
from .prices import load_price_book
from .report import format_json, format_text

PROG = "secure-ml cost"


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Fixed monthly cost of a synthesized assembly (cdk.out), per account and region, "
        "itemised, from the price snapshot shipped with the package (docs/cost.md). Exit 2 on bad input.",
    )
    parser.add_argument(
        "path",
        metavar="PATH",
        help="a cdk.out directory (nested stage assemblies included) or one template file",
    )
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default: text)"
    )
    parser.add_argument(
        "--region", help="price stacks whose region is not set (unknown-region) in this region"
    )
    parser.add_argument(
        "--assume",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override an assumption (repeatable); the text report lists them all",
    )
    parser.add_argument("--prices", metavar="FILE", help="a price snapshot (default: the one shipped)")
    parser.add_argument("-v", "--verbose", action="store_true", help="text: list every item")
    return parser


def _overrides(pairs: list[str]) -> dict[str, str]:
    overrides = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise UsageError(
                f"--assume {pair!r}: write NAME=VALUE, e.g. --assume config_items_per_month=5000"
            )
        overrides[name.strip()] = value.strip()
    return overrides


def main_cost(argv: Sequence[str]) -> int:
    """``secure-ml cost``; returns the exit code."""
    try:
        args = _parser().parse_args(list(argv))
        assumptions = CostAssumptions().replace(_overrides(args.assume))
        book = load_price_book(args.prices)
        if args.region and args.region not in book.prices:
            raise UsageError(
                f"--region {args.region}: the price snapshot has no prices for it; "
                f"use one of {', '.join(book.regions)} or refresh the snapshot"
            )
        result = estimate(read_assembly(args.path), book, assumptions, default_region=args.region)
        sys.stdout.write(format_json(result) if args.format == "json" else format_text(result, args.verbose))
        return 0
    except (UsageError, CostInputError, ValueError) as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return 2
    except SystemExit as exit_:  # --help
        return exit_.code if isinstance(exit_.code, int) else 0
