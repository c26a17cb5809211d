"""Subnet addresses: a network interface takes a private address of its subnet, and a full subnet refuses one.

moto creates network interfaces (an interface endpoint's, an EFS mount target's) with a random address and
never counts them, so an interface endpoint in a /28 that already holds eleven interfaces succeeds. In AWS
the subnet keeps five addresses (``ec2.subnet-reserved-addresses``), each interface endpoint puts one
network interface with an address of the subnet in each of its subnets
(``vpc.interface-endpoint-eni-per-subnet``), and a subnet with no free address refuses the interface with
``InsufficientFreeAddressesInSubnet`` (EC2's error codes:
https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html).

:func:`install` patches moto's ``create_network_interface`` to count the addresses the subnet's interfaces
already hold (primary and secondary) and refuse the one that does not fit. The config refuses subnets too
small for the platform (``config.network``); this catches a network built by hand around the library.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from .refusals import refuse

#: Addresses AWS keeps in every subnet: the first four and the last (``ec2.subnet-reserved-addresses``).
RESERVED_PER_SUBNET = 5


def _addresses_held(eni: Any) -> int:
    """The IPv4 addresses one network interface holds: its primary and its secondary addresses."""
    return max(1, len(getattr(eni, "private_ip_addresses", None) or []))


def free_addresses(backend: Any, subnet: Any) -> int:
    """The IPv4 addresses of ``subnet`` no network interface holds and AWS does not keep."""
    size = ipaddress.ip_network(subnet.cidr_block, strict=False).num_addresses
    held = sum(_addresses_held(eni) for eni in backend.enis.values()
               if getattr(eni.subnet, "id", eni.subnet) == subnet.id)
    return size - RESERVED_PER_SUBNET - held


def install() -> None:
    """Count subnet addresses on every new network interface. Idempotent."""
    from moto.ec2.models.elastic_network_interfaces import NetworkInterfaceBackend

    if getattr(NetworkInterfaceBackend.create_network_interface, "_secure_ml", False):
        return
    create = NetworkInterfaceBackend.create_network_interface

    def create_network_interface(self: Any, subnet: Any, *args: Any, **kwargs: Any) -> Any:
        resolved = self.get_subnet(subnet) if isinstance(subnet, str) else subnet
        if free_addresses(self, resolved) < 1:
            refuse("ec2.subnet-reserved-addresses", (
                f"subnet {resolved.id} ({resolved.cidr_block}) has no free IPv4 address for another network "
                f"interface: AWS keeps {RESERVED_PER_SUBNET} addresses of every subnet and each interface "
                "endpoint, mount target or workload interface takes one; use a larger subnet"),
                code="InsufficientFreeAddressesInSubnet")
        return create(self, subnet, *args, **kwargs)

    create_network_interface._secure_ml = True  # type: ignore[attr-defined]
    NetworkInterfaceBackend.create_network_interface = create_network_interface  # type: ignore[method-assign]
