"""SecureBucket and AccessLogsBucket: encryption, public access, TLS, versioning, logging, locks, VPCE."""

from __future__ import annotations

import pytest
from aws_cdk import Duration, Stack
from aws_cdk import aws_iam as iam
from aws_cdk.assertions import Annotations, Match, Template

from cdk_secure_ml.constructs.storage import VPC_ENDPOINT_RESTRICTED_ACTIONS, SecureBucket
from tests.conftest import new_app

BLOCK_ALL = {"BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True,
             "RestrictPublicBuckets": True}


def _bucket(t: Template, stack: Stack, construct) -> dict:
    return t.find_resources("AWS::S3::Bucket")[stack.get_logical_id(construct.bucket.node.default_child)]


def _policy_of(t: Template, stack: Stack, construct) -> list[dict]:
    bucket_id = stack.get_logical_id(construct.bucket.node.default_child)
    for policy in t.find_resources("AWS::S3::BucketPolicy").values():
        if policy["Properties"]["Bucket"] == {"Ref": bucket_id}:
            return policy["Properties"]["PolicyDocument"]["Statement"]
    raise AssertionError(f"no bucket policy for {bucket_id}")


def test_defaults(lab):
    t, stack, sb = lab.template("BucketDefaults"), lab.stacks["BucketDefaults"], lab.objects["bucket"]
    bucket = _bucket(t, stack, sb)
    props = bucket["Properties"]
    key_id = stack.get_logical_id(sb.encryption_key.node.default_child)
    assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"] == [{
        "BucketKeyEnabled": True,
        "ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms",
                                          "KMSMasterKeyID": {"Fn::GetAtt": [key_id, "Arn"]}},
    }]
    assert props["PublicAccessBlockConfiguration"] == BLOCK_ALL
    assert props["VersioningConfiguration"] == {"Status": "Enabled"}
    assert props["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    assert props["LoggingConfiguration"]["LogFilePrefix"] == "BucketDefaults/Data/"
    assert "ObjectLockEnabled" not in props
    assert bucket["DeletionPolicy"] == "Retain"
    # a dedicated rotated key, retained
    t.has_resource("AWS::KMS::Key", {"Properties": {"EnableKeyRotation": True}, "DeletionPolicy": "Retain"})


@pytest.mark.aws_behaviour("cloudformation.deletion-policy-retain")
def test_a_retained_bucket_keeps_its_policy(lab):
    """After ``cdk destroy`` the retained buckets still hold data: their TLS-only and endpoint-only denies
    must stay with them, so the bucket policies are retained too (the access-log buckets' as well)."""
    t = lab.template("BucketDefaults")
    policies = t.find_resources("AWS::S3::BucketPolicy")
    assert len(policies) >= 2
    assert {p.get("DeletionPolicy") for p in policies.values()} == {"Retain"}
    assert {p.get("UpdateReplacePolicy") for p in policies.values()} == {"Retain"}


def test_tls_only_and_tls12_minimum(lab):
    t, stack, sb = lab.template("BucketDefaults"), lab.stacks["BucketDefaults"], lab.objects["bucket"]
    statements = _policy_of(t, stack, sb)
    denies = [s for s in statements if s["Effect"] == "Deny"]
    conditions = [s["Condition"] for s in denies]
    assert {"Bool": {"aws:SecureTransport": "false"}} in conditions
    assert {"NumericLessThan": {"s3:TlsVersion": 1.2}} in conditions
    for deny in denies:
        assert deny["Principal"] == {"AWS": "*"} and deny["Action"] == "s3:*"


def test_access_logs_bucket_is_sse_s3_locked_down_and_receives_logs(lab):
    t, stack, sb = lab.template("BucketDefaults"), lab.stacks["BucketDefaults"], lab.objects["bucket"]
    logs_id = stack.get_logical_id(sb.server_access_logs_bucket.node.default_child)
    logs_bucket = t.find_resources("AWS::S3::Bucket")[logs_id]
    props = logs_bucket["Properties"]
    assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0][
        "ServerSideEncryptionByDefault"
    ] == {"SSEAlgorithm": "AES256"}
    assert props["PublicAccessBlockConfiguration"] == BLOCK_ALL
    assert props["VersioningConfiguration"] == {"Status": "Enabled"}
    assert "AccessControl" not in props, "log delivery must use the bucket policy, not an ACL"
    assert [s["id"] for s in logs_bucket["Metadata"]["checkov"]["skip"]] == ["CKV_AWS_18"]
    assert "checkov" not in _bucket(t, stack, sb).get("Metadata", {}), "secure buckets skip nothing"
    assert logs_bucket["DeletionPolicy"] == "Retain"
    assert _bucket(t, stack, sb)["Properties"]["LoggingConfiguration"]["DestinationBucketName"] == {
        "Ref": logs_id
    }
    t.has_resource_properties(
        "AWS::S3::BucketPolicy",
        {
            "Bucket": {"Ref": logs_id},
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Effect": "Allow",
                                "Principal": {"Service": "logging.s3.amazonaws.com"},
                                "Action": "s3:PutObject",
                            }
                        )
                    ]
                )
            },
        },
    )


def test_options_object_lock_compliance_and_shared_logs(lab):
    t, stack = lab.template("BucketOptions"), lab.stacks["BucketOptions"]
    sb = lab.objects["bucket_options"]
    props = _bucket(t, stack, sb)["Properties"]
    assert props["ObjectLockEnabled"] is True
    assert props["ObjectLockConfiguration"] == {
        "ObjectLockEnabled": "Enabled",
        "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 365}},
    }
    assert props["LoggingConfiguration"]["LogFilePrefix"] == "artifacts/"
    governed = _bucket(t, stack, lab.objects["bucket_governance"])["Properties"]
    assert governed["ObjectLockConfiguration"]["Rule"]["DefaultRetention"] == {
        "Mode": "GOVERNANCE",
        "Days": 30,
    }
    # one shared access-log bucket, not one per SecureBucket: 4 secure buckets + 1 log bucket
    t.resource_count_is("AWS::S3::Bucket", 5)


def test_options_vpc_endpoint_restriction_with_exception(lab):
    t, stack = lab.template("BucketOptions"), lab.stacks["BucketOptions"]
    sb = lab.objects["bucket_options"]
    deny = [s for s in _policy_of(t, stack, sb) if s.get("Sid") == "DenyObjectAccessOutsideVpcEndpoints"]
    assert len(deny) == 1
    deny = deny[0]
    assert deny["Effect"] == "Deny" and deny["Principal"] == {"AWS": "*"}
    assert sorted(deny["Action"]) == sorted(VPC_ENDPOINT_RESTRICTED_ACTIONS)
    assert "s3:PutBucketPolicy" not in deny["Action"], "CloudFormation must still manage the bucket"
    endpoint_id = [
        k
        for k, v in t.find_resources("AWS::EC2::VPCEndpoint").items()
        if v["Properties"]["VpcEndpointType"] == "Gateway"
    ][0]
    assert deny["Condition"] == {
        "StringNotEquals": {"aws:SourceVpce": [{"Ref": endpoint_id}]},
        "ArnNotLike": {"aws:PrincipalArn": ["arn:aws:iam::123456789012:role/ingest"]},
    }
    # buckets without the option have no such statement
    governed = _policy_of(t, stack, lab.objects["bucket_governance"])
    assert not [s for s in governed if s.get("Sid") == "DenyObjectAccessOutsideVpcEndpoints"]


def test_unversioned_bucket_warns(lab):
    t, stack = lab.template("BucketOptions"), lab.stacks["BucketOptions"]
    props = _bucket(t, stack, lab.objects["bucket_unversioned"])["Properties"]
    assert "VersioningConfiguration" not in props
    Annotations.from_stack(stack).has_warning(
        "/BucketOptions/Scratch", Match.string_like_regexp("versioning is off")
    )


def test_names_lifecycle_and_log_expiry(lab):
    t, stack = lab.template("Extras"), lab.stacks["Extras"]
    named = _bucket(t, stack, lab.objects["bucket_named"])["Properties"]
    assert named["BucketName"] == "team-a-features"
    assert named["LifecycleConfiguration"] == {
        "Rules": [{"NoncurrentVersionExpiration": {"NoncurrentDays": 400}, "Status": "Enabled"}]
    }
    logs = _bucket(t, stack, lab.objects["logs_named"])["Properties"]
    assert logs["BucketName"] == "team-a-access-logs"
    assert logs["LifecycleConfiguration"] == {
        "Rules": [{"NoncurrentVersionExpiration": {"NoncurrentDays": 30}, "Status": "Enabled"}]
    }
    assert named["LoggingConfiguration"]["DestinationBucketName"] == {
        "Ref": stack.get_logical_id(lab.objects["logs_named"].bucket.node.default_child)
    }


def test_grants_include_the_key():
    stack = Stack(new_app(), "S")
    sb = SecureBucket(stack, "B")
    role = iam.Role(stack, "R", assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"))
    sb.grant_read(role, "team-a/*")
    t = Template.from_stack(stack)
    statements = next(iter(t.find_resources("AWS::IAM::Policy").values()))["Properties"]["PolicyDocument"][
        "Statement"
    ]
    actions = {
        a for s in statements for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
    }
    assert "kms:Decrypt" in actions and "s3:GetObject*" in actions and "s3:PutObject" not in actions
    resources = str([s["Resource"] for s in statements])
    assert "/team-a/*" in resources


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"object_lock_retention": Duration.days(36501)},
            "36501 days; use a whole number of days from 1 to 36500",
        ),
        ({"object_lock_retention": Duration.hours(12)}, "0.5 days; use a whole number"),
        ({"object_lock_retention": Duration.days(10), "versioned": False}, "Object Lock needs versioning"),
        ({"object_lock_mode": "STRICT"}, "'STRICT' is not GOVERNANCE or COMPLIANCE"),
        ({"vpc_endpoint_exceptions": ["arn:aws:iam::123456789012:role/x"]}, "without allowed_vpc_endpoints"),
    ],
)
def test_bad_input(kwargs, message):
    with pytest.raises(ValueError) as info:
        SecureBucket(Stack(new_app(), "S"), "B", **kwargs)
    assert message in str(info.value)


def test_exceptions_must_be_arns():
    stack = Stack(new_app(), "S")
    from aws_cdk import aws_ec2 as ec2

    vpc = ec2.Vpc(
        stack,
        "V",
        max_azs=2,
        nat_gateways=0,
        subnet_configuration=[ec2.SubnetConfiguration(name="i", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)],
    )
    endpoint = vpc.add_gateway_endpoint("S3", service=ec2.GatewayVpcEndpointAwsService.S3)
    with pytest.raises(ValueError, match=r"\['ingest-role'\] are not ARNs"):
        SecureBucket(stack, "B", allowed_vpc_endpoints=[endpoint], vpc_endpoint_exceptions=["ingest-role"])
