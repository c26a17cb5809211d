"""``secure-ml demo``: deploy any CDK app into the local emulator with the real cdk CLI, audit it, destroy it.

    secure-ml demo [--app "python app.py"] [-c KEY=VALUE ...] [--region REGION] [--keep DIR]
                   [--no-destroy] [--cdk PATH]

Run it where ``cdk synth`` works for the app (its ``cdk.json`` and context apply); without ``--app`` the
cdk CLI takes the app from ``cdk.json``, as ``cdk deploy`` does. No AWS account, no credentials: every
call goes to moto's server on 127.0.0.1 with dummy credentials
(:class:`~cdk_secure_ml.emulator.server.Emulator`).

Steps, each announced when it starts and timed when it ends:

1. start the emulator (the ``[emulator]`` extra: moto's server and this package's CloudFormation adapters);
2. ``cdk bootstrap aws://123456789012/<region>`` with a customer-managed KMS key for the staging bucket;
3. ``cdk deploy '**' --require-approval never`` (every stack, those inside Stages included; ``--all``
   selects the top-level stacks only: https://docs.aws.amazon.com/cdk/v2/guide/ref-cli-cmd-deploy.html);
4. what the emulator created per stack, and by name every type it could not;
5. ``secure-ml audit`` of the emulated account (docs/audit.md);
6. ``cdk destroy '**' --force`` (``--no-destroy`` skips it), then stop the emulator.

Last line: ``demo: deployed <N> resources (<M> skipped), audit <P> passed / <F> failed``. Exit codes:
0 when every step passed (no failed resource, no incomplete stack, no error-level audit finding);
1 otherwise; 2 bad usage, no cdk CLI, or the ``[emulator]`` extra missing; 130 on Ctrl-C (the emulator
and the cdk CLI are stopped; ``--keep DIR`` or the temporary directory keeps ``cdk.log``).

The app's stacks must deploy to account 123456789012 (the emulator's) or leave the account to the CLI
(``env`` unset, or ``CDK_DEFAULT_ACCOUNT``); ``--region`` must be the region the stacks use.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .progress import INTERRUPTED, raise_if_interrupted, say, step

PROG = "secure-ml demo"
EXTRA_HINT = "pip install 'cdk-secure-ml[emulator]'"
CDK_HINT = (
    "install the AWS CDK CLI 2.x (npm install aws-cdk@2, or npm install -g aws-cdk@2) or pass --cdk PATH"
)


class StepFailed(Exception):
    """A step that cannot go on; the message says which and why."""


def find_cdk(given: str | None, cwd: Path) -> str | None:
    """The cdk CLI: ``--cdk``, else the project's ``node_modules/.bin/cdk``, else ``cdk`` on PATH."""
    if given:
        return given if shutil.which(given) else None
    local = cwd / "node_modules" / ".bin" / "cdk"
    return str(local) if local.exists() else shutil.which("cdk")


@dataclass
class Cdk:
    """The cdk CLI, run against the emulator; every output goes to ``log``."""

    executable: str
    env: dict[str, str]
    log: Path

    def run(self, args: Sequence[str], cwd: Path, timeout: float = 900) -> None:
        with self.log.open("a") as out:
            out.write(f"$ cdk {' '.join(args)}\n")
            out.flush()
            result = subprocess.run(
                [self.executable, *args, "--no-notices"],
                cwd=cwd,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=timeout,
                check=False,
            )
        raise_if_interrupted(result.returncode)
        if result.returncode != 0:
            tail = "\n".join(self.log.read_text(errors="replace").splitlines()[-25:])
            raise StepFailed(
                f"cdk {args[0]} failed (exit {result.returncode}); last lines of {self.log}:\n{tail}"
            )


def cdk_env(base: dict[str, str]) -> dict[str, str]:
    env = dict(base)
    env.setdefault("CDK_DISABLE_CLI_TELEMETRY", "true")
    # jsii prints an end-of-life banner on Node 18/20 (docs/operations.md); the demo's output stays readable.
    env.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "18,20")
    env.setdefault("JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION", "1")
    env.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
    env.setdefault("NODE_NO_WARNINGS", "1")
    return env


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=PROG,
        description="Deploy a CDK app into a local AWS emulator (moto) with the real cdk CLI, audit the "
        "emulated account, then destroy the app. No AWS account or credentials.",
    )
    p.add_argument(
        "--app",
        help='the app command, as cdk --app takes it (default: "app" of ./cdk.json), e.g. "python app.py"',
    )
    p.add_argument(
        "-c", "--context", action="append", default=[], metavar="KEY=VALUE", help="cdk context (repeatable)"
    )
    p.add_argument(
        "--region",
        default=os.environ.get("CDK_DEFAULT_REGION") or os.environ.get("AWS_REGION") or "us-east-1",
        help="the region the app's stacks use (default: $CDK_DEFAULT_REGION, $AWS_REGION or us-east-1)",
    )
    p.add_argument("--keep", metavar="DIR", help="keep cdk.log and the cloud assembly in DIR")
    p.add_argument("--no-destroy", action="store_true", help="skip cdk destroy at the end")
    p.add_argument(
        "--cdk", metavar="PATH", help="the cdk CLI (default: ./node_modules/.bin/cdk, then cdk on PATH)"
    )
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    bad = [c for c in args.context if "=" not in c]
    if bad:
        print(f"{PROG}: error: -c {bad[0]}: give KEY=VALUE, e.g. -c config=config/dev.yaml", file=sys.stderr)
        return 2
    cwd = Path.cwd()
    cdk = find_cdk(args.cdk, cwd)
    if cdk is None:
        print(
            f"{PROG}: error: no cdk CLI found ({args.cdk or 'node_modules/.bin/cdk, PATH'}): {CDK_HINT}",
            file=sys.stderr,
        )
        return 2
    if args.app is None and not (cwd / "cdk.json").exists():
        print(
            f'{PROG}: error: no --app and no cdk.json in {cwd}: pass --app "python app.py"', file=sys.stderr
        )
        return 2
    try:
        from .server import ACCOUNT_ID, Emulator
    except ImportError as error:
        print(
            f"{PROG}: error: the emulator needs {error.name}, which is not installed: {EXTRA_HINT}",
            file=sys.stderr,
        )
        return 2
    workdir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="secure-ml-demo-"))
    workdir.mkdir(parents=True, exist_ok=True)
    emulator = Emulator(region=args.region)
    started = time.monotonic()
    code = 1
    try:
        code = run(args, emulator, ACCOUNT_ID, Cdk(cdk, {}, workdir / "cdk.log"), cwd, workdir)
    except StepFailed as error:
        say(f"demo: {error}")
    except KeyboardInterrupt:
        say("demo: interrupted")
        code = INTERRUPTED
    finally:
        emulator.stop()
        if not args.keep and code == 0:
            shutil.rmtree(workdir, ignore_errors=True)
        elif not args.keep:
            say(f"demo: kept {workdir} for inspection")
        say(f"demo: emulator stopped after {time.monotonic() - started:.0f}s")
    return code


def run(args: argparse.Namespace, emulator: Any, account: str, cdk: Cdk, cwd: Path, workdir: Path) -> int:
    """The steps of the module docstring; the exit code."""
    from .demo import bootstrap_key, report_deploy
    from .progress import failed_checks, moto_version

    with step(f"starting the emulator (moto {moto_version()})"):
        emulator.start()
        say(f"demo: emulator on {emulator.endpoint_url}, account {account}, region {emulator.region}")
    cdk.env = cdk_env(emulator.env())
    cdk.log.touch()
    app = ["--app", args.app] if args.app else []
    context = [a for c in args.context for a in ("-c", c)]
    output = ["--output", str(workdir / "cdk.out")]
    with step(f"cdk bootstrap aws://{account}/{emulator.region} (log: {cdk.log})"):
        # From an empty directory: without a cdk.json there, the CLI does not synthesize the app.
        empty = workdir / "bootstrap"
        empty.mkdir(exist_ok=True)
        cdk.run(
            [
                "bootstrap",
                f"aws://{account}/{emulator.region}",
                "--bootstrap-kms-key-id",
                bootstrap_key(emulator),
            ],
            empty,
            timeout=300,
        )
    with step(f"cdk deploy '**' of {args.app or 'the app of cdk.json'}"):
        cdk.run(["deploy", "**", "--require-approval", "never", *app, *context, *output], cwd)
    with step("report and secure-ml audit"):
        ok, result, deployed, skipped = report_deploy(emulator)
    destroyed = True
    if not args.no_destroy:
        with step("cdk destroy '**'"):
            cdk.run(["destroy", "**", "--force", *app, *context, *output], cwd)
            left = [
                s["StackName"]
                for s in emulator.client("cloudformation").describe_stacks()["Stacks"]
                if s["StackName"] != "CDKToolkit"
            ]
            destroyed = not left
            if left:
                say(f"demo: stacks left after cdk destroy: {', '.join(sorted(left))}")
    say(
        f"demo: deployed {deployed} resources ({skipped} skipped), audit {result.passed} passed / "
        f"{failed_checks(result)} failed"
    )
    return 0 if ok and destroyed else 1
