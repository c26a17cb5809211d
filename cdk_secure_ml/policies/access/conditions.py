"""IAM's Condition element, and the pattern matching of Action, Resource and Principal: CDK-free, pure.

One function answers "does this Condition block hold for this request context?" (:func:`condition_holds`).
The rules it follows, each from AWS's IAM User Guide:

- Operators: String*, Numeric*, Date*, Bool, BinaryEquals, IpAddress/NotIpAddress, Arn*, Null, each
  operator but Null with an ``IfExists`` form
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).
- Several operators in a block, and several keys under one operator, are ANDed; several values for one
  key are ORed, and NORed for a negated operator (StringNotEquals, ArnNotLike, NotIpAddress, ...)
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html).
- A key missing from the request makes a condition false, except a negated operator's (then true) and an
  ``IfExists`` one's (true); ``Null`` tests presence; ``ForAllValues`` is true and ``ForAnyValue`` false on
  a missing key
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html).
- Condition key names are case-insensitive, values are compared case-sensitively unless the operator says
  IgnoreCase; ``Bool`` compares ``true``/``false`` case-insensitively
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html).
- ``${key}`` policy variables are replaced from the request context (``${*}``, ``${?}``, ``${$}`` are the
  literal characters; ``${key, 'default'}`` gives a default); an element naming a variable the request
  lacks matches nothing
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html).
- ``*`` and ``?`` are wildcards in Action (case-insensitive), in Resource and in ArnLike, where each of
  an ARN's first five colon-separated parts is matched on its own
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

__all__ = [
    "Context",
    "MissingVariable",
    "UnknownOperator",
    "arn_matches",
    "as_list",
    "condition_holds",
    "lookup",
    "substitute",
    "wildcard_matches",
]

#: A request context: key (any case) → one value or several (a multivalued key such as aws:TagKeys).
Context = Mapping[str, Any]

_VARIABLE = re.compile(r"\$\{([^}]+)\}")
_LITERALS = {"*": "*", "?": "?", "$": "$"}


class MissingVariable(Exception):
    """A policy variable the request context does not have: the element that names it matches nothing."""


class UnknownOperator(ValueError):
    """A condition operator IAM does not have (the message names it)."""


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def lookup(context: Context, key: str) -> Any:
    """The value of ``key`` in ``context`` (key names are case-insensitive), or None."""
    if key in context:
        return context[key]
    lowered = key.lower()
    for name, value in context.items():
        if name.lower() == lowered:
            return value
    return None


def substitute(text: str, context: Context) -> str:
    """``text`` with its ``${...}`` policy variables replaced; raises :class:`MissingVariable`."""
    if "${" not in text:
        return text

    def value(match: re.Match[str]) -> str:
        name = match.group(1).strip()
        if name in _LITERALS:
            return _LITERALS[name]
        default = None
        if "," in name:
            name, _, raw = name.partition(",")
            name, default = name.strip(), raw.strip().strip("'")
        found = lookup(context, name)
        if found is None or isinstance(found, (list, tuple)):
            if default is not None:
                return default
            raise MissingVariable(name)
        return str(found)

    return _VARIABLE.sub(value, text)


@lru_cache(maxsize=4096)
def _regex(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(body, re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL)


def wildcard_matches(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    """``*`` any run of characters, ``?`` one character, everything else literal."""
    if pattern == "*":
        return True
    return _regex(pattern, ignore_case).fullmatch(value) is not None


def arn_matches(pattern: str, value: str) -> bool:
    """ARN matching: the first five ``:`` parts one by one, the rest (the resource part) as a whole."""
    if pattern == "*":
        return True
    want, have = pattern.split(":", 5), value.split(":", 5)
    if len(want) != 6 or len(have) != 6:
        return wildcard_matches(pattern, value)
    return all(wildcard_matches(w, h) for w, h in zip(want, have, strict=True))


def _number(text: str) -> float:
    return float(text)


def _date(text: str) -> datetime:
    if re.fullmatch(r"-?\d+(\.\d+)?", text):
        return datetime.fromtimestamp(float(text), tz=UTC)
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _ip(value: str, network: str) -> bool:
    try:
        return ipaddress.ip_address(value) in ipaddress.ip_network(network, strict=False)
    except ValueError:
        return False


def _ordered(parse: Any, test: Any) -> Any:
    def compare(value: str, wanted: str) -> bool:
        try:
            return bool(test(parse(value), parse(wanted)))
        except (ValueError, TypeError):
            return False

    return compare


def _eq(left: Any, right: Any) -> bool:
    return bool(left == right)


#: Positive operator → (matcher(value, policy value), negated operator or None).
_POSITIVE: dict[str, Any] = {
    "StringEquals": lambda v, w: v == w,
    "StringEqualsIgnoreCase": lambda v, w: v.lower() == w.lower(),
    "StringLike": lambda v, w: wildcard_matches(w, v),
    "NumericEquals": _ordered(_number, _eq),
    "NumericLessThan": _ordered(_number, lambda a, b: a < b),
    "NumericLessThanEquals": _ordered(_number, lambda a, b: a <= b),
    "NumericGreaterThan": _ordered(_number, lambda a, b: a > b),
    "NumericGreaterThanEquals": _ordered(_number, lambda a, b: a >= b),
    "DateEquals": _ordered(_date, _eq),
    "DateLessThan": _ordered(_date, lambda a, b: a < b),
    "DateLessThanEquals": _ordered(_date, lambda a, b: a <= b),
    "DateGreaterThan": _ordered(_date, lambda a, b: a > b),
    "DateGreaterThanEquals": _ordered(_date, lambda a, b: a >= b),
    "Bool": lambda v, w: v.lower() == w.lower(),
    "BinaryEquals": lambda v, w: v == w,
    "IpAddress": _ip,
    "ArnEquals": lambda v, w: arn_matches(w, v),  # ArnEquals and ArnLike behave the same (AWS's page)
    "ArnLike": lambda v, w: arn_matches(w, v),
}
#: Negated operator → its positive form.
_NEGATED = {
    "StringNotEquals": "StringEquals",
    "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
    "StringNotLike": "StringLike",
    "NumericNotEquals": "NumericEquals",
    "DateNotEquals": "DateEquals",
    "NotIpAddress": "IpAddress",
    "ArnNotEquals": "ArnEquals",
    "ArnNotLike": "ArnLike",
}


def _text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _parse_operator(operator: str) -> tuple[str | None, str, bool]:
    qualifier, _, base = operator.rpartition(":")
    if qualifier not in ("", "ForAnyValue", "ForAllValues"):
        raise UnknownOperator(f"condition operator {operator!r}: unknown set qualifier {qualifier!r}")
    if_exists = base.endswith("IfExists") and base != "IfExists"
    base = base.removesuffix("IfExists") if if_exists else base
    if base != "Null" and base not in _POSITIVE and base not in _NEGATED:
        raise UnknownOperator(f"condition operator {operator!r} is not an IAM operator")
    return qualifier or None, base, if_exists


def _entry_holds(operator: str, key: str, policy_values: Any, context: Context) -> bool:
    qualifier, base, if_exists = _parse_operator(operator)
    wanted = [substitute(_text(v), context) for v in as_list(policy_values)]
    present = lookup(context, key)
    if base == "Null":
        return (present is None) == (bool(wanted) and wanted[0].lower() == "true")
    if present is None or present == []:
        if qualifier == "ForAllValues":
            return True
        if qualifier == "ForAnyValue":
            return False
        return if_exists or base in _NEGATED
    negated = base in _NEGATED
    match = _POSITIVE[_NEGATED.get(base, base)]

    def one(value: str) -> bool:
        hit = any(match(value, w) for w in wanted)
        return not hit if negated else hit

    values = [_text(v) for v in as_list(present)]
    if qualifier == "ForAllValues":
        return all(one(v) for v in values)
    return any(one(v) for v in values)


def condition_holds(block: Mapping[str, Any] | None, context: Context) -> bool:
    """Whether every entry of a statement's Condition block holds for ``context``.

    :raises MissingVariable: a policy value names a variable the context lacks.
    :raises UnknownOperator: an operator IAM does not have.
    """
    for operator, entries in (block or {}).items():
        if not isinstance(entries, Mapping):
            raise UnknownOperator(f"condition operator {operator!r} must map keys to values")
        for key, values in entries.items():
            if not _entry_holds(operator, key, values, context):
                return False
    return True
