"""Reachability rules (SML-NET-23, SML-NET-24): what the security groups of Studio, notebooks, jobs and
models let through, judged on the security-group graph of every template checked together
(:mod:`cdk_secure_ml.policies.sg_graph`).

- SML-NET-23: the workload's groups and the interface endpoints' groups of its VPC admit TCP 443 between
  them (egress on the workload side AND ingress on the endpoint side: AWS evaluates both).
- SML-NET-24: a Studio group admits the traffic AWS lists for VpcOnly domains within the group (TCP 2049
  for the home EFS, TCP 8192-65535 between the apps), and a distributed job's group admits its members.

A group the run does not define (a literal ``sg-…``, a parameter, an export no checked template declares)
gives "cannot verify", never a pass.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..rule import MISSING, RunContext, Violation, as_list, cannot_verify, fail, get, rule, warn
from ..sg_graph import Group, Permission, SecurityGroupGraph, graph_of
from ..template import Resource, Template
from ._types import (
    DOMAIN,
    ENDPOINT_CONFIG,
    JOB_DEFINITIONS,
    MODEL,
    NOTEBOOK,
    SCHEDULE,
    hosts_inference_components,
)

USER_PROFILE = "AWS::SageMaker::UserProfile"
VPC_ENDPOINT = "AWS::EC2::VPCEndpoint"
STUDIO_TYPES = (DOMAIN, USER_PROFILE)
HOSTING_TYPES = (MODEL, ENDPOINT_CONFIG)
JOB_TYPES = (*JOB_DEFINITIONS, SCHEDULE)

#: Studio in VpcOnly mode: NFS to the home EFS, and the apps' own ports, within the group
#: (https://docs.aws.amazon.com/sagemaker/latest/dg/studio-notebooks-and-internet-access.html).
STUDIO_SELF_PORTS: tuple[tuple[int, int, str], ...] = (
    (2049, 2049, "NFS to the home EFS"),
    (8192, 65535, "between the Studio apps"),
)
HTTPS = 443

STUDIO_DOC = "https://docs.aws.amazon.com/sagemaker/latest/dg/studio-notebooks-and-internet-access.html"
PROCESSING_DOC = "https://docs.aws.amazon.com/sagemaker/latest/dg/process-vpc.html"
HOSTING_DOC = "https://docs.aws.amazon.com/sagemaker/latest/dg/host-vpc.html"
SG_RULES_DOC = "https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html"


def _group_refs(resource: Resource) -> list[tuple[str, Any]]:
    """``(property path, raw group list)`` of the resource's workload security groups (raw, unresolved:
    the graph follows references itself)."""
    props = resource.raw.get("Properties") or {}
    if resource.type == DOMAIN:
        paths = ["DefaultUserSettings.SecurityGroups", "DefaultSpaceSettings.SecurityGroups"]
    elif resource.type == USER_PROFILE:
        paths = ["UserSettings.SecurityGroups"]
    elif resource.type == NOTEBOOK:
        paths = ["SecurityGroupIds"]
    elif resource.type in HOSTING_TYPES:
        if resource.type == ENDPOINT_CONFIG and not hosts_inference_components(resource):
            return []  # the models of the variants carry the VpcConfig
        paths = ["VpcConfig.SecurityGroupIds"]
    elif resource.type == SCHEDULE:
        paths = ["MonitoringScheduleConfig.MonitoringJobDefinition.NetworkConfig.VpcConfig.SecurityGroupIds"]
    else:
        paths = ["NetworkConfig.VpcConfig.SecurityGroupIds"]
    found = []
    for path in paths:
        value = get(props, path)
        if value is not MISSING:
            found.append((path, value))
    return found


def _groups(
    graph: SecurityGroupGraph, resource: Resource, path: str, raw: Any
) -> tuple[list[Group], list[Violation]]:
    """The graph's groups a property names, and a "cannot verify" for each one it does not settle."""
    if not isinstance(raw, list):
        return [], [cannot_verify(f"{path} is {graph.describe_reference(raw)}")]
    groups, unknown = [], []
    for item in raw:
        key = graph.reference(item, resource.template)
        if key in graph.groups:
            groups.append(graph.groups[key])
        else:
            unknown.append(graph.describe_reference(item))
    problems = []
    if unknown:
        problems.append(cannot_verify(
            f"{path} names {', '.join(unknown)}, not defined in the templates checked; its rules are "
            "unknown (check the templates that define it together with this one)"
        ))
    if groups and graph.unreadable(groups):
        problems.append(cannot_verify(f"{path}: rules not readable: {'; '.join(graph.unreadable(groups))}"))
    return groups, problems


def _graph(template: Template, context: RunContext) -> SecurityGroupGraph:
    templates = list(context.templates) or [template]
    # A variant of a template of the run (variants.py) shares its raw data, and the graph reads raw data
    # only: the run's graph serves it (building one per variant was a third of the variants' time).
    if not any(t.data is template.data for t in templates):
        templates.append(template)
    return graph_of(templates)


def _any_interface_endpoint(graph: SecurityGroupGraph) -> bool:
    return any((e.raw.get("Properties") or {}).get("VpcEndpointType") == "Interface"
               for t in graph.templates for e in t.of_type(VPC_ENDPOINT))


def _endpoint_groups(graph: SecurityGroupGraph, vpc: str | None) -> dict[str, list[Group]]:
    """``{interface endpoint logical id: its groups}`` of the run's interface endpoints in ``vpc``."""
    found: dict[str, list[Group]] = {}
    for template in graph.templates:
        for endpoint in template.of_type(VPC_ENDPOINT):
            props = endpoint.raw.get("Properties") or {}
            if props.get("VpcEndpointType") != "Interface":
                continue
            if graph.reference(props.get("VpcId"), template, types=("AWS::EC2::VPC",)) != vpc:
                continue
            keys = [graph.reference(r, template) for r in as_list(props.get("SecurityGroupIds"))]
            found[endpoint.logical_id] = [graph.groups[k] for k in keys if k in graph.groups]
    return found


@rule(
    "SML-NET-23", "error", "Workload security groups reach the VPC's interface endpoints on TCP 443",
    types=(*STUDIO_TYPES, NOTEBOOK, *HOSTING_TYPES, *JOB_TYPES),
    rationale="""Without internet access, Studio apps, notebooks, jobs and models reach AWS (SageMaker API
    and runtime, STS, CloudWatch Logs, ECR, KMS) only through the VPC's interface endpoints. Security
    groups are evaluated on both sides: the workload's groups need an egress rule to the endpoints (or
    EC2's default allow-all egress) and the endpoints' groups an ingress rule from the workload (a group
    made with ec2.SecurityGroup gets neither from MlNetwork), else Studio hangs at start and jobs time
    out. Read across the templates checked together (Fn::ImportValue of a checked template's export).
    Error for Studio and notebooks (AWS documents the requirement), warning for models and jobs. A VPC
    with no interface endpoints in the templates (the hub layout's spokes) is left to SML-NET-17.""",
    remediation="""Make the group with MlNetwork.new_workload_security_group(), or call
    network.allow_endpoint_access_from(group) (egress 443 to the endpoints' group and ingress 443 on it);
    SecureStudioDomain and SecureEndpoint do this for a group of the same app.""",
    references=(STUDIO_DOC, HOSTING_DOC, SG_RULES_DOC),
    context=True,
)  # fmt: skip
def reaches_endpoints(resource: Resource, template: Template, context: RunContext) -> Iterator[Violation]:
    graph = _graph(template, context)
    if not _any_interface_endpoint(graph):
        return  # nothing in the templates to reach; SML-NET-17 reports missing endpoints
    strict = resource.type in (*STUDIO_TYPES, NOTEBOOK)
    for path, raw in _group_refs(resource):
        groups, problems = _groups(graph, resource, path, raw)
        yield from problems
        if not groups or problems:
            continue
        vpc = next((g.vpc for g in groups if g.vpc), None)
        for endpoint, endpoint_groups in sorted(_endpoint_groups(graph, vpc).items()):
            if not endpoint_groups:
                continue  # SML-NET-15 reports an interface endpoint without groups
            verdict = graph.allows(groups, endpoint_groups, HTTPS, HTTPS)
            names = ", ".join(g.label for g in groups)
            if verdict is None:
                yield cannot_verify(f"whether {path} ({names}) reach endpoint {endpoint} on TCP 443")
            elif not verdict:
                message = (f"{path} ({names}) cannot reach interface endpoint {endpoint} on TCP 443: "
                           f"{_missing_side(graph, groups, endpoint_groups)}")
                yield fail(message) if strict else warn(message)
                break  # one endpoint is enough to name the fault; they share their groups


def _missing_side(graph: SecurityGroupGraph, groups: list[Group], endpoint_groups: list[Group]) -> str:
    sides = []
    if not graph.allows(groups, [_open(g) for g in endpoint_groups], HTTPS, HTTPS):
        sides.append(f"no egress rule of {', '.join(g.label for g in groups)} allows it")
    if not graph.allows([_open(g) for g in groups], endpoint_groups, HTTPS, HTTPS):
        sides.append(f"no ingress rule of {', '.join(g.label for g in endpoint_groups)} admits it")
    return "; ".join(sides) or "the rules do not meet on one port"


def _open(group: Group) -> Group:
    """``group`` with every rule opened: to ask about the other side alone."""
    everything = [Permission("-1", None, None, "cidr:0.0.0.0/0")]
    return Group(group.key, group.label, group.vpc, list(everything), list(everything))


def _instance_count(resource: Resource) -> Any:
    props = resource.properties
    if resource.type == SCHEDULE:
        props = get(props, "MonitoringScheduleConfig.MonitoringJobDefinition")
        return get(props, "MonitoringResources.ClusterConfig.InstanceCount")
    return get(props, "JobResources.ClusterConfig.InstanceCount")


@rule(
    "SML-NET-24", "error", "Studio and distributed-job security groups admit their own members",
    types=(*STUDIO_TYPES, *JOB_TYPES),
    rationale="""A VpcOnly Studio domain needs its security groups to allow, between members, NFS (TCP
    2049) to the home EFS and TCP 8192-65535 between the JupyterServer and KernelGateway apps; without
    them apps fail to start. A job on more than one instance needs its group to admit connections
    between its members. Both directions count: an egress and an ingress rule whose peer is the group.""",
    remediation="""Add self-referencing ingress and egress rules (MlNetwork.new_workload_security_group()
    makes a group with them; SecureStudioDomain adds them to a group of the same app).""",
    references=(STUDIO_DOC, PROCESSING_DOC, SG_RULES_DOC),
    context=True,
)  # fmt: skip
def admits_itself(resource: Resource, template: Template, context: RunContext) -> Iterator[Violation]:
    if resource.type in JOB_TYPES:
        count = _instance_count(resource)
        if not isinstance(count, int) or count < 2:
            return  # one instance (or unknown: SML-NET-8 has the VPC side) talks to no peer
        ports: tuple[tuple[int, int, str], ...] = ((0, 65535, "between the job's instances"),)
    else:
        ports = STUDIO_SELF_PORTS
    graph = _graph(template, context)
    for path, raw in _group_refs(resource):
        groups, problems = _groups(graph, resource, path, raw)
        yield from problems
        if not groups or problems:
            continue
        names = ", ".join(g.label for g in groups)
        for low, high, why in ports:
            verdict = graph.allows(groups, groups, low, high)
            span = f"TCP {low}" if low == high else f"TCP {low}-{high}"
            if verdict is None:
                yield cannot_verify(f"whether {path} ({names}) admit {span} ({why}) from themselves")
            elif not verdict:
                yield fail(f"{path} ({names}) do not admit {span} ({why}) between their members: add "
                           "self-referencing ingress and egress rules")

