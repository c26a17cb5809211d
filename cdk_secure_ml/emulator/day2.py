"""Day 2 of the demo: a second version of the config deployed over the first, then a teardown.

The update follows AWS's rules (docs/operations.md): what SageMaker cannot change in place is given a
new name and replaced; nothing is deregistered by hand. The emulator refuses what AWS refuses
(:mod:`emulator.cloudformation`, :mod:`emulator.refusals`), so a green day 2 means the update would
run in an account.

The teardown deletes the Studio domain's apps, spaces and profiles first
(:func:`cdk_secure_ml.teardown.teardown_studio_domain`), then runs ``cdk destroy``, and lists what
CloudFormation retained and why.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .cloudformation import OPERATIONS, StackOperation

#: A change of the config: it edits the parsed YAML document in place and says what it changed (old → new),
#: or returns None when the document has nothing it applies to.
ConfigChange = Callable[[dict[str, Any]], "str | None"]


def _endpoint(document: dict[str, Any]) -> dict[str, Any] | None:
    endpoints = document.get("endpoints") or []
    return endpoints[0] if endpoints else None


def new_user(document: dict[str, Any]) -> str | None:
    studio = document.setdefault("studio", {})
    users = studio.setdefault("users", [])
    teams = [t["name"] for t in (document.get("identity") or {}).get("teams", [])]
    if not teams:
        return None
    taken = {u["name"] for u in users}
    name = next(n for n in (f"dana{i}" if i else "dana" for i in range(100)) if n not in taken)
    team = teams[-1]
    users.append({"name": name, "team": team, "persona": "ml-engineer"})
    return f"studio.users: new user {name} (team {team}, ml-engineer), at the end of the list"


def sdk_default(document: dict[str, Any]) -> str | None:
    studio = document.setdefault("studio", {})
    old = dict(studio.get("job_tags") or {})
    studio["job_tags"] = {**old, "cost-center": f"{old.get('cost-center', 'ml')}-2027"}
    return (f"studio.job_tags (SDK defaults): cost-center {old.get('cost-center', '(none)')} -> "
            f"{studio['job_tags']['cost-center']}")


def idle_timeout(document: dict[str, Any]) -> str | None:
    studio = document.setdefault("studio", {})
    old = int(studio.get("idle_timeout_minutes", 60))
    studio["idle_timeout_minutes"] = old + 60
    return f"studio.idle_timeout_minutes: {old} -> {old + 60}"


def new_model_version(document: dict[str, Any]) -> str | None:
    endpoint = _endpoint(document)
    if endpoint is None or "/v1/" not in (endpoint.get("model_data") or ""):
        return None
    old = endpoint["model_data"]
    endpoint["model_data"] = old.replace("/v1/", "/v2/")
    return f"endpoint {endpoint['name']}: model_data {old} -> {endpoint['model_data']}"


def bigger_instances(document: dict[str, Any]) -> str | None:
    endpoint = _endpoint(document)
    if endpoint is None or not endpoint.get("variants"):
        return None
    variant = endpoint["variants"][0]
    old_type, old_count = variant.get("instance_type", "ml.m5.large"), int(variant.get("instance_count", 1))
    variant["instance_type"] = "ml.m5.2xlarge" if old_type == "ml.m5.xlarge" else "ml.m5.xlarge"
    variant["instance_count"] = old_count + 1
    # Autoscaling owns the count of a scaled variant (RetainAllVariantProperties): its floor moves with it.
    if endpoint.get("autoscaling"):
        scaling = endpoint["autoscaling"]
        scaling["min_capacity"] = max(int(scaling.get("min_capacity", 1)), variant["instance_count"])
        scaling["max_capacity"] = max(int(scaling.get("max_capacity", 1)), scaling["min_capacity"])
    return (f"endpoint {endpoint['name']}: variant {variant['name']} {old_count} x {old_type} -> "
            f"{variant['instance_count']} x {variant['instance_type']} (a new endpoint name: SageMaker "
            "cannot change "
            "an auto-scaled variant's instance type in place)")


def new_feature(document: dict[str, Any]) -> str | None:
    """A feature added at the end of the first feature group: UpdateFeatureGroup adds it in place (features
    are never removed; docs/feature-store.md)."""
    groups = (document.get("feature_store") or {}).get("groups") or []
    if not groups:
        return None
    group = groups[0]
    names = {f["name"] for f in group.get("features") or []}
    name = next(n for n in (f"day2-score{i}" if i else "day2-score" for i in range(100)) if n not in names)
    group.setdefault("features", []).append({"name": name, "type": "Fractional"})
    return f"feature group {group['name']}: new feature {name} (Fractional), at the end of the list"


#: The second version of config/demo.yaml, as a platform team would write it.
DAY2_CHANGES: tuple[ConfigChange, ...] = (
    new_user,
    sdk_default,
    idle_timeout,
    new_model_version,
    bigger_instances,
    new_feature,
)


def write_day2_config(
    config_path: Path, out: Path, changes: tuple[ConfigChange, ...] = DAY2_CHANGES
) -> tuple[Path, list[str]]:
    """``config_path`` with ``changes`` applied, written to ``out``: (``out``, what each change did)."""
    document = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    changed = copy.deepcopy(document)
    described = [line for change in changes if (line := change(changed))]
    out.write_text(
        f"# {config_path.name}, day 2 (written by emulator/day2.py)\n"
        + yaml.safe_dump(changed, sort_keys=False),
        encoding="utf-8",
    )
    return out, described


def mark() -> int:
    """A position in the emulator's operation log; pass it to :func:`operations_since`."""
    return len(OPERATIONS)


def operations_since(position: int, kind: str) -> list[StackOperation]:
    """The stack operations of ``kind`` (UPDATE, DELETE) logged after ``position``, last per stack."""
    latest: dict[str, StackOperation] = {}
    for operation in OPERATIONS[position:]:
        if operation.kind == kind:
            latest[operation.stack] = operation
    return list(latest.values())


@dataclass
class UpdateSummary:
    added: int = 0
    updated: int = 0
    replaced: int = 0
    removed: int = 0
    lines: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.added + self.updated + self.replaced + self.removed


def summarize_update(operations: list[StackOperation], types: Callable[[str, str], str]) -> UpdateSummary:
    """Counts, and one line per changed stack naming what was added, replaced or removed (``types(stack,
    logical_id)`` names a resource's type); in-place updates are counted only."""
    summary = UpdateSummary()
    for operation in sorted(operations, key=lambda o: o.stack):
        if not (operation.added or operation.updated or operation.replaced or operation.removed):
            continue
        summary.added += len(operation.added)
        summary.updated += len(operation.updated)
        summary.replaced += len(operation.replaced)
        summary.removed += len(operation.removed)
        parts = [f"{len(operation.updated)} updated in place"] if operation.updated else []
        for verb, ids in (
            ("added", operation.added),
            ("replaced", operation.replaced),
            ("removed", operation.removed),
        ):
            if ids:
                parts.append(
                    f"{verb} "
                    + ", ".join(f"{i} ({types(operation.stack, i).split('::')[-1]})" for i in sorted(ids))
                )
        summary.lines.append(f"{operation.stack}: " + "; ".join(parts))
    return summary


#: Why the platform keeps a resource of this type when its stack is deleted.
RETAINED_BECAUSE: dict[str, str] = {
    "AWS::KMS::Key": "a customer-managed key: what it encrypted stays readable; schedule its deletion by "
    "hand",
    "AWS::S3::Bucket": "data, models, logs or the audit archive outlive the stack",
    "AWS::Logs::LogGroup": "logs are kept for their retention period",
    "AWS::SageMaker::Domain": "home directories live on the domain's EFS volume",
    "AWS::SageMaker::UserProfile": "a profile's home directory is on the domain's EFS volume",
    "AWS::SageMaker::ModelPackageGroup": "approved model versions outlive the stack",
    "AWS::ECR::Repository": "images outlive the stack",
    "AWS::SageMaker::StudioLifecycleConfig": "a lifecycle config a retained domain or profile may still list",
    "AWS::S3::BucketPolicy": "keeps its bucket's TLS-only and VPC-endpoint-only rules while the data stays",
}

#: Why an update kept the old copy of a resource it replaced.
REPLACED_AND_KEPT = "an earlier version, kept by UpdateReplacePolicy Retain when an update replaced it"


def retained(
    operations: list[StackOperation], gone: set[str], updates: list[StackOperation] = ()
) -> list[tuple[str, str, str, str]]:
    """(stack/logical id, type, physical id, why) of what the deletes kept, then what earlier ``updates``
    kept of the resources they replaced, but for ``gone`` (physical ids or types deleted since by other
    means)."""
    kept = []
    for operation, reason in [
        *((o, None) for o in sorted(operations, key=lambda o: o.stack)),
        *((o, REPLACED_AND_KEPT) for o in updates),
    ]:
        for logical_id, resource_type, physical_id in operation.retained:
            if physical_id in gone or resource_type in gone:
                continue
            why = reason or RETAINED_BECAUSE.get(resource_type, "DeletionPolicy Retain in the template")
            kept.append((f"{operation.stack}/{logical_id}", resource_type, physical_id, why))
    return kept
