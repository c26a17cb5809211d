"""The hosting package's API: SecureEndpoint as aws_sagemaker.IEndpoint and ec2.IConnectable, the feature
constructs (alarms, autoscaling, Model Monitor) on their own, features turned off, metrics, names."""

from __future__ import annotations

import re
from dataclasses import dataclass

import jsii
import pytest
from aws_cdk import Duration, RemovalPolicy, Resource, Stack, Token
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sagemaker as sagemaker
from aws_cdk.assertions import Annotations, Match, Template
from aws_cdk.interfaces import aws_sagemaker as sagemaker_refs

from cdk_secure_ml.constructs import hosting
from cdk_secure_ml.constructs.encryption import EncryptionKeys
from cdk_secure_ml.constructs.hosting import (
    INSTANCE_METRICS_NAMESPACE,
    AlarmOptions,
    AutoScalingOptions,
    DataCaptureOptions,
    DataQualityMonitor,
    EndpointAlarms,
    EndpointAutoScaling,
    EndpointMetrics,
    EndpointVariantOptions,
    ModelMonitorOptions,
    ModelSource,
    RolloutOptions,
    SecureEndpoint,
)
from cdk_secure_ml.constructs.hosting.endpoint_config import _EndpointConfigBuilder
from cdk_secure_ml.constructs.hosting.options import problem_text
from cdk_secure_ml.constructs.network import MlNetwork
from cdk_secure_ml.constructs.storage import SecureBucket
from cdk_secure_ml.core.hosting import is_unresolved
from cdk_secure_ml.policies.acknowledgements import flatten_cfn_reference
from tests.conftest import ROOT, new_app

DIGEST = "sha256:" + "a" * 64
SOURCE = ModelSource.from_image(DIGEST, "models/churn/v1/model.tar.gz")


@jsii.implements(sagemaker.IEndpoint)
class ImportedEndpoint(Resource):
    """An endpoint of another app, known by name: any IEndpoint the feature constructs must work on."""

    def __init__(self, scope, construct_id: str, name: str) -> None:
        super().__init__(scope, construct_id)
        self._name = name

    @property
    def endpoint_name(self) -> str:
        return self._name

    @property
    def endpoint_arn(self) -> str:
        return Stack.of(self).format_arn(service="sagemaker", resource="endpoint", resource_name=self._name)

    @property
    def endpoint_ref(self) -> sagemaker_refs.EndpointReference:
        return sagemaker_refs.EndpointReference(endpoint_arn=self.endpoint_arn)

    def grant_invoke(self, grantee: iam.IGrantable) -> iam.Grant:
        return iam.Grant.add_to_principal(
            grantee=grantee, actions=["sagemaker:InvokeEndpoint"], resource_arns=[self.endpoint_arn]
        )


@dataclass
class Lab:
    stacks: dict[str, Stack]
    objects: dict

    def template(self, name: str) -> Template:
        return Template.from_stack(self.stacks[name])


def _platform(stack: Stack):
    keys = EncryptionKeys(stack, "Keys")
    net = MlNetwork(stack, "Net", flow_log_key=keys.logs)
    artifacts = SecureBucket(stack, "Artifacts", encryption_key=keys.artifacts)
    data = SecureBucket(
        stack, "Data", encryption_key=keys.data, server_access_logs_bucket=artifacts.server_access_logs_bucket
    )
    repo = ecr.Repository.from_repository_name(stack, "Repo", "team-a/churn")
    return keys, net, artifacts, data, repo


@pytest.fixture(scope="module")
def lab() -> Lab:
    app = new_app()
    stacks: dict[str, Stack] = {}
    objects: dict = {}

    # an API Gateway integration takes the endpoint as an aws_sagemaker.IEndpoint
    s = stacks["Api"] = Stack(app, "Api")
    _, net, artifacts, data, repo = _platform(s)
    ep = SecureEndpoint(
        s,
        "Churn",
        endpoint_name="churn",
        repository=repo,
        artifacts_bucket=artifacts.bucket,
        model_source=SOURCE,
        network=net,
        data_capture=DataCaptureOptions(bucket=data.bucket),
        model_monitor=ModelMonitorOptions(output_bucket=data.bucket),
    )
    api = apigateway.RestApi(s, "Api")
    api.root.add_method("POST", apigateway.SagemakerIntegration(ep))
    peer = ec2.SecurityGroup(s, "Peer", vpc=net.vpc, allow_all_outbound=False)
    ep.connections.allow_from(peer, ec2.Port.tcp(8080), "model sidecar")
    ep.apply_removal_policy(RemovalPolicy.DESTROY)
    objects.update(api_endpoint=ep, peer=peer)

    # features off on the endpoint, built beside it with the feature constructs
    s = stacks["Standalone"] = Stack(app, "Standalone")
    keys, net, artifacts, data, repo = _platform(s)
    bare = SecureEndpoint(
        s,
        "Churn",
        endpoint_name="churn",
        repository=repo,
        artifacts_bucket=artifacts.bucket,
        model_source=SOURCE,
        network=net,
        alarms=False,
        autoscaling=False,
        data_capture=DataCaptureOptions(bucket=data.bucket, prefix="capture"),
    )
    objects["bare"] = bare
    objects["bare_alarms"] = EndpointAlarms(
        s, "ChurnAlarms", endpoint=bare, thresholds=AlarmOptions(model_latency_p99=Duration.millis(250))
    )
    objects["bare_scaling"] = EndpointAutoScaling(
        s, "ChurnScaling", endpoint=bare, options=AutoScalingOptions(max_capacity=3, scale_in_cooldown=60)
    )
    imported = ImportedEndpoint(s, "Imported", "imported-ep")
    variants = [EndpointVariantOptions("AllTraffic", instance_type="ml.c5.xlarge")]
    objects["imported_alarms"] = EndpointAlarms(
        s,
        "ImportedAlarms",
        endpoint=imported,
        variants=variants,
        thresholds=AlarmOptions(model_latency_p99=0.25),
    )
    objects["imported_scaling"] = EndpointAutoScaling(
        s, "ImportedScaling", endpoint=imported, variants=variants
    )
    objects["imported_monitor"] = DataQualityMonitor(
        s,
        "ImportedMonitor",
        endpoint=imported,
        schedule_name="imported-ep-data-quality",
        options=ModelMonitorOptions(output_bucket=data.bucket, output_prefix="reports"),
        data_capture=DataCaptureOptions(bucket=data.bucket, prefix="capture"),
        vpc=net.vpc,
        subnets=net.subnets,
        security_groups=[net.new_workload_security_group(s, "MonitorSg")],
        volume_key=keys.volumes,
    )
    objects["imported"] = imported

    # None is the default for every feature but autoscaling, which is left out (None turned it off before 0.2)
    s = stacks["Defaults"] = Stack(app, "Defaults")
    _, net, artifacts, _, repo = _platform(s)
    objects["defaults"] = SecureEndpoint(
        s,
        "Churn",
        endpoint_name="churn",
        repository=repo,
        model_source=SOURCE,
        artifacts_bucket=artifacts.bucket,
        network=net,
        alarms=None,
        rollout=None,
        variants=None,
        data_capture=None,
    )
    app.synth()
    return Lab(stacks, objects)


def _only(t: Template, type_: str) -> dict:
    (resource,) = t.find_resources(type_).values()
    return resource["Properties"]


# -- aws_sagemaker.IEndpoint and ec2.IConnectable --------------------------------------------------


def test_sagemaker_integration_takes_the_endpoint(lab):
    t, stack, ep = lab.template("Api"), lab.stacks["Api"], lab.objects["api_endpoint"]
    uri = flatten_cfn_reference(_only(t, "AWS::ApiGateway::Method")["Integration"]["Uri"])
    assert uri.endswith(f":runtime.sagemaker:path/endpoints/{ep.endpoint_name}/invocations")
    # the integration's role got grant_invoke: this endpoint's ARN only
    endpoint_ref = {"Ref": stack.get_logical_id(ep.endpoint)}
    invoke = [
        s
        for p in t.find_resources("AWS::IAM::Policy").values()
        for s in p["Properties"]["PolicyDocument"]["Statement"]
        if "sagemaker:InvokeEndpoint" in s["Action"]
    ]
    assert invoke and all(s["Resource"] == endpoint_ref for s in invoke)


def test_endpoint_is_an_iendpoint_and_iresource(lab):
    ep, stack = lab.objects["api_endpoint"], lab.stacks["Api"]
    assert ep.stack is stack
    assert stack.resolve(ep.endpoint_ref.endpoint_arn) == stack.resolve(ep.endpoint_arn)
    assert stack.resolve(ep.env.region) == {"Ref": "AWS::Region"}
    assert stack.resolve(ep.env.account) == {"Ref": "AWS::AccountId"}
    endpoint = lab.template("Api").find_resources("AWS::SageMaker::Endpoint")[
        stack.get_logical_id(ep.endpoint)
    ]
    assert endpoint["DeletionPolicy"] == "Delete"  # apply_removal_policy(DESTROY)


def test_connections_are_the_endpoint_security_groups(lab):
    t, stack, ep = lab.template("Api"), lab.stacks["Api"], lab.objects["api_endpoint"]
    group_id = stack.get_logical_id(ep.security_groups[0].node.default_child)
    peer_id = stack.get_logical_id(lab.objects["peer"].node.default_child)
    t.has_resource_properties(
        "AWS::EC2::SecurityGroupIngress",
        {
            "GroupId": {"Fn::GetAtt": [group_id, "GroupId"]},
            "FromPort": 8080,
            "ToPort": 8080,
            "SourceSecurityGroupId": {"Fn::GetAtt": [peer_id, "GroupId"]},
        },
    )
    assert ep.connections.security_groups == ep.security_groups


def test_feature_resources_keep_their_paths_under_the_endpoint(lab):
    """The feature constructs create their resources in the endpoint's scope, under the ids they always had:
    construct paths, and so logical ids, do not change."""
    ep = lab.objects["api_endpoint"]
    assert ep.node.find_child("AllTrafficInvocation5xxAlarm") is ep.alarms["AllTraffic/Invocation5xx"]
    assert ep.node.find_child("AllTrafficScalableTarget") is ep.scalable_targets["AllTraffic"]
    assert ep.node.find_child("MonitoringSchedule") is ep.monitoring_schedule
    assert ep.node.find_child("AlarmTopic").node.default_child is not None
    for feature in (ep.endpoint_alarms, ep.auto_scaling, ep.data_quality_monitor):
        assert feature.node.scope is ep and feature.node.children == []
    assert ep.alarms["AllTraffic/Invocation5xx"].node.path == "Api/Churn/AllTrafficInvocation5xxAlarm"


# -- features turned off, and built on their own ----------------------------------------------------


def test_features_turned_off_with_false(lab):
    stack, bare = lab.stacks["Standalone"], lab.objects["bare"]
    t = lab.template("Standalone")
    endpoint = t.find_resources("AWS::SageMaker::Endpoint")[stack.get_logical_id(bare.endpoint)]["Properties"]
    assert "AutoRollbackConfiguration" not in endpoint["DeploymentConfig"]
    assert "RetainAllVariantProperties" not in endpoint
    assert bare.alarms == {} and bare.endpoint_alarms is None and bare.alarm_topic is None
    assert bare.scalable_targets == {} and bare.auto_scaling is None
    warnings = Annotations.from_stack(stack)
    warnings.has_warning("/Standalone/Churn", Match.string_like_regexp(r"has no alarms \(alarms=False\)"))
    warnings.has_warning(
        "/Standalone/Churn", Match.string_like_regexp(r"does not autoscale \(autoscaling=False\)")
    )


def test_endpoint_alarms_on_their_own(lab):
    t, stack, bare = lab.template("Standalone"), lab.stacks["Standalone"], lab.objects["bare"]
    alarms = lab.objects["bare_alarms"]
    assert set(alarms.alarms) == {
        f"AllTraffic/{k}"
        for k in (
            "Invocation5xx",
            "Invocation4xx",
            "ModelLatencyP99",
            "CpuUtilization",
            "MemoryUtilization",
            "DiskUtilization",
        )
    }
    assert (
        alarms.alarms["AllTraffic/Invocation5xx"].node.path
        == "Standalone/ChurnAlarms/AllTrafficInvocation5xxAlarm"
    )
    assert [a.node.id for a in alarms.rollback_alarms] == [
        "AllTrafficInvocation5xxAlarm",
        "AllTrafficModelLatencyP99Alarm",
    ]
    props = t.find_resources("AWS::CloudWatch::Alarm")[
        stack.get_logical_id(alarms.alarms["AllTraffic/ModelLatencyP99"].node.default_child)
    ]["Properties"]
    assert props["Threshold"] == 250_000  # 250 ms as a Duration: fractional seconds are kept
    assert {"Name": "EndpointName", "Value": bare.endpoint_name} in props["Dimensions"]
    assert props["AlarmActions"] == [{"Ref": stack.get_logical_id(alarms.topic.node.default_child)}]
    assert alarms.topic.node.path == "Standalone/ChurnAlarms/AlarmTopic/Resource"


def test_alarms_on_any_iendpoint(lab):
    t, stack = lab.template("Standalone"), lab.stacks["Standalone"]
    alarms = lab.objects["imported_alarms"]
    by_kind = {
        k.split("/")[1]: t.find_resources("AWS::CloudWatch::Alarm")[
            stack.get_logical_id(a.node.default_child)
        ]["Properties"]
        for k, a in alarms.alarms.items()
    }
    assert {"Name": "EndpointName", "Value": "imported-ep"} in by_kind["Invocation5xx"]["Dimensions"]
    assert by_kind["ModelLatencyP99"]["Threshold"] == 250_000  # 0.25 s
    assert by_kind["CpuUtilization"]["Threshold"] == 320  # 80 % x 4 vCPUs of ml.c5.xlarge


def test_autoscaling_on_its_own(lab):
    t, stack, bare = lab.template("Standalone"), lab.stacks["Standalone"], lab.objects["bare"]
    target = lab.objects["bare_scaling"].scalable_targets["AllTraffic"]
    assert target.node.path == "Standalone/ChurnScaling/AllTrafficScalableTarget"
    resource = t.find_resources("AWS::ApplicationAutoScaling::ScalableTarget")[
        stack.get_logical_id(target.node.default_child)
    ]
    endpoint_id = stack.get_logical_id(bare.endpoint)
    assert resource["Properties"]["ResourceId"] == {
        "Fn::Join": ["", ["endpoint/", {"Fn::GetAtt": [endpoint_id, "EndpointName"]}, "/variant/AllTraffic"]]
    }
    assert resource["DependsOn"] == [endpoint_id]  # the endpoint resource, not everything the construct holds
    assert (resource["Properties"]["MinCapacity"], resource["Properties"]["MaxCapacity"]) == (2, 3)
    imported = lab.objects["imported_scaling"].scalable_targets["AllTraffic"]
    assert stack.resolve(imported.node.default_child.resource_id) == "endpoint/imported-ep/variant/AllTraffic"
    policies = [
        p["Properties"]["TargetTrackingScalingPolicyConfiguration"]
        for p in t.find_resources("AWS::ApplicationAutoScaling::ScalingPolicy").values()
    ]
    assert sorted(p["ScaleInCooldown"] for p in policies) == [60, 300]


def test_data_quality_monitor_on_any_iendpoint(lab):
    t = lab.template("Standalone")
    monitor = lab.objects["imported_monitor"]
    schedule = _only(t, "AWS::SageMaker::MonitoringSchedule")
    assert schedule["MonitoringScheduleName"] == "imported-ep-data-quality"
    job = _only(t, "AWS::SageMaker::DataQualityJobDefinition")
    assert job["DataQualityJobInput"]["EndpointInput"]["EndpointName"] == "imported-ep"
    assert flatten_cfn_reference(
        job["DataQualityJobOutputConfig"]["MonitoringOutputs"][0]["S3Output"]["S3Uri"]
    ).endswith("/reports/imported-ep")
    assert job["NetworkConfig"]["EnableNetworkIsolation"] is True
    assert monitor.schedule.node.path == "Standalone/ImportedMonitor/MonitoringSchedule"
    statements = {
        s["Sid"] for s in lab.stacks["Standalone"].resolve(monitor.policy.document.to_json())["Statement"]
    }
    assert {"ReadCapturedData", "WriteReports", "ManageEnisInThisVpc", "UseMonitoringKeys"} <= statements


def test_none_means_the_default(lab):
    t, ep = lab.template("Defaults"), lab.objects["defaults"]
    target = _only(t, "AWS::ApplicationAutoScaling::ScalableTarget")
    assert (target["MinCapacity"], target["MaxCapacity"]) == (2, 4)
    assert len(t.find_resources("AWS::CloudWatch::Alarm")) == 6
    routing = _only(t, "AWS::SageMaker::Endpoint")["DeploymentConfig"]["BlueGreenUpdatePolicy"]
    assert routing["TrafficRoutingConfiguration"] == {"Type": "ALL_AT_ONCE", "WaitIntervalInSeconds": 300}
    assert ep.variant_names == ["AllTraffic"] and ep.data_capture_key is None


# -- bad input of the feature constructs ---------------------------------------------------------------


def test_feature_constructs_check_their_input():
    stack = Stack(new_app(), "Bad")
    imported = ImportedEndpoint(stack, "Imported", "imported-ep")
    with pytest.raises(
        ValueError, match=r"EndpointAlarms Bad/A: variants is empty; give the endpoint's variants"
    ):
        EndpointAlarms(stack, "A", endpoint=imported)
    with pytest.raises(
        ValueError,
        match=r"EndpointAutoScaling Bad/S: autoscaling min_capacity is 1; production "
        r"endpoints keep 2 or more",
    ):
        EndpointAutoScaling(
            stack,
            "S",
            endpoint=imported,
            variants=[EndpointVariantOptions()],
            options=AutoScalingOptions(min_capacity=1),
        )
    EndpointAutoScaling(
        stack,
        "Dev",
        endpoint=imported,
        variants=[EndpointVariantOptions()],
        production=False,
        allow_single_instance=True,
        options=AutoScalingOptions(min_capacity=1),
    )
    vpc = ec2.Vpc.from_vpc_attributes(
        stack,
        "Vpc",
        vpc_id="vpc-1",
        availability_zones=["a", "b"],
        isolated_subnet_ids=["subnet-1", "subnet-2"],
    )
    bucket = SecureBucket(stack, "Data").bucket
    with pytest.raises(ValueError, match=r"DataQualityMonitor Bad/M: schedule_name is missing"):
        DataQualityMonitor(
            stack,
            "M",
            endpoint=imported,
            options=ModelMonitorOptions(output_bucket=bucket),
            data_capture=DataCaptureOptions(bucket=bucket),
            vpc=vpc,
            subnets=vpc.isolated_subnets,
            security_groups=[],
        )


def test_removed_arguments_name_their_replacement():
    stack = Stack(new_app(), "Removed")
    with pytest.raises(
        TypeError,
        match=r"SecureEndpoint: image= was removed: give model_source="
        r"ModelSource.from_image\(image, model_data\)",
    ):
        SecureEndpoint(
            stack,
            "E",
            endpoint_name="churn",
            image=DIGEST,
            repository=ecr.Repository.from_repository_name(stack, "R", "r"),
            artifacts_bucket=SecureBucket(stack, "B").bucket,
        )


def test_old_option_names_are_aliases():
    assert hosting.EndpointVariant is EndpointVariantOptions and hosting.AutoScaling is AutoScalingOptions
    assert hosting.DataCapture is DataCaptureOptions and hosting.AlarmThresholds is AlarmOptions
    assert hosting.Rollout is RolloutOptions and hosting.ModelMonitor is ModelMonitorOptions
    assert (
        hosting.AsyncInference is hosting.AsyncInferenceOptions
        and hosting.Serverless is hosting.ServerlessOptions
    )


# -- metrics, durations, messages -------------------------------------------------------------------


def test_metrics_pass_options_through_and_include_gpu(lab):
    ep = lab.objects["api_endpoint"]
    gpu = ep.metric_gpu_utilization()
    assert (gpu.namespace, gpu.metric_name, gpu.statistic) == (
        INSTANCE_METRICS_NAMESPACE,
        "GPUUtilization",
        "Average",
    )
    assert ep.metric_gpu_memory_utilization().metric_name == "GPUMemoryUtilization"
    custom = ep.metric_invocations(
        period=Duration.minutes(5), statistic="Average", label="calls", dimensions_map={"Extra": "x"}
    )
    assert custom.period.to_seconds() == 300 and custom.statistic == "Average" and custom.label == "calls"
    assert custom.dimensions == {"EndpointName": ep.endpoint_name, "VariantName": "AllTraffic", "Extra": "x"}
    assert ep.metric_model_latency(statistic="p50").statistic == "p50"
    other = EndpointMetrics.of("other-ep", ["A", "B"])
    assert other.metric_invocations(variant="B").dimensions == {
        "EndpointName": "other-ep",
        "VariantName": "B",
    }
    with pytest.raises(ValueError, match=r"endpoint other-ep has no variant 'C'; it has \['A', 'B'\]"):
        other.metric_invocations(variant="C")


def test_durations_as_seconds_or_duration():
    def wait(rollout: RolloutOptions) -> float:
        return _EndpointConfigBuilder.deployment_config(
            rollout, []
        ).blue_green_update_policy.traffic_routing_configuration.wait_interval_in_seconds

    assert (
        wait(RolloutOptions.canary(10, wait=600))
        == wait(RolloutOptions.canary(10, wait=Duration.minutes(10)))
        == 600
    )


def test_core_token_check_agrees_with_cdk():
    stack = Stack(new_app(), "Tokens")
    listed = Token.as_list({"Ref": "L"})[0]
    for value in (
        stack.region,
        stack.account,
        Token.as_string({"Ref": "X"}),
        listed,
        "churn",
        "s3://b/k.tar.gz",
    ):
        assert is_unresolved(value) == Token.is_unresolved(value), value


def test_problem_text_reads_like_the_keyword_arguments():
    assert (
        problem_text(("autoscaling", "min_capacity"), "min_capacity 5 > max_capacity 3")
        == "autoscaling min_capacity 5 > max_capacity 3"
    )
    assert (
        problem_text(("variants", 1, "source", "image"), "image 'x' is bad", ["A", "B"])
        == "variant 'B': source image 'x' is bad"
    )
    assert (
        problem_text(("model_monitor",), "model_monitor needs data_capture")
        == "model_monitor needs data_capture"
    )
    assert re.fullmatch(r"no model", problem_text((), "no model"))


def test_the_docs_example_builds():
    """docs/hosting.md, "A complete endpoint": the first Python block is the example a user copies."""
    text = (ROOT / "docs" / "hosting.md").read_text()
    code = re.search(r"## A complete endpoint\n\n```python\n(.*?)```", text, re.S).group(1)
    namespace: dict = {}
    exec(compile(code, "docs/hosting.md", "exec"), namespace)  # our own documentation
    churn = namespace["churn"]
    assert isinstance(churn, SecureEndpoint) and churn.name == "churn"
    namespace["app"].synth()
    t = Template.from_stack(namespace["stack"])
    assert _only(t, "AWS::SageMaker::EndpointConfig")["DataCaptureConfig"]["InitialSamplingPercentage"] == 20
    routing = _only(t, "AWS::SageMaker::Endpoint")["DeploymentConfig"]["BlueGreenUpdatePolicy"]
    assert routing["TrafficRoutingConfiguration"]["CanarySize"] == {"Type": "CAPACITY_PERCENT", "Value": 10}



def test_a_feature_or_source_of_the_wrong_type_names_the_keyword_and_the_choices():
    stack = Stack(new_app(), "WrongTypes")
    common = {
        "endpoint_name": "churn",
        "repository": ecr.Repository.from_repository_name(stack, "R", "r"),
        "artifacts_bucket": SecureBucket(stack, "B").bucket,
    }
    with pytest.raises(
        TypeError,
        match=r"autoscaling=True is not AutoScalingOptions; pass AutoScalingOptions\(\.\.\.\) to configure "
        r"it, None \(or leave it out\) for the default, or False to turn it off",
    ):
        SecureEndpoint(stack, "E", model_source=SOURCE, autoscaling=True, **common)
    with pytest.raises(
        TypeError,
        match=r"model_source=\('img', 'x.tar.gz'\) is not a ModelSource; give "
        r"model_source=ModelSource.from_image\(image, model_data\)",
    ):
        SecureEndpoint(stack, "F", model_source=("img", "x.tar.gz"), **common)
    with pytest.raises(
        TypeError,
        match=r"autoscaling=None no longer turns autoscaling off \(it did before 0.2\); pass "
        r"autoscaling=False to turn it off, or leave it out for the default",
    ):
        SecureEndpoint(stack, "G", model_source=SOURCE, autoscaling=None, **common)
