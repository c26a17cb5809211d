"""What the estimate covers: every resource of an assembly is of a type the estimate prices, a billable
type it does not price, a free type, or an unknown type; none is dropped silently.

The table is data, ``cdk_secure_ml/cost/data/resource_types.json``: CloudFormation type ->
``{"group", "reason", "source", "checked"?, "charge"?, "label"?, "fixed_when"?}``, and ``prefixes`` for
whole namespaces (``Custom::``: a custom resource). ``group`` is

- ``priced``: an estimator of :mod:`.estimate` counts it (a test keeps the two in step);
- ``unpriced``: it bills but has no price here. ``charge`` ``fixed``: it bills while it exists, so the
  estimate gets an item without price for it (one per type, account and region) and the total is a
  lower bound; ``usage``: it bills only with use, which a fixed monthly cost leaves out, and the report
  lists it. ``fixed_when`` (``{"path": "A.B", "values": [...]}``, ``null`` for a property not set) names
  the properties under which a usage type bills while it exists (an InMemory online store, a V1
  pipeline, an Advanced SSM parameter);
- ``free``: no charge of its own (IAM, security groups, route tables, ...).

A type in none of them is **unknown**: the report warns "unknown: not priced, may bill", naming the type
and its resources, and the total is a lower bound. ``source`` is the AWS page each claim rests on;
``checked`` the pages it was checked against (docs/cost.md, "Coverage").
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .assembly import CostInputError
from .model import CostItem, NotPriced, ResourceRef

#: The table shipped with the package.
TYPES_FILE = Path(__file__).resolve().parent / "data" / "resource_types.json"
GROUPS = ("priced", "unpriced", "free")
CHARGES = ("fixed", "usage")
_ABSENT = object()


@dataclass(frozen=True)
class TypeEntry:
    """What one resource type (or namespace prefix) costs: its ``group`` (:data:`GROUPS`), for an
    ``unpriced`` type its ``charge`` (:data:`CHARGES`) and the properties that make it ``fixed``
    (``fixed_when``: a dotted path and the values, None for not set), the ``reason``, the AWS ``source``
    and the pages ``checked``."""

    type: str
    group: str
    reason: str
    source: str
    charge: str = ""
    label: str = ""
    fixed_when: tuple[str, tuple[Any, ...]] | None = None
    checked: tuple[str, ...] = ()

    def charge_of(self, resource: dict[str, Any]) -> str:
        """``fixed`` or ``usage`` for this resource (``fixed_when`` read from its ``Properties``)."""
        if self.charge == "usage" and self.fixed_when:
            path, values = self.fixed_when
            value: Any = resource.get("Properties") or {}
            for part in path.split("."):
                value = value.get(part, _ABSENT) if isinstance(value, dict) else _ABSENT
            if (None if value is _ABSENT else value) in values:
                return "fixed"
        return self.charge


@dataclass(frozen=True)
class TypeTable:
    """The table: ``lookup(type)`` gives the :class:`TypeEntry` of a type, else of its namespace prefix,
    else None (unknown)."""

    types: dict[str, TypeEntry]
    prefixes: dict[str, TypeEntry]
    file: str = ""

    def lookup(self, resource_type: str) -> TypeEntry | None:
        entry = self.types.get(resource_type)
        if entry is None:
            entry = next((e for p, e in self.prefixes.items() if resource_type.startswith(p)), None)
        return entry

    def of_group(self, group: str) -> list[str]:
        return sorted(t for t, e in self.types.items() if e.group == group)


def _entry(where: str, name: str, raw: Any) -> TypeEntry:
    if not isinstance(raw, dict):
        raise CostInputError(f"{where}: expected an object with group, reason, source")
    group, charge, source = raw.get("group"), raw.get("charge", ""), raw.get("source")
    if group not in GROUPS:
        raise CostInputError(f"{where}.group: {group!r}; use one of {', '.join(GROUPS)}")
    if (group == "unpriced") != (charge in CHARGES):
        raise CostInputError(
            f"{where}.charge: {charge!r}; an unpriced type needs 'fixed' or 'usage', other groups none"
        )
    if (
        not isinstance(raw.get("reason"), str)
        or not isinstance(source, str)
        or not source.startswith("https://")
    ):
        raise CostInputError(f"{where}: needs a 'reason' and a 'source' https:// URL (the AWS page)")
    fixed_when = raw.get("fixed_when")
    if fixed_when is not None and not (
        isinstance(fixed_when, dict)
        and isinstance(fixed_when.get("path"), str)
        and isinstance(fixed_when.get("values"), list)
        and charge == "usage"
    ):
        raise CostInputError(f"{where}.fixed_when: give {{'path': 'A.B', 'values': [...]}} on a usage type")
    return TypeEntry(
        name,
        group,
        raw["reason"],
        source,
        charge,
        str(raw.get("label") or ""),
        (fixed_when["path"], tuple(fixed_when["values"])) if fixed_when else None,
        tuple(raw.get("checked") or ()),
    )


def parse_type_table(document: dict[str, Any], path: str | Path = "<resource types>") -> TypeTable:
    """A :class:`TypeTable` from the document; raises :class:`CostInputError` naming the bad entry."""
    tables = {}
    for key in ("types", "prefixes"):
        section = document.get(key) or {}
        if not isinstance(section, dict):
            raise CostInputError(f"{path}: '{key}' must be an object of type -> entry")
        tables[key] = {name: _entry(f"{path}: {key}.{name}", name, raw) for name, raw in section.items()}
    return TypeTable(tables["types"], tables["prefixes"], str(path))


def load_type_table(path: str | Path | None = None) -> TypeTable:
    """The table at ``path`` (default: the one shipped, :data:`TYPES_FILE`)."""
    path = Path(path) if path else TYPES_FILE
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise CostInputError(
            f"{path}: cannot read the resource type table: {error.strerror or error}"
        ) from None
    except json.JSONDecodeError as error:
        raise CostInputError(f"{path}: line {error.lineno}: not valid JSON ({error.msg})") from None
    return parse_type_table(document, path)


@dataclass
class Coverage:
    """An assembly's resources against the table: ``not_priced`` (by type and charge), ``unknown``, and
    the fixed-charge ones as items without price (:meth:`items`), with the table's entries."""

    not_priced: list[NotPriced]
    unknown: list[ResourceRef]
    entries: dict[str, TypeEntry]

    def items(self) -> list[CostItem]:
        """One item without price per fixed-charge type, account and region: the total is a lower bound."""
        groups: dict[tuple[str, str, str], list[ResourceRef]] = defaultdict(list)
        for group in self.not_priced:
            if group.charge == "fixed":
                for ref in group.resources:
                    groups[(ref.account, ref.region, ref.type)].append(ref)
        items = []
        for (account, region, resource_type), refs in sorted(groups.items()):
            entry = self.entries[resource_type]
            names = [r.resource for r in refs]
            shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
            items.append(
                CostItem(
                    account,
                    region,
                    entry.label or resource_type,
                    shown,
                    ", ".join(sorted({r.stack for r in refs})),
                    len(refs),
                    "resource",
                    None,
                    None,
                    entry.source,
                    verified=bool(entry.checked),
                    note=f"no price: {resource_type}: {entry.reason}",
                )
            )
        return items

    def warnings(self) -> list[str]:
        """One warning per unknown type, naming its resources and the fix."""
        by_type: dict[str, list[ResourceRef]] = defaultdict(list)
        for ref in self.unknown:
            by_type[ref.type].append(ref)
        return [
            f"unknown: not priced, may bill: {resource_type} ("
            + ", ".join(f"{r.stack}/{r.resource}" for r in refs[:5])
            + (f" and {len(refs) - 5} more" if len(refs) > 5 else "")
            + "); classify the type in cdk_secure_ml/cost/data/resource_types.json"
            for resource_type, refs in sorted(by_type.items())
        ]


def classify(resources: Iterable[tuple[str, str, str, str, dict[str, Any]]], table: TypeTable) -> Coverage:
    """Sort ``(account, region, stack, logical id, resource)`` tuples into billable-not-priced (by type
    and charge) and unknown; priced and free types need nothing more."""
    groups: dict[tuple[str, str], list[ResourceRef]] = defaultdict(list)
    unknown: list[ResourceRef] = []
    entries: dict[str, TypeEntry] = {}
    for account, region, stack, lid, resource in resources:
        resource_type = str(resource.get("Type") or "")
        ref = ResourceRef(account, region, stack, lid, resource_type)
        entry = table.lookup(resource_type)
        if entry is None:
            unknown.append(ref)
        elif entry.group == "unpriced":
            entries[resource_type] = entry
            groups[(resource_type, entry.charge_of(resource))].append(ref)
    not_priced = [
        NotPriced(t, charge, entries[t].reason, entries[t].source, tuple(refs))
        for (t, charge), refs in sorted(groups.items(), key=lambda kv: (kv[0][1] != "fixed", kv[0][0]))
    ]
    return Coverage(not_priced, unknown, entries)
