"""The hub layout's resources (docs/network.md, "Hub layout") for the emulator.

- ``AWS::EC2::TransitGatewayAttachment``: moto has the API but no CloudFormation model; this adapter
  calls moto's EC2 backend, which refuses an unknown transit gateway as EC2 does, and joins the
  gateway's default route tables as its options say (:mod:`.transit_gateway`).
- ``Fn::GetAtt <endpoint>.DnsEntries`` (:func:`install`): moto's VPC endpoint model answers no
  attribute; the hub's alias records read the endpoint's regional DNS name from it.
- ``AWS::Route53Profiles::Profile``, ``ProfileResourceAssociation``, ``ProfileAssociation`` and
  ``AWS::RAM::ResourceShare``: labelled stand-ins (moto 5.2.5 has no Route 53 Profiles, and no
  CloudFormation model of RAM shares). They keep what they record in :data:`PROFILES` and
  :data:`SHARES`, process-wide like AWS's ids, so a test can read which zones a Profile holds, which
  accounts it is shared with and which VPCs use it. Deleting a Profile still associated with a VPC is
  refused, as Route 53 does.
"""

from __future__ import annotations

from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.ec2.models import ec2_backends
from moto.ec2.models.vpcs import VPCEndPoint
from moto.moto_api._internal import mock_random

from ._base import AdapterMixin, adapter, stand_in
from .refusals import refuse
from .transit_gateway import join_default_route_tables

#: Profile id → {"Arn", "Name", "Account", "Region", "Zones": set of zone ARNs, "Vpcs": set of VPC ids}.
PROFILES: dict[str, dict[str, Any]] = {}
#: Share ARN → {"Name", "Principals": [accounts], "ResourceArns": [ARNs]}.
SHARES: dict[str, dict[str, Any]] = {}


def install() -> None:
    """Give moto's VPC endpoint model the attributes CloudFormation returns: ``Id`` and ``DnsEntries``,
    a list of ``<hosted zone id>:<DNS name>`` strings (the regional name first)."""
    from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

    def get_cfn_attribute(self: VPCEndPoint, attribute_name: str) -> Any:
        if attribute_name == "Id":
            return self.id
        if attribute_name == "DnsEntries":
            return [f"{e['hosted_zone_id']}:{e['dns_name']}" for e in self.dns_entries or []]
        raise UnformattedGetAttTemplateException()

    VPCEndPoint.get_cfn_attribute = get_cfn_attribute  # type: ignore[method-assign]
    VPCEndPoint.has_cfn_attr = classmethod(  # type: ignore[method-assign,assignment]
        lambda cls, attribute_name: attribute_name in ("Id", "DnsEntries"))


def _id(prefix: str) -> str:
    return f"{prefix}{mock_random.get_random_hex(17)}"


@adapter
class TransitGatewayAttachment(AdapterMixin, CloudFormationModel):
    """A VPC attachment through moto's EC2 backend; Ref is the attachment id."""

    def __init__(self, attachment_id: str) -> None:
        self.physical_id = attachment_id
        self.Id = attachment_id

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::EC2::TransitGatewayAttachment"

    @classmethod
    def attributes(cls) -> tuple[str, ...]:
        return ("Id",)

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str,
        **kwargs: Any,
    ) -> TransitGatewayAttachment:
        props = cloudformation_json["Properties"]
        backend = ec2_backends[account_id][region_name]
        attachment = backend.create_transit_gateway_vpc_attachment(
            transit_gateway_id=props["TransitGatewayId"], vpc_id=props["VpcId"],
            subnet_ids=props["SubnetIds"],
            tags={t["Key"]: t["Value"] for t in props.get("Tags") or []},
        )
        join_default_route_tables(backend, attachment.id)
        return cls(attachment.id)

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        ec2_backends[account_id][region_name].delete_transit_gateway_vpc_attachment(resource_name)


@stand_in
class Route53Profile(AdapterMixin, CloudFormationModel):
    """Stand-in: a Route 53 Profile (``rp-...``), with its ``Id`` and ``Arn``."""

    def __init__(self, profile_id: str, arn: str) -> None:
        self.physical_id = profile_id
        self.Id, self.Arn = profile_id, arn

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::Route53Profiles::Profile"

    @classmethod
    def attributes(cls) -> tuple[str, ...]:
        return ("Id", "Arn")

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str,
        **kwargs: Any,
    ) -> Route53Profile:
        profile_id = _id("rp-")
        arn = f"arn:aws:route53profiles:{region_name}:{account_id}:profile/{profile_id}"
        PROFILES[profile_id] = {"Arn": arn, "Name": cloudformation_json["Properties"]["Name"],
                                "Account": account_id, "Region": region_name, "Zones": set(), "Vpcs": set()}
        return cls(profile_id, arn)

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        vpcs = (PROFILES.get(resource_name) or {}).get("Vpcs")
        if vpcs:
            refuse("route53.profile-delete-needs-no-vpc-associations",
                   f"Profile {resource_name} is associated with {sorted(vpcs)}; disassociate it from every "
                   "VPC first (delete the spokes' stacks before the hub's)", code="ResourceInUseException")
        PROFILES.pop(resource_name, None)


class _ProfileLink(AdapterMixin):
    """What the two association stand-ins share: a profile id and one recorded item."""

    key = ""  # "Zones" or "Vpcs"
    prop = ""  # the property naming the item

    def __init__(self, link_id: str) -> None:
        self.physical_id = link_id
        self.Id = link_id

    @classmethod
    def attributes(cls) -> tuple[str, ...]:
        return ("Id",)

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str,
        **kwargs: Any,
    ) -> Any:
        props = cloudformation_json["Properties"]
        profile = PROFILES.get(props["ProfileId"])
        if profile is not None:  # a Profile of an account outside this emulator is taken on trust
            profile[cls.key].add(props[cls.prop])
        return cls(f"{props['ProfileId']}|{props[cls.prop]}")

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        profile_id, _, item = resource_name.partition("|")
        if profile_id in PROFILES:
            PROFILES[profile_id][cls.key].discard(item)


@stand_in
class ProfileResourceAssociation(_ProfileLink, CloudFormationModel):
    """Stand-in: a private hosted zone (by ARN) added to a Profile."""

    key, prop = "Zones", "ResourceArn"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::Route53Profiles::ProfileResourceAssociation"


@stand_in
class ProfileAssociation(_ProfileLink, CloudFormationModel):
    """Stand-in: a Profile associated with a VPC."""

    key, prop = "Vpcs", "ResourceId"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::Route53Profiles::ProfileAssociation"


@stand_in
class ResourceShare(AdapterMixin, CloudFormationModel):
    """Stand-in: an AWS RAM share; Ref and ``Arn`` are its ARN."""

    def __init__(self, arn: str) -> None:
        self.physical_id = self.Arn = arn

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::RAM::ResourceShare"

    @classmethod
    def attributes(cls) -> tuple[str, ...]:
        return ("Arn",)

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str,
        **kwargs: Any,
    ) -> ResourceShare:
        props = cloudformation_json["Properties"]
        arn = f"arn:aws:ram:{region_name}:{account_id}:resource-share/{mock_random.uuid4()}"
        SHARES[arn] = {"Name": props["Name"], "Principals": list(props.get("Principals") or []),
                       "ResourceArns": list(props.get("ResourceArns") or [])}
        return cls(arn)

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        SHARES.pop(resource_name, None)
