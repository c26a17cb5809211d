"""``network``: the isolated VPC, its endpoints and endpoint policies (docs/network.md, ``MlNetwork``)."""

from __future__ import annotations

import ipaddress
import re
from typing import Any, Literal

from pydantic import Field, field_validator

from cdk_secure_ml.config._section import NestedProblems, Problem, Section
from cdk_secure_ml.config._types import AccountIds, RetentionDays
from cdk_secure_ml.config.endpoint_hub import EndpointHubConfig
from cdk_secure_ml.config.feature_store import feature_store_endpoints
from cdk_secure_ml.config.mlflow import mlflow_interface_endpoints
from cdk_secure_ml.core.capacity import SubnetDemand
from cdk_secure_ml.core.capacity import subnet_capacity_problems as capacity_problems
from cdk_secure_ml.core.endpoint_hub import unsupported_hub_services
from cdk_secure_ml.core.names import ORGANIZATION_ID_RE
from cdk_secure_ml.core.network import (
    DEFAULT_INTERFACE_ENDPOINTS,
    INTERFACE_ENDPOINT_SERVICES,
    reserved_cidr_problems,
    subnet_cidr_mask_problems,
    vpc_cidr_problems,
)

_S3_OBJECT_ARN_RE = re.compile(r"^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.*-]{1,62}/.+$")


class InterfaceEndpointsConfig(Section):
    """Interface endpoints on top of the set a VpcOnly Studio domain needs, and where they live."""

    mode: Literal["per-account", "hub"] = Field(
        "per-account", description="per-account: every platform VPC has its own interface endpoints. hub: "
                                   "they live once in the shared-services VPC of network.hub and the "
                                   "platform VPCs (spokes) keep only the gateway endpoints "
                                   "(docs/network.md, \"Hub layout\").")
    extra: list[str] = Field(
        default_factory=list, description="Services added to the default set: names of "
                                          "INTERFACE_ENDPOINT_SERVICES (docs/network.md), e.g. "
                                          "codeartifact.api.")
    remove: list[str] = Field(
        default_factory=list, description="Services dropped from the default set (only names of the default "
                                          "set).")

    @field_validator("extra", "remove")
    @classmethod
    def _known_services(cls, names: list[str]) -> list[str]:
        unknown = [n for n in names if n not in INTERFACE_ENDPOINT_SERVICES]
        if unknown:
            raise ValueError(
                f"unknown endpoint service name(s) {unknown}; use one of "
                f"{sorted(INTERFACE_ENDPOINT_SERVICES)}"
            )
        return names

    @field_validator("remove")
    @classmethod
    def _remove_only_defaults(cls, names: list[str]) -> list[str]:
        not_default = [n for n in names if n not in DEFAULT_INTERFACE_ENDPOINTS]
        if not_default:
            raise ValueError(
                f"remove lists {not_default}, which are not in the default set "
                f"{list(DEFAULT_INTERFACE_ENDPOINTS)}; drop them from 'remove'"
            )
        return names

    def services(self) -> list[str]:
        """The resulting service list, defaults first, without duplicates."""
        names = [n for n in DEFAULT_INTERFACE_ENDPOINTS if n not in self.remove]
        return names + [n for n in dict.fromkeys(self.extra) if n not in names]


class EndpointPolicyConfig(Section):
    """Who may use the VPC endpoints (docs/network.md, "Endpoint policies")."""

    restrict: bool = Field(
        True, description="Endpoint policies on the S3 gateway and the interface endpoints: only this "
                          "account's (or organization's) principals, and for S3 only its buckets.")
    organization_id: str | None = Field(
        None, description="AWS Organizations id (o-...): admit the organization's principals and buckets; "
                          "default: this account only.")
    trusted_accounts: AccountIds = Field(
        default_factory=list, description="12-digit accounts outside the organization whose principals and "
                                          "buckets are admitted.")
    allowed_s3_objects: list[str] = Field(
        default_factory=list, description="AWS-owned S3 object ARN patterns anyone in the VPC may read "
                                          "through the S3 endpoint (e.g. JumpStart's or CodeArtifact's "
                                          "buckets).")

    @field_validator("organization_id")
    @classmethod
    def _org(cls, value: str | None) -> str | None:
        if value is not None and not ORGANIZATION_ID_RE.match(value):
            raise ValueError(f"{value!r} is not an AWS Organizations id; it looks like o-a1b2c3d4e5 "
                             "(aws organizations describe-organization --query Organization.Id)")
        return value

    @field_validator("allowed_s3_objects")
    @classmethod
    def _objects(cls, arns: list[str]) -> list[str]:
        bad = [a for a in arns if not _S3_OBJECT_ARN_RE.match(a)]
        if bad:
            raise ValueError(f"{bad} are not S3 object ARN patterns; use arn:aws:s3:::<bucket>/<key "
                             "pattern>, e.g. arn:aws:s3:::jumpstart-cache-prod-eu-west-1/*")
        return arns


# --------------------------------------------------------------------------------------------------
# Rules of the network section (paths relative to ``network``)


def reserved_overlap_problems(network: Any) -> list[Problem]:
    """The VPC CIDR overlaps none of ``reserved_cidrs``."""
    vpc = ipaddress.IPv4Network(network.cidr, strict=True)
    return [(("cidr",), message) for message in reserved_cidr_problems(vpc, network.reserved_cidrs)]


def hub_mode_problems(network: Any) -> list[Problem]:
    """``mode: hub`` needs ``network.hub``, a ``hub`` is used only in hub mode, and the hub serves
    only services whose private DNS name is known (it hosts a private hosted zone per name)."""
    hub_mode = network.interface_endpoints.mode == "hub"
    if hub_mode and network.hub is None:
        return [(("interface_endpoints", "mode"),
                 "mode: hub needs a network.hub section with at least the hub's account "
                 "(hub: {account: '123456789012', spokes: [...]}); or use mode: per-account")]
    if not hub_mode and network.hub is not None:
        return [(("hub",), "network.hub is set but interface_endpoints.mode is per-account; set "
                           "interface_endpoints: {mode: hub} or remove network.hub")]
    unsupported = unsupported_hub_services(network.interface_endpoints.services()) if hub_mode else []
    if unsupported:
        return [(("interface_endpoints", "extra"),
                 f"the hub layout cannot serve {unsupported}: their private DNS names are not in "
                 "cdk_secure_ml.core.endpoint_hub.PRIVATE_DNS_NAMES; add them there or use "
                 "mode: per-account")]
    return []


def hub_overlap_problems(network: Any) -> list[Problem]:
    """The platform VPC's range does not overlap the hub's (they are joined by the transit gateway)."""
    if network.hub is None:
        return []
    vpc = ipaddress.IPv4Network(network.cidr, strict=True)
    hub = ipaddress.IPv4Network(network.hub.cidr, strict=True)
    if vpc.overlaps(hub):
        return [(("hub", "cidr"), f"the hub CIDR {hub} overlaps network.cidr {vpc}; give the hub its own "
                                  "range (e.g. 10.0.0.0/22)")]
    return []


def zone_choice_problems(network: Any) -> list[Problem]:
    """AZ names or AZ IDs, not both."""
    if network.availability_zone_ids and network.availability_zones:
        return [(("availability_zone_ids",),
                 "give availability_zones (names) or availability_zone_ids (IDs), not both")]
    return []


def subnet_mask_problems(network: Any) -> list[Problem]:
    """``subnet_cidr_mask`` fits the VPC and leaves a subnet per AZ (the check MlNetwork applies)."""
    if network.subnet_cidr_mask is None:
        return []
    vpc = ipaddress.IPv4Network(network.cidr, strict=True)
    return [(("subnet_cidr_mask",), message)
            for message in subnet_cidr_mask_problems(vpc, network.subnet_cidr_mask, network.azs())]


def hub_capacity_problems(network: Any) -> list[Problem]:
    """In the hub layout, the hub VPC's subnets hold an interface endpoint network interface per service."""
    hub = network.hub
    if hub is None or network.interface_endpoints.mode != "hub":
        return []
    demand = SubnetDemand(interface_endpoints=len(network.interface_endpoints.services()))
    zones = len(hub.availability_zones) or 2  # MlEndpointHub's default: 2 AZs
    return [(("hub", "cidr"), message) for _, message in capacity_problems(hub.cidr, zones, demand)]


def subnet_capacity_problems(platform: Any) -> list[Problem]:
    """The platform VPC's subnets hold AWS's reserved addresses, the interface endpoints (none in a spoke
    of the hub layout), the Studio home EFS mount target and the Studio users' apps
    (:mod:`cdk_secure_ml.core.capacity`); reported at ``network.subnet_cidr_mask`` when it is set, else at
    ``network.cidr`` (paths relative to the platform config)."""
    network, studio = platform.network, platform.studio
    endpoints = network.interface_endpoints
    studio_on = studio.enabled
    demand = SubnetDemand(
        interface_endpoints=0 if endpoints.mode == "hub" else len(feature_store_endpoints(platform))
        + len(mlflow_interface_endpoints(platform)),
        home_efs=studio_on,
        studio_users=len(studio.users) if studio_on else 0,
    )
    found = capacity_problems(network.cidr, network.azs(), demand, network.subnet_cidr_mask)
    return [(("network", key), message) for key, message in found]


class NetworkConfig(Section):
    """The isolated VPC (``MlNetwork``): subnets in 2 or more AZs, no internet path, VPC endpoints."""

    cidr: str = Field("10.20.0.0/16", description="A private IPv4 network, /16 to /24, host bits zero.")
    az_count: int = Field(
        2, ge=2, le=6, description="Availability zones for the isolated subnets; more than 2 needs "
        "availability_zones or availability_zone_ids (the stacks are environment-agnostic).")
    availability_zones: list[str] = Field(
        default_factory=list,
        description="Explicit AZ names in region, at least 2, distinct; needed for more than 2 AZs.",
    )
    availability_zone_ids: list[str] = Field(
        default_factory=list,
        description="Explicit AZ IDs (use1-az1, ...) instead of names: the same physical zones in every "
                    "account; checked offline for format, region and count (docs/network.md).",
    )
    subnet_cidr_mask: int | None = Field(
        None, ge=16, le=28, description="Prefix length of each subnet (16-28, within the VPC CIDR); default: "
                                        "the VPC split evenly. Each subnet must hold AWS's 5 reserved "
                                        "addresses, the interface endpoints, the Studio home EFS mount "
                                        "target and 4 addresses per Studio user across the subnets "
                                        "(docs/network.md, \"Subnet capacity\").")
    reserved_cidrs: list[str] = Field(
        default_factory=list,
        description="Ranges used elsewhere (peered VPCs, on-premises) that the VPC must not overlap.",
    )
    interface_endpoints: InterfaceEndpointsConfig = Field(
        default_factory=InterfaceEndpointsConfig, description="Changes to the default interface endpoint "
                                                              "set, and the layout (per-account or hub).")
    dynamodb_gateway_endpoint: bool = Field(False, description="Add a DynamoDB gateway endpoint.")
    endpoint_access_from_vpc_cidr: bool = Field(
        False, description="Let the whole VPC CIDR reach the interface endpoints on 443 (default: only the "
        "workload security groups).")
    s3_prefix_list_id: str | None = Field(
        None, pattern=r"^pl-[0-9a-f]{8,17}$", description="The region's S3 managed prefix list (pl-...), to "
                                                          "narrow workload egress to S3.")
    flow_logs_retention_days: RetentionDays = Field(
        365, description="Retention of the VPC flow logs: a CloudWatch Logs retention period (1, 3, 5, 7, "
                         "14, 30, 60, 90, ... 3653 days).")
    endpoint_policy: EndpointPolicyConfig = Field(
        default_factory=EndpointPolicyConfig, description="Who may use the VPC endpoints (docs/network.md).")

    hub: EndpointHubConfig | None = Field(
        None, description="The shared-services VPC of the hub layout (interface_endpoints.mode: hub; "
                          "docs/network.md).")

    rules = (reserved_overlap_problems, zone_choice_problems, subnet_mask_problems, hub_mode_problems,
             hub_overlap_problems, hub_capacity_problems)

    @field_validator("cidr")
    @classmethod
    def _cidr(cls, cidr: str) -> str:
        problems = vpc_cidr_problems(cidr)
        if problems:
            raise NestedProblems([((), message) for message in problems])
        return cidr

    @field_validator("reserved_cidrs")
    @classmethod
    def _reserved(cls, cidrs: list[str]) -> list[str]:
        bad = []
        for cidr in cidrs:
            try:
                ipaddress.IPv4Network(cidr, strict=False)
            except ValueError:
                bad.append(cidr)
        if bad:
            raise ValueError(f"{bad} are not IPv4 networks (e.g. 10.0.0.0/8)")
        return cidrs

    @field_validator("availability_zones")
    @classmethod
    def _zones(cls, zones: list[str]) -> list[str]:
        if len(set(zones)) != len(zones):
            raise ValueError(f"availability_zones {zones} repeats a zone; list each once")
        if zones and len(zones) < 2:
            raise ValueError(
                f"availability_zones {zones} has fewer than 2 zones; SageMaker hosting needs subnets in at "
                "least 2 AZs"
            )
        return zones

    def azs(self) -> int:
        """How many AZs the VPC spans."""
        return len(self.availability_zone_ids) or len(self.availability_zones) or self.az_count
