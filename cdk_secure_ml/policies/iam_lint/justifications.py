"""The justifications file of ``secure-ml iam-lint``: parliament findings accepted, each with a reason.

Format (YAML; :data:`DEFAULT_JUSTIFICATIONS` is the checked-in one, documented in its header)::

    justifications:
      - issue: MISMATCHED_TYPE          # parliament issue (or PARLIAMENT-<issue>)
        resource: "*"                   # glob on the logical id or the CDK construct path
        policy: PolicyDocument          # optional glob on the policy (…/Statement[1], …/<Sid>)
        detail: "*s3:TlsVersion*"       # optional glob on the finding's message
        reason: why this is acceptable  # required

Each entry's shape is validated by a pydantic model (unknown keys, non-string values); what it says is
checked here (an issue and a resource named, a known issue, a reason). A problem with an entry is a
``PARLIAMENT-JUSTIFICATION`` finding at the entry's line, never a silent pass.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from ..findings import Finding
from ..template import InputError, TemplateError, child_node, load_yaml

__all__ = [
    "DEFAULT_JUSTIFICATIONS",
    "JUSTIFICATION_RULE",
    "RULE_PREFIX",
    "Justification",
    "load_justifications",
]

RULE_PREFIX = "PARLIAMENT-"
#: Problems of the justifications file (an entry without a reason, one that matches nothing).
JUSTIFICATION_RULE = "PARLIAMENT-JUSTIFICATION"
DEFAULT_JUSTIFICATIONS = Path(__file__).resolve().parent.parent / "data" / "parliament_justifications.yaml"


@dataclass(frozen=True)
class Justification:
    """One entry of the justifications file."""

    index: int
    issue: str
    resource: str
    policy: str
    detail: str
    reason: str
    #: The entry's line in the file (None when unknown).
    line: int | None = None

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
    valid: list[Justification] = []
    problems: list[Finding] = []
    for index, (raw, line) in enumerate(zip(entries, lines, strict=True)):
        entry, message = _shape_problem(raw)
        if entry is not None:
            message = _check(entry, known_issues)
        if entry is None or message is not None:
            where = f"justifications[{index}]"
            problems.append(
                Finding(
                    JUSTIFICATION_RULE, "error", str(path), where, "justification", str(message), line=line
                )
            )
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
            )
        )
    return valid, problems
