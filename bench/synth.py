#!/usr/bin/env python3
"""Synthesis wall time: the reference app with every policy pack (ours and cdk-nag's four), without
packs, and an empty app.

Each measurement is a fresh Python process (jsii's node start-up included, as in `cdk synth`), the
median of ``--repeat`` runs. The one-stack app with a single resource is the floor every CDK Python app pays.
Goal (issue 2): the whole app with all packs within 3x the floor on the 2-core reference machine.

    .venv/bin/python bench/synth.py [--repeat 3] [--config config/default.yaml]
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

_PROGRAM = r"""
import json, sys
from aws_cdk import App, CfnWaitConditionHandle, Stack
mode, config_path, outdir = sys.argv[1:4]
context = json.load(open("cdk.json"))["context"]
context.pop("config", None)
app = App(outdir=outdir, context=context)
if mode == "empty":
    CfnWaitConditionHandle(Stack(app, "Empty"), "Nothing")  # a template needs one resource
else:
    from cdk_secure_ml.config import load_config
    from cdk_secure_ml.stacks.reference_app import build_reference_app
    build_reference_app(load_config(config_path), app=app, compliance_packs=(mode == "packs"))
app.synth()
"""


def _run(mode: str, config: str) -> float:
    with tempfile.TemporaryDirectory() as outdir:
        env = {
            **os.environ,
            "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": "1",
            "JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION": "1",
            "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
        }
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", _PROGRAM, mode, config, outdir],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--config", default="config/default.yaml")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    args = parser.parse_args()

    results = {}
    for mode in ("empty", "nopacks", "packs"):
        times = [_run(mode, args.config) for _ in range(args.repeat)]
        results[mode] = {
            "median_s": round(statistics.median(times), 2),
            "runs_s": [round(t, 2) for t in times],
        }
    floor = results["empty"]["median_s"]
    results["ratio_nopacks"] = round(results["nopacks"]["median_s"] / floor, 2)
    results["ratio_packs"] = round(results["packs"]["median_s"] / floor, 2)
    results["goal_packs_within_3x_floor"] = results["ratio_packs"] <= 3.0
    if args.json:
        print(json.dumps(results))
    else:
        print(f"{'app':<34}{'median s':>10}{'x floor':>9}   runs")
        labels = {
            "empty": "empty one-stack app (floor)",
            "nopacks": "reference app, no packs",
            "packs": "reference app, SML + 4 cdk-nag packs",
        }
        for mode, label in labels.items():
            ratio = results[mode]["median_s"] / floor
            print(f"{label:<34}{results[mode]['median_s']:>10.2f}{ratio:>9.2f}   {results[mode]['runs_s']}")
        verdict = "met" if results["goal_packs_within_3x_floor"] else "NOT met"
        print(f"goal (all packs <= 3x floor): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
