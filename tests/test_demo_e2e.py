"""End to end: the reference app deployed with the real cdk CLI into the local emulator, audited,
drifted, audited again; and the whole demo (deploy, alarm notification, day-2 update, teardown). Two tests of
about 30-60 s each: it is the main job, offline."""

from __future__ import annotations

import io
import json
import re

from cdk_secure_ml.config import load_config
from cdk_secure_ml.emulator import demo
from cdk_secure_ml.emulator.drift import caught, platform_drifts
from cdk_secure_ml.emulator.server import Emulator
from cdk_secure_ml.policies.live import run_audit
from cdk_secure_ml.policies.live.cli import main_audit

from .conftest import ROOT

#: Types of the reference app moto 5.2.5 has no API for: the emulator's stand-ins create them. (Monitoring
#: schedules too, but the demo has none: Model Monitor is closed to new customers; the stand-in's own tests
#: are in tests/emulator/test_sagemaker_standins.py.)
STAND_INS = {
    "AWS::SageMaker::UserProfile",
    "AWS::SageMaker::StudioLifecycleConfig",
    "AWS::SageMaker::MlflowTrackingServer",
}


def audit_cli(emulator: Emulator, monkeypatch) -> tuple[int, dict]:
    """``secure-ml audit --endpoint-url ... --format json`` as a user would run it."""
    for name, value in emulator.env({}).items():
        monkeypatch.setenv(name, value)
    out = io.StringIO()
    code = main_audit(
        ["--region", emulator.region, "--endpoint-url", emulator.endpoint_url, "--format", "json"], stdout=out
    )
    return code, json.loads(out.getvalue())


def test_deploy_audit_drift(tmp_path, monkeypatch):
    assert demo.CDK.exists(), "node_modules/.bin/cdk is missing: run `make setup`"
    config = load_config(ROOT / "config" / "demo.yaml")
    emulator = Emulator(region=config.region).start()
    try:
        demo.deploy(emulator, "config/demo.yaml", tmp_path, tmp_path / "cdk.log")

        reports = {r.name: r for r in demo.stack_reports(emulator)}
        platform = [r for name, r in reports.items() if name.startswith(f"{config.name}-")]
        assert {f"{config.name}-Foundation"} <= {r.name for r in platform}
        for report in platform:
            assert report.status == "CREATE_COMPLETE", report
            assert report.deployed_count > 0
        # Every resource of the reference app is created: a skipped type (no adapter, no stand-in) or a
        # resource the emulator failed to create fails the test. Condition-false resources are not skipped.
        skipped = {f"{r.name}: {t} {ids}" for r in platform for t, ids in r.skipped.items()}
        assert skipped == set(), skipped
        deployed = {t for r in platform for t in r.deployed}
        assert deployed >= STAND_INS, deployed
        # The stand-ins answer boto3 as AWS would.
        sagemaker = emulator.client("sagemaker")
        assert len(sagemaker.list_user_profiles()["UserProfiles"]) == sum(
            r.deployed["AWS::SageMaker::UserProfile"] for r in platform
        )
        # Model Monitor is closed to new customers: the reference app deploys no schedule.
        assert sagemaker.list_monitoring_schedules()["MonitoringScheduleSummaries"] == []
        assert sagemaker.list_studio_lifecycle_configs()["StudioLifecycleConfigs"]
        # The adapters did their work: a default security group without rules, a TLS-only bucket policy.
        foundation = reports[f"{config.name}-Foundation"]
        assert foundation.deployed["Custom::VpcRestrictDefaultSG"] == 1
        assert foundation.deployed["AWS::S3::BucketPolicy"] >= 2

        code, document = audit_cli(emulator, monkeypatch)
        errors = [f for f in document["findings"] if f["severity"] == "error"]
        assert code == 0 and errors == [], errors
        assert document["summary"]["passed"] > 30 and document["summary"]["not_verified"] == 0
        before = run_audit(emulator.session(), emulator.region, emulator.endpoint_url)

        drifts = platform_drifts(emulator.client, config.name)
        rules = {d.rule for d in drifts}
        assert {
            "SML-IAM-8",
            "SML-ENC-8",
            "SML-ENC-9",
            "SML-ENC-10",
            "SML-ENC-11",
            "SML-NET-12",
            "SML-NET-16",
        } <= rules
        for change in drifts:
            assert not caught(before.findings, change), f"failing before the drift: {change}"
            change.apply()
        after = run_audit(emulator.session(), emulator.region, emulator.endpoint_url)
        missed = [d.description for d in drifts if not caught(after.findings, d)]
        assert missed == []
        code, document = audit_cli(emulator, monkeypatch)
        assert code == 1 and document["summary"]["errors"] >= len(drifts) - 1
    finally:
        emulator.stop()
    assert not emulator.running


def test_demo_deploys_notifies_updates_and_tears_down(tmp_path, capsys):
    """``make demo`` as CI sees it: every phase's summary line, exit 0 (issue 11's acceptance)."""
    code = demo.main(["--config", "config/demo.yaml", "--keep", str(tmp_path)])
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.startswith("demo: ")]
    assert code == 0, out[-4000:]
    deployed = next(line for line in lines if line.startswith("demo: deployed ") and "audit" in line)
    assert re.fullmatch(r"demo: deployed \d+ resources \(0 skipped\), audit \d+ passed / 0 failed", deployed)
    # The platform's fixed monthly cost from the deployed assembly (secure-ml cost, docs/cost.md).
    # "at least": the MLflow servers and alarms bill without a price (docs/cost.md, "Coverage")
    cost = r"demo: fixed monthly cost at least \$[\d,]+\.\d\d \(without price: .*MLflow tracking servers"
    assert any(re.match(cost, line) for line in lines)
    # The alarm topic's policy lets CloudWatch publish: the notification reaches a subscriber (E5).
    assert any(
        re.match(
            r"demo: alarm .*5xx.* set to ALARM; the notification arrived on a subscribed SQS "
            r"queue",
            line,
            re.IGNORECASE,
        )
        for line in lines
    )
    updated = next(line for line in lines if line.startswith("demo: updated "))
    match = re.match(r"demo: updated (\d+) resources \((\d+) replaced\)", updated)
    assert match and int(match.group(2)) > 0 and updated.endswith("0 failed")
    # What day 2 changed: a new profile, new lifecycle configs, the endpoint replaced under a new name (D7,
    # D8).
    assert re.search(r"UsersFraud: .*added ProfileDana \(UserProfile\)", out)
    assert re.search(r"Serving: .*replaced .*ChurnEndpointF69ED4C8 \(Endpoint\)", out)
    assert re.search(r"replaced .*\(StudioLifecycleConfig\)", out)
    # A feature added to the demo's feature group: updated in place, not replaced (custom name).
    assert re.search(r"FeatureStore: 1 updated in place\n", out)
    # The teardown deleted what users left in Studio, then cdk destroy kept only what holds data, with
    # reasons.
    assert "deleted 1 app(s): alice-jupyterlab/JupyterLab/default" in out
    assert re.search(r"deleted \d+ lifecycle config\(s\)", out)
    destroyed = next(line for line in lines if line.startswith("demo: destroyed, retained "))
    count, names = destroyed.removeprefix("demo: destroyed, retained ").split(": ", 1)
    kept = names.split(", ")
    assert len(set(kept)) == len(kept), "each retained physical id is named once"
    assert any("databucket" in name for name in kept) and any(
        "/aws/sagemaker/Endpoints/churn-" in name for name in kept
    )
    retained = [line for line in out.splitlines() if line.startswith("  retained ")]
    assert len(retained) == int(count) >= len(kept)
    assert not any(
        "AWS::SageMaker::Domain" in line or "AWS::SageMaker::UserProfile" in line for line in retained
    )
    assert any("KeysDataKey" in line and "AWS::KMS::Key" in line for line in retained)
    assert "stacks left after cdk destroy" not in out
