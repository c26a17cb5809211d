"""AuditTrail, ComplianceRules, ThreatDetection, Alerts and OrganizationGuardrailsStack.

One app holds every variant and is synthesized once per session (jsii synthesis costs seconds)."""

from __future__ import annotations

import fnmatch
import json
import textwrap
from dataclasses import dataclass

import pytest
from aws_cdk import Duration, Environment, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk.assertions import Annotations, Match, Template

from cdk_secure_ml.config import GovernanceConfig, OrganizationConfig
from cdk_secure_ml.constructs.encryption import EncryptionKeys
from cdk_secure_ml.constructs.governance import (
    ARCHIVE_RESTRICTED_ACTIONS,
    DEFAULT_RULE_PARAMETERS,
    SAGEMAKER_FAILURE_EVENTS,
    Alerts,
    AuditTrail,
    ComplianceRules,
    ThreatDetection,
    has_object_lock,
)
from cdk_secure_ml.constructs.storage import SecureBucket
from cdk_secure_ml.core.config_rules import CONFIG_RULES, managed_rules_list
from cdk_secure_ml.policies import scp
from cdk_secure_ml.stacks.governance import GovernanceStack, OrganizationGuardrailsStack
from tests.conftest import new_app

AUDITOR = "arn:aws:iam::123456789012:role/auditor"
CENTRAL_KEY = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
EU = Environment(region="eu-west-1")


@dataclass
class GovLab:
    stacks: dict[str, Stack]
    objects: dict[str, object]

    def template(self, name: str) -> Template:
        return Template.from_stack(self.stacks[name])


@pytest.fixture(scope="session")
def gov() -> GovLab:
    app = new_app()
    stacks: dict[str, Stack] = {}
    objects: dict[str, object] = {}

    def stack(name: str, env: Environment | None = EU) -> Stack:
        stacks[name] = Stack(app, name, env=env)
        return stacks[name]

    s = stack("TrailLocal")
    keys = EncryptionKeys(s, "Keys")
    data = s3.Bucket(s, "Data")
    objects["keys_local"] = keys
    objects["trail_local"] = AuditTrail(
        s, "Trail", encryption_key=keys.logs, trail_name="ml-audit",
        object_lock_retention=Duration.days(400), object_lock_mode="COMPLIANCE",
        auditor_role_arns=[AUDITOR], log_retention=logs.RetentionDays.TWO_YEARS,
        s3_data_event_buckets=[data], lambda_data_events=True,
    )
    objects["data"] = data

    s = stack("TrailDefaults")
    keys = EncryptionKeys(s, "Keys")
    objects["trail_defaults"] = AuditTrail(s, "Trail", encryption_key=keys.logs)

    s = stack("TrailCentral")
    keys = EncryptionKeys(s, "Keys")
    objects["trail_central"] = AuditTrail(
        s,
        "Trail",
        encryption_key=keys.logs,
        central_bucket_name="org-log-archive",
        central_key_arn=CENTRAL_KEY,
    )

    s = stack("Rules")
    key = kms.Key(s, "Key", enable_key_rotation=True)
    objects["rules"] = ComplianceRules(
        s,
        "Rules",
        delivery_key=key,
        auditor_role_arns=[AUDITOR],
        rule_parameters={"restricted-ssh": {"x": "y"}},
    )
    objects["rules_key"] = key

    s = stack("RulesGivenBucket")
    bucket = s3.Bucket(s, "Delivery")
    objects["rules_given"] = ComplianceRules(
        s,
        "Rules",
        delivery_bucket=bucket,
        rules=["iam-policy-no-statements-with-admin-access"],
        rule_parameters={
            "iam-policy-no-statements-with-admin-access": {"excludePermissionBoundaryPolicy": "false"}
        },
    )
    objects["rules_given_bucket"] = bucket

    s = stack("RulesNoRecorder", env=Environment(region="eu-south-2"))
    objects["rules_no_recorder"] = ComplianceRules(
        s,
        "Rules",
        create_recorder=False,
        exclude_rules=["restricted-ssh"],
        rule_parameters={"sagemaker-notebook-instance-inside-vpc": {"SubnetIds": "subnet-1,subnet-2"}},
    )

    s = stack("RulesSubset", env=None)
    objects["rules_subset"] = ComplianceRules(
        s,
        "Rules",
        create_recorder=False,
        rules=["sagemaker-domain-in-vpc", "sagemaker-model-bias-job-isolation"],
    )

    s = stack("Threat")
    objects["threat"] = ThreatDetection(s, "Threat")
    s = stack("ThreatNoS3")
    objects["threat_no_s3"] = ThreatDetection(
        s, "Threat", s3_protection=False, finding_publishing_frequency="ONE_HOUR"
    )

    s = stack("AlertsStack")
    objects["alerts"] = Alerts(
        s,
        "Alerts",
        emails=["ops@example.com", "sec@example.org"],
        guardduty_min_severity=4,
        accepted_non_compliance={
            "s3-default-encryption-kms": ["logs-a", "logs-b"],
            "vpc-flow-logs-enabled": ["vpc-0default"],
        },
    )
    s = stack("AlertsMinimal")
    topic_key = kms.Key(s, "TopicKey", enable_key_rotation=True)
    objects["alerts_minimal"] = Alerts(
        s,
        "Alerts",
        encryption_key=topic_key,
        model_approval_changes=False,
        config_compliance=False,
        guardduty_findings=False,
    )
    objects["alerts_minimal_key"] = topic_key
    objects["threat_skipped"] = ThreatDetection(s, "Threat", create_detector=False)  # needs a non-empty stack

    keys = EncryptionKeys(stack("GovKeys"), "Keys")
    stacks["GovCentral"] = GovernanceStack(
        app,
        "GovCentral",
        env=EU,
        logs_key=keys.logs,
        governance=GovernanceConfig(
            central_log_archive={"bucket_name": "org-log-archive", "kms_key_arn": CENTRAL_KEY},
            config_recorder=False,
            guardduty_detector=False,
        ),
    )

    stacks["Org"] = OrganizationGuardrailsStack(
        app,
        "Org",
        organization=OrganizationConfig(
            target_ou_ids=["ou-ab12-cd34ef56", "ou-zz99-0000aaaa"],
            allowed_regions=["eu-west-1", "eu-central-1"],
        ),
        name_prefix="ml",
    )
    stacks["OrgMinimal"] = OrganizationGuardrailsStack(
        app,
        "OrgMinimal",
        organization=OrganizationConfig(
            target_ou_ids=["ou-ab12-cd34ef56"],
            ai_services_opt_out=False,
            break_glass_role_arns=["arn:aws:iam::*:role/breakglass"],
        ),
    )
    stacks["OrgMerged"] = OrganizationGuardrailsStack(
        app,
        "OrgMerged",
        organization=OrganizationConfig(
            target_ou_ids=["ou-ab12-cd34ef56"],
            allowed_regions=["eu-west-1"],
            merge_scps=True,
            attached_scps_per_target=3,
        ),
        name_prefix="ml",
    )
    app.synth()
    return GovLab(stacks=stacks, objects=objects)


def _logical(stack: Stack, construct) -> str:
    return stack.get_logical_id(construct.node.default_child)


# ---------------------------------------------------------------------------------------- AuditTrail


def test_trail_is_multi_region_validated_encrypted_and_sent_to_cloudwatch(gov):
    t, stack, trail = gov.template("TrailLocal"), gov.stacks["TrailLocal"], gov.objects["trail_local"]
    key_id = stack.get_logical_id(gov.objects["keys_local"].logs.node.default_child)
    t.has_resource_properties(
        "AWS::CloudTrail::Trail",
        {
            "IsMultiRegionTrail": True,
            "IncludeGlobalServiceEvents": True,
            "EnableLogFileValidation": True,
            "IsLogging": True,
            "TrailName": "ml-audit",
            "KMSKeyId": {"Fn::GetAtt": [key_id, "Arn"]},
            "S3BucketName": {"Ref": _logical(stack, trail.archive.bucket)},
            "CloudWatchLogsLogGroupArn": {
                "Fn::GetAtt": [stack.get_logical_id(trail.log_group.node.default_child), "Arn"]
            },
        },
    )
    t.has_resource(
        "AWS::Logs::LogGroup",
        {
            "Properties": {"RetentionInDays": 731, "KmsKeyId": {"Fn::GetAtt": [key_id, "Arn"]}},
            "DeletionPolicy": "Retain",
        },
    )


def test_trail_data_events_for_buckets_and_lambda(gov):
    t, stack = gov.template("TrailLocal"), gov.stacks["TrailLocal"]
    selectors = next(iter(t.find_resources("AWS::CloudTrail::Trail").values()))["Properties"][
        "EventSelectors"
    ]
    assert {"IncludeManagementEvents": True, "ReadWriteType": "All"} in selectors
    data = [r for s in selectors for r in s.get("DataResources", [])]
    types = {r["Type"] for r in data}
    assert types == {"AWS::S3::Object", "AWS::Lambda::Function"}
    s3_values = str([r["Values"] for r in data if r["Type"] == "AWS::S3::Object"])
    assert _logical(stack, gov.objects["data"]) in s3_values
    defaults = next(iter(gov.template("TrailDefaults").find_resources("AWS::CloudTrail::Trail").values()))
    assert (
        defaults["Properties"]["EventSelectors"]
        == [{"IncludeManagementEvents": True, "ReadWriteType": "All"}]
        or "EventSelectors" not in defaults["Properties"]
    )


def test_local_archive_is_object_locked_versioned_retained(gov):
    t, stack, trail = gov.template("TrailLocal"), gov.stacks["TrailLocal"], gov.objects["trail_local"]
    bucket = t.find_resources("AWS::S3::Bucket")[_logical(stack, trail.archive.bucket)]
    props = bucket["Properties"]
    assert props["ObjectLockConfiguration"] == {
        "ObjectLockEnabled": "Enabled",
        "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 400}},
    }
    assert props["VersioningConfiguration"] == {"Status": "Enabled"}
    assert bucket["DeletionPolicy"] == "Retain"
    d = gov.template("TrailDefaults").find_resources("AWS::S3::Bucket")[
        _logical(gov.stacks["TrailDefaults"], gov.objects["trail_defaults"].archive.bucket)
    ]
    assert d["Properties"]["ObjectLockConfiguration"]["Rule"]["DefaultRetention"] == {
        "Mode": "GOVERNANCE",
        "Days": 365,
    }


def _archive_policy(t: Template, stack: Stack, trail: AuditTrail) -> list[dict]:
    bucket_id = _logical(stack, trail.archive.bucket)
    for policy in t.find_resources("AWS::S3::BucketPolicy").values():
        if policy["Properties"]["Bucket"] == {"Ref": bucket_id}:
            return policy["Properties"]["PolicyDocument"]["Statement"]
    raise AssertionError("no archive bucket policy")


def test_local_archive_access_limited_to_log_writers_and_auditors_tls_only(gov):
    t, stack, trail = gov.template("TrailLocal"), gov.stacks["TrailLocal"], gov.objects["trail_local"]
    statements = _archive_policy(t, stack, trail)
    deny = next(s for s in statements if s.get("Sid") == "DenyObjectAccessExceptLogWritersAndAuditors")
    assert deny["Effect"] == "Deny" and deny["Principal"] == {"AWS": "*"}
    assert sorted(deny["Action"]) == sorted(ARCHIVE_RESTRICTED_ACTIONS)
    assert deny["Condition"] == {
        "StringNotEquals": {"aws:PrincipalServiceName": ["cloudtrail.amazonaws.com"]},
        "ArnNotLike": {"aws:PrincipalArn": [AUDITOR]},
    }
    assert {"Bool": {"aws:SecureTransport": "false"}} in [s.get("Condition") for s in statements]
    writes = [
        s
        for s in statements
        if s["Effect"] == "Allow" and s["Principal"] == {"Service": "cloudtrail.amazonaws.com"}
    ]
    assert {s["Action"] for s in writes} == {"s3:GetBucketAcl", "s3:PutObject"}
    # without auditors, only the services are exempt
    defaults = _archive_policy(
        gov.template("TrailDefaults"), gov.stacks["TrailDefaults"], gov.objects["trail_defaults"]
    )
    deny = next(s for s in defaults if s.get("Sid") == "DenyObjectAccessExceptLogWritersAndAuditors")
    assert "ArnNotLike" not in deny["Condition"]


def test_logs_key_lets_cloudtrail_of_this_account_encrypt(gov):
    t = gov.template("TrailLocal")
    stack, keys = gov.stacks["TrailLocal"], gov.objects["keys_local"]
    statements = t.find_resources("AWS::KMS::Key")[_logical(stack, keys.logs)]["Properties"]["KeyPolicy"][
        "Statement"
    ]
    allow = next(s for s in statements if s.get("Sid") == "AllowCloudTrailToEncryptLogs")
    assert allow["Principal"] == {"Service": "cloudtrail.amazonaws.com"}
    assert allow["Action"] == "kms:GenerateDataKey*"
    context = allow["Condition"]["StringLike"]["kms:EncryptionContext:aws:cloudtrail:arn"]
    assert context["Fn::Join"][1][-1].endswith(":trail/ml-audit")
    assert allow["Condition"]["StringEquals"] == {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}


def test_central_mode_delivers_to_the_log_archive_account(gov):
    t, trail = gov.template("TrailCentral"), gov.objects["trail_central"]
    assert trail.central and trail.archive is None
    t.has_resource_properties(
        "AWS::CloudTrail::Trail",
        {
            "S3BucketName": "org-log-archive",
            "KMSKeyId": CENTRAL_KEY,
            "IsMultiRegionTrail": True,
            "EnableLogFileValidation": True,
        },
    )
    t.resource_count_is("AWS::S3::Bucket", 0)
    t.resource_count_is("AWS::S3::BucketPolicy", 0)
    t.has_resource_properties("AWS::Logs::LogGroup", {"RetentionInDays": 365})
    with pytest.raises(ValueError, match="central archive"):
        trail.grant_read_archive(iam.AccountRootPrincipal())


@pytest.mark.parametrize(
    ("kwargs", "messages"),
    [
        ({"central_bucket_name": "org-logs"}, ["'org-logs' was given without central_key_arn"]),
        ({"central_key_arn": CENTRAL_KEY}, ["central_key_arn was given without central_bucket_name"]),
        (
            {"central_bucket_name": "Bad_Bucket", "central_key_arn": "alias/x"},
            ["'Bad_Bucket' is not an S3 bucket name", "'alias/x' is not a KMS key ARN"],
        ),
        (
            {"object_lock_retention": Duration.days(36501)},
            ["36501 days; use a whole number of days from 1 to 36500"],
        ),
        ({"object_lock_retention": Duration.days(0)}, ["0 days"]),
        ({"object_lock_mode": "LEGAL"}, ["'LEGAL' is not GOVERNANCE or COMPLIANCE"]),
        ({"auditor_role_arns": ["auditor"]}, ["['auditor'] are not IAM role ARNs"]),
        (
            {
                "central_bucket_name": "org-logs",
                "central_key_arn": CENTRAL_KEY,
                "auditor_role_arns": [AUDITOR],
            },
            ["auditor_role_arns apply to the local archive only"],
        ),
        ({"trail_name": "x"}, ["trail_name 'x'"]),
    ],
)
def test_audit_trail_bad_input(kwargs, messages):
    stack = Stack(new_app(), "S")
    key = kms.Key(stack, "K")
    with pytest.raises(ValueError) as info:
        AuditTrail(stack, "T", encryption_key=key, **kwargs)
    for message in messages:
        assert message in str(info.value)


# ---------------------------------------------------------------------------------- ComplianceRules


def test_rule_table_identifiers_match_the_verified_list():
    verified = managed_rules_list()
    for name, spec in CONFIG_RULES.items():
        assert name in verified, f"{name} is not in policies/data/config_managed_rules.txt"
        identifier, regions, excluded = verified[name]
        assert spec.identifier == identifier, name
        assert spec.regions == regions, name
        assert spec.excluded_regions == excluded, name
    assert set(verified) == set(CONFIG_RULES), "the list and the table must hold the same rules"


@pytest.mark.aws_behaviour("config.iam-rules-not-in-regions-after-february-2022")
def test_iam_rule_is_left_out_where_config_cannot_record_iam():
    """AWS Config's IAM rules do not exist in the regions it reached after February 2022 (Zurich, Spain, ...):
    creating one there fails the Governance stack."""
    app = new_app()
    zurich = Stack(app, "Zurich", env=Environment(region="eu-central-2"))
    rules = ComplianceRules(zurich, "Rules", create_recorder=False)
    assert "iam-policy-no-statements-with-admin-access" in rules.skipped_rules
    assert CONFIG_RULES["iam-policy-no-statements-with-admin-access"].available_in("eu-west-1")


def test_rule_table_covers_the_requirements():
    required = {
        "sagemaker-notebook-no-direct-internet-access",
        "sagemaker-notebook-instance-kms-key-configured",
        "sagemaker-notebook-instance-inside-vpc",
        "sagemaker-endpoint-configuration-kms-key-configured",
        "sagemaker-endpoint-config-prod-instance-count",
        "sagemaker-model-in-vpc",
        "sagemaker-model-isolation-enabled",
        "sagemaker-domain-in-vpc",
        "s3-bucket-ssl-requests-only",
        "s3-default-encryption-kms",
        "cloudtrail-enabled",
        "cmk-backing-key-rotation-enabled",
        "vpc-flow-logs-enabled",
        "restricted-ssh",
        "iam-policy-no-statements-with-admin-access",
    }
    assert required <= set(CONFIG_RULES)
    assert {s.group for s in CONFIG_RULES.values()} == {"sagemaker", "baseline"}


def _rules_parts(gov):
    t, stack, rules = gov.template("Rules"), gov.stacks["Rules"], gov.objects["rules"]
    ids = {
        "recorder": stack.get_logical_id(rules.recorder),
        "channel": stack.get_logical_id(rules.delivery_channel),
        "role": _logical(stack, rules.role),
        "policy": _logical(stack, rules.delivery_policy),
        "bucket": _logical(stack, rules.delivery_bucket),
        "bucket_policy": stack.get_logical_id(rules.delivery_bucket.policy.node.default_child),
    }
    return t, stack, rules, ids


def test_recorder_delivery_channel_and_all_rules(gov):
    t, stack, rules, ids = _rules_parts(gov)
    t.has_resource_properties(
        "AWS::Config::ConfigurationRecorder",
        {
            "RecordingGroup": {"AllSupported": True, "IncludeGlobalResourceTypes": True},
            "RoleARN": {"Fn::GetAtt": [ids["role"], "Arn"]},
        },
    )
    t.has_resource_properties(
        "AWS::Config::DeliveryChannel",
        {
            "S3BucketName": {"Ref": ids["bucket"]},
            "S3KmsKeyArn": {"Fn::GetAtt": [_logical(stack, gov.objects["rules_key"]), "Arn"]},
            "ConfigSnapshotDeliveryProperties": {"DeliveryFrequency": "TwentyFour_Hours"},
        },
    )
    t.has_resource_properties(
        "AWS::IAM::Role",
        {
            "AssumeRolePolicyDocument": {
                "Statement": [Match.object_like({"Principal": {"Service": "config.amazonaws.com"}})]
            },
            "ManagedPolicyArns": Match.array_with(
                [
                    Match.object_like(
                        {
                            "Fn::Join": Match.array_with(
                                [Match.array_with([":iam::aws:policy/service-role/AWS_ConfigRole"])]
                            )
                        }
                    )
                ]
            ),
        },
    )
    deployed = {
        r["Properties"]["ConfigRuleName"]: r for r in t.find_resources("AWS::Config::ConfigRule").values()
    }
    assert set(deployed) == set(CONFIG_RULES) == set(rules.rules)
    for name, resource in deployed.items():
        assert resource["Properties"]["Source"] == {
            "Owner": "AWS",
            "SourceIdentifier": CONFIG_RULES[name].identifier,
        }
        assert ids["recorder"] in resource["DependsOn"]
    assert deployed["cloudtrail-enabled"]["Properties"]["MaximumExecutionFrequency"] == "TwentyFour_Hours"
    assert "MaximumExecutionFrequency" not in deployed["sagemaker-model-in-vpc"]["Properties"]
    assert deployed["restricted-ssh"]["Properties"]["InputParameters"] == {"x": "y"}


@pytest.mark.aws_behaviour("config.delivery-bucket-no-object-lock")
def test_config_delivers_to_a_dedicated_bucket_without_object_lock(gov):
    """D1: the channel's bucket is Config's own: KMS, versioned, TLS-only, retained, no Object Lock."""
    t, stack, rules, ids = _rules_parts(gov)
    bucket = t.find_resources("AWS::S3::Bucket")[ids["bucket"]]
    props = bucket["Properties"]
    assert "ObjectLockEnabled" not in props and "ObjectLockConfiguration" not in props
    assert props["VersioningConfiguration"] == {"Status": "Enabled"}
    assert bucket["DeletionPolicy"] == "Retain" and bucket["UpdateReplacePolicy"] == "Retain"
    encryption = props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
    assert encryption["ServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "aws:kms",
        "KMSMasterKeyID": {"Fn::GetAtt": [_logical(stack, gov.objects["rules_key"]), "Arn"]},
    }
    statements = t.find_resources("AWS::S3::BucketPolicy")[ids["bucket_policy"]]["Properties"][
        "PolicyDocument"
    ]["Statement"]
    assert {"Bool": {"aws:SecureTransport": "false"}} in [s.get("Condition") for s in statements]
    assert rules.dedicated_bucket is not None and not has_object_lock(rules.delivery_bucket)


@pytest.mark.aws_behaviour("config.delivery-bucket-no-object-lock")
def test_an_object_lock_delivery_bucket_is_refused():
    stack = Stack(new_app(), "S")
    locked = SecureBucket(stack, "Locked", object_lock_retention=Duration.days(30))
    with pytest.raises(
        ValueError,
        match=r"delivery_bucket S/Locked/Resource has Object Lock, and AWS Config "
        r"does not deliver to such a bucket "
        r"\(https://docs\.aws\.amazon\.com/.*deliverychannel",
    ):
        ComplianceRules(stack, "R", delivery_bucket=locked.bucket)


def _denies_for(statements: list[dict], role_id: str, action: str = "s3:PutObject") -> list[str]:
    """Sids of the Deny statements of a synthesized bucket policy that would apply to ``action`` by a session
    of
    the role with logical id ``role_id`` over TLS 1.3 (the conditions the platform writes, evaluated)."""
    applying = []
    for statement in statements:
        if statement["Effect"] != "Deny":
            continue
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        if not any(fnmatch.fnmatch(action, a) for a in actions):
            continue
        condition = statement.get("Condition", {})
        holds = True
        for operator, entries in condition.items():
            for key, values in entries.items():
                values = values if isinstance(values, list) else [values]
                if operator == "Bool" and key == "aws:SecureTransport":
                    holds &= values == ["true"]  # the request comes over TLS
                elif operator == "NumericLessThan" and key == "s3:TlsVersion":
                    holds &= float(values[0]) > 1.3
                elif operator == "ArnNotLike" and key == "aws:PrincipalArn":
                    holds &= {"Fn::GetAtt": [role_id, "Arn"]} not in values
                elif operator == "StringNotEquals" and key == "aws:PrincipalServiceName":
                    holds &= True  # a role session has no aws:PrincipalServiceName: a negated operator holds
                else:
                    raise AssertionError(f"unexpected condition {operator} {key}")
        if holds:
            applying.append(statement.get("Sid", "?"))
    return applying


@pytest.mark.aws_behaviour(
    "config.same-account-delivery-uses-recorder-role",
    "config.recorder-role-delivery-permissions",
    "iam.principal-arn-of-role-session",
)
def test_the_recorder_role_may_write_deliveries_and_no_deny_stops_it(gov):
    """D2: Config writes as the recorder's role, so the role holds the documented rights and the bucket's
    denies
    exempt it (only the role and the auditors may touch objects)."""
    t, stack, _, ids = _rules_parts(gov)
    role = t.find_resources("AWS::IAM::Role")[ids["role"]]["Properties"]
    assert role["AssumeRolePolicyDocument"]["Statement"] == [
        {
            "Action": "sts:AssumeRole",
            "Effect": "Allow",
            "Principal": {"Service": "config.amazonaws.com"},
            "Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}},
        }
    ]
    policy = t.find_resources("AWS::IAM::ManagedPolicy")[ids["policy"]]["Properties"]
    assert policy["Roles"] == [{"Ref": ids["role"]}]
    statements = {s["Sid"]: s for s in policy["PolicyDocument"]["Statement"]}
    deliver = statements["DeliverConfigurationItems"]
    assert deliver["Action"] == "s3:PutObject"
    assert deliver["Condition"] == {"StringLike": {"s3:x-amz-acl": "bucket-owner-full-control"}}
    assert deliver["Resource"] == {
        "Fn::Join": [
            "",
            [{"Fn::GetAtt": [ids["bucket"], "Arn"]}, "/AWSLogs/", {"Ref": "AWS::AccountId"}, "/*"],
        ]
    }
    assert statements["CheckTheDeliveryBucket"]["Action"] == ["s3:GetBucketAcl", "s3:ListBucket"]
    assert statements["EncryptDeliveries"] == {
        "Sid": "EncryptDeliveries",
        "Effect": "Allow",
        "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
        "Resource": {"Fn::GetAtt": [_logical(stack, gov.objects["rules_key"]), "Arn"]},
    }
    bucket_policy = t.find_resources("AWS::S3::BucketPolicy")[ids["bucket_policy"]]["Properties"][
        "PolicyDocument"
    ]
    assert _denies_for(bucket_policy["Statement"], ids["role"]) == []
    deny = next(
        s for s in bucket_policy["Statement"] if s.get("Sid") == "DenyObjectAccessExceptConfigAndAuditors"
    )
    assert deny["Condition"] == {
        "ArnNotLike": {"aws:PrincipalArn": [{"Fn::GetAtt": [ids["role"], "Arn"]}, AUDITOR]}
    }
    assert _denies_for(bucket_policy["Statement"], "SomeoneElse") == [
        "DenyObjectAccessExceptConfigAndAuditors"
    ]
    # No service-principal grants: Config does not use them for a bucket of its own account.
    assert "config.amazonaws.com" not in json.dumps(bucket_policy)


@pytest.mark.aws_behaviour("config.recorder-role-delivery-permissions")
def test_the_delivery_policy_needs_nothing_the_permissions_boundary_denies():
    """The stage puts every role under the platform boundary, which denies s3:PutObjectAcl: the recorder's
    delivery rights must not rely on it."""
    from cdk_secure_ml.constructs.identity import boundary_statements

    stack = Stack(new_app(), "S")
    rules = ComplianceRules(stack, "R", rules=[])
    document = stack.resolve(rules.delivery_policy.document.to_json())
    granted = {
        a
        for s in document["Statement"]
        for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
    }
    denied = {a for s in boundary_statements(None) if s.effect == iam.Effect.DENY for a in s.actions}
    assert granted and not {g for g in granted for d in denied if fnmatch.fnmatch(g, d)}


@pytest.mark.aws_behaviour("config.delivery-channel-needs-recorder")
def test_the_delivery_channel_waits_for_the_recorder_its_policy_and_bucket(gov):
    """D3: CloudFormation creates resources without a dependency in parallel; the channel must come after the
    recorder, and after the role policy and bucket policy its test write needs."""
    t, _, _, ids = _rules_parts(gov)
    channel = t.find_resources("AWS::Config::DeliveryChannel")[ids["channel"]]
    assert {ids["recorder"], ids["policy"], ids["bucket"], ids["bucket_policy"]} <= set(channel["DependsOn"])


def test_a_given_delivery_bucket_is_used_as_is(gov):
    t, stack = gov.template("RulesGivenBucket"), gov.stacks["RulesGivenBucket"]
    rules = gov.objects["rules_given"]
    assert rules.dedicated_bucket is None
    t.resource_count_is("AWS::S3::Bucket", 1)
    t.has_resource_properties(
        "AWS::Config::DeliveryChannel",
        {"S3BucketName": {"Ref": _logical(stack, gov.objects["rules_given_bucket"])}},
    )
    assert (
        "S3KmsKeyArn"
        not in next(iter(t.find_resources("AWS::Config::DeliveryChannel").values()))["Properties"]
    )
    # the user's parameters win over the defaults
    t.has_resource_properties(
        "AWS::Config::ConfigRule",
        {
            "ConfigRuleName": "iam-policy-no-statements-with-admin-access",
            "InputParameters": {"excludePermissionBoundaryPolicy": "false"},
        },
    )


@pytest.mark.aws_behaviour("config.admin-access-rule-excludes-boundaries")
def test_the_admin_access_rule_leaves_permissions_boundaries_out(gov):
    """S5: the platform's permissions boundary (Allow * on *, then denies) is a ceiling, not a grant."""
    assert DEFAULT_RULE_PARAMETERS == {
        "iam-policy-no-statements-with-admin-access": {"excludePermissionBoundaryPolicy": "true"}
    }
    gov.template("Rules").has_resource_properties(
        "AWS::Config::ConfigRule",
        {
            "ConfigRuleName": "iam-policy-no-statements-with-admin-access",
            "InputParameters": {"excludePermissionBoundaryPolicy": "true"},
        },
    )


def test_recorder_skipped_rules_excluded_parameters_and_unavailable_regions(gov):
    t, stack = gov.template("RulesNoRecorder"), gov.stacks["RulesNoRecorder"]
    rules = gov.objects["rules_no_recorder"]
    t.resource_count_is("AWS::Config::ConfigurationRecorder", 0)
    t.resource_count_is("AWS::Config::DeliveryChannel", 0)
    t.resource_count_is("AWS::IAM::Role", 0)
    t.resource_count_is("AWS::S3::Bucket", 0)
    assert rules.recorder is None and rules.delivery_bucket is None
    names = {r["Properties"]["ConfigRuleName"] for r in t.find_resources("AWS::Config::ConfigRule").values()}
    limited = {n for n, s in CONFIG_RULES.items() if not s.available_in("eu-south-2")}
    assert "iam-policy-no-statements-with-admin-access" in limited  # Spain: after February 2022
    assert limited and names == set(CONFIG_RULES) - limited - {"restricted-ssh"}
    assert set(rules.skipped_rules) == limited
    t.has_resource_properties(
        "AWS::Config::ConfigRule",
        {
            "ConfigRuleName": "sagemaker-notebook-instance-inside-vpc",
            "InputParameters": {"SubnetIds": "subnet-1,subnet-2"},
        },
    )
    Annotations.from_stack(stack).has_warning(
        "/RulesNoRecorder/Rules",
        Match.string_like_regexp("sagemaker-model-bias-job-isolation is not available"),
    )


def test_rule_subset_in_an_environment_agnostic_stack(gov):
    t = gov.template("RulesSubset")
    names = sorted(
        r["Properties"]["ConfigRuleName"] for r in t.find_resources("AWS::Config::ConfigRule").values()
    )
    assert names == ["sagemaker-domain-in-vpc", "sagemaker-model-bias-job-isolation"]


@pytest.mark.parametrize(
    ("kwargs", "messages"),
    [
        (
            {"create_recorder": False, "rules": ["sagemaker-domain-in-vcp"]},
            ["unknown rule name(s) ['sagemaker-domain-in-vcp']"],
        ),
        (
            {"create_recorder": False, "exclude_rules": ["nope"], "rule_parameters": {"nah": {}}},
            ["unknown rule name(s) ['nah', 'nope']"],
        ),
        (
            {"create_recorder": False, "auditor_role_arns": [AUDITOR]},
            [
                "auditor_role_arns configure the delivery of a recorder this construct creates; with "
                "create_recorder=False"
            ],
        ),
        ({"auditor_role_arns": ["auditor"]}, ["auditor_role_arns ['auditor'] are not IAM role ARNs"]),
    ],
)
def test_compliance_rules_bad_input(kwargs, messages):
    with pytest.raises(ValueError) as info:
        ComplianceRules(Stack(new_app(), "S"), "R", **kwargs)
    for message in messages:
        assert message in str(info.value)


def test_delivery_settings_without_a_recorder():
    stack = Stack(new_app(), "S")
    with pytest.raises(
        ValueError, match="delivery_key configure the delivery of a recorder this construct creates"
    ):
        ComplianceRules(stack, "R", create_recorder=False, delivery_key=kms.Key(stack, "K"))
    with pytest.raises(ValueError, match="server_access_logs_bucket applies to the dedicated bucket only"):
        ComplianceRules(
            stack,
            "R2",
            delivery_bucket=s3.Bucket(stack, "B"),
            server_access_logs_bucket=s3.Bucket(stack, "L"),
        )


# ---------------------------------------------------------------------------------- ThreatDetection


def test_guardduty_detector_with_s3_protection(gov):
    gov.template("Threat").has_resource_properties(
        "AWS::GuardDuty::Detector",
        {
            "Enable": True,
            "FindingPublishingFrequency": "FIFTEEN_MINUTES",
            "Features": [{"Name": "S3_DATA_EVENTS", "Status": "ENABLED"}],
        },
    )
    gov.template("ThreatNoS3").has_resource_properties(
        "AWS::GuardDuty::Detector",
        {
            "FindingPublishingFrequency": "ONE_HOUR",
            "Features": [{"Name": "S3_DATA_EVENTS", "Status": "DISABLED"}],
        },
    )


def test_guardduty_detector_skippable(gov):
    gov.template("AlertsMinimal").resource_count_is("AWS::GuardDuty::Detector", 0)
    assert gov.objects["threat_skipped"].detector is None


def test_threat_detection_bad_input():
    with pytest.raises(ValueError, match="'DAILY' is not one of"):
        ThreatDetection(Stack(new_app(), "S"), "T", finding_publishing_frequency="DAILY")
    with pytest.raises(ValueError, match="s3_protection=False has no effect"):
        ThreatDetection(Stack(new_app(), "S"), "T", create_detector=False, s3_protection=False)


# ------------------------------------------------------------------------------------------- Alerts


def test_alert_topic_is_kms_encrypted_tls_only_with_email_subscriptions(gov):
    t, stack, alerts = gov.template("AlertsStack"), gov.stacks["AlertsStack"], gov.objects["alerts"]
    key_id = _logical(stack, alerts.key)
    t.has_resource_properties("AWS::SNS::Topic", {"KmsMasterKeyId": {"Fn::GetAtt": [key_id, "Arn"]}})
    t.has_resource_properties(
        "AWS::SNS::TopicPolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
                        ),
                        Match.object_like(
                            {
                                "Effect": "Allow",
                                "Principal": {"Service": "events.amazonaws.com"},
                                "Action": "sns:Publish",
                            }
                        ),
                    ]
                )
            }
        },
    )
    endpoints = sorted(
        s["Properties"]["Endpoint"] for s in t.find_resources("AWS::SNS::Subscription").values()
    )
    assert endpoints == ["ops@example.com", "sec@example.org"]
    t.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email"})
    t.has_resource("AWS::KMS::Key", {"Properties": {"EnableKeyRotation": True}, "DeletionPolicy": "Retain"})
    key = t.find_resources("AWS::KMS::Key")[key_id]["Properties"]["KeyPolicy"]["Statement"]
    events_statement = next(s for s in key if s.get("Sid") == "AllowEventBridgeToPublishEncrypted")
    assert events_statement["Principal"] == {"Service": "events.amazonaws.com"}


def _patterns(t: Template) -> list[dict]:
    return [r["Properties"]["EventPattern"] for r in t.find_resources("AWS::Events::Rule").values()]


def test_sagemaker_failure_rules(gov):
    patterns = _patterns(gov.template("AlertsStack"))
    for detail_type, (field, values) in SAGEMAKER_FAILURE_EVENTS.items():
        assert {
            "source": ["aws.sagemaker"],
            "detail-type": [detail_type],
            "detail": {field: list(values)},
        } in patterns, detail_type
    assert "TrainingJobStatus" in str(patterns) and "ProcessingJobStatus" in str(patterns)
    assert {
        "source": ["aws.sagemaker"],
        "detail-type": ["SageMaker Model Package State Change"],
        "detail": {"ModelApprovalStatus": ["Approved", "Rejected"]},
    } in patterns


def test_config_and_guardduty_rules(gov):
    patterns = _patterns(gov.template("AlertsStack"))
    assert {
        "source": ["aws.config"],
        "detail-type": ["Config Rules Compliance Change"],
        "detail": {
            "messageType": ["ComplianceChangeNotification"],
            "newEvaluationResult": {"complianceType": ["NON_COMPLIANT"]},
            "$or": [
                {
                    "configRuleName": [
                        {"anything-but": ["s3-default-encryption-kms", "vpc-flow-logs-enabled"]}
                    ]
                },
                {
                    "configRuleName": ["s3-default-encryption-kms"],
                    "resourceId": [{"anything-but": ["logs-a", "logs-b"]}],
                },
                {
                    "configRuleName": ["vpc-flow-logs-enabled"],
                    "resourceId": [{"anything-but": ["vpc-0default"]}],
                },
            ],
        },
    } in patterns
    assert {
        "source": ["aws.guardduty"],
        "detail-type": ["GuardDuty Finding"],
        "detail": {"severity": [{"numeric": [">=", 4]}]},
    } in patterns
    # without accepted results, every NON_COMPLIANT result is alerted
    assert {
        "source": ["aws.config"],
        "detail-type": ["Config Rules Compliance Change"],
        "detail": {
            "messageType": ["ComplianceChangeNotification"],
            "newEvaluationResult": {"complianceType": ["NON_COMPLIANT"]},
        },
    } in _patterns(gov.template("GovCentral"))


def _compliance_event(rule: str, resource: str, compliance: str = "NON_COMPLIANT") -> dict:
    """A compliance change event as AWS Config sends it to EventBridge (the fields of the documented
    example)."""
    return {
        "source": "aws.config",
        "detail-type": "Config Rules Compliance Change",
        "detail": {
            "messageType": "ComplianceChangeNotification",
            "configRuleName": rule,
            "resourceType": "AWS::S3::Bucket",
            "resourceId": resource,
            "newEvaluationResult": {"complianceType": compliance},
        },
    }


@pytest.mark.aws_behaviour(
    "config.compliance-change-event-fields", "config.s3-default-encryption-kms-no-exclusions"
)
@pytest.mark.parametrize(
    ("rule", "resource", "alerted"),
    [
        ("s3-default-encryption-kms", "logs-a", False),  # accepted: the SSE-S3 access-log bucket
        ("s3-default-encryption-kms", "someones-bucket", True),
        ("s3-bucket-ssl-requests-only", "logs-a", True),  # accepted under one rule only
        ("vpc-flow-logs-enabled", "vpc-0default", False),
        ("vpc-flow-logs-enabled", "vpc-0platform", True),
        ("cloudtrail-enabled", "123456789012", True),
    ],
)
def test_accepted_non_compliance_is_not_alerted(gov, rule, resource, alerted):
    """S5: the rule cannot exclude the access-log buckets, so the alert does: other rules and buckets still
    alert."""
    from moto.events.models import EventPattern

    pattern = next(p for p in _patterns(gov.template("AlertsStack")) if p["source"] == ["aws.config"])
    assert EventPattern.load(json.dumps(pattern)).matches_event(_compliance_event(rule, resource)) is alerted
    assert not EventPattern.load(json.dumps(pattern)).matches_event(
        _compliance_event(rule, resource, "COMPLIANT")
    )


def test_every_rule_targets_the_topic(gov):
    t, stack, alerts = gov.template("AlertsStack"), gov.stacks["AlertsStack"], gov.objects["alerts"]
    topic_id = stack.get_logical_id(alerts.topic.node.default_child)
    rules = t.find_resources("AWS::Events::Rule")
    assert len(rules) == len(SAGEMAKER_FAILURE_EVENTS) + 3
    for rule in rules.values():
        assert rule["Properties"]["Targets"][0]["Arn"] == {"Ref": topic_id}


def test_alerts_options_and_given_key(gov):
    t, stack = gov.template("AlertsMinimal"), gov.stacks["AlertsMinimal"]
    assert len(t.find_resources("AWS::Events::Rule")) == len(SAGEMAKER_FAILURE_EVENTS)
    t.resource_count_is("AWS::SNS::Subscription", 0)
    t.resource_count_is("AWS::KMS::Key", 1)
    t.has_resource_properties(
        "AWS::SNS::Topic",
        {"KmsMasterKeyId": {"Fn::GetAtt": [_logical(stack, gov.objects["alerts_minimal_key"]), "Arn"]}},
    )


@pytest.mark.parametrize(
    ("kwargs", "messages"),
    [
        ({"emails": ["ops@", "x@example.com"]}, ["emails[0] 'ops@' is not an email address"]),
        ({"emails": ["a@example.com", "a@example.com"]}, ["emails[1] 'a@example.com' repeats emails[0]"]),
        ({"guardduty_min_severity": 11}, ["guardduty_min_severity 11 is outside 1-10"]),
        (
            {"guardduty_min_severity": 0.5, "emails": ["nope"]},
            ["0.5 is outside", "emails[0] 'nope' is not an email"],
        ),
        (
            {"accepted_non_compliance": {"s3-default-encryption-kms": ["b"]}, "config_compliance": False},
            ["accepted_non_compliance filters the Config alert; it needs config_compliance=True"],
        ),
        (
            {"accepted_non_compliance": {"restricted-ssh": []}},
            ["lists no resource ids for ['restricted-ssh']"],
        ),
    ],
)
def test_alerts_bad_input(kwargs, messages):
    with pytest.raises(ValueError) as info:
        Alerts(Stack(new_app(), "S"), "A", **kwargs)
    for message in messages:
        assert message in str(info.value)


# ------------------------------------------------------------------------ OrganizationGuardrailsStack


def _policies(t: Template) -> dict[str, dict]:
    return {
        r["Properties"]["Name"]: r["Properties"]
        for r in t.find_resources("AWS::Organizations::Policy").values()
    }


def test_guardrails_attach_scps_and_opt_out_to_ous(gov):
    policies = _policies(gov.template("Org"))
    assert set(policies) == {
        "ml-sagemaker-network",
        "ml-sagemaker-encryption",
        "ml-protect-audit",
        "ml-region-allow-list",
        "ml-ai-services-opt-out",
    }
    for props in policies.values():
        assert props["TargetIds"] == ["ou-ab12-cd34ef56", "ou-zz99-0000aaaa"]
    assert policies["ml-ai-services-opt-out"]["Type"] == "AISERVICES_OPT_OUT_POLICY"
    assert policies["ml-sagemaker-network"]["Type"] == "SERVICE_CONTROL_POLICY"
    assert policies["ml-sagemaker-network"]["Content"] == scp.load_policy("sagemaker-network")
    region = policies["ml-region-allow-list"]["Content"]["Statement"][0]["Condition"]
    assert region == {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "eu-central-1"]}}
    protect = {s["Sid"]: s for s in policies["ml-protect-audit"]["Content"]["Statement"]}
    assert "Condition" not in protect["DenyStoppingAuditAndDetection"], (
        "no break-glass role: nobody may stop them"
    )
    assert protect["DenyReconfiguringAuditAndDetection"]["Condition"] == {
        "ArnNotLike": {"aws:PrincipalArn": ["arn:aws:iam::*:role/cdk-hnb659fds-cfn-exec-role-*"]}
    }


def test_guardrails_minimal(gov):
    policies = _policies(gov.template("OrgMinimal"))
    assert set(policies) == {
        "secure-ml-sagemaker-network",
        "secure-ml-sagemaker-encryption",
        "secure-ml-protect-audit",
    }
    protect = {s["Sid"]: s for s in policies["secure-ml-protect-audit"]["Content"]["Statement"]}
    assert protect["DenyStoppingAuditAndDetection"]["Condition"] == {
        "ArnNotLike": {"aws:PrincipalArn": ["arn:aws:iam::*:role/breakglass"]}
    }
    assert protect["DenyReconfiguringAuditAndDetection"]["Condition"] == {
        "ArnNotLike": {
            "aws:PrincipalArn": [
                "arn:aws:iam::*:role/cdk-hnb659fds-cfn-exec-role-*",
                "arn:aws:iam::*:role/breakglass",
            ]
        }
    }


@pytest.mark.aws_behaviour("organizations.five-scps-per-target")
def test_guardrails_merged_into_as_few_scps_as_fit(gov):
    """D11: with merge_scps the platform takes 1-2 of the 5 SCP slots of an OU instead of 3-4: its statements,
    in
    order, packed into SCPs of at most 5,120 characters; the first keeps the id and name "guardrails"."""
    policies = _policies(gov.template("OrgMerged"))
    guardrails = [name for name in sorted(policies) if name.startswith("ml-guardrails")]
    assert guardrails[0] == "ml-guardrails" and 1 <= len(guardrails) <= 2
    assert set(policies) == {*guardrails, "ml-ai-services-opt-out"}
    expected = [
        s
        for name in ("sagemaker-network", "sagemaker-encryption", "protect-audit", "region-allow-list")
        for s in scp.load_policy(
            name,
            **{
                "protect-audit": {
                    "deployer_role_arns": ["arn:aws:iam::*:role/cdk-hnb659fds-cfn-exec-role-*"],
                    "break_glass_role_arns": [],
                },
                "region-allow-list": {"allowed_regions": ["eu-west-1"]},
            }.get(name, {}),
        )["Statement"]
    ]
    assert [s for name in guardrails for s in policies[name]["Content"]["Statement"]] == expected
    for name in guardrails:
        merged = policies[name]
        assert merged["Type"] == "SERVICE_CONTROL_POLICY" and merged["TargetIds"] == ["ou-ab12-cd34ef56"]
        assert len(scp.minified(merged["Content"])) <= scp.MAX_SIZE[scp.SERVICE_CONTROL_POLICY]
        assert len(merged["Description"]) <= 512


@pytest.mark.aws_behaviour("organizations.policy-type-enabled-on-root", "organizations.five-scps-per-target")
def test_guardrails_warn_about_what_cloudformation_cannot_check(gov):
    """D11: enabling the policy types in the root and the SCPs already on an OU are outside the template."""
    warnings = Annotations.from_stack(gov.stacks["Org"])
    warnings.has_warning(
        "/Org",
        Match.string_like_regexp(
            r"enable the policy type\(s\) AISERVICES_OPT_OUT_POLICY, SERVICE_CONTROL_POLICY in the "
            r"organization's root.*PolicyTypeNotEnabledException"
        ),
    )
    warnings.has_warning(
        "/Org",
        Match.string_like_regexp(
            r"Each target OU gets 4 SCP\(s\) here; organization.attached_scps_per_target says 1 are attached "
            r"already"
        ),
    )
    Annotations.from_stack(gov.stacks["OrgMinimal"]).has_warning(
        "/OrgMinimal", Match.string_like_regexp(r"enable the policy type\(s\) SERVICE_CONTROL_POLICY in")
    )


@pytest.mark.aws_behaviour("organizations.five-scps-per-target")
def test_guardrails_stack_refuses_more_than_five_scps_per_ou():
    org = OrganizationConfig.model_construct(
        target_ou_ids=["ou-ab12-cd34ef56"],
        allowed_regions=[],
        ai_services_opt_out=False,
        merge_scps=False,
        deployer_role_arns=["arn:aws:iam::*:role/x"],
        break_glass_role_arns=[],
        attached_scps_per_target=3,
    )
    with pytest.raises(
        ValueError,
        match=r"3 platform SCP\(s\) plus the 3 already attached exceed the 5 SCPs "
        r"AWS allows per OU; set organization.merge_scps: true",
    ):
        OrganizationGuardrailsStack(new_app(), "Org", organization=org)


# ---------------------------------------------------------------------------------- reference app


def test_reference_stage_has_a_governance_stack_on_the_foundation_logs_key(reference_app):
    _, stage, _ = reference_app
    t = Template.from_stack(stage.governance)
    t.resource_count_is("AWS::CloudTrail::Trail", 1)
    t.resource_count_is("AWS::Config::ConfigRule", len(CONFIG_RULES))  # eu-west-1 has every rule
    t.resource_count_is("AWS::Config::ConfigurationRecorder", 1)  # default.yaml: a standalone account
    t.resource_count_is("AWS::GuardDuty::Detector", 1)
    t.resource_count_is("AWS::SNS::Topic", 1)
    t.has_resource_properties(
        "AWS::CloudTrail::Trail", {"TrailName": "secure-ml-audit", "IsMultiRegionTrail": True}
    )
    trail = next(iter(t.find_resources("AWS::CloudTrail::Trail").values()))["Properties"]
    assert "Foundation" in str(trail["KMSKeyId"]), "the trail uses the Foundation stack's logs key"
    assert "DataBucket" in str(trail["EventSelectors"]) and "ArtifactsBucket" in str(trail["EventSelectors"])
    assert (
        stage.governance.dependencies == [stage.foundation]
        or stage.foundation in stage.governance.dependencies
    )


@pytest.mark.aws_behaviour("config.delivery-bucket-no-object-lock")
def test_reference_stage_keeps_object_lock_on_the_trail_archive_only(reference_app):
    """D1 in the deployed stage: CloudTrail delivers to the Object Lock archive, Config to its own bucket."""
    _, stage, _ = reference_app
    t = Template.from_stack(stage.governance)
    buckets = t.find_resources("AWS::S3::Bucket")
    trail_bucket = next(iter(t.find_resources("AWS::CloudTrail::Trail").values()))["Properties"][
        "S3BucketName"
    ]["Ref"]
    channel = next(iter(t.find_resources("AWS::Config::DeliveryChannel").values()))
    config_bucket = channel["Properties"]["S3BucketName"]["Ref"]
    assert trail_bucket != config_bucket
    assert buckets[trail_bucket]["Properties"]["ObjectLockEnabled"] is True
    assert "ObjectLockEnabled" not in buckets[config_bucket]["Properties"]
    encryption = buckets[config_bucket]["Properties"]["BucketEncryption"][
        "ServerSideEncryptionConfiguration"
    ][0]
    assert encryption["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    assert "Foundation" in json.dumps(encryption), (
        "Config deliveries are encrypted with the Foundation's logs key"
    )
    assert "Foundation" in json.dumps(channel["Properties"]["S3KmsKeyArn"])
    # the archive is CloudTrail's alone now
    archive_policy = next(
        p["Properties"]["PolicyDocument"]["Statement"]
        for p in t.find_resources("AWS::S3::BucketPolicy").values()
        if p["Properties"]["Bucket"] == {"Ref": trail_bucket}
    )
    assert "config.amazonaws.com" not in json.dumps(archive_policy)


def _only(t: Template, resource_type: str) -> tuple[str, dict]:
    found = t.find_resources(resource_type)
    assert len(found) == 1, (resource_type, list(found))
    return next(iter(found.items()))


@pytest.mark.aws_behaviour(
    "config.same-account-delivery-uses-recorder-role",
    "config.recorder-role-delivery-permissions",
    "iam.principal-arn-of-role-session",
)
def test_reference_stage_config_can_write_as_its_recorder_role(reference_app):
    """D2 in the deployed stage: the recorder's role may put objects under AWSLogs/<account>/ of the channel's
    bucket, and no Deny of that bucket's policy applies to a session of the role."""
    _, stage, _ = reference_app
    t = Template.from_stack(stage.governance)
    _, recorder = _only(t, "AWS::Config::ConfigurationRecorder")
    role_id = recorder["Properties"]["RoleARN"]["Fn::GetAtt"][0]
    _, channel = _only(t, "AWS::Config::DeliveryChannel")
    bucket_id = channel["Properties"]["S3BucketName"]["Ref"]
    grants = [
        s
        for p in t.find_resources("AWS::IAM::ManagedPolicy").values()
        if {"Ref": role_id} in p["Properties"].get("Roles", [])
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]
    grants += [
        s
        for p in t.find_resources("AWS::IAM::Policy").values()
        if {"Ref": role_id} in p["Properties"].get("Roles", [])
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]
    puts = [s for s in grants if s["Effect"] == "Allow" and "s3:PutObject" in json.dumps(s["Action"])]
    assert puts and all(
        f'"{bucket_id}"' in json.dumps(s["Resource"]) and "/AWSLogs/" in json.dumps(s["Resource"])
        for s in puts
    )
    policy = next(
        p["Properties"]["PolicyDocument"]["Statement"]
        for p in t.find_resources("AWS::S3::BucketPolicy").values()
        if p["Properties"]["Bucket"] == {"Ref": bucket_id}
    )
    assert _denies_for(policy, role_id) == []


@pytest.mark.aws_behaviour("config.delivery-channel-needs-recorder")
def test_reference_stage_channel_waits_for_the_recorder(reference_app):
    """D3 in the deployed stage."""
    _, stage, _ = reference_app
    t = Template.from_stack(stage.governance)
    recorder_id, _ = _only(t, "AWS::Config::ConfigurationRecorder")
    _, channel = _only(t, "AWS::Config::DeliveryChannel")
    assert recorder_id in channel.get("DependsOn", [])


@pytest.mark.aws_behaviour("config.s3-default-encryption-kms-no-exclusions")
def test_reference_stage_does_not_alert_on_its_own_access_log_buckets(reference_app):
    """S5: the Foundation's and the Governance stack's SSE-S3 access-log buckets are the accepted results of
    s3-default-encryption-kms; nothing else is filtered."""
    _, stage, _ = reference_app
    t = Template.from_stack(stage.governance)
    pattern = next(p for p in _patterns(t) if p["source"] == ["aws.config"])
    accepted = pattern["detail"]["$or"]
    assert accepted[0] == {"configRuleName": [{"anything-but": ["s3-default-encryption-kms"]}]}
    assert accepted[1]["configRuleName"] == ["s3-default-encryption-kms"]
    names = accepted[1]["resourceId"][0]["anything-but"]
    assert len(names) == 2 and len(accepted) == 2
    archive_logs = stage.governance.audit_trail.archive.server_access_logs_bucket
    assert {"Ref": _logical(stage.governance, archive_logs)} in names
    foundation = json.dumps([n for n in names if "Ref" not in n])
    assert "secure-ml-Foundation" in foundation and "AccessLogs" in foundation


@pytest.fixture(scope="module")
def reference_app_with_organization():
    from cdk_secure_ml.config import parse_config
    from cdk_secure_ml.stacks.reference_app import build_reference_app
    from tests.conftest import strict_app

    config = parse_config(
        textwrap.dedent("""\
        name: ml-org
        region: eu-central-1
        governance:
          central_log_archive:
            bucket_name: org-log-archive
            kms_key_arn: arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
          alert_emails: [sec@example.com]
          config_recorder: false
          guardduty_detector: false
          organization:
            management_account_id: "999988887777"
            target_ou_ids: [ou-ab12-cd34ef56]
            allowed_regions: [eu-central-1]
        """)
    )
    app, stage = build_reference_app(config, app=strict_app())
    app.synth()  # raises on any unacknowledged cdk-nag finding
    return app, stage


def test_reference_app_builds_org_guardrails_only_with_an_organization_section(
    reference_app, reference_app_with_organization
):
    app, _, _ = reference_app
    assert not [s for s in app.node.children if isinstance(s, OrganizationGuardrailsStack)]
    app, stage = reference_app_with_organization
    org = next(s for s in app.node.children if isinstance(s, OrganizationGuardrailsStack))
    assert org.account == "999988887777" and org.region == "us-east-1"
    Template.from_stack(org).resource_count_is("AWS::Organizations::Policy", 5)
    gov = Template.from_stack(stage.governance)
    gov.has_resource_properties("AWS::CloudTrail::Trail", {"S3BucketName": "org-log-archive"})
    gov.resource_count_is("AWS::Config::ConfigurationRecorder", 0)
    gov.resource_count_is("AWS::GuardDuty::Detector", 0)
    gov.resource_count_is("AWS::S3::Bucket", 0)
