#!/usr/bin/env python3
"""`make demo` wall time, per phase, against the 3-minute budget of issue 11 (after setup).

Runs ``python -m cdk_secure_ml.emulator.demo`` once as ``make demo`` does and notes when each phase's
summary line appears:
deploy (bootstrap + deploy + report + audit), alarm notification, day-2 update (+ audit), teardown (Studio
teardown + cdk destroy). Prints each phase's seconds and the total as a ratio of the 180-second budget,
measured in this one run (no timed test: the machine's load varies).

    .venv/bin/python bench/demo.py [--config config/demo.yaml]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_SECONDS = 180.0
#: The line that ends each phase.
PHASES = (
    ("deploy", "demo: deployed "),
    ("alarm notification", "demo: alarm "),
    ("day-2 update", "demo: updated "),
    ("teardown", "demo: destroyed, retained "),
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", default="config/demo.yaml")
    args = parser.parse_args(argv)
    env = {**os.environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}
    started = last = time.monotonic()
    seconds: dict[str, float] = {}
    with subprocess.Popen(
        [sys.executable, "-m", "cdk_secure_ml.emulator.demo", "--config", args.config],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            for phase, prefix in PHASES:
                if line.startswith(prefix) and phase not in seconds:
                    now = time.monotonic()
                    seconds[phase], last = now - last, now
        code = process.wait()
    total = time.monotonic() - started
    for phase, _ in PHASES:
        print(
            f"{phase:>20}: {seconds[phase]:6.1f} s" if phase in seconds else f"{phase:>20}:    (not reached)"
        )
    print(
        f"{'make demo (after setup)':>20}: {total:6.1f} s = {total / BUDGET_SECONDS:.2f} x the "
        f"{BUDGET_SECONDS:.0f} s budget (exit {code})"
    )
    return code


if __name__ == "__main__":
    sys.exit(main())
