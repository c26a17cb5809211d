"""What the hub layout's network costs (issue 17): transit gateway attachments and data, Route 53 hosted
zones and Profiles, RAM; each item in the account that pays it.

First on small templates with the test's own round prices, against figures computed by hand; then on
config/hub.yaml's assembly (synthesized once per session) with the shipped snapshot.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cdk_secure_ml.cost import CostAssumptions, estimate, estimate_assembly, load_price_book
from cdk_secure_ml.cost.assembly import StackTemplate
from cdk_secure_ml.cost.prices import parse_price_book

REGION = "eu-west-1"
URL = "https://example.com/price"
PRICES = {
    "transitgateway.attachment_hour": 0.05,
    "transitgateway.data_processing_gb": 0.02,
    "route53.hosted_zone_month": 0.50,
    "route53.hosted_zone_month_over_25": 0.10,
    "route53profiles.account_hour": 0.75,
    "route53profiles.association_hour_over_100": 0.0014,
    "ram.resource_share_month": 0.0,
    "privatelink.gateway_endpoint_hour": 0.0,
    "privatelink.interface_endpoint_hour": 0.011,
}
BOOK = parse_price_book(
    {
        "snapshot_date": "2026-11-30",
        "regions": {
            REGION: {k: {"usd": v, "unit": "u", "source": URL, "checked": [URL]} for k, v in PRICES.items()}
        },
    }
)
HUB, SPOKE = "555555555555", "222222222222"


def _res(type_: str, **props) -> dict:
    return {"Type": type_, "Properties": props}


def _stack(name: str, account: str, resources: dict) -> StackTemplate:
    return StackTemplate(name, account, REGION, Path(f"{name}.template.json"), {"Resources": resources})


def _hub(zones: int = 30) -> StackTemplate:
    resources = {f"Zone{n}": _res("AWS::Route53::HostedZone") for n in range(zones)}
    resources |= {
        "Profile": _res("AWS::Route53Profiles::Profile"),
        "Tgw": _res("AWS::EC2::TransitGateway"),
        "HubAttachment": _res("AWS::EC2::TransitGatewayAttachment"),
        "Share": _res("AWS::RAM::ResourceShare"),
    }
    return _stack("Hub", HUB, resources)


def _spoke(associations: int = 1) -> StackTemplate:
    resources = {
        "S3": _res("AWS::EC2::VPCEndpoint", VpcEndpointType="Gateway"),
        "Attachment": _res("AWS::EC2::TransitGatewayAttachment"),
    }
    resources |= {f"Assoc{n}": _res("AWS::Route53Profiles::ProfileAssociation") for n in range(associations)}
    return _stack("Spoke", SPOKE, resources)


def _account(result, account: str) -> dict[str, float]:
    return {i.resource: i.monthly for i in result.items if i.account == account}


@pytest.mark.aws_behaviour("pricing.transit-gateway-attachment-billed-to-vpc-owner")
@pytest.mark.aws_behaviour("pricing.transit-gateway-data-sender-pays")
@pytest.mark.aws_behaviour("pricing.route53-profiles-owner-pays")
def test_a_spoke_pays_its_attachment_and_data_not_its_profile_association() -> None:
    spoke = _account(estimate([_hub(), _spoke()], BOOK), SPOKE)
    # 730 h x $0.05 = $36.50; 10 GB (the default assumption) x $0.02 = $0.20; the association: its owner's
    assert spoke == {
        "S3": 0.0,
        "Attachment attachment": 36.50,
        "Attachment data processing": 0.20,
        "Assoc0": 0.0,
    }


@pytest.mark.aws_behaviour("pricing.route53-hosted-zone-month")
@pytest.mark.aws_behaviour("pricing.route53-profiles-owner-pays")
def test_the_hub_pays_zones_by_tier_profiles_per_hour_and_nothing_for_the_gateway_or_share() -> None:
    result = estimate([_hub(zones=30), _spoke()], BOOK)
    hub = _account(result, HUB)
    zones = sum(v for k, v in hub.items() if k.startswith("Zone"))
    assert zones == pytest.approx(13.00)  # 25 x $0.50 + 5 x $0.10
    assert hub["Profiles (1 owned)"] == 547.50  # 730 h x $0.75, for up to 100 associations
    assert hub["HubAttachment attachment"] == 36.50 and hub["HubAttachment data processing"] == 0.20
    assert hub["Share"] == 0.0
    assert "Tgw" not in hub  # a transit gateway has no hourly charge of its own
    assert result.accounts_json()[0] == {
        "account": SPOKE,
        "region": REGION,
        "total": 36.70,
        "ceiling": 0.0,
        "unpriced": 0,
    }
    assert result.accounts_json()[1]["total"] == 597.20  # 13.00 + 547.50 + 36.50 + 0.20
    (profile,) = [i for i in result.items if i.resource == "Profiles (1 owned)"]
    assert "1 Profile-VPC association(s) in this assembly" in profile.note


@pytest.mark.aws_behaviour("pricing.route53-profiles-owner-pays")
def test_associations_beyond_100_are_billed_to_the_profile_owner_per_hour() -> None:
    hub = _account(estimate([_hub(zones=0), _spoke(associations=102)], BOOK), HUB)
    # 2 associations beyond 100 x 730 h x $0.0014 = $2.044
    assert hub["Profile-VPC associations beyond 100"] == 2.04
    assert hub["Profiles (1 owned)"] == 547.50


def test_a_hub_synthesized_alone_still_pays_its_profiles_and_says_why() -> None:
    result = estimate([_hub(zones=1)], BOOK)
    (profile,) = [i for i in result.items if i.resource == "Profiles (1 owned)"]
    assert profile.monthly == 547.50 and "no Profile-VPC association in this assembly" in profile.note


def test_the_data_assumption_moves_the_data_items_only() -> None:
    a = CostAssumptions().replace({"transit_gateway_gb_per_attachment_per_month": "1000"})
    spoke = _account(estimate([_hub(), _spoke()], BOOK, a), SPOKE)
    assert spoke["Attachment data processing"] == 20.0 and spoke["Attachment attachment"] == 36.50


# -- config/hub.yaml ----------------------------------------------------------------------------------

SNAPSHOT = load_price_book()
HUB_ZONES = 11  # one private hosted zone per interface endpoint service (docs/network.md)


def _price(key: str) -> float:
    price = SNAPSHOT.get(REGION, key)
    assert price is not None, f"the snapshot lacks {key} in {REGION}"
    return price.usd


@pytest.fixture(scope="module")
def hub_estimate(hub_assembly):
    return estimate_assembly(hub_assembly)


def _network(result, account: str) -> dict[str, float]:
    categories = {"interface endpoints", "gateway endpoints", "transit gateway", "Route 53", "RAM"}
    return {i.resource: i.monthly for i in result.items if i.account == account and i.category in categories}


@pytest.mark.aws_behaviour("pricing.transit-gateway-attachment-billed-to-vpc-owner")
def test_hub_yaml_spokes_have_no_interface_endpoints_and_pay_their_attachment(hub_estimate) -> None:
    attachment = round(730 * _price("transitgateway.attachment_hour"), 2)  # $36.50 at $0.05
    data = round(10 * _price("transitgateway.data_processing_gb"), 2)  # $0.20 at $0.02
    for spoke in ("222222222222", "333333333333", "444444444444"):
        assert not [
            i for i in hub_estimate.items if i.account == spoke and i.category == "interface endpoints"
        ]
        network = _network(hub_estimate, spoke)
        # the S3 gateway endpoint and the Profile association at $0, the attachment and its data
        assert sorted(network.values()) == sorted([0.0, 0.0, attachment, data])


@pytest.mark.aws_behaviour("pricing.route53-hosted-zone-month")
@pytest.mark.aws_behaviour("pricing.route53-profiles-owner-pays")
def test_hub_yaml_hub_pays_endpoints_zones_profiles_and_its_attachment(hub_estimate) -> None:
    hub = [i for i in hub_estimate.items if i.account == HUB]
    route53 = [i for i in hub if i.category == "Route 53"]
    assert len(route53) == HUB_ZONES + 1  # the zones and the Profiles line
    # 11 zones x $0.50 + 730 h x $0.75 = $5.50 + $547.50 = $553.00 at the 2026-11-30 snapshot
    expected = HUB_ZONES * _price("route53.hosted_zone_month") + 730 * _price("route53profiles.account_hour")
    assert round(sum(i.monthly for i in route53), 2) == round(expected, 2)
    (profile,) = [i for i in route53 if i.resource.startswith("Profiles (")]
    assert "3 Profile-VPC association(s) in this assembly" in profile.note
    endpoints = [i for i in hub if i.category == "interface endpoints"]
    assert round(sum(i.monthly for i in endpoints), 2) == round(
        11 * 2 * 730 * _price("privatelink.interface_endpoint_hour"), 2
    )
    tgw = {i.resource.rsplit(" ", 1)[-1]: i.monthly for i in hub if i.category == "transit gateway"}
    assert tgw == {
        "attachment": round(730 * _price("transitgateway.attachment_hour"), 2),
        "processing": round(10 * _price("transitgateway.data_processing_gb"), 2),
    }
