#!/usr/bin/env python3
"""`secure-ml check` vs checkov on the same templates, in one run: both times and the ratio.

Two inputs by default, each with its goal:

- ``bench/samples``: AWS's public SageMaker sample templates (38 hand-written YAML templates of two
  aws-samples repositories; bench/samples/README.md). Goal (issue 14): secure-ml check >= 50x faster than
  checkov.
- ``cdk.out``, when it holds templates (run ``make synth`` first): the reference app's synthesized templates.
  Goal (issue 3): >= 20x faster than checkov, and the whole cdk.out checked in under 1 s.

``--path DIR`` (repeatable) measures other directories instead, against the 50x goal.

Both tools run as fresh processes, alternately, ``--repeat`` times each (median reported): what a CI step
pays, start-up included. Before timing, the package's modules are compiled to bytecode (``compileall``), as
pip does when it installs a wheel; checkov's environment was compiled when it was installed. Without that, a
checkout run with PYTHONDONTWRITEBYTECODE recompiles every module of the package on every start.
Each tool must finish normally (secure-ml: exit 0 or 1; checkov: exit 0 or 1), or the ratio is not printed.

    .venv/bin/python bench/check_vs_checkov.py [--path DIR ...] [--repeat 5]
"""

from __future__ import annotations

import argparse
import compileall
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cdk_secure_ml.policies.template import discover  # noqa: E402 - after the path is set

CHECKOV = ROOT / ".tools" / "checkov-3.3.30" / "bin" / "checkov"
SECURE_ML = ROOT / ".venv" / "bin" / "secure-ml"
SAMPLES = "bench/samples"


def _time(command: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    done = subprocess.run(
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
    )
    return time.perf_counter() - start, done.returncode


def _checkov(path: str) -> list[str]:
    return [
        str(CHECKOV), "--directory", path, "--framework", "cloudformation", "--skip-download", "--quiet",
        "--compact",
    ]  # fmt: skip


def measure(path: str, repeat: int, goal: float, under_1s: bool) -> bool:
    """Print the times and the ratio for one directory; True when the goal is met."""
    templates = discover([ROOT / path])
    resources = sum(len(t.resources) for t in templates)
    ours: list[float] = []
    theirs: list[float] = []
    for _ in range(repeat):
        seconds, code = _time([str(SECURE_ML), "check", path])
        if code not in (0, 1):
            print(f"{path}: secure-ml check exited {code} (a file was not read); no ratio", file=sys.stderr)
            return False
        ours.append(seconds)
        seconds, code = _time(_checkov(path))
        if code not in (0, 1):
            print(f"{path}: checkov exited {code} (it crashed); no ratio", file=sys.stderr)
            return False
        theirs.append(seconds)
    ours_s, theirs_s = statistics.median(ours), statistics.median(theirs)
    ratio = theirs_s / ours_s
    met = ratio >= goal and (not under_1s or ours_s < 1.0)
    print(f"{path}: {len(templates)} templates, {resources} resources")
    print(f"  secure-ml check: {ours_s:6.2f} s   runs {[round(t, 2) for t in ours]}")
    print(f"  checkov        : {theirs_s:6.2f} s   runs {[round(t, 2) for t in theirs]}")
    goal_text = f">= {goal:g}x faster" + (", < 1 s" if under_1s else "")
    print(f"  ratio          : {ratio:6.1f}x   goal ({goal_text}): {'met' if met else 'NOT met'}")
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", action="append", help="a directory of templates (repeatable)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if not CHECKOV.exists():
        print(f"checkov not installed at {CHECKOV}; run `make check` once", file=sys.stderr)
        return 2
    compileall.compile_dir(ROOT / "cdk_secure_ml", quiet=1)
    if args.path:
        runs = [(path, 50.0, False) for path in args.path]
    else:
        runs = [(SAMPLES, 50.0, False)]
        if next((ROOT / "cdk.out").rglob("*.template.json"), None) is not None:
            runs.append(("cdk.out", 20.0, True))
        else:
            print("cdk.out has no templates (run `make synth`): only the samples are measured")
    for path in runs:
        if not discover([ROOT / path[0]]):
            print(f"no templates under {path[0]}", file=sys.stderr)
            return 2
    results = [measure(path, args.repeat, goal, under_1s) for path, goal, under_1s in runs]
    print("goals met" if all(results) else "goals NOT met (see above)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
