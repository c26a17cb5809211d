#!/usr/bin/env python3
"""``secure-ml access`` over the demo assembly: the whole derived catalogue, as `make check` runs it.

The demo config is synthesized once into a temporary cdk.out (jsii, not timed); then ``secure-ml access``
runs ``--repeat`` times, each a fresh Python process (imports included, as in CI), and the median wall time
is printed with its ratio to the goal. Goal (issue 13): under 2 s on the 2-core reference machine.

    .venv/bin/python bench/access.py [--repeat 5] [--config config/demo.yaml]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_SECONDS = 2.0

_SYNTH = r"""
import json, sys
from aws_cdk import App
from cdk_secure_ml.config import load_config
from cdk_secure_ml.stacks.reference_app import build_reference_app
config_path, outdir = sys.argv[1:3]
context = json.load(open("cdk.json"))["context"]
context.pop("config", None)
app = App(outdir=outdir, context=context)
build_reference_app(load_config(config_path), app=app, compliance_packs=False)
app.synth()
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--config", default="config/demo.yaml")
    args = parser.parse_args()
    env = {**os.environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}
    with tempfile.TemporaryDirectory() as outdir:
        subprocess.run([sys.executable, "-c", _SYNTH, args.config, outdir], cwd=ROOT, env=env, check=True)
        command = [sys.executable, "-m", "cdk_secure_ml.cli", "access", outdir, "--config", args.config]
        command += ["--format", "json"]
        times, summary = [], {}
        for _ in range(args.repeat):
            start = time.perf_counter()
            done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
            times.append(time.perf_counter() - start)
            if done.returncode not in (0, 1):
                print(done.stderr, file=sys.stderr)
                return done.returncode
            summary = json.loads(done.stdout)["summary"]
    median = statistics.median(times)
    print(
        f"access: {summary['total']} scenarios of {args.config} ({summary['differing']} differ): "
        f"median {median:.2f} s of {args.repeat} runs, "
        f"{median / GOAL_SECONDS:.2f} x the {GOAL_SECONDS:.0f} s goal"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
