"""The IAM policy document model the rules, the live audit and iam-lint share: statements, effects,
actions, principals and conditions of a (resolved) policy document.

Values may be :class:`~.intrinsics.Unresolved` (a template the engine could not resolve fully); each
helper says what it returns then (usually None: "cannot tell"). Documents read from AWS APIs are
plain JSON and go through the same helpers. IAM's policy grammar:
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import lru_cache
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
    "non_restricting_condition",
    "resource_matches_everything",
    "statement_resources",
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
    # IAM's only wildcards are * (any run of characters) and ? (one character), and action names are
    # case-insensitive (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html);
    # fnmatch, used before, also read [...] as a character class. Compiling a regex per distinct pattern was
    # a third of `check`'s time on AWS's sample templates, so only patterns with ? get one.
    wanted, action = pattern.lower(), action.lower()
    if "?" in wanted:
        return _action_pattern(wanted).fullmatch(action) is not None
    return _star_match(wanted.split("*"), action)


def _star_match(parts: list[str], text: str) -> bool:
    """Whether ``text`` matches the pattern ``"*".join(parts)`` (``*`` = any run of characters): the first
    part is a prefix, the last a suffix, the others occur in order in between (leftmost is enough)."""
    if len(parts) == 1:
        return parts[0] == text
    first, last = parts[0], parts[-1]
    if len(text) < len(first) + len(last) or not text.startswith(first) or not text.endswith(last):
        return False
    position, end = len(first), len(text) - len(last)
    for middle in parts[1:-1]:
        found = text.find(middle, position, end)
        if found < 0:
            return False
        position = found + len(middle)
    return True


@lru_cache(maxsize=1024)
def _action_pattern(pattern: str) -> re.Pattern[str]:
    """An IAM action pattern with ``?`` as a regex (``*`` any run, ``?`` one character, the rest literal)."""
    return re.compile(
        "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern), re.DOTALL
    )


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


#: Condition keys that say how a request travels, not who makes it: on a grant to everyone they leave it
#: open to everyone (over TLS, say). https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
TRANSPORT_KEYS = frozenset({"aws:securetransport", "s3:tlsversion", "s3:signatureversion", "s3:authtype"})
#: Operators whose values may hold wildcards (* matches any run of characters), so a lone * matches every
#: value of a present key.
#: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
_LIKE_OPERATOR = re.compile(r"^(For(All|Any)Values?:)?(StringLike|ArnLike|ArnEquals)(IfExists)?$", re.I)
#: A value every ARN (or every string) matches under a wildcard operator: ``*``, ``arn:*``,
#: ``arn:aws:*:*:*:*`` (each of its parts a wildcard, the partition a wildcard or named).
_MATCHES_ANY_VALUE = re.compile(r"^(\*+|arn:(\*+|aws[a-z-]*|\$\{AWS::Partition\})(:\*+)*)$")


def _clause_restricts_nobody(operator: str, key: str, values: list[Any]) -> str | None:
    """Why one ``operator: {key: values}`` clause of an Allow lets in callers it seems to keep out, or
    None when it restricts (or cannot be told).

    A clause restricts only when it uses a positive operator, without ``IfExists`` and without
    ``ForAllValues``, and is not ``Null ... "true"``: a key missing from the request makes a condition
    false, except that an ``...IfExists`` operator, a negated operator (``StringNotEquals``,
    ``NotIpAddress``, ...) and ``Null "true"`` are then true
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html),
    and ``ForAllValues`` is true when the key is missing
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition_examples-multi-valued-context-keys.html).
    A negated operator lets in every value but those listed."""
    qualifier, _, base = operator.rpartition(":")
    if key.lower() in TRANSPORT_KEYS:
        return f"{operator} {key} only says how the request travels"
    if base.lower().endswith("ifexists"):
        return f"{operator} {key}: requests without the key pass"
    if qualifier.lower() == "forallvalues":
        return f"{operator} {key}: true when the request has no {key}"
    if "not" in base.lower():
        return f"{operator} {key}: every value but those listed passes"
    if (
        base.lower() == "null"
        and values
        and all(v is True or (isinstance(v, str) and v.lower() == "true") for v in values)
    ):
        return f'{operator} {key} "true": matches requests without the key'
    if (
        _LIKE_OPERATOR.match(operator)
        and values
        and all(isinstance(v, str) and _MATCHES_ANY_VALUE.match(v) for v in values)
    ):
        shown = values[0] if len(values) == 1 else values
        return f"{operator} {key} {json.dumps(shown)} matches every caller"
    return None


def non_restricting_condition(statement: dict[str, Any]) -> str | None:
    """Why a statement's ``Condition`` restricts no caller the author meant to keep out, or None when
    some clause restricts (or it cannot be told). Clauses are ANDed, so one restricting clause is
    enough. A clause restricts nobody when its key is a transport key (:data:`TRANSPORT_KEYS`), its
    operator ends in ``IfExists``, is ``ForAllValues:...`` or negated, it is ``Null ... "true"``, or its
    values all match any value under a wildcard operator (``StringLike kms:CallerAccount "*"``,
    ``ArnLike aws:SourceArn "arn:aws:*:*:*:*"``); see :func:`_clause_restricts_nobody`.
    A statement without a condition gives None (the caller reports that case itself)."""
    condition = statement.get("Condition")
    if not isinstance(condition, dict) or not condition:
        return None
    reasons = []
    for operator, block in condition.items():
        if not isinstance(block, dict) or not block:
            return None
        for key, value in block.items():
            values = as_list(value)
            why = _clause_restricts_nobody(str(operator), str(key), values)
            if why is None:
                return None
            reasons.append(why)
    return "; ".join(reasons)


def unconditioned_wildcard_principals(document: Any, label: str) -> Iterator[Violation]:
    """Allow statements of a resource or key policy that open it to everyone: Principal * (or Allow with
    NotPrincipal) without conditions, or with conditions that restrict nobody
    (:func:`non_restricting_condition`). ``label`` names the document in messages; unresolvable
    statements or principals cannot be verified."""
    for index, statement in statements(document):
        if isinstance(statement, Unresolved):
            yield cannot_verify(f"{label} statement is {statement.expr}")
            continue
        if is_allow(statement) is False:
            continue
        where = f"{label} {label_of(statement, index)}"
        if "NotPrincipal" in statement:
            # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
            yield fail(f"{where} uses Allow with NotPrincipal (allows everyone but the principals listed)")
            continue
        wildcard = is_wildcard_principal(statement.get("Principal"))
        if wildcard is None:
            yield cannot_verify(f"{where} principal is not resolvable")
        elif wildcard and not has_condition(statement):
            yield fail(f"{where} allows Principal * without conditions")
        elif wildcard and (why := non_restricting_condition(statement)):
            yield fail(f"{where} allows Principal * with a condition that restricts nobody ({why})")


#: An ARN pattern every resource of a service (in any or this account and region) matches:
#: ``arn:${AWS::Partition}:sagemaker:*:*:*``, ``arn:aws:s3:::*``, ``arn:*:*:*:*:*``.
_ANY_PART = r"(\*|\$\{[^}]+\})?"
_EVERYTHING_ARN = re.compile(
    r"^arn:(\*|\$\{[^}]+\}|aws[a-z-]*):([a-z0-9-]+|\*):" + _ANY_PART + ":" + _ANY_PART + r":\*$"
)


def resource_matches_everything(value: Any) -> bool:
    """Whether a Resource entry matches every resource: ``*``, or an ARN pattern whose region, account and
    resource parts are all wildcards or the stack's own (``${AWS::Region}``, ``${AWS::AccountId}``)."""
    text = value if isinstance(value, str) else value.text if isinstance(value, Unresolved) else None
    if text is None:
        return False
    return text == "*" or text == "arn:*" or _EVERYTHING_ARN.match(text) is not None


def statement_resources(statement: dict[str, Any]) -> tuple[list[Any], str]:
    """``(resources, how)``: the Resource list, or ``["*"]`` with how ``"NotResource"`` for a statement
    with NotResource (which matches every resource but those listed:
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html)."""
    if "NotResource" in statement:
        return ["*"], "NotResource"
    return as_list(statement.get("Resource")), "Resource"


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
