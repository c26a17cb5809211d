"""core.capacity: the subnet IP arithmetic behind network.subnet_cidr_mask / network.cidr and MlNetwork."""

from __future__ import annotations

import ipaddress

import pytest

from cdk_secure_ml.core.capacity import (
    RESERVED_IPS_PER_SUBNET,
    STUDIO_IPS_PER_USER,
    SubnetDemand,
    even_split_prefix,
    fitting_subnet_prefix,
    fitting_vpc_prefix,
    subnet_capacity_problems,
)


@pytest.mark.aws_behaviour("ec2.subnet-reserved-addresses")
def test_a_subnet_loses_five_addresses_to_aws():
    # A /28 has 16 addresses and 11 usable: exactly 11 endpoints fit, a 12th does not.
    assert RESERVED_IPS_PER_SUBNET == 5
    assert SubnetDemand(interface_endpoints=11).fits(28, 2)
    assert not SubnetDemand(interface_endpoints=12).fits(28, 2)


@pytest.mark.aws_behaviour("vpc.interface-endpoint-eni-per-subnet", "efs.mount-target-per-az")
def test_endpoints_and_the_mount_target_take_an_address_in_every_subnet():
    demand = SubnetDemand(interface_endpoints=11, home_efs=True)
    assert demand.per_subnet() == 5 + 11 + 1
    # More subnets do not help: every subnet holds its own endpoint interfaces and mount target.
    assert not demand.fits(28, 6)
    assert demand.fits(27, 2)


@pytest.mark.aws_behaviour("sagemaker.studio-ips-per-user")
def test_studio_users_share_the_free_addresses_of_all_subnets():
    assert STUDIO_IPS_PER_USER == 4  # the top of AWS's "2 to 4 per user"
    demand = SubnetDemand(interface_endpoints=11, home_efs=True, studio_users=7)
    # /27: 32 - 17 = 15 free per subnet; 2 subnets hold 30 >= 28 = 7 users x 4, 1 subnet does not.
    assert demand.fits(27, 2)
    assert not demand.fits(27, 1)
    assert not SubnetDemand(interface_endpoints=11, home_efs=True, studio_users=8).fits(27, 2)


@pytest.mark.parametrize(("vpc", "subnets"), [(16, 2), (16, 3), (20, 6), (24, 2), (24, 5)])
def test_even_split_matches_the_subnets_cdk_makes(vpc, subnets):
    # The largest power-of-two block that fits the share, so that `subnets` of them fit the VPC.
    prefix = even_split_prefix(vpc, subnets)
    network = ipaddress.IPv4Network(f"10.0.0.0/{vpc}")
    assert len(list(network.subnets(new_prefix=prefix))) >= subnets
    assert len(list(network.subnets(new_prefix=prefix - 1))) < subnets


def test_fitting_sizes_are_the_smallest_that_hold_the_demand():
    demand = SubnetDemand(interface_endpoints=11, home_efs=True, studio_users=30)
    mask = fitting_subnet_prefix(demand, 2)
    assert mask is not None and demand.fits(mask, 2) and not demand.fits(mask + 1, 2)
    vpc = fitting_vpc_prefix(demand, 2)
    assert vpc is not None and demand.fits(even_split_prefix(vpc, 2), 2)
    assert not demand.fits(even_split_prefix(vpc + 1, 2), 2)
    assert fitting_subnet_prefix(SubnetDemand(studio_users=10**6), 2) is None


def test_a_mask_too_small_names_the_mask_that_fits():
    demand = SubnetDemand(interface_endpoints=11, home_efs=True, studio_users=30)
    assert subnet_capacity_problems("10.20.0.0/24", 2, demand, 27) == [(
        "subnet_cidr_mask",
        "subnet_cidr_mask /27 is too small: each of the 2 subnets has 32 addresses: 5 reserved by AWS, "
        "11 for the interface endpoints, 1 for the home EFS mount target, leaving 15 for Studio apps "
        "(30 in all) where the 30 Studio users need 120 (4 per user, the top of AWS's recommended 2 to 4); "
        "use subnet_cidr_mask /25 (128 addresses per subnet) or shorter",
    )]


def test_a_mask_that_fits_only_a_larger_vpc_says_so():
    demand = SubnetDemand(interface_endpoints=11, home_efs=True, studio_users=100)
    [(key, message)] = subnet_capacity_problems("10.20.0.0/24", 2, demand, 25)
    assert key == "subnet_cidr_mask"
    assert message.endswith("use subnet_cidr_mask /24 (256 addresses per subnet) or shorter, which needs "
                            "a /23 cidr or larger (10.20.0.0/24 is a /24)")


def test_an_even_split_too_small_names_the_cidr_that_fits():
    demand = SubnetDemand(interface_endpoints=11, home_efs=True, studio_users=100)
    [(key, message)] = subnet_capacity_problems("10.20.0.0/24", 2, demand)
    assert key == "cidr"
    assert message.startswith("cidr 10.20.0.0/24 split over 2 AZs gives /25 subnets, too small: "
                              "each of the 2 subnets has 128 addresses")
    assert message.endswith("the 100 Studio users need 400 (4 per user, the top of AWS's recommended "
                            "2 to 4); use a /23 cidr or larger (split into /24 subnets)")


def test_endpoints_alone_that_overflow_a_subnet_are_counted():
    [(_, message)] = subnet_capacity_problems("10.20.0.0/24", 2, SubnetDemand(interface_endpoints=11,
                                                                            home_efs=True), 28)
    assert "5 reserved by AWS, 11 for the interface endpoints, 1 for the home EFS mount target (17, more " \
           "than it has); use subnet_cidr_mask /27" in message


@pytest.mark.parametrize(("cidr", "mask"), [("10.20.0.0/16", None), ("10.20.0.0/20", 24), ("bogus", None),
                                            ("10.20.0.0/24", 12), ("10.20.0.0/24", 24),
                                            ("10.20.0.0/8", None)])
def test_fitting_or_malformed_inputs_give_no_capacity_problem(cidr, mask):
    # Malformed inputs are reported by new_vpc_problems / the config's own checks, once.
    demand = SubnetDemand(interface_endpoints=11, home_efs=True, studio_users=20)
    assert subnet_capacity_problems(cidr, 2, demand, mask) == []
