"""The security-group graph of the templates checked together: which group may send what to which.

Built from ``AWS::EC2::SecurityGroup`` (inline ``SecurityGroupIngress`` / ``SecurityGroupEgress``) and the
``AWS::EC2::SecurityGroupIngress`` / ``AWS::EC2::SecurityGroupEgress`` resources. A group is named by
``Fn::GetAtt <id>.GroupId`` or ``Ref <id>``, and across stacks by ``Fn::ImportValue`` of an export another
template of the same run declares (CDK's cross-stack references), so a Studio stack that imports the
platform's workload group is judged on the group's rules in the foundation stack. A literal ``sg-…``, a
parameter or an export no template of the run declares is not in the graph: the rules report "cannot
verify" for it.

How AWS evaluates (https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html): rules only
allow; the rules of all groups on a network interface are aggregated; groups are stateful, so a connection
needs an egress rule on the sender's groups and an ingress rule on the receiver's groups, and its replies
need neither. A group whose template gives no ``SecurityGroupEgress`` keeps EC2's default rule allowing
all outbound traffic; the default goes once any egress rule is given inline
(https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-securitygroup.html).

The template layer's rules stay below: this module imports only :mod:`.template`, never a rule module.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .template import Template

__all__ = ["ANY", "Group", "Permission", "SecurityGroupGraph", "graph_of"]

SECURITY_GROUP = "AWS::EC2::SecurityGroup"
INGRESS = "AWS::EC2::SecurityGroupIngress"
EGRESS = "AWS::EC2::SecurityGroupEgress"
VPC = "AWS::EC2::VPC"
#: A peer or a reference that the templates of the run do not settle.
ANY = "?"
_ALL_PROTOCOLS = {"-1", "all"}
_TCP = {"tcp", "6"}


@dataclass(frozen=True)
class Permission:
    """One rule: ``protocol`` (lower case, ``"-1"`` for all), ports (None: all, or unknown when
    ``ports_known`` is False), and ``peer``: a group key, ``cidr:<range>``, ``vpc-cidr:<vpc key>``,
    ``prefix:<id>`` or :data:`ANY` when unreadable."""

    protocol: str
    from_port: int | None
    to_port: int | None
    peer: str
    ports_known: bool = True

    def allows_tcp(self, low: int, high: int) -> bool | None:
        """Whether the rule admits every TCP port of ``low``–``high``; None when its ports are unreadable."""
        if self.protocol in _ALL_PROTOCOLS:
            return True
        if self.protocol not in _TCP:
            return False
        if not self.ports_known:
            return None
        if self.from_port is None or self.to_port is None:
            return True
        return self.from_port <= low and high <= self.to_port


@dataclass
class Group:
    """A security group of the run: ``key`` (``<file>#<logical id>``), its ``label`` for messages, its
    VPC's key, rules, whether EC2's default allow-all egress stays, and what could not be read."""

    key: str
    label: str
    vpc: str | None
    ingress: list[Permission] = field(default_factory=list)
    egress: list[Permission] = field(default_factory=list)
    default_egress: bool = False
    unreadable: list[str] = field(default_factory=list)


class SecurityGroupGraph:
    """The groups of a set of templates and the references between them."""

    def __init__(self, templates: Sequence[Template]):
        self.templates = list(templates)
        self._exports: dict[str, tuple[Template, Any]] = {}
        for template in self.templates:
            outputs = template.data.get("Outputs")
            for output in (outputs.values() if isinstance(outputs, dict) else ()):
                name = output.get("Export", {}).get("Name") if isinstance(output, dict) else None
                if isinstance(name, str):
                    self._exports[name] = (template, output.get("Value"))
        self.groups: dict[str, Group] = {}
        self.vpc_cidrs: dict[str, str] = {}
        for template in self.templates:
            for vpc in template.of_type(VPC):
                cidr = vpc.raw.get("Properties", {}).get("CidrBlock")
                if isinstance(cidr, str):
                    self.vpc_cidrs[self._key(template, vpc.logical_id)] = cidr
        for template in self.templates:
            for resource in template.of_type(SECURITY_GROUP):
                self._add_group(template, resource.logical_id, resource.raw.get("Properties") or {})
        for template in self.templates:
            for resource in template.of_type(INGRESS, EGRESS):
                self._add_rule_resource(template, resource.logical_id, resource.type,
                                        resource.raw.get("Properties") or {})

    # -- references ------------------------------------------------------------------------------

    @staticmethod
    def _key(template: Template, logical_id: str) -> str:
        return f"{template.file}#{logical_id}"

    def reference(self, raw: Any, template: Template, attribute: str = "GroupId",
                  types: tuple[str, ...] = (SECURITY_GROUP,), depth: int = 0) -> str:
        """The key a raw (unresolved) reference names: a resource of ``types`` in a template of the run
        (through ``Fn::ImportValue`` of a run's export too), ``literal:<value>`` for a literal id, or
        :data:`ANY`."""
        if depth > 5:
            return ANY
        if isinstance(raw, str):
            return f"literal:{raw}"
        if not isinstance(raw, dict) or len(raw) != 1:
            return ANY
        (function, args), = raw.items()
        if function == "Ref" and isinstance(args, str):
            target = template.resources.get(args)
            return self._key(template, args) if target is not None and target.type in types else ANY
        if function == "Fn::GetAtt":
            parts = args.split(".", 1) if isinstance(args, str) else args
            if isinstance(parts, list) and len(parts) == 2 and parts[1] == attribute:
                target = template.resources.get(parts[0]) if isinstance(parts[0], str) else None
                if target is not None and target.type in types:
                    return self._key(template, parts[0])
            return ANY
        if function == "Fn::ImportValue" and isinstance(args, str) and args in self._exports:
            source, value = self._exports[args]
            return self.reference(value, source, attribute, types, depth + 1)
        return ANY

    def describe_reference(self, raw: Any) -> str:
        """A short text of an unresolved reference for messages."""
        if isinstance(raw, str):
            return raw
        if isinstance(raw, dict) and len(raw) == 1:
            (function, args), = raw.items()
            return f"{function} {args if isinstance(args, str) else '.'.join(map(str, args))}"[:160]
        return type(raw).__name__

    def _vpc(self, raw: Any, template: Template) -> str | None:
        key = self.reference(raw, template, types=(VPC,))
        return None if key == ANY else key

    def _peer(self, entry: dict[str, Any], template: Template, direction: str) -> str:
        group_key = "SourceSecurityGroupId" if direction == "ingress" else "DestinationSecurityGroupId"
        prefix_key = "SourcePrefixListId" if direction == "ingress" else "DestinationPrefixListId"
        if group_key in entry:
            return self.reference(entry[group_key], template)
        if prefix_key in entry:
            return f"prefix:{entry[prefix_key]}"
        if "CidrIp" in entry:
            cidr = entry["CidrIp"]
            if isinstance(cidr, str):
                return f"cidr:{cidr.strip()}"
            vpc = self.reference(cidr, template, attribute="CidrBlock", types=(VPC,))
            return f"vpc-cidr:{vpc}" if vpc != ANY else ANY
        if "CidrIpv6" in entry:
            return "cidr6"  # the interface endpoints and Studio's ENIs are reached over IPv4 here
        return ANY

    @staticmethod
    def _permission(entry: dict[str, Any], peer: str) -> Permission:
        protocol = str(entry.get("IpProtocol", ANY)).strip().lower()
        ports = [entry.get("FromPort"), entry.get("ToPort")]
        try:
            low, high = (None if p is None else int(p) for p in ports)
        except (TypeError, ValueError):
            return Permission(protocol, None, None, peer, ports_known=False)
        if low == -1 or high == -1:
            low = high = None
        return Permission(protocol, low, high, peer)

    # -- building --------------------------------------------------------------------------------

    def _add_group(self, template: Template, logical_id: str, props: dict[str, Any]) -> None:
        group = Group(self._key(template, logical_id), logical_id, self._vpc(props.get("VpcId"), template))
        for key, direction, rules in (("SecurityGroupIngress", "ingress", group.ingress),
                                      ("SecurityGroupEgress", "egress", group.egress)):
            entries = props.get(key)
            if entries is None:
                continue
            if not isinstance(entries, list):
                group.unreadable.append(f"{key} is {self.describe_reference(entries)}")
                continue
            for index, entry in enumerate(entries):
                if not isinstance(entry, dict):
                    group.unreadable.append(f"{key}[{index}] is {self.describe_reference(entry)}")
                    continue
                rules.append(self._permission(entry, self._peer(entry, template, direction)))
        group.default_egress = "SecurityGroupEgress" not in props
        self.groups[group.key] = group

    def _add_rule_resource(
        self, template: Template, logical_id: str, kind: str, props: dict[str, Any]
    ) -> None:
        target = self.reference(props.get("GroupId"), template)
        group = self.groups.get(target)
        if group is None:
            return  # a rule on a group outside the run: nothing to judge it against
        direction = "ingress" if kind == INGRESS else "egress"
        rules = group.ingress if kind == INGRESS else group.egress
        rules.append(self._permission(props, self._peer(props, template, direction)))

    # -- questions -------------------------------------------------------------------------------

    def _covers(self, peer: str, other: Group) -> bool | None:
        """Whether ``peer`` (a rule's peer) includes the members of ``other``."""
        if peer == other.key:
            return True
        if peer.startswith("cidr:"):
            cidr = peer[5:]
            if cidr == "0.0.0.0/0":
                return True
            vpc_cidr = self.vpc_cidrs.get(other.vpc or "")
            try:
                if vpc_cidr is not None:
                    rule_net = ipaddress.ip_network(cidr, strict=False)
                    vpc_net = ipaddress.ip_network(vpc_cidr)
                    if vpc_net.subnet_of(rule_net):  # type: ignore[arg-type]
                        return True
                    return None if rule_net.overlaps(vpc_net) else False
            except ValueError:
                return None
            return None
        if peer.startswith("vpc-cidr:"):
            return True if peer[9:] == other.vpc else None if other.vpc is None else False
        if peer == ANY:
            return None
        return False

    def allows(
        self, senders: Iterable[Group], receivers: Iterable[Group], low: int, high: int
    ) -> bool | None:
        """Whether members of ``senders`` (all on one ENI) may open TCP ``low``–``high`` to members of
        ``receivers`` (all on one ENI): an egress rule of a sender and an ingress rule of a receiver.
        None when a rule that could decide it is unreadable."""
        senders, receivers = list(senders), list(receivers)
        egress = _any(
            True if s.default_egress else _any(
                _both(p.allows_tcp(low, high), _any(self._covers(p.peer, r) for r in receivers))
                for p in s.egress)
            for s in senders)
        ingress = _any(
            _any(_both(p.allows_tcp(low, high), _any(self._covers(p.peer, s) for s in senders))
                 for p in r.ingress)
            for r in receivers)
        return _both(egress, ingress)

    def unreadable(self, groups: Iterable[Group]) -> list[str]:
        return [f"{g.label}: {text}" for g in groups for text in g.unreadable]


def _any(values: Iterable[bool | None]) -> bool | None:
    """Three-valued OR: True if any is True, else None if any is unknown, else False."""
    unknown = False
    for value in values:
        if value:
            return True
        unknown = unknown or value is None
    return None if unknown else False


def _both(first: bool | None, second: bool | None) -> bool | None:
    """Three-valued AND."""
    if first is False or second is False:
        return False
    if first is None or second is None:
        return None
    return True


def graph_of(templates: Sequence[Template]) -> SecurityGroupGraph:
    """The graph of ``templates``, built once per set of templates (memoised on the first's cache)."""
    cache = templates[0].cache
    key = tuple(id(t) for t in templates)
    cached = cache.get("sg-graph")
    if cached is None or cached[0] != key:
        cached = (key, SecurityGroupGraph(templates))
        cache["sg-graph"] = cached
    return cached[1]
