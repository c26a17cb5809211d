"""AWS managed policies: the shipped extract is moto's current copy, and a role that attaches one is
evaluated with its document."""

from __future__ import annotations

import pytest

from cdk_secure_ml.policies.access.evaluator import Request, evaluate
from cdk_secure_ml.policies.access.managed import aws_managed_policy
from cdk_secure_ml.policies.template import InputError
from tools.aws_managed_policies import FILE, render


def test_the_shipped_extract_is_current():
    assert FILE.read_text(encoding="utf-8") == render(), "run: .venv/bin/python -m tools.aws_managed_policies"


def test_an_aws_managed_policy_grants_what_its_document_says():
    policy = aws_managed_policy("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
    from cdk_secure_ml.policies.access.evaluator import Principal

    role = Principal("arn:aws:iam::111122223333:role/fn", "111122223333", (policy,))
    log = "arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/fn:log-stream:x"
    assert evaluate(Request(role, "logs:PutLogEvents", log)).deciding == "allow"
    assert evaluate(Request(role, "s3:GetObject", "arn:aws:s3:::b/k")).deciding == "implicit-deny"


def test_an_unknown_aws_managed_policy_is_named():
    with pytest.raises(InputError, match="NoSuchPolicyAtAll: no AWS managed policy of that name"):
        aws_managed_policy("arn:aws:iam::aws:policy/NoSuchPolicyAtAll")
