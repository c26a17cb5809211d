"""MlPlatformStage: the platform's stacks for one account and region."""

from __future__ import annotations

from typing import Any

from aws_cdk import Stage, Tags
from constructs import Construct

from cdk_secure_ml.config import PlatformConfig
from cdk_secure_ml.stacks.foundation import FoundationStack
from cdk_secure_ml.stacks.governance import GovernanceStack


class MlPlatformStage(Stage):
    """One deployment of the platform (one account). Stacks are environment-agnostic unless ``env``
    is given, so ``cdk synth`` needs no credentials."""

    def __init__(self, scope: Construct, construct_id: str, *, config: PlatformConfig, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.config = config
        for key, value in {"secure-ml:platform": config.name, "secure-ml:stage": config.stage,
                           **config.tags}.items():
            Tags.of(self).add(key, value)
        self.foundation = FoundationStack(
            self,
            "Foundation",
            config=config,
            description=f"{config.name}: isolated ML network, KMS keys and secure buckets (cdk-secure-ml)",
        )
        self.governance = GovernanceStack(
            self,
            "Governance",
            governance=config.governance,
            logs_key=self.foundation.keys.logs,
            data_event_buckets=[self.foundation.data_bucket.bucket, self.foundation.artifacts_bucket.bucket],
            trail_name=f"{config.name}-audit",
            description=f"{config.name}: CloudTrail, AWS Config rules, GuardDuty and alerts (cdk-secure-ml)",
        )
