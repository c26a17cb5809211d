"""EC2 types that moto 5.2 creates from CloudFormation but never deletes: route tables, their subnet
associations, VPC endpoints and flow logs.

Without a delete, a stack delete leaves them behind and the VPC's deletion then fails with
DependencyViolation, so ``cdk destroy`` of any network stack failed in the emulator where CloudFormation
succeeds (it deletes every resource of the stack, dependents first:
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cfn-console-delete-stack.html).
:func:`install` gives each of moto's models the ``delete(account_id, region_name)`` that
CloudFormation's delete calls.
"""

from __future__ import annotations

from typing import Any

from moto.ec2.models import ec2_backends
from moto.ec2.models.flow_logs import FlowLogs
from moto.ec2.models.route_tables import RouteTable
from moto.ec2.models.subnets import SubnetRouteTableAssociation
from moto.ec2.models.vpcs import VPCEndPoint


def _delete_association(self: SubnetRouteTableAssociation, account_id: str, region_name: str) -> None:
    backend = ec2_backends[account_id][region_name]
    table = backend.route_tables.get(self.route_table_id)
    if table is None:
        return
    for association_id, subnet_id in list(table._associations.items()):
        if subnet_id == self.subnet_id:
            backend.disassociate_route_table(association_id)


def _delete_route_table(self: RouteTable, account_id: str, region_name: str) -> None:
    backend = ec2_backends[account_id][region_name]
    if self.id in backend.route_tables:
        backend.delete_route_table(self.id)


def _delete_endpoint(self: VPCEndPoint, account_id: str, region_name: str) -> None:
    ec2_backends[account_id][region_name].delete_vpc_endpoints([self.id])


def _delete_flow_log(self: FlowLogs, account_id: str, region_name: str) -> None:
    backend = ec2_backends[account_id][region_name]
    if self.id in backend.flow_logs:
        backend.delete_flow_logs([self.id])


def install() -> None:
    """Give moto's models their CloudFormation delete (idempotent)."""
    patches: dict[type, Any] = {
        SubnetRouteTableAssociation: _delete_association,
        RouteTable: _delete_route_table,
        VPCEndPoint: _delete_endpoint,
        FlowLogs: _delete_flow_log,
    }
    for model, delete in patches.items():
        model.delete = delete
