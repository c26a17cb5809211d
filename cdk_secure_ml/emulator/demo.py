"""``make demo``: deploy the reference platform into the local emulator with the real cdk CLI, audit it,
update it to a second config version (day 2), then tear it down.

    python -m cdk_secure_ml.emulator.demo [--config config/demo.yaml] [--drift] [--keep DIR]

1. start moto's server (127.0.0.1, a free port) with the adapters of this package;
2. ``cdk bootstrap aws://123456789012/<region>`` and ``cdk deploy '**' --require-approval never``
   (every stack of the app, those inside the platform's Stage included; ``--all`` selects top-level
   stacks only) with AWS_ENDPOINT_URL and dummy credentials;
3. report, per stack, which resources the emulator created and which types it skipped, by name;
4. ``secure-ml audit`` against the emulated account;
5. day 2 (:mod:`emulator.day2`): deploy a second version of the config (a new user, a changed Studio
   default, a new model version, a bigger endpoint), report what was updated and replaced, audit again;
6. teardown: delete the Studio domain's apps, spaces and profiles, then ``cdk destroy '**'``, and list
   what CloudFormation retained and why;
7. with ``--drift`` instead of 5 and 6: change the platform through boto3 and audit again; every change
   must be caught;
8. stop the server, also on failure or Ctrl-C.

Lines for scripts, one per phase:
``demo: deployed <N> resources (<M> skipped), audit <P> passed / <F> failed``,
``demo: updated <N> resources (<R> replaced)``, ``demo: destroyed, retained <K>: <names>``
(F counts checks with an error-level finding; M the resources of types the emulator does not
implement, listed by type and logical id). Exit 0 when every phase completed, every resource of an
implemented type was created and the audits have no error; 1 otherwise; 130 on Ctrl-C.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..policies.access.cli import print_matrix
from .progress import exit_process, raise_if_interrupted, say, timed
from .progress import failed_checks as _failed_checks
from .progress import moto_version as _moto_version
from .server import ACCOUNT_ID, Emulator, unsupported_types

ROOT = Path(__file__).resolve().parents[2]
CDK = ROOT / "node_modules" / ".bin" / "cdk"
BOOTSTRAP_STACK = "CDKToolkit"


@dataclass
class StackReport:
    name: str
    status: str
    deployed: Counter = field(default_factory=Counter)
    #: type -> logical ids the emulator did not create.
    skipped: dict[str, list[str]] = field(default_factory=dict)
    #: logical ids with a CloudFormation Condition that were not created (the condition was false).
    conditional: list[str] = field(default_factory=list)

    @property
    def deployed_count(self) -> int:
        return sum(self.deployed.values())

    @property
    def skipped_count(self) -> int:
        return sum(len(ids) for ids in self.skipped.values())


def cdk_env(emulator: Emulator) -> dict[str, str]:
    env = emulator.env()
    env.update({
        "JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION": "1",
        "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": "1",
        "CDK_DISABLE_CLI_TELEMETRY": "true",
        # jsii wants the Node major version(s) to stay quiet about; the repo runs on Node 20.
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "18,20",
        "NODE_NO_WARNINGS": "1",
    })
    return env


def run_cdk(args: list[str], env: dict[str, str], cwd: Path, log: Path, timeout: float) -> None:
    """Run the pinned cdk CLI; its output goes to ``log`` (its tail is shown on failure)."""
    command = [str(CDK), *args, "--no-notices"]
    with log.open("a") as out:
        out.write(f"$ cdk {' '.join(args)}\n")
        out.flush()
        result = subprocess.run(
            command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, timeout=timeout, check=False
        )
    raise_if_interrupted(result.returncode)
    if result.returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-25:])
        raise DemoError(f"cdk {args[0]} failed (exit {result.returncode}); last lines of {log}:\n{tail}")


class DemoError(Exception):
    pass


def bootstrap_key(emulator: Emulator) -> str:
    """A customer-managed key with rotation for the CDK staging bucket. The default bootstrap uses the
    AWS-managed key aws/s3, which SML-ENC-7 reports (in a real account too); a platform team
    bootstraps with its own key, and so does the demo."""
    kms = emulator.client("kms")
    key_id = kms.create_key(Description="CDK bootstrap staging bucket (secure-ml demo)")["KeyMetadata"][
        "KeyId"
    ]
    kms.enable_key_rotation(KeyId=key_id)
    return key_id


def deploy(emulator: Emulator, config_path: str, workdir: Path, log: Path) -> None:
    """``cdk bootstrap`` the emulated account, then ``cdk deploy`` the app for ``config_path``."""
    env = cdk_env(emulator)
    # Bootstrap from an empty directory: no cdk.json there, so the CLI does not synthesize the app.
    empty = workdir / "bootstrap"
    empty.mkdir(exist_ok=True)
    run_cdk(
        [
            "bootstrap",
            f"aws://{ACCOUNT_ID}/{emulator.region}",
            "--bootstrap-kms-key-id",
            bootstrap_key(emulator),
        ],
        env,
        empty,
        log,
        timeout=300,
    )
    cdk_deploy(emulator, config_path, workdir, log)


def cdk_deploy(emulator: Emulator, config_path: str, workdir: Path, log: Path) -> None:
    """``cdk deploy '**'`` of the app for ``config_path`` (a first deploy or an update)."""
    run_cdk(
        [
            "deploy",
            "**",
            "--require-approval",
            "never",
            "-c",
            f"config={config_path}",
            "--output",
            str(workdir / "cdk.out"),
            "--progress",
            "events",
        ],
        cdk_env(emulator),
        ROOT,
        log,
        timeout=900,
    )


def cdk_destroy(emulator: Emulator, config_path: str, workdir: Path, log: Path) -> None:
    """``cdk destroy '**' --force`` of the app for ``config_path``."""
    run_cdk(
        ["destroy", "**", "--force", "-c", f"config={config_path}", "--output", str(workdir / "cdk.out")],
        cdk_env(emulator),
        ROOT,
        log,
        timeout=900,
    )


def stack_reports(emulator: Emulator) -> list[StackReport]:
    """What moto holds for every stack: created resources by type, skipped ones by type and id.

    moto lists a resource it could not create with an empty type (or not at all); the template says
    what it was.
    """
    cloudformation = emulator.client("cloudformation")
    reports = []
    for stack in sorted(cloudformation.describe_stacks()["Stacks"], key=lambda s: s["StackName"]):
        name = stack["StackName"]
        template = _parse_template(cloudformation.get_template(StackName=name)["TemplateBody"])
        declared = {lid: r["Type"] for lid, r in template.get("Resources", {}).items()}
        listed: dict[str, str] = {}
        paginator = cloudformation.get_paginator("list_stack_resources")
        for page in paginator.paginate(StackName=name):
            for item in page["StackResourceSummaries"]:
                if item.get("ResourceType") and item.get("ResourceStatus", "").endswith("_COMPLETE"):
                    listed[item["LogicalResourceId"]] = item["ResourceType"]
        report = StackReport(name, stack["StackStatus"])
        unsupported = set(unsupported_types(declared.values()))
        for logical_id, resource_type in declared.items():
            if logical_id in listed:
                report.deployed[resource_type] += 1
            elif "Condition" in template["Resources"][logical_id] and resource_type not in unsupported:
                report.conditional.append(logical_id)
            else:
                report.skipped.setdefault(resource_type, []).append(logical_id)
        reports.append(report)
    return reports


def _parse_template(body: Any) -> dict[str, Any]:
    """A template body as moto returns it: a dict, JSON text, or YAML with short-form tags (the
    bootstrap template)."""
    import json

    import yaml

    if isinstance(body, dict):
        return body
    try:
        return json.loads(body)
    except ValueError:
        pass

    class Loader(yaml.SafeLoader):
        pass

    def any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
        if isinstance(node, yaml.ScalarNode):
            return loader.construct_scalar(node)
        if isinstance(node, yaml.SequenceNode):
            return loader.construct_sequence(node)
        return loader.construct_mapping(node)

    Loader.add_multi_constructor("!", any_tag)
    return yaml.load(body, Loader=Loader)


def print_stack_reports(
    reports: list[StackReport], adapters: set[str], stand_ins: set[str] = frozenset()
) -> None:
    """``[emulator adapter]``: created through moto's backend by an adapter of ``emulator/``;
    ``[emulator stand-in]``: moto has no API for the type; ``emulator/`` emulates the API too."""
    for report in reports:
        say(
            f"  {report.name} ({report.status}): {report.deployed_count} created, {report.skipped_count} "
            "skipped"
            + (f", {len(report.conditional)} not created (Condition false)" if report.conditional else "")
        )
        for resource_type, count in sorted(report.deployed.items()):
            via = (
                "  [emulator stand-in]"
                if resource_type in stand_ins
                else "  [emulator adapter]"
                if resource_type in adapters
                else ""
            )
            say(f"      {count:3d} x {resource_type}{via}")
        for resource_type, ids in sorted(report.skipped.items()):
            say(
                f"    SKIPPED {len(ids)} x {resource_type} (not implemented by the emulator): "
                f"{', '.join(sorted(ids))}"
            )


def audit(emulator: Emulator) -> Any:
    from cdk_secure_ml.policies.live import run_audit
    from cdk_secure_ml.policies.live.cli import format_text

    result = run_audit(emulator.session(), emulator.region, emulator.endpoint_url)
    for line in format_text(result, emulator.region).splitlines():
        say(f"  {line}")
    return result


def main(argv: list[str] | None = None) -> int:  # noqa: C901 (the demo's phases, in order)
    parser = argparse.ArgumentParser(
        prog="python -m cdk_secure_ml.emulator.demo", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--config", default="config/demo.yaml", help="platform config (default: config/demo.yaml)"
    )
    parser.add_argument(
        "--drift",
        action="store_true",
        help="after the audit, change the platform and audit again (instead of day 2)",
    )
    parser.add_argument("--keep", metavar="DIR", help="keep the cdk output and logs in DIR")
    args = parser.parse_args(argv)

    from cdk_secure_ml.config import ConfigError, load_config

    config_path = ROOT / args.config if not Path(args.config).is_absolute() else Path(args.config)
    try:
        config = load_config(config_path)
    except ConfigError as error:
        print(f"demo: {error}", file=sys.stderr)
        return 2
    if not CDK.exists():
        print(f"demo: {CDK} is missing; run `make setup`", file=sys.stderr)
        return 2

    workdir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="secure-ml-demo-"))
    workdir.mkdir(parents=True, exist_ok=True)
    log = workdir / "cdk.log"
    emulator = Emulator(region=config.region)
    # What the emulator logs (tracebacks of moto faults) goes to the cdk log, not between the demo's lines.
    import logging

    handler = logging.FileHandler(log)
    logging.getLogger("emulator").addHandler(handler)
    logging.getLogger("emulator").propagate = False
    started = time.monotonic()
    code = 1
    phase = "deploy"
    try:
        say(f"demo: starting the emulator (moto {_moto_version()}) ...")
        emulator.start()
        say(
            f"demo: emulator (moto {_moto_version()}) on {emulator.endpoint_url}, account {ACCOUNT_ID}, "
            f"region {config.region}, started in {time.monotonic() - started:.0f}s"
        )
        say(f"demo: cdk bootstrap + cdk deploy of {args.config} (log: {log}) ...")
        deploy(emulator, args.config, workdir, log)
        say(f"demo: deployed in {time.monotonic() - started:.0f}s")
        with timed("report and audit"):
            ok, result, deployed, skipped = report_deploy(emulator)
        say(
            f"demo: deployed {deployed} resources ({skipped} skipped), audit {result.passed} passed / "
            f"{_failed_checks(result)} failed"
        )
        if not ok:
            return 1
        from cdk_secure_ml.cost import estimate_assembly
        from cdk_secure_ml.cost.report import summary_line

        say(f"demo: {summary_line(estimate_assembly(workdir / 'cdk.out'))}")
        if not print_matrix(workdir / "cdk.out", say, config.identity):  # the access proofs (docs/access.md)
            return 1
        if args.drift:
            phase = "drift"
            code, _ = drift(emulator, config.name, result)
            return code
        phase = "alarm notification"
        with timed(phase):
            if config.endpoints and not alarm_notification(emulator):
                return 1
        phase = "day 2 update"
        with timed(phase):
            if not update(emulator, config_path, workdir, log):
                return 1
        phase = "teardown"
        with timed(phase):
            if not teardown(emulator, config, workdir / "config-day2.yaml", workdir, log):
                return 1
        code = 0
    except DemoError as error:
        say(f"demo: {phase} failed: {error}")
    except subprocess.TimeoutExpired as error:
        say(f"demo: {phase} timed out: {' '.join(map(str, error.cmd))}")
    except KeyboardInterrupt:
        say("demo: interrupted")
        code = 130
    except Exception as error:  # noqa: BLE001 - report, stop the server, print the summary line
        say(f"demo: {phase} failed: {type(error).__name__}: {error}")
    finally:
        emulator.stop()
        if not args.keep:
            if code == 0:
                shutil.rmtree(workdir, ignore_errors=True)
            else:
                say(f"demo: kept {workdir} for inspection")
        say(f"demo: emulator stopped after {time.monotonic() - started:.0f}s")
    return code


def report_deploy(emulator: Emulator) -> tuple[bool, Any, int, int]:
    """Print what the emulator created and audit it: (ok, audit result, deployed, skipped)."""
    from ._base import STAND_INS
    from .server import install_adapters

    adapters = set(install_adapters())
    reports = stack_reports(emulator)
    platform = [r for r in reports if r.name != BOOTSTRAP_STACK]
    say("demo: what the emulator created (CloudFormation stacks as moto holds them):")
    print_stack_reports(reports, adapters, STAND_INS)
    emulated = sorted({t for r in platform for t in r.deployed} & STAND_INS)
    if emulated:
        say(
            f"demo: emulator stand-ins (moto {_moto_version()} has no API for these; "
            "cdk_secure_ml/emulator/sagemaker_standins.py emulates it): " + ", ".join(emulated)
        )
    deployed = sum(r.deployed_count for r in platform)
    skipped = sum(r.skipped_count for r in platform)
    skipped_types = sorted({t for r in platform for t in r.skipped})
    # A skipped resource of a type the emulator does implement means moto failed on it.
    failed_types = sorted(set(skipped_types) - set(unsupported_types(skipped_types)))
    if skipped_types:
        say(
            f"demo: skipped types (no CloudFormation model in moto {_moto_version()} and no adapter here): "
            + ", ".join(t for t in skipped_types if t not in failed_types)
        )
        if failed_types:
            say(f"demo: types the emulator implements but failed to create: {', '.join(failed_types)}")
    else:
        say("demo: every resource of the platform was created; no type skipped")
    incomplete = [r.name for r in platform if not r.status.endswith("_COMPLETE") or "ROLLBACK" in r.status]
    if incomplete:
        say(f"demo: stacks not complete: {', '.join(incomplete)}")
    say("demo: secure-ml audit of the emulated account:")
    result = audit(emulator)
    # Unimplemented types are reported above, by name; they do not fail the demo. A failed
    # creation, an incomplete stack or an error-level audit finding does.
    return (not failed_types and not incomplete and result.success), result, deployed, skipped


def alarm_notification(emulator: Emulator) -> bool:
    """Set an endpoint alarm to ALARM and show its notification arriving on a subscribed SQS queue: the
    alarm topic's policy must let CloudWatch publish (emulator.cloudwatch evaluates it as SNS does)."""
    import json

    from .cloudwatch import fire_alarm

    cloudformation, cloudwatch = emulator.client("cloudformation"), emulator.client("cloudwatch")
    topics = {
        o["OutputValue"]
        for s in cloudformation.describe_stacks()["Stacks"]
        for o in s.get("Outputs", [])
        if o["OutputKey"] == "AlarmTopicArn"
    }
    alarms = sorted(
        a["AlarmName"]
        for a in cloudwatch.describe_alarms()["MetricAlarms"]
        if topics & set(a.get("AlarmActions", []))
    )
    if not alarms:
        say("demo: no endpoint alarm notifies the alarm topic")
        return False
    name = next((a for a in alarms if "5xx" in a.lower()), alarms[0])
    received = fire_alarm(emulator.client, name)
    if not received:
        history = cloudwatch.describe_alarm_history(AlarmName=name, HistoryItemType="Action")[
            "AlarmHistoryItems"
        ]
        say(
            f"demo: alarm {name} went to ALARM but no notification arrived: "
            + "; ".join(i["HistorySummary"] for i in history)
        )
        return False
    alarm = json.loads(received[0]["Message"])
    say(
        f"demo: alarm {name} set to ALARM; the notification arrived on a subscribed SQS queue (NewStateValue "
        f"{alarm.get('NewStateValue')}, from topic {received[0]['TopicArn'].rsplit(':', 1)[-1]})"
    )
    return True


def _resource_type(emulator: Emulator) -> Any:
    cloudformation = emulator.client("cloudformation")
    cache: dict[str, dict[str, str]] = {}

    def resource_type(stack: str, logical_id: str) -> str:
        if stack not in cache:
            template = _parse_template(cloudformation.get_template(StackName=stack)["TemplateBody"])
            cache[stack] = {lid: r["Type"] for lid, r in template.get("Resources", {}).items()}
        return cache[stack].get(logical_id, "?")

    return resource_type


#: The stack updates of day 2 (the teardown reports what they kept of the resources they replaced).
UPDATES: list[Any] = []


def update(emulator: Emulator, config_path: Path, workdir: Path, log: Path) -> bool:
    """Day 2: deploy the second config version over the first, report, audit. True when it all passed."""
    from . import day2

    changed, described = day2.write_day2_config(config_path, workdir / "config-day2.yaml")
    say(f"demo: day 2: cdk deploy of a second config version ({changed}, generated by the demo):")
    for line in described:
        say(f"  - {line}")
    position = day2.mark()
    cdk_deploy(emulator, str(changed), workdir, log)
    UPDATES.extend(day2.operations_since(position, "UPDATE"))
    summary = day2.summarize_update(UPDATES, _resource_type(emulator))
    for line in summary.lines:
        say(f"  {line}")
    statuses = {
        s["StackName"]: s["StackStatus"]
        for s in emulator.client("cloudformation").describe_stacks()["Stacks"]
    }
    incomplete = sorted(
        name for name, status in statuses.items() if not status.endswith("_COMPLETE") or "ROLLBACK" in status
    )
    if incomplete:
        say(f"demo: stacks not complete after the update: {', '.join(incomplete)}")
    say("demo: secure-ml audit after the update:")
    result = audit(emulator)
    say(
        f"demo: updated {summary.total} resources ({summary.replaced} replaced): {summary.added} added, "
        f"{summary.updated} updated in place, {summary.removed} removed; audit {result.passed} passed / "
        f"{_failed_checks(result)} failed"
    )
    return not incomplete and result.success and summary.total > 0


def teardown(emulator: Emulator, config: Any, config_path: Path, workdir: Path, log: Path) -> bool:
    """Studio teardown, then ``cdk destroy``; report what was retained and why. True when no platform
    stack is left."""
    from cdk_secure_ml.teardown import teardown_studio_domain

    from . import day2

    sagemaker = emulator.client("sagemaker")
    gone: set[str] = set()  # types, and physical ids, deleted before cdk destroy
    domains = sagemaker.list_domains()["Domains"]
    for domain in domains:
        # What users leave behind: a private JupyterLab space with a running app, created from the Studio UI
        # (never by the templates). SageMaker refuses to delete a profile that still has them.
        profiles = sagemaker.list_user_profiles(DomainIdEquals=domain["DomainId"])["UserProfiles"]
        if profiles:
            owner = min(p["UserProfileName"] for p in profiles)
            space = f"{owner}-jupyterlab"
            sagemaker.create_space(
                DomainId=domain["DomainId"],
                SpaceName=space,
                OwnershipSettings={"OwnerUserProfileName": owner},
                SpaceSharingSettings={"SharingType": "Private"},
                SpaceSettings={"AppType": "JupyterLab"},
            )
            sagemaker.create_app(
                DomainId=domain["DomainId"], SpaceName=space, AppType="JupyterLab", AppName="default"
            )
            say(
                f"demo: {owner} has a private JupyterLab space {space} with a running app (as the Studio UI "
                "leaves it)"
            )
    for domain in domains:
        say(
            f"demo: teardown: Studio domain {domain['DomainName']} ({domain['DomainId']}) first "
            "(docs/operations.md):"
        )
        # The demo's home directories are disposable: it deletes the home EFS with the domain (the API's
        # and secure-ml teardown-studio's default is to retain it).
        report = teardown_studio_domain(
            sagemaker, domain["DomainId"], delete_home_efs=True, confirm=True, interval=0.05, timeout=60
        )
        for line in report.lines():
            say(f"  {line}")
        gone |= {
            "AWS::SageMaker::Domain",
            "AWS::SageMaker::UserProfile",
            "AWS::SageMaker::Space",
            *report.lifecycle_configs,
        }
    say("demo: teardown: cdk destroy '**' ...")
    position = day2.mark()
    cdk_destroy(emulator, str(config_path), workdir, log)
    kept = day2.retained(day2.operations_since(position, "DELETE"), gone, UPDATES)
    left = sorted(
        s["StackName"]
        for s in emulator.client("cloudformation").describe_stacks()["Stacks"]
        if s["StackName"] != BOOTSTRAP_STACK
    )
    for name, resource_type, physical_id, why in kept:
        say(f"  retained {name} ({resource_type}) {physical_id}: {why}")
    if left:
        say(f"demo: stacks left after cdk destroy: {', '.join(left)}")
    # A bucket and its policy share a physical id (the bucket name): name each once.
    names = dict.fromkeys(physical for _, _, physical, _ in kept)
    say(f"demo: destroyed, retained {len(kept)}: {', '.join(names)}")
    return not left


def drift(emulator: Emulator, platform: str, before: Any) -> tuple[int, Any]:
    """Apply the drifts; 0 when every one was caught (and the platform was clean before)."""
    from cdk_secure_ml.policies.live import run_audit

    from .drift import caught, platform_drifts

    drifts = platform_drifts(emulator.client, platform)
    say(f"demo: drift: {len(drifts)} change(s) behind CloudFormation's back:")
    for change in drifts:
        change.apply()
        say(f"  - {change.description}")
    after = run_audit(emulator.session(), emulator.region, emulator.endpoint_url)
    missed = 0
    for change in drifts:
        was = caught(before.findings, change)
        now = caught(after.findings, change)
        verdict = "caught" if now and not was else ("already failing" if was else "MISSED")
        missed += verdict != "caught"
        say(f"  {verdict:>15}: {change.rule} {change.resource}")
    say(
        f"demo: drift: {len(drifts) - missed} of {len(drifts)} changes caught; audit after drift: "
        f"{after.passed} passed, {len(after.errors)} error finding(s)"
    )
    return (1 if missed else 0), after


if __name__ == "__main__":
    os.chdir(ROOT)
    # jsii (loaded with the config model) prints a Node end-of-life banner otherwise.
    os.environ.setdefault("JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION", "1")
    os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "18,20")
    exit_process(main())
