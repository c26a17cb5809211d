"""Readers of a VPC's describe answers for the live audit (:mod:`.audit` makes the calls): routes to the
internet, and security group rules open to anywhere."""

from __future__ import annotations

from typing import Any

__all__ = ["internet_routes", "open_ingress"]


def internet_routes(tables: list[dict[str, Any]]) -> list[str]:
    """Routes to an internet, NAT or egress-only internet gateway."""
    found = []
    for table in tables:
        for route in table.get("Routes", []):
            target = route.get("GatewayId", "") or ""
            nat, egress_only = route.get("NatGatewayId"), route.get("EgressOnlyInternetGatewayId")
            if target.startswith("igw-") or nat or egress_only:
                via = target or nat or egress_only
                destination = route.get("DestinationCidrBlock") or route.get("DestinationIpv6CidrBlock")
                found.append(f"route table {table['RouteTableId']} routes {destination} to {via}")
    return found


def open_ingress(group: dict[str, Any]) -> list[str]:
    """A security group's ingress rules from anywhere (0.0.0.0/0, ::/0)."""
    found = []
    for permission in group.get("IpPermissions", []):
        ranges = [r.get("CidrIp") for r in permission.get("IpRanges", [])]
        ranges += [r.get("CidrIpv6") for r in permission.get("Ipv6Ranges", [])]
        for cidr in ranges:
            if cidr in ("0.0.0.0/0", "::/0"):
                ports = (f"{permission.get('FromPort')}-{permission.get('ToPort')}"
                         if "FromPort" in permission else "all ports")
                found.append(f"ingress from {cidr} on {permission.get('IpProtocol')} {ports}")
    return found
