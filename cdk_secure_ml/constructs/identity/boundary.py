"""PlatformPermissionsBoundary: the managed policy that caps every role the platform creates."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Stack
from aws_cdk import aws_iam as iam
from constructs import Construct

from cdk_secure_ml.constructs.identity.context import PlatformContext
from cdk_secure_ml.constructs.identity.guardrails import boundary_statements
from cdk_secure_ml.policies.acknowledgements import acknowledge, in_regulatory_packs, skip_checkov
from cdk_secure_ml.policies.ids import ack_id


class PlatformPermissionsBoundary(Construct):
    """A managed policy that caps every role the platform creates (see
    :func:`~cdk_secure_ml.constructs.identity.guardrails.boundary_statements`).

    Apply it to a scope with ``iam.PermissionsBoundary.of(scope).apply(boundary.policy)``;
    :class:`~cdk_secure_ml.stacks.stage.MlPlatformStage` does so for the whole stage.

    :param platform: the platform name (in the policy's description).
    :ivar policy: the ``iam.ManagedPolicy`` (construct id ``Resource``).

    Attributes:

    - ``policy`` (``iam.ManagedPolicy``): the boundary;
      ``iam.PermissionsBoundary.of(scope).apply(boundary.policy)``.
    """

    def __init__(self, scope: Construct, construct_id: str, *, platform: str) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        ctx = _minimal_context(stack, platform)
        self.policy = iam.ManagedPolicy(
            self,
            "Resource",
            description=f"{platform}: permissions boundary of every platform role",
            statements=boundary_statements(ctx),
        )
        reason = (
            "A permissions boundary grants nothing by itself: its Allow * only lets the identity "
            "policies apply, and its Deny statements are the ceiling every platform role lives under."
        )
        acknowledge(
            self.policy,
            reason,
            "AwsSolutions-IAM5[Action::*]",
            "AwsSolutions-IAM5[Resource::*]",
            *[f"AwsSolutions-IAM5[Action::{a}]" for a in _wildcard_actions(boundary_statements(ctx))],
            *in_regulatory_packs("IAMPolicyNoStatementsWithAdminAccess"),
            *in_regulatory_packs("IAMPolicyNoStatementsWithFullAccess"),
            ack_id("SML-IAM-1"),
            ack_id("SML-IAM-2"),
            ack_id("SML-IAM-3"),
            ack_id("SML-IAM-4"),
        )
        skip_checkov(
            self.policy, reason, "CKV_AWS_107", "CKV_AWS_108", "CKV_AWS_109", "CKV_AWS_110", "CKV_AWS_111"
        )


def _minimal_context(stack: Stack, platform: str) -> PlatformContext:
    """The boundary names only the stack's partition, region and account."""
    return PlatformContext(
        partition=stack.partition, region=stack.region, account=stack.account, platform=platform,
        subnet_ids=(), security_group_ids=(), data_bucket_arn="", artifacts_bucket_arn="",
        data_key_arn="", artifacts_key_arn="", volumes_key_arn="", instance_types=(),
    )


def _wildcard_actions(statements: Sequence[iam.PolicyStatement]) -> list[str]:
    found: list[str] = []
    for statement in statements:
        if statement.effect != iam.Effect.ALLOW:
            continue
        for action in statement.actions:
            if "*" in action and action != "*" and action not in found:
                found.append(action)
    return found
