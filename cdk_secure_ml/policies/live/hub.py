"""What the live audit needs to understand the hub layout (docs/network.md, "Hub layout"), from
describe calls it already makes or one Route 53 read.

- A spoke VPC has no interface endpoints: its route tables send the hub's range to a transit gateway.
- A hub endpoint has private DNS off: a private hosted zone named after the service's private DNS name
  is associated with the endpoint's VPC instead (the centralised pattern,
  https://docs.aws.amazon.com/whitepapers/latest/building-scalable-secure-multi-vpc-network-infrastructure/centralized-access-to-vpc-private-endpoints.html).
"""

from __future__ import annotations

from typing import Any

from cdk_secure_ml.core.endpoint_hub import PRIVATE_DNS_NAMES, private_dns_name

__all__ = ["hub_zone_name", "routes_to_transit_gateway"]


def routes_to_transit_gateway(route_tables: list[dict[str, Any]]) -> bool:
    """Whether any route of ``route_tables`` (DescribeRouteTables' items) targets a transit gateway."""
    return any(route.get("TransitGatewayId") for table in route_tables for route in table.get("Routes") or [])


def hub_zone_name(service_name: str, region: str) -> str | None:
    """The private hosted zone (with its final dot) that stands in for the private DNS of an endpoint to
    ``service_name`` (``com.amazonaws.<region>.sts``), or None for a service without a known name."""
    for service in PRIVATE_DNS_NAMES:
        if service_name.lower().endswith("." + service):
            return private_dns_name(service, region) + "."
    return None
