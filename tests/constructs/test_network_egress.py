"""Bring-your-own VPC: MlNetwork and SecureEndpoint refuse subnets with a path to the internet (issue 15,
item 4; newcomer report finding 2), and the ``inspected_egress`` opt-in for a NAT behind a firewall."""

from __future__ import annotations

import re

import pytest
from aws_cdk import Environment, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr as ecr
from aws_cdk.assertions import Annotations, Match

from cdk_secure_ml import MlNetwork, ModelSource, SecureBucket, SecureEndpoint
from cdk_secure_ml.constructs.network_routes import egress_routes
from tests.conftest import new_app

ENV = Environment(account="111111111111", region="eu-west-1")
SOURCE = ModelSource.from_image("sha256:" + "a" * 64, "models/churn/model.tar.gz")
TOKEN = re.compile(r"\$\{Token\[")


def _stack(name: str = "S") -> Stack:
    return Stack(new_app(), name, env=ENV)


def _vpc(stack: Stack, *types: ec2.SubnetType, nat_gateways: int | None = None) -> ec2.Vpc:
    return ec2.Vpc(
        stack, "Vpc", max_azs=2, nat_gateways=nat_gateways,
        subnet_configuration=[ec2.SubnetConfiguration(name=t.name.lower(), subnet_type=t) for t in types],
    )


def _imported(stack: Stack, **subnets: list[str]) -> ec2.IVpc:
    tables = {f"{group}_subnet_route_table_ids": [f"rtb-{i}{group[:3]}" for i in range(len(ids))]
              for group, ids in subnets.items()}
    return ec2.Vpc.from_vpc_attributes(
        stack, "Imported", vpc_id="vpc-0123456789abcdef0", availability_zones=["eu-west-1a", "eu-west-1b"],
        **{f"{group}_subnet_ids": ids for group, ids in subnets.items()}, **tables,
    )


# ------------------------------------------------------------------------------ a VPC of the same app


@pytest.mark.aws_behaviour("ec2.cdk-subnet-types")
def test_cdk_default_vpc_is_refused_naming_route_table_route_and_nat():
    stack = _stack()
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2)  # CDK's defaults: public + private-with-egress, IGW, 2 NATs
    with pytest.raises(ValueError) as info:
        MlNetwork(stack, "Network", vpc=vpc, flow_log_key=None)
    text = str(info.value)
    assert "MlNetwork S/Network: the VPC S/Vpc gives the platform's subnets a path to the internet" in text
    assert ("subnet S/Vpc/PrivateSubnet1: route table S/Vpc/PrivateSubnet1/RouteTable, route "
            "S/Vpc/PrivateSubnet1/DefaultRoute (0.0.0.0/0) -> NAT gateway "
            "S/Vpc/PublicSubnet1/NATGateway") in text
    assert "S/Vpc/PrivateSubnet2/DefaultRoute" in text
    assert "subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)] and nat_gateways=0" in text
    assert "inspected_egress" in text
    assert not TOKEN.search(text) and "imported" not in text


def test_a_route_added_to_an_isolated_subnet_is_seen():
    stack = _stack()
    vpc = _vpc(stack, ec2.SubnetType.PUBLIC, ec2.SubnetType.PRIVATE_ISOLATED)
    vpc.isolated_subnets[1].add_default_internet_route(vpc.internet_gateway_id,
                                                       vpc.internet_connectivity_established)
    with pytest.raises(ValueError, match=r"subnet S/Vpc/private_isolatedSubnet2: route table "
                                         r"S/Vpc/private_isolatedSubnet2/RouteTable, route "
                                         r"S/Vpc/private_isolatedSubnet2/DefaultRoute \(0\.0\.0\.0/0\) -> "
                                         r"internet gateway S/Vpc/IGW"):
        MlNetwork(stack, "Network", vpc=vpc)


def test_an_internet_gateway_route_is_refused_even_with_inspected_egress():
    stack = _stack()
    vpc = _vpc(stack, ec2.SubnetType.PUBLIC, ec2.SubnetType.PRIVATE_ISOLATED)
    for subnet in vpc.isolated_subnets:
        subnet.add_default_internet_route(vpc.internet_gateway_id, vpc.internet_connectivity_established)
    with pytest.raises(ValueError, match="refused even with inspected_egress") as info:
        MlNetwork(stack, "Network", vpc=vpc, inspected_egress="AWS Network Firewall egress-fw")
    assert "pass inspected_egress" not in str(info.value)


def test_routes_to_a_firewall_endpoint_and_an_egress_only_gateway_are_seen():
    stack = _stack()
    vpc = _vpc(stack, ec2.SubnetType.PRIVATE_ISOLATED)
    first, second = vpc.isolated_subnets
    ec2.CfnRoute(first, "ToFirewall", route_table_id=first.route_table.route_table_id,
                 destination_cidr_block="0.0.0.0/0", vpc_endpoint_id="vpce-0123456789abcdef0")
    eigw = ec2.CfnEgressOnlyInternetGateway(stack, "Eigw", vpc_id=vpc.vpc_id)
    ec2.CfnRoute(second, "ToEigw", route_table_id=second.route_table.route_table_id,
                 destination_ipv6_cidr_block="::/0", egress_only_internet_gateway_id=eigw.ref)
    # A transit gateway route is not reported: what lies beyond it is not in the app (docs/network.md).
    ec2.CfnRoute(second, "ToTgw", route_table_id=second.route_table.route_table_id,
                 destination_cidr_block="10.0.0.0/8", transit_gateway_id="tgw-0123456789abcdef0")
    found = {(r.route, r.target, r.target_name) for r in egress_routes(vpc, vpc.isolated_subnets)}
    assert found == {
        ("route S/Vpc/private_isolatedSubnet1/ToFirewall (0.0.0.0/0)",
         "VPC endpoint (a firewall or Gateway Load Balancer endpoint)", "vpce-0123456789abcdef0"),
        ("route S/Vpc/private_isolatedSubnet2/ToEigw (::/0)", "egress-only internet gateway", "S/Eigw"),
    }


def test_public_and_isolated_subnets_use_the_isolated_ones_and_warn_only_on_the_default_group():
    stack = _stack()
    vpc = _vpc(stack, ec2.SubnetType.PUBLIC, ec2.SubnetType.PRIVATE_ISOLATED)
    net = MlNetwork(stack, "Network", vpc=vpc)
    assert [s.node.path for s in net.subnets] == ["S/Vpc/private_isolatedSubnet1",
                                                  "S/Vpc/private_isolatedSubnet2"]
    warnings = Annotations.from_stack(stack).find_warning("*", Match.any_value())
    texts = [str(w.entry.data) for w in warnings]
    # cdk.json sets restrictDefaultSecurityGroup, so this ec2.Vpc closes its own default group: no warning.
    assert not [t for t in texts if "default security group" in t]
    assert not [t for t in texts if "imported" in t or TOKEN.search(t)]


# --------------------------------------------------------------------------------- inspected egress


@pytest.mark.aws_behaviour("network-firewall.route-through-endpoints")
def test_inspected_egress_accepts_nat_routes_with_a_warning():
    stack = _stack()
    net = MlNetwork(stack, "Network", vpc=ec2.Vpc(stack, "Vpc", max_azs=2),
                    inspected_egress="AWS Network Firewall egress-fw")
    assert [s.node.path for s in net.subnets] == ["S/Vpc/PrivateSubnet1", "S/Vpc/PrivateSubnet2"]
    Annotations.from_stack(stack).has_warning(
        "/S/Network",
        Match.string_like_regexp(
            r"reach the internet through AWS Network Firewall egress-fw \(inspected_egress\): subnet "
            r"S/Vpc/PrivateSubnet1: .* -> NAT gateway S/Vpc/PublicSubnet1/NATGateway"
        ),
    )


@pytest.mark.parametrize(
    ("use_vpc", "value", "message"),
    [
        (True, " ", r"inspected_egress=' ' is empty; name the firewall"),
        (False, "fw", r"inspected_egress='fw' applies to a VPC you bring"),
    ],
)
def test_inspected_egress_needs_a_name_and_a_given_vpc(use_vpc, value, message):
    stack = _stack()
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2) if use_vpc else None
    with pytest.raises(ValueError, match=message):
        MlNetwork(stack, "Network", vpc=vpc, inspected_egress=value)


# -------------------------------------------------------------------------------- an imported VPC


@pytest.mark.aws_behaviour("ec2.cdk-subnet-types")
def test_imported_private_with_egress_subnets_are_refused_with_the_fix():
    stack = _stack()
    vpc = _imported(stack, private=["subnet-a", "subnet-b"], public=["subnet-c", "subnet-d"])
    with pytest.raises(ValueError) as info:
        MlNetwork(stack, "Network", vpc=vpc)
    text = str(info.value)
    assert ("subnet subnet-a: route table rtb-0pri, subnet group PRIVATE_WITH_EGRESS (a route to a NAT "
            "gateway) -> NAT gateway") in text
    assert "import only subnets without such routes, as isolated_subnet_ids" in text
    assert not TOKEN.search(text)


def test_imported_private_with_egress_subnets_pass_with_inspected_egress():
    stack = _stack()
    vpc = _imported(stack, private=["subnet-a", "subnet-b"])
    net = MlNetwork(stack, "Network", vpc=vpc, inspected_egress="the inspection VPC's Network Firewall")
    assert net.subnet_ids == ["subnet-a", "subnet-b"]
    Annotations.from_stack(stack).has_warning("/S/Network", Match.string_like_regexp("inspection VPC"))


def test_imported_isolated_subnets_pass_and_the_default_group_warning_names_the_vpc():
    stack = _stack()
    net = MlNetwork(stack, "Network", vpc=_imported(stack, isolated=["subnet-a", "subnet-b"],
                                                   public=["subnet-c", "subnet-d"]))
    assert net.subnet_ids == ["subnet-a", "subnet-b"]
    Annotations.from_stack(stack).has_warning(
        "/S/Network",
        Match.string_like_regexp("default security group of the VPC S/Imported, which it did not"),
    )


def test_imported_subnets_warn_that_their_routes_were_not_read():
    stack = _stack()
    MlNetwork(stack, "Network", vpc=_imported(stack, isolated=["subnet-a", "subnet-b"]))
    Annotations.from_stack(stack).has_warning(
        "/S/Network", Match.string_like_regexp("routes of the VPC S/Imported are not in this app.*secure-ml "
                                               "audit")
    )


def _isolated_with_route(stack: Stack, **target: str) -> ec2.Vpc:
    vpc = _vpc(stack, ec2.SubnetType.PRIVATE_ISOLATED)
    for index, subnet in enumerate(vpc.isolated_subnets):
        ec2.CfnRoute(subnet, "Out", route_table_id=subnet.route_table.route_table_id,
                     **{k: v.format(index=index) for k, v in target.items()})
    return vpc


@pytest.mark.parametrize("target", [
    {"destination_cidr_block": "0.0.0.0/0", "transit_gateway_id": "tgw-0123456789abcdef0"},
    {"destination_cidr_block": "0.0.0.0/1", "transit_gateway_id": "tgw-0123456789abcdef0"},
    {"destination_ipv6_cidr_block": "::/0", "vpc_peering_connection_id": "pcx-0123456789abcdef0"},
    {"destination_cidr_block": "0.0.0.0/0", "core_network_arn": "arn:aws:networkmanager::1:core-network/x"},
])
def test_a_default_route_to_another_network_is_centralized_egress(target):
    """AWS's centralized-egress pattern sends 0.0.0.0/0 to a transit gateway and out through another VPC's
    NAT gateways: egress all the same, accepted only with inspected_egress."""
    stack = _stack()
    vpc = _isolated_with_route(stack, **target)
    with pytest.raises(ValueError, match=r"-> default route to another network \(centralized egress\)"):
        MlNetwork(stack, "Network", vpc=vpc)
    other = _stack("T")
    vpc = _isolated_with_route(other, **target)
    MlNetwork(other, "Network", vpc=vpc, inspected_egress="central-egress-fw")
    Annotations.from_stack(other).has_warning("/T/Network", Match.string_like_regexp("central-egress-fw"))


def test_a_specific_range_behind_a_transit_gateway_is_not_egress():
    stack = _stack()
    vpc = _isolated_with_route(stack, destination_cidr_block="10.60.0.0/16", transit_gateway_id="tgw-0123")
    assert egress_routes(vpc, vpc.isolated_subnets) == []
    MlNetwork(stack, "Network", vpc=vpc)


def test_a_carrier_gateway_route_is_refused_even_with_inspected_egress():
    stack = _stack()
    vpc = _isolated_with_route(stack, destination_cidr_block="0.0.0.0/0", carrier_gateway_id="cagw-0123")
    with pytest.raises(ValueError, match=r"-> carrier gateway cagw-0123.*refused even with "
                                         r"inspected_egress"):
        MlNetwork(stack, "Network", vpc=vpc, inspected_egress="fw")


def test_a_public_only_vpc_names_it_by_path_not_by_token():
    stack = _stack()
    with pytest.raises(ValueError,
                       match=r"the VPC S/Vpc needs at least 2 private subnets .*found: none") as info:
        MlNetwork(stack, "Network", vpc=_vpc(stack, ec2.SubnetType.PUBLIC))
    assert not TOKEN.search(str(info.value))


# ------------------------------------------------------------------------------- SecureEndpoint


def _endpoint(stack: Stack, **placement) -> SecureEndpoint:
    return SecureEndpoint(
        stack, "Ep", endpoint_name="churn", model_source=SOURCE,
        repository=ecr.Repository.from_repository_name(stack, "Repo", "churn"),
        artifacts_bucket=SecureBucket(stack, "Artifacts").bucket, **placement,
    )


@pytest.mark.aws_behaviour("ec2.cdk-subnet-types")
def test_secure_endpoint_refuses_public_subnets_of_an_app_vpc():
    stack = _stack()
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2)
    with pytest.raises(ValueError, match=r"SecureEndpoint churn: subnets \['S/Vpc/PublicSubnet1', "
                                         r"'S/Vpc/PublicSubnet2'\] are public "
                                         r".*subnets=vpc\.isolated_subnets"):
        _endpoint(stack, vpc=vpc, subnets=vpc.public_subnets)


def test_secure_endpoint_refuses_public_subnets_of_an_imported_vpc():
    stack = _stack()
    vpc = _imported(stack, isolated=["subnet-a", "subnet-b"], public=["subnet-c", "subnet-d"])
    with pytest.raises(ValueError, match=r"subnets \['subnet-c', 'subnet-d'\] are public"):
        _endpoint(stack, vpc=vpc, subnets=vpc.select_subnets(subnet_type=ec2.SubnetType.PUBLIC).subnets)


def test_secure_endpoint_accepts_isolated_subnets():
    stack = _stack()
    vpc = _imported(stack, isolated=["subnet-a", "subnet-b"], public=["subnet-c", "subnet-d"])
    endpoint = _endpoint(stack, vpc=vpc, subnets=vpc.isolated_subnets)
    assert [s.subnet_id for s in endpoint.subnets] == ["subnet-a", "subnet-b"]


def test_a_route_to_a_private_nat_gateway_is_not_egress():
    """A private NAT gateway reaches other networks, never the internet; a public one is refused."""
    stack = _stack()
    vpc = _vpc(stack, ec2.SubnetType.PRIVATE_ISOLATED)
    first, second = vpc.isolated_subnets
    private = ec2.CfnNatGateway(stack, "PrivateNat", subnet_id=first.subnet_id, connectivity_type="private")
    ec2.CfnRoute(first, "ToOnPremises", route_table_id=first.route_table.route_table_id,
                 destination_cidr_block="0.0.0.0/0", nat_gateway_id=private.ref)
    assert egress_routes(vpc, vpc.isolated_subnets) == []
    public = ec2.CfnNatGateway(stack, "PublicNat", subnet_id=second.subnet_id, allocation_id="eipalloc-1")
    ec2.CfnRoute(second, "ToInternet", route_table_id=second.route_table.route_table_id,
                 destination_cidr_block="0.0.0.0/0", nat_gateway_id=public.ref)
    assert [(r.target, r.target_name) for r in egress_routes(vpc, vpc.isolated_subnets)] == [
        ("NAT gateway", "S/PublicNat")]
