"""What the live audit needs to understand the hub layout (docs/network.md, "Hub layout"); the calls stay in
:mod:`.audit` (its IAM actions are derived from that module's source), the reading of their answers is here.

- A spoke VPC has no interface endpoints: its transit gateway attachment is tagged with the hub's range
  (:data:`~cdk_secure_ml.core.endpoint_hub.HUB_CIDR_TAG`), its route tables send exactly that range to that
  transit gateway, and a Route 53 Profile is associated with it (``route53profiles:ListProfileAssociations``;
  moto has no Route 53 Profiles, so against it the Profile check comes back "not verified", never a pass).
- A hub endpoint has private DNS off: a private hosted zone named after the service's private DNS name is
  associated with the endpoint's VPC, and its apex A record aliases the endpoint (the centralised pattern,
  https://docs.aws.amazon.com/whitepapers/latest/building-scalable-secure-multi-vpc-network-infrastructure/centralized-access-to-vpc-private-endpoints.html).
"""

from __future__ import annotations

from typing import Any

from cdk_secure_ml.core.endpoint_hub import HUB_CIDR_TAG, PRIVATE_DNS_NAMES, private_dns_name

__all__ = ["alias_problem", "hub_zone_name", "routes_to_hub"]


def routes_to_hub(route_tables: list[dict[str, Any]], attachments: list[dict[str, Any]]) -> bool:
    """Whether a route of ``route_tables`` (DescribeRouteTables' items) sends the range named by the
    :data:`HUB_CIDR_TAG` tag of one of ``attachments`` (DescribeTransitGatewayVpcAttachments' items) to
    that attachment's transit gateway. A route to a transit gateway for any other range does not count."""
    hubs = {(tag["Value"], attachment.get("TransitGatewayId")) for attachment in attachments
            for tag in attachment.get("Tags") or [] if tag.get("Key") == HUB_CIDR_TAG}
    return any((route.get("DestinationCidrBlock"), route.get("TransitGatewayId")) in hubs
               for table in route_tables for route in table.get("Routes") or [])


def hub_zone_name(service_name: str, region: str) -> str | None:
    """The private hosted zone (with its final dot) that stands in for the private DNS of an endpoint to
    ``service_name`` (``com.amazonaws.<region>.sts``), or None for a service without a known name."""
    for service in PRIVATE_DNS_NAMES:
        if service_name.lower().endswith("." + service):
            return private_dns_name(service, region) + "."
    return None


def alias_problem(zone_name: str, records: list[dict[str, Any]], endpoint: dict[str, Any]) -> str:
    """``""`` when an apex A record of ``records`` (ListResourceRecordSets' items of the zone ``zone_name``)
    aliases one of ``endpoint``'s DNS names (DescribeVpcEndpoints' ``DnsEntries``), else the problem."""
    names = {str(e.get("DnsName", "")).lower().rstrip(".") for e in endpoint.get("DnsEntries") or []}
    for record in records:
        target = str((record.get("AliasTarget") or {}).get("DNSName", "")).lower().rstrip(".")
        if record.get("Name", "").lower() == zone_name and record.get("Type") == "A" and target in names:
            return ""
    return f"the private hosted zone {zone_name} has no apex A record aliasing this endpoint"
