"""One case per documented rule of session policies, RCPs and KMS grants, on hand-written policies."""

from __future__ import annotations

from dataclasses import replace

import pytest

from cdk_secure_ml.policies.access.evaluator import Policy, Request, evaluate
from cdk_secure_ml.policies.access.grants import Grant, grant_allows

from .test_evaluator import ACCOUNT, BUCKET, KEY, OTHER, ROLE, allow, decide, deny, doc, principal

FULL = {"Sid": "FullAWSAccess", "Effect": "Allow", "Action": "*", "Resource": "*"}
RCP_FULL = {"Sid": "RCPFullAWSAccess", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}
SESSION_ARN = f"arn:aws:sts::{ACCOUNT}:assumed-role/ds/alice"


def with_session(who, *statements, session_arn=None):
    return replace(
        who, session_policies=(Policy(doc(*statements), "session", "session.json"),), session_arn=session_arn
    )


def rcp_request(who, rcps, action="s3:GetObject", resource=f"{BUCKET}/a", resource_policy=(), account=None):
    policies = tuple(Policy(doc(*resource_policy), "resource", "t.json", "B") for _ in resource_policy[:1])
    return evaluate(
        Request(
            who,
            action,
            resource,
            account,
            policies,
            rcps=tuple(Policy(doc(*r), "rcp", "rcp.json", "r") for r in rcps),
        )
    )


# -- session policies ------------------------------------------------------------------------------


@pytest.mark.aws_behaviour("sts.session-policy-intersection")
def test_a_session_policy_intersects_the_role_permissions_and_grants_nothing():
    role = principal([allow("s3:*")])
    assert decide(with_session(role, allow("s3:GetObject"))).deciding == "allow"
    narrowed = decide(with_session(role, allow("s3:PutObject")))
    assert (narrowed.deciding, narrowed.reason) == ("implicit-deny", "the session policy does not allow it")
    # it cannot add to the role's permissions
    assert decide(with_session(principal([]), allow("s3:*"))).deciding == "implicit-deny"


@pytest.mark.aws_behaviour("sts.session-policy-intersection")
def test_a_deny_in_a_session_policy_wins():
    decision = decide(with_session(principal([allow("s3:*")]), allow("s3:*"), deny("s3:GetObject")))
    assert (decision.deciding, [h.kind for h in decision.statements]) == ("explicit-deny", ["session"])


@pytest.mark.aws_behaviour("sts.session-policy-intersection")
def test_a_session_policy_limits_a_resource_policy_that_names_the_role_but_not_one_that_names_the_session():
    to_role = allow(Principal={"AWS": ROLE})
    assert decide(principal([]), resource_policy=[to_role]).deciding == "allow"
    limited = decide(with_session(principal([]), allow("s3:PutObject")), resource_policy=[to_role])
    assert limited.deciding == "implicit-deny"
    to_session = allow(Principal={"AWS": SESSION_ARN})
    session = with_session(principal([]), allow("s3:PutObject"), session_arn=SESSION_ARN)
    named = decide(session, resource_policy=[to_session])
    assert (named.deciding, named.reason) == (
        "allow",
        "a resource policy names the session (no session policy limits it)",
    )


# -- RCPs -----------------------------------------------------------------------------------------


@pytest.mark.aws_behaviour("organizations.rcp-ceiling")
def test_rcps_are_a_ceiling_on_the_resource_and_grant_nothing():
    role = principal([allow()])
    assert rcp_request(role, [[RCP_FULL]]).deciding == "allow"
    ceiling = rcp_request(role, [[{**RCP_FULL, "Action": "sqs:*"}]])
    assert (ceiling.deciding, ceiling.reason) == (
        "implicit-deny",
        "no RCP of the resource's account allows it",
    )
    assert rcp_request(principal([]), [[RCP_FULL]]).deciding == "implicit-deny"


@pytest.mark.aws_behaviour("organizations.rcp-ceiling")
def test_a_deny_in_an_rcp_wins_even_over_a_resource_policy_naming_another_account():
    perimeter = {
        "Sid": "EnforceOrgIdentities",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": "*",
        "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
    }
    outsider = principal([allow()], account=OTHER, arn=f"arn:aws:iam::{OTHER}:role/x")
    grant = allow(Principal={"AWS": f"arn:aws:iam::{OTHER}:role/x"})
    without = rcp_request(outsider, [], resource_policy=[grant], account=ACCOUNT)
    assert without.deciding == "allow"
    decision = rcp_request(outsider, [[RCP_FULL], [perimeter]], resource_policy=[grant], account=ACCOUNT)
    assert decision.deciding == "explicit-deny"
    assert [h.sid for h in decision.statements] == ["EnforceOrgIdentities"]


@pytest.mark.aws_behaviour("organizations.rcp-scope")
def test_rcps_skip_service_linked_roles_and_services_without_rcp_support():
    deny_all = [RCP_FULL, {"Sid": "No", "Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}]
    linked = principal([allow()], arn=f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/x.amazonaws.com/Slr")
    assert rcp_request(linked, [deny_all]).deciding == "allow"
    assert rcp_request(principal([allow()]), [deny_all]).deciding == "explicit-deny"
    sagemaker = principal([allow("sagemaker:CreateTrainingJob")])
    assert rcp_request(sagemaker, [deny_all], "sagemaker:CreateTrainingJob", "*").deciding == "allow"


@pytest.mark.aws_behaviour("organizations.rcp-scope")
def test_rcps_apply_to_service_principals_too():
    topic_like = allow(Principal={"Service": "cloudtrail.amazonaws.com"}, Action="s3:PutObject")
    deny_s3 = [RCP_FULL, {"Sid": "No", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}]
    service = replace(principal([]), arn="cloudtrail.amazonaws.com", account=None)
    put = {"action": "s3:PutObject", "resource_policy": [topic_like]}
    assert rcp_request(service, [], **put).deciding == "allow"
    assert rcp_request(service, [deny_s3], **put).deciding == "explicit-deny"


# -- KMS grants -----------------------------------------------------------------------------------


def key_request(who, action="kms:Decrypt", grants=(), key_policy=(), **context):
    policies = (Policy(doc(*key_policy), "resource", "t.json", "Key"),) if key_policy else ()
    return evaluate(Request(who, action, KEY, None, policies, context=context, grants=tuple(grants)))


@pytest.mark.aws_behaviour("kms.grant-allows-grantee")
def test_a_grant_allows_its_grantee_its_operations_without_the_key_policy():
    grant = Grant(KEY, ROLE, ("Decrypt", "DescribeKey"), source="test grant")
    who = principal([])
    assert key_request(who).deciding == "implicit-deny"
    decision = key_request(who, grants=[grant])
    assert (decision.deciding, decision.statements[0].kind) == ("allow", "grant")
    assert key_request(who, "kms:Encrypt", grants=[grant]).deciding == "implicit-deny"
    other = principal([], arn=f"arn:aws:iam::{ACCOUNT}:role/other")
    assert key_request(other, grants=[grant]).deciding == "implicit-deny"


@pytest.mark.aws_behaviour("kms.grant-allows-grantee")
def test_an_explicit_deny_and_the_scps_still_apply_to_a_grantee():
    grant = Grant(KEY, ROLE, ("Decrypt",))
    no_decrypt = [{"Sid": "No", "Effect": "Deny", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}]
    assert key_request(principal([]), grants=[grant], key_policy=no_decrypt).deciding == "explicit-deny"
    only_s3 = [{**FULL, "Action": "s3:*"}]
    assert key_request(principal([], scps=[only_s3]), grants=[grant]).deciding == "implicit-deny"


@pytest.mark.aws_behaviour("kms.grant-constraints")
def test_grant_constraints_on_the_encryption_context():
    equals = Grant(KEY, ROLE, ("Decrypt", "DescribeKey"), context_equals={"Team": "research"})
    subset = Grant(KEY, ROLE, ("Decrypt",), context_subset={"team": "research"})
    ctx = {"kms:EncryptionContext:team": "research"}
    assert grant_allows(equals, ROLE, "kms:Decrypt", KEY, ctx)  # keys compare case-insensitively
    assert not grant_allows(equals, ROLE, "kms:Decrypt", KEY, {**ctx, "kms:EncryptionContext:x": "1"})
    assert not grant_allows(equals, ROLE, "kms:Decrypt", KEY, {"kms:EncryptionContext:team": "Research"})
    assert grant_allows(subset, ROLE, "kms:Decrypt", KEY, {**ctx, "kms:EncryptionContext:x": "1"})
    assert not grant_allows(subset, ROLE, "kms:Decrypt", KEY, {})
    # DescribeKey takes no encryption context: the constraint does not apply to it
    assert grant_allows(equals, ROLE, "kms:DescribeKey", KEY, {})
