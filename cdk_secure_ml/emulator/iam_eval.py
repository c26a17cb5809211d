"""The emulator's questions about a policy, answered by the access evaluator
(:mod:`cdk_secure_ml.policies.access`): moto evaluates bucket policies without their conditions, and identity
policies not at all for service-made calls, so the emulator asks here.

It answers two questions about one request (an action on a resource, by a principal, with a request
context): does any Allow statement of some documents match it, and does any Deny match it. Matching (Action,
Resource, Principal, the condition operators, a key missing from the context, ``IfExists``, the set
qualifiers, policy variables) is :func:`cdk_secure_ml.policies.access.evaluator.statement_applies`, which
follows AWS's documented rules
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).
The context is taken as given: nothing is added to it. What a condition operator IAM does not have means is
the caller's choice (:func:`decide`): the Config checks let it pass (they refuse only what they can show AWS
refuses), the alarm-notification check refuses on it (it must not deliver what AWS might drop).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from ..policies.access.conditions import UnknownOperator, as_list
from ..policies.access.evaluator import PolicyKind, Principal, statement_applies

Request = Mapping[str, Any]  # {"action": str, "resource": str, "context": {key: str | list[str]}}

_ACCOUNT = re.compile(r"^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):")


def _statements(documents: Iterable[Mapping[str, Any]]) -> Iterable[Mapping[str, Any]]:
    for document in documents:
        yield from (s for s in as_list((document or {}).get("Statement", [])) if isinstance(s, Mapping))


def _matches(
    statement: Mapping[str, Any], request: Request, principal: Mapping[str, str] | None
) -> bool | None:
    """True or False, or None when the statement has a condition operator IAM does not have.

    ``principal`` None: an identity policy (no Principal element). Otherwise {"AWS": arn} or
    {"Service": name}; an account's root ARN in a resource policy stands for every principal of it."""
    kind: PolicyKind
    if principal is None:
        if "Principal" in statement or "NotPrincipal" in statement:
            return False
        who, kind = Principal("arn:aws:iam::000000000000:role/caller", "000000000000"), "identity"
    else:
        arn = principal.get("AWS") or principal.get("Service") or ""
        account = _ACCOUNT.match(arn)
        who, kind = Principal(arn, account.group(1) if account else None), "resource"
    try:
        return statement_applies(
            statement, kind, who, request["action"], request["resource"], request.get("context") or {}
        )
    except UnknownOperator:
        return None


def allows(
    documents: Iterable[Mapping[str, Any]], request: Request, principal: Mapping[str, str] | None = None
) -> bool:
    """Some Allow statement of ``documents`` matches ``request`` (an unknown condition counts as met)."""
    return any(
        s.get("Effect") == "Allow" and _matches(s, request, principal) is not False
        for s in _statements(documents)
    )


def denies(
    documents: Iterable[Mapping[str, Any]], request: Request, principal: Mapping[str, str] | None = None
) -> bool:
    """Some Deny statement of ``documents`` matches ``request`` (an unknown condition counts as unmet)."""
    return any(
        s.get("Effect") == "Deny" and _matches(s, request, principal) is True for s in _statements(documents)
    )


def decide(
    documents: Iterable[Mapping[str, Any]],
    request: Request,
    principal: Mapping[str, str] | None = None,
    *,
    unknown: str = "permit",
) -> tuple[bool, str]:
    """IAM's order within ``documents``: an explicit Deny wins, else some Allow is needed. Returns
    (allowed, why, naming the statement's Sid).

    :param unknown: what a statement with an operator IAM does not have does: ``"permit"`` (an Allow
        counts, a Deny does not) or ``"refuse"`` (an Allow does not count, a Deny does).
    """
    if unknown not in ("permit", "refuse"):
        raise ValueError(f"unknown={unknown!r}: use 'permit' or 'refuse'")
    allowed_by = None
    for statement in _statements(documents):
        sid = statement.get("Sid", "<no Sid>")
        matched = _matches(statement, request, principal)
        if matched is None:
            matched = unknown == "refuse" if statement.get("Effect") == "Deny" else unknown == "permit"
            if matched and statement.get("Effect") == "Deny":
                return (
                    False,
                    f"statement {sid} has a condition the emulator does not evaluate: treated as Deny",
                )
        if matched and statement.get("Effect") == "Deny":
            return False, f"explicit Deny in statement {sid}"
        if matched and statement.get("Effect") == "Allow" and allowed_by is None:
            allowed_by = sid
    if allowed_by is None:
        return False, "no statement allows it"
    return True, f"allowed by statement {allowed_by}"
