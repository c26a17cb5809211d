"""FeatureStoreStack: the platform's feature groups and their offline store roles (docs/feature-store.md)."""

from __future__ import annotations

from typing import Any

from aws_cdk import Stack, Tags
from constructs import Construct

from cdk_secure_ml.config import PlatformConfig
from cdk_secure_ml.constructs.feature_store import FeatureGroupOptions, SecureFeatureStore
from cdk_secure_ml.core.feature_store import Feature
from cdk_secure_ml.stacks.foundation import FoundationStack

__all__ = ["FeatureStoreStack", "feature_group_options"]


def feature_group_options(config: PlatformConfig) -> list[FeatureGroupOptions]:
    """The ``feature_store.groups`` of ``config`` as construct options."""
    return [
        FeatureGroupOptions(
            name=g.name, team=g.team, record_identifier=g.record_identifier, event_time=g.event_time,
            features=[Feature(f.name, f.type) for f in g.features], online=g.online, offline=g.offline,
            glue_table=g.glue_table, ttl=(g.ttl.unit, g.ttl.value) if g.ttl else None,
            description=g.description or "",
        )
        for g in config.feature_store.groups
    ]


class FeatureStoreStack(Stack):
    """The feature groups of ``feature_store.groups``, in a stack of their own: they hold data, are
    retained, and most of their properties replace them (a new name each time), so their deploys and
    failures stay apart from the network, keys and roles of Foundation they build on.

    The platform-wide ``tags`` of the config are left off the groups: a feature group's tags can only be set
    when it is created (a change would replace it, which its custom name forbids); the team tag and the
    stage's ``secure-ml:*`` tags, which do not change, stay.

    Attributes:

    - ``feature_store`` (``SecureFeatureStore``).
    """

    def __init__(
        self, scope: Construct, construct_id: str, *, config: PlatformConfig, foundation: FoundationStack,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.feature_store = SecureFeatureStore(
            self, "FeatureStore",
            platform=config.name,
            groups=feature_group_options(config),
            data_bucket=foundation.data_bucket.bucket,
            data_key=foundation.keys.data,
            team_tag_key=config.identity.team_tag_key,
        )
        for group in self.feature_store.groups.values():
            for key in config.tags:
                Tags.of(group).remove(key, priority=250)
