"""A tiny IAM evaluator for tests: does a set of policy documents allow an action on a resource?

It models what persona tests need — Allow/Deny, action and resource wildcards, explicit deny wins —
for a *compliant* request: conditional Allows are taken as met (the caller carries the right tags)
and conditional Denies as not triggered (the request names our subnets, keys, ...). So "deny" means
denied whatever the request carries. It is not a full IAM engine.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable


def _as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _matches(patterns, value: str) -> bool:
    return any(
        isinstance(p, str) and fnmatch.fnmatchcase(value.lower(), p.lower()) for p in _as_list(patterns)
    )


def _resource_text(resource) -> str:
    """Render intrinsic-bearing resources roughly, so wildcard matching still works."""
    if isinstance(resource, str):
        return resource
    if isinstance(resource, dict) and "Fn::Join" in resource:
        sep, parts = resource["Fn::Join"]
        return sep.join(_resource_text(p) for p in parts)
    return "*"  # a Ref/GetAtt/import: some concrete resource


def decide(documents: Iterable[dict], action: str, resource: str = "*") -> str:
    """``"allow"``, ``"deny"`` (explicit, unconditional) or ``"implicit-deny"`` for a compliant request."""
    allowed = False
    for document in documents:
        for statement in _as_list(document.get("Statement")):
            if statement.get("Effect") == "Deny" and statement.get("Condition"):
                continue
            if not _matches(statement.get("Action"), action):
                continue
            resources = [_resource_text(r) for r in _as_list(statement.get("Resource"))]
            if resource != "*" and not any(fnmatch.fnmatchcase(resource, r) for r in resources):
                continue
            if statement.get("Effect") == "Deny":
                return "deny"
            allowed = True
    return "allow" if allowed else "implicit-deny"
