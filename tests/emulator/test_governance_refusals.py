"""The emulator refuses what AWS Config and GuardDuty refuse (issue 11, item 3), through the API and through
the CloudFormation adapters: a delivery channel to an Object Lock bucket, before any recorder, or whose test
write the recorder's role could not make; a second recorder, delivery channel or detector in a region."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from cdk_secure_ml.emulator.iam_eval import allows, denies

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/config-recorder"
TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "config.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
WRITE = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::{bucket}/AWSLogs/123456789012/*",
    "Condition": {"StringLike": {"s3:x-amz-acl": "bucket-owner-full-control"}}}]}


def refused(call, code: str, behaviour: str) -> str:
    with pytest.raises(ClientError) as info:
        call()
    error = info.value.response["Error"]
    assert error["Code"] == code, error
    assert f"emulator refuses as AWS does: {behaviour}, https://docs.aws.amazon.com/" in error["Message"]
    return error["Message"]


def recorder_role(aws, bucket: str = "config-bucket", *, write: bool = True) -> str:
    iam = aws("iam")
    iam.create_role(RoleName="config-recorder", AssumeRolePolicyDocument=json.dumps(TRUST))
    if write:
        iam.put_role_policy(RoleName="config-recorder", PolicyName="deliver",
                            PolicyDocument=json.dumps(WRITE).replace("{bucket}", bucket))
    return ROLE


def recorder(aws, name: str = "default", role: str = ROLE) -> None:
    aws("config").put_configuration_recorder(ConfigurationRecorder={"name": name, "roleARN": role})


def channel(aws, bucket: str = "config-bucket", name: str = "default") -> None:
    aws("config").put_delivery_channel(DeliveryChannel={"name": name, "s3BucketName": bucket})


# ----------------------------------------------------------------------------------------- the API


@pytest.mark.aws_behaviour("config.delivery-channel-needs-recorder")
def test_a_delivery_channel_before_any_recorder_is_refused(aws):
    aws("s3").create_bucket(Bucket="config-bucket")
    refused(
        lambda: channel(aws),
        "NoAvailableConfigurationRecorderException",
        "config.delivery-channel-needs-recorder",
    )


@pytest.mark.aws_behaviour("config.one-recorder-per-region")
def test_a_second_recorder_in_a_region_is_refused(aws):
    recorder(aws, "default")
    message = refused(
        lambda: recorder(aws, "platform"),
        "MaxNumberOfConfigurationRecordersExceededException",
        "config.one-recorder-per-region",
    )
    assert "recorder 'default' already exists in us-east-1" in message
    recorder(aws, "default")  # updating the one recorder is fine


@pytest.mark.aws_behaviour("config.one-delivery-channel-per-region")
def test_a_second_delivery_channel_in_a_region_is_refused(aws):
    aws("s3").create_bucket(Bucket="config-bucket")
    recorder(aws, role=recorder_role(aws))
    channel(aws, name="default")
    refused(
        lambda: channel(aws, name="platform"),
        "MaxNumberOfDeliveryChannelsExceededException",
        "config.one-delivery-channel-per-region",
    )
    channel(aws, name="default")


@pytest.mark.aws_behaviour("config.delivery-bucket-no-object-lock")
def test_a_delivery_channel_to_an_object_lock_bucket_is_refused(aws):
    aws("s3").create_bucket(Bucket="archive", ObjectLockEnabledForBucket=True)
    recorder(aws, role=recorder_role(aws, "archive"))
    message = refused(
        lambda: channel(aws, "archive"),
        "InsufficientDeliveryPolicyException",
        "config.delivery-bucket-no-object-lock",
    )
    assert "archive" in message and "Object Lock" in message


@pytest.mark.aws_behaviour(
    "config.same-account-delivery-uses-recorder-role", "config.recorder-role-delivery-permissions"
)
def test_a_recorder_role_that_cannot_write_is_refused(aws):
    """D2: the test write of PutDeliveryChannel runs as the recorder's role; AWS_ConfigRole alone cannot
    write."""
    aws("s3").create_bucket(Bucket="config-bucket")
    recorder(aws, role=recorder_role(aws, write=False))
    message = refused(
        lambda: channel(aws),
        "InsufficientDeliveryPolicyException",
        "config.same-account-delivery-uses-recorder-role",
    )
    assert "do not allow s3:PutObject on arn:aws:s3:::config-bucket/AWSLogs/123456789012/Config/" in message


@pytest.mark.aws_behaviour(
    "config.same-account-delivery-uses-recorder-role", "iam.principal-arn-of-role-session"
)
def test_a_bucket_deny_that_matches_the_recorder_role_is_refused(aws):
    """D2: the archive's deny exempted only service principals; a role session has no
    aws:PrincipalServiceName."""
    s3 = aws("s3")
    s3.create_bucket(Bucket="config-bucket")
    recorder(aws, role=recorder_role(aws))
    deny_all_but_services = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyObjectAccessExceptLogWriters",
                "Effect": "Deny",
                "Principal": {"AWS": "*"},
                "Action": ["s3:PutObject*"],
                "Resource": "arn:aws:s3:::config-bucket/*",
                "Condition": {
                    "StringNotEquals": {
                        "aws:PrincipalServiceName": ["cloudtrail.amazonaws.com", "config.amazonaws.com"]
                    }
                },
            }
        ],
    }
    s3.put_bucket_policy(Bucket="config-bucket", Policy=json.dumps(deny_all_but_services))
    message = refused(
        lambda: channel(aws),
        "InsufficientDeliveryPolicyException",
        "config.same-account-delivery-uses-recorder-role",
    )
    assert f"a Deny of the bucket policy matches the recorder's role {ROLE}" in message
    # the platform's deny: everyone but the recorder's role (and TLS-only)
    s3.put_bucket_policy(
        Bucket="config-bucket",
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Deny",
                        "Principal": {"AWS": "*"},
                        "Action": "s3:PutObject*",
                        "Resource": "arn:aws:s3:::config-bucket/*",
                        "Condition": {"ArnNotLike": {"aws:PrincipalArn": [ROLE]}},
                    },
                    {
                        "Effect": "Deny",
                        "Principal": {"AWS": "*"},
                        "Action": "s3:*",
                        "Resource": "arn:aws:s3:::config-bucket/*",
                        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                    },
                ],
            }
        ),
    )
    channel(aws)
    assert (
        aws("config").describe_delivery_channels()["DeliveryChannels"][0]["s3BucketName"] == "config-bucket"
    )


@pytest.mark.aws_behaviour("config.same-account-delivery-uses-recorder-role")
def test_the_service_linked_role_writes_as_the_service_principal(aws):
    aws("s3").create_bucket(Bucket="config-bucket")
    recorder(
        aws, role=f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"
    )
    refused(
        lambda: channel(aws),
        "InsufficientDeliveryPolicyException",
        "config.same-account-delivery-uses-recorder-role",
    )
    aws("s3").put_bucket_policy(
        Bucket="config-bucket",
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "config.amazonaws.com"},
                        "Action": "s3:PutObject",
                        "Resource": f"arn:aws:s3:::config-bucket/AWSLogs/{ACCOUNT}/Config/*",
                        "Condition": {
                            "StringEquals": {
                                "s3:x-amz-acl": "bucket-owner-full-control",
                                "AWS:SourceAccount": ACCOUNT,
                            }
                        },
                    }
                ],
            }
        ),
    )
    channel(aws)


@pytest.mark.aws_behaviour("guardduty.one-detector-per-region")
def test_a_second_guardduty_detector_in_a_region_is_refused(aws):
    guardduty = aws("guardduty")
    first = guardduty.create_detector(Enable=True)["DetectorId"]
    message = refused(
        lambda: guardduty.create_detector(Enable=True),
        "BadRequestException",
        "guardduty.one-detector-per-region",
    )
    assert "a detector already exists for the current account" in message and first in message


# ------------------------------------------------------------------------------- through CloudFormation


def create_stack_refused(aws, resources: dict, code: str, behaviour: str, name: str = "refused") -> None:
    """The stack does not complete, and the refusal names ``code`` and ``behaviour`` (as the CreateStack
    error,
    or as the failed resource's event once the emulator models CloudFormation failures)."""
    cloudformation = aws("cloudformation")
    try:
        cloudformation.create_stack(StackName=name, TemplateBody=json.dumps({"Resources": resources}))
    except ClientError as error:
        text = f"{error.response['Error']['Code']} {error.response['Error']['Message']}"
    else:
        stack = cloudformation.describe_stacks(StackName=name)["Stacks"][0]
        assert stack["StackStatus"] != "CREATE_COMPLETE", stack
        text = " ".join(
            e.get("ResourceStatusReason", "")
            for e in cloudformation.describe_stack_events(StackName=name)["StackEvents"]
        )
    assert code in text and behaviour in text, text


def config_resources(channel_depends_on: list[str], bucket_properties: dict | None = None) -> dict:
    return {
        "Bucket": {
            "Type": "AWS::S3::Bucket",
            "Properties": {"BucketName": "config-bucket", **(bucket_properties or {})},
        },
        "Role": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "RoleName": "config-recorder",
                "AssumeRolePolicyDocument": TRUST,
                "Policies": [
                    {
                        "PolicyName": "deliver",
                        "PolicyDocument": json.loads(json.dumps(WRITE).replace("{bucket}", "config-bucket")),
                    }
                ],
            },
        },
        "Recorder": {
            "Type": "AWS::Config::ConfigurationRecorder",
            "Properties": {
                "RoleARN": {"Fn::GetAtt": ["Role", "Arn"]},
                "RecordingGroup": {"AllSupported": True},
            },
        },
        "Channel": {
            "Type": "AWS::Config::DeliveryChannel",
            "DependsOn": channel_depends_on,
            "Properties": {"S3BucketName": {"Ref": "Bucket"}},
        },
    }


@pytest.mark.aws_behaviour("config.delivery-channel-needs-recorder")
def test_cloudformation_refuses_a_channel_that_does_not_wait_for_its_recorder(aws):
    """D3: without DependsOn, CloudFormation may create the channel first (moto's template order would hide
    it)."""
    create_stack_refused(
        aws,
        config_resources([]),
        "NoAvailableConfigurationRecorderException",
        "config.delivery-channel-needs-recorder",
    )


def test_cloudformation_creates_a_channel_that_waits_for_its_recorder(aws):
    cloudformation = aws("cloudformation")
    cloudformation.create_stack(
        StackName="ok", TemplateBody=json.dumps({"Resources": config_resources(["Recorder"])})
    )
    assert cloudformation.describe_stacks(StackName="ok")["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"
    assert aws("config").describe_configuration_recorder_status()["ConfigurationRecordersStatus"][0][
        "recording"
    ]


@pytest.mark.aws_behaviour("config.recorder-role-delivery-permissions")
def test_cloudformation_channel_with_the_write_rights_in_a_managed_policy(aws):
    """As ComplianceRules writes it: the rights in an AWS::IAM::ManagedPolicy attached to the role (Roles),
    and
    without them the channel is refused."""
    resources = config_resources(["Recorder", "Delivery"])
    role = resources["Role"]["Properties"]
    resources["Delivery"] = {
        "Type": "AWS::IAM::ManagedPolicy",
        "Properties": {
            "PolicyDocument": role.pop("Policies")[0]["PolicyDocument"],
            "Roles": [{"Ref": "Role"}],
        },
    }
    cloudformation = aws("cloudformation")
    cloudformation.create_stack(StackName="managed", TemplateBody=json.dumps({"Resources": resources}))
    assert (
        cloudformation.describe_stacks(StackName="managed")["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"
    )


@pytest.mark.aws_behaviour("config.same-account-delivery-uses-recorder-role")
def test_cloudformation_refuses_a_channel_whose_role_cannot_write(aws):
    """D2 as the Governance stack of commit 83f40f5 had it: the recorder's role held only AWS_ConfigRole."""
    resources = config_resources(["Recorder"])
    del resources["Role"]["Properties"]["Policies"]
    create_stack_refused(
        aws,
        resources,
        "InsufficientDeliveryPolicyException",
        "config.same-account-delivery-uses-recorder-role",
    )


@pytest.mark.aws_behaviour("config.delivery-bucket-no-object-lock")
def test_cloudformation_refuses_a_channel_to_an_object_lock_bucket(aws):
    """D1 as the Governance stack of commit 83f40f5 did it: the channel pointed at the Object Lock archive."""
    create_stack_refused(
        aws,
        config_resources(["Recorder"], {"ObjectLockEnabled": True}),
        "InsufficientDeliveryPolicyException",
        "config.delivery-bucket-no-object-lock",
    )


@pytest.mark.aws_behaviour("config.one-recorder-per-region", "config.one-delivery-channel-per-region")
def test_cloudformation_refuses_a_recorder_where_one_exists(aws):
    """D4: an account of a landing zone already has Control Tower's recorder."""
    recorder(aws, "aws-controltower-BaselineConfigRecorder", role=f"arn:aws:iam::{ACCOUNT}:role/ct")
    create_stack_refused(
        aws,
        config_resources(["Recorder"]),
        "MaxNumberOfConfigurationRecordersExceededException",
        "config.one-recorder-per-region",
    )


@pytest.mark.aws_behaviour("guardduty.one-detector-per-region")
def test_cloudformation_refuses_a_detector_where_one_exists(aws):
    """D4: GuardDuty's organization auto-enable created the member account's detector."""
    aws("guardduty").create_detector(Enable=True)
    create_stack_refused(
        aws,
        {"Detector": {"Type": "AWS::GuardDuty::Detector", "Properties": {"Enable": True}}},
        "BadRequestException",
        "guardduty.one-detector-per-region",
    )


# -------------------------------------------------------------------------------- the evaluator itself


@pytest.mark.parametrize(
    ("condition", "context", "expected"),
    [
        (
            {"StringNotEquals": {"aws:PrincipalServiceName": ["cloudtrail.amazonaws.com"]}},
            {},
            True,
        ),  # missing, negated
        (
            {"StringEquals": {"aws:PrincipalServiceName": ["cloudtrail.amazonaws.com"]}},
            {},
            False,
        ),  # missing, positive
        ({"StringEqualsIfExists": {"aws:SourceVpce": ["vpce-1"]}}, {}, True),
        (
            {"ArnNotLike": {"aws:PrincipalArn": ["arn:aws:iam::*:role/x-*"]}},
            {"aws:PrincipalArn": "arn:aws:iam::1:role/x-1"},
            False,
        ),
        ({"ForAllValues:StringNotEquals": {"aws:CalledVia": ["cloudformation.amazonaws.com"]}}, {}, True),
        (
            {"ForAllValues:StringNotEquals": {"aws:CalledVia": ["cloudformation.amazonaws.com"]}},
            {"aws:CalledVia": ["cloudformation.amazonaws.com"]},
            False,
        ),
        ({"Bool": {"aws:SecureTransport": "false"}}, {"aws:SecureTransport": "true"}, False),
        ({"NumericLessThan": {"s3:TlsVersion": "1.2"}}, {"s3:TlsVersion": "1.3"}, False),
        ({"Null": {"sagemaker:VpcSubnets": "true"}}, {}, True),
        ({"SomeNewOperator": {"aws:X": "y"}}, {}, False),  # unknown: a Deny never matches
    ],
)
def test_iam_eval_conditions(condition, context, expected):
    statement = {"Effect": "Deny", "Action": "s3:PutObject", "Resource": "*", "Condition": condition}
    request = {"action": "s3:PutObject", "resource": "arn:aws:s3:::b/k", "context": context}
    assert denies([{"Statement": [statement]}], request) is expected
    assert allows([{"Statement": [{**statement, "Effect": "Allow"}]}], request) is (
        expected or "SomeNewOperator" in condition
    )
