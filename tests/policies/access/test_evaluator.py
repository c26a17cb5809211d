"""One case per documented rule of AWS's policy evaluation logic, on hand-written policies."""

from __future__ import annotations

import pytest

from cdk_secure_ml.policies.access.conditions import UnknownOperator, condition_holds
from cdk_secure_ml.policies.access.evaluator import Policy, Principal, Request, evaluate

ACCOUNT, OTHER = "111122223333", "444455556666"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/people/ds"
BUCKET = "arn:aws:s3:::data"
KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/k1"


def doc(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action="s3:GetObject", resource="*", **extra):
    return {"Sid": "A", "Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action="s3:GetObject", resource="*", **extra):
    return {"Sid": "D", "Effect": "Deny", "Action": action, "Resource": resource, **extra}


def principal(*identity, boundary=None, scps=(), tags=None, account=ACCOUNT, arn=ROLE):
    return Principal(
        arn,
        account,
        tuple(Policy(doc(*s), "identity") for s in identity),
        Policy(doc(*boundary), "boundary") if boundary else None,
        tuple(Policy(doc(*s), "scp") for s in scps),
        tags or {},
    )


def decide(who, resource=f"{BUCKET}/a", action="s3:GetObject", resource_policy=(), account=None, **context):
    policies = (
        (Policy(doc(*resource_policy), "resource", "t.json", "BucketPolicy"),) if resource_policy else ()
    )
    return evaluate(Request(who, action, resource, account, policies, (), context))


@pytest.mark.aws_behaviour("iam.explicit-deny-wins")
def test_no_allow_is_an_implicit_deny_and_an_explicit_deny_wins():
    assert decide(principal([])).deciding == "implicit-deny"
    assert decide(principal([allow()])).deciding == "allow"
    decision = decide(principal([allow(), deny()]))
    assert (decision.decision, decision.deciding, [h.sid for h in decision.statements]) == (
        "deny",
        "explicit-deny",
        ["D"],
    )


@pytest.mark.aws_behaviour("iam.boundary-intersection")
def test_a_boundary_limits_and_grants_nothing():
    assert decide(principal([allow()], boundary=[allow("s3:PutObject")])).deciding == "implicit-deny"
    assert decide(principal([allow()], boundary=[allow("s3:*")])).deciding == "allow"
    assert decide(principal([], boundary=[allow("s3:*")])).deciding == "implicit-deny"


@pytest.mark.aws_behaviour("organizations.scp-ceiling")
def test_scps_are_a_ceiling():
    full = {"Effect": "Allow", "Action": "*", "Resource": "*"}
    assert decide(principal([allow()], scps=[[allow("ec2:*")]])).reason.startswith("no SCP")
    assert decide(principal([allow()], scps=[[full]])).deciding == "allow"
    assert decide(principal([allow()], scps=[[full, deny("s3:*")]])).deciding == "explicit-deny"
    assert decide(principal([], scps=[[full]])).deciding == "implicit-deny"


@pytest.mark.aws_behaviour("iam.same-account-resource-policy-grant")
def test_same_account_resource_policy_naming_the_role_is_enough():
    grant = allow(Principal={"AWS": ROLE})
    assert decide(principal([]), resource_policy=[grant]).deciding == "allow"
    # naming only the account delegates to IAM: the identity policies must allow
    to_account = allow(Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:root"})
    assert decide(principal([]), resource_policy=[to_account]).deciding == "implicit-deny"
    assert decide(principal([allow()]), resource_policy=[to_account]).deciding == "allow"


@pytest.mark.aws_behaviour("iam.cross-account-both-sides")
def test_cross_account_needs_both_sides():
    grant = allow(Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:root"})
    assert decide(principal([allow()]), account=OTHER).deciding == "implicit-deny"
    assert decide(principal([]), account=OTHER, resource_policy=[grant]).deciding == "implicit-deny"
    assert decide(principal([allow()]), account=OTHER, resource_policy=[grant]).deciding == "allow"


@pytest.mark.aws_behaviour("kms.key-policy-required")
def test_a_key_policy_must_allow():
    who = principal([allow("kms:Decrypt")])
    assert decide(who, KEY, "kms:Decrypt").reason.startswith("the key policy neither")
    enable_iam = allow("kms:*", Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:root"})
    assert decide(who, KEY, "kms:Decrypt", resource_policy=[enable_iam]).deciding == "allow"
    assert decide(principal([]), KEY, "kms:Decrypt", resource_policy=[enable_iam]).deciding == "implicit-deny"
    direct = allow("kms:Decrypt", Principal={"AWS": ROLE})
    assert decide(principal([]), KEY, "kms:Decrypt", resource_policy=[direct]).deciding == "allow"


@pytest.mark.aws_behaviour("kms.key-policy-required", "iam.cross-account-both-sides")
def test_another_accounts_key_needs_its_key_policy_and_the_callers_identity_policy():
    """The key policy naming the caller is not enough across accounts: its own IAM policy must allow too
    (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html)."""
    other_key = f"arn:aws:kms:us-east-1:{OTHER}:key/k2"
    names_role = allow("kms:Decrypt", Principal={"AWS": ROLE})
    names_account = allow("kms:Decrypt", Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:root"})
    for grant in (names_role, names_account):
        alone = decide(principal([]), other_key, "kms:Decrypt", resource_policy=[grant], account=OTHER)
        assert (alone.deciding, alone.reason) == (
            "implicit-deny", "cross-account key: the key policy and an identity policy must both allow it")
        both = decide(principal([allow("kms:Decrypt")]), other_key, "kms:Decrypt", resource_policy=[grant],
                      account=OTHER)
        assert both.deciding == "allow"
    no_key_policy = decide(principal([allow("kms:Decrypt")]), other_key, "kms:Decrypt", account=OTHER)
    assert no_key_policy.deciding == "implicit-deny"


@pytest.mark.aws_behaviour("vpc.endpoint-policy-also-applies")
def test_the_endpoint_policy_filters_requests_through_it():
    endpoint = Policy(doc(allow("s3:ListBucket", Principal="*")), "endpoint", "t.json", "Endpoint")
    request = Request(
        principal([allow()]),
        "s3:GetObject",
        f"{BUCKET}/a",
        None,
        (),
        (endpoint,),
        {"aws:SourceVpce": "vpce-1"},
    )
    assert evaluate(request).reason == "the VPC endpoint policy does not allow it"


def test_not_action_not_resource_and_not_principal():
    assert (
        decide(principal([{"Effect": "Allow", "NotAction": "s3:Put*", "Resource": "*"}])).deciding == "allow"
    )
    assert (
        decide(principal([{"Effect": "Allow", "NotAction": "s3:Get*", "Resource": "*"}])).deciding
        == "implicit-deny"
    )
    assert (
        decide(principal([{"Effect": "Allow", "Action": "s3:*", "NotResource": f"{BUCKET}/a"}])).deciding
        == "implicit-deny"
    )
    everyone_else = {"Effect": "Deny", "Action": "s3:*", "Resource": "*", "NotPrincipal": {"AWS": ROLE}}
    assert decide(principal([allow()]), resource_policy=[everyone_else]).deciding == "allow"
    other = principal([allow()], arn=f"arn:aws:iam::{ACCOUNT}:role/other")
    assert decide(other, resource_policy=[everyone_else]).deciding == "explicit-deny"


@pytest.mark.aws_behaviour("iam.boundary-intersection")
def test_deny_with_not_principal_applies_to_every_principal_with_a_boundary():
    everyone_else = {"Effect": "Deny", "Action": "s3:*", "Resource": "*", "NotPrincipal": {"AWS": ROLE}}
    bounded = principal([allow()], boundary=[allow("s3:*")])
    assert decide(bounded, resource_policy=[everyone_else]).deciding == "explicit-deny"


def test_a_service_principal_needs_the_resource_policy():
    service = Principal("cloudtrail.amazonaws.com")
    grant = allow("s3:PutObject", Principal={"Service": "cloudtrail.amazonaws.com"})
    assert decide(service, action="s3:PutObject", resource_policy=[grant]).deciding == "allow"
    assert decide(service, action="s3:PutObject").deciding == "implicit-deny"


@pytest.mark.aws_behaviour("iam.role-tags-are-principal-tags")
def test_policy_variables_and_principal_tags():
    team_prefix = allow(resource=f"{BUCKET}/${{aws:PrincipalTag/team}}/*")
    assert decide(principal([team_prefix], tags={"team": "a"}), f"{BUCKET}/a/x").deciding == "allow"
    assert decide(principal([team_prefix], tags={"team": "a"}), f"{BUCKET}/b/x").deciding == "implicit-deny"
    assert decide(principal([team_prefix]), f"{BUCKET}/a/x").deciding == "implicit-deny"  # no tag: no match


@pytest.mark.aws_behaviour("iam.set-operators-and-missing-keys", "iam.negated-operator-nor")
@pytest.mark.parametrize(
    ("block", "context", "expected"),
    [
        ({"StringEquals": {"k": "a"}}, {"K": "a"}, True),  # key names are case-insensitive
        ({"StringEquals": {"k": "a"}}, {"k": "A"}, False),
        ({"StringEqualsIgnoreCase": {"k": "a"}}, {"k": "A"}, True),
        ({"StringLike": {"k": "a*"}}, {"k": "abc"}, True),
        ({"StringNotEquals": {"k": ["a", "b"]}}, {"k": "b"}, False),  # NOR
        ({"StringNotEquals": {"k": "a"}}, {}, True),  # negated, missing key
        ({"StringEquals": {"k": "a"}}, {}, False),
        ({"StringEqualsIfExists": {"k": "a"}}, {}, True),
        ({"Null": {"k": "true"}}, {}, True),
        ({"Null": {"k": "false"}}, {}, False),
        ({"ForAnyValue:StringEquals": {"k": "a"}}, {}, False),
        ({"ForAllValues:StringEquals": {"k": "a"}}, {}, True),
        ({"ForAllValues:StringEquals": {"k": ["a", "b"]}}, {"k": ["a", "c"]}, False),
        ({"ForAnyValue:StringNotEquals": {"k": ["a"]}}, {"k": ["a", "c"]}, True),
        ({"Bool": {"aws:SecureTransport": "false"}}, {"aws:SecureTransport": "False"}, True),
        ({"NumericLessThan": {"s3:TlsVersion": 1.2}}, {"s3:TlsVersion": "1.1"}, True),
        ({"NumericGreaterThanEquals": {"n": "3"}}, {"n": "2"}, False),
        (
            {"DateLessThan": {"aws:CurrentTime": "2027-01-01T00:00:00Z"}},
            {"aws:CurrentTime": "2026-11-30T12:00:00Z"},
            True,
        ),
        ({"DateGreaterThan": {"aws:EpochTime": "1800000000"}}, {"aws:EpochTime": "1700000000"}, False),
        ({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}, {"aws:SourceIp": "10.1.2.3"}, True),
        ({"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}, {"aws:SourceIp": "192.168.0.1"}, True),
        (
            {"ArnLike": {"aws:SourceArn": "arn:aws:cloudwatch:*:1:alarm:*"}},
            {"aws:SourceArn": "arn:aws:cloudwatch:eu-west-1:1:alarm:x"},
            True,
        ),
        (
            {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::1:role/a*"}},
            {"aws:PrincipalArn": "arn:aws:iam::1:role/ab"},
            False,
        ),
        ({"StringEquals": {"a": "1"}, "StringLike": {"b": "2"}}, {"a": "1", "b": "3"}, False),  # AND
        (
            {"StringEquals": {"kms:EncryptionContext:aws:s3:arn": "x"}},
            {"kms:EncryptionContext:aws:s3:arn": "x"},
            True,
        ),
    ],
)
def test_condition_operators(block, context, expected):
    assert condition_holds(block, context) is expected


def test_an_unknown_operator_is_named():
    with pytest.raises(UnknownOperator, match="'StringSortOf' is not an IAM operator"):
        condition_holds({"StringSortOf": {"k": "a"}}, {"k": "a"})
