"""The reference app with config/demo.yaml: ServingStack composition, zero unacknowledged findings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aws_cdk.assertions import Template

from cdk_secure_ml.policies.acknowledgements import flatten_cfn_reference


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
    for type_, count in {
        # churn (a SecureEndpoint) and scoring (two inference components: a model, 3 alarms and a copy
        # target each)
        "AWS::SageMaker::Model": 1 + 2,
        "AWS::SageMaker::EndpointConfig": 2,
        "AWS::SageMaker::Endpoint": 2,
        "AWS::SageMaker::InferenceComponent": 2,
        "AWS::ApplicationAutoScaling::ScalableTarget": 1 + 2,
        # no Model Monitor: closed to new customers (tests/test_model_monitor_opt_in.py)
        "AWS::SageMaker::DataQualityJobDefinition": 0,
        "AWS::SageMaker::MonitoringSchedule": 0,
        "AWS::SNS::Topic": 1,
        "AWS::Logs::LogGroup": 2,
        "AWS::CloudWatch::Alarm": 6 + 6,
    }.items():
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
    targets = [
        p["Properties"]["TargetTrackingScalingPolicyConfiguration"]["TargetValue"] for p in policies.values()
    ]
    # churn: invocations 4 rps * 0.5 * 60; CPU 70 % x 2 vCPUs of ml.m5.large; scoring's two components: 70
    # invocations per copy
    assert sorted(targets) == [70, 70, 120, 140]


def test_no_serving_stack_without_endpoints(reference_app):
    _, stage, _ = reference_app
    assert stage.serving is None


@pytest.mark.aws_behaviour("sagemaker.model-artifacts-through-vpc-endpoint")
def test_the_endpoint_reads_and_writes_under_its_team_prefix(demo_app):
    """D10/E8: model data and captured data under research/, where the research team's personas read and
    write; the endpoint carries the team tag. (Model Monitor reports: tests/test_model_monitor_opt_in.py.)"""
    _, stage, _ = demo_app
    t = Template.from_stack(stage.serving)
    model = next(iter(t.find_resources("AWS::SageMaker::Model").values()))["Properties"]
    assert flatten_cfn_reference(model["PrimaryContainer"]["ModelDataUrl"]).endswith(
        "/research/models/churn/v1/model.tar.gz")
    config = next(iter(t.find_resources("AWS::SageMaker::EndpointConfig").values()))["Properties"]
    assert flatten_cfn_reference(config["DataCaptureConfig"]["DestinationS3Uri"]).endswith(
        "/research/data-capture"
    )
    tags = next(iter(t.find_resources("AWS::SageMaker::Endpoint").values()))["Properties"]["Tags"]
    assert {"Key": "team", "Value": "research"} in tags


@pytest.mark.aws_behaviour("cloudformation.sagemaker-endpoint-name-replaces")
def test_clients_find_the_physical_name_in_ssm_and_outputs(demo_app):
    _, stage, _ = demo_app
    serving = stage.serving
    t = Template.from_stack(serving)
    endpoint_id = serving.get_logical_id(serving.endpoints["churn"].endpoint)
    parameters = t.find_resources("AWS::SSM::Parameter").values()
    (parameter,) = [p for p in parameters if "/churn/" in p["Properties"]["Name"]]
    assert parameter["Properties"]["Name"] == "/secure-ml-demo/endpoints/churn/endpoint-name"
    assert parameter["Properties"]["Value"] == {"Fn::GetAtt": [endpoint_id, "EndpointName"]}
    outputs = t.to_json()["Outputs"]
    assert outputs["ChurnEndpointName"]["Value"] == {"Fn::GetAtt": [endpoint_id, "EndpointName"]}


@pytest.mark.aws_behaviour("sagemaker.invoke-endpoint-authorized-on-the-endpoint")
@pytest.mark.aws_behaviour("cdk.role-from-arn-token-path")
def test_model_consumer_may_invoke_the_physical_endpoint(demo_app):
    # demo.yaml gives the consumer churn; the grant is a managed policy (the compliance packs refuse inline
    # ones, and demo_app synthesizes in strict mode with them) naming the endpoint's physical ARN.
    config, stage, _ = demo_app
    assert config.identity.consumer_endpoint_names == ["churn", "scoring"]
    serving = stage.serving
    t = Template.from_stack(serving)
    endpoint_id = serving.get_logical_id(serving.endpoints["churn"].endpoint)
    assert t.find_resources("AWS::IAM::Policy") == {}
    policies = t.find_resources("AWS::IAM::ManagedPolicy")
    (lid,) = [k for k in policies if k.startswith("ModelConsumerInvoke")]
    (statement,) = policies[lid]["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Action"] == ["sagemaker:InvokeEndpoint", "sagemaker:InvokeEndpointWithResponseStream"]
    scoring_id = serving.get_logical_id(serving.inference_component_endpoints["scoring"].endpoint)
    assert statement["Resource"] == [{"Ref": endpoint_id}, {"Ref": scoring_id}]
    # the role by its name (the Foundation's Ref, imported), never parsed from its ARN, which has a path
    (role,) = policies[lid]["Properties"]["Roles"]
    assert set(role) == {"Fn::ImportValue"} and "PersonasModelConsumerRole" in role["Fn::ImportValue"]
    assert "Arn" not in role["Fn::ImportValue"].rsplit("ModelConsumerRole", 1)[1]
