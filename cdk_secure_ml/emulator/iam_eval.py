"""A small IAM policy evaluator for the emulator's checks (moto evaluates bucket policies without their
conditions, and identity policies not at all for service-made calls).

It answers two questions about one request (an action on a resource, by a principal, with a request
context): does any Allow statement of some documents match it, and does any Deny match it. It knows the
condition operators the platform's policies use (String*, Arn*, Bool, Numeric*, Null, with
``IfExists`` and the ``ForAnyValue:``/``ForAllValues:`` set prefixes) and IAM's rule for a key missing
from the context: a positive operator does not match, a negated one does, ``...IfExists`` always does
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).
What an unknown operator (Date*, IpAddress, ...) means is the caller's choice (:func:`decide`): the
Config checks let it pass (they refuse only what they can show AWS refuses), the alarm-notification check
refuses on it (it must not deliver what AWS might drop).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

Request = Mapping[str, Any]  # {"action": str, "resource": str, "context": {key: str | list[str]}}


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _wildcard(pattern: str, value: str, *, case: bool = True) -> bool:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, 0 if case else re.IGNORECASE) is not None


def _action(statement: Mapping[str, Any], action: str) -> bool:
    if "NotAction" in statement:
        return not any(_wildcard(a, action, case=False) for a in _as_list(statement["NotAction"]))
    return any(_wildcard(a, action, case=False) for a in _as_list(statement.get("Action", [])))


def _resource(statement: Mapping[str, Any], resource: str) -> bool:
    if "NotResource" in statement:
        return not any(_wildcard(r, resource) for r in _as_list(statement["NotResource"]))
    return any(_wildcard(r, resource) for r in _as_list(statement.get("Resource", "*")))


def _principal(statement: Mapping[str, Any], principal: Mapping[str, str] | None) -> bool:
    """``principal`` None: an identity policy (no Principal element). Otherwise {"AWS": arn} or
    {"Service": name}; an account's root ARN in a resource policy stands for every principal of it."""
    if principal is None:
        return "Principal" not in statement and "NotPrincipal" not in statement
    given = statement.get("Principal")
    if given == "*":
        return True
    if not isinstance(given, Mapping):
        return False
    if "*" in _as_list(given.get("AWS", [])):
        return True  # {"AWS": "*"} is the same as "*": every principal, service principals included
    for kind, wanted in principal.items():
        for value in _as_list(given.get(kind, [])):
            if value == "*" or value == wanted:
                return True
            account = re.match(r"^arn:aws[a-z-]*:iam::(\d{12}):", wanted or "")
            if (
                kind == "AWS"
                and account
                and value in (account.group(1), f"arn:aws:iam::{account.group(1)}:root")
            ):
                return True
    return False


def _compare(base: str, policy_value: str, value: str) -> bool | None:
    if base in ("StringEquals", "StringNotEquals"):
        return value == policy_value
    if base in ("StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase"):
        return value.lower() == policy_value.lower()
    if base in ("StringLike", "StringNotLike", "ArnLike", "ArnNotLike", "ArnEquals", "ArnNotEquals"):
        return (
            _wildcard(policy_value, value) if "Like" in base or "*" in policy_value else value == policy_value
        )
    if base == "Bool":
        return value.lower() == str(policy_value).lower()
    if base.startswith("Numeric"):
        try:
            left, right = float(value), float(policy_value)
        except ValueError:
            return None
        return {
            "NumericEquals": left == right,
            "NumericNotEquals": left == right,
            "NumericLessThan": left < right,
            "NumericLessThanEquals": left <= right,
            "NumericGreaterThan": left > right,
            "NumericGreaterThanEquals": left >= right,
        }.get(base)
    return None


_NEGATED = {
    "StringNotEquals",
    "StringNotEqualsIgnoreCase",
    "StringNotLike",
    "ArnNotLike",
    "ArnNotEquals",
    "NumericNotEquals",
}


def _condition(operator: str, key: str, policy_values: Any, context: Mapping[str, Any]) -> bool | None:
    """Whether one condition entry holds; None when the operator is unknown."""
    qualifier, _, base = operator.rpartition(":")
    if_exists = base.endswith("IfExists")
    base = base.removesuffix("IfExists")
    known = base == "Null" or base.startswith(("String", "Arn", "Numeric")) or base == "Bool"
    if not known or qualifier not in ("", "ForAnyValue", "ForAllValues"):
        return None
    wanted = [str(v) for v in _as_list(policy_values)]
    key = key.lower()
    present = key in context
    if base == "Null":
        return (not present) == (wanted[0].lower() == "true")
    if not present:
        if if_exists or qualifier == "ForAllValues":
            return True
        return base in _NEGATED and qualifier != "ForAnyValue"
    values = [str(v) for v in _as_list(context[key])]
    negated = base in _NEGATED

    def one(value: str) -> bool | None:
        results = [_compare(base, w, value) for w in wanted]
        if any(r is None for r in results):
            return None
        return not any(results) if negated else any(results)

    outcomes = [one(v) for v in values]
    if any(o is None for o in outcomes):
        return None
    if qualifier == "ForAllValues":
        return all(outcomes)
    return any(outcomes)


def _conditions(statement: Mapping[str, Any], context: Mapping[str, Any]) -> bool | None:
    context = {k.lower(): v for k, v in context.items()}  # condition key names are case-insensitive
    results = [
        _condition(operator, key, values, context)
        for operator, entries in (statement.get("Condition") or {}).items()
        for key, values in entries.items()
    ]
    if any(r is False for r in results):
        return False
    return None if any(r is None for r in results) else True


def _statements(documents: Iterable[Mapping[str, Any]]) -> Iterable[Mapping[str, Any]]:
    for document in documents:
        yield from _as_list((document or {}).get("Statement", []))


def _matches(
    statement: Mapping[str, Any], request: Request, principal: Mapping[str, str] | None
) -> bool | None:
    if not (
        _action(statement, request["action"])
        and _resource(statement, request["resource"])
        and _principal(statement, principal)
    ):
        return False
    return _conditions(statement, request.get("context") or {})


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

    :param unknown: what a statement with an operator the evaluator does not know does: ``"permit"`` (an
        Allow counts, a Deny does not) or ``"refuse"`` (an Allow does not count, a Deny does).
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
