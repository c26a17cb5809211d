"""Readers of a VPC's describe answers for the live audit (:mod:`.audit` makes the calls): routes out of
the VPC (SML-NET-12, judged as MlNetwork judges a VPC at synth time, constructs/network_routes.py), and
security group rules open to anywhere."""

from __future__ import annotations

from typing import Any

__all__ = ["internet_routes", "open_ingress"]


#: Route targets that lead elsewhere; with a default destination they are centralized egress (AWS's
#: pattern sends 0.0.0.0/0 to a transit gateway and out through another VPC's NAT gateways:
#: https://docs.aws.amazon.com/whitepapers/latest/building-scalable-secure-multi-vpc-network-infrastructure/centralized-egress-to-internet.html).
_ONWARD_TARGETS = ("TransitGatewayId", "VpcPeeringConnectionId", "CoreNetworkArn", "LocalGatewayId",
                   "NetworkInterfaceId", "InstanceId", "CarrierGatewayId")


def internet_routes(tables: list[dict[str, Any]]) -> list[str]:
    """Routes to an internet, NAT or egress-only internet gateway, and default routes (/0, or a /1 half) to
    a firewall endpoint, a transit gateway, a peering connection, a core network, a local or carrier gateway,
    or an instance/ENI (a NAT instance). A route to a specific range there (on-premises, the hub) is not."""
    found = []
    for table in tables:
        for route in table.get("Routes", []):
            target = route.get("GatewayId", "") or ""
            destination = route.get("DestinationCidrBlock") or route.get("DestinationIpv6CidrBlock") or ""
            default = destination.rpartition("/")[2] in ("0", "1")
            # A gateway endpoint's route (vpce-, to a prefix list) stays inside AWS; a firewall endpoint's
            # default route (vpce-, 0.0.0.0/0) is a way out.
            onward = next((route[key] for key in _ONWARD_TARGETS if route.get(key)), None) or (
                target if target.startswith("vpce-") else None)
            direct = (target if target.startswith("igw-") else None) or route.get(
                "NatGatewayId") or route.get("EgressOnlyInternetGatewayId")
            via = direct or (onward if default else None)
            if via:
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
