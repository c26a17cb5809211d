"""The rule type, its registry, and helpers shared by the rule modules."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..engine import Resource, Template, Unresolved, describe
from ..findings import CANNOT_VERIFY, Severity

AREAS = ("NET", "ENC", "IAM", "AUD", "HOST", "META")
_ID = re.compile(r"^SML-(NET|ENC|IAM|AUD|HOST|META)-[1-9][0-9]*$")


@dataclass(frozen=True)
class Violation:
    """What a check returns: a message and, for "cannot verify", a severity override."""

    message: str
    severity: Severity | None = None


def fail(message: str) -> Violation:
    return Violation(message)


def cannot_verify(message: str) -> Violation:
    """A value the rule needs is not resolvable within the template: a warning, never a pass."""
    return Violation(CANNOT_VERIFY + message, "warning")


def warn(message: str) -> Violation:
    return Violation(message, "warning")


Check = Callable[[Resource, Template], Iterable[Violation]]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    title: str
    rationale: str
    remediation: str
    resource_types: tuple[str, ...]
    check: Check = field(repr=False, compare=False)

    @property
    def area(self) -> str:
        return self.id.split("-")[1]

    @property
    def number(self) -> int:
        return int(self.id.split("-")[2])

    def applies_to(self, resource_type: str) -> bool:
        return resource_type in self.resource_types

    def run(self, resource: Resource, template: Template) -> list[Violation]:
        whole = resource.properties.get("__unresolved__")
        if isinstance(whole, Unresolved):
            return [cannot_verify(f"Properties is {whole.expr}")]
        try:
            return list(self.check(resource, template))
        except Exception as error:  # noqa: BLE001 - a malformed resource must not stop the whole check
            return [
                cannot_verify(f"the rule could not evaluate this resource ({type(error).__name__}: {error})")
            ]


_REGISTRY: list[Rule] = []


def rule(
    id: str,
    severity: Severity,
    title: str,
    *,
    types: Iterable[str],
    rationale: str,
    remediation: str,
) -> Callable[[Check], Rule]:
    """Register a check function as a catalogue rule."""
    if not _ID.match(id):
        raise ValueError(f"rule id {id!r} does not match SML-<AREA>-<n>")

    def register(check: Check) -> Rule:
        new = Rule(
            id,
            severity,
            title,
            " ".join(rationale.split()),
            " ".join(remediation.split()),
            tuple(types),
            check,
        )
        _REGISTRY.append(new)
        return new

    return register


# --------------------------------------------------------------------------------------------------
# Property access


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()


def get(value: Any, path: str) -> Any:
    """``get(props, "A.B.C")``: MISSING when absent, the :class:`Unresolved` met on the way if any."""
    for key in path.split("."):
        if isinstance(value, Unresolved):
            return value
        if not isinstance(value, dict) or key not in value:
            return MISSING
        value = value[key]
    return value


def truth(value: Any) -> bool | None:
    """True/False for booleans and "true"/"false" strings; None for unresolved or anything else."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def is_empty(value: Any) -> bool:
    return value is MISSING or value is None or value == "" or value == [] or value == {}


def as_list(value: Any) -> list[Any]:
    if value is MISSING or value is None:
        return []
    return value if isinstance(value, list) else [value]


def require_true(
    props: Any, path: str, label: str | None = None, default: str = "false"
) -> Iterator[Violation]:
    label = label or path
    value = get(props, path)
    if value is MISSING:
        yield fail(f"{label} is not set (CloudFormation default: {default})")
        return
    verdict = truth(value)
    if verdict is None:
        yield cannot_verify(f"{label} is {describe(value)}")
    elif not verdict:
        yield fail(f"{label} is {describe(value)}")


def require_set(props: Any, path: str, label: str | None = None, why: str = "") -> Iterator[Violation]:
    """The property must be present and non-empty; an unresolvable value counts as set."""
    value = get(props, path)
    if is_empty(value):
        yield fail(f"{label or path} is not set" + (f": {why}" if why else ""))


def require_value(
    props: Any, path: str, expected: str, label: str | None = None, default: str | None = None
) -> Iterator[Violation]:
    label = label or path
    value = get(props, path)
    if value is MISSING:
        yield fail(
            f"{label} is not set"
            + (f" (CloudFormation default: {default})" if default else "")
            + f"; expected {expected!r}"
        )
    elif isinstance(value, Unresolved):
        yield cannot_verify(f"{label} is {value.expr}; expected {expected!r}")
    elif str(value) != expected:
        yield fail(f"{label} is {describe(value)}; expected {expected!r}")


def refers_to(value: Any, logical_id: str) -> bool:
    """Whether a resolved value depends on the template resource ``logical_id``."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, Unresolved):
            if logical_id in item.refs:
                return True
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def text_of(value: Any) -> str | None:
    """A string, or the best-effort text of an unresolved string (``arn:${AWS::Partition}:…``)."""
    if isinstance(value, str):
        return value
    if isinstance(value, Unresolved):
        return value.text
    return None


SAGEMAKER_PREFIX = "AWS::SageMaker::"


def is_ml_template(template: Template) -> bool:
    """A template that hosts SageMaker resources, or the network built for them (a VPC endpoint
    to a SageMaker service)."""
    if "is_ml" not in template.cache:
        ml = any(t.startswith(SAGEMAKER_PREFIX) for t in template.by_type)
        if not ml:
            for endpoint in template.of_type("AWS::EC2::VPCEndpoint"):
                name = text_of(endpoint.properties.get("ServiceName")) or ""
                if "sagemaker" in name.lower():
                    ml = True
                    break
        template.cache["is_ml"] = ml
    return template.cache["is_ml"]


# --------------------------------------------------------------------------------------------------
# Policy documents


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
    return bool(bare) and not bare.group(1).startswith("AWS::")


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
