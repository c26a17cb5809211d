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


@dataclass(frozen=True)
class ConfigChange:
    """One edit of the config: what it shows, and how it changes the parsed YAML document."""

    description: str
    apply: Callable[[dict[str, Any]], None]


def _endpoint(document: dict[str, Any]) -> dict[str, Any]:
    return document["endpoints"][0]


def _new_model_version(document: dict[str, Any]) -> None:
    endpoint = _endpoint(document)
    endpoint["model_data"] = endpoint["model_data"].replace("/v1/", "/v2/")


def _bigger_instances(document: dict[str, Any]) -> None:
    endpoint = _endpoint(document)
    variant = endpoint["variants"][0]
    variant["instance_type"] = "ml.m5.xlarge"
    variant["instance_count"] = 3
    # Autoscaling owns the count of a scaled variant (RetainAllVariantProperties): its floor moves with it.
    if endpoint.get("autoscaling"):
        endpoint["autoscaling"]["min_capacity"] = 3


def _new_user(document: dict[str, Any]) -> None:
    document["studio"]["users"].append({"name": "dana", "team": "fraud", "persona": "ml-engineer"})


def _sdk_default(document: dict[str, Any]) -> None:
    document["studio"]["job_tags"] = {**document["studio"].get("job_tags", {}), "cost-center": "ml-research-2027"}


def _idle_timeout(document: dict[str, Any]) -> None:
    document["studio"]["idle_timeout_minutes"] = 120


#: The second version of config/demo.yaml, as a platform team would write it.
DAY2_CHANGES: tuple[ConfigChange, ...] = (
    ConfigChange("studio: new user dana (team fraud, ml-engineer)", _new_user),
    ConfigChange("studio: SDK defaults tag every job with cost-center ml-research-2027 (studio.job_tags)",
                 _sdk_default),
    ConfigChange("studio: idle shutdown after 120 minutes instead of 60", _idle_timeout),
    ConfigChange("endpoint churn: model version v2 (model_data .../v2/model.tar.gz)", _new_model_version),
    ConfigChange("endpoint churn: variant AllTraffic on 3 x ml.m5.xlarge instead of 2 x ml.m5.large (a new "
                 "endpoint name: SageMaker cannot change an auto-scaled variant's instance type in place)",
                 _bigger_instances),
)


def write_day2_config(config_path: Path, out: Path, changes: tuple[ConfigChange, ...] = DAY2_CHANGES) -> Path:
    """``config_path`` with ``changes`` applied, written to ``out`` (returned)."""
    document = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    changed = copy.deepcopy(document)
    for change in changes:
        change.apply(changed)
    out.write_text("# config/demo.yaml, day 2 (written by emulator/day2.py)\n"
                   + yaml.safe_dump(changed, sort_keys=False), encoding="utf-8")
    return out


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
    """Counts and one line per changed stack; ``types(stack, logical_id)`` names a resource's type."""
    summary = UpdateSummary()
    for operation in sorted(operations, key=lambda o: o.stack):
        if not (operation.added or operation.updated or operation.replaced or operation.removed):
            continue
        summary.added += len(operation.added)
        summary.updated += len(operation.updated)
        summary.replaced += len(operation.replaced)
        summary.removed += len(operation.removed)
        parts = []
        for verb, ids in (("added", operation.added), ("updated", operation.updated),
                          ("replaced", operation.replaced), ("removed", operation.removed)):
            if ids:
                parts.append(f"{verb} " + ", ".join(f"{i} ({types(operation.stack, i)})" for i in sorted(ids)))
        if operation.retained:
            parts.append("kept by UpdateReplacePolicy/DeletionPolicy Retain " + ", ".join(
                f"{physical} ({kind})" for _, kind, physical in operation.retained))
        summary.lines.append(f"{operation.stack}: " + "; ".join(parts))
    return summary


#: Why the platform keeps a resource of this type when its stack is deleted.
RETAINED_BECAUSE: dict[str, str] = {
    "AWS::KMS::Key": "a customer-managed key: what it encrypted stays readable; schedule its deletion by hand",
    "AWS::S3::Bucket": "data, models, logs or the audit archive outlive the stack",
    "AWS::Logs::LogGroup": "logs are kept for their retention period",
    "AWS::SageMaker::Domain": "home directories live on the domain's EFS volume",
    "AWS::SageMaker::UserProfile": "a profile's home directory is on the domain's EFS volume",
    "AWS::SageMaker::ModelPackageGroup": "approved model versions outlive the stack",
    "AWS::ECR::Repository": "images outlive the stack",
    "AWS::SageMaker::StudioLifecycleConfig": "SageMaker refuses to delete a lifecycle config that a (retained) "
                                             "domain or profile lists; delete it by hand once they are gone",
}


def retained(operations: list[StackOperation], gone: set[str]) -> list[tuple[str, str, str, str]]:
    """(stack/logical id, type, physical id, why) of what the deletes kept, but for ``gone`` physical ids."""
    kept = []
    for operation in sorted(operations, key=lambda o: o.stack):
        for logical_id, resource_type, physical_id in operation.retained:
            if physical_id in gone:
                continue
            why = RETAINED_BECAUSE.get(resource_type, "DeletionPolicy Retain in the template")
            kept.append((f"{operation.stack}/{logical_id}", resource_type, physical_id, why))
    return kept
