"""Justifications of ``secure-ml iam-lint``: parliament findings accepted, each with a reason.

Two sources, both read by :func:`~.lint.lint_templates`:

- **The template itself**: a resource's ``Metadata.cdk_secure_ml.iam_lint`` list. The library's
  constructs write these on the resources they create (``justify_iam_lint`` in
  :mod:`cdk_secure_ml.policies.acknowledgements`), so they hold whatever the construct ids, and travel
  with a template taken out of ``cdk.out``. Such an entry concerns its own resource only, so it has no
  ``resource`` key (:func:`justifications_of`).
- **A user's file** (``--justifications FILE``), which adds to what the templates carry::

    justifications:
      - issue: MISMATCHED_TYPE          # parliament issue (or PARLIAMENT-<issue>)
        resource: "*"                   # glob on the logical id or the CDK construct path
        policy: PolicyDocument          # optional glob on the policy (…/Statement[1], …/<Sid>)
        detail: "*s3:TlsVersion*"       # optional glob on the finding's message
        reason: why this is acceptable  # required

Each entry's shape is validated by a pydantic model (unknown keys, non-string values); what it says is
checked here (an issue and a resource named, a known issue, a reason). A problem with an entry is a
``PARLIAMENT-JUSTIFICATION`` finding at the entry's line (or resource), never a silent pass.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from ..acks import METADATA_KEY
from ..findings import Finding
from ..template import InputError, Resource, TemplateError, child_node, load_yaml

__all__ = [
    "IAM_LINT_KEY",
    "JUSTIFICATION_RULE",
    "RULE_PREFIX",
    "Justification",
    "justifications_of",
    "load_justifications",
]

RULE_PREFIX = "PARLIAMENT-"
#: Problems of a justification (an entry without a reason, one that matches nothing).
JUSTIFICATION_RULE = "PARLIAMENT-JUSTIFICATION"
#: Key under ``Metadata.cdk_secure_ml`` of a resource: the justifications of its own policies.
IAM_LINT_KEY = "iam_lint"


@dataclass(frozen=True)
class Justification:
    """One justification: an entry of a file, or of a resource's metadata (then ``resource`` is ``*``
    and the entry is only offered to that resource's policies)."""

    index: int
    issue: str
    resource: str
    policy: str
    detail: str
    reason: str
    #: The entry's line in the file (None when unknown).
    line: int | None = None
    #: Where the entry is: the file, or ``<template file>#<logical id>`` for a resource's metadata.
    source: str = ""

    def matches(
        self, finding: Finding, construct_path: str, policy_path: str, statement: int | None, sid: str | None
    ) -> bool:
        """Issue, resource (logical id or construct path), policy (``KeyPolicy``, ``KeyPolicy/Statement[1]``
        or ``KeyPolicy/<Sid>``) and detail (the message) all match; empty policy / detail match anything."""
        if _rule_id(self.issue) != finding.rule:
            return False
        if not any(fnmatch.fnmatchcase(name, self.resource) for name in (finding.resource, construct_path)):
            return False
        if self.policy:
            candidates = [policy_path]
            if statement is not None:
                candidates.append(f"{policy_path}/Statement[{statement}]")
            if sid:
                candidates.append(f"{policy_path}/{sid}")
            if not any(fnmatch.fnmatchcase(candidate, self.policy) for candidate in candidates):
                return False
        return not self.detail or fnmatch.fnmatchcase(finding.message, self.detail)


def _rule_id(issue: str) -> str:
    issue = issue.strip()
    return issue if issue.startswith(RULE_PREFIX) else RULE_PREFIX + issue


class _Entry(BaseModel):
    """The shape of one entry of the file (what the entry says is checked by :func:`_check`)."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)

    issue: str | None = None
    resource: str | None = None
    policy: str | None = None
    detail: str | None = None
    reason: str | None = None


def _shape_problem(entry: Any) -> tuple[_Entry | None, str | None]:
    """The validated entry, or the message for its first shape problem."""
    if not isinstance(entry, dict):
        return None, "an entry must be a mapping with issue, resource and reason"
    try:
        return _Entry.model_validate(entry), None
    except ValidationError as error:
        errors = error.errors()
    unknown = sorted(str(e["loc"][0]) for e in errors if e["type"] == "extra_forbidden")
    if unknown:
        return None, f"unknown key(s) {', '.join(unknown)}"
    first = errors[0]
    return None, f"{first['loc'][0]} must be a string, got {first['input']!r}"


def _check(entry: _Entry, known_issues: set[str] | None) -> str | None:
    """The message for what is wrong with a well-formed entry, or None."""
    issue, resource = entry.issue or "", entry.resource or ""
    label = f"{issue or '?'} on {resource or '?'}"
    if not issue or not resource:
        return f"justification {label} must name an issue and a resource pattern"
    if known_issues is not None and issue.removeprefix(RULE_PREFIX) not in known_issues:
        return f"justification {label}: unknown parliament issue {issue!r}"
    if not entry.reason:
        return f"justification of {label} has no reason: give one a reviewer can judge"
    return None


def _read(path: Path) -> tuple[list[Any], list[int | None]]:
    """The entries of the file and the line of each. Raises :class:`InputError` / :class:`TemplateError`."""
    name = str(path)
    if not path.exists():
        raise InputError(f"{name}: no such justifications file")
    try:
        data, root = load_yaml(path.read_text(encoding="utf-8"), yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        raise TemplateError(name, f"invalid YAML: {error.problem}", mark.line + 1 if mark else None) from None
    except (OSError, yaml.YAMLError) as error:
        raise TemplateError(name, f"cannot read: {error}") from None
    entries = (data or {}).get("justifications", []) if isinstance(data, dict) or data is None else None
    if not isinstance(entries, list):
        raise TemplateError(name, "expected a mapping with a 'justifications' list")
    nodes = child_node(root, "justifications")
    items = nodes.value if isinstance(nodes, yaml.SequenceNode) else []
    lines = [items[i].start_mark.line + 1 if i < len(items) else None for i in range(len(entries))]
    return entries, lines


def _parse(
    entries: list[Any], lines: list[int | None], known_issues: set[str] | None, source: str, *, implicit: bool
) -> tuple[list[Justification], list[tuple[int, int | None, str]]]:
    """Valid entries, and ``(index, line, message)`` for each invalid one. ``implicit``: entries of a
    resource's metadata, whose resource is the resource itself (a ``resource`` key is refused)."""
    valid: list[Justification] = []
    problems: list[tuple[int, int | None, str]] = []
    for index, (raw, line) in enumerate(zip(entries, lines, strict=True)):
        if implicit and isinstance(raw, dict):
            if "resource" in raw:
                problems.append((index, line, "an entry in a resource's metadata names no resource: "
                                 "it concerns that resource only; remove the resource key"))
                continue
            raw = {**raw, "resource": "*"}
        entry, message = _shape_problem(raw)
        if entry is not None:
            message = _check(entry, known_issues)
        if entry is None or message is not None:
            problems.append((index, line, str(message)))
            continue
        valid.append(
            Justification(
                index,
                entry.issue or "",
                entry.resource or "",
                entry.policy or "",
                entry.detail or "",
                entry.reason or "",
                line,
                source,
            )
        )
    return valid, problems


def load_justifications(
    path: Path | str, known_issues: set[str] | None = None
) -> tuple[list[Justification], list[Finding]]:
    """Entries of a justifications file, plus findings for invalid entries (each an error at its line).

    ``known_issues``: parliament's issue names (None: any name is accepted). Raises
    :class:`~cdk_secure_ml.policies.template.InputError` for a missing file and
    :class:`~cdk_secure_ml.policies.template.TemplateError` (file and line) for one that cannot be read.
    """
    path = Path(path)
    entries, lines = _read(path)
    valid, problems = _parse(entries, lines, known_issues, str(path), implicit=False)
    findings = [
        Finding(JUSTIFICATION_RULE, "error", str(path), f"justifications[{index}]", "justification", message,
                line=line)
        for index, line, message in problems
    ]
    return valid, findings


def justifications_of(
    resource: Resource, known_issues: set[str] | None = None
) -> tuple[list[Justification], list[Finding]]:
    """The justifications a resource carries in ``Metadata.cdk_secure_ml.iam_lint`` (for its own
    policies), plus an error finding on the resource for each invalid entry. Memoised per template."""
    memo = resource.template.cache.setdefault("iam_lint:justifications", {})
    if resource.logical_id not in memo:
        memo[resource.logical_id] = _metadata_justifications(resource, known_issues)
    return memo[resource.logical_id]


def _metadata_justifications(
    resource: Resource, known_issues: set[str] | None
) -> tuple[list[Justification], list[Finding]]:
    block = resource.metadata.get(METADATA_KEY)
    entries = block.get(IAM_LINT_KEY) if isinstance(block, dict) else None
    if entries is None:
        return [], []

    def problem(message: str, index: int | None = None) -> Finding:
        where = f"Metadata.{METADATA_KEY}.{IAM_LINT_KEY}" + (f"[{index}]" if index is not None else "")
        return Finding(JUSTIFICATION_RULE, "error", resource.template.file, resource.logical_id,
                       resource.type, f"{where}: {message}", line=resource.line)

    if not isinstance(entries, list):
        return [], [problem("must be a list of {issue, policy, detail, reason}")]
    source = f"{resource.template.file}#{resource.logical_id}"
    valid, problems = _parse(entries, [None] * len(entries), known_issues, source, implicit=True)
    return valid, [problem(message, index) for index, _, message in problems]
