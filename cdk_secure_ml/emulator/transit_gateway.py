"""The hub's transit gateway routing domains (docs/network.md, "Hub layout") for the emulator.

moto 5.2.5 has transit gateway route tables in its EC2 API but no CloudFormation model of them, and its
attachments always join moto's own default route table. These adapters drive moto's EC2 backend:

- ``AWS::EC2::TransitGatewayRouteTable``, ``...RouteTableAssociation``, ``...RouteTablePropagation``;
  an association is refused when the attachment already has one (an attachment is associated with one
  route table, https://docs.aws.amazon.com/vpc/latest/tgw/tgw-transit-gateways.html).
- ``Custom::AWS`` (aws-cdk-lib's AwsCustomResource) for the one call the library makes through it,
  EC2 ``modifyTransitGateway``; any other call is refused, so a new use cannot pass unseen.
- ``AWS::EC2::TransitGateway``: moto's model, whose deletion is refused while attachments remain
  (https://docs.aws.amazon.com/vpc/latest/tgw/delete-tgw.html).
- :func:`join_default_route_tables`: what an attachment gets from the gateway's options (default
  association and propagation, or none), called by the attachment adapter of :mod:`.endpoint_hub`.
- :func:`routes_of`: a route table's routes, static ones and those its propagating attachments bring
  (the attached VPC's range), as DescribeTransitGatewayRouteTables/SearchTransitGatewayRoutes would list.
"""

from __future__ import annotations

import json
from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.ec2.models import ec2_backends
from moto.ec2.models.transit_gateway import TransitGateway

from ._base import AdapterMixin, adapter
from .refusals import refuse


def _backend(account_id: str, region_name: str) -> Any:
    return ec2_backends[account_id][region_name]


def join_default_route_tables(backend: Any, attachment_id: str) -> None:
    """Replace moto's association of a new attachment with its own default route table by what the
    gateway's options say: the default association and propagation tables when enabled, else none."""
    attachment = backend.transit_gateway_attachments[attachment_id]
    options = backend.transit_gateways[attachment.transit_gateway_id].options
    moto_table = attachment.transit_gateway_route_table
    if moto_table is not None:
        moto_table.route_table_associations.pop(attachment_id, None)
        attachment.transit_gateway_route_table = None
        backend.unset_attachment_association(attachment_id)
    if options.get("DefaultRouteTableAssociation") == "enable":
        table_id = options["AssociationDefaultRouteTableId"]
        backend.associate_transit_gateway_route_table(attachment_id, table_id)
        attachment.transit_gateway_route_table = backend.transit_gateways_route_tables[table_id]
    if options.get("DefaultRouteTablePropagation") == "enable":
        backend.enable_transit_gateway_route_table_propagation(
            attachment_id, options["PropagationDefaultRouteTableId"])


def routes_of(account_id: str, region_name: str, table_id: str) -> set[str]:
    """The destination ranges of ``table_id``: its static routes and the ranges of the VPCs whose
    attachments propagate into it."""
    backend = _backend(account_id, region_name)
    table = backend.transit_gateways_route_tables[table_id]
    ranges = set(table.routes)
    for propagation in table.route_table_propagation:
        vpc = backend.get_vpc(propagation.resourceId)
        ranges.add(vpc.cidr_block)
    return ranges


def associated_attachments(account_id: str, region_name: str, table_id: str) -> set[str]:
    """The attachments associated with ``table_id``."""
    table = _backend(account_id, region_name).transit_gateways_route_tables[table_id]
    return set(table.route_table_associations)


@adapter
class TransitGatewayRouteTable(AdapterMixin, CloudFormationModel):
    """A route table of a transit gateway; Ref is its id."""

    def __init__(self, table_id: str) -> None:
        self.physical_id = self.TransitGatewayRouteTableId = table_id

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::EC2::TransitGatewayRouteTable"

    @classmethod
    def attributes(cls) -> tuple[str, ...]:
        return ("TransitGatewayRouteTableId",)

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str,
        **kwargs: Any,
    ) -> TransitGatewayRouteTable:
        props = cloudformation_json["Properties"]
        tags = {t["Key"]: t["Value"] for t in props.get("Tags") or []}
        table = _backend(account_id, region_name).create_transit_gateway_route_table(
            transit_gateway_id=props["TransitGatewayId"], tags=tags)
        return cls(table.id)

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        backend = _backend(account_id, region_name)
        for gateway in backend.transit_gateways.values():
            options = gateway.options
            defaults = {options.get("AssociationDefaultRouteTableId")
                        if options.get("DefaultRouteTableAssociation") == "enable" else None,
                        options.get("PropagationDefaultRouteTableId")
                        if options.get("DefaultRouteTablePropagation") == "enable" else None}
            if resource_name in defaults:
                refuse("ec2.transit-gateway-default-route-table-not-deletable",
                       f"Transit gateway route table {resource_name} is a default table of {gateway.id}; "
                       "turn the gateway's default association and propagation off first")
        backend.delete_transit_gateway_route_table(resource_name)


class _TableLink(AdapterMixin):
    """What association and propagation share: an attachment and a route table."""

    def __init__(self, attachment_id: str, table_id: str) -> None:
        self.physical_id = f"{table_id}|{attachment_id}"
        self.attachment_id, self.table_id = attachment_id, table_id

    @classmethod
    def attributes(cls) -> tuple[str, ...]:
        return ()

    @classmethod
    def link(cls, backend: Any, attachment_id: str, table_id: str) -> None:
        raise NotImplementedError

    @classmethod
    def unlink(cls, backend: Any, attachment_id: str, table_id: str) -> None:
        raise NotImplementedError

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str,
        **kwargs: Any,
    ) -> Any:
        props = cloudformation_json["Properties"]
        attachment_id, table_id = props["TransitGatewayAttachmentId"], props["TransitGatewayRouteTableId"]
        cls.link(_backend(account_id, region_name), attachment_id, table_id)
        return cls(attachment_id, table_id)

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        table_id, _, attachment_id = resource_name.partition("|")
        cls.unlink(_backend(account_id, region_name), attachment_id, table_id)


@adapter
class TransitGatewayRouteTableAssociation(_TableLink, CloudFormationModel):
    """An attachment associated with a route table (one per attachment)."""

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::EC2::TransitGatewayRouteTableAssociation"

    @classmethod
    def link(cls, backend: Any, attachment_id: str, table_id: str) -> None:
        current = backend.transit_gateway_associations.get(attachment_id)
        if current is not None:
            refuse("ec2.transit-gateway-attachment-one-route-table",
                   f"Transit gateway attachment {attachment_id} is already associated with route table "
                   f"{current.transit_gateway_route_table_id}", code="Resource.AlreadyAssociated")
        backend.associate_transit_gateway_route_table(attachment_id, table_id)

    @classmethod
    def unlink(cls, backend: Any, attachment_id: str, table_id: str) -> None:
        if attachment_id in backend.transit_gateway_associations:
            backend.disassociate_transit_gateway_route_table(attachment_id, table_id)


@adapter
class TransitGatewayRouteTablePropagation(_TableLink, CloudFormationModel):
    """An attachment propagating its VPC's range into a route table."""

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::EC2::TransitGatewayRouteTablePropagation"

    @classmethod
    def link(cls, backend: Any, attachment_id: str, table_id: str) -> None:
        backend.enable_transit_gateway_route_table_propagation(attachment_id, table_id)

    @classmethod
    def unlink(cls, backend: Any, attachment_id: str, table_id: str) -> None:
        backend.disable_route_table_propagation(attachment_id, table_id)


#: The AwsCustomResource calls the emulator performs: (service, action).
SDK_CALLS = {("EC2", "modifyTransitGateway")}
#: More AwsCustomResource calls, registered by other emulator modules (e.g. :mod:`.bedrock`):
#: (service, action) -> handler(account_id, region_name, parameters).
SDK_HANDLERS: dict[tuple[str, str], Any] = {}


@adapter
class AwsSdkCall(AdapterMixin, CloudFormationModel):
    """aws-cdk-lib's AwsCustomResource (``Custom::AWS``): its create/update call, made on moto's backend."""

    def __init__(self, physical_id: str) -> None:
        self.physical_id = physical_id

    @staticmethod
    def cloudformation_type() -> str:
        return "Custom::AWS"

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str,
        **kwargs: Any,
    ) -> AwsSdkCall:
        call = json.loads(cloudformation_json["Properties"]["Create"])
        handler = SDK_HANDLERS.get((call.get("service"), call.get("action")))
        if handler is not None:
            handler(account_id, region_name, call.get("parameters") or {})
            return cls(str((call.get("physicalResourceId") or {}).get("id") or resource_name))
        if (call.get("service"), call.get("action")) not in SDK_CALLS:
            raise ValueError(f"Custom::AWS: the emulator performs only {sorted(SDK_CALLS)}, not "
                             f"{call.get('service')} {call.get('action')}; add it to "
                             "cdk_secure_ml.emulator.transit_gateway.SDK_CALLS")
        parameters = call.get("parameters") or {}
        _backend(account_id, region_name).modify_transit_gateway(
            parameters["TransitGatewayId"], parameters.get("Description"), parameters.get("Options") or {})
        return cls(str((call.get("physicalResourceId") or {}).get("id") or resource_name))

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        """The resource's ``Delete`` call, if it has one (the same one call the emulator performs)."""
        if "Delete" not in cloudformation_json.get("Properties", {}):
            return
        call = json.loads(cloudformation_json["Properties"]["Delete"])
        parameters = call.get("parameters") or {}
        handler = SDK_HANDLERS.get((call.get("service"), call.get("action")))
        if handler is not None:
            handler(account_id, region_name, parameters)
            return
        _backend(account_id, region_name).modify_transit_gateway(
            parameters["TransitGatewayId"], parameters.get("Description"), parameters.get("Options") or {})


def install() -> None:
    """moto's transit gateway model refuses its deletion while attachments remain, as EC2 does."""
    original = TransitGateway.delete_from_cloudformation_json

    def delete(cls: type, resource_name: str, cloudformation_json: Any, account_id: str,
               region_name: str) -> None:
        backend = _backend(account_id, region_name)
        remaining = [a.id for a in backend.transit_gateway_attachments.values()
                     if a.transit_gateway_id == resource_name and a.state != "deleted"]
        if remaining:
            refuse("ec2.transit-gateway-delete-needs-no-attachments",
                   f"Transit gateway {resource_name} has attachments {sorted(remaining)}; delete them first",
                   code="IncorrectState")
        backend.delete_transit_gateway(resource_name)

    if getattr(original, "_secure_ml", False):
        return
    delete._secure_ml = True  # type: ignore[attr-defined]
    TransitGateway.delete_from_cloudformation_json = classmethod(delete)  # type: ignore[assignment,method-assign]
