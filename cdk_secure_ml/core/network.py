"""Network facts: the interface endpoint services, AZ IDs and VPC CIDR rules of the platform network.

CDK-free (the config validators use them without loading aws-cdk-lib); :class:`MlNetwork` builds on them.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence

from cdk_secure_ml.core.capacity import SubnetDemand, subnet_capacity_problems
from cdk_secure_ml.core.problems import is_unresolved

#: Interface endpoints a VpcOnly SageMaker Studio domain needs (docs/network.md).
#: Missing sts or logs makes Studio kernels hang.
DEFAULT_INTERFACE_ENDPOINTS: tuple[str, ...] = (
    "sagemaker.api",
    "sagemaker.runtime",
    "notebook",
    "studio",
    "sts",
    "logs",
    "monitoring",
    "ecr.api",
    "ecr.dkr",
    "kms",
    "ssm",
)

#: Service names accepted in configs and ``extra_interface_endpoints`` → the aws-cdk-lib
#: ``InterfaceVpcEndpointAwsService`` constant. Names are AWS's own endpoint suffixes
#: (``com.amazonaws.<region>.<name>``; ``notebook``/``studio``/``experiments`` are
#: ``aws.sagemaker.<region>.<name>``).
INTERFACE_ENDPOINT_SERVICES: dict[str, str] = {
    "sagemaker.api": "SAGEMAKER_API",
    "sagemaker.runtime": "SAGEMAKER_RUNTIME",
    "notebook": "SAGEMAKER_NOTEBOOK",
    "studio": "SAGEMAKER_STUDIO",
    # aws.sagemaker.<region>.experiments: the MLflow API of managed MLflow (core/mlflow.py)
    "experiments": "SAGEMAKER_EXPERIMENTS",
    "sagemaker.featurestore-runtime": "SAGEMAKER_FEATURESTORE_RUNTIME",
    "sagemaker.metrics": "SAGEMAKER_METRICS",
    "sts": "STS",
    "logs": "CLOUDWATCH_LOGS",
    "monitoring": "CLOUDWATCH_MONITORING",
    "events": "EVENTBRIDGE",
    "ecr.api": "ECR",
    "ecr.dkr": "ECR_DOCKER",
    "kms": "KMS",
    "ssm": "SSM",
    "ssmmessages": "SSM_MESSAGES",
    "secretsmanager": "SECRETS_MANAGER",
    "codeartifact.api": "CODEARTIFACT_API",
    "codeartifact.repositories": "CODEARTIFACT_REPOSITORIES",
    "servicecatalog": "SERVICE_CATALOG",
    "codecommit": "CODECOMMIT",
    "git-codecommit": "CODECOMMIT_GIT",
    "codebuild": "CODEBUILD",
    "codepipeline": "CODEPIPELINE",
    "elasticfilesystem": "ELASTIC_FILESYSTEM",
    "glue": "GLUE",
    "athena": "ATHENA",
    "ec2": "EC2",
    "sns": "SNS",
    "sqs": "SQS",
    "states": "STEP_FUNCTIONS",
    "lambda": "LAMBDA",
    "application-autoscaling": "APPLICATION_AUTOSCALING",
    "bedrock-runtime": "BEDROCK_RUNTIME",
}

#: Interface endpoint services whose endpoint policy MlNetwork restricts to the organization or the
#: account (the "identity perimeter"), each with the page of AWS's documentation that describes its
#: endpoint policies. An endpoint without a policy keeps the default one, which allows full access
#: through the endpoint: anyone in the VPC could use foreign credentials there (review finding S1;
#: https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html). Services that are
#: not listed keep the default policy on purpose: not every service supports endpoint policies, and
#: CreateVpcEndpoint refuses a non-default policy for a service that "only supports the full-access
#: endpoint policy" (https://github.com/awslabs/landing-zone-accelerator-on-aws/issues/936).
#: ``notebook`` and ``studio`` (the browser path to apps) keep it too: their traffic is authorized by
#: the presigned URL that CreatePresignedDomainUrl / CreatePresignedNotebookInstanceUrl return, and
#: those calls go through ``sagemaker.api``, which is restricted
#: (https://docs.aws.amazon.com/sagemaker/latest/dg/studio-interface-endpoint.html).
ENDPOINT_POLICY_SERVICES: dict[str, str] = {
    "sagemaker.api": "https://docs.aws.amazon.com/sagemaker/latest/dg/interface-vpc-endpoint.html",
    "sagemaker.runtime": "https://docs.aws.amazon.com/sagemaker/latest/dg/interface-vpc-endpoint.html",
    "experiments": "https://docs.aws.amazon.com/sagemaker/latest/dg/mlflow-private-link-policy.html",
    "sts": "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sts_vpc_endpoint_policies.html",
    "logs": "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch-logs-and-interface-VPC.html",
    "monitoring": "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-interface-VPC.html",
    "ecr.api": "https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html",
    "ecr.dkr": "https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html",
    "kms": "https://docs.aws.amazon.com/kms/latest/developerguide/security-iam.html",
    "ssm": "https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html",
}

#: The AWS-owned bucket that holds Amazon ECR image layers: a pull through the VPC downloads the
#: layers from it with a URL ECR presigns, so the S3 gateway endpoint must allow s3:GetObject there
#: whoever the caller is (https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html#ecr-minimum-s3-perms).
ECR_LAYER_BUCKET = "prod-{region}-starport-layer-bucket"

#: An AZ ID: the same physical zone in every account, unlike AZ names, which older regions map to
#: zones per account (https://docs.aws.amazon.com/global-infrastructure/latest/regions/az-ids.html).
AZ_ID_RE = re.compile(r"^[a-z]+\d+-az\d+$")
_AZ_ID_DIRECTIONS = {"east": "e", "west": "w", "north": "n", "south": "s", "central": "c",
                     "northeast": "ne", "northwest": "nw", "southeast": "se", "southwest": "sw"}


_VPC_PREFIX_RANGE = (16, 24)


def az_id_prefix(region: str) -> str | None:
    """The AZ ID prefix of ``region`` (``us-east-1`` -> ``use1``, ``ap-southeast-2`` -> ``apse2``),
    None for a region whose code does not follow <area>-<direction>-<n> (e.g. GovCloud)."""
    parts = region.split("-")
    if len(parts) != 3 or parts[1] not in _AZ_ID_DIRECTIONS or not parts[2].isdigit():
        return None
    return parts[0] + _AZ_ID_DIRECTIONS[parts[1]] + parts[2]


def az_id_problems(ids: Sequence[str], region: str | None) -> list[str]:
    """What is wrong with ``ids`` as the AZ IDs of a VPC in ``region`` (offline checks only: the
    format, the region's prefix, distinct, at least 2)."""
    problems = []
    bad = [i for i in ids if not AZ_ID_RE.match(i)]
    if bad:
        problems.append(f"availability_zone_ids {bad} are not AZ IDs (e.g. use1-az1; aws ec2 "
                        "describe-availability-zones --query 'AvailabilityZones[].[ZoneName,ZoneId]' lists "
                        "them)")
    prefix = az_id_prefix(region) if region and not is_unresolved(region) else None
    foreign = [i for i in ids if AZ_ID_RE.match(i) and prefix and not i.startswith(prefix + "-az")]
    if foreign:
        problems.append(f"availability_zone_ids {foreign} are not in region {region} (its AZ IDs are "
                        f"{prefix}-az1, {prefix}-az2, ...)")
    if len(set(ids)) != len(ids):
        problems.append(f"availability_zone_ids {list(ids)} repeat a zone; list each once")
    elif len(ids) < 2:
        problems.append(f"availability_zone_ids {list(ids)} name fewer than 2 zones; SageMaker hosting needs "
                        "2 AZs")
    return problems


def vpc_cidr_problems(cidr: str) -> list[str]:
    """What is wrong with ``cidr`` as a VPC CIDR (a private IPv4 network between /16 and /24), one
    message per problem, each naming the value and the fix; empty when it is fine."""
    try:
        network = ipaddress.IPv4Network(cidr, strict=True)
    except ValueError as exc:
        hint = ""
        try:
            hint = f"; did you mean {ipaddress.IPv4Network(cidr, strict=False)}?"
        except ValueError:
            hint = "; use a private range such as 10.20.0.0/16"
        return [f"VPC CIDR {cidr!r} is not a valid IPv4 network ({exc}){hint}"]
    problems = []
    low, high = _VPC_PREFIX_RANGE
    if not low <= network.prefixlen <= high:
        problems.append(
            f"VPC CIDR {cidr} has prefix /{network.prefixlen}; use /{low} to /{high} "
            "(room for a subnet per AZ and the interface endpoints)"
        )
    shared = ipaddress.IPv4Network("100.64.0.0/10")
    if not (network.is_private or network.subnet_of(shared)):
        problems.append(f"VPC CIDR {cidr} is not a private range; use RFC 1918 space such as 10.20.0.0/16")
    return problems


def validate_vpc_cidr(cidr: str, *, reserved_cidrs: Sequence[str] = ()) -> ipaddress.IPv4Network:
    """Check a VPC CIDR: a private IPv4 network between /16 and /24 that overlaps none of ``reserved_cidrs``.

    Raises ``ValueError`` naming the value and the fix; all problems are reported together.
    """
    problems = vpc_cidr_problems(cidr)
    try:
        network = ipaddress.IPv4Network(cidr, strict=True)
    except ValueError:
        raise ValueError(problems[0]) from None
    problems += reserved_cidr_problems(network, reserved_cidrs)
    if problems:
        raise ValueError("; ".join(problems))
    return network


def reserved_cidr_problems(network: ipaddress.IPv4Network, reserved_cidrs: Sequence[str]) -> list[str]:
    """One problem per entry of ``reserved_cidrs`` that is not a network or that ``network`` overlaps."""
    problems = []
    for other in reserved_cidrs:
        try:
            reserved = ipaddress.IPv4Network(other, strict=False)
        except ValueError:
            problems.append(f"reserved CIDR {other!r} is not a valid IPv4 network")
            continue
        if network.overlaps(reserved):
            problems.append(
                f"VPC CIDR {network} overlaps {other}, which is reserved (peered VPC or on-premises); "
                "pick a range outside it"
            )
    return problems


#: The smallest subnet MlNetwork creates (a /28 has 11 usable addresses in a VPC).
MAX_SUBNET_PREFIX = 28


def subnet_cidr_mask_problems(network: ipaddress.IPv4Network, mask: int, azs: int) -> list[str]:
    """What is wrong with ``mask`` as the prefix length of each subnet of ``network`` spread over ``azs``
    zones: it must fit the VPC (``/<vpc prefix>`` to ``/28``) and leave room for a subnet per zone."""
    if not network.prefixlen <= mask <= MAX_SUBNET_PREFIX:
        return [f"subnet_cidr_mask /{mask} does not fit VPC {network}; use /{network.prefixlen} to "
                f"/{MAX_SUBNET_PREFIX}"]
    if 2 ** (mask - network.prefixlen) < azs:
        return [f"subnet_cidr_mask /{mask} leaves room for fewer than {azs} subnets in {network}; use a "
                "longer mask"]
    return []


def new_vpc_problems(
    cidr: str,
    *,
    max_azs: int,
    availability_zones: Sequence[str] | None = None,
    subnet_cidr_mask: int | None = None,
    reserved_cidrs: Sequence[str] = (),
    interface_endpoints: int = 0,
) -> list[str]:
    """What is wrong with the shape of a new platform VPC (empty when nothing is).

    :param cidr: the VPC's IPv4 CIDR (see :func:`validate_vpc_cidr`).
    :param max_azs: how many AZs to use when ``availability_zones`` is None; SageMaker hosting needs 2.
    :param availability_zones: the AZ names to use, if given.
    :param subnet_cidr_mask: the prefix length of each subnet (default: CDK splits the VPC evenly); see
        :func:`subnet_cidr_mask_problems`.
    :param reserved_cidrs: ranges the VPC must not overlap (peered VPCs, on-premises).
    :param interface_endpoints: interface endpoints placed in every subnet: each subnet must hold their
        network interfaces beside AWS's reserved addresses (:mod:`cdk_secure_ml.core.capacity`).
    """
    problems: list[str] = []
    if availability_zones is not None:
        if len(set(availability_zones)) < 2:
            problems.append(
                f"availability_zones {list(availability_zones)} name fewer than 2 distinct AZs; "
                "SageMaker hosting needs subnets in at least 2"
            )
    elif max_azs < 2:
        problems.append(f"max_azs is {max_azs}; use at least 2 (SageMaker hosting needs 2 AZs)")
    try:
        network = validate_vpc_cidr(cidr, reserved_cidrs=reserved_cidrs)
    except ValueError as exc:
        return [*problems, str(exc)]
    azs = len(availability_zones) if availability_zones else max_azs
    if subnet_cidr_mask is not None:
        mask_problems = subnet_cidr_mask_problems(network, subnet_cidr_mask, azs)
        if mask_problems:
            return problems + mask_problems
    demand = SubnetDemand(interface_endpoints=interface_endpoints)
    problems += [message for _, message in subnet_capacity_problems(cidr, azs, demand, subnet_cidr_mask)]
    return problems
