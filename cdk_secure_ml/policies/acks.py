"""Reading acknowledgements: which rules a resource acknowledges, with which reason.

Two sources, both read without aws_cdk:

- **Plain templates**: the resource's ``Metadata``
  ``{"cdk_secure_ml": {"acknowledge": [{"rule": "SML-…", "reason": "…"}]}}``. The library's
  ``acknowledge()`` writes this form too, so templates taken out of a cloud assembly keep them.
  (The same block may hold ``iam_lint``, the justifications of ``secure-ml iam-lint``.)
- **CDK apps**: ``Validations.of(construct).acknowledge(Acknowledgment(id="cdk-secure-ml::SML-…",
  reason="…"))``, which CDK records in the cloud assembly beside the template
  (``aws:cdk:acknowledged-rules`` in ``<stack>.metadata.json``, or in the artifact's metadata in
  ``manifest.json``). An acknowledgement applies to the construct and its children.

An acknowledgement without a reason suppresses nothing; it is a problem SML-META-1 reports
(:mod:`.rules.meta`). The runner (:mod:`.runner`) applies the valid ones to findings. Writing
acknowledgements in a CDK app is :mod:`.acknowledgements` (it needs aws_cdk).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .ids import PLUGIN_NAME
from .intrinsics import describe, mapping
from .template import Resource, Template

__all__ = ["METADATA_KEY", "Acknowledgements", "acknowledgements_of", "cdk_acknowledgements_for"]

#: Key under a resource's ``Metadata`` that holds plain-template acknowledgements.
METADATA_KEY = "cdk_secure_ml"
CDK_ACK_TYPE = "aws:cdk:acknowledged-rules"
CDK_LOGICAL_ID_TYPE = "aws:cdk:logicalId"


@dataclass(frozen=True)
class Acknowledgements:
    """The acknowledgements of one resource: ``reasons`` maps each validly acknowledged rule id to
    its reason; ``problems`` holds a message per malformed acknowledgement (no reason, no rule id)."""

    reasons: Mapping[str, str] = field(default_factory=dict)
    problems: tuple[str, ...] = ()


def acknowledgements_of(resource: Resource, *, cdk: bool = True) -> Acknowledgements:
    """The acknowledgements of ``resource``: its ``Metadata`` and, when ``cdk`` is true, those CDK
    recorded in the cloud assembly for its construct path (or a parent's). Memoised per template."""
    memo = resource.template.cache.setdefault("acks:resources", {})
    key = (resource.logical_id, cdk)
    if key not in memo:
        memo[key] = _read(resource, cdk)
    return memo[key]


def _read(resource: Resource, cdk: bool) -> Acknowledgements:
    reasons: dict[str, str] = {}
    problems: list[str] = []
    if cdk:
        for cdk_rule, cdk_reason in cdk_acknowledgements_for(resource).items():
            if cdk_reason.strip():
                reasons[cdk_rule] = cdk_reason.strip()
            else:
                problems.append(f"CDK acknowledgement of {cdk_rule} has no reason")
    block = resource.metadata.get(METADATA_KEY)
    if block is None or (isinstance(block, dict) and "acknowledge" not in block):
        return Acknowledgements(reasons, tuple(problems))  # e.g. only iam-lint's justifications
    entries = block.get("acknowledge") if isinstance(block, dict) else None
    if not isinstance(entries, list):
        problems.append(f"Metadata.{METADATA_KEY}.acknowledge must be a list of {{rule, reason}}")
        return Acknowledgements(reasons, tuple(problems))
    for entry in entries:
        rule: object = entry.get("rule") if isinstance(entry, dict) else None
        reason: object = entry.get("reason") if isinstance(entry, dict) else None
        if not isinstance(rule, str) or not rule.strip():
            problems.append(f"acknowledgement {describe(entry)} names no rule id")
        elif not isinstance(reason, str) or not reason.strip():
            problems.append(f"acknowledgement of {rule} has no reason: give one a reviewer can judge")
        else:
            reasons[rule.strip()] = reason.strip()
    return Acknowledgements(reasons, tuple(problems))


# --------------------------------------------------------------------------------------------------
# CDK acknowledgements in a cloud assembly


@dataclass(frozen=True)
class _AssemblyAcknowledgements:
    #: ``{construct path: {rule id: reason}}`` (paths without the leading ``/``).
    by_path: dict[str, dict[str, str]]
    #: ``{logical id: construct path}``: apps synthesized without path metadata still record it here.
    logical_paths: dict[str, str]


def _assembly_metadata(template_file: str) -> Any:
    """The construct metadata CDK wrote for a template of a cloud assembly, or None."""
    path = Path(template_file)
    if not path.name.endswith(".template.json"):
        return None
    sidecar = path.with_name(path.name.removesuffix(".template.json") + ".metadata.json")
    if sidecar.is_file():
        return json.loads(sidecar.read_text(encoding="utf-8"))
    if path.with_name("manifest.json").is_file():
        manifest = json.loads(path.with_name("manifest.json").read_text(encoding="utf-8"))
        for artifact in mapping(manifest.get("artifacts")).values():
            if mapping(artifact.get("properties")).get("templateFile") == path.name:
                return artifact.get("metadata")
    return None


def _assembly_acknowledgements(template: Template) -> _AssemblyAcknowledgements:
    if "acks:assembly" in template.cache:
        return template.cache["acks:assembly"]
    found = _AssemblyAcknowledgements({}, {})
    try:
        metadata = _assembly_metadata(template.file)
    except (OSError, ValueError):
        metadata = None  # no acknowledgements: more findings, never fewer
    for construct_path, entries in mapping(metadata).items():
        path = construct_path.strip("/")
        for entry in entries if isinstance(entries, list) else ():
            if not isinstance(entry, dict):
                continue
            if entry.get("type") == CDK_LOGICAL_ID_TYPE:
                found.logical_paths[str(entry.get("data"))] = path
            elif entry.get("type") == CDK_ACK_TYPE:
                for ack_id, reason in mapping(entry.get("data")).items():
                    plugin, _, rule_id = str(ack_id).partition("::")
                    if plugin == PLUGIN_NAME and rule_id:
                        found.by_path.setdefault(path, {})[rule_id] = str(reason or "")
    template.cache["acks:assembly"] = found
    return found


def cdk_acknowledgements_for(resource: Resource) -> dict[str, str]:
    """``{rule id: reason}`` acknowledged with CDK on the resource's construct or any of its parents
    (the closest one wins); empty for a template outside a cloud assembly."""
    assembly = _assembly_acknowledgements(resource.template)
    path = resource.metadata.get("aws:cdk:path") or assembly.logical_paths.get(resource.logical_id)
    if not assembly.by_path or not isinstance(path, str):
        return {}
    merged: dict[str, str] = {}
    parts = path.strip("/").split("/")
    for end in range(1, len(parts) + 1):  # parents first, the closest acknowledgement wins
        merged.update(assembly.by_path.get("/".join(parts[:end]), {}))
    return merged
