"""The reference app: one :class:`MlPlatformStage` for a config, checked by the compliance packs."""

from __future__ import annotations

from aws_cdk import App, Environment

from cdk_secure_ml.config import PlatformConfig
from cdk_secure_ml.policies.packs import add_compliance_packs
from cdk_secure_ml.stacks.stage import MlPlatformStage


def build_reference_app(
    config: PlatformConfig, *, app: App | None = None, compliance_packs: bool = True
) -> tuple[App, MlPlatformStage]:
    """Compose the platform for ``config`` into ``app`` (a new App when None).

    The stage is pinned to the config's region but not to an account, so synthesis needs no AWS
    credentials and performs no context lookups.
    """
    app = app or App()
    if compliance_packs:
        add_compliance_packs(app)
    stage = MlPlatformStage(app, config.name, config=config, env=Environment(region=config.region))
    return app, stage
