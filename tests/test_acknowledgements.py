"""acknowledge() and skip_checkov(): reasons are mandatory, metadata lands on the right resource."""

from __future__ import annotations

import pytest
from aws_cdk import Stack
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Template

from cdk_secure_ml.policies.acknowledgements import acknowledge, in_regulatory_packs, skip_checkov
from tests.conftest import new_app


def test_regulatory_pack_ids():
    assert in_regulatory_packs("S3BucketLoggingEnabled") == [
        "HIPAA.Security-S3BucketLoggingEnabled", "NIST.800.53.R5-S3BucketLoggingEnabled",
        "PCI.DSS.321-S3BucketLoggingEnabled"]


@pytest.mark.parametrize("reason", ["", "   "])
def test_reason_is_mandatory(reason):
    topic = sns.Topic(Stack(new_app(), "S"), "T")
    with pytest.raises(ValueError, match="needs a reason"):
        acknowledge(topic, reason, "AwsSolutions-SNS2")
    with pytest.raises(ValueError, match="needs a reason"):
        skip_checkov(topic, reason, "CKV_AWS_26")


def test_rule_ids_are_mandatory():
    topic = sns.Topic(Stack(new_app(), "S"), "T")
    with pytest.raises(ValueError, match="names no rule id"):
        acknowledge(topic, "because")
    with pytest.raises(ValueError, match="names no check id"):
        skip_checkov(topic, "because")


def test_skip_checkov_accumulates_on_the_l1_resource():
    stack = Stack(new_app(), "S")
    topic = sns.Topic(stack, "T")
    skip_checkov(topic, "first", "CKV_AWS_26")
    skip_checkov(topic.node.default_child, "second", "CKV_AWS_99")
    resource = next(iter(Template.from_stack(stack).find_resources("AWS::SNS::Topic").values()))
    assert resource["Metadata"]["checkov"] == {"skip": [{"id": "CKV_AWS_26", "comment": "first"},
                                                        {"id": "CKV_AWS_99", "comment": "second"}]}


def test_skip_checkov_refuses_a_non_resource():
    stack = Stack(new_app(), "S")
    with pytest.raises(ValueError, match="is not a CloudFormation resource"):
        skip_checkov(stack, "why", "CKV_AWS_1")


# -- what travels with the template (docs/rules.md, docs/iam-lint.md) ---------------------------------


def test_acknowledge_writes_our_rules_into_every_resource_of_the_subtree():
    from aws_cdk import aws_s3 as s3

    from cdk_secure_ml.policies.ids import ack_id

    stack = Stack(new_app(), "S")
    bucket = s3.Bucket(stack, "B", enforce_ssl=True)
    acknowledge(bucket, "fixture reason", ack_id("SML-ENC-7"), "AwsSolutions-S1")
    acknowledge(bucket.policy, "closer reason", ack_id("SML-ENC-7"))  # the closest construct's wins
    template = Template.from_stack(stack)
    (b,) = template.find_resources("AWS::S3::Bucket").values()
    (p,) = template.find_resources("AWS::S3::BucketPolicy").values()
    # only our rules (cdk-nag's ids mean nothing to secure-ml check)
    assert b["Metadata"]["cdk_secure_ml"] == {
        "acknowledge": [{"rule": "SML-ENC-7", "reason": "fixture reason"}]
    }
    assert p["Metadata"]["cdk_secure_ml"] == {
        "acknowledge": [{"rule": "SML-ENC-7", "reason": "closer reason"}]
    }


def test_acknowledge_without_our_rules_writes_no_metadata():
    stack = Stack(new_app(), "S")
    acknowledge(sns.Topic(stack, "T"), "fixture reason", "AwsSolutions-SNS3")
    (topic,) = Template.from_stack(stack).find_resources("AWS::SNS::Topic").values()
    assert "cdk_secure_ml" not in topic.get("Metadata", {})


def test_justify_iam_lint_accumulates_on_the_l1_resource():
    from cdk_secure_ml.policies.acknowledgements import justify_iam_lint

    stack = Stack(new_app(), "S")
    topic = sns.Topic(stack, "T")
    justify_iam_lint(topic, "first", "RESOURCE_STAR", policy="PolicyDocument/Sid")
    justify_iam_lint(topic.node.default_child, "second", "MISMATCHED_TYPE", detail="*x*")
    justify_iam_lint(topic, "first", "RESOURCE_STAR", policy="PolicyDocument/Sid")  # no duplicate
    (resource,) = Template.from_stack(stack).find_resources("AWS::SNS::Topic").values()
    assert resource["Metadata"]["cdk_secure_ml"] == {"iam_lint": [
        {"issue": "RESOURCE_STAR", "policy": "PolicyDocument/Sid", "reason": "first"},
        {"issue": "MISMATCHED_TYPE", "detail": "*x*", "reason": "second"},
    ]}  # fmt: skip


@pytest.mark.parametrize(("reason", "issue", "message"), [
    ("", "RESOURCE_STAR", "needs a reason"), ("why", " ", "names no parliament issue"),
])  # fmt: skip
def test_justify_iam_lint_refuses_an_empty_reason_or_issue(reason, issue, message):
    from cdk_secure_ml.policies.acknowledgements import justify_iam_lint

    with pytest.raises(ValueError, match=message):
        justify_iam_lint(sns.Topic(Stack(new_app(), "S"), "T"), reason, issue)
    with pytest.raises(ValueError, match="is not a CloudFormation resource"):
        justify_iam_lint(Stack(new_app(), "S2"), "why", "RESOURCE_STAR")
