"""A full subnet refuses another network interface, as AWS does (emulator/subnet_addresses.py)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError


def _vpc_with_subnet(ec2, cidr: str) -> str:
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    return ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]


@pytest.mark.aws_behaviour("ec2.subnet-reserved-addresses")
@pytest.mark.aws_behaviour("vpc.interface-endpoint-eni-per-subnet")
def test_a_28_holds_eleven_interface_endpoints_and_refuses_the_twelfth(aws):
    ec2 = aws("ec2")
    subnet = _vpc_with_subnet(ec2, "10.9.0.0/28")
    vpc = ec2.describe_subnets(SubnetIds=[subnet])["Subnets"][0]["VpcId"]
    for i in range(11):  # 16 addresses, 5 kept by AWS
        ec2.create_vpc_endpoint(VpcId=vpc, VpcEndpointType="Interface", SubnetIds=[subnet],
                                ServiceName=f"com.amazonaws.us-east-1.service{i}")
    full = r"InsufficientFreeAddressesInSubnet.*10\.9\.0\.0/28.*larger subnet"
    with pytest.raises(ClientError, match=full):
        ec2.create_vpc_endpoint(VpcId=vpc, VpcEndpointType="Interface", SubnetIds=[subnet],
                                ServiceName="com.amazonaws.us-east-1.sagemaker.api")


def test_secondary_addresses_count_and_a_freed_address_is_free_again(aws):
    ec2 = aws("ec2")
    subnet = _vpc_with_subnet(ec2, "10.9.1.0/28")
    big = ec2.create_network_interface(SubnetId=subnet, SecondaryPrivateIpAddressCount=9)
    ec2.create_network_interface(SubnetId=subnet)  # 10 + 1 = 11: full
    with pytest.raises(ClientError, match="InsufficientFreeAddressesInSubnet"):
        ec2.create_network_interface(SubnetId=subnet)
    ec2.delete_network_interface(NetworkInterfaceId=big["NetworkInterface"]["NetworkInterfaceId"])
    ec2.create_network_interface(SubnetId=subnet)
