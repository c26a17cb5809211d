"""Service principals the platform's roles trust.

SageMaker assumes the platform's roles on behalf of this account only: the trust statement carries
``aws:SourceAccount`` (the cross-service confused deputy,
https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html; rule SML-IAM-9 checks it).
"""

from __future__ import annotations

from aws_cdk import Stack
from aws_cdk import aws_iam as iam
from constructs import IConstruct

__all__ = ["sagemaker_principal"]


def sagemaker_principal(scope: IConstruct) -> iam.IPrincipal:
    """``sagemaker.amazonaws.com``, acting for ``scope``'s stack account only (``StringEquals
    aws:SourceAccount``). A principal with conditions: the statements a role's trust adds for it
    (``sts:SetSourceIdentity`` besides ``sts:AssumeRole``) merge into one."""
    return iam.ServicePrincipal("sagemaker.amazonaws.com").with_conditions(
        {"StringEquals": {"aws:SourceAccount": Stack.of(scope).account}}
    )
