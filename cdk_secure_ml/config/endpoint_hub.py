"""``network.hub``: the shared-services VPC that hosts the interface endpoints in the hub layout
(``network.interface_endpoints.mode: hub``; docs/network.md, "Hub layout")."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from cdk_secure_ml.config._section import NestedProblems, Problem, Section
from cdk_secure_ml.config._types import AccountId, Region
from cdk_secure_ml.core.endpoint_hub import hub_cidr_problems
from cdk_secure_ml.core.network import vpc_cidr_problems

__all__ = ["EndpointHubConfig", "HubSpokeConfig"]


def _cidr(cidr: str) -> str:
    problems = vpc_cidr_problems(cidr)
    if problems:
        raise NestedProblems([((), message) for message in problems])
    return cidr


class HubSpokeConfig(Section):
    """One account whose VPC (a spoke) uses the hub's interface endpoints."""

    account: AccountId = Field(description="The spoke's 12-digit account id: the transit gateway and the "
                                           "Route 53 Profile are shared with it, and the hub's endpoint "
                                           "policies admit its principals.")
    cidr: str = Field(description="The spoke VPC's IPv4 range (private, /16 to /24); must overlap neither "
                                  "the hub's nor another spoke's. With a delivery section, the stage in this "
                                  "account gets this range as its network.cidr.")

    @field_validator("cidr")
    @classmethod
    def _check_cidr(cls, cidr: str) -> str:
        return _cidr(cidr)


def spoke_overlap_problems(hub: Any) -> list[Problem]:
    """No two of the hub's and the spokes' ranges overlap, and each account is one spoke."""
    by_label = {str(index): spoke.cidr for index, spoke in enumerate(hub.spokes)}
    problems: list[Problem] = [(("spokes", int(label), "cidr"), message)
                               for label, message in hub_cidr_problems(hub.cidr, by_label)]
    seen: dict[str, int] = {}
    for index, spoke in enumerate(hub.spokes):
        if spoke.account in seen:
            problems.append((("spokes", index, "account"),
                             f"account {spoke.account} is already spoke {seen[spoke.account]}; an account's "
                             "platform VPC is one spoke: list it once"))
        elif spoke.account == hub.account:
            problems.append((("spokes", index, "account"),
                             f"account {spoke.account} is the hub account; the hub VPC reaches its own "
                             "endpoints, so it is not a spoke: remove it from spokes"))
        seen.setdefault(spoke.account, index)
    return problems


class EndpointHubConfig(Section):
    """The shared-services (hub) VPC of the hub layout, in a network or tooling account."""

    account: AccountId = Field(description="The 12-digit account of the hub VPC (a network or tooling "
                                           "account); its stack is <name>-EndpointHub.")
    region: Region | None = Field(None, description="The hub's region; default the platform's. Interface "
                                                    "endpoints serve their own region only, so spokes "
                                                    "must be in it.")
    cidr: str = Field("10.0.0.0/22", description="The hub VPC's IPv4 range (private, /16 to /24): it holds "
                                                 "only the endpoints' network interfaces.")
    availability_zones: list[str] = Field(
        default_factory=list, description="The hub's AZ names; default <region>a and <region>b. Spoke "
                                          "traffic crosses AZs when a spoke's zones differ from these.")
    connectivity: Literal["transit-gateway"] = Field(
        "transit-gateway", description="How spokes reach the hub: a transit gateway in the hub account, "
                                       "shared with the spoke accounts by AWS RAM.")
    transit_gateway_id: str | None = Field(
        None, pattern=r"^tgw-[0-9a-f]{8,17}$",
        description="The hub stack's TransitGatewayId output (tgw-...), for the spokes' attachments: "
                    "deploy the hub first. Without it spokes are built without an attachment (a synth "
                    "warning says so).")
    route53_profile_id: str | None = Field(
        None, pattern=r"^rp-[0-9a-z]{8,32}$",
        description="The hub stack's Route53ProfileId output (rp-...), which each spoke associates with its "
                    "VPC to resolve the endpoints' names. Without it spokes cannot resolve them (a synth "
                    "warning says so).")
    spokes: list[HubSpokeConfig] = Field(
        default_factory=list, description="The accounts and VPC ranges that use the hub's endpoints: every "
                                          "delivery stage's account (or, without delivery, the platform's "
                                          "own account with network.cidr).")

    rules = (spoke_overlap_problems,)

    @field_validator("cidr")
    @classmethod
    def _check_cidr(cls, cidr: str) -> str:
        return _cidr(cidr)

    def zones(self, platform_region: str) -> list[str]:
        """The hub's AZ names."""
        region = self.region or platform_region
        return list(self.availability_zones) or [f"{region}a", f"{region}b"]

    def spoke_for(self, account: str) -> HubSpokeConfig | None:
        """The spoke of ``account``, if listed."""
        return next((s for s in self.spokes if s.account == account), None)
