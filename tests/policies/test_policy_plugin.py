"""SecureMlChecks as a CDK validation plugin: violations, acknowledgements, failing synth.

Each app is synthesized once per session (jsii is slow); tests read its validation report.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import aws_cdk as cdk
import pytest
from aws_cdk import aws_sagemaker as sagemaker

from cdk_secure_ml.policies.plugin import PLUGIN_NAME, SecureMlChecks, ack_id
from cdk_secure_ml.policies.rules import CATALOGUE

COMPLIANT_NOTEBOOK = {
    "instance_type": "ml.t3.medium",
    "role_arn": "arn:aws:iam::111122223333:role/exec",
    "kms_key_id": "arn:aws:kms:eu-west-1:111122223333:key/1234",
    "subnet_id": "subnet-0123456789abcdef0",
    "security_group_ids": ["sg-0123456789abcdef0"],
    "direct_internet_access": "Disabled",
    "root_access": "Disabled",
    "instance_metadata_service_configuration": (
        sagemaker.CfnNotebookInstance.InstanceMetadataServiceConfigurationProperty(
            minimum_instance_metadata_service_version="2"
        )
    ),
}


def _app(outdir: Path, strict: bool) -> cdk.App:
    context: dict = {"@aws-cdk/core:validationReportPrettyPrint": False}
    if strict:
        # As app.py does: synth raises RuntimeError on an unacknowledged error-level finding.
        context |= {"@aws-cdk/core:failSynthOnValidationErrors": True, "@aws-cdk/core:appMode": "inmemory"}
    app = cdk.App(outdir=str(outdir), context=context)
    cdk.Validations.of(app).add_plugins(SecureMlChecks())
    return app


@pytest.fixture(scope="session")
def report(tmp_path_factory) -> dict:
    """An app with one compliant notebook, one with root access, one acknowledged with the plugin-qualified
    id, and one acknowledged with the bare rule id. Its validation report is read back."""
    outdir = tmp_path_factory.mktemp("plugin-report")
    app = _app(outdir, strict=False)
    stack = cdk.Stack(app, "Nb")
    sagemaker.CfnNotebookInstance(stack, "Good", **COMPLIANT_NOTEBOOK)
    sagemaker.CfnNotebookInstance(stack, "Root", **{**COMPLIANT_NOTEBOOK, "root_access": "Enabled"})
    acked = sagemaker.CfnNotebookInstance(stack, "Acked", **{**COMPLIANT_NOTEBOOK, "root_access": "Enabled"})
    cdk.Validations.of(acked).acknowledge(
        cdk.Acknowledgment(id=ack_id("SML-NET-3"), reason="vendor agent needs root")
    )
    bare = sagemaker.CfnNotebookInstance(stack, "Bare", **{**COMPLIANT_NOTEBOOK, "root_access": "Enabled"})
    cdk.Validations.of(bare).acknowledge(
        cdk.Acknowledgment(id="SML-NET-3", reason="bare ids are not matched")
    )
    # jsii raises for a failed validation; the report is written first
    with contextlib.suppress(RuntimeError):
        app.synth()
    document = json.loads((outdir / "validation-report.json").read_text())
    (plugin,) = [r for r in document["pluginReports"] if r["pluginName"] == PLUGIN_NAME]
    return plugin


def _violating(violations: list[dict], rule: str) -> set[str]:
    return {
        c["cloudFormationResource"]["logicalId"]
        for v in violations
        if v["ruleName"] == rule
        for c in v["violatingConstructs"]
    }


def test_plugin_reports_violations_with_rule_ids(report) -> None:
    assert report["conclusion"] == "failure"
    root = _violating(report["violations"], "SML-NET-3")
    assert {r[:4] for r in root} == {"Root", "Bare"}  # logical ids are Root<hash>, Bare<hash>
    violation = next(v for v in report["violations"] if v["ruleName"] == "SML-NET-3")
    assert violation["severity"] == "error" and "RootAccess" in violation["description"]
    assert violation["suggestedFix"].startswith("Set RootAccess")
    assert not any(r.startswith("Good") for v in report["violations"] for r in _violating([v], v["ruleName"]))


def test_acknowledgement_needs_the_plugin_qualified_id(report) -> None:
    suppressed = report.get("suppressedViolations", [])
    assert {r[:5] for r in _violating(suppressed, "SML-NET-3")} == {"Acked"}
    assert suppressed[0]["acknowledgedId"] == f"{PLUGIN_NAME}::SML-NET-3"


def test_plugin_metadata() -> None:
    plugin = SecureMlChecks()
    assert plugin.name == "cdk-secure-ml"
    assert plugin.rule_ids == [r.id for r in CATALOGUE]
    assert plugin.version.count(".") == 2
    assert ack_id("SML-NET-1") == "cdk-secure-ml::SML-NET-1"
    with pytest.raises(ValueError):
        ack_id("SML-NET-999")


@pytest.fixture(scope="session")
def strict_outcome(tmp_path_factory) -> tuple[str | None, str | None]:
    """(error of a strict app with a violation, error of a strict app whose violation is acknowledged)."""
    outcomes: list[str | None] = []
    for acknowledge in (False, True):
        app = _app(tmp_path_factory.mktemp("strict"), strict=True)
        stack = cdk.Stack(app, "Strict")
        notebook = sagemaker.CfnNotebookInstance(
            stack, "Nb", **{**COMPLIANT_NOTEBOOK, "direct_internet_access": "Enabled"}
        )
        if acknowledge:
            cdk.Validations.of(stack).acknowledge(cdk.Acknowledgment(id=ack_id("SML-NET-2"), reason="demo"))
        try:
            app.synth()
            outcomes.append(None)
        except RuntimeError as error:
            outcomes.append(str(error))
        assert notebook.node.path == "Strict/Nb"
    return outcomes[0], outcomes[1]


def test_strict_synth_fails_on_unacknowledged_error(strict_outcome) -> None:
    failed, _ = strict_outcome
    assert failed is not None and "SML-NET-2" in failed and "cdk-secure-ml::SML-NET-2" in failed


def test_strict_synth_passes_when_acknowledged_on_a_parent(strict_outcome) -> None:
    _, acknowledged = strict_outcome
    assert acknowledged is None


def test_check_matches_the_cli(tmp_path: Path) -> None:
    template = tmp_path / "t.template.json"
    template.write_text(json.dumps({"Resources": {"T": {"Type": "AWS::SNS::Topic"}}}))
    report = SecureMlChecks().check([str(template)])
    assert [f.rule for f in report.findings] == ["SML-ENC-14"]


def _synth_report(outdir: Path, secure_ml_checks: bool) -> tuple[str, list]:
    from cdk_secure_ml.policies.packs import add_compliance_packs

    app = cdk.App(outdir=str(outdir), context={"@aws-cdk/core:validationReportPrettyPrint": False})
    packs = add_compliance_packs(app, secure_ml_checks=secure_ml_checks)
    stack = cdk.Stack(app, "Nb")
    sagemaker.CfnNotebookInstance(stack, "Root", **{**COMPLIANT_NOTEBOOK, "root_access": "Enabled"})
    with contextlib.suppress(Exception):
        app.synth()
    report = json.loads((outdir / "validation-report.json").read_text())
    plugins = " ".join(f"{p['pluginName']}:" + ",".join(v["ruleName"] for v in p.get("violations", []))
                       for p in report["pluginReports"])
    return plugins, packs


def test_add_compliance_packs_registers_our_pack_with_an_opt_out(tmp_path):
    """add_compliance_packs(app) registers SecureMlChecks beside cdk-nag's packs (issue 15, item 3)."""
    with_ours, packs = _synth_report(tmp_path / "with", secure_ml_checks=True)
    assert f"{PLUGIN_NAME}:SML-NET-3" in with_ours
    assert sorted(type(p).__name__ for p in packs) == [
        "AwsSolutionsChecks", "HIPAASecurityChecks", "NIST80053R5Checks", "PCIDSS321Checks"]
    without, packs = _synth_report(tmp_path / "without", secure_ml_checks=False)
    assert PLUGIN_NAME not in without and len(packs) == 4
