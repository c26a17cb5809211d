"""The live audit on the hub layout (docs/network.md, "Hub layout"), against moto: a hub's endpoints with
private DNS off and a zone per service, a spoke that reaches the hub over a transit gateway."""

from __future__ import annotations

import pytest

from cdk_secure_ml.core.endpoint_hub import HUB_CIDR_TAG
from cdk_secure_ml.policies.live import NOT_VERIFIED, run_audit

from .conftest import REGION
from .test_audit import domain, findings, ml_vpc, network


def _hub_zone(session, vpc, service, name, alias_to):
    """A private zone ``<name>.<region>.amazonaws.com`` on ``vpc`` whose apex aliases ``alias_to``
    (an endpoint's DNS name), or has no record when None."""
    route53 = session.client("route53")
    zone_name = f"{name}.{REGION}.amazonaws.com"
    zone = route53.create_hosted_zone(Name=zone_name, CallerReference=name,
                                      VPC={"VPCRegion": REGION, "VPCId": vpc},
                                      HostedZoneConfig={"PrivateZone": True, "Comment": "hub"})["HostedZone"]
    if alias_to:
        route53.change_resource_record_sets(HostedZoneId=zone["Id"], ChangeBatch={"Changes": [{
            "Action": "CREATE", "ResourceRecordSet": {
                "Name": zone_name, "Type": "A",
                "AliasTarget": {"HostedZoneId": "Z7HUB", "DNSName": alias_to,
                                "EvaluateTargetHealth": False}}}]})


def _dns_name(session, vpc, service):
    ec2 = session.client("ec2")
    (endpoint,) = [e for e in ec2.describe_vpc_endpoints()["VpcEndpoints"]
                   if e["VpcId"] == vpc and e["ServiceName"].endswith("." + service)]
    return endpoint["DnsEntries"][0]["DnsName"]


@pytest.mark.aws_behaviour("vpc.endpoint-private-dns-own-vpc-only")
def test_hub_endpoints_pass_only_when_their_zone_apex_aliases_them(aws):
    _, vpc, _, _, _ = ml_vpc(aws, private_dns=False)
    _hub_zone(aws, vpc, "sagemaker.api", "api.sagemaker", _dns_name(aws, vpc, "sagemaker.api"))
    _hub_zone(aws, vpc, "sagemaker.runtime", "runtime.sagemaker", "elsewhere.example.com")
    _hub_zone(aws, vpc, "sts", "sts", None)
    found = findings(aws, "SML-NET-14")
    failing = [m for ms in found.values() for m in ms]
    # 11 endpoints with private DNS off; the one whose zone's apex aliases it passes
    assert len(failing) == 10
    assert not [r for r in found if "sagemaker.api" in r]
    by_service = {r.split("(")[1].rstrip(")").rsplit(".", 1)[-1]: ms for r, ms in found.items()}
    assert by_service["runtime"] == [f"the private hosted zone runtime.sagemaker.{REGION}.amazonaws.com. "
                                     "has no apex A record aliasing this endpoint"]
    assert by_service["sts"][0].startswith("the private hosted zone sts.")
    assert by_service["kms"] == ["PrivateDnsEnabled is false"]


def spoke(session, *, to_hub: bool, tagged: bool = True, destination: str = "10.100.0.0/22"):
    ec2, vpc, subnets, group = network(session)
    table = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"][0][
        "RouteTableId"]
    ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=f"com.amazonaws.{REGION}.s3", VpcEndpointType="Gateway",
                            RouteTableIds=[table])
    if to_hub:
        tgw = ec2.create_transit_gateway(Description="hub")["TransitGateway"]["TransitGatewayId"]
        attachment = ec2.create_transit_gateway_vpc_attachment(
            TransitGatewayId=tgw, VpcId=vpc, SubnetIds=subnets)["TransitGatewayVpcAttachment"]
        if tagged:  # moto 5.2.5 ignores TagSpecifications on this call; CreateTags sets the same tag
            ec2.create_tags(Resources=[attachment["TransitGatewayAttachmentId"]],
                            Tags=[{"Key": HUB_CIDR_TAG, "Value": "10.100.0.0/22"}])
        ec2.create_route(RouteTableId=table, DestinationCidrBlock=destination, TransitGatewayId=tgw)
    domain(session, subnets, group)  # SageMaker in the VPC: the audit checks its network
    return vpc


def test_spoke_that_routes_to_the_hub_range_is_not_verified_without_route53_profiles(aws):
    """moto has no Route 53 Profiles: the Profile check is "not verified", and SML-NET-17 neither passes
    nor fails the spoke."""
    vpc = spoke(aws, to_hub=True)
    assert vpc not in findings(aws, "SML-NET-17")
    messages = [f.message for f in run_audit(aws, REGION).findings if f.rule == NOT_VERIFIED]
    assert any("route53profiles:list_profile_associations" in m for m in messages), messages


@pytest.mark.parametrize("case", [{"to_hub": False}, {"to_hub": True, "tagged": False},
                                  {"to_hub": True, "destination": "0.0.0.0/0"}])
def test_spoke_without_a_route_to_the_hub_range_fails(aws, case):
    vpc = spoke(aws, **case)
    assert "no VPC endpoint for sagemaker.api" in findings(aws, "SML-NET-17")[vpc][0]
