"""Rebuild ``cdk_secure_ml/cost/data/prices.json`` from AWS's public Price List offer files (needs network).

    .venv/bin/python -m tools.refresh_prices                       # every region of the snapshot
    .venv/bin/python -m tools.refresh_prices --region ap-southeast-2 --region eu-central-1

For each region and each service the cost model prices, the script reads the region's offer file,
``https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/<offer>/current/<region>/index.json`` (no
credentials; https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/using-ppslong.html), finds the
product whose ``usagetype`` ends with the rule's suffix (region prefixes such as ``USE1-`` differ by
region), and takes the first tier (``beginRange`` 0; a rule may name a later one) of its OnDemand price in
USD. Each entry then names the offer file as its source, the file's publication date, and ``checked`` =
[that file].

A price with no match keeps its old entry and is reported, so a rename in the offer files shows up as a
warning, never as a silent 0. Instance types are those already in the snapshot plus ``--instance-type``.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cdk_secure_ml.cost.prices import SNAPSHOT, parse_price_book

OFFER_URL = "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/{offer}/current/{region}/index.json"


@dataclass(frozen=True)
class Rule:
    """Price ``key`` is the first-tier OnDemand USD price of the ``offer``'s product whose usagetype ends
    with one of ``suffixes`` (tried in order)."""

    key: str
    offer: str
    suffixes: tuple[str, ...]
    tier: int = 0  # the n-th price dimension by beginRange (Route 53's zones beyond the 25th: 1)


def rules_for(instance_types: dict[str, set[str]]) -> list[Rule]:
    """The rules of the fixed price keys, and of the SageMaker instance types (``{"hosting": {...},
    "studio": {...}}``)."""
    rules = [
        Rule("privatelink.interface_endpoint_hour", "AmazonVPC", ("VpcEndpoint-Hours",)),
        Rule("transitgateway.attachment_hour", "AmazonVPC", ("TransitGateway-Hours",)),
        Rule("transitgateway.data_processing_gb", "AmazonVPC", ("TransitGateway-Bytes",)),
        Rule("route53.hosted_zone_month", "AmazonRoute53", ("HostedZone",)),
        Rule("route53.hosted_zone_month_over_25", "AmazonRoute53", ("HostedZone",), tier=1),
        Rule("kms.key_month", "awskms", ("KMS-Keys",)),
        Rule("kms.rotation_month", "awskms", ("KMS-Keys",)),
        Rule("config.configuration_item", "AWSConfig", ("-ConfigurationItemRecorded",)),
        Rule("config.rule_evaluation", "AWSConfig", ("-ConfigRuleEvaluations",)),
        Rule("guardduty.management_events_million", "AmazonGuardDuty", ("PaidEventsAnalyzed",)),
        Rule("guardduty.flow_dns_gb", "AmazonGuardDuty", ("PaidLogsAnalyzed",)),
        Rule("guardduty.s3_data_events_million", "AmazonGuardDuty", ("PaidS3DataEventsAnalyzed",)),
        Rule("cloudtrail.management_events_additional_100k", "AWSCloudTrail", ("PaidEventsRecorded",)),
        Rule("cloudtrail.data_events_100k", "AWSCloudTrail", ("DataEventsRecorded",)),
        Rule("logs.ingestion_gb", "AmazonCloudWatch", ("DataProcessing-Bytes",)),
        Rule("logs.storage_gb_month", "AmazonCloudWatch", ("TimedStorage-ByteHrs",)),
    ]
    rules += [
        Rule(f"sagemaker.hosting.{t}", "AmazonSageMaker", (f"Host:{t}",))
        for t in sorted(instance_types.get("hosting", ()))
    ]
    rules += [
        Rule(f"sagemaker.studio.{t}", "AmazonSageMaker", (f"Studio_JupyterLab:{t}", f"Notebk:{t}"))
        for t in sorted(instance_types.get("studio", ()))
    ]
    return rules


#: Offer units priced per single event; the snapshot prices events per million or per 100,000.
PER_EVENT_UNITS = {"Events", "Event", "events"}


def _first_tier(term: dict[str, Any], tier: int = 0) -> tuple[float, str] | None:
    """(USD, unit) of the ``tier``-th price dimension of ``term`` by ``beginRange`` (0: the first)."""
    dimensions = list((term.get("priceDimensions") or {}).values())
    dimensions.sort(key=lambda d: float(d.get("beginRange", "0") or 0))
    priced = [d for d in dimensions if (d.get("pricePerUnit") or {}).get("USD") is not None]
    if tier < len(priced):
        return float(priced[tier]["pricePerUnit"]["USD"]), str(priced[tier].get("unit", ""))
    return None


def _scaled(key: str, usd: float, unit: str) -> float:
    """Per-event offer prices to the snapshot's per-million / per-100,000 units."""
    if unit in PER_EVENT_UNITS:
        if key.endswith("_million"):
            return usd * 1e6
        if key.endswith("_100k"):
            return usd * 1e5
    return usd


def extract(offer: dict[str, Any], rules: Iterable[Rule]) -> dict[str, tuple[float, str, str]]:
    """``{key: (usd, offer unit, usagetype)}`` for each rule that matches a product of ``offer``
    (an offer file's parsed JSON: ``products`` by SKU with ``attributes.usagetype``, ``terms.OnDemand``)."""
    products = offer.get("products") or {}
    on_demand = (offer.get("terms") or {}).get("OnDemand") or {}
    by_usagetype: dict[str, str] = {}
    for sku, product in products.items():
        usagetype = ((product or {}).get("attributes") or {}).get("usagetype")
        if usagetype:
            by_usagetype.setdefault(usagetype, sku)
    found: dict[str, tuple[float, str, str]] = {}
    for rule in rules:
        for suffix in rule.suffixes:
            match = next((u for u in sorted(by_usagetype) if u.endswith(suffix)), None)
            if match is None:
                continue
            terms = on_demand.get(by_usagetype[match]) or {}
            tier = next((t for t in (_first_tier(term, rule.tier) for term in terms.values()) if t), None)
            if tier:
                found[rule.key] = (round(_scaled(rule.key, *tier), 6), tier[1], match)
                break
    return found


def refresh(
    snapshot: dict[str, Any],
    regions: list[str],
    fetch: Callable[[str], dict[str, Any]],
    extra_types: Iterable[str] = (),
    today: str = "",
) -> tuple[dict[str, Any], list[str]]:
    """A new snapshot document for ``regions`` (others kept) and the warnings; ``fetch(url)`` returns an
    offer file's JSON (tests pass a fixture reader)."""
    document = json.loads(json.dumps(snapshot))
    warnings: list[str] = []
    known = {key for entries in snapshot["regions"].values() for key in entries}
    types = {
        kind: {k.split(f"sagemaker.{kind}.", 1)[1] for k in known if k.startswith(f"sagemaker.{kind}.")}
        for kind in ("hosting", "studio")
    }
    types["hosting"] |= set(extra_types)
    rules = rules_for(types)
    for region in regions:
        entries = document["regions"].setdefault(region, {})
        for offer_code in sorted({r.offer for r in rules}):
            url = OFFER_URL.format(offer=offer_code, region=region)
            offer = fetch(url)
            date = str(offer.get("publicationDate", today))[:10]
            offer_rules = [r for r in rules if r.offer == offer_code]
            found = extract(offer, offer_rules)
            for rule in offer_rules:
                if rule.key not in found:
                    warnings.append(
                        f"{region}: {rule.key}: no product in {url} with a usagetype ending "
                        f"{' or '.join(rule.suffixes)}; kept the old entry"
                    )
                    continue
                usd, unit, usagetype = found[rule.key]
                old_unit = (entries.get(rule.key) or {}).get("unit", unit)
                entries[rule.key] = {
                    "usd": usd,
                    "unit": old_unit,
                    "source": url,
                    "date": date,
                    "checked": [url],
                    "usagetype": usagetype,
                }
    if today:
        document["snapshot_date"] = today
    document["written_by"] = "tools/refresh_prices.py from the AWS Price List offer files"
    parse_price_book(document)  # the result must load
    return document, warnings


def _fetch(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=300) as response:  # noqa: S310 - a fixed https URL
        return json.load(response)


def main(argv: list[str] | None = None) -> int:
    import datetime

    parser = argparse.ArgumentParser(
        prog="python -m tools.refresh_prices", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--region",
        action="append",
        help="region to refresh (default: every region of the snapshot); repeatable",
    )
    parser.add_argument(
        "--instance-type",
        action="append",
        default=[],
        help="also price this SageMaker hosting instance type (e.g. ml.g5.xlarge); repeatable",
    )
    parser.add_argument(
        "--output", default=str(SNAPSHOT), help="where to write (default: the shipped snapshot)"
    )
    args = parser.parse_args(argv)
    snapshot = json.loads(Path(SNAPSHOT).read_text(encoding="utf-8"))
    regions = args.region or sorted(snapshot["regions"])
    today = datetime.date.today().isoformat()
    document, warnings = refresh(snapshot, regions, _fetch, args.instance_type, today)
    Path(args.output).write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"wrote {args.output} ({', '.join(regions)}; {len(warnings)} warning(s))")
    return 0


if __name__ == "__main__":
    sys.exit(main())
