"""SecureEndpoint: model, endpoint config, autoscaling, alarms, rollouts, monitoring, async, access."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pytest
from aws_cdk import Duration, Environment, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk.assertions import Annotations, Match, Template

from cdk_secure_ml.constructs.encryption import EncryptionKeys
from cdk_secure_ml.constructs.hosting import (
    INSTANCE_METRICS_NAMESPACE,
    AlarmOptions,
    AsyncInferenceOptions,
    AutoScalingOptions,
    DataCaptureOptions,
    EndpointVariantOptions,
    ModelMonitorOptions,
    ModelSource,
    RolloutOptions,
    SecureEndpoint,
    ServerlessOptions,
    invocations_target,
)
from cdk_secure_ml.constructs.network import MlNetwork
from cdk_secure_ml.constructs.storage import SecureBucket
from cdk_secure_ml.policies.acknowledgements import flatten_cfn_reference
from tests.config.test_endpoint_checks_agree import config_problems
from tests.conftest import new_app

DIGEST = "sha256:" + "a" * 64
OTHER_DIGEST = "sha256:" + "b" * 64
MODEL = "models/churn/v1/model.tar.gz"
PACKAGE = "arn:aws:sagemaker:eu-west-1:111111111111:model-package/churn-models/3"
NEXT_PACKAGE = "arn:aws:sagemaker:eu-west-1:111111111111:model-package/churn-models/4"


@dataclass
class HostingLab:
    stacks: dict[str, Stack]
    objects: dict[str, object]

    def template(self, name: str) -> Template:
        return Template.from_stack(self.stacks[name])


def _platform(stack: Stack):
    keys = EncryptionKeys(stack, "Keys")
    net = MlNetwork(stack, "Net", flow_log_key=keys.logs)
    artifacts = SecureBucket(stack, "Artifacts", encryption_key=keys.artifacts)
    data = SecureBucket(stack, "Data", encryption_key=keys.data,
                        server_access_logs_bucket=artifacts.server_access_logs_bucket)
    repo = ecr.Repository.from_repository_name(stack, "Repo", "team-a/churn")
    return keys, net, artifacts, data, repo


def _basic(
    stack: Stack, construct_id: str, repo, artifacts, net, *, image: str = DIGEST, **kwargs
) -> SecureEndpoint:
    options = {
        "endpoint_name": "churn",
        "repository": repo,
        "model_source": ModelSource.from_image(image, MODEL),
        "artifacts_bucket": artifacts.bucket,
        "network": net,
        **kwargs,
    }
    return SecureEndpoint(stack, construct_id, **options)


@pytest.fixture(scope="module")
def hl() -> HostingLab:
    app = new_app()
    stacks: dict[str, Stack] = {}
    objects: dict[str, object] = {}

    def stack(name: str, **kwargs) -> Stack:
        stacks[name] = Stack(app, name, **kwargs)
        return stacks[name]

    # every option at once (environment-agnostic: the Model Monitor image comes from a mapping)
    s = stack("Full")
    keys, net, artifacts, data, repo = _platform(s)
    full = SecureEndpoint(
        s,
        "Churn",
        endpoint_name="churn",
        repository=repo,
        model_source=ModelSource.from_image(DIGEST, MODEL),
        artifacts_bucket=artifacts.bucket,
        network=net,
        volume_key=keys.volumes,
        logs_key=keys.logs,
        variants=[
            EndpointVariantOptions("Champion", weight=0.9),
            EndpointVariantOptions(
                "Challenger",
                instance_type="ml.c5.xlarge",
                weight=0.1,
                source=ModelSource.from_image(OTHER_DIGEST, "models/churn/v2/model.tar.gz"),
            ),
        ],
        environment={"SAGEMAKER_PROGRAM": "inference.py"},
        # durations as Durations here, as seconds elsewhere: both are accepted
        autoscaling=AutoScalingOptions(
            min_capacity=2,
            max_capacity=8,
            target_invocations_per_instance=invocations_target(4, 0.5),
            scale_in_cooldown=Duration.seconds(600),
            scale_out_cooldown=60,
            cpu_target_percent=70,
        ),
        data_capture=DataCaptureOptions(bucket=data.bucket, prefix="capture", sampling_percentage=25),
        rollout=RolloutOptions.canary(
            10, wait=Duration.minutes(10), maximum_execution_timeout=Duration.hours(2)
        ),
        model_monitor=ModelMonitorOptions(
            output_bucket=data.bucket,
            baseline_constraints_key="baselines/churn/constraints.json",
            baseline_statistics_key="baselines/churn/statistics.json",
        ),
    )
    objects.update(full=full, full_keys=keys, full_net=net, full_data=data, full_artifacts=artifacts)
    consumer = iam.Role(s, "Consumer", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
    full.grant_invoke(consumer, only_via_vpc_endpoint=True)
    other = iam.Role(s, "OtherConsumer", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
    full.grant_invoke(other)
    objects.update(consumer=consumer, other=other)

    # defaults: keys, topic and security group created; mutable tag; no data capture
    s = stack("Defaults")
    _, net, artifacts, _, repo = _platform(s)
    objects["defaults"] = SecureEndpoint(s, "Ep", endpoint_name="churn", repository=repo,
                                         model_source=ModelSource.from_image("v1.2.0", MODEL),
                                         artifacts_bucket=artifacts.bucket, network=net)
    # the same endpoint with another image digest in an otherwise identical stack: new names
    for name, image in (("SameA", DIGEST), ("SameB", DIGEST), ("Changed", OTHER_DIGEST)):
        s = stack(name)
        _, net, artifacts, _, repo = _platform(s)
        objects[name] = _basic(s, "Ep", repo, artifacts, net, image=image)

    # async inference, linear rollout, explicit VPC, subnets and security group
    s = stack("Async", env=Environment(region="eu-west-1"))
    keys, net, artifacts, data, repo = _platform(s)
    sg = ec2.SecurityGroup(s, "Sg", vpc=net.vpc, allow_all_outbound=False)
    objects["async"] = SecureEndpoint(
        s,
        "Ep",
        endpoint_name="churn-async",
        repository=repo,
        model_source=ModelSource.from_image(DIGEST, MODEL),
        artifacts_bucket=artifacts.bucket,
        vpc=net.vpc,
        subnets=net.subnets,
        security_groups=[sg],
        async_inference=AsyncInferenceOptions(bucket=data.bucket, max_concurrent_invocations_per_instance=4),
        rollout=RolloutOptions.linear(25, wait=180),
        autoscaling=AutoScalingOptions(disable_scale_in=True),
        alarms=AlarmOptions(invocation_4xx_errors=None, cpu_utilization_percent=95),
    )
    objects["async_sg"] = sg
    objects["async_data"] = data

    # dev: one instance with the explicit flag; all-at-once without rollback; imported VPC with known AZs
    s = stack("Dev", env=Environment(region="eu-west-1"))
    vpc = ec2.Vpc.from_vpc_attributes(
        s, "Vpc", vpc_id="vpc-0123456789abcdef0", availability_zones=["eu-west-1a", "eu-west-1b"],
        isolated_subnet_ids=["subnet-aaaa1111", "subnet-bbbb2222"])
    bucket = s3.Bucket.from_bucket_name(s, "Models", "team-a-models")
    repo = ecr.Repository.from_repository_name(s, "Repo", "team-a/churn")
    objects["dev"] = SecureEndpoint(
        s,
        "Ep",
        endpoint_name="churn-dev",
        repository=repo,
        artifacts_bucket=bucket,
        model_source=ModelSource.from_image(DIGEST, "s3://team-a-models/churn/model.tar.gz"),
        vpc=vpc,
        production=False,
        allow_single_instance=True,
        variants=[EndpointVariantOptions(instance_count=1, instance_type="ml.g5.xlarge")],
        autoscaling=AutoScalingOptions(min_capacity=1, max_capacity=2),
        rollout=RolloutOptions(auto_rollback=False),
        network_isolation=False,
        model_monitor=None,
    )

    # serverless outside strict mode; autoscaling off on another endpoint
    s = stack("Serverless")
    _, net, artifacts, _, repo = _platform(s)
    objects["serverless"] = SecureEndpoint(
        s,
        "Ep",
        endpoint_name="churn-sls",
        repository=repo,
        model_source=ModelSource.from_image(DIGEST, MODEL),
        artifacts_bucket=artifacts.bucket,
        serverless=ServerlessOptions(memory_size_mb=4096, max_concurrency=20),
        strict=False,
    )
    objects["no_scaling"] = _basic(s, "NoScaling", repo, artifacts, net, endpoint_name="churn-fixed",
                                   autoscaling=False)

    # Model Monitor in a region: the image account is literal
    s = stack("Regional", env=Environment(region="eu-central-1"))
    _, net, artifacts, data, repo = _platform(s)
    objects["regional"] = _basic(s, "Ep", repo, artifacts, net,
                                 data_capture=DataCaptureOptions(bucket=data.bucket),
                                 model_monitor=ModelMonitorOptions(output_bucket=data.bucket,
                                                                   schedule_expression="cron(0 0 ? * * *)"))

    # Model promotion: the approved model package version instead of image + model data; a second
    # endpoint with the next version; a variant keeping its own image + model data
    s = stack("Package")
    _, net, artifacts, data, repo = _platform(s)
    objects["package"] = SecureEndpoint(s, "Ep", endpoint_name="churn", repository=repo,
                                        artifacts_bucket=artifacts.bucket,
                                        model_source=ModelSource.from_model_package(PACKAGE), network=net)
    s2 = stack("PackageNext")  # the same endpoint, the next approved version
    _, net2, artifacts2, _, repo2 = _platform(s2)
    objects["package_next"] = SecureEndpoint(
        s2,
        "Ep",
        endpoint_name="churn",
        repository=repo2,
        artifacts_bucket=artifacts2.bucket,
        model_source=ModelSource.from_model_package(NEXT_PACKAGE),
        network=net2,
    )
    objects["package_ab"] = SecureEndpoint(
        s,
        "Ab",
        endpoint_name="churn-ab",
        repository=repo,
        artifacts_bucket=artifacts.bucket,
        network=net,
        model_source=ModelSource.from_image(DIGEST, MODEL),
        variants=[
            EndpointVariantOptions("Champion", weight=0.9),
            EndpointVariantOptions("Challenger", weight=0.1, source=ModelSource.from_model_package(PACKAGE)),
        ],
    )
    app.synth()
    return HostingLab(stacks, objects)


def _one(t: Template, type_: str) -> dict:
    found = t.find_resources(type_)
    assert len(found) == 1, f"expected one {type_}, found {len(found)}"
    return next(iter(found.values()))


def _statements(t: Template, stack: Stack, policy) -> dict[str, dict]:
    doc = t.find_resources("AWS::IAM::ManagedPolicy")[stack.get_logical_id(policy.node.default_child)]
    return {s["Sid"]: s for s in doc["Properties"]["PolicyDocument"]["Statement"]}


# -- helpers ---------------------------------------------------------------------------------------


def test_invocations_target_helper():
    assert invocations_target(10, 0.5) == 300
    assert invocations_target(2.5, 1) == 150
    with pytest.raises(ValueError, match=r"max_rps is 0.*safety_factor is 1.5"):
        invocations_target(0, 1.5)


def test_flatten_cfn_reference_matches_cdk_nag():
    ref = {"Fn::Join": ["", [{"Fn::GetAtt": ["Bucket1", "Arn"]}, "/models/*"]]}
    assert flatten_cfn_reference(ref) == "<Bucket1.Arn>/models/*"
    assert flatten_cfn_reference({"Ref": "X"}) == "<X>"
    assert (
        flatten_cfn_reference({"Fn::Sub": "arn:${AWS::Partition}:s3:::b/*"})
        == "arn:<AWS::Partition>:s3:::b/*"
    )


# -- model ------------------------------------------------------------------------------------------


def test_models_pinned_in_vpc_isolated(hl):
    t, stack, ep = hl.template("Full"), hl.stacks["Full"], hl.objects["full"]
    models = t.find_resources("AWS::SageMaker::Model")
    assert len(models) == 2  # champion and challenger have different images and model data
    net = hl.objects["full_net"]
    for model in models.values():
        props = model["Properties"]
        assert props["EnableNetworkIsolation"] is True
        assert len(props["VpcConfig"]["Subnets"]) == 2
        assert props["VpcConfig"]["SecurityGroupIds"] == [
            {"Fn::GetAtt": [stack.get_logical_id(ep.security_groups[0].node.default_child), "GroupId"]}]
        assert props["ExecutionRoleArn"] == {
            "Fn::GetAtt": [stack.get_logical_id(ep.role.node.default_child), "Arn"]
        }
        assert props["PrimaryContainer"]["Mode"] == "SingleModel"
        assert props["PrimaryContainer"]["Environment"] == {"SAGEMAKER_PROGRAM": "inference.py"}
        assert props["ModelName"].startswith("churn-")
    images = sorted(str(m["Properties"]["PrimaryContainer"]["Image"]) for m in models.values())
    assert "@sha256:" + "a" * 64 in images[0] + images[1] and "@sha256:" + "b" * 64 in images[0] + images[1]
    urls = str([m["Properties"]["PrimaryContainer"]["ModelDataUrl"] for m in models.values()])
    assert "/models/churn/v1/model.tar.gz" in urls and "/models/churn/v2/model.tar.gz" in urls
    assert {s.subnet_id for s in ep.subnets} == {s.subnet_id for s in net.subnets}


def test_execution_role_is_least_privilege(hl):
    t, stack, ep = hl.template("Full"), hl.stacks["Full"], hl.objects["full"]
    role = t.find_resources("AWS::IAM::Role")[stack.get_logical_id(ep.role.node.default_child)]
    trust = role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]
    assert trust["Principal"] == {"Service": "sagemaker.amazonaws.com"}
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}
    assert "ManagedPolicyArns" not in role["Properties"] or all(
        "aws:policy" not in str(a) for a in role["Properties"]["ManagedPolicyArns"])
    st = _statements(t, stack, ep._policy)
    artifacts_id = stack.get_logical_id(hl.objects["full_artifacts"].bucket.node.default_child)
    read = [flatten_cfn_reference(r) for r in st["ReadModelData"]["Resource"]]
    assert read == [f"<{artifacts_id}.Arn>/models/churn/v1/*", f"<{artifacts_id}.Arn>/models/churn/v2/*"]
    assert st["ListModelPrefix"]["Condition"] == {"StringLike": {"s3:prefix": ["models/churn/v1/*",
                                                                                "models/churn/v2/*"]}}
    keys = hl.objects["full_keys"]
    assert st["DecryptModelData"]["Action"] == "kms:Decrypt"
    assert st["DecryptModelData"]["Resource"] == {
        "Fn::GetAtt": [stack.get_logical_id(keys.artifacts.node.default_child), "Arn"]}
    assert "ecr:BatchGetImage" in st["PullImage"]["Action"] and "team-a/churn" in str(
        st["PullImage"]["Resource"]
    )
    assert st["EcrAuthorizationToken"]["Resource"] == "*"
    log_id = stack.get_logical_id(ep.log_group.node.default_child)
    assert {"Fn::GetAtt": [log_id, "Arn"]} in st["WriteLogGroup"]["Resource"]
    assert "Condition" in st["ManageEnisInThisVpc"] and "ec2:Vpc" in str(
        st["ManageEnisInThisVpc"]["Condition"]
    )
    assert st["PutEndpointMetrics"]["Condition"]["StringLike"]["cloudwatch:namespace"]
    # data capture writes only under the endpoint's own prefix, with the data key
    assert flatten_cfn_reference(st["WriteDataCapture"]["Resource"]).endswith(
        f"/capture/{ep.endpoint_name}/*"
    )
    every_action = str([s["Action"] for s in st.values()])
    assert (
        "s3:*" not in every_action and "sagemaker:" not in every_action and "iam:PassRole" not in every_action
    )


def test_log_group_precreated_encrypted_retained(hl):
    t, stack, ep = hl.template("Full"), hl.stacks["Full"], hl.objects["full"]
    group = t.find_resources("AWS::Logs::LogGroup")[stack.get_logical_id(ep.log_group.node.default_child)]
    # SageMaker logs to /aws/sagemaker/Endpoints/<endpoint name>: the physical name
    assert group["Properties"]["LogGroupName"] == f"/aws/sagemaker/Endpoints/{ep.endpoint_name}"
    assert group["Properties"]["RetentionInDays"] == 365
    assert group["Properties"]["KmsKeyId"] == {
        "Fn::GetAtt": [stack.get_logical_id(hl.objects["full_keys"].logs.node.default_child), "Arn"]}
    assert group["DeletionPolicy"] == "Retain"
    endpoint = t.find_resources("AWS::SageMaker::Endpoint")[stack.get_logical_id(ep.endpoint)]
    assert stack.get_logical_id(ep.log_group.node.default_child) in endpoint["DependsOn"]


def test_digest_pinning_and_tag_warning(hl):
    Annotations.from_stack(hl.stacks["Defaults"]).has_warning(
        "/Defaults/Ep", Match.string_like_regexp(r"image tag\(s\) \['v1.2.0'\] are mutable"))
    Annotations.from_stack(hl.stacks["Full"]).has_no_warning("*", Match.string_like_regexp("are mutable"))
    image = _one(hl.template("Defaults"), "AWS::SageMaker::Model")["Properties"]["PrimaryContainer"]["Image"]
    assert str(image).endswith(":v1.2.0']]}") or "v1.2.0" in str(image)


# -- endpoint config --------------------------------------------------------------------------------


def test_endpoint_config_variants_kms_and_capture(hl):
    t, stack = hl.template("Full"), hl.stacks["Full"]
    props = _one(t, "AWS::SageMaker::EndpointConfig")["Properties"]
    keys, data = hl.objects["full_keys"], hl.objects["full_data"]
    assert props["KmsKeyId"] == {"Fn::GetAtt": [stack.get_logical_id(keys.volumes.node.default_child), "Arn"]}
    variants = {v["VariantName"]: v for v in props["ProductionVariants"]}
    assert variants["Champion"]["InitialVariantWeight"] == 0.9
    assert variants["Challenger"]["InitialVariantWeight"] == 0.1
    assert variants["Challenger"]["InstanceType"] == "ml.c5.xlarge"
    assert all(v["InitialInstanceCount"] == 2 for v in variants.values())
    assert variants["Champion"]["ModelName"] != variants["Challenger"]["ModelName"]
    capture = props["DataCaptureConfig"]
    assert capture["EnableCapture"] is True and capture["InitialSamplingPercentage"] == 25
    assert capture["KmsKeyId"] == {"Fn::GetAtt": [stack.get_logical_id(keys.data.node.default_child), "Arn"]}
    assert flatten_cfn_reference(capture["DestinationS3Uri"]) == (
        f"s3://<{stack.get_logical_id(data.bucket.node.default_child)}>/capture")
    assert capture["CaptureOptions"] == [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}]
    assert (
        props["EndpointConfigName"].startswith("churn-")
        and len(props["EndpointConfigName"]) == len("churn-") + 8
    )


def test_names_derive_from_content(hl):
    def names(name: str) -> tuple[str, str]:
        t = hl.template(name)
        return (_one(t, "AWS::SageMaker::Model")["Properties"]["ModelName"],
                _one(t, "AWS::SageMaker::EndpointConfig")["Properties"]["EndpointConfigName"])

    assert names("SameA") == names("SameB"), "the same content must keep its names (no needless replacement)"
    changed = names("Changed")
    assert changed[0] != names("SameA")[0] and changed[1] != names("SameA")[1]


def test_defaults_create_keys_topic_and_security_group(hl):
    t, stack, ep = hl.template("Defaults"), hl.stacks["Defaults"], hl.objects["defaults"]
    volume = t.find_resources("AWS::KMS::Key")[stack.get_logical_id(ep.volume_key.node.default_child)]
    assert volume["Properties"]["EnableKeyRotation"] is True and volume["DeletionPolicy"] == "Retain"
    assert _one(t, "AWS::SageMaker::EndpointConfig")["Properties"]["KmsKeyId"] == {
        "Fn::GetAtt": [stack.get_logical_id(ep.volume_key.node.default_child), "Arn"]}
    topic = _one(t, "AWS::SNS::Topic")
    assert "KmsMasterKeyId" in topic["Properties"]
    t.has_resource_properties(
        "AWS::KMS::Key",
        {
            "KeyPolicy": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Sid": "AllowCloudWatchAlarmsToPublishEncrypted",
                                "Principal": {"Service": "cloudwatch.amazonaws.com"},
                            }
                        )
                    ]
                )
            }
        },
    )
    t.has_resource_properties("AWS::SNS::TopicPolicy", {"PolicyDocument": {"Statement": Match.array_with([
        Match.object_like({"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}})])}})
    sg = t.find_resources("AWS::EC2::SecurityGroup")[
        stack.get_logical_id(ep.security_groups[0].node.default_child)
    ]
    assert sg["Properties"]["SecurityGroupEgress"][0][
        "IpProtocol"
    ] != "-1" or "DestinationSecurityGroupId" in str(sg)
    assert "0.0.0.0/0" not in str(sg["Properties"].get("SecurityGroupIngress", []))
    Annotations.from_stack(stack).has_warning(
        "/Defaults/Ep", Match.string_like_regexp("captures no inference data")
    )
    # defaults: autoscaling 2-4 on invocations per instance, target 70; all-at-once with rollback
    target = _one(t, "AWS::ApplicationAutoScaling::ScalableTarget")["Properties"]
    assert (target["MinCapacity"], target["MaxCapacity"]) == (2, 4)
    policy = _one(t, "AWS::ApplicationAutoScaling::ScalingPolicy")["Properties"]
    cfg = policy["TargetTrackingScalingPolicyConfiguration"]
    assert cfg["TargetValue"] == 70 and cfg["ScaleInCooldown"] == 300 and cfg["ScaleOutCooldown"] == 300
    endpoint = _one(t, "AWS::SageMaker::Endpoint")["Properties"]
    assert (
        endpoint["DeploymentConfig"]["BlueGreenUpdatePolicy"]["TrafficRoutingConfiguration"]["Type"]
        == "ALL_AT_ONCE"
    )
    assert len(endpoint["DeploymentConfig"]["AutoRollbackConfiguration"]["Alarms"]) == 2  # 5XX and latency
    assert ep.node.default_child is ep.endpoint


# -- autoscaling ------------------------------------------------------------------------------------


def test_autoscaling_per_variant_with_cpu_policy(hl):
    t, stack, ep = hl.template("Full"), hl.stacks["Full"], hl.objects["full"]
    targets = t.find_resources("AWS::ApplicationAutoScaling::ScalableTarget")
    assert len(targets) == 2
    endpoint_id = stack.get_logical_id(ep.endpoint)
    for variant in ("Champion", "Challenger"):
        target = targets[stack.get_logical_id(ep.scalable_targets[variant].node.default_child)]
        props = target["Properties"]
        assert props["ServiceNamespace"] == "sagemaker"
        assert props["ScalableDimension"] == "sagemaker:variant:DesiredInstanceCount"
        assert props["ResourceId"] == {
            "Fn::Join": [
                "",
                ["endpoint/", {"Fn::GetAtt": [endpoint_id, "EndpointName"]}, f"/variant/{variant}"],
            ]
        }
        assert (props["MinCapacity"], props["MaxCapacity"]) == (2, 8)
        assert "AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint" in str(props["RoleARN"])
    policies = [p["Properties"]["TargetTrackingScalingPolicyConfiguration"]
                for p in t.find_resources("AWS::ApplicationAutoScaling::ScalingPolicy").values()]
    invocations = [p for p in policies if "PredefinedMetricSpecification" in p]
    assert len(invocations) == 2
    assert invocations[0]["PredefinedMetricSpecification"] == {
        "PredefinedMetricType": "SageMakerVariantInvocationsPerInstance"}
    assert invocations[0]["TargetValue"] == 120  # 4 rps * 0.5 * 60
    assert invocations[0]["ScaleInCooldown"] == 600 and invocations[0]["ScaleOutCooldown"] == 60
    assert "DisableScaleIn" not in invocations[0] or invocations[0]["DisableScaleIn"] is False
    cpu = sorted(
        (p for p in policies if "CustomizedMetricSpecification" in p), key=lambda p: p["TargetValue"]
    )
    # 70 % of the instance; CPUUtilization is summed over vCPUs: ml.m5.large has 2, ml.c5.xlarge 4
    assert len(cpu) == 2 and [p["TargetValue"] for p in cpu] == [140, 280]
    assert cpu[0]["CustomizedMetricSpecification"]["Namespace"] == INSTANCE_METRICS_NAMESPACE
    assert cpu[0]["CustomizedMetricSpecification"]["MetricName"] == "CPUUtilization"
    no_role = [r for r in t.find_resources("AWS::IAM::Role") if "ScalableTarget" in r]
    assert no_role == [], "the service-linked role is used; no autoscaling role is created"


def test_autoscaling_disabled_scale_in_and_off(hl):
    policies = hl.template("Async").find_resources("AWS::ApplicationAutoScaling::ScalingPolicy")
    tracking = [p["Properties"]["TargetTrackingScalingPolicyConfiguration"] for p in policies.values()
                if "TargetTrackingScalingPolicyConfiguration" in p["Properties"]]
    assert tracking and all(p["DisableScaleIn"] is True for p in tracking)
    t = hl.template("Serverless")
    stack, fixed = hl.stacks["Serverless"], hl.objects["no_scaling"]
    assert t.find_resources("AWS::ApplicationAutoScaling::ScalableTarget") == {}
    Annotations.from_stack(stack).has_warning(
        "/Serverless/NoScaling", Match.string_like_regexp("does not autoscale")
    )
    assert fixed.scalable_targets == {}


# -- alarms -----------------------------------------------------------------------------------------


def test_alarms_per_variant_to_encrypted_topic(hl):
    t, stack, ep = hl.template("Full"), hl.stacks["Full"], hl.objects["full"]
    alarms = t.find_resources("AWS::CloudWatch::Alarm")
    assert len(alarms) == 12  # 6 per variant
    topic_ref = {"Ref": stack.get_logical_id(ep.alarm_topic.node.default_child)}
    by_metric: dict[str, list[dict]] = {}
    for alarm in alarms.values():
        props = alarm["Properties"]
        assert props["AlarmActions"] == [topic_ref] and props["OKActions"] == [topic_ref]
        assert props["Period"] == 60 and props["EvaluationPeriods"] == 3 and props["DatapointsToAlarm"] == 2
        assert {"Name": "EndpointName", "Value": ep.endpoint_name} in props["Dimensions"]
        by_metric.setdefault(props["MetricName"], []).append(props)
    assert set(by_metric) == {"Invocation5XXErrors", "Invocation4XXErrors", "ModelLatency", "CPUUtilization",
                              "MemoryUtilization", "DiskUtilization"}
    latency = by_metric["ModelLatency"][0]
    assert latency["ExtendedStatistic"] == "p99" and latency["Threshold"] == 1_000_000  # 1 s in microseconds
    assert latency["Namespace"] == "AWS/SageMaker"
    for name in ("CPUUtilization", "MemoryUtilization", "DiskUtilization"):
        assert by_metric[name][0]["Namespace"] == "/aws/sagemaker/Endpoints"
    assert [a["Threshold"] for a in by_metric["MemoryUtilization"]] == [80, 80]
    # 80 % of the instance x vCPUs (ml.m5.large 2, ml.c5.xlarge 4)
    assert sorted(a["Threshold"] for a in by_metric["CPUUtilization"]) == [160, 320]
    assert by_metric["Invocation5XXErrors"][0]["Threshold"] == 1
    assert _one(t, "AWS::SNS::Topic")["Properties"]["KmsMasterKeyId"]
    assert set(ep.alarms) >= {"Champion/Invocation5xx", "Challenger/ModelLatencyP99"}


def test_alarm_thresholds_can_be_turned_off(hl):
    alarms = hl.template("Async").find_resources("AWS::CloudWatch::Alarm")
    metrics = {a["Properties"]["MetricName"]: a["Properties"] for a in alarms.values()}
    assert (
        "Invocation4XXErrors" not in metrics and metrics["CPUUtilization"]["Threshold"] == 190
    )  # 95 % x 2 vCPUs


def test_metric_helpers(hl):
    ep = hl.objects["full"]
    assert ep.metric_model_latency().statistic == "p99"
    assert ep.metric_cpu_utilization(variant="Challenger").namespace == INSTANCE_METRICS_NAMESPACE
    assert ep.metric_invocation_5xx_errors().metric_name == "Invocation5XXErrors"
    assert ep.metric_invocation_4xx_errors().metric_name == "Invocation4XXErrors"
    assert ep.metric_memory_utilization().metric_name == "MemoryUtilization"
    assert ep.metric_disk_utilization().metric_name == "DiskUtilization"
    assert ep.metric_invocations_per_instance().metric_name == "InvocationsPerInstance"
    assert ep.metric_invocations().dimensions == {"EndpointName": ep.endpoint_name, "VariantName": "Champion"}
    with pytest.raises(ValueError, match="has no variant 'Nope'"):
        ep.metric_invocations(variant="Nope")


# -- rollouts ---------------------------------------------------------------------------------------


def test_canary_rollout_with_rollback_on_alarms(hl):
    t, stack, ep = hl.template("Full"), hl.stacks["Full"], hl.objects["full"]
    config = _one(t, "AWS::SageMaker::Endpoint")["Properties"]["DeploymentConfig"]
    policy = config["BlueGreenUpdatePolicy"]
    assert policy["TrafficRoutingConfiguration"] == {
        "Type": "CANARY",
        "WaitIntervalInSeconds": 600,
        "CanarySize": {"Type": "CAPACITY_PERCENT", "Value": 10},
    }
    assert policy["MaximumExecutionTimeoutInSeconds"] == 7200 and policy["TerminationWaitInSeconds"] == 300
    rollback = [a["AlarmName"] for a in config["AutoRollbackConfiguration"]["Alarms"]]
    expected = [{"Ref": stack.get_logical_id(ep.alarms[f"{v}/{k}"].node.default_child)}
                for v in ("Champion", "Challenger") for k in ("Invocation5xx", "ModelLatencyP99")]
    assert sorted(map(str, rollback)) == sorted(map(str, expected))
    assert _one(t, "AWS::SageMaker::Endpoint")["Properties"]["EndpointName"] == ep.endpoint_name


def test_linear_and_no_rollback(hl):
    linear = _one(hl.template("Async"), "AWS::SageMaker::Endpoint")["Properties"]["DeploymentConfig"]
    assert linear["BlueGreenUpdatePolicy"]["TrafficRoutingConfiguration"] == {
        "Type": "LINEAR",
        "WaitIntervalInSeconds": 180,
        "LinearStepSize": {"Type": "CAPACITY_PERCENT", "Value": 25},
    }
    assert len(linear["AutoRollbackConfiguration"]["Alarms"]) == 2  # 5XX and latency
    dev = _one(hl.template("Dev"), "AWS::SageMaker::Endpoint")["Properties"]["DeploymentConfig"]
    assert "AutoRollbackConfiguration" not in dev
    assert dev["BlueGreenUpdatePolicy"]["TrafficRoutingConfiguration"]["Type"] == "ALL_AT_ONCE"


# -- Model Monitor ----------------------------------------------------------------------------------


def test_model_monitor_in_vpc_encrypted_isolated(hl):
    t, stack, ep = hl.template("Full"), hl.stacks["Full"], hl.objects["full"]
    job = _one(t, "AWS::SageMaker::DataQualityJobDefinition")["Properties"]
    keys = hl.objects["full_keys"]
    network = job["NetworkConfig"]
    assert (
        network["EnableNetworkIsolation"] is True and network["EnableInterContainerTrafficEncryption"] is True
    )
    assert len(network["VpcConfig"]["Subnets"]) == 2 and network["VpcConfig"]["SecurityGroupIds"]
    cluster = job["JobResources"]["ClusterConfig"]
    assert cluster["VolumeKmsKeyId"] == {
        "Fn::GetAtt": [stack.get_logical_id(keys.volumes.node.default_child), "Arn"]
    }
    assert cluster["InstanceType"] == "ml.m5.xlarge"
    assert job["DataQualityJobOutputConfig"]["KmsKeyId"] == {
        "Fn::GetAtt": [stack.get_logical_id(keys.data.node.default_child), "Arn"]}
    baseline = job["DataQualityBaselineConfig"]
    assert flatten_cfn_reference(baseline["ConstraintsResource"]["S3Uri"]).endswith(
        "/baselines/churn/constraints.json"
    )
    assert job["DataQualityJobInput"]["EndpointInput"]["EndpointName"] == {
        "Fn::GetAtt": [stack.get_logical_id(ep.endpoint), "EndpointName"]}
    assert "sagemaker-model-monitor-analyzer" in str(job["DataQualityAppSpecification"]["ImageUri"])
    assert "Fn::FindInMap" in str(job["DataQualityAppSpecification"]["ImageUri"])  # env-agnostic stack
    assert job["StoppingCondition"] == {"MaxRuntimeInSeconds": 1800}
    schedule = _one(t, "AWS::SageMaker::MonitoringSchedule")["Properties"]
    assert schedule["MonitoringScheduleName"] == "churn-data-quality"
    assert schedule["MonitoringScheduleConfig"]["MonitoringType"] == "DataQuality"
    assert schedule["MonitoringScheduleConfig"]["ScheduleConfig"] == {
        "ScheduleExpression": "cron(0 * ? * * *)"
    }
    trust = t.find_resources("AWS::IAM::Role")[stack.get_logical_id(ep.monitor_role.node.default_child)]
    assert "aws:SourceAccount" in str(trust["Properties"]["AssumeRolePolicyDocument"])


def test_model_monitor_image_in_a_known_region(hl):
    job = _one(hl.template("Regional"), "AWS::SageMaker::DataQualityJobDefinition")["Properties"]
    uri = job["DataQualityAppSpecification"]["ImageUri"]
    assert "048819808253.dkr.ecr.eu-central-1." in str(uri)
    assert "DataQualityBaselineConfig" not in job


# -- async and serverless ---------------------------------------------------------------------------


def test_async_inference(hl):
    t, stack, ep = hl.template("Async"), hl.stacks["Async"], hl.objects["async"]
    config = _one(t, "AWS::SageMaker::EndpointConfig")["Properties"]["AsyncInferenceConfig"]
    output = config["OutputConfig"]
    data = hl.objects["async_data"]
    assert flatten_cfn_reference(output["S3OutputPath"]).endswith("/async/output")
    assert flatten_cfn_reference(output["S3FailurePath"]).endswith("/async/failures")
    assert output["KmsKeyId"] == {
        "Fn::GetAtt": [stack.get_logical_id(data.encryption_key.node.default_child), "Arn"]
    }
    notify = output["NotificationConfig"]
    assert notify["SuccessTopic"] == {"Ref": stack.get_logical_id(ep.success_topic.node.default_child)}
    assert notify["ErrorTopic"] == {"Ref": stack.get_logical_id(ep.error_topic.node.default_child)}
    assert config["ClientConfig"] == {"MaxConcurrentInvocationsPerInstance": 4}
    for topic in (ep.success_topic, ep.error_topic):
        assert "KmsMasterKeyId" in t.find_resources("AWS::SNS::Topic")[
            stack.get_logical_id(topic.node.default_child)]["Properties"]
    # scale to zero: min 0, backlog tracking and a step policy from zero
    target = _one(t, "AWS::ApplicationAutoScaling::ScalableTarget")["Properties"]
    assert target["MinCapacity"] == 0
    policies = [
        p["Properties"] for p in t.find_resources("AWS::ApplicationAutoScaling::ScalingPolicy").values()
    ]
    backlog = next(p for p in policies if "TargetTrackingScalingPolicyConfiguration" in p)
    assert backlog["TargetTrackingScalingPolicyConfiguration"]["CustomizedMetricSpecification"][
        "MetricName"] == "ApproximateBacklogSizePerInstance"
    assert any(p.get("PolicyType") == "StepScaling" for p in policies)
    t.has_resource_properties("AWS::CloudWatch::Alarm", {"MetricName": "HasBacklogWithoutCapacity"})
    st = _statements(t, stack, ep._policy)
    assert "sns:Publish" in str(st["PublishAsyncNotifications"]["Action"])
    assert flatten_cfn_reference(st["ReadAsyncInput"]["Resource"]).endswith("/async/input/*")
    # the given security group is used; no new one
    model = _one(t, "AWS::SageMaker::Model")["Properties"]
    assert model["VpcConfig"]["SecurityGroupIds"] == [
        {"Fn::GetAtt": [stack.get_logical_id(hl.objects["async_sg"].node.default_child), "GroupId"]}]


def test_async_grant_includes_invoke_async(hl):
    ep = hl.objects["async"]
    stack = hl.stacks["Async"]
    role = iam.Role(Stack(new_app(), "G"), "R", assumed_by=iam.AccountRootPrincipal())
    grant = ep.grant_invoke(role)
    assert grant.success
    assert "sagemaker:InvokeEndpointAsync" in str(
        stack.resolve(grant.principal_statements[0].to_statement_json())
    )


def test_serverless_outside_strict_mode(hl):
    t, stack = hl.template("Serverless"), hl.stacks["Serverless"]
    configs = [c["Properties"] for c in t.find_resources("AWS::SageMaker::EndpointConfig").values()
               if "ServerlessConfig" in str(c)]
    assert len(configs) == 1
    variant = configs[0]["ProductionVariants"][0]
    assert variant["ServerlessConfig"] == {"MaxConcurrency": 20, "MemorySizeInMB": 4096}
    assert "KmsKeyId" not in configs[0] and "InstanceType" not in variant
    models = [m["Properties"] for m in t.find_resources("AWS::SageMaker::Model").values()
              if m["Properties"]["ModelName"].startswith("churn-sls")]
    assert "VpcConfig" not in models[0]
    Annotations.from_stack(stack).has_warning(
        "/Serverless/Ep", Match.string_like_regexp("runs outside your VPC")
    )
    alarms = [
        a["Properties"]["MetricName"]
        for a in t.find_resources("AWS::CloudWatch::Alarm").values()
        if {"Name": "EndpointName", "Value": hl.objects["serverless"].endpoint_name}
        in a["Properties"]["Dimensions"]
    ]
    assert sorted(alarms) == ["Invocation4XXErrors", "Invocation5XXErrors", "ModelLatency"]


# -- dev stage, imported resources, instance storage ------------------------------------------------


def test_dev_single_instance_imported_vpc(hl):
    t, stack = hl.template("Dev"), hl.stacks["Dev"]
    config = _one(t, "AWS::SageMaker::EndpointConfig")["Properties"]
    assert config["ProductionVariants"][0]["InitialInstanceCount"] == 1
    assert "KmsKeyId" not in config, "ml.g5 has NVMe instance storage: SageMaker rejects KmsKeyId"
    target = _one(t, "AWS::ApplicationAutoScaling::ScalableTarget")["Properties"]
    assert target["MinCapacity"] == 1
    model = _one(t, "AWS::SageMaker::Model")["Properties"]
    assert model["VpcConfig"]["Subnets"] == ["subnet-aaaa1111", "subnet-bbbb2222"]
    assert model["EnableNetworkIsolation"] is False
    assert model["PrimaryContainer"]["ModelDataUrl"] == "s3://team-a-models/churn/model.tar.gz"
    warnings = Annotations.from_stack(stack)
    warnings.has_warning("/Dev/Ep", Match.string_like_regexp("network isolation is off"))
    # its own security group: HTTPS out only
    sg = _one(t, "AWS::EC2::SecurityGroup")["Properties"]
    assert sg["SecurityGroupEgress"] == [
        {
            "CidrIp": "0.0.0.0/0",
            "Description": "HTTPS to AWS service endpoints",
            "FromPort": 443,
            "IpProtocol": "tcp",
            "ToPort": 443,
        }
    ]
    assert "SecurityGroupIngress" not in sg


# -- access -----------------------------------------------------------------------------------------


def test_grant_invoke_scoped_to_endpoint_and_vpce(hl):
    t, stack, ep = hl.template("Full"), hl.stacks["Full"], hl.objects["full"]
    endpoint_ref = {"Ref": stack.get_logical_id(ep.endpoint)}
    runtime = hl.objects["full_net"].interface_endpoints["sagemaker.runtime"]

    def statement_of(role) -> dict:
        role_id = stack.get_logical_id(role.node.default_child)
        for policy in t.find_resources("AWS::IAM::Policy").values():
            if {"Ref": role_id} in policy["Properties"]["Roles"]:
                return policy["Properties"]["PolicyDocument"]["Statement"][0]
        raise AssertionError("no policy")

    scoped = statement_of(hl.objects["consumer"])
    assert scoped["Resource"] == endpoint_ref
    assert scoped["Action"] == ["sagemaker:InvokeEndpoint", "sagemaker:InvokeEndpointWithResponseStream"]
    assert scoped["Condition"] == {"StringEquals": {"aws:SourceVpce": {
        "Ref": stack.get_logical_id(runtime.node.default_child)}}}
    plain = statement_of(hl.objects["other"])
    assert plain["Resource"] == endpoint_ref and "Condition" not in plain


def test_grant_invoke_via_vpce_needs_an_endpoint(hl):
    with pytest.raises(ValueError, match="needs the sagemaker.runtime interface endpoint"):
        hl.objects["dev"].grant_invoke(
            iam.Role(Stack(new_app(), "G"), "R", assumed_by=iam.AccountRootPrincipal()),
            only_via_vpc_endpoint=True,
        )


# -- bad input --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bad_scope():
    stack = Stack(new_app(), "Bad", env=Environment(region="eu-west-1"))
    vpc = ec2.Vpc.from_vpc_attributes(stack, "Vpc", vpc_id="vpc-0123456789abcdef0",
                                      availability_zones=["eu-west-1a", "eu-west-1b"],
                                      isolated_subnet_ids=["subnet-aaaa1111", "subnet-bbbb2222"])
    one_az = [
        ec2.Subnet.from_subnet_attributes(
            stack, f"S{i}", subnet_id=f"subnet-{i}", availability_zone="eu-west-1a"
        )
        for i in range(2)
    ]
    bucket = s3.Bucket.from_bucket_name(stack, "B", "models")
    repo = ecr.Repository.from_repository_name(stack, "R", "churn")
    return {"stack": stack, "vpc": vpc, "one_az": one_az, "bucket": bucket, "repo": repo, "n": [0]}


def _build(
    scope, *, image: str = DIGEST, model_data: str = "churn/model.tar.gz", **overrides
) -> SecureEndpoint:
    scope["n"][0] += 1
    options = {"endpoint_name": "churn", "repository": scope["repo"], "artifacts_bucket": scope["bucket"],
               "model_source": ModelSource.from_image(image, model_data), "vpc": scope["vpc"]}
    options.update(overrides)
    return SecureEndpoint(scope["stack"], f"E{scope['n'][0]}", **options)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"subnets": "first-only"}, "1 subnet(s) given; hosting needs at least 2 subnets in distinct AZs"),
        (
            {"subnets": "one-az"},
            "all subnets are in ['eu-west-1a']; hosting needs subnets in at least 2 distinct AZs",
        ),
        (
            {"autoscaling": AutoScalingOptions(min_capacity=5, max_capacity=3)},
            "autoscaling min_capacity 5 > max_capacity 3; make min <= max",
        ),
        (
            {"autoscaling": AutoScalingOptions(target_invocations_per_instance=0)},
            "target_invocations_per_instance is 0",
        ),
        (
            {"variants": [EndpointVariantOptions("A", weight=0), EndpointVariantOptions("B", weight=0)]},
            "all variant weights are 0",
        ),
        ({"model_data": "churn/model.pkl"}, "'churn/model.pkl' is not an s3://…tar.gz"),
        ({"model_data": "s3://other-bucket/churn/model.tar.gz"}, "is not in the artifacts bucket 'models'"),
        (
            {"variants": [EndpointVariantOptions(instance_type="m5.large")]},
            "variant 'AllTraffic': instance_type 'm5.large' is not a SageMaker instance",
        ),
        ({"data_capture": "sampling:101"}, "data_capture sampling_percentage 101 is outside 0-100"),
        ({"rollout": RolloutOptions.canary(0)}, "rollout canary size 0 % is outside 1-50 %"),
        ({"rollout": RolloutOptions.linear(150)}, "linear step 150 % is outside 10-50 %"),
        ({"serverless": ServerlessOptions()}, "serverless inference cannot run in a VPC"),
        ({"variants": [EndpointVariantOptions(instance_count=1)]}, "production endpoints need 2 or more"),
        (
            {"variants": [EndpointVariantOptions(instance_count=1)], "production": False},
            "set allow_single_instance to true to accept a single instance outside production",
        ),
        (
            {"autoscaling": AutoScalingOptions(min_capacity=1)},
            "min_capacity is 1; production endpoints keep 2 or more",
        ),
        ({"image": "sha256:abc"}, "is not a digest"),
        ({"endpoint_name": "churn_v1"}, "endpoint_name 'churn_v1' is invalid"),
        ({"model_monitor": "no-capture"}, "model_monitor needs data_capture"),
        ({"variants": [EndpointVariantOptions("A"), EndpointVariantOptions("A")]},
         "variant name 'A' is listed twice (first at variants.0)"),
        (
            {"rollout": RolloutOptions.canary(10, wait=3660)},
            "rollout the wait between traffic shifts is 3660 seconds, outside 0-3600 seconds",
        ),
        (
            {"rollout": RolloutOptions(termination_wait=-1)},
            "rollout the wait before the old fleet is terminated is -1 seconds, outside 0-3600 seconds",
        ),
        (
            {"rollout": RolloutOptions(maximum_execution_timeout=Duration.minutes(5))},
            "rollout maximum_execution_timeout 300 seconds is outside 600-28800 seconds",
        ),
        ({"data_capture": "prefix:a*b"}, "data_capture prefix 'a*b' is not an S3 key prefix"),
        ({"model_monitor": "image:bad"}, "model_monitor image_uri 'not an image' is not an image URI"),
        (
            {"variants": [EndpointVariantOptions(str(i)) for i in range(6)]},
            "12 rollback alarms exceed the 10",
        ),
        (
            {"serverless": ServerlessOptions(memory_size_mb=1000), "strict": False},
            "memory_size_mb 1000 is not one of",
        ),
    ],
)
def test_bad_input(bad_scope, overrides, message):
    if overrides.get("subnets") == "first-only":
        overrides = {**overrides, "subnets": [bad_scope["vpc"].isolated_subnets[0]]}
    elif overrides.get("subnets") == "one-az":
        overrides = {**overrides, "subnets": bad_scope["one_az"]}
    if overrides.get("data_capture") == "sampling:101":
        overrides = {**overrides,
                     "data_capture": DataCaptureOptions(bucket=bad_scope["bucket"], sampling_percentage=101)}
    if overrides.get("data_capture") == "prefix:a*b":
        overrides = {**overrides,
                     "data_capture": DataCaptureOptions(bucket=bad_scope["bucket"], prefix="a*b")}
    if overrides.get("model_monitor") == "no-capture":
        overrides = {**overrides, "model_monitor": ModelMonitorOptions(output_bucket=bad_scope["bucket"])}
    if overrides.get("model_monitor") == "image:bad":
        overrides = {**overrides, "data_capture": DataCaptureOptions(bucket=bad_scope["bucket"]),
                     "model_monitor": ModelMonitorOptions(output_bucket=bad_scope["bucket"],
                                                          image_uri="not an image")}
    with pytest.raises(ValueError, match=re.escape(message)):
        _build(bad_scope, **overrides)


@pytest.mark.parametrize(
    ("tail", "config_path", "overrides"),
    [
        ("autoscaling: {min_capacity: 5, max_capacity: 3}\n", "autoscaling.min_capacity",
         {"autoscaling": AutoScalingOptions(min_capacity=5, max_capacity=3)}),
        ("rollout: {traffic_routing: CANARY, size_percent: 0}\n", "rollout.size_percent",
         {"rollout": RolloutOptions.canary(0)}),
        ("variants: [{name: A}, {name: A}]\n", "variants.1.name",
         {"variants": [EndpointVariantOptions("A"), EndpointVariantOptions("A")]}),
        ("variants: [{name: A, weight: 0}, {name: B, weight: 0}]\n", "variants",
         {"variants": [EndpointVariantOptions("A", weight=0), EndpointVariantOptions("B", weight=0)]}),
        ("data_capture: {sampling_percentage: 101}\n", "data_capture.sampling_percentage",
         {"data_capture": "sampling:101"}),
        ("data_capture: {}\nmodel_monitor: {schedule_expression: hourly}\n",
         "model_monitor.schedule_expression", {"model_monitor": "schedule:hourly"}),
    ],
)
def test_secure_endpoint_refuses_what_the_config_refuses_in_the_same_words(
    bad_scope, tail, config_path, overrides
):
    """One check in core.hosting, two callers: the config's message is the construct's."""
    config_message = config_problems(tail)[f"endpoints.0.{config_path}"]
    bucket = bad_scope["bucket"]
    if overrides.get("data_capture") == "sampling:101":
        overrides = {"data_capture": DataCaptureOptions(bucket=bucket, sampling_percentage=101)}
    if overrides.get("model_monitor") == "schedule:hourly":
        overrides = {"data_capture": DataCaptureOptions(bucket=bucket),
                     "model_monitor": ModelMonitorOptions(output_bucket=bucket, schedule_expression="hourly")}
    with pytest.raises(ValueError) as info:
        _build(bad_scope, **overrides)
    assert config_message in str(info.value)


def test_bad_input_reports_every_problem_at_once(bad_scope):
    with pytest.raises(ValueError) as info:
        _build(
            bad_scope,
            model_data="model.zip",
            autoscaling=AutoScalingOptions(min_capacity=9, max_capacity=3),
            rollout=RolloutOptions.canary(200),
            variants=[EndpointVariantOptions(instance_type="p3.2xlarge")],
        )
    text = str(info.value)
    assert text.startswith("SecureEndpoint churn: ")
    for part in ("'model.zip' is not an s3://", "min_capacity 9 > max_capacity 3", "canary size 200 %",
                 "instance_type 'p3.2xlarge'"):
        assert part in text


def test_unknown_region_needs_a_monitor_image():
    stack = Stack(new_app(), "Far", env=Environment(region="ap-southeast-4"))
    vpc = ec2.Vpc.from_vpc_attributes(stack, "Vpc", vpc_id="vpc-1", availability_zones=["a", "b"],
                                      isolated_subnet_ids=["subnet-1", "subnet-2"])
    bucket = s3.Bucket.from_bucket_name(stack, "B", "models")
    with pytest.raises(
        ValueError,
        match=r"SecureEndpoint far: model_monitor image_uri is needed: no Model Monitor "
        r"image is known for region ap-southeast-4 \(.*\); set image_uri to the analyzer image of "
        r"ap-southeast-4, <account>\.dkr\.ecr\.ap-southeast-4\.amazonaws\.com/",
    ):
        SecureEndpoint(
            stack,
            "E",
            endpoint_name="far",
            repository=ecr.Repository.from_repository_name(stack, "R", "x"),
            model_source=ModelSource.from_image(DIGEST, "m/model.tar.gz"),
            artifacts_bucket=bucket,
            vpc=vpc,
            data_capture=DataCaptureOptions(bucket=bucket),
            model_monitor=ModelMonitorOptions(output_bucket=bucket),
        )


# -- model promotion: a model package version instead of image + model data ------------------------


def test_model_from_a_model_package(hl):
    t, stack, ep = hl.template("Package"), hl.stacks["Package"], hl.objects["package"]
    model = t.find_resources("AWS::SageMaker::Model")[stack.get_logical_id(ep.model)]["Properties"]
    assert model["PrimaryContainer"] == {"ModelPackageName": PACKAGE}  # no image, no model data URL
    assert model["EnableNetworkIsolation"] is True and len(model["VpcConfig"]["Subnets"]) == 2
    assert model["ExecutionRoleArn"] == {
        "Fn::GetAtt": [stack.get_logical_id(ep.role.node.default_child), "Arn"]
    }
    statements = _statements(t, stack, ep._policy)
    assert statements["DescribeModelPackage"]["Action"] == "sagemaker:DescribeModelPackage"
    assert statements["DescribeModelPackage"]["Resource"] == PACKAGE
    assert "ReadModelData" not in statements and "ListModelPrefix" not in statements


def test_a_new_package_version_renames_model_and_config(hl):
    first, second = hl.objects["package"], hl.objects["package_next"]
    names = [
        (
            t.find_resources("AWS::SageMaker::Model")[stack.get_logical_id(ep.model)]["Properties"][
                "ModelName"
            ],
            t.find_resources("AWS::SageMaker::EndpointConfig")[stack.get_logical_id(ep.endpoint_config)][
                "Properties"
            ]["EndpointConfigName"],
        )
        for t, stack, ep in (
            (hl.template("Package"), hl.stacks["Package"], first),
            (hl.template("PackageNext"), hl.stacks["PackageNext"], second),
        )
    ]
    assert all(n.startswith("churn-") for pair in names for n in pair)
    assert names[0][0] != names[1][0] and names[0][1] != names[1][1]


def test_variant_model_package_beside_image_and_model_data(hl):
    t, stack, ep = hl.template("Package"), hl.stacks["Package"], hl.objects["package_ab"]
    models = t.find_resources("AWS::SageMaker::Model")
    containers = sorted(
        json.dumps(models[stack.get_logical_id(m)]["Properties"]["PrimaryContainer"], sort_keys=True)
        for m in ep.models.values()
    )
    assert len(containers) == 2 and sum("ModelPackageName" in c for c in containers) == 1
    statements = _statements(t, stack, ep._policy)
    assert statements["DescribeModelPackage"]["Resource"] == PACKAGE and "ReadModelData" in statements


def test_model_package_is_validated():
    stack = Stack(new_app(), "Bad")
    _, net, artifacts, _, repo = _platform(stack)
    with pytest.raises(
        ValueError, match=r"model_package 'arn:aws:s3:::b/m' is not a model package version ARN"
    ):
        SecureEndpoint(stack, "Ep", endpoint_name="churn", repository=repo, artifacts_bucket=artifacts.bucket,
                       model_source=ModelSource.from_model_package("arn:aws:s3:::b/m"), network=net)
    with pytest.raises(ValueError, match=r"no model for variant\(s\) \['AllTraffic'\]: give model_source="
                                         r"ModelSource.from_image\(image, model_data\) or "
                                         r"ModelSource.from_model_package\(arn\)"):
        SecureEndpoint(
            stack,
            "None",
            endpoint_name="churn",
            repository=repo,
            artifacts_bucket=artifacts.bucket,
            network=net,
        )
