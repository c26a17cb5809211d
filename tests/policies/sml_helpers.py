"""Helpers for the policy tests: build small templates inline and run the rules on them."""

from __future__ import annotations

import copy
from typing import Any

from cdk_secure_ml.policies.findings import CANNOT_VERIFY, Finding, Report
from cdk_secure_ml.policies.runner import check_templates
from cdk_secure_ml.policies.template import Template


def template(resources: dict[str, Any], **sections: Any) -> dict[str, Any]:
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        **copy.deepcopy(sections),
        "Resources": copy.deepcopy(resources),
    }


def res(type_: str, **properties: Any) -> dict[str, Any]:
    return {"Type": type_, "Properties": properties}


def check(data: dict[str, Any], file: str = "inline.json") -> Report:
    return check_templates([Template(data, file)])


def findings(data: dict[str, Any], rule: str, resource: str | None = None) -> list[Finding]:
    return [
        f for f in check(data).findings if f.rule == rule and (resource is None or f.resource == resource)
    ]


def verdict(found: list[Finding]) -> str:
    """'pass' (no finding), 'unverified' (only cannot-verify warnings), else the worst severity."""
    if not found:
        return "pass"
    if all(f.message.startswith(CANNOT_VERIFY) for f in found):
        return "unverified"
    return "error" if any(f.severity == "error" for f in found) else "warning"


#: ``mod``'s default: remove the property instead of setting it.
DELETE = object()


def mod(resources: dict[str, Any], lid: str, path: str, value: Any = DELETE) -> dict[str, Any]:
    """A copy of ``resources`` with ``Properties.<path>`` of ``lid`` set to ``value`` (or removed)."""
    out = copy.deepcopy(resources)
    node = out[lid]["Properties"]
    keys = path.split(".")
    for key in keys[:-1]:
        node = node[int(key)] if isinstance(node, list) else node.setdefault(key, {})
    if value is DELETE:
        del node[keys[-1]]
    elif isinstance(node, list):
        node[int(keys[-1])] = value
    else:
        node[keys[-1]] = value
    return out


def add(resources: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {**copy.deepcopy(resources), **more}
