"""Acceptance (issue 15): the library's constructs, under construct ids of our own choosing (neither the
docs' nor the reference app's), in a fresh App of two stacks, pass every gate with zero findings.

The gates: at synth, cdk-nag's four packs and our pack (``add_compliance_packs``); on the cloud
assembly, ``secure-ml check``, ``secure-ml iam-lint`` (the justifications the templates carry, and the
same with an empty user file), cfn-lint and checkov (as ``make check`` runs them); and ``secure-ml
check`` on the templates taken out of the assembly (``cdk synth Stack > t.yaml``), which must give what
it gives on the assembly. Every deviation of the library is acknowledged by the construct that makes it,
whatever its id (docs/compliance.md).

Cost: one synthesis per session (module fixture, about a minute on a busy 2-core machine: the five
validation plugins run over ~200 resources), then each gate once: parliament a few seconds, cfn-lint
about 15 s, checkov about 30 s.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from aws_cdk import App, Stack
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_iam as iam

from cdk_secure_ml import (
    AccessLogsBucket,
    Alerts,
    AuditTrail,
    AutoScalingOptions,
    ComplianceRules,
    DataCaptureOptions,
    EncryptionKeys,
    MlNetwork,
    MlPersonas,
    ModelSource,
    PlatformPermissionsBoundary,
    RolloutOptions,
    SecureBucket,
    SecureEndpoint,
    SecureStudioDomain,
    ThreatDetection,
    add_compliance_packs,
    invocations_target,
)
from cdk_secure_ml.cli import main
from tests.conftest import ROOT

CHECKOV = ROOT / ".tools" / "checkov-3.3.30" / "bin" / "checkov"
IMAGE = "sha256:" + "ab" * 32
#: Ids unlike the docs' (Keys, Network, Data) and the reference app's (Foundation, Personas, AuditTrail …).
TEAM = "otters"


def build(outdir: Path) -> App:
    """Two stacks: the hub (every shared construct) and the endpoint, which takes the hub's MlNetwork,
    buckets and keys across stacks (so its template holds Fn::ImportValue references only)."""
    # A fresh App: no cdk.json feature flags; synth fails on any unacknowledged finding.
    app = App(outdir=str(outdir), context={"@aws-cdk/core:failSynthOnValidationErrors": True,
                                           "@aws-cdk/core:appMode": "inmemory"})
    add_compliance_packs(app)
    hub = Stack(app, "Quarry")
    vault = EncryptionKeys(hub, "Vault", alias_prefix="quarry")
    mesh = MlNetwork(hub, "Mesh", cidr="10.77.0.0/20", flow_log_key=vault.logs)
    ledger = AccessLogsBucket(hub, "Ledger").bucket
    silo = SecureBucket(hub, "Silo", encryption_key=vault.data, server_access_logs_bucket=ledger,
                        allowed_vpc_endpoints=[mesh.s3_endpoint])
    crate = SecureBucket(hub, "Crate", encryption_key=vault.artifacts, server_access_logs_bucket=ledger,
                         allowed_vpc_endpoints=[mesh.s3_endpoint])
    fence = PlatformPermissionsBoundary(hub, "Fence", platform="quarry")
    iam.PermissionsBoundary.of(app).apply(fence.policy)  # docs/identity.md: every role under it
    crew = mesh.new_workload_security_group(hub, "Crew", description="ML workloads")
    cast = MlPersonas(hub, "Cast", platform="quarry", teams=[TEAM], vpc=mesh.vpc, subnets=mesh.subnets,
                      security_groups=[crew], data_bucket=silo.bucket, artifacts_bucket=crate.bucket,
                      data_key=vault.data, artifacts_key=vault.artifacts, volumes_key=vault.volumes)
    role = cast.execution_role("data-scientist", TEAM)
    bench = SecureStudioDomain(hub, "Bench", domain_name="quarry", vpc=mesh.vpc, subnets=mesh.subnets,
                               security_groups=[crew], encryption_key=vault.volumes,
                               default_execution_role=role)
    bench.add_user_profile(hub, "Seat", user_name="ada", execution_role=role,
                           tags={"team": TEAM, "owner": "ada"})
    AuditTrail(hub, "Tape", encryption_key=vault.logs, s3_data_event_buckets=[silo.bucket, crate.bucket])
    ComplianceRules(hub, "Rulebook", delivery_key=vault.logs)
    ThreatDetection(hub, "Sentry")
    Alerts(hub, "Siren", emails=["ops@example.com"])

    oracle = Stack(app, "Oracle")
    SecureEndpoint(
        oracle, "Seer", endpoint_name="seer", network=mesh,
        repository=ecr.Repository.from_repository_name(oracle, "Images", "quarry/seer"),
        artifacts_bucket=crate.bucket, model_source=ModelSource.from_image(IMAGE, "seer/v1/model.tar.gz"),
        volume_key=vault.volumes, logs_key=vault.logs,
        autoscaling=AutoScalingOptions(max_capacity=4,
                                       target_invocations_per_instance=invocations_target(max_rps=5)),
        data_capture=DataCaptureOptions(bucket=silo.bucket, prefix="seer/capture", sampling_percentage=10),
        rollout=RolloutOptions.canary(10, wait=600),
    )
    return app


@pytest.fixture(scope="module")
def assembly(tmp_path_factory) -> Path:
    outdir = tmp_path_factory.mktemp("acceptance") / "cdk.out"
    build(outdir).synth()  # raises on any unacknowledged cdk-nag or SML finding
    return outdir


def templates(assembly: Path) -> list[Path]:
    return sorted(assembly.glob("*.template.json"))


def run(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out, _ = capsys.readouterr()
    return code, out


def zero(out: str) -> bool:
    return out.rstrip().splitlines()[-1].split(": ", 1)[1].startswith("0 error(s), 0 warning(s)")


def test_synth_validation_reports_no_finding(assembly: Path) -> None:
    report = assembly / "validation-report.json"
    if report.exists():  # written only when a plugin reports something
        reports = json.loads(report.read_text())["pluginReports"]
        assert [(r["pluginName"], r["conclusion"]) for r in reports if r["conclusion"] != "success"] == []
    assert len(templates(assembly)) == 2


def test_secure_ml_check_has_zero_findings(capsys, assembly: Path) -> None:
    code, out = run(capsys, "check", str(assembly))
    assert code == 0 and zero(out), out


@pytest.mark.aws_behaviour("s3.tls-version-numeric-condition")
@pytest.mark.aws_behaviour("logs.kms-context-is-the-log-group-arn")
def test_iam_lint_has_zero_findings_with_and_without_a_user_file(
    capsys, assembly: Path, tmp_path: Path
) -> None:
    code, out = run(capsys, "iam-lint", str(assembly))
    assert code == 0 and zero(out), out
    empty = tmp_path / "mine.yaml"
    empty.write_text("justifications: []\n")
    code, again = run(capsys, "iam-lint", "--justifications", str(empty), str(assembly))
    assert (code, again) == (0, out)  # a user's file adds; it never drops what the templates carry


def test_cfn_lint_has_zero_findings_but_redundant_depends_on(assembly: Path) -> None:
    """As ``make check`` runs it: no error. Its only warnings are W3005 (a DependsOn that a Ref / GetAtt
    already implies), written explicitly by the constructs and aws-cdk-lib (Trail, Config delivery channel,
    custom-resource provider); CloudFormation orders the resources the same."""
    result = subprocess.run(
        [str(Path(sys.executable).parent / "cfn-lint"), "--format", "parseable",
         *map(str, templates(assembly))],
        capture_output=True, text=True, check=False,
    )
    rules = {line.split(":")[5] for line in result.stdout.splitlines()}
    assert rules <= {"W3005"} and result.returncode in (0, 4), result.stdout + result.stderr  # 4: warnings


def test_checkov_has_zero_findings(assembly: Path) -> None:
    result = subprocess.run(
        [str(CHECKOV), "--directory", str(assembly), "--framework", "cloudformation", "--skip-download",
         "--quiet", "--compact", "--output", "json"],
        capture_output=True, text=True, check=False, env={**os.environ, "BC_SKIP_MAPPING": "TRUE"},
    )
    reports = json.loads(result.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    failed = [(c["check_id"], c["resource"])
              for r in reports for c in r.get("results", {}).get("failed_checks", [])]
    assert failed == [] and result.returncode == 0, result.stderr[-2000:]
    assert sum(r.get("summary", {}).get("passed", 0) for r in reports) > 0  # it did look


def test_templates_taken_out_of_the_assembly_check_the_same(capsys, assembly: Path, tmp_path: Path) -> None:
    """``cdk synth Stack > t.yaml``: the template alone, without the assembly's metadata files."""
    _, on_assembly = run(capsys, "check", "--format", "json", str(assembly))
    for template in templates(assembly):
        exported = tmp_path / (template.name.removesuffix(".template.json") + ".yaml")
        exported.write_text(yaml.safe_dump(json.loads(template.read_text()), sort_keys=False))
    code, alone = run(capsys, "check", "--format", "json", str(tmp_path))
    assert code == 0
    summary = json.loads(alone)["summary"]
    assert summary == {**json.loads(on_assembly)["summary"], "files": summary["files"]}
    assert summary["acknowledged"] > 0 and summary["errors"] == summary["warnings"] == 0


def test_cross_stack_endpoint_acknowledges_sml_net_6_from_the_construct(assembly: Path) -> None:
    (oracle,) = [t for t in templates(assembly) if t.name.startswith("Oracle")]
    resources = json.loads(oracle.read_text())["Resources"].values()
    models = [r for r in resources if r["Type"] == "AWS::SageMaker::Model"]
    assert models and all(
        [a["rule"] for a in m["Metadata"]["cdk_secure_ml"]["acknowledge"]] == ["SML-NET-6"] for m in models
    )
    assert all("Fn::ImportValue" in json.dumps(m["Properties"]["VpcConfig"]["Subnets"]) for m in models)
