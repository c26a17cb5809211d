#!/usr/bin/env python3
"""Studio user profiles at scale: synthesize the reference app with 10, 100 and 1000 users.

Each size runs in a fresh process (jsii start-up included) with every policy pack, as `cdk synth`
does. Prints wall time, the user-profile stacks, and the largest template's resources and bytes.
Goal (issue 4): growth linear, 1000 profiles under 90 s on the 2-core machine, every template
within CloudFormation's limits (500 resources, 1 MB).

    .venv/bin/python bench/profiles.py [--sizes 10 100 1000] [--teams 4] [--no-packs]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_PROGRAM = r"""
import json, sys
from aws_cdk import App
from cdk_secure_ml.config import load_config, PlatformConfig
from cdk_secure_ml.stacks.reference_app import build_reference_app
users, teams, packs, outdir = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "1", sys.argv[4]
base = load_config("config/default.yaml").model_dump()
base["identity"]["teams"] = [{"name": f"team-{t}"} for t in range(teams)]
base["studio"]["users"] = [{"name": f"user-{i}", "team": f"team-{i % teams}",
                            "persona": "data-scientist" if i % 3 else "ml-engineer"} for i in range(users)]
context = json.load(open("cdk.json"))["context"]
context.pop("config", None)
app = App(outdir=outdir, context={**context, "@aws-cdk/core:failSynthOnValidationErrors": True,
                                  "@aws-cdk/core:appMode": "inmemory"})
build_reference_app(PlatformConfig.model_validate(base), app=app, compliance_packs=packs)
app.synth()
"""


def _measure(users: int, teams: int, packs: bool) -> dict:
    with tempfile.TemporaryDirectory() as outdir:
        env = {**os.environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", _PROGRAM, str(users), str(teams), "1" if packs else "0", outdir],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        seconds = time.perf_counter() - start
        stacks = []
        for path in sorted(Path(outdir).glob("**/*.template.json")):
            template = json.loads(path.read_text())
            stacks.append(
                {
                    "template": path.name,
                    "resources": len(template.get("Resources", {})),
                    "bytes": path.stat().st_size,
                }
            )
    user_stacks = [s for s in stacks if "Users" in s["template"]]
    return {
        "users": users,
        "seconds": round(seconds, 1),
        "stacks": len(stacks),
        "user_stacks": len(user_stacks),
        "max_resources": max(s["resources"] for s in stacks),
        "max_bytes": max(s["bytes"] for s in stacks),
        "within_limits": all(s["resources"] <= 500 and s["bytes"] <= 1_000_000 for s in stacks),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--teams", type=int, default=4)
    parser.add_argument("--no-packs", action="store_true", help="skip the policy packs")
    args = parser.parse_args()
    rows = [_measure(n, args.teams, not args.no_packs) for n in args.sizes]
    print(
        f"{'users':>6}{'seconds':>9}{'stacks':>8}{'user stacks':>13}{'max res.':>10}{'max bytes':>11}  limits"
    )
    for r in rows:
        print(
            f"{r['users']:>6}{r['seconds']:>9}{r['stacks']:>8}{r['user_stacks']:>13}{r['max_resources']:>10}"
            f"{r['max_bytes']:>11}  {'ok' if r['within_limits'] else 'EXCEEDED'}"
        )
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        per_user = (last["seconds"] - first["seconds"]) / max(1, last["users"] - first["users"])
        print(f"marginal cost: {per_user * 1000:.1f} ms per profile")
    biggest = rows[-1]
    verdict = "met" if biggest["seconds"] < 90 and all(r["within_limits"] for r in rows) else "NOT met"
    print(f"goal ({biggest['users']} profiles < 90 s, all templates within limits): {verdict}")
    print(json.dumps(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
