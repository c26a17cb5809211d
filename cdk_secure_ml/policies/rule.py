"""The rule type: :class:`Rule`, what a check returns (:class:`Violation`), the registry the
:func:`rule` decorator fills, and the property helpers rule modules share.

Layer 2 of the policy engine: it imports the template layer (:mod:`.template`, :mod:`.intrinsics`),
:mod:`.findings` and :mod:`.ids`, never a rule module or the runner. A rule is a small pure function
over one resource (and its template, for cross-resource rules) that yields violations; the runner
(:mod:`.runner`) turns them into findings and applies acknowledgements.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .findings import CANNOT_VERIFY, Severity
from .ids import AREAS, RULE_IDS
from .intrinsics import Unresolved, describe
from .template import Resource, Template

__all__ = [
    "MISSING",
    "Rule",
    "RunContext",
    "Violation",
    "as_list",
    "cannot_verify",
    "cfn_reference_url",
    "fail",
    "get",
    "is_empty",
    "refers_to",
    "registered_rules",
    "require_set",
    "require_true",
    "require_value",
    "rule",
    "text_of",
    "truth",
    "warn",
]

_ID = re.compile(r"^SML-(" + "|".join(AREAS) + r")-[1-9][0-9]*$")


@dataclass(frozen=True)
class Violation:
    """What a check returns: a message and, for "cannot verify", a severity override."""

    message: str
    severity: Severity | None = None


def fail(message: str) -> Violation:
    """A violation at the rule's own severity."""
    return Violation(message)


def cannot_verify(message: str) -> Violation:
    """A value the rule needs is not resolvable within the template: a warning, never a pass."""
    return Violation(CANNOT_VERIFY + message, "warning")


def warn(message: str) -> Violation:
    """A violation reported as a warning whatever the rule's severity."""
    return Violation(message, "warning")


@dataclass(frozen=True)
class RunContext:
    """What one check run knows beyond a single template, for the rules that ask for it
    (``@rule(..., context=True)``: the SML-META rules).

    ``input_files``: the normalised paths of every template checked together (a nested stack's template
    may be among them). ``known_rule_ids``: the ids an acknowledgement may name (the catalogue's, plus
    those of the rules being run). ``cdk_acknowledgements``: whether acknowledgements recorded in a cloud
    assembly count (False in the CDK plugin, where CDK applies them itself). ``templates``: every template
    of the run, for rules that follow references across stacks (``Fn::ImportValue``: the SML-NET
    reachability rules).
    """

    input_files: frozenset[str] = frozenset()
    known_rule_ids: frozenset[str] = RULE_IDS
    cdk_acknowledgements: bool = True
    templates: tuple[Template, ...] = field(default=(), compare=False)

    @cached_property
    def input_names(self) -> frozenset[str]:
        """The file names (without their directories) of ``input_files``."""
        return frozenset(os.path.basename(f) for f in self.input_files)


Check = Callable[[Resource, Template], Iterable[Violation]]
ContextCheck = Callable[[Resource, Template, RunContext], Iterable[Violation]]

#: CloudFormation's template reference: one page per resource type.
CFN_REFERENCE = "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/"


def cfn_reference_url(resource_type: str) -> str:
    """The CloudFormation reference page of a resource type:
    ``AWS::SageMaker::Domain`` → ``…/TemplateReference/aws-resource-sagemaker-domain.html``."""
    _, *names = resource_type.lower().split("::")
    return f"{CFN_REFERENCE}aws-resource-{'-'.join(names)}.html"


@dataclass(frozen=True)
class Rule:
    """A catalogue rule: id ``SML-<AREA>-<n>``, severity, the texts docs/rules.md and SARIF show, the
    resource types it applies to, and its check.

    ``any_resource``: the rule applies to every resource whatever its type (``resource_types`` is then
    empty). ``takes_context``: the check takes a third argument, the :class:`RunContext`.
    ``reads_properties``: when the resource's whole ``Properties`` is unresolvable, the check is not
    run and "cannot verify" is reported instead (False for checks that read only ``Metadata`` or the
    template's notes; the runner does not rerun those on a template's variants, which change neither).
    ``references``: AWS documentation for the rule, most relevant first (see :attr:`help_uri`).
    """

    id: str
    severity: Severity
    title: str
    rationale: str
    remediation: str
    resource_types: tuple[str, ...]
    check: Check | ContextCheck = field(repr=False, compare=False)
    any_resource: bool = False
    takes_context: bool = field(default=False, repr=False)
    reads_properties: bool = field(default=True, repr=False)
    references: tuple[str, ...] = ()

    @property
    def area(self) -> str:
        return self.id.split("-")[1]

    @property
    def number(self) -> int:
        return int(self.id.split("-")[2])

    @property
    def help_uri(self) -> str | None:
        """The first reference, else the CloudFormation reference page of the first resource type
        (what the rule reads); None for a rule without either (SARIF ``helpUri``)."""
        if self.references:
            return self.references[0]
        return cfn_reference_url(self.resource_types[0]) if self.resource_types else None

    def applies_to(self, resource_type: str) -> bool:
        return self.any_resource or resource_type in self.resource_types

    def run(
        self, resource: Resource, template: Template, context: RunContext | None = None
    ) -> list[Violation]:
        """The check's violations for one resource; a check that raises gives a "cannot verify"
        warning instead of stopping the whole run."""
        whole = resource.properties.get("__unresolved__") if self.reads_properties else None
        if isinstance(whole, Unresolved):
            return [cannot_verify(f"Properties is {whole.expr}")]
        try:
            if self.takes_context:
                return list(self.check(resource, template, context or RunContext()))  # type: ignore[call-arg]
            return list(self.check(resource, template))  # type: ignore[call-arg]
        except Exception as error:  # noqa: BLE001 - a malformed resource must not stop the whole check
            return [
                cannot_verify(f"the rule could not evaluate this resource ({type(error).__name__}: {error})")
            ]


_REGISTRY: list[Rule] = []


def registered_rules() -> list[Rule]:
    """Every rule registered with :func:`rule` so far, in registration order."""
    return list(_REGISTRY)


def rule(
    id: str,
    severity: Severity,
    title: str,
    *,
    types: Iterable[str] = (),
    rationale: str,
    remediation: str,
    any_resource: bool = False,
    context: bool = False,
    reads_properties: bool = True,
    references: Iterable[str] = (),
) -> Callable[[Any], Rule]:
    """Register a check function as a catalogue rule (the decorated name becomes the :class:`Rule`).

    Raises ``ValueError`` for an id that does not match ``SML-<AREA>-<n>``, or for a rule that applies
    to no resource type and not to ``any_resource``.
    """
    if not _ID.match(id):
        raise ValueError(f"rule id {id!r} does not match SML-<AREA>-<n>")
    types = tuple(types)
    if not types and not any_resource:
        raise ValueError(f"rule {id} applies to nothing: give types=(...) or any_resource=True")

    def register(check: Any) -> Rule:
        new = Rule(
            id,
            severity,
            title,
            " ".join(rationale.split()),
            " ".join(remediation.split()),
            types,
            check,
            any_resource=any_resource,
            takes_context=context,
            reads_properties=reads_properties,
            references=tuple(references),
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
