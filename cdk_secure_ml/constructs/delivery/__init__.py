"""Delivery: the CDK pipeline that deploys the platform to many accounts, and model promotion.

- :class:`MlPlatformPipeline` (tooling account, :mod:`.pipeline`): a self-mutating CDK Pipelines
  ``CodePipeline`` with cross-account keys. Its synth step runs the project's policy gates
  (``make check``) before ``cdk synth``, so nothing that fails a policy reaches a deploy; then one stage
  per target, in order, a manual approval before each stage that needs one, and a read-only
  ``secure-ml audit`` of the target account after each deploy. Many stages deploy in waves.
- :class:`PipelineAuditRole` (every target account, :mod:`.audit`): the read-only role that audit
  assumes, trusted only by the pipeline's audit step role in the tooling account.
- :class:`ModelRegistry` (tooling account, :mod:`.registry`): a SageMaker model package group the stage
  accounts may read, the promoted-artifacts bucket and key limited to the stage accounts' execution
  roles, and an EventBridge rule on model package approval.
- :mod:`.naming`: the role names, paths and ARN patterns both sides of each trust derive.

See docs/delivery.md for the multi-account picture and the bootstrap commands. The names below are
re-exported, so ``from cdk_secure_ml.constructs.delivery import MlPlatformPipeline`` keeps working.
"""

from cdk_secure_ml.constructs.delivery.audit import AUDIT_READ_ACTIONS, PipelineAuditRole
from cdk_secure_ml.constructs.delivery.naming import (
    audit_role_arn,
    audit_role_name,
    audit_role_path,
    audit_step_role_name,
    execution_role_arn_pattern,
)
from cdk_secure_ml.constructs.delivery.pipeline import (
    DEFAULT_RUNTIME_VERSIONS,
    REPLICATION_REASON,
    DeliveryStage,
    MlPlatformPipeline,
    wave_groups,
)
from cdk_secure_ml.constructs.delivery.registry import (
    MODEL_PACKAGE_READ_ACTIONS,
    MODEL_PACKAGE_STATE_CHANGE,
    ModelRegistry,
)

__all__ = [
    "AUDIT_READ_ACTIONS",
    "DEFAULT_RUNTIME_VERSIONS",
    "MODEL_PACKAGE_READ_ACTIONS",
    "MODEL_PACKAGE_STATE_CHANGE",
    "REPLICATION_REASON",
    "DeliveryStage",
    "MlPlatformPipeline",
    "ModelRegistry",
    "PipelineAuditRole",
    "audit_role_arn",
    "audit_role_name",
    "audit_role_path",
    "audit_step_role_name",
    "execution_role_arn_pattern",
    "wave_groups",
]
