"""MlPlatformStage: the platform's stacks for one account and region."""

from __future__ import annotations

from typing import Any

from aws_cdk import Stage, Tags
from aws_cdk import aws_iam as iam
from constructs import Construct

from cdk_secure_ml.config import PlatformConfig
from cdk_secure_ml.delivery_context import endpoints_awaiting_approval, resolved_groups
from cdk_secure_ml.stacks.delivery import NO_HUMAN_WRITE_PERSONAS, DeliveryAccessStack
from cdk_secure_ml.stacks.feature_store import FeatureStoreStack
from cdk_secure_ml.stacks.foundation import FoundationStack
from cdk_secure_ml.stacks.governance import GovernanceStack
from cdk_secure_ml.stacks.serving import ServingStack, approved_model_packages
from cdk_secure_ml.stacks.studio import StudioStack, StudioUsersStack, studio_custom_images, user_stack_slices

__all__ = ["MlPlatformStage"]


class MlPlatformStage(Stage):
    """One deployment of the platform (one account). Stacks are environment-agnostic unless ``env``
    is given, so ``cdk synth`` needs no credentials.

    Attributes:

    - ``foundation`` (``FoundationStack``).
    - ``governance`` (``GovernanceStack``).
    - ``studio`` (``StudioStack | None``): None without ``studio:``.
    - ``user_stacks`` (``list[StudioUsersStack]``): the stacks of the user profiles.
    - ``serving`` (``ServingStack | None``): None without endpoints.
    - ``delivery`` (``DeliveryAccessStack | None``): None without ``delivery:``.
    - ``feature_store`` (``FeatureStoreStack | None``): None without ``feature_store.groups``.
    - ``waiting_endpoints`` (``dict[str, list[str]]``): endpoints left out until their model package is
      approved.
    - ``config`` (``PlatformConfig``): as given.
    """

    def __init__(
        self, scope: Construct, construct_id: str, *, config: PlatformConfig, human_roles: bool = True,
        pipeline_account: str | None = None, **kwargs: Any,
    ) -> None:
        """:param human_roles: False for a stage only its pipeline changes (production): no human persona
            roles but the model consumer's, no Studio user profiles (docs/delivery.md).
        :param pipeline_account: the tooling account of a delivery pipeline: adds a ``Delivery`` stack
            with the read-only role its post-deploy audit assumes, and lets the execution roles read
            promoted models from that account's model-artifacts bucket.
        """
        super().__init__(scope, construct_id, **kwargs)
        self.config = config
        for key, value in {"secure-ml:platform": config.name, "secure-ml:stage": config.stage,
                           **config.tags}.items():
            Tags.of(self).add(key, value)
        self.foundation = FoundationStack(
            self,
            "Foundation",
            config=config,
            human_personas=None if human_roles else NO_HUMAN_WRITE_PERSONAS,
            model_source_account=pipeline_account,
            description=f"{config.name}: isolated ML network, KMS keys and secure buckets (cdk-secure-ml)",
        )
        # Every role of every stack in the stage lives under the platform's permissions boundary.
        iam.PermissionsBoundary.of(self).apply(self.foundation.permissions_boundary.policy)
        self.studio: StudioStack | None = None
        self.user_stacks: list[StudioUsersStack] = []
        if config.studio.enabled and self.foundation.personas is not None:
            self.studio = StudioStack(
                self,
                "Studio",
                config=config,
                foundation=self.foundation,
                description=(
                    f"{config.name}: VPC-only SageMaker Studio domain and runtime settings (cdk-secure-ml)"
                ),
            )
            users_by_stack = user_stack_slices(config.studio.users, config.studio.max_profiles_per_stack)
            for stack_id, users in users_by_stack if human_roles else []:
                self.user_stacks.append(
                    StudioUsersStack(
                        self,
                        stack_id,
                        domain=self.studio.domain,
                        personas=self.foundation.personas,
                        users=users,
                        team_tag_key=config.identity.team_tag_key,
                        sdk_defaults=self.studio.team_sdk_defaults,
                        spaces=config.studio.spaces,
                        custom_images=studio_custom_images(config),
                        description=f"{config.name}: Studio user profiles (cdk-secure-ml)",
                    )
                )
        self.feature_store: FeatureStoreStack | None = None
        if config.feature_store.groups:
            self.feature_store = FeatureStoreStack(
                self, "FeatureStore", config=config, foundation=self.foundation,
                description=f"{config.name}: SageMaker Feature Store feature groups (cdk-secure-ml)",
            )
        self.governance = GovernanceStack(
            self,
            "Governance",
            governance=config.governance,
            logs_key=self.foundation.keys.logs,
            data_event_buckets=[self.foundation.data_bucket.bucket, self.foundation.artifacts_bucket.bucket],
            access_log_buckets=[self.foundation.access_logs.bucket],
            trail_name=f"{config.name}-audit",
            description=f"{config.name}: CloudTrail, AWS Config rules, GuardDuty and alerts (cdk-secure-ml)",
        )
        # Endpoints whose model package group the pipeline resolved and found without an approved
        # version wait (docs/delivery.md, "First run: an empty registry"): the stage deploys without
        # them, so an empty registry never blocks Foundation, Studio and Governance.
        self.waiting_endpoints: dict[str, list[str]] = endpoints_awaiting_approval(
            config.endpoints, approved_model_packages(self), resolved_groups(self))
        ready = [e for e in config.endpoints if e.name not in self.waiting_endpoints]
        # Only with endpoints ready to deploy: an empty ServingStack would still hold an alarm topic and key.
        self.serving: ServingStack | None = None
        if ready or config.inference_component_endpoints:
            personas = self.foundation.personas
            consumer = personas.human_roles.get("model-consumer") if personas is not None else None
            self.serving = ServingStack(
                self,
                "Serving",
                endpoints=ready,
                network=self.foundation.network,
                security_group=self.foundation.workload_security_group,
                keys=self.foundation.keys,
                artifacts_bucket=self.foundation.artifacts_bucket,
                data_bucket=self.foundation.data_bucket,
                production=config.stage != "dev",
                platform=config.name,
                model_source_account=pipeline_account,
                team_tag_key=config.identity.team_tag_key,
                consumer_role=consumer,  # the role itself: its ARN has a path (see ServingStack)
                consumer_endpoint_names=config.identity.consumer_endpoint_names,
                inference_component_endpoints=config.inference_component_endpoints,
                description=(
                    f"{config.name}: SageMaker endpoints with autoscaling, alarms and guarded rollouts "
                    "(cdk-secure-ml)"
                ),
            )
        self.delivery: DeliveryAccessStack | None = None
        if pipeline_account is not None:
            self.delivery = DeliveryAccessStack(
                self,
                "Delivery",
                platform=config.name,
                pipeline_account=pipeline_account,
                description=f"{config.name}: read-only audit role for the delivery pipeline (cdk-secure-ml)",
            )
