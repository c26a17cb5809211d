"""Where the subnets of a VPC route to: the check that keeps a bring-your-own VPC closed to the internet.

:class:`MlNetwork` (``vpc=``) and ``SecureEndpoint`` (``subnets=``) refuse subnets with a path to the
internet. What can be seen at synth time depends on where the VPC comes from:

- **A VPC of the same app** (``ec2.Vpc``, or ``ec2.Subnet`` constructs): its routes are ``AWS::EC2::Route``
  resources (:class:`~aws_cdk.aws_ec2.CfnRoute`) of the same stack, so each route of each subnet's route table
  is read and its target resolved to the gateway resource it references.
- **An imported VPC** (``Vpc.from_vpc_attributes``, ``Vpc.from_lookup``): its routes are not in the app.
  CDK's subnet groups carry the meaning instead
  (https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_ec2.SubnetType.html):
  ``PUBLIC`` subnets are connected to the internet (an internet gateway), ``PRIVATE_WITH_EGRESS`` subnets
  route to the internet (through a NAT gateway), ``PRIVATE_ISOLATED`` subnets route to neither. A subnet
  imported into the wrong group cannot be detected here; ``secure-ml audit`` reads the real routes.

Egress through an inspection firewall (AWS Network Firewall's "internet gateway and NAT gateway"
architecture: the workload subnets route to a NAT gateway, the NAT gateway's subnet routes to a firewall
endpoint, the firewall subnet to the internet gateway;
https://docs.aws.amazon.com/network-firewall/latest/developerguide/arch-igw-ngw.html) is accepted only with
an explicit ``inspected_egress`` opt-in, and never a route from the platform's subnets straight to an
internet gateway.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aws_cdk import Annotations, Stack, Token
from aws_cdk import aws_ec2 as ec2
from constructs import Construct

__all__ = ["EgressRoute", "egress_routes"]

#: Route targets that always give a path to the internet, whatever the opt-in.
_INTERNET = "internet gateway"
_EGRESS_ONLY = "egress-only internet gateway"
#: Route targets allowed with ``inspected_egress``: a NAT gateway (or NAT instance) whose own subnet routes
#: through the firewall, or the firewall's endpoint itself (a Gateway Load Balancer endpoint).
_NAT = "NAT gateway"
#: A NAT gateway of ConnectivityType private: no way to the internet.
_PRIVATE_NAT = "private NAT gateway"
_NAT_INSTANCE = "instance or network interface (e.g. a NAT instance)"
_FIREWALL_ENDPOINT = "VPC endpoint (a firewall or Gateway Load Balancer endpoint)"
#: A default route (0.0.0.0/0, ::/0, or the split halves 0.0.0.0/1 + 128.0.0.0/1) to a transit gateway, a
#: peering connection, a Cloud WAN core network or a local gateway: AWS's centralized-egress pattern, where
#: the internet is reached through another VPC's NAT gateways (and, usually, its firewall)
#: (https://docs.aws.amazon.com/whitepapers/latest/building-scalable-secure-multi-vpc-network-infrastructure/centralized-egress-to-internet.html).
#: A route to a specific range there (on-premises, the endpoint hub) is not egress.
_CENTRAL_EGRESS = "default route to another network (centralized egress)"
#: A carrier gateway (Wavelength Zones) carries traffic to the carrier network and the internet.
_CARRIER = "carrier gateway"
INSPECTABLE_TARGETS = frozenset({_NAT, _NAT_INSTANCE, _FIREWALL_ENDPOINT, _CENTRAL_EGRESS})


@dataclass(frozen=True)
class EgressRoute:
    """A route of one of the platform's subnets that leaves the VPC towards the internet.

    :param subnet: the subnet (its construct path, or its id when literal).
    :param route_table: the route table (construct path, or ``rtb-...`` id).
    :param route: the route (construct path and destination), or the subnet group for an imported VPC.
    :param target: the kind of target (``internet gateway``, ``NAT gateway``, ...).
    :param target_name: the target's construct path or literal id ('' when unknown).
    """

    subnet: str
    route_table: str
    route: str
    target: str
    target_name: str = ""

    @property
    def inspectable(self) -> bool:
        """True when an inspection firewall can sit behind this target (never for an internet gateway)."""
        return self.target in INSPECTABLE_TARGETS

    def describe(self) -> str:
        target = f"{self.target} {self.target_name}".strip()
        return f"subnet {self.subnet}: route table {self.route_table}, {self.route} -> {target}"


def subnet_label(subnet: ec2.ISubnet) -> str:
    """The subnet's id when literal, else its construct path (a token must never reach a message)."""
    try:
        subnet_id = subnet.subnet_id
    except RuntimeError:
        subnet_id = None
    if subnet_id and not Token.is_unresolved(subnet_id):
        return subnet_id
    return subnet.node.path


def _route_table_label(subnet: ec2.ISubnet) -> str:
    table = subnet.node.try_find_child("RouteTable")
    if table is not None:
        return table.node.path
    try:
        table_id = subnet.route_table.route_table_id
    except RuntimeError:
        return "(unknown route table)"
    return table_id if table_id and not Token.is_unresolved(table_id) else "(unknown route table)"


def _resolved_ref(stack: Stack, value: str | None) -> str | None:
    """The logical id a ``Ref`` token points at, or the literal value."""
    if value is None:
        return None
    if not Token.is_unresolved(value):
        return value
    resolved = stack.resolve(value)
    if isinstance(resolved, dict) and set(resolved) == {"Ref"}:
        return str(resolved["Ref"])
    return None


class _StackIndex:
    """The routes and gateways of one stack, by logical id (read once per check)."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.routes: dict[str, list[ec2.CfnRoute]] = {}
        self.kinds: dict[str, tuple[str, str]] = {}
        for node in stack.node.find_all():
            if isinstance(node, ec2.CfnRoute):
                table = _resolved_ref(stack, node.route_table_id)
                if table is not None:
                    self.routes.setdefault(table, []).append(node)
            elif isinstance(node, ec2.CfnInternetGateway):
                self.kinds[stack.get_logical_id(node)] = (_INTERNET, node.node.path)
            elif isinstance(node, ec2.CfnEgressOnlyInternetGateway):
                self.kinds[stack.get_logical_id(node)] = (_EGRESS_ONLY, node.node.path)
            elif isinstance(node, ec2.CfnNatGateway):
                # A private NAT gateway translates to other VPCs or on-premises and cannot reach the
                # internet (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html).
                private = node.connectivity_type == "private"
                self.kinds[stack.get_logical_id(node)] = (_PRIVATE_NAT if private else _NAT, node.node.path)

    def target_of(self, route: ec2.CfnRoute) -> tuple[str, str] | None:
        """(kind, name) of a route's target when it leads out of the VPC to the internet, else None."""
        if route.nat_gateway_id is not None:
            ref = _resolved_ref(self.stack, route.nat_gateway_id)
            nat_kind, nat_name = self.kinds.get(ref or "", (_NAT, ref or ""))
            return None if nat_kind == _PRIVATE_NAT else (_NAT, nat_name)
        if route.egress_only_internet_gateway_id is not None:
            ref = _resolved_ref(self.stack, route.egress_only_internet_gateway_id)
            return _EGRESS_ONLY, self.kinds.get(ref or "", ("", ref or ""))[1]
        if route.gateway_id is not None:
            ref = _resolved_ref(self.stack, route.gateway_id) or ""
            if ref.startswith("igw-"):
                return _INTERNET, ref
            kind = self.kinds.get(ref)
            if kind is not None and kind[0] == _INTERNET:
                return kind
            return None  # a virtual private gateway (vgw-...): on-premises, not the internet
        if route.vpc_endpoint_id is not None:
            ref = _resolved_ref(self.stack, route.vpc_endpoint_id) or ""
            return _FIREWALL_ENDPOINT, ref if ref.startswith("vpce-") else ""
        if route.instance_id is not None or route.network_interface_id is not None:
            return _NAT_INSTANCE, ""
        if route.carrier_gateway_id is not None:
            return _CARRIER, _resolved_ref(self.stack, route.carrier_gateway_id) or ""
        beyond = (route.transit_gateway_id, route.vpc_peering_connection_id, route.core_network_arn,
                  route.local_gateway_id)
        if any(target is not None for target in beyond) and _is_default(route):
            name = next(target for target in beyond if target is not None)
            return _CENTRAL_EGRESS, _resolved_ref(self.stack, name) or ""
        # A specific range behind a transit gateway, peering or local gateway (on-premises, the endpoint hub):
        # what lies beyond is not in this app, and it is not the whole internet.
        return None


def _is_default(route: ec2.CfnRoute) -> bool:
    """True for a route to everything: /0, or one of the two /1 halves that together cover it."""
    for value in (route.destination_cidr_block, route.destination_ipv6_cidr_block):
        if value is not None and not Token.is_unresolved(value) and value.rpartition("/")[2] in ("0", "1"):
            return True
    return False


def _destination(route: ec2.CfnRoute) -> str:
    for value in (route.destination_cidr_block, route.destination_ipv6_cidr_block,
                  route.destination_prefix_list_id):
        if value is not None and not Token.is_unresolved(value):
            return value
    return "(a computed destination)"


def _app_routes(subnet: ec2.ISubnet, indexes: dict[str, _StackIndex]) -> list[EgressRoute] | None:
    """The internet-bound routes of a subnet built in this app; None when it is not one."""
    table = subnet.node.try_find_child("RouteTable")
    if not isinstance(table, ec2.CfnRouteTable):
        return None
    stack = Stack.of(table)
    index = indexes.get(stack.node.path)
    if index is None:
        index = indexes[stack.node.path] = _StackIndex(stack)
    found = []
    for route in index.routes.get(stack.get_logical_id(table), []):
        target = index.target_of(route)
        if target is not None:
            found.append(EgressRoute(
                subnet=subnet.node.path, route_table=table.node.path,
                route=f"route {route.node.path} ({_destination(route)})",
                target=target[0], target_name=target[1],
            ))
    return found


def _group_of(vpc: ec2.IVpc, subnet: ec2.ISubnet) -> str | None:
    """The CDK subnet group of an imported VPC that holds ``subnet`` (compared by construct path)."""
    for group, subnets in (("PUBLIC", vpc.public_subnets), ("PRIVATE_WITH_EGRESS", vpc.private_subnets),
                           ("PRIVATE_ISOLATED", vpc.isolated_subnets)):
        if any(s.node.path == subnet.node.path for s in subnets):
            return group
    return None


def egress_routes(vpc: ec2.IVpc | None, subnets: Sequence[ec2.ISubnet]) -> list[EgressRoute]:
    """Every way out to the internet that ``subnets`` have, as far as synthesis can see.

    A subnet built in this app: its ``AWS::EC2::Route`` resources that target an internet gateway, an
    egress-only internet gateway, a NAT gateway, a VPC endpoint (firewall), an instance/ENI or a carrier
    gateway, and a default route (/0, or a /1 half) to a transit gateway, a peering connection, a core network
    or a local gateway (centralized egress). An imported subnet: its CDK group, ``PUBLIC`` (an internet
    gateway) or ``PRIVATE_WITH_EGRESS`` (a NAT gateway). Routes to a specific range behind a transit gateway,
    a peering connection or a virtual private gateway are not reported: what lies beyond them is not in the
    app.
    """
    indexes: dict[str, _StackIndex] = {}
    found: list[EgressRoute] = []
    for subnet in subnets:
        routes = _app_routes(subnet, indexes)
        if routes is not None:
            found += routes
            continue
        group = _group_of(vpc, subnet) if vpc is not None else None
        if group == "PUBLIC":
            found.append(EgressRoute(subnet_label(subnet), _route_table_label(subnet),
                                     "subnet group PUBLIC (a route to an internet gateway)", _INTERNET))
        elif group == "PRIVATE_WITH_EGRESS":
            found.append(EgressRoute(subnet_label(subnet), _route_table_label(subnet),
                                     "subnet group PRIVATE_WITH_EGRESS (a route to a NAT gateway)", _NAT))
    return found


def is_public_subnet(vpc: ec2.IVpc | None, subnet: ec2.ISubnet) -> bool:
    """True when ``subnet`` is in ``vpc``'s PUBLIC group or (built in this app) routes to an internet
    gateway."""
    return any(r.target in (_INTERNET, _EGRESS_ONLY) for r in egress_routes(vpc, [subnet]))


def check_egress(
    scope: Construct, vpc: ec2.IVpc, subnets: Sequence[ec2.ISubnet], inspected_egress: str | None
) -> None:
    """Refuse routes of ``subnets`` to the internet (:func:`egress_routes`), in one ``ValueError`` naming
    each subnet, route table, route and target, and the fix. With ``inspected_egress`` (the firewall's
    name), routes an inspection firewall can sit behind (NAT gateway or instance, firewall endpoint) are
    accepted with a warning on ``scope``; an internet gateway route never is."""
    routes = egress_routes(vpc, subnets)
    if any(subnet.node.try_find_child("RouteTable") is None for subnet in subnets):
        Annotations.of(scope).add_warning_v2(
            "secure-ml:imported-vpc-routes",
            f"the routes of the VPC {vpc.node.path} are not in this app, so MlNetwork judged its subnets by "
            "the group they were imported into (PUBLIC, PRIVATE_WITH_EGRESS, PRIVATE_ISOLATED). A subnet "
            "imported as isolated that routes to a NAT gateway or instance, a firewall endpoint, an "
            "egress-only internet gateway, or by a default route to a transit gateway or peering connection "
            "(centralized egress) passes here; after deploying, run secure-ml audit, which reads the real "
            "routes (SML-NET-12).",
        )
    refused = [r for r in routes if not (inspected_egress and r.inspectable)]
    if refused:
        how = (
            "build it with subnet_configuration=[ec2.SubnetConfiguration(name=..., "
            "subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)] and nat_gateways=0"
            if isinstance(vpc, ec2.Vpc) else
            "import only subnets without such routes, as isolated_subnet_ids of Vpc.from_vpc_attributes"
        )
        fix = (
            "the platform's subnets must have no path to the internet: give them no route to an internet "
            f"or NAT gateway ({how}), or leave vpc out and let MlNetwork create its VPC"
        )
        if not any(r.inspectable for r in refused):
            fix += "; an internet gateway route is refused even with inspected_egress"
        else:
            fix += ("; if a NAT gateway's traffic goes through an inspection firewall (AWS Network "
                    "Firewall), pass inspected_egress='<the firewall>' (docs/network.md)")
        raise ValueError(
            f"MlNetwork {scope.node.path}: the VPC {vpc.node.path} gives the platform's subnets a path to "
            "the internet: " + "; ".join(r.describe() for r in refused) + f". Fix: {fix}"
        )
    if routes and inspected_egress:
        Annotations.of(scope).add_warning_v2(
            "secure-ml:inspected-egress",
            f"the platform's subnets reach the internet through {inspected_egress} "
            f"(inspected_egress): " + "; ".join(r.describe() for r in routes)
            + ". MlNetwork cannot see the firewall's routes; make sure this traffic is inspected.",
        )
