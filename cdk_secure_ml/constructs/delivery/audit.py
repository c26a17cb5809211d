"""PipelineAuditRole: the read-only role the delivery pipeline's post-deploy audit assumes in a target
account."""

from __future__ import annotations

from aws_cdk import Duration, Stack
from aws_cdk import aws_iam as iam
from constructs import Construct

from cdk_secure_ml.constructs.delivery.naming import (
    account_problems,
    audit_role_name,
    audit_role_path,
    audit_step_role_name,
)
from cdk_secure_ml.policies.acknowledgements import acknowledge, justify_iam_lint
from cdk_secure_ml.policies.live.audit import AUDIT_IAM_ACTIONS

#: What ``secure-ml audit`` calls, all read-only: the auditor's own table (docs/audit.md,
#: "Least-privilege IAM policy"), so the stage audit role can never lag behind the audit (review S3).
AUDIT_READ_ACTIONS: tuple[str, ...] = AUDIT_IAM_ACTIONS



class PipelineAuditRole(Construct):
    """The read-only role the pipeline's post-deploy audit assumes in a target account.

    Trusted by exactly one principal: the audit step role :func:`audit_step_role_name` of the
    tooling account (an ``aws:PrincipalArn`` condition, so the trust holds even before that role
    exists). Allowed: the read actions of :data:`AUDIT_READ_ACTIONS`, nothing else.

    :param platform: platform name (role name ``<platform>-pipeline-audit``, path ``/<platform>/delivery/``).
    :param pipeline_account: the tooling account that runs the pipeline.

    Attributes:

    - ``role`` (``iam.Role``): the read-only role the pipeline's audit step assumes.
    - ``role_arn`` (``str``): its ARN.
    - ``policy`` (``iam.ManagedPolicy``): its permissions.
    - ``trusted_role_arn`` (``str``): the pipeline account's audit step role that may assume it.
    """

    def __init__(self, scope: Construct, construct_id: str, *, platform: str, pipeline_account: str) -> None:
        super().__init__(scope, construct_id)
        problems = account_problems("pipeline_account", [pipeline_account])
        if problems:
            raise ValueError("PipelineAuditRole: " + "; ".join(problems))
        stack = Stack.of(self)
        step_role = audit_step_role_name(platform)
        self.trusted_role_arn = f"arn:{stack.partition}:iam::{pipeline_account}:role/{step_role}"
        self.policy = iam.ManagedPolicy(
            self,
            "ReadOnly",
            description=f"{platform}: the read-only calls of secure-ml audit (docs/audit.md)",
            statements=[iam.PolicyStatement(sid="SecureMlAuditReadOnly", actions=list(AUDIT_READ_ACTIONS),
                                            resources=["*"])],
        )
        self.role = iam.Role(
            self,
            "Resource",
            role_name=audit_role_name(platform),
            path=audit_role_path(platform),
            description=f"{platform}: read-only audit by the delivery pipeline of account {pipeline_account}",
            assumed_by=iam.AccountPrincipal(pipeline_account).with_conditions(
                {"ArnEquals": {"aws:PrincipalArn": self.trusted_role_arn}}
            ),
            max_session_duration=Duration.hours(1),
            managed_policies=[self.policy],
        )
        reason = (
            "Read-only audit of the whole region: the List*/Describe*/Get* calls of secure-ml audit "
            "(docs/audit.md) either have no resource-level permissions or must see every resource to "
            "find drift; the role grants no write action and only the pipeline's audit step may assume it."
        )
        acknowledge(self.policy, reason, "AwsSolutions-IAM5[Resource::*]")
        justify_iam_lint(self.policy, reason, "RESOURCE_STAR", policy="PolicyDocument/SecureMlAuditReadOnly")

    @property
    def role_arn(self) -> str:
        """The audit role's ARN, for the pipeline's ``DeliveryStage(audit_role_arn=...)``."""
        return self.role.role_arn

