"""The reference app: composes the foundation, passes all four cdk-nag packs, fails on bad config."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from aws_cdk import Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_s3 as s3
from aws_cdk.assertions import Match, Template

from cdk_secure_ml.policies.packs import COMPLIANCE_PACKS, add_compliance_packs
from tests.conftest import ROOT, strict_app


def test_reference_app_synthesizes_with_zero_unacknowledged_findings(reference_app):
    # the fixture's app raises on any unacknowledged finding; here: the report says so too
    _, _, assembly = reference_app
    report = Path(assembly.directory) / "validation-report.json"
    if report.exists():
        failures = [r["pluginName"] for r in json.loads(report.read_text())["pluginReports"]
                    if r["conclusion"] == "failure"]
        assert failures == []


def test_all_four_packs_are_registered():
    names = {pack.__name__ for pack in COMPLIANCE_PACKS}
    assert names == {"AwsSolutionsChecks", "HIPAASecurityChecks", "NIST80053R5Checks", "PCIDSS321Checks"}


@pytest.fixture(scope="module")
def insecure_synth_error() -> str:
    app = strict_app()
    add_compliance_packs(app)
    stack = Stack(app, "Insecure")
    s3.Bucket(stack, "Open")  # no KMS, no logging, no TLS-only policy, no versioning
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2)  # public subnets, NAT, no flow logs
    sg = ec2.SecurityGroup(stack, "Sg", vpc=vpc)
    sg.add_ingress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(22))
    with pytest.raises(RuntimeError) as info:
        app.synth()
    return str(info.value)


@pytest.mark.parametrize("rule", [
    "AwsSolutions-S1", "AwsSolutions-VPC7", "AwsSolutions-EC23",
    "HIPAA.Security-S3DefaultEncryptionKMS", "NIST.800.53.R5-VPCFlowLogsEnabled",
    "PCI.DSS.321-S3BucketSSLRequestsOnly",
])
def test_packs_are_active_on_an_insecure_stack(insecure_synth_error, rule):
    assert rule in insecure_synth_error


def test_foundation_stack_composition(reference_app, default_config):
    _, stage, _ = reference_app
    t = Template.from_stack(stage.foundation)
    t.resource_count_is("AWS::EC2::VPC", 1)
    t.resource_count_is("AWS::KMS::Key", 4)
    t.resource_count_is("AWS::S3::Bucket", 3)  # data, artifacts, access logs
    t.resource_count_is("AWS::EC2::InternetGateway", 0)
    t.resource_count_is("AWS::EC2::NatGateway", 0)
    t.resource_count_is("AWS::EC2::VPCEndpoint", 12)  # 11 interface + S3 gateway
    t.has_resource_properties("AWS::KMS::Alias", {"AliasName": "alias/secure-ml/data"})
    stack = stage.foundation
    data_key = stack.get_logical_id(stage.foundation.keys.data.node.default_child)
    data_bucket = stack.get_logical_id(stage.foundation.data_bucket.bucket.node.default_child)
    bucket = t.find_resources("AWS::S3::Bucket")[data_bucket]["Properties"]
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0][
        "ServerSideEncryptionByDefault"
    ]["KMSMasterKeyID"] == {"Fn::GetAtt": [data_key, "Arn"]}
    t.has_resource_properties(
        "AWS::S3::BucketPolicy",
        {
            "Bucket": {"Ref": data_bucket},
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [Match.object_like({"Sid": "DenyObjectAccessOutsideVpcEndpoints"})]
                )
            },
        },
    )
    t.has_resource_properties("AWS::Logs::LogGroup", {"RetentionInDays": 365})
    assert stack.region == "eu-west-1"


def test_stage_tags_every_resource(reference_app):
    _, stage, _ = reference_app
    t = Template.from_stack(stage.foundation)
    vpc = next(iter(t.find_resources("AWS::EC2::VPC").values()))
    tags = {tag["Key"]: tag["Value"] for tag in vpc["Properties"]["Tags"]}
    assert tags["secure-ml:platform"] == "secure-ml"
    assert tags["secure-ml:stage"] == "dev"
    assert tags["project"] == "secure-ml" and tags["owner"] == "platform-team"


def test_stacks_are_environment_agnostic_on_account(reference_app):
    _, stage, _ = reference_app
    from aws_cdk import Token

    assert Token.is_unresolved(stage.foundation.account), "an account would trigger credentialed lookups"


def test_app_py_rejects_a_bad_config_before_building_anything(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nregion: nowhere-1\nnetwork:\n  az_count: 1\n")
    env = {
        **os.environ,
        "CDK_CONTEXT_JSON": json.dumps({"config": str(bad)}),
        "CDK_OUTDIR": str(tmp_path / "out"),
    }
    result = subprocess.run(
        [sys.executable, str(ROOT / "app.py")], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 1
    assert f"{bad}: 3 problems in the platform config" in result.stderr
    assert "region (line 2): unknown region 'nowhere-1'" in result.stderr
    assert "network.az_count (line 4)" in result.stderr
    assert "Traceback" not in result.stderr
    out = tmp_path / "out"
    templates = list(out.glob("**/*.template.json")) if out.exists() else []
    assert templates == [], "no stack may be synthesized from a bad config"


@pytest.mark.aws_behaviour("cloudformation.get-stack-output-weak", "cloudformation.export-in-use")
def test_cross_stack_references_are_strong_exports(reference_app):
    """S4: a weak reference (Fn::GetStackOutput) lets Foundation replace or delete a key, role or subnet that
    Studio or Governance still use. Exports make CloudFormation refuse that until the consumer lets go."""
    _, _, assembly = reference_app
    texts = {s.stack_name: json.dumps(s.template) for s in assembly.stacks_recursively}
    assert [name for name, text in texts.items() if "Fn::GetStackOutput" in text] == []
    importing = sorted(name for name, text in texts.items() if "Fn::ImportValue" in text)
    assert any(name.endswith("Studio") for name in importing), importing
    assert any(name.endswith("Governance") for name in importing), importing
