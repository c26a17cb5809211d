"""``secure-ml cost`` output: a text table per account and region with totals, or JSON.

JSON: ``{"accounts": [{"account", "region", "total", "ceiling", "unpriced"}], "items": [CostItem...],
"total", "ceiling_total", "unpriced", "currency", "price_date", "assumptions", "warnings", "not_priced",
"unknown"}``; an item is ``{"account", "region", "category", "resource", "stack", "quantity", "unit",
"unit_price", "monthly", "source", "price_date", "verified", "kind", "assumption", "note"}`` (``unit_price``
and ``monthly`` null when there is no price); ``not_priced`` is ``[{"type", "charge", "reason", "source",
"count", "resources": [{"account", "region", "stack", "resource", "type"}]}]`` (billable types without a
price, :mod:`.coverage`), ``unknown`` the resources of types the table does not know (each type also a
warning "unknown: not priced, may bill").
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict

from .assembly import UNKNOWN_ACCOUNT
from .model import CostEstimate, CostItem


def _money(value: float | None) -> str:
    return "no price" if value is None else f"${value:,.2f}"


def _unit_price(value: float | None) -> str:
    """A unit price as precise as it is (``$0.003``, ``$0.115``): rounding to cents would make the lines
    of ``-v`` not add up."""
    return "no price" if value is None else f"${value:,.6f}".rstrip("0").rstrip(".")


def _account(account: str) -> str:
    return "account not set (env-agnostic stack)" if account == UNKNOWN_ACCOUNT else f"account {account}"


def _category_lines(items: list[CostItem]) -> list[str]:
    by_category: dict[str, list[CostItem]] = defaultdict(list)
    for item in items:
        by_category[item.category].append(item)
    lines = []
    for category, group in by_category.items():
        priced = [i.monthly for i in group if i.monthly is not None]
        missing = len(group) - len(priced)
        detail = "; ".join(dict.fromkeys(i.note for i in group if i.note and i.monthly is not None))
        unverified = " *" if any(not i.verified for i in group if i.monthly is not None) else ""
        if not priced:
            amount = "no price"
        else:
            amount = _money(round(sum(priced), 2)) + (f" + {missing} without price" if missing else "")
        lines.append(
            f"  {category:<22} {len(group):>3} item(s) {amount:>12}{unverified}"
            + (f"  ({detail[:90]})" if detail else "")
        )
        lines += [f"      ! {i.resource}: {i.note}" for i in group if i.monthly is None]
    return lines


def format_text(estimate: CostEstimate, verbose: bool = False) -> str:
    """A table per account and region: each category's items and cost, the subtotal; then the total."""
    lines = [
        f"Fixed monthly cost (USD, prices of {estimate.price_date}; * = price not checked against any "
        "published page, see docs/cost.md)"
    ]
    for (account, region), items in estimate.by_environment().items():
        fixed = [i for i in items if i.kind == "fixed"]
        ceilings = [i for i in items if i.kind == "ceiling"]
        lines += ["", f"{_account(account)}, {region}"]
        lines += _category_lines(fixed)
        subtotal = round(sum(i.monthly for i in fixed if i.monthly is not None), 2)
        lines.append(f"  {'subtotal':<22} {'':>13}{_money(subtotal):>12}")
        for item in ceilings:
            lines.append(f"  ceiling: {item.category} {_money(item.monthly)} a month at most ({item.note})")
        if verbose:
            lines += [
                f"    {i.category} | {i.resource} | {i.quantity:g} {i.unit} x {_unit_price(i.unit_price)} = "
                f"{_money(i.monthly)} | {i.source}"
                for i in items
            ]
    # With unpriced items or unknown types the sum is a lower bound, never a total (e.g. a stack without a
    # region, an MLflow tracking server).
    total = _money(estimate.total) if estimate.complete else f"at least {_money(estimate.total)}"
    lines += [
        "",
        f"Total fixed monthly cost: {total} across {len(estimate.environments())} account/region(s)",
    ]
    if estimate.ceiling_total:
        lines.append(
            f"Studio idle ceiling (not in the total): {_money(estimate.ceiling_total)} a month at most"
        )
    if estimate.unpriced:
        no_region = any("region is not set" in i.note for i in estimate.unpriced)
        lines.append(
            f"{len(estimate.unpriced)} item(s) have no price and are not in the total (marked !)"
            + ("; a stack without a region is priced with --region REGION" if no_region else "")
        )
    lines += _not_priced_lines(estimate)
    if estimate.unknown:
        lines.append(
            f"{len(estimate.unknown)} resource(s) of a type the cost model does not know: not priced, may "
            "bill (warnings below)"
        )
    lines += [f"warning: {w}" for w in estimate.warnings]
    lines.append(
        "CostAssumptions (secure-ml cost --assume NAME=VALUE): "
        + ", ".join(
            f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}"
            for k, v in asdict(estimate.assumptions).items()
        )
    )
    return "\n".join(lines) + "\n"


def _not_priced_lines(estimate: CostEstimate) -> list[str]:
    """The billable types without a price: fixed ones (their items are marked !) first, then usage."""
    if not estimate.not_priced:
        return []
    lines = ["Billable, not priced (fixed: bills while it exists; usage: bills with use, not a fixed cost):"]
    lines += [
        f"  {n.charge:<5} {len(n.resources):>3} x {n.type}: {n.reason}" for n in estimate.not_priced
    ]
    return lines


def format_json(estimate: CostEstimate) -> str:
    return json.dumps(estimate.to_json(), indent=2) + "\n"


def summary_line(estimate: CostEstimate) -> str:
    """One line for the demo summary: the total and what it covers (a lower bound, and what has no
    price, when something fixed has none)."""
    if estimate.complete:
        total = _money(estimate.total)
    else:
        unknown = {f"unknown {r.type}" for r in estimate.unknown}
        missing = sorted({i.category for i in estimate.unpriced} | unknown)
        total = f"at least {_money(estimate.total)} (without price: {', '.join(missing)})"
    return (
        f"fixed monthly cost {total} across {len(estimate.environments())} "
        f"account/region(s) (prices of {estimate.price_date}; secure-ml cost for the items)"
    )
