"""Organizations policy documents (``*.json`` here) and their loader.

Service control policies (SCPs) for ML accounts, and the AI services opt-out policy. A document may
hold placeholders: a JSON string that is exactly ``"{{name}}"`` is replaced by the value of parameter
``name`` (a string or a list of strings) when the policy is loaded. AWS counts a policy's size in
characters of the document as stored; :func:`minified` gives that form and :func:`validate_size` checks it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from importlib import resources
from typing import Any

SERVICE_CONTROL_POLICY = "SERVICE_CONTROL_POLICY"
AISERVICES_OPT_OUT_POLICY = "AISERVICES_OPT_OUT_POLICY"

#: Maximum document size per policy type (AWS Organizations quotas), in characters.
MAX_SIZE: Mapping[str, int] = {SERVICE_CONTROL_POLICY: 5120, AISERVICES_OPT_OUT_POLICY: 2500}

#: Policy name → (type, one-line description). Names are the JSON file names without ``.json``.
POLICIES: Mapping[str, tuple[str, str]] = {
    "sagemaker-network": (
        SERVICE_CONTROL_POLICY,
        (
            "Deny SageMaker jobs, models and notebooks without VPC subnets, domains that are not VpcOnly, "
            "and notebooks with direct internet or root access"
        ),
    ),
    "sagemaker-encryption": (
        SERVICE_CONTROL_POLICY,
        ("Deny SageMaker jobs without volume and output KMS keys (instance-store types, which refuse a volume "
         "key, excepted), and notebooks and domains without a volume key"),
    ),
    "protect-audit": (
        SERVICE_CONTROL_POLICY,
        "Deny stopping or deleting CloudTrail, AWS Config and GuardDuty, and leaving the organization",
    ),
    "region-allow-list": (SERVICE_CONTROL_POLICY, "Deny regional services outside the allowed regions"),
    "ai-services-opt-out": (
        AISERVICES_OPT_OUT_POLICY,
        "Opt every account out of AI services using its content to improve those services",
    ),
}

_PLACEHOLDER_RE = re.compile(r"^\{\{([a-z_]+)\}\}$")


def list_policies() -> list[str]:
    """Names of every policy document shipped with the package."""
    files = resources.files(__name__)
    return sorted(p.name.removesuffix(".json") for p in files.iterdir() if p.name.endswith(".json"))


def policy_type(name: str) -> str:
    """The Organizations policy type of ``name``."""
    _check_name(name)
    return POLICIES[name][0]


def raw_policy(name: str) -> dict[str, Any]:
    """The document as stored, placeholders unreplaced."""
    _check_name(name)
    text = resources.files(__name__).joinpath(f"{name}.json").read_text("utf-8")
    return json.loads(text)


def placeholders(document: Any) -> set[str]:
    """Placeholder names used in ``document``."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str) and (m := _PLACEHOLDER_RE.match(node)):
            found.add(m.group(1))

    walk(document)
    return found


def load_policy(name: str, **params: str | list[str]) -> dict[str, Any]:
    """The document ``name`` with its placeholders replaced by ``params``; its size is validated.

    Raises ``ValueError`` naming every missing, unknown or empty parameter.
    """
    document = raw_policy(name)
    needed = placeholders(document)
    problems = []
    missing = sorted(needed - params.keys())
    if missing:
        problems.append(f"missing parameter(s) {missing}")
    unknown = sorted(params.keys() - needed)
    if unknown:
        problems.append(f"unknown parameter(s) {unknown} (it takes {sorted(needed) or 'none'})")
    empty = sorted(k for k, v in params.items() if k in needed and (not v or (isinstance(v, list) and not all(v))))
    if empty:
        problems.append(f"parameter(s) {empty} are empty; a policy condition needs at least one value")
    if problems:
        raise ValueError(f"policy {name!r}: " + "; ".join(problems))

    def fill(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: fill(v) for k, v in node.items()}
        if isinstance(node, list):
            return [fill(v) for v in node]
        if isinstance(node, str) and (m := _PLACEHOLDER_RE.match(node)):
            value = params[m.group(1)]
            return list(value) if isinstance(value, (list, tuple)) else value
        return node

    filled = fill(document)
    validate_size(name, filled)
    return filled


def minified(document: Mapping[str, Any]) -> str:
    """The document without insignificant whitespace, as AWS stores and counts it."""
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)


def validate_size(name: str, document: Mapping[str, Any]) -> int:
    """Size of ``document`` in characters; ``ValueError`` if over its type's limit."""
    size = len(minified(document))
    limit = MAX_SIZE[policy_type(name)]
    if size > limit:
        raise ValueError(
            f"policy {name!r} is {size} characters minified, over the {limit}-character limit of "
            f"{policy_type(name)}; split it or shorten the lists it was given"
        )
    return size


def _check_name(name: str) -> None:
    if name not in POLICIES:
        raise ValueError(f"unknown policy {name!r}; use one of {sorted(POLICIES)}")
