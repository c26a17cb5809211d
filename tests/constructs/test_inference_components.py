"""InferenceComponentEndpoint: endpoint config, components, models, scaling, alarms, rollouts, access."""

from __future__ import annotations

import pytest
from aws_cdk import Stack
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_iam as iam
from aws_cdk.assertions import Annotations, Match, Template

from cdk_secure_ml.constructs.encryption import EncryptionKeys
from cdk_secure_ml.constructs.hosting import (
    InferenceComponentEndpoint,
    InferenceComponentOptions,
    ManagedInstanceScalingOptions,
    ModelSource,
)
from cdk_secure_ml.constructs.network import MlNetwork
from cdk_secure_ml.constructs.storage import SecureBucket
from cdk_secure_ml.core.hosting.inference_components import inference_component_endpoint_problems
from cdk_secure_ml.policies.runner import check_templates
from cdk_secure_ml.policies.template import Template as PackTemplate
from tests.conftest import new_app, strict_app

DIGEST = "sha256:" + "a" * 64


def _component(name: str = "churn", **kwargs) -> InferenceComponentOptions:
    return InferenceComponentOptions(
        name=name, source=ModelSource.from_image(DIGEST, f"team-a/models/{name}/model.tar.gz"), **kwargs
    )


def _build(stack: Stack, **kwargs) -> InferenceComponentEndpoint:
    keys = EncryptionKeys(stack, "Keys")
    net = MlNetwork(stack, "Net", flow_log_key=keys.logs)
    artifacts = SecureBucket(stack, "Artifacts", encryption_key=keys.artifacts)
    options = {
        "endpoint_name": "multi",
        "network": net,
        "artifacts_bucket": artifacts.bucket,
        "repository": ecr.Repository.from_repository_name(stack, "Repo", "team-a/models"),
        "components": [_component("churn"), _component("fraud", copies=2, cpu_cores=0.5, memory_mb=512)],
        **kwargs,
    }
    return InferenceComponentEndpoint(stack, "Ic", **options)


@pytest.fixture(scope="module")
def lab() -> dict[str, object]:
    app = new_app()
    default = Stack(app, "IcDefault")
    endpoint = _build(default, tags={"team": "team-a"})
    consumer = iam.Role(default, "Consumer", assumed_by=iam.AccountRootPrincipal())
    endpoint.grant_invoke(consumer, only_via_vpc_endpoint=True)
    dev = Stack(app, "IcDev")
    dev_endpoint = _build(
        dev,
        production=False,
        allow_single_instance=True,
        instance_type="ml.g5.xlarge",
        scaling=ManagedInstanceScalingOptions(min_instances=1, max_instances=1),
        components=[_component("churn", accelerators=1, min_copies=1, max_copies=1)],
        alarms=False,
    )
    return {
        "default": Template.from_stack(default),
        "dev": Template.from_stack(dev),
        "endpoint": endpoint,
        "dev_endpoint": dev_endpoint,
        "default_annotations": Annotations.from_stack(default),
        "dev_annotations": Annotations.from_stack(dev),
        "default_json": Template.from_stack(default).to_json(),
        "dev_json": Template.from_stack(dev).to_json(),
    }


@pytest.mark.aws_behaviour("sagemaker.inference-component-endpoint-config")
def test_endpoint_config_carries_role_vpc_isolation_and_no_model(lab):
    t: Template = lab["default"]  # type: ignore[assignment]
    t.has_resource_properties(
        "AWS::SageMaker::EndpointConfig",
        {
            "ExecutionRoleArn": {"Fn::GetAtt": [Match.string_like_regexp("IcExecutionRole"), "Arn"]},
            "EnableNetworkIsolation": True,
            "KmsKeyId": {"Fn::GetAtt": [Match.string_like_regexp("IcVolumeKey"), "Arn"]},
            "VpcConfig": {"Subnets": Match.any_value(), "SecurityGroupIds": Match.any_value()},
            "ProductionVariants": [
                {
                    "VariantName": "AllTraffic",
                    "InstanceType": "ml.m5.xlarge",
                    "InitialInstanceCount": 2,
                    "ManagedInstanceScaling": {
                        "Status": "ENABLED",
                        "MinInstanceCount": 2,
                        "MaxInstanceCount": 4,
                    },
                    "RoutingConfig": {"RoutingStrategy": "LEAST_OUTSTANDING_REQUESTS"},
                }
            ],
        },
    )
    config = next(iter(t.find_resources("AWS::SageMaker::EndpointConfig").values()))
    assert "ModelName" not in config["Properties"]["ProductionVariants"][0]
    assert len(config["Properties"]["VpcConfig"]["Subnets"]) == 2


def test_one_isolated_model_per_component_in_the_vpc(lab):
    t: Template = lab["default"]  # type: ignore[assignment]
    models = t.find_resources("AWS::SageMaker::Model")
    assert sorted(k[: len("IcModelChurn")] if "Churn" in k else k[: len("IcModelFraud")] for k in models) == [
        "IcModelChurn",
        "IcModelFraud",
    ]
    for model in models.values():
        props = model["Properties"]
        assert props["EnableNetworkIsolation"] is True
        assert set(props["VpcConfig"]) == {"Subnets", "SecurityGroupIds"}


def test_components_name_model_resources_copies_and_team_tag(lab):
    t: Template = lab["default"]  # type: ignore[assignment]
    endpoint: InferenceComponentEndpoint = lab["endpoint"]  # type: ignore[assignment]
    assert endpoint.component_names == {
        "churn": f"{endpoint.endpoint_name}-churn",
        "fraud": f"{endpoint.endpoint_name}-fraud",
    }
    t.has_resource_properties(
        "AWS::SageMaker::InferenceComponent",
        {
            "InferenceComponentName": f"{endpoint.endpoint_name}-fraud",
            "EndpointName": {"Fn::GetAtt": [Match.string_like_regexp("Ic"), "EndpointName"]},
            "VariantName": "AllTraffic",
            "Specification": {
                "ModelName": {"Fn::GetAtt": [Match.string_like_regexp("IcModelFraud"), "ModelName"]},
                "ComputeResourceRequirements": {
                    "NumberOfCpuCoresRequired": 0.5,
                    "MinMemoryRequiredInMb": 512,
                },
            },
            "RuntimeConfig": {"CopyCount": 2},
            "Tags": Match.array_with([{"Key": "team", "Value": "team-a"}]),
        },
    )
    t.resource_count_is("AWS::SageMaker::InferenceComponent", 2)


@pytest.mark.aws_behaviour("sagemaker.inference-component-rolling-update")
def test_components_roll_out_in_batches_and_roll_back_on_their_alarms(lab):
    t: Template = lab["default"]  # type: ignore[assignment]
    t.has_resource_properties(
        "AWS::SageMaker::InferenceComponent",
        {
            "InferenceComponentName": Match.string_like_regexp("-churn$"),
            "DeploymentConfig": {
                "RollingUpdatePolicy": {
                    "MaximumBatchSize": {"Type": "CAPACITY_PERCENT", "Value": 50},
                    "WaitIntervalInSeconds": 300,
                },
                "AutoRollbackConfiguration": {
                    "Alarms": [
                        {"AlarmName": {"Ref": Match.string_like_regexp("IcChurnInvocation5xxAlarm")}},
                        {"AlarmName": {"Ref": Match.string_like_regexp("IcChurnModelLatencyP99Alarm")}},
                    ]
                },
            },
        },
    )


@pytest.mark.aws_behaviour("sagemaker.inference-component-metrics")
def test_alarms_watch_each_component(lab):
    t: Template = lab["default"]  # type: ignore[assignment]
    endpoint: InferenceComponentEndpoint = lab["endpoint"]  # type: ignore[assignment]
    assert sorted(endpoint.alarms) == sorted(
        f"{c}/{k}" for c in ("churn", "fraud") for k in ("Invocation5xx", "Invocation4xx", "ModelLatencyP99")
    )
    t.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "Namespace": "AWS/SageMaker",
            "MetricName": "ModelLatency",
            "ExtendedStatistic": "p99",
            "Threshold": 1_000_000,
            "Dimensions": [{"Name": "InferenceComponentName", "Value": f"{endpoint.endpoint_name}-churn"}],
            "AlarmActions": [{"Ref": Match.string_like_regexp("IcAlarmTopic")}],
        },
    )
    t.resource_count_is("AWS::CloudWatch::Alarm", 6)


@pytest.mark.aws_behaviour("application-autoscaling.inference-component-copies")
def test_copies_autoscale_on_invocations_per_copy(lab):
    t: Template = lab["default"]  # type: ignore[assignment]
    endpoint: InferenceComponentEndpoint = lab["endpoint"]  # type: ignore[assignment]
    t.has_resource_properties(
        "AWS::ApplicationAutoScaling::ScalableTarget",
        {
            "ServiceNamespace": "sagemaker",
            "ResourceId": f"inference-component/{endpoint.endpoint_name}-fraud",
            "ScalableDimension": "sagemaker:inference-component:DesiredCopyCount",
            "MinCapacity": 2,
            "MaxCapacity": 4,
        },
    )
    t.has_resource_properties(
        "AWS::ApplicationAutoScaling::ScalingPolicy",
        {
            "TargetTrackingScalingPolicyConfiguration": {
                "PredefinedMetricSpecification": {
                    "PredefinedMetricType": "SageMakerInferenceComponentInvocationsPerCopy"
                },
                "TargetValue": 70,
            },
        },
    )
    target = t.find_resources(
        "AWS::ApplicationAutoScaling::ScalableTarget",
        {"Properties": {"ResourceId": Match.string_like_regexp("-churn$")}},
    )
    (only,) = target.values()
    assert any(d.startswith("IcComponentChurn") for d in only["DependsOn"])


def test_execution_role_reads_only_the_models_and_pulls_the_repository(lab):
    t: Template = lab["default"]  # type: ignore[assignment]
    policy = next(
        iter(
            t.find_resources(
                "AWS::IAM::ManagedPolicy",
                {"Properties": {"Description": "SageMaker endpoint multi: least privilege"}},
            ).values()
        )
    )
    statements = {s.get("Sid"): s for s in policy["Properties"]["PolicyDocument"]["Statement"]}
    assert {"ReadModelData", "ListModelPrefix", "DecryptModelData", "PullImage", "WriteLogGroup"} <= set(
        statements
    )
    read = statements["ReadModelData"]["Resource"]
    assert len(read) == 2 and all("team-a/models/" in str(r) for r in read)


@pytest.mark.aws_behaviour("sagemaker.invoke-endpoint-authorized-on-the-endpoint")
def test_consumer_invokes_the_endpoint_arn(lab):
    t: Template = lab["default"]  # type: ignore[assignment]
    t.has_resource_properties(
        "AWS::IAM::Policy",
        {
            "PolicyDocument": {
                "Statement": [
                    {
                        "Action": ["sagemaker:InvokeEndpoint", "sagemaker:InvokeEndpointWithResponseStream"],
                        "Effect": "Allow",
                        "Resource": {"Ref": Match.string_like_regexp("^Ic[0-9A-F]{8}$")},
                        "Condition": {"StringEquals": {"aws:SourceVpce": Match.any_value()}},
                    }
                ]
            },
            "Roles": [{"Ref": Match.string_like_regexp("Consumer")}],
        },
    )


def test_the_pack_passes_with_the_exceptions_acknowledged(lab):
    report = check_templates(
        [
            PackTemplate(lab["default_json"], "default.json"),  # type: ignore[arg-type]
            PackTemplate(lab["dev_json"], "dev.json"),
        ]
    )  # type: ignore[arg-type]
    errors = [f for f in report.findings if f.severity == "error"]
    assert errors == []
    acknowledged = {(f.rule, f.resource) for f in report.acknowledged}
    assert any(rule == "SML-HOST-3" for rule, _ in acknowledged)
    assert any(rule == "SML-HOST-1" for rule, _ in acknowledged)  # the dev endpoint's single instance


@pytest.mark.aws_behaviour("sagemaker.endpoint-config-kms-key-local-storage")
def test_dev_endpoint_single_gpu_instance_no_volume_key_no_alarms(lab):
    t: Template = lab["dev"]  # type: ignore[assignment]
    config = next(iter(t.find_resources("AWS::SageMaker::EndpointConfig").values()))
    assert "KmsKeyId" not in config["Properties"]
    assert config["Properties"]["ProductionVariants"][0]["ManagedInstanceScaling"] == {
        "Status": "ENABLED",
        "MinInstanceCount": 1,
        "MaxInstanceCount": 1,
    }
    t.has_resource_properties(
        "AWS::SageMaker::InferenceComponent",
        {"Specification": {"ComputeResourceRequirements": {"NumberOfAcceleratorDevicesRequired": 1}}},
    )
    t.resource_count_is("AWS::CloudWatch::Alarm", 0)
    t.resource_count_is("AWS::ApplicationAutoScaling::ScalableTarget", 0)
    component = next(iter(t.find_resources("AWS::SageMaker::InferenceComponent").values()))
    assert "AutoRollbackConfiguration" not in component["Properties"]["DeploymentConfig"]
    annotations: Annotations = lab["dev_annotations"]  # type: ignore[assignment]
    annotations.has_warning("*", Match.string_like_regexp("has no alarms"))


def test_strict_app_synthesizes_without_findings():
    app = strict_app()
    _build(Stack(app, "IcStrict"))
    app.synth()  # raises on an unacknowledged finding


@pytest.mark.aws_behaviour(
    "sagemaker.inference-component-compute-minimums",
    "sagemaker.inference-component-rolling-update",
    "sagemaker.resource-names-63",
)
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"components": []}, r"components is empty"),
        ({"components": [_component("a"), _component("a")]}, r"name 'a' is used twice"),
        ({"components": [_component("bad_name")]}, r"name 'bad_name' is not a SageMaker name"),
        ({"components": [_component("a", copies=0)]}, r"copies 0 must be at least 1"),
        (
            {"components": [_component("a", cpu_cores=0.1)]},
            r"cpu_cores 0.1 is below SageMaker's minimum 0.25",
        ),
        ({"components": [_component("a", memory_mb=64)]}, r"memory_mb 64 is below SageMaker's minimum 128"),
        ({"components": [_component("a", accelerators=0)]}, r"accelerators 0 must be at least 1"),
        (
            {"components": [_component("a", min_copies=3, max_copies=2, copies=2)]},
            r"max_copies 2 < min_copies 3",
        ),
        ({"components": [_component("a", copies=5, min_copies=1, max_copies=4)]}, r"copies 5 is outside"),
        (
            {"components": [_component("a", invocations_per_copy=0)]},
            r"invocations_per_copy 0 must be positive",
        ),
        (
            {"components": [_component("a", cpu_cores=8)]},
            r"cpu_cores 8 is more than one ml.m5.xlarge has \(4",
        ),
        ({"components": [_component("a", copies=10, max_copies=20)]}, r"reserve 20 CPU cores, but 4 x"),
        ({"components": [_component("a" * 60)]}, r"SageMaker allows 63"),
        ({"instance_type": "m5.large"}, r"instance_type 'm5.large' is not a SageMaker instance type"),
        (
            {"scaling": ManagedInstanceScalingOptions(min_instances=1)},
            r"production endpoint runs 2 instances",
        ),
        ({"scaling": ManagedInstanceScalingOptions(min_instances=3, max_instances=2)}, r"max_instances 2 < "),
        (
            {"production": False, "scaling": ManagedInstanceScalingOptions(min_instances=1)},
            r"needs allow_single_instance=True",
        ),
        ({"routing_strategy": "ROUND_ROBIN"}, r"routing_strategy 'ROUND_ROBIN' is not one of"),
        ({"rollout_batch_percent": 80}, r"rollout_batch_percent 80 is outside 5-50"),
        ({"rollout_wait": 4000}, r"rollout_wait 4000 is outside 0-3600"),
    ],
)
def test_bad_arguments_are_refused_with_the_fix(kwargs, message):
    with pytest.raises(ValueError, match=rf"InferenceComponentEndpoint multi: .*{message}"):
        _build(Stack(new_app(), "Bad"), **kwargs)


def test_a_network_is_required():
    stack = Stack(new_app(), "NoNet")
    artifacts = SecureBucket(stack, "Artifacts")
    with pytest.raises(ValueError, match=r"network is missing; pass network=MlNetwork"):
        InferenceComponentEndpoint(
            stack, "Ic", endpoint_name="multi", artifacts_bucket=artifacts.bucket, components=[_component()]
        )


def test_core_checks_agree_with_the_defaults():
    assert (
        inference_component_endpoint_problems(
            endpoint_name="multi",
            components=[_component()],
            instance_type="ml.m5.xlarge",
            scaling=ManagedInstanceScalingOptions(),
            routing_strategy="LEAST_OUTSTANDING_REQUESTS",
            rollout_batch_percent=50,
            rollout_wait=300,
            production=True,
            allow_single_instance=False,
        )
        == []
    )
    assert _component().scaling_range == (1, 2)
    assert _component(copies=3, min_copies=2).scaling_range == (2, 6)
