"""The endpoint policies of an :class:`~cdk_secure_ml.constructs.network.MlNetwork`: who and what its VPC
endpoints admit (docs/network.md, "Endpoint policies")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aws_cdk import Stack
from aws_cdk import aws_iam as iam

from cdk_secure_ml.core.network import ECR_LAYER_BUCKET, ENDPOINT_POLICY_SERVICES

if TYPE_CHECKING:
    from cdk_secure_ml.constructs.network import MlNetwork

__all__: list[str] = []



def _principal_conditions(network: MlNetwork) -> list[tuple[str, dict[str, dict[str, object]]]]:
    """(label, condition) pairs, one per way a principal is admitted."""
    accounts = [Stack.of(network).account, *network.trusted_accounts]
    found: list[tuple[str, dict[str, dict[str, object]]]] = [
        ("Accounts", {"StringEquals": {"aws:PrincipalAccount": accounts}})
    ]
    if network.organization_id:
        found.append(("Organization", {"StringEquals": {"aws:PrincipalOrgID": network.organization_id}}))
    return found

def _bucket_conditions(network: MlNetwork) -> list[tuple[str, dict[str, dict[str, object]]]]:
    """(label, condition) pairs, one per way a bucket is admitted. ``s3:ResourceAccount`` is the
    bucket owner's account, usable in VPC endpoint policies
    (https://aws.amazon.com/about-aws/whats-new/2020/12/new-iam-condition-keys-amazon-s3-limit-requests-buckets-owned-specific-aws-accounts-specific-tls-versions/);
    ``aws:ResourceOrgID`` its organization."""
    accounts = list(dict.fromkeys(
        [Stack.of(network).account, *network.trusted_accounts, *network.trusted_resource_accounts]
    ))
    found: list[tuple[str, dict[str, dict[str, object]]]] = [
        ("Accounts", {"StringEquals": {"s3:ResourceAccount": accounts}})
    ]
    if network.organization_id:
        found.append(("Organization", {"StringEquals": {"aws:ResourceOrgID": network.organization_id}}))
    return found

def _service_principals() -> iam.PolicyStatement:
    # Requests AWS services make with their service principals carry aws:PrincipalIsAWSService;
    # foreign credentials cannot set it (the data-perimeter default statement,
    # https://github.com/aws-samples/data-perimeter-policy-examples/blob/main/vpc_endpoint_policies/README.md).
    return iam.PolicyStatement(
        sid="AwsServicePrincipals",
        principals=[iam.StarPrincipal()],
        actions=["*"],
        resources=["*"],
        conditions={"Bool": {"aws:PrincipalIsAWSService": "true"}},
    )

def apply_endpoint_policies(network: MlNetwork, allowed_s3_objects: list[str]) -> None:
    """Narrow the endpoint policies of ``network``: the S3 gateway endpoint to the admitted principals and
    buckets (plus ECR's layer bucket and ``allowed_s3_objects``), and each interface endpoint of
    :data:`ENDPOINT_POLICY_SERVICES` to the admitted principals; AWS service principals stay allowed."""
    stack = Stack.of(network)
    # Gateway endpoints take Principal "*" only; principals are narrowed with conditions
    # (https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html).
    for principal_label, principal in _principal_conditions(network):
        for bucket_label, bucket in _bucket_conditions(network):
            merged = {op: {**principal.get(op, {}), **bucket.get(op, {})} for op in {*principal, *bucket}}
            network.s3_endpoint.add_to_policy(
                iam.PolicyStatement(
                    sid=f"PrincipalsOf{principal_label}ToBucketsOf{bucket_label}",
                    principals=[iam.StarPrincipal()],
                    actions=["s3:*"],
                    resources=["*"],
                    conditions=merged,
                )
            )
    network.s3_endpoint.add_to_policy(_service_principals())
    network.s3_endpoint.add_to_policy(
        iam.PolicyStatement(
            sid="EcrImageLayers",
            principals=[iam.StarPrincipal()],
            actions=["s3:GetObject"],
            resources=[f"arn:{stack.partition}:s3:::{ECR_LAYER_BUCKET.format(region=stack.region)}/*"],
        )
    )
    if allowed_s3_objects:
        network.s3_endpoint.add_to_policy(
            iam.PolicyStatement(
                sid="AllowedAwsOwnedObjects",
                principals=[iam.StarPrincipal()],
                actions=["s3:GetObject"],
                resources=allowed_s3_objects,
            )
        )
    for service, endpoint in network.interface_endpoints.items():
        if service not in ENDPOINT_POLICY_SERVICES:
            continue
        for label, condition in _principal_conditions(network):
            endpoint.add_to_policy(
                iam.PolicyStatement(
                    sid=f"PrincipalsOf{label}",
                    principals=[iam.StarPrincipal()],
                    actions=["*"],
                    resources=["*"],
                    conditions=condition,
                )
            )
        endpoint.add_to_policy(_service_principals())
        network.restricted_endpoints.append(service)
