"""Network isolation rules (SML-NET-*): VPC-only SageMaker, no internet paths, endpoints, flow logs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...core.endpoint_hub import HUB_CIDR_TAG, hub_zone_name
from ...core.network import DEFAULT_INTERFACE_ENDPOINTS
from ..intrinsics import Unresolved, describe
from ..rule import (
    MISSING,
    Violation,
    as_list,
    cannot_verify,
    fail,
    get,
    refers_to,
    require_set,
    require_true,
    require_value,
    rule,
    text_of,
    truth,
)
from ..template import Resource, Template
from ._types import (
    DOMAIN,
    ENDPOINT_CONFIG,
    JOB_TYPES,
    MODEL,
    NOTEBOOK,
    SCHEDULE,
    inference_component_config,
    is_ml_template,
    job_definition,
)

# -- Studio and notebooks ----------------------------------------------------------------------------


@rule(
    "SML-NET-1", "error", "Studio domain is VPC-only, with subnets and security groups",
    types=(DOMAIN,),
    rationale="""A domain defaults to PublicInternetOnly: Studio apps get a SageMaker-managed internet
    path that bypasses your VPC, its endpoints, flow logs and security groups.""",
    remediation="""Set AppNetworkAccessType to VpcOnly, SubnetIds to private subnets, and
    DefaultUserSettings.SecurityGroups to the ML workload security group (SecureStudioDomain does this).""",
)  # fmt: skip
def domain_vpc_only(resource: Resource, template: Template) -> Iterator[Violation]:
    props = resource.properties
    yield from require_value(props, "AppNetworkAccessType", "VpcOnly", default="PublicInternetOnly")
    yield from require_set(props, "SubnetIds")
    yield from require_set(
        props, "DefaultUserSettings.SecurityGroups", why="VpcOnly apps need a security group"
    )


@rule(
    "SML-NET-2", "error", "Notebook instance is in a VPC subnet without direct internet access",
    types=(NOTEBOOK,),
    rationale="""A notebook instance without a subnet, or with DirectInternetAccess Enabled (the
    default), reaches the internet through SageMaker's network: data can leave unobserved.""",
    remediation="""Set SubnetId, SecurityGroupIds and DirectInternetAccess: Disabled; reach AWS services
    through VPC endpoints.""",
)  # fmt: skip
def notebook_in_vpc(resource: Resource, template: Template) -> Iterator[Violation]:
    props = resource.properties
    yield from require_set(props, "SubnetId")
    yield from require_set(props, "SecurityGroupIds")
    yield from require_value(props, "DirectInternetAccess", "Disabled", default="Enabled")


@rule(
    "SML-NET-3", "error", "Notebook instance has root access disabled",
    types=(NOTEBOOK,),
    rationale="""Root access (the default) lets a notebook user change the instance's network and security
    setup.""",
    remediation="Set RootAccess: Disabled; install packages through lifecycle configurations.",
)  # fmt: skip
def notebook_root_access(resource: Resource, template: Template) -> Iterator[Violation]:
    yield from require_value(resource.properties, "RootAccess", "Disabled", default="Enabled")


@rule(
    "SML-NET-4", "error", "Notebook instance allows IMDSv2 only",
    types=(NOTEBOOK,),
    rationale="""IMDSv1 (allowed by default) is reachable through SSRF and leaks the instance role's
    credentials.""",
    remediation='Set InstanceMetadataServiceConfiguration.MinimumInstanceMetadataServiceVersion: "2".',
)  # fmt: skip
def notebook_imdsv2(resource: Resource, template: Template) -> Iterator[Violation]:
    yield from require_value(
        resource.properties,
        "InstanceMetadataServiceConfiguration.MinimumInstanceMetadataServiceVersion",
        "2",
        default="1",
    )


# -- Models ------------------------------------------------------------------------------------------


def _skip_endpoint_config(resource: Resource, setting: str) -> Iterator[Violation | None]:
    """For an endpoint config: None (go on) when it hosts inference components, else stop (the models of
    its variants carry ``setting``); a "cannot verify" first when its variants cannot be read."""
    if resource.type != ENDPOINT_CONFIG:
        return
    shape = inference_component_config(resource)
    if shape is None:
        yield cannot_verify(
            f"ProductionVariants are not resolvable: whether this config hosts inference components (and so "
            f"must carry {setting} itself) is unknown"
        )
    if not shape:
        yield None


@rule(
    "SML-NET-5", "error", "Model runs in a VPC",
    types=(MODEL, ENDPOINT_CONFIG),
    rationale="""Without VpcConfig, endpoint and batch transform containers run in SageMaker's network,
    outside your security groups, endpoints and flow logs. An endpoint config for inference components
    (variants without ModelName) carries the VpcConfig itself.""",
    remediation="""Set VpcConfig with Subnets (private, two AZs or more) and SecurityGroupIds (on the
    endpoint config for inference components).""",
    references=(
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sagemaker-model.html",
        "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateEndpointConfig.html",
    ),
)  # fmt: skip
def model_in_vpc(resource: Resource, template: Template) -> Iterator[Violation]:
    for found in _skip_endpoint_config(resource, "VpcConfig"):
        if found is None:
            return  # models of the variants carry the VpcConfig
        yield found
    props = resource.properties
    if get(props, "VpcConfig") is MISSING:
        yield fail("VpcConfig is not set: the model's containers run outside your VPC")
        return
    yield from require_set(props, "VpcConfig.Subnets")
    yield from require_set(props, "VpcConfig.SecurityGroupIds")


def subnet_az(subnet: Any, template: Template) -> tuple[str, Any] | None:
    """A comparable availability zone for a subnet reference: ("name", "eu-west-1a") or
    ("index", (region, n)) for Fn::Select over Fn::GetAZs; None when unknown."""
    if isinstance(subnet, Unresolved) and len(subnet.refs) == 1:
        (logical_id,) = subnet.refs
        target = template.resources.get(logical_id)
        if target is not None and target.type == "AWS::EC2::Subnet":
            # MlNetwork(availability_zone_ids=...) names the zone by ID instead of by name.
            az = target.properties.get("AvailabilityZone", target.properties.get("AvailabilityZoneId"))
            if isinstance(az, str):
                return ("name", az)
            if isinstance(az, Unresolved) and az.az is not None:
                return ("index", az.az)
    return None


@rule(
    "SML-NET-6", "error", "Model subnets span at least two availability zones",
    types=(MODEL, ENDPOINT_CONFIG),
    rationale="""Hosting spreads instances across the AZs of the model's subnets; one subnet or one AZ
    makes the endpoint fail with that zone.""",
    remediation="List at least two subnets in different availability zones in VpcConfig.Subnets.",
)  # fmt: skip
def model_multi_az(resource: Resource, template: Template) -> Iterator[Violation]:
    if resource.type == ENDPOINT_CONFIG and not inference_component_config(resource):
        return  # the models carry the subnets; unreadable variants are reported by SML-NET-5
    subnets = get(resource.properties, "VpcConfig.Subnets")
    if subnets is MISSING:
        return  # SML-NET-5 reports the missing VpcConfig
    if isinstance(subnets, Unresolved):
        yield cannot_verify(f"VpcConfig.Subnets is {subnets.expr}")
        return
    subnets = as_list(subnets)
    if len(subnets) < 2:
        yield fail(f"VpcConfig.Subnets lists {len(subnets)} subnet(s); hosting needs two AZs or more")
        return
    zones = [subnet_az(s, template) for s in subnets]
    names = {z[1] for z in zones if z and z[0] == "name"}
    indexes = {z[1] for z in zones if z and z[0] == "index"}
    if len(names) >= 2 or len(indexes) >= 2:
        return
    if None in zones or (names and indexes):
        yield cannot_verify(
            "the availability zones of VpcConfig.Subnets are not all known within the template "
            f"({', '.join(describe(s) for s in subnets)})"
        )
    else:
        yield fail("all VpcConfig.Subnets are in one availability zone")


@rule(
    "SML-NET-7", "error", "Model containers are network-isolated",
    types=(MODEL, ENDPOINT_CONFIG),
    rationale="""Without network isolation, inference containers can make outbound calls, even from a VPC.
    An endpoint config for inference components (variants without ModelName) carries the setting
    itself.""",
    remediation="""Set EnableNetworkIsolation: true on the model (on the endpoint config for inference
    components).""",
)  # fmt: skip
def model_isolation(resource: Resource, template: Template) -> Iterator[Violation]:
    for found in _skip_endpoint_config(resource, "EnableNetworkIsolation"):
        if found is None:
            return
        yield found
    yield from require_true(resource.properties, "EnableNetworkIsolation")


# -- Monitoring / processing jobs --------------------------------------------------------------------


def _job_network(resource: Resource) -> tuple[Any, str] | None:
    body = job_definition(resource)
    if body is None:
        return None
    prefix = "MonitoringScheduleConfig.MonitoringJobDefinition." if resource.type == SCHEDULE else ""
    return get(body, "NetworkConfig"), prefix + "NetworkConfig"


@rule(
    "SML-NET-8", "error", "Monitoring jobs run in a VPC",
    types=JOB_TYPES,
    rationale="""Model Monitor and Clarify jobs read captured inference data; outside a VPC they run in
    SageMaker's network.""",
    remediation="Set NetworkConfig.VpcConfig with Subnets and SecurityGroupIds.",
)  # fmt: skip
def job_in_vpc(resource: Resource, template: Template) -> Iterator[Violation]:
    found = _job_network(resource)
    if found is None:
        return
    network, label = found
    if isinstance(network, Unresolved):
        yield cannot_verify(f"{label} is {network.expr}")
    elif get(network, "VpcConfig") is MISSING:
        yield fail(f"{label}.VpcConfig is not set")
    else:
        yield from require_set(network, "VpcConfig.Subnets", f"{label}.VpcConfig.Subnets")
        yield from require_set(network, "VpcConfig.SecurityGroupIds", f"{label}.VpcConfig.SecurityGroupIds")


@rule(
    "SML-NET-9", "error", "Monitoring job containers are network-isolated",
    types=JOB_TYPES,
    rationale="Without network isolation, job containers can make outbound calls.",
    remediation="Set NetworkConfig.EnableNetworkIsolation: true.",
)  # fmt: skip
def job_isolation(resource: Resource, template: Template) -> Iterator[Violation]:
    found = _job_network(resource)
    if found is not None:
        network, label = found
        if isinstance(network, Unresolved):
            yield cannot_verify(f"{label} is {network.expr}")
        else:
            yield from require_true(network, "EnableNetworkIsolation", f"{label}.EnableNetworkIsolation")


@rule(
    "SML-NET-10", "error", "Monitoring jobs encrypt inter-container traffic",
    types=JOB_TYPES,
    rationale="""Distributed jobs exchange data between instances in clear text unless inter-container
    encryption is on.""",
    remediation="""Set NetworkConfig.EnableInterContainerTrafficEncryption: true (allow UDP 500 and
    protocol 50 (ESP) within the job's security group).""",
)  # fmt: skip
def job_traffic_encryption(resource: Resource, template: Template) -> Iterator[Violation]:
    found = _job_network(resource)
    if found is not None:
        network, label = found
        if isinstance(network, Unresolved):
            yield cannot_verify(f"{label} is {network.expr}")
        else:
            yield from require_true(
                network,
                "EnableInterContainerTrafficEncryption",
                f"{label}.EnableInterContainerTrafficEncryption",
            )


# -- VPC ---------------------------------------------------------------------------------------------

OPEN_CIDRS = {"0.0.0.0/0", "::/0", "::0/0"}


def _open_ingress(rule_props: Any, label: str) -> Iterator[Violation]:
    for key in ("CidrIp", "CidrIpv6"):
        value = get(rule_props, key)
        if value is MISSING:
            continue
        if isinstance(value, Unresolved):
            yield cannot_verify(f"{label}{key} is {value.expr}")
        elif isinstance(value, str) and value.strip() in OPEN_CIDRS:
            ports = (
                f"{get(rule_props, 'IpProtocol')} {get(rule_props, 'FromPort')}-{get(rule_props, 'ToPort')}"
            )
            yield fail(f"{label}{key} {value} allows ingress from anywhere ({ports})".replace("MISSING", "*"))


@rule(
    "SML-NET-11", "error", "No security group ingress from 0.0.0.0/0 or ::/0",
    types=("AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress"),
    rationale="Ingress from anywhere exposes ML workloads and endpoints beyond the VPC's intended clients.",
    remediation="Allow ingress only from named security groups (source security group) or narrow CIDRs.",
)  # fmt: skip
def no_open_ingress(resource: Resource, template: Template) -> Iterator[Violation]:
    if resource.type == "AWS::EC2::SecurityGroupIngress":
        yield from _open_ingress(resource.properties, "")
        return
    ingress = get(resource.properties, "SecurityGroupIngress")
    if isinstance(ingress, Unresolved):
        yield cannot_verify(f"SecurityGroupIngress is {ingress.expr}")
        return
    for index, entry in enumerate(as_list(ingress)):
        yield from _open_ingress(entry, f"SecurityGroupIngress[{index}].")


INTERNET_TYPES = (
    "AWS::EC2::InternetGateway",
    "AWS::EC2::EgressOnlyInternetGateway",
    "AWS::EC2::NatGateway",
    "AWS::EC2::VPCGatewayAttachment",
)


@rule(
    "SML-NET-12", "error", "No internet or NAT gateway beside SageMaker resources",
    types=INTERNET_TYPES,
    rationale="""The ML network reaches AWS services through VPC endpoints only; an internet or NAT
    gateway opens an exfiltration path. (Training does not need a NAT.) Applies to templates with
    SageMaker resources or SageMaker VPC endpoints.""",
    remediation="Remove the gateway; add the VPC endpoints the workloads need instead.",
)  # fmt: skip
def no_internet_gateway(resource: Resource, template: Template) -> Iterator[Violation]:
    if not is_ml_template(template):
        return
    props = resource.properties
    if resource.type == "AWS::EC2::VPCGatewayAttachment":
        if get(props, "InternetGatewayId") is MISSING:
            return  # a VPN gateway attachment
        yield fail("attaches an internet gateway to the VPC")
    elif resource.type == "AWS::EC2::NatGateway":
        connectivity = get(props, "ConnectivityType")
        if connectivity == "private":
            return
        if isinstance(connectivity, Unresolved):
            yield cannot_verify(f"ConnectivityType is {connectivity.expr}")
        else:
            yield fail("a public NAT gateway gives the ML network a path to the internet")
    else:
        yield fail(f"{resource.type.split('::')[-1]} gives the ML network a path to the internet")


@rule(
    "SML-NET-13", "error", "Subnets do not assign public IP addresses",
    types=("AWS::EC2::Subnet",),
    rationale="""A subnet that maps public IPs on launch makes every ENI in it (Studio apps, endpoints)
    internet-addressable.""",
    remediation="Set MapPublicIpOnLaunch: false (the default) and use private or isolated subnets.",
)  # fmt: skip
def no_public_ip(resource: Resource, template: Template) -> Iterator[Violation]:
    value = get(resource.properties, "MapPublicIpOnLaunch")
    if value is MISSING:
        return
    verdict = truth(value)
    if verdict is None:
        yield cannot_verify(f"MapPublicIpOnLaunch is {describe(value)}")
    elif verdict:
        yield fail("MapPublicIpOnLaunch is true")


def _interface_endpoint(resource: Resource) -> bool | None:
    kind = get(resource.properties, "VpcEndpointType")
    if isinstance(kind, Unresolved):
        return None
    return kind == "Interface"


@rule(
    "SML-NET-14", "error", "Interface endpoints have private DNS enabled",
    types=("AWS::EC2::VPCEndpoint",),
    rationale="""Without private DNS the AWS SDKs resolve the public service endpoints; calls fail in an
    isolated VPC or leave through another path. CloudFormation defaults PrivateDnsEnabled to false. The hub
    layout's endpoints have it off on purpose: the apex record of a private hosted zone named after the
    service, in the same template, aliases the endpoint instead (docs/network.md, "Hub layout"), which
    this rule accepts.""",
    remediation="""Set PrivateDnsEnabled: true on every interface endpoint, or (a hub of shared endpoints)
    alias the endpoint from a Route 53 private hosted zone named after the service (MlEndpointHub).""",
)  # fmt: skip
def endpoint_private_dns(resource: Resource, template: Template) -> Iterator[Violation]:
    interface = _interface_endpoint(resource)
    if interface is None:
        yield cannot_verify(f"VpcEndpointType is {describe(resource.properties.get('VpcEndpointType'))}")
    elif interface and not _aliased_by_hosted_zone(resource, template):
        yield from require_true(resource.properties, "PrivateDnsEnabled")


def _aliased_by_hosted_zone(endpoint: Resource, template: Template) -> bool:
    """A private hosted zone of the template, named after the endpoint's service, has an apex record that
    aliases ``endpoint``: the centralised pattern's zone per service
    (https://docs.aws.amazon.com/whitepapers/latest/building-scalable-secure-multi-vpc-network-infrastructure/centralized-access-to-vpc-private-endpoints.html).
    A record in a zone of another name, a public zone, or a record below the apex does not count."""
    service_name = text_of(endpoint.properties.get("ServiceName"))
    zone_name = hub_zone_name(service_name) if service_name else None
    if zone_name is None:
        return False
    zones = [z.logical_id for z in template.of_type("AWS::Route53::HostedZone")
             if z.properties.get("VPCs") and _fqdn(z.properties.get("Name")) == zone_name]
    return any(refers_to(r.properties.get("AliasTarget"), endpoint.logical_id)
               and _fqdn(r.properties.get("Name")) == zone_name
               and any(refers_to(r.properties.get("HostedZoneId"), zone) for zone in zones)
               for r in template.of_type("AWS::Route53::RecordSet"))


def _fqdn(name: Any) -> str:
    return str(name).lower().rstrip(".") + "." if isinstance(name, str) else ""


def _reaches_endpoint_hub(vpc: Resource, template: Template) -> bool:
    """The VPC is a spoke of the hub layout, all in this template: attached to a transit gateway by an
    attachment tagged with the hub's range (``HUB_CIDR_TAG``), a route sending exactly that range to that
    transit gateway, and a Route 53 Profile (the hub's zones) associated with the VPC."""
    hub_routes = set()
    for attachment in template.of_type("AWS::EC2::TransitGatewayAttachment"):
        props = attachment.properties
        if refers_to(props.get("VpcId"), vpc.logical_id):
            tags = {t.get("Key"): t.get("Value") for t in as_list(props.get("Tags")) if isinstance(t, dict)}
            if isinstance(tags.get(HUB_CIDR_TAG), str):
                hub_routes.add((tags[HUB_CIDR_TAG], str(props.get("TransitGatewayId"))))
    routed = any((r.properties.get("DestinationCidrBlock"), str(r.properties.get("TransitGatewayId")))
                 in hub_routes for r in template.of_type("AWS::EC2::Route"))
    resolves = any(refers_to(a.properties.get("ResourceId"), vpc.logical_id)
                   for a in template.of_type("AWS::Route53Profiles::ProfileAssociation"))
    return routed and resolves


@rule(
    "SML-NET-15", "error", "Interface endpoints have their own security groups",
    types=("AWS::EC2::VPCEndpoint",),
    rationale="Without SecurityGroupIds an interface endpoint gets the VPC's default security group.",
    remediation="""Set SecurityGroupIds to an endpoint security group allowing 443 from the ML security
    groups only.""",
)  # fmt: skip
def endpoint_security_groups(resource: Resource, template: Template) -> Iterator[Violation]:
    if _interface_endpoint(resource):
        yield from require_set(
            resource.properties, "SecurityGroupIds", why="the VPC default security group applies"
        )


@rule(
    "SML-NET-16", "error", "Every VPC has a flow log",
    types=("AWS::EC2::VPC",),
    rationale="Flow logs are the record of what talked to what in the ML network (and GuardDuty's input).",
    remediation="""Add an AWS::EC2::FlowLog with ResourceType VPC and ResourceId referring to this VPC, in
    the same template.""",
)  # fmt: skip
def vpc_flow_log(resource: Resource, template: Template) -> Iterator[Violation]:
    for flow_log in template.of_type("AWS::EC2::FlowLog"):
        props = flow_log.properties
        if refers_to(props.get("ResourceId"), resource.logical_id) or any(
            refers_to(item, resource.logical_id) for item in as_list(props.get("ResourceIds"))
        ):
            return
    yield fail("no AWS::EC2::FlowLog in this template refers to this VPC")


#: Interface endpoints a VpcOnly Studio domain needs (the ones MlNetwork creates by default), matched
#: on the service name's end.
REQUIRED_ENDPOINTS = DEFAULT_INTERFACE_ENDPOINTS


@rule(
    "SML-NET-17", "warning", "The ML VPC has the VPC endpoints SageMaker needs",
    types=("AWS::EC2::VPC",),
    rationale="""Without internet access, Studio and jobs reach AWS only through endpoints; a missing
    STS or Logs endpoint makes Studio kernels hang. Applies to VPCs in templates with SageMaker
    resources or SageMaker endpoints. A spoke of the hub layout (in the same template: a transit gateway
    attachment tagged with the hub's range, a route sending that range to that transit gateway, and a
    Route 53 Profile associated with the VPC) reaches the interface endpoints in the hub and needs only
    the S3 gateway endpoint here.""",
    remediation="""Add interface endpoints for sagemaker.api, sagemaker.runtime, notebook, studio, sts,
    logs, monitoring, ecr.api, ecr.dkr, kms, ssm, and an S3 gateway endpoint (MlNetwork does this), or
    attach the VPC to an endpoint hub (network.interface_endpoints.mode: hub).""",
)  # fmt: skip
def vpc_endpoints(resource: Resource, template: Template) -> Iterator[Violation]:
    if not is_ml_template(template):
        return
    services: list[tuple[str, str]] = []
    unknown: list[str] = []
    for endpoint in template.of_type("AWS::EC2::VPCEndpoint"):
        props = endpoint.properties
        if not refers_to(props.get("VpcId"), resource.logical_id):
            continue
        name = text_of(props.get("ServiceName"))
        if name is None:
            unknown.append(endpoint.logical_id)
        else:
            services.append((name.lower(), str(props.get("VpcEndpointType", "Gateway"))))
    missing = [
        s
        for s in REQUIRED_ENDPOINTS
        if not any(n.endswith("." + s) and t == "Interface" for n, t in services)
    ]
    if missing and _reaches_endpoint_hub(resource, template):
        missing = []  # the hub serves the interface endpoints; the S3 gateway endpoint stays local
    if not any(n.endswith(".s3") and t == "Gateway" for n, t in services):
        missing.append("s3 (gateway)")
    if not missing:
        return
    if unknown:
        yield cannot_verify(
            f"service names of {', '.join(unknown)} are not resolvable; "
            f"possibly missing: {', '.join(missing)}"
        )
    else:
        yield fail(f"no VPC endpoint for {', '.join(missing)}")
