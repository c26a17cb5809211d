"""The live audit on the hub layout (docs/network.md, "Hub layout"), against moto: a hub's endpoints with
private DNS off and a zone per service, a spoke that reaches the hub over a transit gateway."""

from __future__ import annotations

import pytest

from .conftest import REGION
from .test_audit import domain, findings, ml_vpc, network


@pytest.mark.aws_behaviour("vpc.endpoint-private-dns-own-vpc-only")
def test_hub_endpoints_with_a_zone_per_service_pass_and_without_fail(aws):
    _, vpc, _, _, _ = ml_vpc(aws, private_dns=False)
    route53 = aws.client("route53")
    for name in ("api.sagemaker", "runtime.sagemaker"):
        route53.create_hosted_zone(Name=f"{name}.{REGION}.amazonaws.com", CallerReference=name,
                                   VPC={"VPCRegion": REGION, "VPCId": vpc},
                                   HostedZoneConfig={"PrivateZone": True, "Comment": "hub"})
    failing = [m for ms in findings(aws, "SML-NET-14").values() for m in ms]
    # 11 endpoints with private DNS off; the two with a zone on the VPC pass
    assert failing == ["PrivateDnsEnabled is false"] * 9
    flagged = " ".join(findings(aws, "SML-NET-14"))
    assert "sagemaker.api" not in flagged and "sagemaker.runtime" not in flagged and "sts" in flagged


def spoke(session, *, to_hub: bool):
    ec2, vpc, subnets, group = network(session)
    table = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"][0][
        "RouteTableId"]
    ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=f"com.amazonaws.{REGION}.s3", VpcEndpointType="Gateway",
                            RouteTableIds=[table])
    if to_hub:
        tgw = ec2.create_transit_gateway(Description="hub")["TransitGateway"]["TransitGatewayId"]
        ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=vpc, SubnetIds=subnets)
        ec2.create_route(RouteTableId=table, DestinationCidrBlock="10.100.0.0/22", TransitGatewayId=tgw)
    domain(session, subnets, group)  # SageMaker in the VPC: the audit checks its network
    return vpc


def test_spoke_that_reaches_a_hub_passes(aws):
    vpc = spoke(aws, to_hub=True)
    assert vpc not in findings(aws, "SML-NET-17")


def test_spoke_that_reaches_nothing_fails(aws):
    vpc = spoke(aws, to_hub=False)
    assert "no VPC endpoint for sagemaker.api" in findings(aws, "SML-NET-17")[vpc][0]
