#!/usr/bin/env python3
"""`secure-ml check` vs checkov on the same synthesized templates, in one run.

Both run as fresh processes on the same directory (default: cdk.out; run `make synth` first),
median of ``--repeat`` runs each. Goal (issue 3): secure-ml check >= 20x faster than checkov and
the whole reference cdk.out checked in under 1 s.

    .venv/bin/python bench/check_vs_checkov.py [--path cdk.out] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHECKOV = ROOT / ".tools" / "checkov-3.3.30" / "bin" / "checkov"


def _time(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", default="cdk.out")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    templates = list(Path(ROOT, args.path).glob("**/*.template.json"))
    if not templates:
        print(f"no templates under {args.path}; run `make synth` first", file=sys.stderr)
        return 2
    if not CHECKOV.exists():
        print(f"checkov not installed at {CHECKOV}; run `make check` once", file=sys.stderr)
        return 2
    ours = [
        _time([str(ROOT / ".venv" / "bin" / "secure-ml"), "check", args.path]) for _ in range(args.repeat)
    ]
    theirs = [
        _time(
            [
                str(CHECKOV),
                "--directory",
                args.path,
                "--framework",
                "cloudformation",
                "--skip-download",
                "--quiet",
                "--compact",
            ]
        )
        for _ in range(args.repeat)
    ]
    resources = sum(len(json.loads(t.read_text()).get("Resources", {})) for t in templates)
    ours_s, theirs_s = statistics.median(ours), statistics.median(theirs)
    ratio = theirs_s / ours_s
    print(f"{len(templates)} templates, {resources} resources in {args.path}")
    print(f"secure-ml check: {ours_s:6.2f} s   runs {[round(t, 2) for t in ours]}")
    print(f"checkov        : {theirs_s:6.2f} s   runs {[round(t, 2) for t in theirs]}")
    print(f"ratio          : {ratio:6.1f}x")
    met = ratio >= 20 and ours_s < 1.0
    print(f"goal (>= 20x faster, < 1 s): {'met' if met else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
