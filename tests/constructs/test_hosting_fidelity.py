"""SecureEndpoint against what SageMaker, CloudFormation, SNS and CloudWatch do in a real account
(review deployability-2026-11-30: D8, E5, E7, E8, M1-M4)."""

from __future__ import annotations

import re

import pytest
from aws_cdk import Environment, Stack
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_iam as iam
from aws_cdk.assertions import Template

from cdk_secure_ml.constructs.encryption import EncryptionKeys
from cdk_secure_ml.constructs.hosting import (
    AsyncInferenceOptions,
    DataCaptureOptions,
    EndpointVariantOptions,
    ModelMonitorOptions,
    ModelSource,
    SecureEndpoint,
)
from cdk_secure_ml.constructs.network import MlNetwork
from cdk_secure_ml.constructs.storage import SecureBucket
from cdk_secure_ml.policies.acknowledgements import flatten_cfn_reference
from tests.conftest import new_app

DIGEST = "sha256:" + "a" * 64
MODEL = "team-a/models/churn/v1/model.tar.gz"
OWN_IMAGE = "123456789012.dkr.ecr.eu-west-2.amazonaws.com/model-monitor:1.0"


def _endpoint(stack: Stack, construct_id: str = "Ep", **kwargs) -> SecureEndpoint:
    keys = EncryptionKeys(stack, f"{construct_id}Keys")
    net = MlNetwork(stack, f"{construct_id}Net", flow_log_key=keys.logs)
    artifacts = SecureBucket(stack, f"{construct_id}Artifacts", encryption_key=keys.artifacts)
    data = SecureBucket(stack, f"{construct_id}Data", encryption_key=keys.data,
                        server_access_logs_bucket=artifacts.server_access_logs_bucket)
    repo = ecr.Repository.from_repository_name(stack, f"{construct_id}Repo", "team-a/churn")
    options = {
        "endpoint_name": "churn",
        "repository": repo,
        "artifacts_bucket": artifacts.bucket,
        "model_source": ModelSource.from_image(DIGEST, kwargs.pop("model_data", MODEL)),
        "network": net,
        "volume_key": keys.volumes,
        "logs_key": keys.logs,
    }
    makers = {
        "data_capture": lambda _: DataCaptureOptions(bucket=data.bucket, prefix="team-a/data-capture"),
        "model_monitor": lambda value: ModelMonitorOptions(
            output_bucket=data.bucket,
            output_prefix="team-a/mm",
            image_uri=OWN_IMAGE if value == "own-image" else None,
        ),
        "async_inference": lambda _: AsyncInferenceOptions(
            bucket=data.bucket,
            input_prefix="team-a/in",
            output_prefix="team-a/out",
            failure_prefix="team-a/failed",
        ),
    }
    for key, make in makers.items():
        if isinstance(kwargs.get(key), str):
            kwargs[key] = make(kwargs[key])
    return SecureEndpoint(stack, construct_id, **{**options, **kwargs})


#: One endpoint in several stacks: what changes its physical name and what does not.
CASES = {
    "Base": {"variants": [EndpointVariantOptions("AllTraffic", instance_type="ml.m5.large")]},
    "MoreInstances": {
        "variants": [EndpointVariantOptions("AllTraffic", instance_type="ml.m5.large", instance_count=3)]
    },
    "NewModel": {
        "variants": [EndpointVariantOptions("AllTraffic", instance_type="ml.m5.large")],
        "model_data": "team-a/models/churn/v2/model.tar.gz",
    },
    "NewInstanceType": {"variants": [EndpointVariantOptions("AllTraffic", instance_type="ml.m5.xlarge")]},
    "RenamedVariant": {"variants": [EndpointVariantOptions("Blue", instance_type="ml.m5.large")]},
    "AddedVariant": {
        "variants": [
            EndpointVariantOptions("AllTraffic", instance_type="ml.m5.large"),
            EndpointVariantOptions("Challenger", instance_type="ml.m5.large", weight=0.1),
        ]
    },
    "NoScaling": {"autoscaling": False},
    "Monitored": {"data_capture": "on", "model_monitor": "on", "async_inference": "on"},
    "Oregon": {"data_capture": "on", "model_monitor": "on", "env": "us-west-2"},
    "OwnImage": {"data_capture": "on", "model_monitor": "own-image", "env": "eu-west-2"},
}


@pytest.fixture(scope="module")
def fid():
    app = new_app()
    stacks, endpoints = {}, {}
    for name, case in CASES.items():
        case = dict(case)
        env = case.pop("env", None)
        stacks[name] = Stack(app, name, env=Environment(region=env) if env else None)
        endpoints[name] = _endpoint(stacks[name], **case)
    app.synth()
    templates = {name: Template.from_stack(stack) for name, stack in stacks.items()}
    return templates, endpoints, stacks


def _props(t: Template, type_: str) -> dict:
    (resource,) = t.find_resources(type_).values()
    return resource["Properties"]


def _name(fid, case: str) -> str:
    return _props(fid[0][case], "AWS::SageMaker::Endpoint")["EndpointName"]


# -- D8: what SageMaker cannot update in place renames the endpoint ------------------------------------


@pytest.mark.aws_behaviour(
    "sagemaker.update-endpoint-autoscaled-variant",
    "sagemaker.blue-green-same-variant-names",
    "cloudformation.sagemaker-endpoint-name-replaces",
)
def test_instance_type_or_variant_change_renames_the_endpoint(fid):
    base = _name(fid, "Base")
    assert re.fullmatch(r"churn-[0-9a-f]{8}", base)
    # in place (blue/green): counts, models
    assert _name(fid, "MoreInstances") == base and _name(fid, "NewModel") == base
    # replaced under a new name: instance type of an auto-scaled variant, renamed or added variants
    renamed = {_name(fid, c) for c in ("NewInstanceType", "RenamedVariant", "AddedVariant")}
    assert base not in renamed and len(renamed) == 3
    assert fid[1]["Base"].endpoint_name == base and fid[1]["Base"].name == "churn"


@pytest.mark.aws_behaviour("cloudformation.sagemaker-endpoint-name-replaces")
def test_everything_naming_the_endpoint_follows_its_physical_name(fid):
    templates, endpoints, stacks = fid
    t, ep, stack = templates["Monitored"], endpoints["Monitored"], stacks["Monitored"]
    name = ep.endpoint_name
    endpoint_id = stack.get_logical_id(ep.endpoint)
    log_group = t.find_resources("AWS::Logs::LogGroup")[stack.get_logical_id(ep.log_group.node.default_child)]
    assert log_group["Properties"]["LogGroupName"] == f"/aws/sagemaker/Endpoints/{name}"
    target = _props(t, "AWS::ApplicationAutoScaling::ScalableTarget")
    assert target["ResourceId"] == {
        "Fn::Join": ["", ["endpoint/", {"Fn::GetAtt": [endpoint_id, "EndpointName"]}, "/variant/AllTraffic"]]
    }
    endpoint_dimensions = [d["Value"] for a in t.find_resources("AWS::CloudWatch::Alarm").values()
                           for d in a["Properties"].get("Dimensions", []) if d["Name"] == "EndpointName"]
    assert len(endpoint_dimensions) >= 6 and set(endpoint_dimensions) == {name}
    job = _props(t, "AWS::SageMaker::DataQualityJobDefinition")
    assert job["DataQualityJobInput"]["EndpointInput"]["EndpointName"] == {
        "Fn::GetAtt": [endpoint_id, "EndpointName"]
    }
    assert flatten_cfn_reference(
        job["DataQualityJobOutputConfig"]["MonitoringOutputs"][0]["S3Output"]["S3Uri"]
    ).endswith(f"/team-a/mm/{name}")
    # the schedule keeps the base name (updated in place to the new job definition on a replacement)
    assert _props(t, "AWS::SageMaker::MonitoringSchedule")["MonitoringScheduleName"] == "churn-data-quality"
    # models and configs keep the base name as prefix (at most 63 characters)
    assert _props(t, "AWS::SageMaker::EndpointConfig")["EndpointConfigName"].startswith("churn-")
    grantee = iam.Role(stack, "Client", assumed_by=iam.AccountRootPrincipal())
    grant = ep.grant_invoke(grantee)
    assert stack.resolve(grant.principal_statements[0].to_statement_json())["Resource"] == {
        "Ref": endpoint_id
    }


# -- E7: a deploy keeps the auto-scaled instance count ----------------------------------------------


@pytest.mark.aws_behaviour("sagemaker.update-endpoint-retain-variant-properties")
def test_autoscaled_endpoint_retains_counts_but_not_weights(fid):
    endpoint = _props(fid[0]["Base"], "AWS::SageMaker::Endpoint")
    assert endpoint["RetainAllVariantProperties"] is True
    assert endpoint["ExcludeRetainedVariantProperties"] == [{"VariantPropertyType": "DesiredWeight"}]
    # nothing autoscales: the config's instance count applies on every update
    fixed = _props(fid[0]["NoScaling"], "AWS::SageMaker::Endpoint")
    assert "RetainAllVariantProperties" not in fixed and "ExcludeRetainedVariantProperties" not in fixed


# -- E5: CloudWatch may publish to the alarm topic ----------------------------------------------------


@pytest.mark.aws_behaviour("sns.topic-policy-allows-cloudwatch-alarms")
def test_alarm_topic_policy_allows_cloudwatch_alarms_of_this_account(fid):
    t = fid[0]["Base"]
    statements = _props(t, "AWS::SNS::TopicPolicy")["PolicyDocument"]["Statement"]
    allow = [s for s in statements if s["Effect"] == "Allow"]
    assert len(allow) == 1
    (statement,) = allow
    assert statement["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert statement["Action"] == "sns:Publish"
    source = flatten_cfn_reference(statement["Condition"]["ArnLike"]["aws:SourceArn"])
    assert source == "arn:<AWS::Partition>:cloudwatch:<AWS::Region>:<AWS::AccountId>:alarm:*"
    # the TLS-only Deny is still there
    assert any(s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
               for s in statements)


# -- M3: CPU thresholds are per instance, CPUUtilization is summed over vCPUs -------------------------


@pytest.mark.aws_behaviour("sagemaker.endpoint-cpu-utilization-per-vcpu")
def test_cpu_alarm_is_scaled_by_the_vcpus_of_the_instance_type(fid):
    def cpu_threshold(case: str) -> float:
        (alarm,) = [a["Properties"] for a in fid[0][case].find_resources("AWS::CloudWatch::Alarm").values()
                    if a["Properties"].get("MetricName") == "CPUUtilization"]
        return alarm["Threshold"]

    assert cpu_threshold("Base") == 160  # 80 % of ml.m5.large's 2 vCPUs
    assert cpu_threshold("NewInstanceType") == 320  # ml.m5.xlarge: 4 vCPUs
    memory = [
        a["Properties"]["Threshold"]
        for a in fid[0]["Base"].find_resources("AWS::CloudWatch::Alarm").values()
        if a["Properties"].get("MetricName") == "MemoryUtilization"
    ]
    assert memory == [80]  # memory is 0-100 %


def test_vcpus_of_instance_types():
    from cdk_secure_ml.core.instance_vcpus import vcpus

    assert [
        vcpus(t)
        for t in (
            "ml.m5.large",
            "ml.m5.xlarge",
            "ml.c5.9xlarge",
            "ml.g5.48xlarge",
            "ml.t3.medium",
            "ml.m6g.medium",
            "ml.c4.8xlarge",
            "ml.p3.8xlarge",
        )
    ] == [2, 4, 36, 192, 2, 1, 36, 32]
    with pytest.raises(ValueError, match=r"the vCPUs of 'ml\.m5\.metal' are not known"):
        vcpus("ml.m5.metal")


# -- M4: roll back on server errors and latency, not on client errors ---------------------------------


@pytest.mark.aws_behaviour("sagemaker.blue-green-rollback-on-any-alarm")
def test_rollback_alarms_exclude_client_errors(fid):
    templates, endpoints, stacks = fid
    t, ep, stack = templates["Base"], endpoints["Base"], stacks["Base"]
    rollback = _props(t, "AWS::SageMaker::Endpoint")["DeploymentConfig"]["AutoRollbackConfiguration"][
        "Alarms"
    ]
    expected = {stack.get_logical_id(ep.alarms[f"AllTraffic/{kind}"].node.default_child)
                for kind in ("Invocation5xx", "ModelLatencyP99")}
    assert {a["AlarmName"]["Ref"] for a in rollback} == expected
    # the 4XX alarm still notifies
    four_xx = t.find_resources("AWS::CloudWatch::Alarm")[
        stack.get_logical_id(ep.alarms["AllTraffic/Invocation4xx"].node.default_child)]["Properties"]
    assert four_xx["AlarmActions"] and four_xx["MetricName"] == "Invocation4XXErrors"


# -- M1: derived names within SageMaker's 63 characters -----------------------------------------------


@pytest.mark.aws_behaviour("sagemaker.resource-names-63")
def test_derived_names_stay_within_63_characters():
    app = new_app()
    ok = _endpoint(Stack(app, "Long"), endpoint_name="e" * 54)
    assert len(ok.endpoint_name) == 63
    with pytest.raises(
        ValueError, match=r"endpoint_name 'e{55}' has 55 characters; .* shorten it to 54 or fewer"
    ):
        _endpoint(Stack(app, "TooLong"), endpoint_name="e" * 55)
    with pytest.raises(
        ValueError,
        match=r"SecureEndpoint e{51}: endpoint_name 'e{51}' has 51 characters; its "
        r"monitoring schedule 'e{51}-data-quality' would exceed SageMaker's 63: "
        r"shorten the name to 50 characters or fewer",
    ):
        _endpoint(Stack(app, "Monitored"), endpoint_name="e" * 51, data_capture="on", model_monitor="on")
    monitored = _endpoint(Stack(app, "Fits"), endpoint_name="e" * 50, data_capture="on", model_monitor="on")
    assert len(monitored.monitoring_schedule.monitoring_schedule_name) == 63


# -- M2: the Model Monitor image in every region of the SDK's table, or given ------------------------


@pytest.mark.aws_behaviour("sagemaker.model-monitor-image-per-region")
def test_model_monitor_image_of_every_sdk_region_and_override(fid):
    image = _props(fid[0]["Oregon"], "AWS::SageMaker::DataQualityJobDefinition")[
        "DataQualityAppSpecification"
    ]
    assert flatten_cfn_reference(image["ImageUri"]) == (
        "159807026194.dkr.ecr.us-west-2.<AWS::URLSuffix>/sagemaker-model-monitor-analyzer")
    own = _props(fid[0]["OwnImage"], "AWS::SageMaker::DataQualityJobDefinition")[
        "DataQualityAppSpecification"
    ]
    assert own["ImageUri"] == OWN_IMAGE
    from cdk_secure_ml.constructs.hosting import MODEL_MONITOR_IMAGE_ACCOUNTS

    assert {"us-west-2", "eu-west-2", "ap-northeast-1", "ap-southeast-1", "ap-southeast-2",
            "ca-central-1"} <= set(MODEL_MONITOR_IMAGE_ACCOUNTS)


# -- E8: async clients ----------------------------------------------------------------------------------


def test_grant_async_io_writes_input_reads_results(fid):
    _, endpoints, stacks = fid
    stack, ep = stacks["Monitored"], endpoints["Monitored"]
    client = iam.Role(stack, "AsyncClient", assumed_by=iam.AccountRootPrincipal())
    ep.grant_async_io(client)
    statements = stack.resolve(client.node.find_child("DefaultPolicy").document.to_json())["Statement"]
    by_action = {str(s["Action"]): s for s in statements}
    assert flatten_cfn_reference(by_action["s3:PutObject"]["Resource"]).endswith("/team-a/in/*")
    reads = [flatten_cfn_reference(r) for r in by_action["s3:GetObject"]["Resource"]]
    assert reads[0].endswith("/team-a/out/*") and reads[1].endswith("/team-a/failed/*")
    kms = by_action[str(["kms:Decrypt", "kms:GenerateDataKey"])]
    assert "kms:ViaService" in kms["Condition"]["StringEquals"]
    with pytest.raises(ValueError, match="has no async_inference"):
        endpoints["Base"].grant_async_io(client)
