"""The reference app with config/demo.yaml: ServingStack composition, zero unacknowledged findings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aws_cdk.assertions import Template

from cdk_secure_ml.config import load_config
from cdk_secure_ml.stacks.reference_app import build_reference_app
from tests.conftest import ROOT, strict_app


@pytest.fixture(scope="module")
def demo_app():
    """The demo platform with all compliance packs, synthesized once in strict mode: synth raising
    here means an unacknowledged finding."""
    config = load_config(ROOT / "config" / "demo.yaml")
    app, stage = build_reference_app(config, app=strict_app())
    assembly = app.synth()
    return config, stage, assembly


def test_demo_synthesizes_with_zero_unacknowledged_findings(demo_app):
    _, _, assembly = demo_app
    report = Path(assembly.directory) / "validation-report.json"
    if report.exists():
        failures = [r["pluginName"] for r in json.loads(report.read_text())["pluginReports"]
                    if r["conclusion"] == "failure"]
        assert failures == []


def test_serving_stack_shows_every_feature(demo_app):
    _, stage, _ = demo_app
    assert stage.serving is not None
    t = Template.from_stack(stage.serving)
    for type_, count in {"AWS::SageMaker::Model": 1, "AWS::SageMaker::EndpointConfig": 1,
                         "AWS::SageMaker::Endpoint": 1, "AWS::ApplicationAutoScaling::ScalableTarget": 1,
                         "AWS::SageMaker::DataQualityJobDefinition": 1, "AWS::SageMaker::MonitoringSchedule": 1,
                         "AWS::SNS::Topic": 1, "AWS::Logs::LogGroup": 1, "AWS::CloudWatch::Alarm": 6}.items():
        t.resource_count_is(type_, count)
    endpoint = next(iter(t.find_resources("AWS::SageMaker::Endpoint").values()))["Properties"]
    routing = endpoint["DeploymentConfig"]["BlueGreenUpdatePolicy"]["TrafficRoutingConfiguration"]
    assert routing["Type"] == "CANARY" and routing["CanarySize"]["Value"] == 10
    endpoint_config = next(iter(t.find_resources("AWS::SageMaker::EndpointConfig").values()))["Properties"]
    assert endpoint_config["DataCaptureConfig"]["InitialSamplingPercentage"] == 20
    assert "KmsKeyId" in endpoint_config
    # the endpoint uses the Foundation stack's keys, subnets and workload security group
    model = next(iter(t.find_resources("AWS::SageMaker::Model").values()))["Properties"]
    assert "Foundation" in json.dumps(model["VpcConfig"])
    policies = t.find_resources("AWS::ApplicationAutoScaling::ScalingPolicy")
    targets = [p["Properties"]["TargetTrackingScalingPolicyConfiguration"]["TargetValue"] for p in policies.values()]
    assert sorted(targets) == [70, 120]  # CPU 70 %, invocations 4 rps * 0.5 * 60


def test_no_serving_stack_without_endpoints(reference_app):
    _, stage, _ = reference_app
    assert stage.serving is None
