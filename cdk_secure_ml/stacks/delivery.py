"""DeliveryAccessStack: what a delivery pipeline needs in each account it deploys to."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Stack
from constructs import Construct

from cdk_secure_ml.constructs.delivery import PipelineAuditRole

__all__ = ["DeliveryAccessStack", "NO_HUMAN_WRITE_PERSONAS"]

#: Human personas a production stage keeps: the model consumer only invokes named endpoints. No
#: human role there writes anything; the pipeline's deploy role is the only writer (docs/delivery.md).
NO_HUMAN_WRITE_PERSONAS: tuple[str, ...] = ("model-consumer",)


class DeliveryAccessStack(Stack):
    """The read-only role the pipeline's post-deploy ``secure-ml audit`` assumes in this account.

    Attributes:

    - ``audit_role`` (``PipelineAuditRole``).
    """

    def __init__(
        self, scope: Construct, construct_id: str, *, platform: str, pipeline_account: str, **kwargs: Any
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.audit_role = PipelineAuditRole(
            self, "AuditRole", platform=platform, pipeline_account=pipeline_account
        )
        CfnOutput(self, "AuditRoleArn", value=self.audit_role.role_arn)
