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
