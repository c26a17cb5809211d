"""tools/refresh_prices.py on small offer-file-shaped fixtures (tests/fixtures/offers/<offer>.json): no
network. The fixtures' prices differ from the snapshot's so a test sees which ones were replaced."""

from __future__ import annotations

import json
from pathlib import Path

from cdk_secure_ml.cost.prices import SNAPSHOT, parse_price_book
from tools.refresh_prices import OFFER_URL, Rule, extract, refresh

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "offers"


def _fetch(url: str) -> dict:
    offer = url.split("/aws/", 1)[1].split("/", 1)[0]
    assert url == OFFER_URL.format(offer=offer, region="us-east-1")
    return json.loads((FIXTURES / f"{offer}.json").read_text())


def _refreshed():
    snapshot = json.loads(SNAPSHOT.read_text())
    return snapshot, *refresh(snapshot, ["us-east-1"], _fetch, today="2026-12-01")


def test_extract_matches_the_usagetype_suffix_and_the_first_tier() -> None:
    logs = _fetch(OFFER_URL.format(offer="AmazonCloudWatch", region="us-east-1"))
    found = extract(logs, [Rule("logs.ingestion_gb", "AmazonCloudWatch", ("DataProcessing-Bytes",))])
    # two tiers listed out of order: the one beginning at 0 ($0.50), not the one from 10 TB ($0.25)
    assert found == {"logs.ingestion_gb": (0.5, "GB", "USE1-DataProcessing-Bytes")}
    sagemaker = _fetch(OFFER_URL.format(offer="AmazonSageMaker", region="us-east-1"))
    found = extract(
        sagemaker, [Rule("sagemaker.hosting.ml.m5.large", "AmazonSageMaker", ("Host:ml.m5.large",))]
    )
    assert found["sagemaker.hosting.ml.m5.large"][0] == 0.12  # Host:, not Train:ml.m5.large ($0.115)


def test_refresh_replaces_matched_prices_with_the_offer_file_as_source() -> None:
    _, document, _ = _refreshed()
    east = document["regions"]["us-east-1"]
    endpoint = east["privatelink.interface_endpoint_hour"]
    assert endpoint["usd"] == 0.012 and endpoint["unit"] == "endpoint-AZ-hour"  # the snapshot's unit is kept
    assert (
        endpoint["source"]
        == endpoint["checked"][0]
        == OFFER_URL.format(offer="AmazonVPC", region="us-east-1")
    )
    assert endpoint["date"] == "2026-11-01"  # the offer file's publicationDate
    # per-event offer prices become per 100,000 events: 0.00002 x 1e5 = 2.0, 0.000001 x 1e5 = 0.1
    assert east["cloudtrail.management_events_additional_100k"]["usd"] == 2.0
    assert east["cloudtrail.data_events_100k"]["usd"] == 0.1
    assert east["sagemaker.hosting.ml.m5.xlarge"]["usd"] == 0.24
    assert east["sagemaker.studio.ml.t3.medium"]["usagetype"] == "USE1-Notebk:ml.t3.medium"
    assert document["snapshot_date"] == "2026-12-01"
    assert parse_price_book(document).get("us-east-1", "logs.storage_gb_month").usd == 0.03


def test_unmatched_prices_are_kept_and_reported_and_other_regions_untouched() -> None:
    snapshot, document, warnings = _refreshed()
    assert (
        document["regions"]["us-east-1"]["kms.key_month"] == snapshot["regions"]["us-east-1"]["kms.key_month"]
    )
    assert any(w.startswith("us-east-1: kms.key_month: no product in") and "KMS-Keys" in w for w in warnings)
    assert any("guardduty.flow_dns_gb" in w for w in warnings)
    assert document["regions"]["eu-west-1"] == snapshot["regions"]["eu-west-1"]


def test_hub_layout_prices_are_refreshed_from_the_vpc_and_route53_offers() -> None:
    """Transit Gateway rows are in the AmazonVPC offer (usagetypes ``...TransitGateway-Hours`` and
    ``...-Bytes``); Route 53's ``HostedZone`` has two tiers, from 0 and from 25 zones, listed out of order in
    the fixture: the first tier is the zone-month, the second the price beyond an account's 25th zone."""
    _, document, warnings = _refreshed()
    east = document["regions"]["us-east-1"]
    assert east["transitgateway.attachment_hour"]["usd"] == 0.06
    assert east["transitgateway.attachment_hour"]["usagetype"] == "USE1-TransitGateway-Hours"
    assert east["transitgateway.data_processing_gb"]["usd"] == 0.025
    assert east["route53.hosted_zone_month"]["usd"] == 0.55
    assert east["route53.hosted_zone_month_over_25"]["usd"] == 0.12
    assert east["route53.hosted_zone_month"]["source"] == OFFER_URL.format(
        offer="AmazonRoute53", region="us-east-1"
    )
    assert not any("transitgateway" in w or "route53" in w for w in warnings)
    # no rule for Route 53 Profiles or RAM (their offer rows are not known): the snapshot's entries stay
    assert east["route53profiles.account_hour"]["usd"] == 0.75


def test_a_tier_the_offer_does_not_have_is_no_match() -> None:
    route53 = _fetch(OFFER_URL.format(offer="AmazonRoute53", region="us-east-1"))
    assert extract(route53, [Rule("x", "AmazonRoute53", ("HostedZone",), tier=2)]) == {}
