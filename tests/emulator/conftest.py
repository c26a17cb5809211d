"""Adapters run inside moto's in-process mock: CloudFormation create_stack goes through the same
parser as the server, so each adapter is tested on its own, without a server or the cdk CLI."""

from __future__ import annotations

import json

import boto3
import pytest
from moto import mock_aws

from cdk_secure_ml.emulator.server import install_adapters

REGION = "us-east-1"


@pytest.fixture(scope="session", autouse=True)
def adapters():
    return install_adapters()


@pytest.fixture
def aws(monkeypatch):
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    with mock_aws():
        yield lambda service: boto3.client(service, region_name=REGION)


def deploy(client, resources: dict, outputs: dict | None = None, name: str = "adapter-test") -> dict:
    """Create a stack from ``resources``; return its outputs (key -> value) and assert it completed."""
    template = {"Resources": resources, "Outputs": outputs or {}}
    cloudformation = client("cloudformation")
    cloudformation.create_stack(StackName=name, TemplateBody=json.dumps(template))
    stack = cloudformation.describe_stacks(StackName=name)["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE", stack
    listed = {r["LogicalResourceId"]: r["ResourceType"]
              for r in cloudformation.list_stack_resources(StackName=name)["StackResourceSummaries"]}
    for logical_id, resource in resources.items():
        assert listed.get(logical_id) == resource["Type"], f"{logical_id} was not created: {listed}"
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs") or []}


def vpc_resources() -> dict:
    return {
        "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
        "SubnetA": {"Type": "AWS::EC2::Subnet", "Properties": {
            "VpcId": {"Ref": "Vpc"}, "CidrBlock": "10.0.1.0/24", "AvailabilityZone": "us-east-1a"}},
        "Group": {"Type": "AWS::EC2::SecurityGroup", "Properties": {
            "GroupDescription": "workloads", "VpcId": {"Ref": "Vpc"}}},
    }
