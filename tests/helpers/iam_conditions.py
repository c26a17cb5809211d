"""An IAM evaluator for tests that must see conditions: a request context in, allow/deny out.

:mod:`tests.helpers.iam_eval` assumes every condition is met; this one evaluates them, so a test can
ask "is CreateSpace on someone else's profile denied?" or "is a g5 job without a volume key
allowed?". It implements the parts of IAM's documented logic the platform's policies use:

- several condition operators in a block, and several keys under one operator, are ANDed; several
  values for one key are ORed, and NORed for a negated operator
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html);
- a key missing from the request makes a condition false, except a negated one (StringNotLike,
  ArnNotLike, ...), which is then true; ``...IfExists`` is true on a missing key; ``Null`` tests
  presence (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html);
- ``ForAllValues`` is true when the key is missing, ``ForAnyValue`` false
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html);
- ``${key}`` policy variables are replaced from the request context; a statement that names a
  variable the request lacks matches nothing (IAM skips such a statement).

Policies must be plain JSON (build statements from a :class:`PlatformContext` with literal values).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Mapping, Sequence

Context = Mapping[str, str | Sequence[str]]

_VARIABLE = re.compile(r"\$\{([^}]+)\}")


class _Missing(Exception):
    """A policy variable the request context does not have."""


def _as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _substitute(text: str, context: Context) -> str:
    def value(match: re.Match) -> str:
        found = _lookup(context, match.group(1))
        if found is None or isinstance(found, (list, tuple)):
            raise _Missing(match.group(1))
        return found

    return _VARIABLE.sub(value, text)


def _lookup(context: Context, key: str):
    for name, value in context.items():
        if name.lower() == key.lower():
            return value
    return None


def _like(value: str, pattern: str) -> bool:
    return fnmatch.fnmatchcase(value, pattern.replace("[", "[[]"))


_MATCHERS = {
    "StringEquals": lambda v, p: v == p,
    "StringLike": _like,
    "ArnEquals": lambda v, p: v == p,
    "ArnLike": _like,
    "Bool": lambda v, p: v.lower() == p.lower(),
}


def _condition(operator: str, key: str, policy_values: list[str], context: Context) -> bool:
    set_operator = None
    if ":" in operator:
        set_operator, operator = operator.split(":", 1)
    if_exists = operator.endswith("IfExists")
    operator = operator.removesuffix("IfExists")
    request = _lookup(context, key)
    if operator == "Null":
        return (request is None) == (policy_values[0].lower() == "true")
    negated = "Not" in operator
    base = operator.replace("Not", "")
    match = _MATCHERS[base]
    values = [_substitute(p, context) for p in policy_values]

    def test(value: str) -> bool:
        hit = any(match(value, p) for p in values)
        return not hit if negated else hit

    if request is None:
        if set_operator == "ForAllValues":
            return True
        if set_operator == "ForAnyValue":
            return False
        return if_exists or negated
    requested = _as_list(request)
    if set_operator == "ForAllValues":
        return all(test(v) for v in requested)
    if set_operator == "ForAnyValue":
        return any(test(v) for v in requested)
    return test(requested[0])


def _statement_applies(statement: dict, action: str, resource: str, context: Context) -> bool:
    if not any(_like(action.lower(), a.lower()) for a in _as_list(statement.get("Action"))):
        return False
    try:
        resources = [_substitute(r, context) for r in _as_list(statement.get("Resource"))]
        if not any(_like(resource, r) for r in resources):
            return False
        for operator, block in (statement.get("Condition") or {}).items():
            for key, values in block.items():
                if not _condition(operator, key, [str(v).lower() if isinstance(v, bool) else str(v)
                                                  for v in _as_list(values)], context):
                    return False
    except _Missing:
        return False
    return True


def evaluate(documents: Iterable[dict], action: str, resource: str, context: Context | None = None) -> str:
    """``"allow"``, ``"deny"`` (an explicit Deny applies) or ``"implicit-deny"``."""
    context = context or {}
    allowed = False
    for document in documents:
        for statement in _as_list(document.get("Statement")):
            if not _statement_applies(statement, action, resource, context):
                continue
            if statement.get("Effect") == "Deny":
                return "deny"
            allowed = True
    return "allow" if allowed else "implicit-deny"
