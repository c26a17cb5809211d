"""The inference-component stand-in: a CloudFormation stack of an IC endpoint deploys, the API answers in
SageMaker's shapes, and what AWS refuses is refused."""

from __future__ import annotations

import copy
import json

import pytest
from botocore.exceptions import ClientError

from cdk_secure_ml.emulator.inference_components import InferenceComponent
from cdk_secure_ml.emulator.refusals import Refused

from .conftest import REGION, deploy

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/sm"
IMAGE = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/x@sha256:" + "a" * 64
VPC = {"Subnets": ["subnet-1", "subnet-2"], "SecurityGroupIds": ["sg-1"]}


def _resources(*, config_extra: dict | None = None, spec_extra: dict | None = None) -> dict:
    config = {
        "EndpointConfigName": "scoring-cfg",
        "ExecutionRoleArn": ROLE,
        "VpcConfig": VPC,
        "EnableNetworkIsolation": True,
        "ProductionVariants": [
            {
                "VariantName": "AllTraffic",
                "InstanceType": "ml.m5.large",
                "InitialInstanceCount": 2,
                "ManagedInstanceScaling": {"Status": "ENABLED", "MinInstanceCount": 2, "MaxInstanceCount": 2},
            }
        ],
        **(config_extra or {}),
    }
    spec = {
        "ModelName": {"Fn::GetAtt": ["Model", "ModelName"]},
        "ComputeResourceRequirements": {"NumberOfCpuCoresRequired": 0.5, "MinMemoryRequiredInMb": 512},
        **(spec_extra or {}),
    }
    return {
        "Model": {
            "Type": "AWS::SageMaker::Model",
            "Properties": {
                "ModelName": "fraud-model",
                "ExecutionRoleArn": ROLE,
                "EnableNetworkIsolation": True,
                "PrimaryContainer": {"Image": IMAGE},
            },
        },
        "Config": {"Type": "AWS::SageMaker::EndpointConfig", "Properties": config},
        "Endpoint": {
            "Type": "AWS::SageMaker::Endpoint",
            "Properties": {
                "EndpointName": "scoring",
                "EndpointConfigName": {"Fn::GetAtt": ["Config", "EndpointConfigName"]},
            },
        },
        "Component": {
            "Type": "AWS::SageMaker::InferenceComponent",
            "Properties": {
                "InferenceComponentName": "scoring-fraud",
                "VariantName": "AllTraffic",
                "EndpointName": {"Fn::GetAtt": ["Endpoint", "EndpointName"]},
                "Specification": spec,
                "RuntimeConfig": {"CopyCount": 1},
                "Tags": [{"Key": "team", "Value": "fraud"}],
            },
        },
        "Copies": {
            "Type": "AWS::ApplicationAutoScaling::ScalableTarget",
            "DependsOn": ["Component"],
            "Properties": {
                "ServiceNamespace": "sagemaker",
                "ResourceId": "inference-component/scoring-fraud",
                "ScalableDimension": "sagemaker:inference-component:DesiredCopyCount",
                "MinCapacity": 1,
                "MaxCapacity": 2,
            },
        },
    }


@pytest.mark.aws_behaviour(
    "sagemaker.inference-component-endpoint-config", "application-autoscaling.inference-component-copies"
)
def test_an_inference_component_endpoint_deploys_and_describes(aws):
    deploy(aws, _resources())
    sagemaker = aws("sagemaker")
    config = sagemaker.describe_endpoint_config(EndpointConfigName="scoring-cfg")
    assert config["ExecutionRoleArn"] == ROLE and config["EnableNetworkIsolation"] is True
    assert config["VpcConfig"] == VPC
    component = sagemaker.describe_inference_component(InferenceComponentName="scoring-fraud")
    assert component["EndpointName"] == "scoring"
    assert component["Specification"]["ModelName"] == "fraud-model"
    assert component["RuntimeConfig"] == {"DesiredCopyCount": 1, "CurrentCopyCount": 1}
    listed = sagemaker.list_inference_components(EndpointNameEquals="scoring")["InferenceComponents"]
    assert [c["InferenceComponentName"] for c in listed] == ["scoring-fraud"]
    tags = sagemaker.list_tags(ResourceArn=component["InferenceComponentArn"])["Tags"]
    assert tags == [{"Key": "team", "Value": "fraud"}]
    targets = aws("application-autoscaling").describe_scalable_targets(ServiceNamespace="sagemaker")
    assert [t["ResourceId"] for t in targets["ScalableTargets"]] == ["inference-component/scoring-fraud"]


def _refused_stack(aws, resources: dict, behaviour: str) -> None:
    cloudformation = aws("cloudformation")
    try:
        cloudformation.create_stack(StackName="refused", TemplateBody=json.dumps({"Resources": resources}))
    except ClientError as error:
        assert behaviour in error.response["Error"]["Message"]
        return
    stack = cloudformation.describe_stacks(StackName="refused")["Stacks"][0]
    assert stack["StackStatus"] == "ROLLBACK_COMPLETE"
    assert behaviour in stack.get("StackStatusReason", "")


@pytest.mark.aws_behaviour("sagemaker.inference-component-endpoint-config")
def test_a_component_on_an_endpoint_whose_config_has_no_role_is_refused(aws):
    resources = _resources()
    del resources["Config"]["Properties"]["ExecutionRoleArn"]
    _refused_stack(aws, resources, "sagemaker.inference-component-endpoint-config")


@pytest.mark.aws_behaviour("sagemaker.inference-component-endpoint-config")
def test_a_component_on_an_endpoint_whose_variant_names_a_model_is_refused(aws):
    resources = _resources()
    variant = resources["Config"]["Properties"]["ProductionVariants"][0]
    variant["ModelName"] = {"Fn::GetAtt": ["Model", "ModelName"]}
    _refused_stack(aws, resources, "sagemaker.inference-component-endpoint-config")


@pytest.mark.aws_behaviour("sagemaker.inference-component-needs-model")
def test_a_component_naming_a_missing_model_is_refused(aws):
    _refused_stack(
        aws,
        _resources(spec_extra={"ModelName": "no-such-model"}),
        "sagemaker.inference-component-needs-model",
    )


@pytest.mark.aws_behaviour("sagemaker.inference-component-compute-minimums")
@pytest.mark.parametrize(
    "requirements",
    [
        {"NumberOfCpuCoresRequired": 0.1, "MinMemoryRequiredInMb": 512},
        {"NumberOfCpuCoresRequired": 1, "MinMemoryRequiredInMb": 64},
    ],
)
def test_a_component_below_the_minimum_reservation_is_refused(aws, requirements):
    _refused_stack(
        aws,
        _resources(spec_extra={"ComputeResourceRequirements": requirements}),
        "sagemaker.inference-component-compute-minimums",
    )


def test_a_component_updates_in_place_and_is_deleted_with_its_stack(aws):
    resources = _resources()
    deploy(aws, resources, name="ic")
    changed = copy.deepcopy(resources)
    changed["Component"]["Properties"]["RuntimeConfig"] = {"CopyCount": 2}
    cloudformation = aws("cloudformation")
    cloudformation.update_stack(StackName="ic", TemplateBody=json.dumps({"Resources": changed}))
    sagemaker = aws("sagemaker")
    component = sagemaker.describe_inference_component(InferenceComponentName="scoring-fraud")
    assert component["RuntimeConfig"]["DesiredCopyCount"] == 2
    cloudformation.delete_stack(StackName="ic")
    with pytest.raises(ClientError):
        sagemaker.describe_inference_component(InferenceComponentName="scoring-fraud")


def test_the_stand_in_is_labelled():
    from cdk_secure_ml.emulator._base import STAND_INS

    assert InferenceComponent.cloudformation_type() in STAND_INS
    with pytest.raises(Refused):  # the refusal type the demo reports
        from cdk_secure_ml.emulator.refusals import refuse

        refuse("sagemaker.inference-component-needs-model", "x")


@pytest.mark.aws_behaviour("application-autoscaling.inference-component-copies")
def test_copy_count_targets_are_described_and_take_a_policy(aws):
    deploy(aws, _resources())
    scaling = aws("application-autoscaling")
    query = {
        "ServiceNamespace": "sagemaker",
        "ScalableDimension": "sagemaker:inference-component:DesiredCopyCount",
    }
    targets = scaling.describe_scalable_targets(ResourceIds=["inference-component/scoring-fraud"], **query)
    assert [(t["MinCapacity"], t["MaxCapacity"]) for t in targets["ScalableTargets"]] == [(1, 2)]
    scaling.put_scaling_policy(
        PolicyName="copies",
        ResourceId="inference-component/scoring-fraud",
        PolicyType="TargetTrackingScaling",
        TargetTrackingScalingPolicyConfiguration={
            "TargetValue": 70,
            "PredefinedMetricSpecification": {
                "PredefinedMetricType": "SageMakerInferenceComponentInvocationsPerCopy"
            },
        },
        **query,
    )
    policies = scaling.describe_scaling_policies(ResourceId="inference-component/scoring-fraud", **query)
    assert [p["PolicyName"] for p in policies["ScalingPolicies"]] == ["copies"]
