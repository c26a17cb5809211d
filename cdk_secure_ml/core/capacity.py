"""Subnet IP capacity: do the platform's subnets hold the addresses that AWS places in them?

CDK-free arithmetic, used by the config (``network.subnet_cidr_mask`` / ``network.cidr``, see
:func:`cdk_secure_ml.config.network.subnet_capacity_problems`) and by :class:`MlNetwork` for a new VPC.

What takes addresses in each subnet of the platform VPC, as AWS documents it:

- AWS reserves the first four and the last address of every subnet
  (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSubnet.html);
- an interface endpoint has one endpoint network interface, with one private address, in each subnet it
  is created in (https://docs.aws.amazon.com/vpc/latest/userguide/vpce-interface.html); MlNetwork places
  every interface endpoint in every subnet;
- the Studio domain's home EFS file system has one mount target per Availability Zone, and a mount target
  takes an address of its subnet
  (https://docs.aws.amazon.com/efs/latest/ug/API_CreateMountTarget.html);
- Studio's apps take addresses per user: AWS recommends planning 2 to 4 per user, and counts a domain's
  capacity as the sum of the free addresses of its subnets
  (https://docs.aws.amazon.com/sagemaker/latest/dg/studio-notebooks-and-internet-access.html). The
  platform plans for the top of that range, :data:`STUDIO_IPS_PER_USER`.

Training jobs, processing jobs and endpoints run in the same subnets and take addresses too (per instance);
their number is not known when the config loads, so the check leaves them out: it is the floor below which
the platform cannot work, not a plan for growth (docs/network.md, "Subnet capacity").
"""

from __future__ import annotations

import ipaddress
import math
from dataclasses import dataclass

#: Addresses AWS keeps in every subnet: the first four and the last
#: (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSubnet.html).
RESERVED_IPS_PER_SUBNET = 5
#: Addresses one interface endpoint takes in each subnet it is in: its endpoint network interface
#: (https://docs.aws.amazon.com/vpc/latest/userguide/vpce-interface.html).
IPS_PER_INTERFACE_ENDPOINT = 1
#: Addresses the home EFS file system takes in each subnet (AZ) of the domain: one mount target
#: (https://docs.aws.amazon.com/efs/latest/ug/API_CreateMountTarget.html).
IPS_PER_EFS_MOUNT_TARGET = 1
#: Addresses planned per Studio user: AWS recommends 2 to 4 and the platform takes the top of the range, as
#: an assumption, since the real number depends on how many apps and instance types each user runs
#: (https://docs.aws.amazon.com/sagemaker/latest/dg/studio-notebooks-and-internet-access.html).
STUDIO_IPS_PER_USER = 4

#: Prefix lengths a subnet may have in a VPC: /16 (65,536 addresses) to /28 (16)
#: (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSubnet.html).
SUBNET_PREFIX_RANGE = (16, 28)
_VPC_PREFIX_RANGE = (16, 24)


@dataclass(frozen=True)
class SubnetDemand:
    """What the platform places in its subnets.

    :param interface_endpoints: interface endpoints in every subnet (0 for a spoke of the hub layout).
    :param home_efs: the Studio domain's home EFS, with a mount target in every subnet.
    :param studio_users: Studio user profiles of the domain, whose apps share all the subnets.
    :param ips_per_user: addresses planned per user; default :data:`STUDIO_IPS_PER_USER`.
    """

    interface_endpoints: int = 0
    home_efs: bool = False
    studio_users: int = 0
    ips_per_user: int = STUDIO_IPS_PER_USER

    def per_subnet(self) -> int:
        """Addresses each subnet needs whatever the users: AWS's reserved ones, endpoints, mount target."""
        return (RESERVED_IPS_PER_SUBNET + self.interface_endpoints * IPS_PER_INTERFACE_ENDPOINT
                + (IPS_PER_EFS_MOUNT_TARGET if self.home_efs else 0))

    def studio(self) -> int:
        """Addresses the Studio users need across all the subnets."""
        return self.studio_users * self.ips_per_user

    def fits(self, subnet_prefix: int, subnets: int) -> bool:
        """True when ``subnets`` subnets of prefix ``/subnet_prefix`` hold the demand."""
        free = 2 ** (32 - subnet_prefix) - self.per_subnet()
        return free >= 0 and free * subnets >= self.studio()


def even_split_prefix(vpc_prefix: int, subnets: int) -> int:
    """The prefix length of each subnet when aws-cdk-lib's ``ec2.Vpc`` splits a ``/vpc_prefix`` VPC evenly
    into ``subnets`` subnets (no ``cidr_mask``): the largest power-of-two block that fits the share
    (aws-cdk-lib aws-ec2 ``NetworkBuilder.maskForRemainingSubnets``)."""
    share = 2 ** (32 - vpc_prefix) // subnets
    return 32 - int(math.floor(math.log2(share)))


def fitting_subnet_prefix(demand: SubnetDemand, subnets: int) -> int | None:
    """The longest prefix (smallest subnet) in :data:`SUBNET_PREFIX_RANGE` that holds ``demand`` in
    ``subnets`` subnets; None when even a /16 does not."""
    low, high = SUBNET_PREFIX_RANGE
    return next((p for p in range(high, low - 1, -1) if demand.fits(p, subnets)), None)


def fitting_vpc_prefix(demand: SubnetDemand, subnets: int) -> int | None:
    """The longest VPC prefix (/24 down to /16) whose even split into ``subnets`` subnets holds ``demand``;
    None when even a /16 does not."""
    low, high = _VPC_PREFIX_RANGE
    return next((p for p in range(high, low - 1, -1)
                 if 2 ** (32 - p) >= subnets and demand.fits(even_split_prefix(p, subnets), subnets)), None)


def _usage(size: int, subnets: int, demand: SubnetDemand) -> str:
    """Where each subnet's addresses go, in words."""
    parts = [f"{RESERVED_IPS_PER_SUBNET} reserved by AWS"]
    if demand.interface_endpoints:
        parts.append(f"{demand.interface_endpoints} for the interface endpoints")
    if demand.home_efs:
        parts.append(f"{IPS_PER_EFS_MOUNT_TARGET} for the home EFS mount target")
    text = f"each of the {subnets} subnets has {size} addresses: " + ", ".join(parts)
    free = size - demand.per_subnet()
    if free < 0:
        return text + f" ({demand.per_subnet()}, more than it has)"
    if demand.studio_users:
        text += (f", leaving {free} for Studio apps ({free * subnets} in all) where the "
                 f"{demand.studio_users} Studio users need {demand.studio()} "
                 f"({demand.ips_per_user} per user, the top of AWS's recommended 2 to 4)")
    return text


def subnet_capacity_problems(
    cidr: str, subnets: int, demand: SubnetDemand, subnet_cidr_mask: int | None = None
) -> list[tuple[str, str]]:
    """Whether the subnets of a new VPC ``cidr`` hold ``demand``: ``(key, message)`` pairs, where key is
    ``"subnet_cidr_mask"`` when the mask is given (the subnets' size comes from it) and ``"cidr"`` when CDK
    splits the VPC evenly; each message names the size that fits. Empty when it fits, and when ``cidr``
    or ``subnet_cidr_mask`` are themselves wrong (reported by
    :func:`cdk_secure_ml.core.network.new_vpc_problems`).

    :param cidr: the VPC's IPv4 range, e.g. ``10.20.0.0/16``.
    :param subnets: the number of subnets (one per AZ), at least 1.
    :param demand: what the subnets hold.
    :param subnet_cidr_mask: the prefix length of each subnet; None: aws-cdk-lib's even split.
    """
    try:
        vpc = ipaddress.IPv4Network(cidr, strict=True)
    except ValueError:
        return []
    low, high = _VPC_PREFIX_RANGE
    if subnets < 1 or not low <= vpc.prefixlen <= high:
        return []
    if subnet_cidr_mask is None:
        prefix = even_split_prefix(vpc.prefixlen, subnets)
    elif (vpc.prefixlen <= subnet_cidr_mask <= SUBNET_PREFIX_RANGE[1]
          and 2 ** (subnet_cidr_mask - vpc.prefixlen) >= subnets):
        prefix = subnet_cidr_mask
    else:
        return []
    if demand.fits(prefix, subnets):
        return []
    usage = _usage(2 ** (32 - prefix), subnets, demand)
    if subnet_cidr_mask is None:
        vpc_fit = fitting_vpc_prefix(demand, subnets)
        fix = (f"use a /{vpc_fit} cidr or larger (split into /{even_split_prefix(vpc_fit, subnets)} subnets)"
               if vpc_fit is not None else "no VPC of /16 or larger holds it: plan fewer users per domain")
        return [("cidr", f"cidr {cidr} split over {subnets} AZs gives /{prefix} subnets, too small: {usage}; "
                         f"{fix}")]
    mask_fit = fitting_subnet_prefix(demand, subnets)
    if mask_fit is None:
        return [("subnet_cidr_mask", f"subnet_cidr_mask /{prefix} is too small: {usage}; no subnet of /16 or "
                                     "larger holds it: plan fewer users per domain")]
    fix = f"use subnet_cidr_mask /{mask_fit} ({2 ** (32 - mask_fit)} addresses per subnet) or shorter"
    vpc_needed = mask_fit - math.ceil(math.log2(subnets))
    if vpc_needed < low:
        fix += f"; no VPC (at most /{low}) holds {subnets} of them: plan fewer users per domain"
    elif vpc_needed < vpc.prefixlen:
        fix += f", which needs a /{vpc_needed} cidr or larger ({cidr} is a /{vpc.prefixlen})"
    return [("subnet_cidr_mask", f"subnet_cidr_mask /{prefix} is too small: {usage}; {fix}")]
