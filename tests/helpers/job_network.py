"""An imported VPC, subnets and security groups with literal ids: MlPersonas outside the reference app."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aws_cdk import Stack
from aws_cdk import aws_ec2 as ec2


def job_network(
    stack: Stack, subnet_ids: Sequence[str] = ("subnet-1",), security_group_ids: Sequence[str] = ("sg-1",)
) -> dict[str, Any]:
    """``vpc``, ``subnets`` and ``security_groups`` keyword arguments of MlPersonas with these ids."""
    zones = [f"eu-west-1{c}" for c in "abc"[:len(subnet_ids)]]
    vpc = ec2.Vpc.from_vpc_attributes(
        stack, "JobVpc", vpc_id="vpc-1", availability_zones=zones, isolated_subnet_ids=list(subnet_ids)
    )
    groups = [ec2.SecurityGroup.from_security_group_id(stack, f"JobSg{i}", sg)
              for i, sg in enumerate(security_group_ids)]
    return {"vpc": vpc, "subnets": list(vpc.isolated_subnets), "security_groups": groups}
