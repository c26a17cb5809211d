"""The emulator refuses what SageMaker, SNS and CloudWatch refuse for hosting, through the API (boto3
against moto) and through the CloudFormation adapters; and alarm actions reach (or do not reach) a
subscribed queue."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from cdk_secure_ml.emulator.cloudwatch import fire_alarm
from cdk_secure_ml.emulator.refusals import Refused
from cdk_secure_ml.emulator.sns import evaluate

from .conftest import REGION, deploy

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/sm"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/00000000-0000-0000-0000-000000000000"
BLUE_GREEN = {
    "BlueGreenUpdatePolicy": {
        "TrafficRoutingConfiguration": {"Type": "ALL_AT_ONCE", "WaitIntervalInSeconds": 60}
    }
}


def _variant(name="AllTraffic", instance_type="ml.m5.large", count=2, model="m1", weight=1.0) -> dict:
    return {
        "VariantName": name,
        "ModelName": model,
        "InstanceType": instance_type,
        "InitialInstanceCount": count,
        "InitialVariantWeight": weight,
    }


@pytest.fixture
def sm(aws):
    sagemaker = aws("sagemaker")
    for model in ("m1", "m2"):
        sagemaker.create_model(
            ModelName=model,
            ExecutionRoleArn=ROLE,
            PrimaryContainer={"Image": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/x:1"},
        )
    return sagemaker


def _endpoint(aws, sm, *variants, scaled: tuple[str, ...] = ()) -> None:
    sm.create_endpoint_config(EndpointConfigName="c1", ProductionVariants=list(variants) or [_variant()])
    sm.create_endpoint(EndpointName="churn", EndpointConfigName="c1")
    for variant in scaled:
        aws("application-autoscaling").register_scalable_target(
            ServiceNamespace="sagemaker",
            ResourceId=f"endpoint/churn/variant/{variant}",
            ScalableDimension="sagemaker:variant:DesiredInstanceCount",
            MinCapacity=2,
            MaxCapacity=4,
        )


def _refused(error: ClientError, behaviour: str) -> str:
    message = error.response["Error"]["Message"]
    assert behaviour in message, message
    return message


# -- UpdateEndpoint and auto scaling ---------------------------------------------------------------


@pytest.mark.aws_behaviour("sagemaker.update-endpoint-autoscaled-variant")
def test_update_endpoint_refuses_instance_type_change_of_a_scaled_variant(aws, sm):
    _endpoint(aws, sm, scaled=("AllTraffic",))
    sm.create_endpoint_config(
        EndpointConfigName="c2", ProductionVariants=[_variant(instance_type="ml.m5.xlarge")]
    )
    with pytest.raises(ClientError) as info:
        sm.update_endpoint(EndpointName="churn", EndpointConfigName="c2")
    message = _refused(info.value, "sagemaker.update-endpoint-autoscaled-variant")
    assert "AllTraffic (ml.m5.large -> ml.m5.xlarge)" in message and "DeregisterScalableTarget" in message
    assert info.value.response["Error"]["Code"] == "ValidationException"
    assert sm.describe_endpoint(EndpointName="churn")["EndpointConfigName"] == "c1"
    # a changed model is allowed; after deregistering, so is the new instance type
    sm.create_endpoint_config(EndpointConfigName="c3", ProductionVariants=[_variant(model="m2")])
    sm.update_endpoint(EndpointName="churn", EndpointConfigName="c3")
    aws("application-autoscaling").deregister_scalable_target(
        ServiceNamespace="sagemaker",
        ResourceId="endpoint/churn/variant/AllTraffic",
        ScalableDimension="sagemaker:variant:DesiredInstanceCount",
    )
    sm.update_endpoint(EndpointName="churn", EndpointConfigName="c2")
    assert sm.describe_endpoint(EndpointName="churn")["EndpointConfigName"] == "c2"


@pytest.mark.aws_behaviour("sagemaker.update-endpoint-autoscaled-variant")
def test_update_endpoint_refuses_removing_a_scaled_variant(aws, sm):
    _endpoint(aws, sm, _variant("A"), _variant("B", weight=0.5), scaled=("B",))
    sm.create_endpoint_config(EndpointConfigName="c2", ProductionVariants=[_variant("A")])
    with pytest.raises(ClientError) as info:
        sm.update_endpoint(EndpointName="churn", EndpointConfigName="c2")
    assert "B (removed)" in _refused(info.value, "sagemaker.update-endpoint-autoscaled-variant")


@pytest.mark.aws_behaviour("sagemaker.blue-green-same-variant-names")
def test_blue_green_update_refuses_a_renamed_variant(aws, sm):
    _endpoint(aws, sm)
    sm.create_endpoint_config(EndpointConfigName="c2", ProductionVariants=[_variant("Blue")])
    with pytest.raises(ClientError) as info:
        sm.update_endpoint(EndpointName="churn", EndpointConfigName="c2", DeploymentConfig=BLUE_GREEN)
    assert "missing: ['AllTraffic']" in _refused(info.value, "sagemaker.blue-green-same-variant-names")
    # without a blue/green policy the rule does not apply
    sm.update_endpoint(EndpointName="churn", EndpointConfigName="c2")
    assert sm.describe_endpoint(EndpointName="churn")["ProductionVariants"][0]["VariantName"] == "Blue"


@pytest.mark.aws_behaviour("sagemaker.update-endpoint-retain-variant-properties")
def test_retain_all_variant_properties_keeps_the_scaled_count(aws, sm):
    _endpoint(aws, sm)
    sm.update_endpoint_weights_and_capacities(
        EndpointName="churn",
        DesiredWeightsAndCapacities=[{"VariantName": "AllTraffic", "DesiredInstanceCount": 4}],
    )
    sm.create_endpoint_config(EndpointConfigName="c2", ProductionVariants=[_variant(model="m2", weight=0.5)])
    sm.update_endpoint(
        EndpointName="churn",
        EndpointConfigName="c2",
        RetainAllVariantProperties=True,
        ExcludeRetainedVariantProperties=[{"VariantPropertyType": "DesiredWeight"}],
    )
    (variant,) = sm.describe_endpoint(EndpointName="churn")["ProductionVariants"]
    assert variant["DesiredInstanceCount"] == 4 and variant["DesiredWeight"] == 0.5
    sm.create_endpoint_config(EndpointConfigName="c3", ProductionVariants=[_variant(model="m1")])
    sm.update_endpoint(EndpointName="churn", EndpointConfigName="c3")  # without: the config's count
    assert sm.describe_endpoint(EndpointName="churn")["ProductionVariants"][0]["DesiredInstanceCount"] == 2


# -- CreateEndpointConfig: KmsKeyId and instance storage ------------------------------------------


@pytest.mark.aws_behaviour("sagemaker.endpoint-config-kms-key-local-storage")
def test_endpoint_config_refuses_a_kms_key_on_instance_storage(sm):
    with pytest.raises(ClientError) as info:
        sm.create_endpoint_config(
            EndpointConfigName="g",
            KmsKeyId=KEY,
            ProductionVariants=[_variant(instance_type="ml.g4dn.xlarge")],
        )
    assert "ml.g4dn.xlarge" in _refused(info.value, "sagemaker.endpoint-config-kms-key-local-storage")
    sm.create_endpoint_config(
        EndpointConfigName="g", ProductionVariants=[_variant(instance_type="ml.g4dn.xlarge")]
    )
    sm.create_endpoint_config(EndpointConfigName="m", KmsKeyId=KEY, ProductionVariants=[_variant()])


# -- through the CloudFormation adapters ----------------------------------------------------------


def _template(
    config_name: str,
    instance_type: str = "ml.m5.large",
    kms: bool = False,
    endpoint_name="churn-1",
    variant="AllTraffic",
) -> dict:
    config = {"EndpointConfigName": config_name, "ProductionVariants": [_variant(variant, instance_type)]}
    if kms:
        config["KmsKeyId"] = KEY
    return {
        "Config": {"Type": "AWS::SageMaker::EndpointConfig", "Properties": config},
        "Endpoint": {
            "Type": "AWS::SageMaker::Endpoint",
            "Properties": {
                "EndpointName": endpoint_name,
                "EndpointConfigName": {"Fn::GetAtt": ["Config", "EndpointConfigName"]},
                "DeploymentConfig": BLUE_GREEN,
                "RetainAllVariantProperties": True,
                "ExcludeRetainedVariantProperties": [{"VariantPropertyType": "DesiredWeight"}],
            },
        },
        "Target": {
            "Type": "AWS::ApplicationAutoScaling::ScalableTarget",
            "Properties": {
                "ServiceNamespace": "sagemaker",
                "ScalableDimension": "sagemaker:variant:DesiredInstanceCount",
                "ResourceId": {
                    "Fn::Join": [
                        "",
                        ["endpoint/", {"Fn::GetAtt": ["Endpoint", "EndpointName"]}, f"/variant/{variant}"],
                    ]
                },
                "MinCapacity": 2,
                "MaxCapacity": 4,
            },
        },
    }


def _cfn(resource_json: dict) -> dict:
    return {"Properties": json.loads(json.dumps(resource_json["Properties"]))}


def _resolved(template: dict, config_name: str) -> dict:
    endpoint = _cfn(template["Endpoint"])
    endpoint["Properties"]["EndpointConfigName"] = config_name
    return endpoint


@pytest.mark.aws_behaviour(
    "sagemaker.update-endpoint-autoscaled-variant",
    "sagemaker.blue-green-same-variant-names",
    "cloudformation.sagemaker-endpoint-name-replaces",
)
def test_endpoint_adapter_updates_through_update_endpoint(aws, sm):
    from cdk_secure_ml.emulator.sagemaker import Endpoint, EndpointConfig

    deploy(aws, _template("churn-c1"), name="hosting")
    assert (
        aws("application-autoscaling").describe_scalable_targets(ServiceNamespace="sagemaker")[
            "ScalableTargets"
        ][0]["ResourceId"]
        == "endpoint/churn-1/variant/AllTraffic"
    )
    backend_endpoint = (
        __import__("moto.sagemaker.models", fromlist=["x"])
        .sagemaker_backends[ACCOUNT][REGION]
        .endpoints["churn-1"]
    )
    # same name, new instance type of the auto-scaled variant: UpdateEndpoint, refused
    bigger = _template("churn-c2", "ml.m5.xlarge")
    EndpointConfig.create_from_cloudformation_json("churn-c2", _cfn(bigger["Config"]), ACCOUNT, REGION)
    with pytest.raises(Refused, match="sagemaker.update-endpoint-autoscaled-variant"):
        Endpoint.update_from_cloudformation_json(
            backend_endpoint, "churn-1", _resolved(bigger, "churn-c2"), ACCOUNT, REGION
        )
    # a renamed variant is removed from auto scaling's view too; without the target, blue/green still refuses
    # it
    aws("application-autoscaling").deregister_scalable_target(
        ServiceNamespace="sagemaker",
        ResourceId="endpoint/churn-1/variant/AllTraffic",
        ScalableDimension="sagemaker:variant:DesiredInstanceCount",
    )
    renamed = _template("churn-c3", variant="Blue")
    EndpointConfig.create_from_cloudformation_json("churn-c3", _cfn(renamed["Config"]), ACCOUNT, REGION)
    with pytest.raises(Refused, match="sagemaker.blue-green-same-variant-names"):
        Endpoint.update_from_cloudformation_json(
            backend_endpoint, "churn-1", _resolved(renamed, "churn-c3"), ACCOUNT, REGION
        )
    # a new name (what SecureEndpoint derives from instance types): a new endpoint, the old one gone
    replaced = _resolved(_template("churn-c2", "ml.m5.xlarge", endpoint_name="churn-2"), "churn-c2")
    new = Endpoint.update_from_cloudformation_json(backend_endpoint, "churn-2", replaced, ACCOUNT, REGION)
    assert new.endpoint_name == "churn-2"
    assert [e["EndpointName"] for e in sm.list_endpoints()["Endpoints"]] == ["churn-2"]


@pytest.mark.aws_behaviour("sagemaker.endpoint-config-kms-key-local-storage")
def test_endpoint_config_adapter_refuses_a_kms_key_on_instance_storage(aws, sm):
    from cdk_secure_ml.emulator.sagemaker import EndpointConfig

    template = _template("gpu", "ml.g4dn.xlarge", kms=True)
    with pytest.raises(Refused, match="sagemaker.endpoint-config-kms-key-local-storage"):
        EndpointConfig.create_from_cloudformation_json("gpu", _cfn(template["Config"]), ACCOUNT, REGION)
    # the stack operation fails on it (moto lets the error escape CreateStack;
    # cdk_secure_ml.emulator.cloudformation rolls back)
    cloudformation = aws("cloudformation")
    try:
        cloudformation.create_stack(
            StackName="gpu", TemplateBody=json.dumps({"Resources": {"Config": template["Config"]}})
        )
    except ClientError as error:
        _refused(error, "sagemaker.endpoint-config-kms-key-local-storage")
        return
    stack = cloudformation.describe_stacks(StackName="gpu")["Stacks"][0]
    assert stack["StackStatus"] == "ROLLBACK_COMPLETE"
    assert "sagemaker.endpoint-config-kms-key-local-storage" in stack.get("StackStatusReason", "")


# -- SNS: CloudWatch alarm actions and the topic policy -------------------------------------------


TLS_ONLY = {
    "Effect": "Deny",
    "Principal": "*",
    "Action": "sns:Publish",
    "Resource": "*",
    "Sid": "TlsOnly",
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}
ALLOW_ALARMS = {
    "Sid": "Alarms",
    "Effect": "Allow",
    "Principal": {"Service": "cloudwatch.amazonaws.com"},
    "Action": "sns:Publish",
    "Resource": "*",
    "Condition": {"ArnLike": {"aws:SourceArn": f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:*"}},
}


def _alarm_stack(aws, statements: list[dict], name: str) -> str:
    outputs = deploy(
        aws,
        {
            "Topic": {"Type": "AWS::SNS::Topic", "Properties": {}},
            "Policy": {
                "Type": "AWS::SNS::TopicPolicy",
                "Properties": {
                    "Topics": [{"Ref": "Topic"}],
                    "PolicyDocument": {"Version": "2012-10-17", "Statement": statements},
                },
            },
            "Alarm": {
                "Type": "AWS::CloudWatch::Alarm",
                "Properties": {
                    "AlarmName": f"{name}-5xx",
                    "MetricName": "Invocation5XXErrors",
                    "Namespace": "AWS/SageMaker",
                    "Statistic": "Sum",
                    "Period": 60,
                    "EvaluationPeriods": 1,
                    "Threshold": 1,
                    "ComparisonOperator": "GreaterThanOrEqualToThreshold",
                    "AlarmActions": [{"Ref": "Topic"}],
                    "OKActions": [{"Ref": "Topic"}],
                },
            },
        },
        {"Topic": {"Value": {"Ref": "Topic"}}},
        name=name,
    )
    return outputs["Topic"]


@pytest.mark.aws_behaviour("sns.topic-policy-allows-cloudwatch-alarms")
def test_alarm_notification_is_dropped_without_a_topic_policy_allow(aws):
    topic = _alarm_stack(aws, [TLS_ONLY], "dropped")
    assert fire_alarm(aws, "dropped-5xx") == []
    history = aws("cloudwatch").describe_alarm_history(AlarmName="dropped-5xx", HistoryItemType="Action")
    (item,) = history["AlarmHistoryItems"]
    assert item["HistorySummary"] == f"Failed to execute action {topic}"
    error = json.loads(item["HistoryData"])["error"]
    assert (
        f"Resource: arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:dropped-5xx is not authorized to "
        f"perform: SNS:Publish on resource: {topic}"
    ) in error
    assert "sns.topic-policy-allows-cloudwatch-alarms" in error


@pytest.mark.aws_behaviour("sns.topic-policy-allows-cloudwatch-alarms")
def test_alarm_notification_reaches_a_subscribed_queue_with_the_allow(aws):
    topic = _alarm_stack(aws, [TLS_ONLY, ALLOW_ALARMS], "delivered")
    (message,) = fire_alarm(aws, "delivered-5xx")
    assert message["TopicArn"] == topic and message["Subject"] == f'ALARM: "delivered-5xx" in {REGION}'
    alarm = json.loads(message["Message"])
    assert alarm["NewStateValue"] == "ALARM" and alarm["AlarmName"] == "delivered-5xx"
    # firing again: the alarm goes back to OK first (actions run on transitions), then ALARM again
    assert [json.loads(m["Message"])["NewStateValue"] for m in fire_alarm(aws, "delivered-5xx")] == ["ALARM"]
    history = aws("cloudwatch").describe_alarm_history(AlarmName="delivered-5xx", HistoryItemType="Action")
    assert all(
        i["HistorySummary"].startswith("Successfully executed action") for i in history["AlarmHistoryItems"]
    )


@pytest.mark.aws_behaviour("sns.topic-policy-allows-cloudwatch-alarms")
@pytest.mark.parametrize(
    ("statements", "allowed"),
    [
        ([ALLOW_ALARMS], True),
        ([TLS_ONLY], False),
        (
            [
                {
                    **ALLOW_ALARMS,
                    "Condition": {
                        "ArnLike": {"aws:SourceArn": "arn:aws:cloudwatch:us-east-1:999999999999:alarm:*"}
                    },
                }
            ],
            False,
        ),
        ([{**ALLOW_ALARMS, "Principal": {"Service": "events.amazonaws.com"}}], False),
        ([{**ALLOW_ALARMS, "Principal": {"AWS": "*"}}], True),
        ([{**ALLOW_ALARMS, "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}}], True),
        # an operator IAM does not have never allows, and always denies
        ([{**ALLOW_ALARMS, "Condition": {"StringSortOfEquals": {"aws:SourceIp": "10.0.0.0/8"}}}], False),
        ([ALLOW_ALARMS, {**TLS_ONLY, "Condition": {"StringSortOfEquals": {"aws:SourceArn": "x"}}}], False),
        # IpAddress and Date* are modelled (the access evaluator): under them, as under any positive
        # operator, a key missing from the request does not match
        ([{**ALLOW_ALARMS, "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}], False),
        (
            [
                ALLOW_ALARMS,
                {**TLS_ONLY, "Condition": {"DateLessThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}}},
            ],
            True,
        ),
        # what it models, it models as IAM does: NotAction, set operators, a missing key under a positive
        # operator
        ([{**{k: v for k, v in ALLOW_ALARMS.items() if k != "Action"}, "NotAction": "sns:Subscribe"}], True),
        ([{**ALLOW_ALARMS, "Condition": {"ForAnyValue:StringLike": {"aws:SourceArn": "*"}}}], True),
        ([ALLOW_ALARMS, {**TLS_ONLY, "Condition": {"NumericLessThan": {"aws:EpochTime": "1"}}}], True),
        (
            [{**ALLOW_ALARMS, "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-1"}}}],
            True,
        ),  # missing key
    ],
)
def test_topic_policy_evaluation(statements, allowed):
    verdict, why = evaluate(
        {"Statement": statements},
        service="cloudwatch.amazonaws.com",
        action="sns:Publish",
        resource=f"arn:aws:sns:{REGION}:{ACCOUNT}:t",
        context={
            "aws:SourceArn": f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:a",
            "aws:SourceAccount": ACCOUNT,
            "aws:SecureTransport": "true",
        },
    )
    assert verdict is allowed, why


def test_scalable_target_follows_a_replaced_endpoint(aws):
    from cdk_secure_ml.emulator.applicationautoscaling import ScalableTarget

    def target(resource_id: str) -> dict:
        return {
            "Properties": {
                "ServiceNamespace": "sagemaker",
                "ResourceId": resource_id,
                "MinCapacity": 2,
                "MaxCapacity": 4,
                "ScalableDimension": "sagemaker:variant:DesiredInstanceCount",
            }
        }

    old = ScalableTarget.create_from_cloudformation_json(
        "t", target("endpoint/a-1/variant/V"), ACCOUNT, REGION
    )
    ScalableTarget.update_from_cloudformation_json(
        old, "t", target("endpoint/a-2/variant/V"), ACCOUNT, REGION
    )
    registered = aws("application-autoscaling").describe_scalable_targets(ServiceNamespace="sagemaker")
    assert [t["ResourceId"] for t in registered["ScalableTargets"]] == ["endpoint/a-2/variant/V"]
    ScalableTarget.delete_from_cloudformation_json(
        "endpoint/a-2/variant/V|sagemaker:variant:DesiredInstanceCount|sagemaker", {}, ACCOUNT, REGION
    )
    assert (
        aws("application-autoscaling").describe_scalable_targets(ServiceNamespace="sagemaker")[
            "ScalableTargets"
        ]
        == []
    )


@pytest.mark.aws_behaviour("sagemaker.image-uri-tag-or-digest")
def test_create_model_refuses_an_image_of_another_region(aws):
    with pytest.raises(ClientError, match=r"image 763104351884\.dkr\.ecr\.us-west-2\.amazonaws\.com/x:1 "
                                          rf"is in region us-west-2, the model in {REGION}"):
        aws("sagemaker").create_model(
            ModelName="m3", ExecutionRoleArn=ROLE,
            PrimaryContainer={"Image": "763104351884.dkr.ecr.us-west-2.amazonaws.com/x:1"},
        )
