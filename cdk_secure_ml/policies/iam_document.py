"""The IAM policy document model the rules, the live audit and iam-lint share: statements, effects,
actions, principals and conditions of a (resolved) policy document.

Values may be :class:`~.intrinsics.Unresolved` (a template the engine could not resolve fully); each
helper says what it returns then (usually None: "cannot tell"). Documents read from AWS APIs are
plain JSON and go through the same helpers. IAM's policy grammar:
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator
from typing import Any

from .intrinsics import Unresolved
from .rule import Violation, as_list, cannot_verify, fail

__all__ = [
    "action_grants",
    "action_patterns",
    "condition_keys",
    "denies_insecure_transport",
    "has_condition",
    "is_allow",
    "is_wildcard_principal",
    "label_of",
    "statements",
    "unconditioned_wildcard_principals",
]


def statements(document: Any) -> Iterator[tuple[int, dict[str, Any] | Unresolved]]:
    """``(index, statement)`` of a policy document; unresolvable statements come back as Unresolved."""
    if isinstance(document, Unresolved):
        yield 0, document
        return
    if not isinstance(document, dict):
        return
    body = document.get("Statement")
    if isinstance(body, Unresolved):
        yield 0, body
        return
    for index, statement in enumerate(as_list(body)):
        if isinstance(statement, (dict, Unresolved)):
            yield index, statement


def label_of(statement: dict[str, Any], index: int) -> str:
    sid = statement.get("Sid")
    return f"statement {index}" + (f" ({sid})" if isinstance(sid, str) and sid else "")


def is_allow(statement: dict[str, Any]) -> bool | None:
    effect = statement.get("Effect")
    if isinstance(effect, Unresolved):
        return None
    return effect == "Allow"


def action_patterns(statement: dict[str, Any]) -> list[Any]:
    return as_list(statement.get("Action"))


def action_grants(pattern: Any, action: str) -> bool | None:
    """Whether an IAM action pattern (with * and ?) matches ``action``; None if unresolved."""
    if isinstance(pattern, Unresolved):
        return None
    if not isinstance(pattern, str):
        return False
    return fnmatch.fnmatchcase(action.lower(), pattern.lower())


def is_wildcard_principal(principal: Any) -> bool | None:
    """``"*"`` or ``{"AWS": "*"}`` (any key holding ``*``); None when unresolvable."""
    if isinstance(principal, Unresolved):
        return None
    if principal == "*":
        return True
    if isinstance(principal, dict):
        unresolved = False
        for value in principal.values():
            for item in as_list(value):
                if item == "*":
                    return True
                if isinstance(item, Unresolved) and _may_be_star(item):
                    unresolved = True
        return None if unresolved else False
    return False


def _may_be_star(value: Unresolved) -> bool:
    """Whether an unresolved principal could turn out to be ``*``: only a bare reference to a
    parameter (or something without text). ARNs built with ``Fn::Join``/``Fn::Sub``, references to
    template resources and pseudo parameters never are."""
    if value.refs:
        return False
    text = value.text
    if text is None:
        return True
    bare = re.fullmatch(r"\$\{([^}]*)\}", text)
    return bare is not None and not bare.group(1).startswith("AWS::")


def condition_keys(statement: dict[str, Any]) -> set[str]:
    """Lower-cased condition keys of a statement, across all operators."""
    keys: set[str] = set()
    condition = statement.get("Condition")
    if isinstance(condition, dict):
        for block in condition.values():
            if isinstance(block, dict):
                keys |= {k.lower() for k in block}
    return keys


def has_condition(statement: dict[str, Any]) -> bool:
    condition = statement.get("Condition")
    return isinstance(condition, Unresolved) or (isinstance(condition, dict) and any(condition.values()))


def unconditioned_wildcard_principals(document: Any, label: str) -> Iterator[Violation]:
    """Allow statements of a resource or key policy that open it to Principal * without conditions
    (``label`` names the document in messages); unresolvable statements or principals cannot be
    verified."""
    for index, statement in statements(document):
        if isinstance(statement, Unresolved):
            yield cannot_verify(f"{label} statement is {statement.expr}")
            continue
        if is_allow(statement) is False:
            continue
        wildcard = is_wildcard_principal(statement.get("Principal"))
        if wildcard is None:
            yield cannot_verify(f"{label} {label_of(statement, index)} principal is not resolvable")
        elif wildcard and not has_condition(statement):
            yield fail(f"{label} {label_of(statement, index)} allows Principal * without conditions")


def denies_insecure_transport(statement: dict[str, Any]) -> bool:
    """A Deny to everyone of s3:GetObject and s3:PutObject when ``aws:SecureTransport`` is false
    (the TLS-only bucket policy statement), in a resolved statement.
    https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html
    """
    if statement.get("Effect") != "Deny" or is_wildcard_principal(statement.get("Principal")) is not True:
        return False
    actions = [a for a in as_list(statement.get("Action")) if isinstance(a, str)]
    if not all(any(action_grants(a, action) for a in actions) for action in ("s3:GetObject", "s3:PutObject")):
        return False
    for operator, block in (statement.get("Condition") or {}).items():
        if operator in ("Bool", "BoolIfExists") and isinstance(block, dict):
            for key, value in block.items():
                if key.lower() == "aws:securetransport" and any(
                    str(v).lower() == "false" for v in as_list(value)
                ):
                    return True
    return False
