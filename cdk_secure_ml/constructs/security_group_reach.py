"""Reachability of a workload's security groups: the rules SecureStudioDomain and SecureEndpoint need
their groups to have, added to a group of this app, or named in a warning for a group they cannot see.

What a group needs (the same requirements as rules SML-NET-23 and SML-NET-24):

- TCP 443 to the interface endpoints of its VPC: an egress rule on the group AND an ingress rule on the
  endpoints' group, because security groups are evaluated on both sides
  (https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html). The endpoints' group is
  found on the :class:`~cdk_secure_ml.MlNetwork` of the same VPC in the app (``endpoint_security_group``).
- For Studio, self-referencing ingress and egress on TCP 2049 (the home EFS) and TCP 8192-65535 (between
  the apps), as AWS lists for VpcOnly domains
  (https://docs.aws.amazon.com/sagemaker/latest/dg/studio-notebooks-and-internet-access.html).

A group made here (``ec2.SecurityGroup``) gets the missing rules; a rule it already has (a
self-referencing all-traffic rule of ``MlNetwork.new_workload_security_group``, say) is not repeated. An
imported group (``SecurityGroup.from_security_group_id``) is not changed, mutable or not: its rules cannot
be seen offline, and EC2 refuses a rule the group already has (``InvalidPermission.Duplicate``), which
would fail the deployment. It gets the ingress rule on the endpoints' group (a group of this app) and a
warning naming the rules it must have.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aws_cdk import Annotations, Stack
from aws_cdk import aws_ec2 as ec2
from constructs import Construct

__all__ = ["STUDIO_SELF_PORTS", "find_network", "wire_studio_groups", "wire_workload_groups"]

#: ``(from port, to port, why)`` a Studio group must admit between its members (TCP).
STUDIO_SELF_PORTS: tuple[tuple[int, int, str], ...] = (
    (2049, 2049, "NFS to the home EFS"),
    (8192, 65535, "between the Studio apps"),
)
HTTPS = 443


def find_network(scope: Construct, vpc: ec2.IVpc | None) -> Any:
    """The construct of the app (an ``MlNetwork``) whose ``vpc`` is ``vpc`` and that has an
    ``endpoint_security_group``; None when there is none or ``vpc`` is None."""
    if vpc is None:
        return None
    for node in scope.node.root.node.find_all():
        if getattr(node, "vpc", None) is vpc and isinstance(
            getattr(node, "endpoint_security_group", None), ec2.SecurityGroup
        ):
            return node
    return None


def _covers(protocol: Any, low: Any, high: Any, port_low: int, port_high: int) -> bool:
    if protocol in ("-1", -1):
        return True
    return protocol in ("tcp", "6", 6) and isinstance(low, int | float) and isinstance(high, int | float) \
        and low <= port_low and port_high <= high


def _has_rule(group: ec2.SecurityGroup, peer: ec2.ISecurityGroup, low: int, high: int, egress: bool) -> bool:
    """Whether ``group`` already has a TCP ``low``-``high`` rule (egress or ingress) with ``peer`` as
    its other side. Group-to-group rules are separate resources (children of the group, in CDK)."""
    if egress and group.allow_all_outbound:
        return True
    stack = Stack.of(group)
    peer_id = stack.resolve(peer.security_group_id)
    for child in group.node.children:
        if egress and isinstance(child, ec2.CfnSecurityGroupEgress):
            other = child.destination_security_group_id
        elif not egress and isinstance(child, ec2.CfnSecurityGroupIngress):
            other = child.source_security_group_id
        else:
            continue
        if stack.resolve(other) == peer_id and _covers(
            stack.resolve(child.ip_protocol), stack.resolve(child.from_port), stack.resolve(child.to_port),
            low, high,
        ):
            return True
    return False


def wire_workload_groups(
    owner: Construct,
    groups: Sequence[ec2.ISecurityGroup],
    *,
    vpc: ec2.IVpc | None,
    network: Any = None,
    self_ports: Sequence[tuple[int, int, str]] = (),
) -> list[str]:
    """Give each of ``groups`` TCP 443 to the endpoints of ``network`` (default: the ``MlNetwork`` of
    ``vpc`` found in the app) and the ``self_ports`` between its members.

    Returns the warnings added to ``owner`` (also as CDK annotations, id ``secure-ml:workload-sg-reach``):
    one per imported group, and one when no network with an endpoints' group is found and a group does
    not allow all outbound traffic. Raises nothing: an imported group's rules are unknowable offline.
    """
    network = network if network is not None else find_network(owner, vpc)
    endpoint_group = getattr(network, "endpoint_security_group", None)
    warnings: list[str] = []
    for group in groups:
        label = group.node.path
        needs = [f"ingress and egress TCP {lo}-{hi} from/to itself ({why})" for lo, hi, why in self_ports]
        if not isinstance(group, ec2.SecurityGroup):
            if isinstance(endpoint_group, ec2.SecurityGroup):
                endpoint_group.add_ingress_rule(group, ec2.Port.tcp(HTTPS), "VPC interface endpoints")
            warnings.append(
                f"{owner.node.path}: the imported security group {label} ({group.security_group_id}) is "
                "not changed and its rules cannot be checked offline; it needs egress TCP 443 to the "
                f"interface endpoints' security group{'; ' if needs else ''}{'; '.join(needs)}. Use "
                "network.new_workload_security_group(...) instead, or make sure the group has these rules "
                "(secure-ml check reports SML-NET-23/24 on the templates)."
            )
            continue
        for low, high, why in self_ports:
            port = ec2.Port.tcp(low) if low == high else ec2.Port.tcp_range(low, high)
            if not _has_rule(group, group, low, high, egress=False):
                group.add_ingress_rule(group, port, f"Members of this group: {why}")
            if not _has_rule(group, group, low, high, egress=True):
                group.add_egress_rule(group, port, f"Members of this group: {why}")
        if isinstance(endpoint_group, ec2.SecurityGroup):
            # Idempotent: CDK skips a rule whose construct id exists (MlNetwork's workload groups).
            network.allow_endpoint_access_from(group)
        elif not group.allow_all_outbound:
            warnings.append(
                f"{owner.node.path}: no MlNetwork of the VPC was found in the app, so the security group "
                f"{label} was not given TCP 443 to the interface endpoints; pass network=... or call "
                "network.allow_endpoint_access_from(group)."
            )
    for text in warnings:
        Annotations.of(owner).add_warning_v2("secure-ml:workload-sg-reach", text)
    return warnings


def wire_studio_groups(
    owner: Construct, groups: Sequence[ec2.ISecurityGroup], vpc: ec2.IVpc | None
) -> list[ec2.ISecurityGroup]:
    """:func:`wire_workload_groups` with :data:`STUDIO_SELF_PORTS` (SecureStudioDomain's groups); returns
    ``groups`` as a list."""
    groups = list(groups)
    wire_workload_groups(owner, groups, vpc=vpc, self_ports=STUDIO_SELF_PORTS)
    return groups
