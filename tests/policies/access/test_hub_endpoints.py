"""A spoke's request through the hub's interface endpoint (docs/network.md, hub layout) is filtered by that
endpoint's policy, though the endpoint lives in another account."""

from __future__ import annotations

import json
from pathlib import Path

from cdk_secure_ml.policies.access import load_assembly, run
from cdk_secure_ml.policies.access.scenarios import Scenario

HUB, SPOKE = "555555555555", "222222222222"


def _write(directory: Path, name: str, account: str, template: dict) -> dict:
    (directory / f"{name}.template.json").write_text(json.dumps(template))
    return {"type": "aws:cloudformation:stack", "environment": f"aws://{account}/eu-west-1",
            "properties": {"templateFile": f"{name}.template.json", "stackName": name}}


def _assembly(tmp_path: Path, endpoint_allows: str) -> Path:
    hub = {"Resources": {"SageMakerApi": {"Type": "AWS::EC2::VPCEndpoint", "Properties": {
        "ServiceName": "com.amazonaws.eu-west-1.sagemaker.api", "VpcId": "vpc-1",
        "VpcEndpointType": "Interface",
        "PolicyDocument": {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": endpoint_allows, "Resource": "*"}]}}}}}
    spoke = {"Resources": {"Worker": {"Type": "AWS::IAM::Role", "Properties": {
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"},
             "Action": "sts:AssumeRole"}]},
        "Policies": [{"PolicyName": "p", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "sagemaker:ListModels", "Resource": "*"}]}}]}}}}
    artifacts = {"Hub": _write(tmp_path, "Hub", HUB, hub), "Spoke": _write(tmp_path, "Spoke", SPOKE, spoke)}
    (tmp_path / "manifest.json").write_text(json.dumps({"version": "48.0.0", "artifacts": artifacts}))
    return tmp_path


def _decision(tmp_path: Path, endpoint_allows: str) -> str:
    assembly = load_assembly(_assembly(tmp_path, endpoint_allows))
    vpce = next(name for (_, name) in assembly.endpoint_policies)
    scenario = Scenario("worker lists models through the hub's endpoint", "Worker", "sagemaker:ListModels",
                        "*", "allow", {"aws:SourceVpce": vpce})
    [(_, decision)] = run(assembly, [scenario], scps=False)
    return decision.reason


def test_the_hub_endpoint_policy_applies_to_a_spoke_principal(tmp_path):
    assert _decision(tmp_path, "sagemaker:DescribeModel") == "the VPC endpoint policy does not allow it"


def test_a_hub_endpoint_policy_that_allows_lets_the_identity_policy_decide(tmp_path):
    assert _decision(tmp_path, "sagemaker:*") == "an identity or resource policy allows it"
