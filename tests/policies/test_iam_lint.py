"""``secure-ml iam-lint``: policy documents extracted from templates, placeholders, parliament findings,
justifications and the CLI contract."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import parliament  # noqa: F401  (a dev dependency: its absence must fail, not skip)
import pytest

from cdk_secure_ml.cli import main
from cdk_secure_ml.policies import iam_lint, scp
from cdk_secure_ml.policies.findings import CANNOT_VERIFY, Report
from cdk_secure_ml.policies.template import Template

from .sml_helpers import res, template

ROOT = Path(__file__).resolve().parents[2]
V = "2012-10-17"


def allow(action: Any, resource: Any, **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": V, "Statement": list(statements)}


def identity(*statements: dict[str, Any], **resources: Any) -> dict[str, Any]:
    """A template with one AWS::IAM::Policy ``P`` holding ``statements``, plus ``resources``."""
    return template(
        {"P": res("AWS::IAM::Policy", PolicyName="p", PolicyDocument=policy(*statements)), **resources}
    )


def lint(data: dict[str, Any], justifications: Path | str | None = None) -> Report:
    return iam_lint.lint_templates([Template(data, "inline.json")], justifications)


def docs(data: dict[str, Any]) -> dict[tuple[str, str], iam_lint.PolicyDocument]:
    return {
        (d.resource.logical_id, d.path): d for d in iam_lint.extract_documents(Template(data, "inline.json"))
    }


def rules(report: Report, severity: str | None = None) -> list[str]:
    return sorted(f.rule for f in report.findings if severity is None or f.severity == severity)


TRUST = policy(
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
)
BUCKET_ARN = {"Fn::GetAtt": ["Bucket", "Arn"]}
CLEAN_S3 = allow("s3:GetObject", {"Fn::Join": ["", [BUCKET_ARN, "/*"]]})


# -- extraction ---------------------------------------------------------------------------------------


def every_type() -> dict[str, Any]:
    resource_policy = policy(
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
         "Action": "sqs:SendMessage", "Resource": {"Fn::GetAtt": ["Queue", "Arn"]}}
    )  # fmt: skip
    return template(
        {
            "Role": res(
                "AWS::IAM::Role",
                AssumeRolePolicyDocument=TRUST,
                Policies=[
                    {"PolicyName": "a", "PolicyDocument": policy(CLEAN_S3)},
                    {"PolicyName": "b", "PolicyDocument": policy(allow("s3:ListBucket", BUCKET_ARN))},
                ],
            ),
            "Policy": res("AWS::IAM::Policy", PolicyName="p", PolicyDocument=policy(CLEAN_S3)),
            "Managed": res("AWS::IAM::ManagedPolicy", PolicyDocument=policy(CLEAN_S3)),
            "Bucket": res("AWS::S3::Bucket", BucketName="my-bucket"),
            "BucketPolicy": res("AWS::S3::BucketPolicy", Bucket={"Ref": "Bucket"}, PolicyDocument=policy(
                {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [BUCKET_ARN],
                 "Condition": {"Bool": {"aws:SecureTransport": "false"}}})),
            "Key": res("AWS::KMS::Key", KeyPolicy=policy(
                {"Effect": "Allow",
                 "Principal": {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}},
                 "Action": "kms:*", "Resource": "*"})),
            "Topic": res("AWS::SNS::Topic"),
            "TopicPolicy": res("AWS::SNS::TopicPolicy", Topics=[{"Ref": "Topic"}], PolicyDocument=policy(
                {"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sns:Publish",
                 "Resource": {"Ref": "Topic"}})),
            "Queue": res("AWS::SQS::Queue"),
            "QueuePolicy": res("AWS::SQS::QueuePolicy", Queues=[{"Ref": "Queue"}],
                               PolicyDocument=resource_policy),
            "Scp": res("AWS::Organizations::Policy", Name="s", Type="SERVICE_CONTROL_POLICY",
                       Content=json.dumps(policy({"Effect": "Deny", "Resource": "*",
                                                  "Action": "organizations:LeaveOrganization"}))),
            "TagPolicy": res("AWS::Organizations::Policy", Name="t", Type="TAG_POLICY", Content={"tags": {}}),
            "Group": res("AWS::SageMaker::ModelPackageGroup", ModelPackageGroupName="models",
                         ModelPackageGroupPolicy=policy(
                {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                 "Action": "sagemaker:DescribeModelPackageGroup",
                 "Resource": {"Fn::Sub": "arn:aws:sagemaker:${AWS::Region}:${AWS::AccountId}:"
                                         "model-package-group/models"}})),
        }
    )  # fmt: skip


def test_extracts_a_document_from_each_resource_type() -> None:
    found = {key: doc.kind for key, doc in docs(every_type()).items()}
    assert found == {
        ("Role", "AssumeRolePolicyDocument"): "trust",
        ("Role", "Policies[0].PolicyDocument"): "identity",
        ("Role", "Policies[1].PolicyDocument"): "identity",
        ("Policy", "PolicyDocument"): "identity",
        ("Managed", "PolicyDocument"): "identity",
        ("BucketPolicy", "PolicyDocument"): "resource",
        ("Key", "KeyPolicy"): "key",
        ("TopicPolicy", "PolicyDocument"): "resource",
        ("QueuePolicy", "PolicyDocument"): "resource",
        ("Scp", "Content"): "scp",  # a tag policy is not an IAM policy document
        ("Group", "ModelPackageGroupPolicy"): "resource",
    }
    assert docs(every_type())[("Scp", "Content")].document["Statement"][0]["Action"] == (
        "organizations:LeaveOrganization"
    )  # Content given as a JSON string


def test_every_type_lints_clean() -> None:
    report = lint(every_type())
    assert report.findings == []
    # kms:* on "*" in a key policy: "*" means this key there, so RESOURCE_STAR is not applicable.
    assert [(f.rule, f.resource) for f in report.acknowledged] == [("PARLIAMENT-RESOURCE_STAR", "Key")]
    assert report.acknowledged[0].reason.startswith("not applicable:")
    assert report.resources == 9  # the tag policy is not linted


def test_resource_with_false_condition_is_skipped() -> None:
    data = identity(allow("s3:GetObjectz", "*"))
    data["Conditions"] = {"Never": {"Fn::Equals": ["a", "b"]}}
    data["Resources"]["P"]["Condition"] = "Never"
    assert docs(data) == {}


# -- placeholders -------------------------------------------------------------------------------------


def concrete(statement: dict[str, Any], **resources: Any) -> dict[str, Any]:
    return docs(identity(statement, **resources))[("P", "PolicyDocument")].document["Statement"][0]


def test_pseudo_parameters_become_aws_us_east_1_and_the_example_account() -> None:
    statement = concrete(allow("logs:CreateLogStream", {"Fn::Sub": (
        "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/ml/${AWS::StackName}:*"
    )}))  # fmt: skip
    assert statement["Resource"] == "arn:aws:logs:us-east-1:123456789012:log-group:/ml/placeholder-stack:*"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (BUCKET_ARN, "arn:aws:s3:::my-bucket"),  # the BucketName property when it is known
        ({"Fn::Join": ["", [BUCKET_ARN, "/data/*"]]}, "arn:aws:s3:::my-bucket/data/*"),
        ({"Fn::Sub": "arn:aws:s3:::${Bucket}/*"}, "arn:aws:s3:::my-bucket/*"),
        ({"Fn::GetAtt": ["Unnamed", "Arn"]}, "arn:aws:s3:::unnamed"),  # else the logical id
        ({"Fn::GetAtt": ["Table", "Arn"]}, "arn:aws:dynamodb:us-east-1:123456789012:table/table"),
        ({"Fn::GetAtt": ["Logs", "Arn"]}, "arn:aws:logs:us-east-1:123456789012:log-group:logs:*"),
        ({"Ref": "Topic"}, "arn:aws:sns:us-east-1:123456789012:topic"),  # Ref of a topic is its ARN
        ({"Fn::GetAtt": ["Role", "Arn"]}, "arn:aws:iam::123456789012:role/role"),
    ],
)
def test_ref_and_getatt_of_a_resource_keep_the_arn_shape(value: Any, expected: str) -> None:
    statement = concrete(
        allow("s3:GetObject", value),
        Bucket=res("AWS::S3::Bucket", BucketName="my-bucket"),
        Unnamed=res("AWS::S3::Bucket"),
        Table=res("AWS::DynamoDB::Table"),
        Logs=res("AWS::Logs::LogGroup"),
        Topic=res("AWS::SNS::Topic"),
        Role=res("AWS::IAM::Role", AssumeRolePolicyDocument=TRUST),
    )
    assert statement["Resource"] == expected


def test_kms_key_arn_is_uuid_like_and_stable() -> None:
    statement = concrete(allow("kms:Decrypt", {"Fn::GetAtt": ["Key", "Arn"]}), Key=res("AWS::KMS::Key"))
    assert re.fullmatch(r"arn:aws:kms:us-east-1:123456789012:key/[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}",
                        statement["Resource"])  # fmt: skip
    again = concrete(allow("kms:Decrypt", {"Fn::GetAtt": ["Key", "Arn"]}), Key=res("AWS::KMS::Key"))
    assert again["Resource"] == statement["Resource"]


def test_ids_inside_arns_and_conditions() -> None:
    statement = concrete(
        allow(
            "ec2:AuthorizeSecurityGroupIngress",
            {"Fn::Join": ["", ["arn:aws:ec2:eu-west-1:", {"Ref": "AWS::AccountId"}, ":security-group/",
                               {"Fn::GetAtt": ["Vpc", "DefaultSecurityGroup"]}]]},
            Condition={"StringEquals": {"aws:SourceVpce": {"Ref": "Endpoint"},
                                        "aws:SourceVpc": {"Ref": "VpcId"}}},
        ),
        Vpc=res("AWS::EC2::VPC", CidrBlock="10.0.0.0/16"),
        Endpoint=res("AWS::EC2::VPCEndpoint"),
    )  # fmt: skip
    assert re.fullmatch(
        r"arn:aws:ec2:eu-west-1:123456789012:security-group/sg-[0-9a-f]{17}", statement["Resource"]
    )
    assert re.fullmatch(r"vpce-[0-9a-f]{17}", statement["Condition"]["StringEquals"]["aws:SourceVpce"])
    # A Ref to something that is neither resource nor parameter: a placeholder name, never a crash.
    assert statement["Condition"]["StringEquals"]["aws:SourceVpc"] == "placeholder-vpcid"


def test_parameters_without_default_by_type() -> None:
    data = identity(
        allow("ec2:DescribeVpcs", "*", Condition={"StringEquals": {"ec2:Vpc": {
            "Fn::Sub": "arn:aws:ec2:${AWS::Region}:${AWS::AccountId}:vpc/${Vpc}"}}}),
        allow("s3:GetObject", {"Fn::Sub": "arn:aws:s3:::${BucketName}/*"}),
    )  # fmt: skip
    data["Parameters"] = {"Vpc": {"Type": "AWS::EC2::VPC::Id"}, "BucketName": {"Type": "String"}}
    statements = docs(data)[("P", "PolicyDocument")].document["Statement"]
    assert re.fullmatch(r"arn:aws:ec2:us-east-1:123456789012:vpc/vpc-[0-9a-f]{17}",
                        statements[0]["Condition"]["StringEquals"]["ec2:Vpc"])  # fmt: skip
    assert statements[1]["Resource"] == "arn:aws:s3:::placeholder-bucketname/*"


def test_iam_policy_variables_are_kept() -> None:
    statement = concrete(
        allow("s3:GetObject", {"Fn::Sub": "arn:${AWS::Partition}:s3:::${Bucket}/home/${!aws:username}/*"}),
        Bucket=res("AWS::S3::Bucket"),
    )
    assert statement["Resource"] == "arn:aws:s3:::bucket/home/${aws:username}/*"


def test_underivable_whole_resource_is_star_with_a_cannot_verify_warning() -> None:
    data = identity(allow("sagemaker:DescribeDomain", {"Fn::ImportValue": "DomainArn"}))
    assert docs(data)[("P", "PolicyDocument")].document["Statement"][0]["Resource"] == "*"
    report = lint(data)
    # No RESOURCE_STAR: it would be about our "*", not the template.
    assert [(f.rule, f.severity) for f in report.findings] == [("PARLIAMENT-UNRESOLVED", "warning")]
    assert report.findings[0].message.startswith("PolicyDocument/Statement[0]: " + CANNOT_VERIFY)
    assert "Fn::ImportValue" in report.findings[0].message and report.success


def test_resource_star_in_the_template_is_reported() -> None:
    report = lint(identity(allow("s3:GetObject", "*")))
    assert [(f.rule, f.severity) for f in report.findings] == [("PARLIAMENT-RESOURCE_STAR", "warning")]


def test_unresolvable_fn_if_lints_the_first_branch_and_says_so() -> None:
    data = identity({"Fn::If": ["Prod", allow("s3:GetObjectz", "arn:aws:s3:::b/*"), {"Ref": "AWS::NoValue"}]})
    data["Parameters"] = {"Stage": {"Type": "String"}}
    data["Conditions"] = {"Prod": {"Fn::Equals": [{"Ref": "Stage"}, "prod"]}}
    report = lint(data)
    assert rules(report) == ["PARLIAMENT-UNKNOWN_ACTION", "PARLIAMENT-UNRESOLVED"]


def test_unresolvable_document_statement_or_action_is_left_out_with_a_warning() -> None:
    data = template(
        {
            "Whole": res("AWS::IAM::Policy", PolicyName="w", PolicyDocument={"Fn::ImportValue": "Doc"}),
            "Part": res("AWS::IAM::Policy", PolicyName="p", PolicyDocument=policy(
                {"Fn::ImportValue": "Statement"},  # type: ignore[arg-type]
                allow("s3:GetObjectz", "arn:aws:s3:::b/*", Sid="Typo"),
                allow({"Fn::ImportValue": "Action"}, "*"),
                allow(["s3:GetObject", {"Fn::ImportValue": "Action"}], "arn:aws:s3:::b/*"),
            )),
        }
    )  # fmt: skip
    found = sorted((f.resource, f.rule, f.message) for f in lint(data).findings)
    assert found == [
        ("Part", "PARLIAMENT-UNKNOWN_ACTION", ("PolicyDocument/Statement[1] (Sid Typo): Unknown action: "
                                              "Unknown action s3:GetObjectz")),
        ("Part", "PARLIAMENT-UNRESOLVED", ("PolicyDocument/Statement[3]: cannot verify: "
                                          'Action Fn::ImportValue "Action" cannot be linted, left out')),
        ("Part", "PARLIAMENT-UNRESOLVED", ("PolicyDocument: cannot verify: Statement[0] not linted: "
                                          'statement Fn::ImportValue "Statement" '
                                          "cannot be linted, left out")),
        ("Part", "PARLIAMENT-UNRESOLVED", ("PolicyDocument: cannot verify: Statement[2] not linted: "
                                          'Action Fn::ImportValue "Action" cannot be linted, left out')),
        ("Whole", "PARLIAMENT-UNRESOLVED", ("PolicyDocument: cannot verify: "
                                           'document Fn::ImportValue "Doc" cannot be linted, left out')),
    ]  # fmt: skip


def test_unknown_part_that_breaks_the_arn_shape_is_star_not_an_invalid_arn() -> None:
    imported = {"Fn::Join": ["", [{"Fn::ImportValue": "BucketArn"}, "/models/*"]]}
    inside = {"Fn::Join": ["", ["arn:aws:s3:::", {"Fn::ImportValue": "BucketName"}, "/models/*"]]}
    data = identity(allow("s3:GetObject", imported), allow("s3:GetObject", inside))
    statements = docs(data)[("P", "PolicyDocument")].document["Statement"]
    assert [s["Resource"] for s in statements] == ["*", "arn:aws:s3:::placeholder-importvalue/models/*"]
    report = lint(data)
    assert [(f.rule, f.message.split(":")[0]) for f in report.findings] == [
        ("PARLIAMENT-UNRESOLVED", "PolicyDocument/Statement[0]")
    ]


def test_policy_json_string_built_by_fn_sub() -> None:
    group_arn = "arn:aws:sagemaker:${AWS::Region}:${AWS::AccountId}:model-package-group/g"
    account = {"AWS": "arn:aws:iam::${AWS::AccountId}:root"}
    document = json.dumps(policy(allow("sagemaker:DescribeModelPackageGroup", group_arn, Principal=account)))
    data = template({"G": res("AWS::SageMaker::ModelPackageGroup", ModelPackageGroupName="g",
                              ModelPackageGroupPolicy={"Fn::Sub": document})})  # fmt: skip
    statement = docs(data)[("G", "ModelPackageGroupPolicy")].document["Statement"][0]
    assert statement["Resource"] == "arn:aws:sagemaker:us-east-1:123456789012:model-package-group/g"
    assert lint(data).findings == []


def test_unresolvable_principal_is_a_placeholder_role_with_a_warning() -> None:
    data = template({"Q": res("AWS::SQS::QueuePolicy", Queues=["q"], PolicyDocument=policy(
        {"Effect": "Allow", "Principal": {"AWS": {"Ref": "Consumer"}}, "Action": "sqs:ReceiveMessage",
         "Resource": "arn:aws:sqs:us-east-1:123456789012:q"}))},
        Parameters={"Consumer": {"Type": "String"}})  # fmt: skip
    report = lint(data)
    assert [f.message for f in report.findings] == [
        (
            "PolicyDocument/Statement[0]: cannot verify: Principal Ref Consumer linted as "
            "arn:aws:iam::123456789012:role/placeholder-consumer"
        )
    ]


def test_trust_policy_gets_the_role_as_its_resource() -> None:
    data = template(
        {"Role": res("AWS::IAM::Role", RoleName="runner", Path="/ml/", AssumeRolePolicyDocument=TRUST)}
    )
    statement = docs(data)[("Role", "AssumeRolePolicyDocument")].document["Statement"][0]
    assert statement["Resource"] == "arn:aws:iam::123456789012:role/ml/runner"
    assert lint(data).findings == []  # without the resource parliament reports every trust policy MALFORMED


def test_trust_policy_findings() -> None:
    bad = policy(
        {"Effect": "Allow", "Principal": {"AWS": "not-an-account"}, "Action": "sts:AssumeRole"},
        {"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "sts:AssumeRolez"},
    )
    report = lint(template({"Role": res("AWS::IAM::Role", AssumeRolePolicyDocument=bad)}))
    assert rules(report, "error") == ["PARLIAMENT-UNKNOWN_ACTION", "PARLIAMENT-UNKNOWN_PRINCIPAL"]


def test_numbers_in_conditions_do_not_crash_parliament() -> None:
    data = template({"BucketPolicy": res("AWS::S3::BucketPolicy", Bucket="b", PolicyDocument=policy(
        {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*",
         "Condition": {"NumericLessThan": {"s3:TlsVersion": 1}}}))})  # fmt: skip
    assert lint(data).findings == []


# -- parliament findings ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("statement", "rule", "in_message"),
    [
        (allow("s3:GetObjectz", "arn:aws:s3:::b/*"), "PARLIAMENT-UNKNOWN_ACTION", "s3:GetObjectz"),
        (allow("s4:GetObject", "arn:aws:s3:::b/*"), "PARLIAMENT-UNKNOWN_PREFIX", "s4"),
        (allow("s3:GetObject", "arn:aws:s3:::bucket"), "PARLIAMENT-RESOURCE_MISMATCH", "s3:GetObject needs"),
        (allow("s3:GetObject", "arn:aws:s3:::b/*", Condition={"StringEquals": {"s3:NoSuchKey": "x"}}),
         "PARLIAMENT-UNKNOWN_CONDITION_FOR_ACTION", "s3:NoSuchKey"),
        (allow("s3:GetObject", "arn:aws:s3:::b/*",
               Condition={"DateGreaterThan": {"aws:CurrentTime": "soon"}}),
         "PARLIAMENT-MISMATCHED_TYPE", "aws:CurrentTime"),
        (allow("s3:GetObject", "s3:::b/*"), "PARLIAMENT-INVALID_ARN", "Does not have 6 parts"),
        (allow("s3:GetObject", "arn:aws:s3:::b/*", Condition={"StringEqualz": {"aws:SourceAccount": "1"}}),
         "PARLIAMENT-UNKNOWN_OPERATOR", "StringEqualz"),
    ],
)  # fmt: skip
def test_known_bad_policy_gives_an_error(statement: dict[str, Any], rule: str, in_message: str) -> None:
    report = lint(identity(statement))
    errors = [f for f in report.findings if f.severity == "error"]
    assert [f.rule for f in errors] == [rule]
    assert in_message in errors[0].message
    assert errors[0].message.startswith("PolicyDocument/Statement[0]: ")
    assert (errors[0].file, errors[0].resource, errors[0].resource_type) == (
        "inline.json",
        "P",
        "AWS::IAM::Policy",
    )
    assert not report.success


def test_condition_keys_of_the_resource_type_count() -> None:
    # sagemaker:ResourceTag/${TagKey} is listed with the endpoint resource type, not the action's row:
    # parliament 1.6.4 alone reports it as unknown.
    team = {"StringEquals": {"sagemaker:ResourceTag/team": "${aws:PrincipalTag/team}"}}
    endpoints = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/*"
    assert lint(identity(allow(["sagemaker:DescribeEndpoint", "sagemaker:InvokeEndpoint"], endpoints,
                               Condition=team))).findings == []  # fmt: skip
    # A pipeline execution has no tag keys at all: that condition can never match.
    executions = "arn:aws:sagemaker:us-east-1:123456789012:pipeline/*"
    report = lint(identity(allow("sagemaker:StopPipelineExecution", executions, Condition=team)))
    assert rules(report, "error") == ["PARLIAMENT-UNKNOWN_CONDITION_FOR_ACTION"]


def test_clean_policy_gives_no_finding() -> None:
    report = lint(identity(
        allow(["s3:GetObject", "s3:PutObject"], {"Fn::Join": ["", [BUCKET_ARN, "/*"]]},
              Condition={"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}),
        allow("s3:ListBucket", BUCKET_ARN, Sid="List"),
        Bucket=res("AWS::S3::Bucket"),
    ))  # fmt: skip
    assert report.findings == [] and report.acknowledged == [] and report.success


def test_findings_are_deduplicated_and_name_the_statement_and_sid() -> None:
    # parliament reports the unknown key once per expanded action (s3:Get* is dozens).
    report = lint(identity(
        allow("s3:ListBucket", "arn:aws:s3:::b", Sid="Ok"),
        allow(["s3:GetObject", "s3:GetObjectAcl", "s3:GetObjectVersion"], "arn:aws:s3:::b/*", Sid="Bad",
              Condition={"StringEquals": {"s3:NoSuchKey": "x"}}),
    ))  # fmt: skip
    assert len(report.findings) == 1
    assert report.findings[0].message == (
        "PolicyDocument/Statement[1] (Sid Bad): Unknown condition for action: unknown condition s3:NoSuchKey "
        "for action(s) s3:GetObject, s3:GetObjectAcl, s3:GetObjectVersion"
    )


def test_duplicate_sid_is_reported_for_the_policy() -> None:
    report = lint(
        identity(
            allow("s3:ListBucket", "arn:aws:s3:::b", Sid="A"),
            allow("s3:ListBucket", "arn:aws:s3:::c", Sid="A"),
        )
    )
    assert [(f.rule, f.severity) for f in report.findings] == [("PARLIAMENT-DUPLICATE_SID", "error")]
    assert report.findings[0].message.startswith("PolicyDocument: ")


def test_policy_string_that_is_not_json() -> None:
    data = template(
        {
            "Scp": res(
                "AWS::Organizations::Policy", Name="s", Type="SERVICE_CONTROL_POLICY", Content="{not json"
            )
        }
    )
    assert rules(lint(data), "error") == ["PARLIAMENT-MALFORMED_JSON"]


def test_shipped_scps_lint_clean() -> None:
    params = {
        "protect-audit": {
            "deployer_role_arns": ["arn:aws:iam::*:role/cdk-hnb659fds-cfn-exec-role-*"],
            "break_glass_role_arns": ["arn:aws:iam::*:role/break-glass"],
        },
        "region-allow-list": {"allowed_regions": ["eu-west-1"]},
    }
    resources = {
        name.replace("-", ""): res("AWS::Organizations::Policy", Name=name, Type=scp.policy_type(name),
                                   Content=scp.load_policy(name, **params.get(name, {})))
        for name in scp.list_policies()
    }  # fmt: skip
    report = lint(template(resources))
    assert report.findings == [] and report.resources == 4  # the AI opt-out policy is not IAM


# -- justifications -----------------------------------------------------------------------------------

BAD_CONDITION = allow("s3:GetObject", "arn:aws:s3:::b/*", Sid="Legacy",
                      Condition={"StringEquals": {"s3:NoSuchKey": "x"}})  # fmt: skip


def write(tmp_path: Path, *entries: dict[str, Any]) -> Path:
    path = tmp_path / "justifications.yaml"
    path.write_text(json.dumps({"justifications": list(entries)}))  # JSON is YAML
    return path


@pytest.mark.parametrize(
    "entry",
    [
        {"issue": "UNKNOWN_CONDITION_FOR_ACTION", "resource": "P"},
        {"issue": "PARLIAMENT-UNKNOWN_CONDITION_FOR_ACTION", "resource": "stack/Role/*"},  # construct path
        {"issue": "UNKNOWN_CONDITION_FOR_ACTION", "resource": "*", "policy": "PolicyDocument/Legacy"},
        {"issue": "UNKNOWN_CONDITION_FOR_ACTION", "resource": "*", "policy": "PolicyDocument/Statement[[]0]"},
        {"issue": "UNKNOWN_CONDITION_FOR_ACTION", "resource": "P", "detail": "*s3:NoSuchKey*"},
    ],
)
def test_justified_finding_is_acknowledged(tmp_path: Path, entry: dict[str, Any]) -> None:
    data = identity(BAD_CONDITION)
    data["Resources"]["P"]["Metadata"] = {"aws:cdk:path": "stack/Role/DefaultPolicy/Resource"}
    report = lint(data, write(tmp_path, {**entry, "reason": "legacy key, removed in the next release"}))
    assert report.findings == [] and report.success
    assert [(f.rule, f.acknowledged, f.reason) for f in report.acknowledged] == [
        ("PARLIAMENT-UNKNOWN_CONDITION_FOR_ACTION", True, "legacy key, removed in the next release")
    ]


@pytest.mark.parametrize(
    "entry",
    [
        {"issue": "RESOURCE_MISMATCH", "resource": "P"},  # another issue
        {"issue": "UNKNOWN_CONDITION_FOR_ACTION", "resource": "Other"},
        {"issue": "UNKNOWN_CONDITION_FOR_ACTION", "resource": "P", "policy": "Policies[0].PolicyDocument"},
        {"issue": "UNKNOWN_CONDITION_FOR_ACTION", "resource": "P", "detail": "*s3:OtherKey*"},
    ],
)
def test_justification_that_does_not_match_leaves_the_error(tmp_path: Path, entry: dict[str, Any]) -> None:
    report = lint(identity(BAD_CONDITION), write(tmp_path, {**entry, "reason": "because"}))
    assert rules(report, "error") == ["PARLIAMENT-UNKNOWN_CONDITION_FOR_ACTION"]
    # The unused entry is itself reported, so stale justifications get noticed.
    assert rules(report, "warning") == ["PARLIAMENT-JUSTIFICATION"]


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_justification_without_a_reason_is_an_error(tmp_path: Path, reason: str | None) -> None:
    entry = {"issue": "UNKNOWN_CONDITION_FOR_ACTION", "resource": "P"}
    if reason is not None:
        entry["reason"] = reason
    path = write(tmp_path, entry)
    report = lint(identity(BAD_CONDITION), path)
    assert rules(report, "error") == ["PARLIAMENT-JUSTIFICATION", "PARLIAMENT-UNKNOWN_CONDITION_FOR_ACTION"]
    problem = next(f for f in report.findings if f.rule == "PARLIAMENT-JUSTIFICATION")
    assert problem.file == str(path) and problem.resource == "justifications[0]"
    assert "has no reason" in problem.message
    # Even with nothing else to report, the gate fails.
    assert not lint(identity(allow("s3:ListBucket", "arn:aws:s3:::b")), path).success


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"issue": "UNKNOWN_CONDITION", "resource": "P", "reason": "r"}, "unknown parliament issue"),
        ({"resource": "P", "reason": "r"}, "must name an issue and a resource"),
        ({"issue": "UNKNOWN_ACTION", "resource": "P", "reason": "r", "colour": "x"}, "unknown key(s) colour"),
        ({"issue": "UNKNOWN_ACTION", "resource": ["P"], "reason": "r"}, "resource must be a string"),
    ],
)
def test_invalid_justification_entries(tmp_path: Path, entry: dict[str, Any], message: str) -> None:
    report = lint(identity(allow("s3:ListBucket", "arn:aws:s3:::b")), write(tmp_path, entry))
    assert [(f.rule, f.severity) for f in report.findings] == [("PARLIAMENT-JUSTIFICATION", "error")]
    assert message in report.findings[0].message


def test_justification_problems_name_their_line(tmp_path: Path) -> None:
    path = tmp_path / "justifications.yaml"
    path.write_text(
        "# header\n"
        "justifications:\n"
        "  - issue: UNKNOWN_ACTION\n"
        "    resource: P\n"
        "    reason: a fixture entry that matches nothing\n"
        "  - issue: UNKNOWN_ACTION\n"
        "    resource: P\n"
        "    colour: blue\n"
    )
    report = lint(identity(allow("s3:ListBucket", "arn:aws:s3:::b")), path)
    assert sorted((f.severity, f.resource, f.line) for f in report.findings) == [
        ("error", "justifications[1]", 6), ("warning", "justifications[0]", 3),
    ]  # fmt: skip
    assert [f.message for f in report.findings if f.severity == "error"] == ["unknown key(s) colour"]


def test_the_data_directory_ships_no_justifications_file() -> None:
    """The library's justifications travel in the templates; a file in site-packages would be one a user
    edits, and would match by construct id."""
    assert not list((ROOT / "cdk_secure_ml" / "policies" / "data").glob("*.yaml"))
    assert not hasattr(iam_lint, "DEFAULT_JUSTIFICATIONS")


def carrying(*entries: Any, statement: dict[str, Any] = BAD_CONDITION) -> dict[str, Any]:
    """``identity(statement)`` whose policy carries ``entries`` in Metadata.cdk_secure_ml.iam_lint."""
    data = identity(statement)
    data["Resources"]["P"]["Metadata"] = {"cdk_secure_ml": {"iam_lint": list(entries)}}
    return data


def test_justification_in_resource_metadata_acknowledges_its_finding() -> None:
    report = lint(carrying({"issue": "UNKNOWN_CONDITION_FOR_ACTION", "policy": "PolicyDocument/Legacy",
                            "detail": "*s3:NoSuchKey*", "reason": "fixture: the construct's own reason"}))
    assert report.findings == []
    assert [(f.rule, f.reason) for f in report.acknowledged] == [
        ("PARLIAMENT-UNKNOWN_CONDITION_FOR_ACTION", "fixture: the construct's own reason")
    ]


def test_justification_in_metadata_applies_to_its_own_resource_only() -> None:
    data = carrying({"issue": "UNKNOWN_CONDITION_FOR_ACTION", "reason": "fixture: only P"})
    data["Resources"]["Q"] = res("AWS::IAM::Policy", PolicyName="q", PolicyDocument=policy(BAD_CONDITION))
    report = lint(data)
    found = [(f.rule, f.resource) for f in report.findings]
    assert found == [("PARLIAMENT-UNKNOWN_CONDITION_FOR_ACTION", "Q")]
    assert [f.resource for f in report.acknowledged] == ["P"]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"issue": "UNKNOWN_CONDITION_FOR_ACTION"}, "has no reason"),
        ({"issue": "NO_SUCH_ISSUE", "reason": "r"}, "unknown parliament issue 'NO_SUCH_ISSUE'"),
        ({"issue": "UNKNOWN_CONDITION_FOR_ACTION", "resource": "*", "reason": "r"}, "names no resource"),
        ({"issue": "UNKNOWN_CONDITION_FOR_ACTION", "reason": "r", "why": "x"}, "unknown key(s) why"),
    ],
)
def test_invalid_justification_in_metadata_is_an_error_on_the_resource(
    entry: dict[str, Any], message: str
) -> None:
    report = lint(carrying(entry))
    problems = [f for f in report.findings if f.rule == "PARLIAMENT-JUSTIFICATION"]
    assert len(problems) == 1 and problems[0].severity == "error" and problems[0].resource == "P"
    assert problems[0].message.startswith("Metadata.cdk_secure_ml.iam_lint[0]: ")
    assert message in problems[0].message
    # the finding it meant to justify is still reported
    assert "PARLIAMENT-UNKNOWN_CONDITION_FOR_ACTION" in rules(report)


def test_metadata_justifications_that_are_not_a_list() -> None:
    data = identity(CLEAN_S3, Bucket=res("AWS::S3::Bucket"))
    data["Resources"]["P"]["Metadata"] = {"cdk_secure_ml": {"iam_lint": {"issue": "X"}}}
    (problem,) = lint(data).findings
    assert problem.rule == "PARLIAMENT-JUSTIFICATION" and "must be a list" in problem.message


def test_unused_justification_in_metadata_is_a_warning_on_the_resource() -> None:
    data = carrying({"issue": "MISMATCHED_TYPE", "reason": "fixture: stale"}, statement=CLEAN_S3)
    data["Resources"]["Bucket"] = res("AWS::S3::Bucket")
    (stale,) = lint(data).findings
    assert (stale.rule, stale.severity, stale.resource) == ("PARLIAMENT-JUSTIFICATION", "warning", "P")
    assert "iam_lint[0]: justification of MISMATCHED_TYPE matches no finding" in stale.message


def test_a_user_file_adds_to_what_the_template_carries(tmp_path: Path) -> None:
    data = carrying({"issue": "UNKNOWN_CONDITION_FOR_ACTION", "reason": "fixture: the construct's"})
    data["Resources"]["Q"] = res("AWS::IAM::Policy", PolicyName="q", PolicyDocument=policy(BAD_CONDITION))
    user = write(
        tmp_path, {"issue": "UNKNOWN_CONDITION_FOR_ACTION", "resource": "Q", "reason": "fixture: mine"}
    )
    report = lint(data, user)
    assert report.findings == []
    assert sorted((f.resource, f.reason) for f in report.acknowledged) == [
        ("P", "fixture: the construct's"), ("Q", "fixture: mine")
    ]
    # an empty user file drops nothing the template carries
    empty = tmp_path / "empty.yaml"
    empty.write_text("justifications: []\n")
    assert [f.resource for f in lint(data, empty).acknowledged] == ["P"]


# -- CLI ----------------------------------------------------------------------------------------------


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def none(tmp_path: Path) -> list[str]:
    """``--justifications`` with an empty file (adds nothing to what the templates carry)."""
    path = tmp_path / "none.yaml"
    path.write_text("justifications: []\n")
    return ["--justifications", str(path)]


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    paths = {}
    for name, data in {
        "clean": identity(allow("s3:ListBucket", "arn:aws:s3:::b")),
        "warn": identity(allow("s3:GetObject", "*")),
        "bad": identity(allow("s3:GetObjectz", "arn:aws:s3:::b/*")),
    }.items():
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(data))
        paths[name] = str(path)
    return paths


def test_cli_clean_exits_0(capsys, files: dict[str, str], none: list[str]) -> None:
    code, out, err = run(capsys, "iam-lint", *none, files["clean"])
    assert code == 0 and err == ""
    assert out == "1 template(s), 1 resource(s): 0 error(s), 0 warning(s), 0 acknowledged\n"


def test_cli_warnings_only_exit_0(capsys, files: dict[str, str]) -> None:
    code, out, _ = run(capsys, "iam-lint", files["warn"])
    assert (
        code == 0
        and "warning PARLIAMENT-RESOURCE_STAR P (AWS::IAM::Policy): PolicyDocument/Statement[0]" in out
    )


def test_cli_error_exits_1(capsys, files: dict[str, str], none: list[str]) -> None:
    code, out, _ = run(capsys, "iam-lint", *none, files["bad"], files["clean"])
    assert code == 1
    assert f"{files['bad']}: error PARLIAMENT-UNKNOWN_ACTION P (AWS::IAM::Policy): " in out
    assert out.endswith("2 template(s), 2 resource(s): 1 error(s), 0 warning(s), 0 acknowledged\n")


def test_cli_json(capsys, files: dict[str, str], none: list[str]) -> None:
    code, out, _ = run(capsys, "iam-lint", "--format", "json", *none, files["bad"], files["warn"])
    doc = json.loads(out)
    assert code == 1 and set(doc) == {"findings", "summary"}
    assert {f["rule"]: f["severity"] for f in doc["findings"]} == {
        "PARLIAMENT-UNKNOWN_ACTION": "error", "PARLIAMENT-RESOURCE_STAR": "warning"
    }  # fmt: skip
    assert set(doc["findings"][0]) == {"rule", "severity", "file", "resource", "resource_type", "message"}
    assert doc["summary"]["errors"] == 1 and doc["summary"]["warnings"] == 1


@pytest.mark.aws_behaviour("s3.tls-version-numeric-condition")
def test_cli_reads_the_justifications_the_template_carries(capsys, tmp_path: Path) -> None:
    tls = {
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Action": "s3:*",
        "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
        "Condition": {"NumericLessThan": {"s3:TlsVersion": 1.2}},
    }  # what aws-cdk-lib's minimumTLSVersion writes
    bucket_policy = res("AWS::S3::BucketPolicy", Bucket="b", PolicyDocument=policy(tls))
    path = tmp_path / "t.json"
    path.write_text(json.dumps(template({"BucketPolicy": bucket_policy})))
    code, out, _ = run(capsys, "iam-lint", str(path))
    assert code == 1 and "s3:TlsVersion requires a value of type Numeric" in out  # nothing built in
    # what justify_tls_version() writes on the policies of the library's buckets
    bucket_policy["Metadata"] = {"cdk_secure_ml": {"iam_lint": [
        {"issue": "MISMATCHED_TYPE", "policy": "PolicyDocument", "reason": "fixture: the regex",
         "detail": "*s3:TlsVersion requires a value of type Numeric but given*1.2*"},
        {"issue": "UNKNOWN_CONDITION_FOR_ACTION", "policy": "PolicyDocument", "reason": "fixture: two",
         "detail": "*unknown condition s3:TlsVersion for action(s) s3:InitiateReplication, "
                   "s3:PutAccessPointPublicAccessBlock"},
    ]}}  # fmt: skip
    path.write_text(json.dumps(template({"BucketPolicy": bucket_policy})))
    code, out, _ = run(capsys, "iam-lint", str(path))
    assert (code, out) == (0, "1 template(s), 1 resource(s): 0 error(s), 0 warning(s), 2 acknowledged\n")


def test_cli_justifications_option(capsys, files: dict[str, str], tmp_path: Path) -> None:
    path = write(tmp_path, {"issue": "UNKNOWN_ACTION", "resource": "P", "reason": "fixture for the test"})
    code, out, _ = run(capsys, "iam-lint", "--justifications", str(path), files["bad"])
    assert code == 0 and out.endswith("0 error(s), 0 warning(s), 1 acknowledged\n")
    code, _, err = run(capsys, "iam-lint", "--justifications", str(tmp_path / "missing.yaml"), files["bad"])
    assert code == 2 and "missing.yaml: no such justifications file" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["iam-lint"], "the following arguments are required: PATH"),
        (["iam-lint", "--format", "sarif", "x.json"], "invalid choice: 'sarif'"),
        (["iam-lint", "no/such/dir"], "no/such/dir: no such file or directory"),
    ],
)
def test_cli_bad_usage_exits_2(capsys, argv: list[str], message: str) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "" and message in err


def test_cli_invalid_template_exits_2(capsys, tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"Resources": {\n  "A": }')
    code, _, err = run(capsys, "iam-lint", str(path))
    assert code == 2 and f"{path}:2:" in err


def test_cli_without_parliament_exits_2_with_install_hint(capsys, monkeypatch, files: dict[str, str]) -> None:
    monkeypatch.setitem(sys.modules, "parliament", None)  # import parliament -> ImportError
    code, out, err = run(capsys, "iam-lint", files["clean"])
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "pip install 'cdk-secure-ml[lint]'" in err


def test_library_and_cli_do_not_import_parliament() -> None:
    code = (
        "import sys; sys.modules['parliament'] = None\n"
        "import cdk_secure_ml.cli, cdk_secure_ml.policies.iam_lint, cdk_secure_ml.policies.runner\n"
        "from cdk_secure_ml.cli import main\n"
        "sys.exit(main(['rules']))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], check=False, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
