"""DeliveryPipelineStack: the tooling account's pipeline, deploying one MlPlatformStage per stage of
the config's ``delivery`` section, and the model registry models are promoted through."""

from __future__ import annotations

from typing import Any

from aws_cdk import Annotations, CfnOutput, Environment, Stack, pipelines
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from constructs import Construct

from cdk_secure_ml.config import PlatformConfig
from cdk_secure_ml.constructs.delivery import DeliveryStage, MlPlatformPipeline, ModelRegistry, audit_role_arn
from cdk_secure_ml.constructs.identity import PlatformPermissionsBoundary
from cdk_secure_ml.stacks.stage import MlPlatformStage

__all__ = ["DeliveryPipelineStack"]


class DeliveryPipelineStack(Stack):
    """The pipeline and model registry for ``config`` (which must have a ``delivery`` section).

    Every stage is the platform of ``config`` with the stage's region, kind and AZs
    (``PlatformConfig.for_delivery_stage``), deployed to the stage's account (one account per stage:
    the config refuses two stages in one account). Production-like stages get no human write roles
    and no Studio user profiles. The config's warnings (e.g. the tooling account used as a stage
    account) become synth warnings on this stack. Endpoints whose model package group has no
    approved version yet wait: their stage deploys without them (an info message says which).

    :param config_path: the config file, relative to the repository root: the synth step builds the
        same app from it.

    Attributes:

    - ``pipeline`` (``MlPlatformPipeline``).
    - ``stages`` (``dict[str, MlPlatformStage]``): stage name -> stage.
    - ``registry`` (``ModelRegistry``).
    - ``permissions_boundary`` (``PlatformPermissionsBoundary``).
    - ``config`` (``PlatformConfig``): as given.
    """

    def __init__(
        self, scope: Construct, construct_id: str, *, config: PlatformConfig, config_path: str, **kwargs: Any
    ) -> None:
        delivery = config.delivery
        if delivery is None:
            raise ValueError(
                "DeliveryPipelineStack needs a config with a delivery section (docs/delivery.md)"
            )
        kwargs.setdefault("env", Environment(account=delivery.tooling_account,
                                             region=delivery.tooling_region or config.region))
        super().__init__(scope, construct_id, **kwargs)
        self.config = config
        # The stage stacks have explicit environments, and ec2.Vpc checks its AZs against the account's:
        # give CDK the AZs the config pins (as cdk.context.json would) so synthesis never looks them up.
        for stage in delivery.stages:
            self.node.set_context(
                f"availability-zones:account={stage.account}:region={stage.region}",
                stage.azs(config.network.azs()),
            )
        source = pipelines.CodePipelineSource.connection(
            delivery.source.repository, delivery.source.branch, connection_arn=delivery.source.connection_arn,
        )
        self.stages: dict[str, MlPlatformStage] = {}
        delivery_stages = []
        for stage in delivery.stages:
            app_stage = MlPlatformStage(
                self,
                f"{config.name}-{stage.name}",  # stack names <platform>-<stage>-Foundation, ...
                config=config.for_delivery_stage(stage),
                human_roles=stage.creates_human_roles,
                pipeline_account=delivery.tooling_account,
                env=Environment(account=stage.account, region=stage.region),
            )
            self.stages[stage.name] = app_stage
            delivery_stages.append(DeliveryStage(
                stage=app_stage,
                requires_approval=stage.requires_approval,
                group=stage.stage_kind,
                audit_role_arn=(
                    audit_role_arn(config.name, stage.account, self.partition) if delivery.audit else None
                ),
            ))
        self.pipeline = MlPlatformPipeline(
            self,
            "Pipeline",
            platform=config.name,
            source=source,
            stages=delivery_stages,
            config_path=config_path,
            wave_threshold=delivery.wave_threshold,
            notification_emails=delivery.notification_emails,
            # Endpoints that deploy from a model package group: the synth step resolves the approved versions.
            model_package_groups=list(
                dict.fromkeys(g for e in config.endpoints for g in e.model_package_groups())
            ),
        )
        # The pipeline's roles live under the same ceiling as the platform's: no IAM changes, no audit
        # tampering, no key destruction (they deploy through the CDK bootstrap roles of the targets).
        self.permissions_boundary = PlatformPermissionsBoundary(
            self, "PermissionsBoundary", platform=config.name
        )
        iam.PermissionsBoundary.of(self.pipeline).apply(self.permissions_boundary.policy)
        self.registry = ModelRegistry(
            self,
            "ModelRegistry",
            platform=config.name,
            stage_accounts=[s.account for s in delivery.stages],
            group_name=delivery.model_package_group_name,
        )
        # An approved model package starts the pipeline: the serving stages redeploy, stage by stage,
        # with the same approvals before production.
        self.registry.on_approved(targets.CodePipeline(self.pipeline.code_pipeline))
        for warning in delivery.warnings():
            Annotations.of(self).add_warning_v2("secure-ml:delivery-config", warning)
        for name, app_stage in self.stages.items():
            for endpoint, groups in app_stage.waiting_endpoints.items():
                no_serving = "" if app_stage.serving else " (no Serving stack)"
                Annotations.of(self).add_info(
                    f"stage {name}: endpoint {endpoint} waits for an approved version of model package "
                    f"group(s) {groups}; the stage deploys without it{no_serving} until one is approved, and "
                    "the approval starts this pipeline again")
        CfnOutput(self, "PipelineName", value=self.pipeline.code_pipeline.pipeline_name)
        CfnOutput(self, "ModelPackageGroupName", value=self.registry.group_name)
        CfnOutput(self, "ModelArtifactsBucketName", value=self.registry.artifacts.bucket_name)
