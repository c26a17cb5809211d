"""The reference app: one :class:`MlPlatformStage` for a config, checked by the compliance packs."""

from __future__ import annotations

from aws_cdk import App, Environment

from cdk_secure_ml.config import PlatformConfig
from cdk_secure_ml.policies.packs import add_compliance_packs
from cdk_secure_ml.stacks.endpoint_hub import EndpointHubStack
from cdk_secure_ml.stacks.governance import OrganizationGuardrailsStack
from cdk_secure_ml.stacks.pipeline import DeliveryPipelineStack
from cdk_secure_ml.stacks.stage import MlPlatformStage

__all__ = ["build_reference_app"]


def build_reference_app(
    config: PlatformConfig,
    *,
    app: App | None = None,
    compliance_packs: bool = True,
    config_path: str | None = None,
) -> tuple[App, MlPlatformStage | DeliveryPipelineStack]:
    """Compose the platform for ``config`` into ``app`` (a new App when None).

    The stage is pinned to the config's region but not to an account, so synthesis needs no AWS
    credentials and performs no context lookups. With a ``delivery`` section, the app is instead a
    ``DeliveryPipelineStack`` in the tooling account that deploys one stage per configured account
    (``config_path``, default the app's ``config`` context, is the file its synth step builds from).
    With ``network.hub`` (the hub layout), an ``EndpointHubStack`` for the hub account is added too.
    With ``governance.organization`` in the config, an
    ``OrganizationGuardrailsStack`` for the management account is added beside the stage.
    """
    app = app or App()
    if compliance_packs:
        # Our own rule pack first, then the four cdk-nag packs: synth fails on any unacknowledged error.
        add_compliance_packs(app)
    stage: MlPlatformStage | DeliveryPipelineStack
    if config.delivery is not None:
        stage = DeliveryPipelineStack(
            app,
            f"{config.name}-delivery",
            config=config,
            config_path=config_path or app.node.try_get_context("config") or "config/default.yaml",
            description=f"{config.name}: delivery pipeline and model registry (cdk-secure-ml)",
        )
    else:
        stage = MlPlatformStage(app, config.name, config=config, env=Environment(region=config.region))
    if config.network.hub is not None:
        # The hub layout's shared-services VPC, in the hub account; deployed before the spokes.
        EndpointHubStack(
            app,
            f"{config.name}-EndpointHub",
            config=config,
            description=f"{config.name}: shared interface endpoints for the platform's accounts "
            "(cdk-secure-ml)",
        )
    organization = config.governance.organization
    if organization is not None:
        # Organizations is a global service homed in us-east-1; the stack goes to the management account.
        OrganizationGuardrailsStack(
            app,
            f"{config.name}-OrganizationGuardrails",
            organization=organization,
            name_prefix=config.name,
            env=Environment(account=organization.management_account_id, region="us-east-1"),
            description=f"{config.name}: Organizations SCPs and AI services opt-out for ML accounts "
            "(cdk-secure-ml)",
        )
    return app, stage
