"""SML-IAM-8 and SML-ENC-12 on Allow statements to Principal * whose conditions restrict nobody (issue 14,
the second review): each insecure clause is flagged and its secure twin (the same key, a positive
operator without IfExists or ForAllValues) stays clean. Deny statements are not judged."""

from __future__ import annotations

from typing import Any

import pytest

from cdk_secure_ml.policies.iam_document import non_restricting_condition

from .sml_helpers import findings, res, template

VPCE = "vpce-0123456789abcdef0"
ACCOUNT = "111122223333"

#: (id, insecure condition, words the message carries, secure twin condition)
CASES = [
    ("ifexists", {"StringEqualsIfExists": {"aws:SourceVpce": VPCE}}, "requests without the key pass",
     {"StringEquals": {"aws:SourceVpce": VPCE}}),
    ("negated", {"StringNotEquals": {"aws:PrincipalAccount": ACCOUNT}}, "every value but those listed",
     {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}}),
    ("null-true", {"Null": {"aws:SourceVpce": "true"}}, "matches requests without the key",
     {"Null": {"aws:SourceVpce": "false"}, "StringEquals": {"aws:SourceVpce": VPCE}}),
    ("forallvalues", {"ForAllValues:StringEquals": {"aws:PrincipalOrgPaths": ["o-abc/r-ab12/ou-ab12-1/"]}},
     "true when the request has no aws:PrincipalOrgPaths",
     {"ForAnyValue:StringEquals": {"aws:PrincipalOrgPaths": ["o-abc/r-ab12/ou-ab12-1/"]}}),
    ("arn-wildcard", {"ArnLike": {"aws:SourceArn": "arn:aws:*:*:*:*"}}, "matches every caller",
     {"ArnLike": {"aws:SourceArn": f"arn:aws:sagemaker:*:{ACCOUNT}:*"}}),
]  # fmt: skip
IDS = [case[0] for case in CASES]


def _statement(condition: dict[str, Any], effect: str = "Allow") -> dict[str, Any]:
    return {"Sid": "Shared", "Effect": effect, "Principal": {"AWS": "*"}, "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::models/*", "Condition": condition}  # fmt: skip


def _bucket_policy(statement: dict[str, Any]) -> dict[str, Any]:
    document = {"Version": "2012-10-17", "Statement": [statement]}
    return template({"P": res("AWS::S3::BucketPolicy", Bucket="models", PolicyDocument=document)})


def _key(statement: dict[str, Any]) -> dict[str, Any]:
    document = {
        "Version": "2012-10-17",
        "Statement": [{**statement, "Action": "kms:Decrypt", "Resource": "*"}],
    }
    return template({"K": res("AWS::KMS::Key", EnableKeyRotation=True, KeyPolicy=document)})


@pytest.mark.aws_behaviour("iam.set-operators-and-missing-keys", "iam.ifexists-null-missing-key")
@pytest.mark.parametrize(("name", "insecure", "why", "secure"), CASES, ids=IDS)
def test_bucket_policy_allow_to_everyone_with_a_non_restricting_condition_is_an_error(
    name: str, insecure: dict[str, Any], why: str, secure: dict[str, Any]
) -> None:
    (finding,) = findings(_bucket_policy(_statement(insecure)), "SML-IAM-8", "P")
    assert finding.severity == "error"
    assert "statement 0 (Shared)" in finding.message and "restricts nobody" in finding.message
    assert why in finding.message, finding.message
    assert findings(_bucket_policy(_statement(secure)), "SML-IAM-8") == []


@pytest.mark.aws_behaviour("iam.set-operators-and-missing-keys", "iam.ifexists-null-missing-key")
@pytest.mark.parametrize(("name", "insecure", "why", "secure"), CASES, ids=IDS)
def test_key_policy_allow_to_everyone_with_a_non_restricting_condition_is_an_error(
    name: str, insecure: dict[str, Any], why: str, secure: dict[str, Any]
) -> None:
    (finding,) = findings(_key(_statement(insecure)), "SML-ENC-12", "K")
    assert finding.severity == "error" and why in finding.message, finding.message
    assert findings(_key(_statement(secure)), "SML-ENC-12") == []


@pytest.mark.parametrize(("name", "insecure", "why", "secure"), CASES, ids=IDS)
def test_deny_statements_are_not_judged(name: str, insecure: dict[str, Any], why: str, secure: Any) -> None:
    assert findings(_bucket_policy(_statement(insecure, "Deny")), "SML-IAM-8") == []
    assert findings(_key(_statement(insecure, "Deny")), "SML-ENC-12") == []


@pytest.mark.aws_behaviour("iam.set-operators-and-missing-keys", "iam.ifexists-null-missing-key")
def test_one_restricting_clause_restricts_the_statement() -> None:
    """Clauses are ANDed: a positive clause next to an IfExists one still restricts."""
    condition = {
        "StringEqualsIfExists": {"aws:SourceVpce": VPCE},
        "StringEquals": {"aws:PrincipalOrgID": "o-a"},
    }
    assert non_restricting_condition({"Condition": condition}) is None


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "*"}}, "matches every caller"),
        ({"ArnLike": {"aws:PrincipalArn": "arn:*"}}, "matches every caller"),
        ({"ArnEquals": {"aws:SourceArn": "arn:aws-us-gov:*:*"}}, "matches every caller"),
        ({"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, "every value but those listed"),
        ({"BoolIfExists": {"aws:PrincipalIsAWSService": "true"}}, "requests without the key pass"),
        ({"Null": {"aws:SourceVpce": True}}, "matches requests without the key"),
        ({"ArnLike": {"aws:SourceArn": "arn:aws:s3:::models-*"}}, None),
        ({"StringLike": {"aws:PrincipalOrgPaths": "o-a/*"}}, None),
        ({"Null": {"aws:SourceVpce": "false"}}, None),
    ],
)
@pytest.mark.aws_behaviour("iam.stringlike-wildcard-matches-any", "iam.ifexists-null-missing-key")
def test_which_clauses_restrict(condition: dict[str, Any], expected: str | None) -> None:
    why = non_restricting_condition({"Condition": condition})
    assert (why is None) if expected is None else (why is not None and expected in why), why
