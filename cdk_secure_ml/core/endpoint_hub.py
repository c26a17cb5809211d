"""Facts and checks of the hub layout: interface endpoints hosted once, in a shared-services VPC.

The centralised pattern (AWS whitepaper "Building a Scalable and Secure Multi-VPC AWS Network
Infrastructure", *Centralized access to VPC private endpoints*,
https://docs.aws.amazon.com/whitepapers/latest/building-scalable-secure-multi-vpc-network-infrastructure/centralized-access-to-vpc-private-endpoints.html):
the hub's interface endpoints are created with private DNS off, because the private hosted zone AWS
manages for an endpoint answers only inside the endpoint's own VPC; instead one Route 53 private
hosted zone per service name holds an alias to the endpoint, and the spokes are given those zones.

How spokes get the zones: a Route 53 Profile holding the zones, shared to the spoke accounts by AWS
RAM, which each spoke associates with its VPC (``AWS::Route53Profiles::ProfileAssociation``;
https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/profiles.html). Plain cross-account zone
association needs a ``CreateVPCAssociationAuthorization`` call by the zone's account for every VPC
(https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/hosted-zone-private-associate-vpcs-different-accounts.html),
which CloudFormation has no resource for, so it would need a custom resource in the hub per spoke.

Nothing here imports aws-cdk-lib: the config and the constructs both call these checks.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

__all__ = [
    "HUB_CIDR_TAG",
    "PRIVATE_DNS_NAMES",
    "WILDCARD_DNS_SERVICES",
    "hub_cidr_problems",
    "hub_zone_name",
    "private_dns_name",
    "unsupported_hub_services",
]

#: The private DNS name of each interface endpoint service a hub can serve, ``{region}`` to fill in:
#: the name the SDKs call, so the name of the private hosted zone that replaces the endpoint's own
#: private DNS. Written from the services' regional endpoint names, not each checked against a page
#: of AWS's documentation: ``aws ec2 describe-vpc-endpoint-services --service-names ... --query
#: 'ServiceDetails[].PrivateDnsName'`` shows the name per region; check it before the first deploy.
PRIVATE_DNS_NAMES: dict[str, str] = {
    "sagemaker.api": "api.sagemaker.{region}.amazonaws.com",
    "sagemaker.runtime": "runtime.sagemaker.{region}.amazonaws.com",
    "notebook": "notebook.{region}.sagemaker.aws",
    "studio": "studio.{region}.sagemaker.aws",
    "sts": "sts.{region}.amazonaws.com",
    "logs": "logs.{region}.amazonaws.com",
    "monitoring": "monitoring.{region}.amazonaws.com",
    "ecr.api": "api.ecr.{region}.amazonaws.com",
    "ecr.dkr": "dkr.ecr.{region}.amazonaws.com",
    "kms": "kms.{region}.amazonaws.com",
    "ssm": "ssm.{region}.amazonaws.com",
    "sagemaker.featurestore-runtime": "featurestore-runtime.sagemaker.{region}.amazonaws.com",
    "sagemaker.metrics": "metrics.sagemaker.{region}.amazonaws.com",
    "secretsmanager": "secretsmanager.{region}.amazonaws.com",
    "events": "events.{region}.amazonaws.com",
    "codeartifact.api": "codeartifact.{region}.amazonaws.com",
    "bedrock-runtime": "bedrock-runtime.{region}.amazonaws.com",
}

#: Services whose clients call a sub-domain of the zone (``<registry>.dkr.ecr...``, a Studio or
#: notebook app's ``<domain>.studio...``): the zone gets a wildcard record beside the apex
#: (https://docs.aws.amazon.com/sagemaker/latest/dg/studio-interface-endpoint.html).
WILDCARD_DNS_SERVICES: frozenset[str] = frozenset({"ecr.dkr", "notebook", "studio"})


def private_dns_name(service: str, region: str) -> str:
    """The private DNS name of ``service`` in ``region``.

    :raises KeyError: for a service outside :data:`PRIVATE_DNS_NAMES`.
    """
    return PRIVATE_DNS_NAMES[service].format(region=region)


#: The tag a spoke's transit gateway attachment carries: the hub VPC's range. SML-NET-17 and the live audit
#: accept a VPC without interface endpoints only when it routes exactly this range to that transit
#: gateway (any other route to a transit gateway, a default route to an egress VPC say, does not count).
HUB_CIDR_TAG = "secure-ml:endpoint-hub-cidr"


def hub_zone_name(service_name: str) -> str | None:
    """The private hosted zone name (with its final dot) that stands in for the private DNS of an endpoint
    to ``service_name`` (``com.amazonaws.<region>.<service>``; ``aws.sagemaker.<region>.<service>`` for
    Studio and notebooks), or None for a name of another form or a service without a known private DNS
    name."""
    parts = service_name.lower().split(".", 3)
    prefixes = (["com", "amazonaws"], ["aws", "sagemaker"])
    if len(parts) != 4 or parts[:2] not in prefixes or parts[3] not in PRIVATE_DNS_NAMES:
        return None
    return private_dns_name(parts[3], parts[2]) + "."


def unsupported_hub_services(services: Sequence[str]) -> list[str]:
    """The services of ``services`` a hub cannot serve (no known private DNS name)."""
    return [s for s in services if s not in PRIVATE_DNS_NAMES]


def hub_cidr_problems(hub_cidr: str, spoke_cidrs: dict[str, str]) -> list[tuple[str, str]]:
    """``(spoke, message)`` for each spoke CIDR that overlaps the hub's or an earlier spoke's.

    Transit Gateway routes by destination CIDR: two attached VPCs with overlapping ranges make one
    of them unreachable. ``spoke_cidrs`` maps a spoke's label (its account, a stage name) to its CIDR;
    the label ``""`` is reported for the hub itself. Malformed CIDRs are left to the CIDR checks.
    """
    problems: list[tuple[str, str]] = []
    try:
        hub = ipaddress.IPv4Network(hub_cidr, strict=False)
    except ValueError:
        return problems
    seen: list[tuple[str, ipaddress.IPv4Network]] = [("the hub", hub)]
    for label, cidr in spoke_cidrs.items():
        try:
            network = ipaddress.IPv4Network(cidr, strict=False)
        except ValueError:
            continue
        for other_label, other in seen:
            if network.overlaps(other):
                problems.append((label, f"spoke CIDR {cidr} overlaps {other_label}'s {other}; give each VPC "
                                        "joined by the transit gateway its own range"))
                break
        seen.append((f"spoke {label}", network))
    return problems
