"""Prices as data: the snapshot ``cdk_secure_ml/cost/data/prices.json``, with each price's source and date.

The snapshot maps region -> price key -> ``{"usd", "unit", "source", "checked"}``; ``source`` is the AWS
pricing page or Price List offer file the price comes from, ``checked`` the pages it was checked against
(an empty list: not checked, and the report marks the price unverified). ``tools/refresh_prices.py``
rebuilds the snapshot from AWS's public offer files
(https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/using-ppslong.html); the tool never
fetches prices at run time.

Price keys (per region):

- ``privatelink.interface_endpoint_hour`` (per endpoint per AZ per hour),
  ``privatelink.gateway_endpoint_hour``
- ``kms.key_month``, ``kms.rotation_month``
- ``config.configuration_item``, ``config.rule_evaluation``
- ``guardduty.management_events_million``, ``guardduty.flow_dns_gb``, ``guardduty.s3_data_events_million``
- ``cloudtrail.management_events_additional_100k``, ``cloudtrail.data_events_100k``
- ``logs.ingestion_gb``, ``logs.storage_gb_month``
- ``sagemaker.hosting.<instance type>`` (real-time inference),
  ``sagemaker.studio.<instance type>`` (Studio apps)
- the hub layout's network: ``transitgateway.attachment_hour``, ``transitgateway.data_processing_gb``;
  ``route53.hosted_zone_month`` (an account's first 25 zones), ``route53.hosted_zone_month_over_25``;
  ``route53profiles.account_hour`` (up to 100 Profile-VPC associations),
  ``route53profiles.association_hour_over_100``; ``ram.resource_share_month`` ($0)

A key that is missing for a region is "no price": the report says so, and never counts it as 0.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .assembly import CostInputError

#: The snapshot shipped with the package.
SNAPSHOT = Path(__file__).resolve().parent / "data" / "prices.json"


@dataclass(frozen=True)
class Price:
    """One price: ``usd`` per ``unit``, from ``source`` (a URL), as of the snapshot's ``date``
    (YYYY-MM-DD); ``checked`` lists the pages it was checked against (empty: unverified)."""

    key: str
    usd: float
    unit: str
    source: str
    date: str
    checked: tuple[str, ...] = ()

    @property
    def verified(self) -> bool:
        return bool(self.checked)


@dataclass(frozen=True)
class PriceBook:
    """The prices of a snapshot: ``get(region, key)`` gives a :class:`Price` or None (no price)."""

    date: str
    prices: dict[str, dict[str, Price]]
    file: str = ""

    def get(self, region: str, key: str) -> Price | None:
        return self.prices.get(region, {}).get(key)

    @property
    def regions(self) -> list[str]:
        return sorted(self.prices)


def _price(path: Path, region: str, key: str, entry: Any, date: str) -> Price:
    where = f"{path}: regions.{region}.{key}"
    if not isinstance(entry, dict):
        raise CostInputError(f"{where}: expected an object with usd, unit, source")
    usd = entry.get("usd")
    if isinstance(usd, bool) or not isinstance(usd, (int, float)) or usd < 0:
        raise CostInputError(f"{where}.usd: {usd!r} is not a price; give a number >= 0 (USD per unit)")
    unit, source = entry.get("unit"), entry.get("source")
    if (
        not isinstance(unit, str)
        or not unit
        or not isinstance(source, str)
        or not source.startswith("https://")
    ):
        raise CostInputError(f"{where}: needs a 'unit' and a 'source' https:// URL (the AWS price page)")
    checked = entry.get("checked") or []
    return Price(key, float(usd), unit, source, str(entry.get("date") or date), tuple(checked))


def parse_price_book(document: dict[str, Any], path: str | Path = "<prices>") -> PriceBook:
    """A :class:`PriceBook` from a snapshot document; raises :class:`CostInputError` naming the bad entry."""
    path = Path(path)
    date = document.get("snapshot_date")
    regions = document.get("regions")
    if not isinstance(date, str) or not isinstance(regions, dict):
        raise CostInputError(f"{path}: needs 'snapshot_date' (YYYY-MM-DD) and a 'regions' object")
    prices = {
        region: {key: _price(path, region, key, entry, date) for key, entry in entries.items()}
        for region, entries in regions.items()
        if isinstance(entries, dict)
    }
    return PriceBook(date, prices, str(path))


def load_price_book(path: str | Path | None = None) -> PriceBook:
    """The snapshot at ``path`` (default: the one shipped, :data:`SNAPSHOT`)."""
    path = Path(path) if path else SNAPSHOT
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise CostInputError(f"{path}: cannot read the price snapshot: {error.strerror or error}") from None
    except json.JSONDecodeError as error:
        raise CostInputError(f"{path}: line {error.lineno}: not valid JSON ({error.msg})") from None
    return parse_price_book(document, path)
