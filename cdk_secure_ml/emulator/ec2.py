"""Custom::VpcRestrictDefaultSG, the custom resource aws-cdk-lib adds to every ec2.Vpc (feature flag
``@aws-cdk/aws-ec2:restrictDefaultSecurityGroup``), AWS::EC2::SecurityGroupEgress, and subnets placed
by AZ ID.

In AWS a Lambda function revokes every ingress and egress rule of the VPC's default security group.
moto can run Lambda functions only in docker, so this adapter performs the same effect through
moto's EC2 backend (and restores the default rules on delete, as the handler does).

Subnets (:func:`install`): moto's AWS::EC2::Subnet model reads ``AvailabilityZone`` only and puts a
subnet without one in us-east-1a, whatever the region; ``MlNetwork(availability_zone_ids=...)``
gives ``AvailabilityZoneId``. The patched model places the subnet in that zone, and both the API
and the template path refuse an AZ ID of another region, as AWS does.
"""

from __future__ import annotations

import inspect
from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.ec2.models import ec2_backends

from ._base import AdapterMixin, adapter
from .refusals import refuse


def _revoke_all(account_id: str, region_name: str, group_id: str) -> int:
    backend = ec2_backends[account_id][region_name]
    group = backend.get_security_group_from_id(group_id)
    if group is None:
        raise ValueError(f"Custom::VpcRestrictDefaultSG: security group {group_id} does not exist")
    ingress = [rule.id for rule in group.ingress_rules]
    egress = [rule.id for rule in group.egress_rules]
    if ingress:
        backend.revoke_security_group_ingress(group_id, "", "", "", [], security_rule_ids=ingress)
    if egress:
        backend.revoke_security_group_egress(group_id, "", "", "", [], security_rule_ids=egress)
    return len(ingress) + len(egress)


@adapter
class RestrictDefaultSecurityGroup(AdapterMixin, CloudFormationModel):
    def __init__(self, group_id: str, revoked: int) -> None:
        self.group_id = group_id
        self.revoked = revoked
        self.physical_id = group_id

    @staticmethod
    def cloudformation_type() -> str:
        return "Custom::VpcRestrictDefaultSG"

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> RestrictDefaultSecurityGroup:
        group_id = cloudformation_json["Properties"]["DefaultSecurityGroupId"]
        return cls(group_id, _revoke_all(account_id, region_name, group_id))

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        # The handler re-adds the default rules (ingress from the group itself, egress anywhere).
        backend = ec2_backends[account_id][region_name]
        group = backend.get_security_group_from_id(resource_name)
        if group is None:
            return
        backend.authorize_security_group_ingress(
            resource_name, "-1", None, None, [], source_groups=[{"GroupId": resource_name}]
        )
        backend.authorize_security_group_egress(resource_name, "-1", None, None, [{"CidrIp": "0.0.0.0/0"}])


@adapter
class SecurityGroupEgress(AdapterMixin, CloudFormationModel):
    """AWS::EC2::SecurityGroupEgress (moto 5.2 has the ingress model only)."""

    def __init__(self, group_id: str, rule_ids: list[str]) -> None:
        self.group_id = group_id
        self.rule_ids = rule_ids
        self.physical_id = rule_ids[0] if rule_ids else group_id

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::EC2::SecurityGroupEgress"

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> SecurityGroupEgress:
        props = cloudformation_json["Properties"]
        backend = ec2_backends[account_id][region_name]
        ip_ranges = []
        if props.get("CidrIp"):
            ip_ranges.append({"CidrIp": props["CidrIp"], "Description": props.get("Description")})
        if props.get("CidrIpv6"):
            ip_ranges.append({"CidrIpv6": props["CidrIpv6"], "Description": props.get("Description")})
        groups = (
            [{"GroupId": props["DestinationSecurityGroupId"]}]
            if props.get("DestinationSecurityGroupId")
            else []
        )
        prefix_lists = (
            [{"PrefixListId": props["DestinationPrefixListId"]}]
            if props.get("DestinationPrefixListId")
            else []
        )
        if not (ip_ranges or groups or prefix_lists):
            raise ValueError(
                "AWS::EC2::SecurityGroupEgress needs CidrIp, CidrIpv6, "
                "DestinationSecurityGroupId or DestinationPrefixListId"
            )
        rules, _ = backend.authorize_security_group_egress(
            props["GroupId"],
            str(props["IpProtocol"]),
            props.get("FromPort"),
            props.get("ToPort"),
            ip_ranges,
            source_groups=groups,
            prefix_list_ids=prefix_lists,
        )
        return cls(props["GroupId"], [rule.id for rule in rules])

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[misc]
        cls,
        original_resource: SecurityGroupEgress,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> SecurityGroupEgress:
        original_resource.delete(account_id, region_name)
        return cls.create_from_cloudformation_json(
            new_resource_name, cloudformation_json, account_id, region_name
        )

    def delete(self, account_id: str, region_name: str) -> None:
        backend = ec2_backends[account_id][region_name]
        group = backend.get_security_group_from_id(self.group_id)
        existing = {rule.id for rule in group.egress_rules} if group else set()
        rule_ids = [r for r in self.rule_ids if r in existing]
        if rule_ids:
            backend.revoke_security_group_egress(self.group_id, "", "", "", [], security_rule_ids=rule_ids)


def _zone_of(region_name: str, zone_id: str) -> str:
    """The AZ name of ``zone_id`` in ``region_name``; refuses an AZ ID of another region."""
    from moto.ec2.models.availability_zones_and_regions import RegionsAndZonesBackend

    zones = RegionsAndZonesBackend.zones.get(region_name, [])
    for zone in zones:
        if zone.zone_id == zone_id:
            return zone.name
    refuse(
        "ec2.az-id-belongs-to-its-region",
        f"Value ({zone_id}) for parameter availabilityZoneId is invalid. Subnets can currently only be "
        f"created in the following availability zone IDs: {', '.join(z.zone_id for z in zones)}",
        code="InvalidParameterValue",
    )


def install() -> None:
    """Subnets by AZ ID, through the API and through CloudFormation. Idempotent."""
    from moto.ec2.models.subnets import Subnet, SubnetBackend

    if getattr(SubnetBackend.create_subnet, "_secure_ml", False):
        return
    create_subnet = SubnetBackend.create_subnet
    signature = inspect.signature(create_subnet)

    def create_subnet_in_region(self: Any, *args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(self, *args, **kwargs)
        zone_id = bound.arguments.get("availability_zone_id")
        if zone_id and not bound.arguments.get("availability_zone"):
            bound.arguments["availability_zone"] = _zone_of(self.region_name, zone_id)
            bound.arguments["availability_zone_id"] = None
        subnet = create_subnet(*bound.args, **bound.kwargs)
        # moto makes the first subnet of each zone a default subnet that maps public IPs, in any VPC; in AWS
        # only the default VPC's subnets are (ec2.subnet-public-ip-only-default-vpc).
        vpc = self.vpcs.get(subnet.vpc_id)
        if vpc is not None and not vpc.is_default:
            subnet.default_for_az = False
            subnet.map_public_ip_on_launch = False
        return subnet

    create_subnet_in_region._secure_ml = True  # type: ignore[attr-defined]
    SubnetBackend.create_subnet = create_subnet_in_region  # type: ignore[method-assign]

    from_template = Subnet.create_from_cloudformation_json.__func__  # type: ignore[attr-defined]

    def create_from_cloudformation_json(
        cls: Any,
        resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Any:
        properties = cloudformation_json.get("Properties") or {}
        zone_id = properties.get("AvailabilityZoneId")
        if zone_id and not properties.get("AvailabilityZone"):
            properties = {**properties, "AvailabilityZone": _zone_of(region_name, zone_id)}
            cloudformation_json = {**cloudformation_json, "Properties": properties}
        subnet = from_template(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        if "MapPublicIpOnLaunch" in properties:  # moto's model ignores the property
            subnet.map_public_ip_on_launch = str(properties["MapPublicIpOnLaunch"]).lower() == "true"
        return subnet

    Subnet.create_from_cloudformation_json = classmethod(create_from_cloudformation_json)  # type: ignore[method-assign]
