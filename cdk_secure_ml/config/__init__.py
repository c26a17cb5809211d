"""Typed platform configuration, loaded from YAML and validated before any construct is built.

One module per section of the config, as docs/config.md documents them:

- :mod:`~cdk_secure_ml.config.network`, :mod:`~cdk_secure_ml.config.encryption`,
  :mod:`~cdk_secure_ml.config.storage`, :mod:`~cdk_secure_ml.config.identity`,
  :mod:`~cdk_secure_ml.config.studio`, :mod:`~cdk_secure_ml.config.endpoints` (with
  :mod:`~cdk_secure_ml.config.endpoint_options`),
  :mod:`~cdk_secure_ml.config.governance`, :mod:`~cdk_secure_ml.config.delivery`: the sections;
- :mod:`~cdk_secure_ml.config.platform`: :class:`PlatformConfig` and the rules across sections;
- :mod:`~cdk_secure_ml.config.loader`: :func:`load_config`, :func:`parse_config`, :class:`ConfigError`;
- ``_types`` (value types shared by the sections) and ``_section`` (the base class, which reports every
  problem at its own path in one pass).

Loading a config never imports aws-cdk-lib: the facts it checks against live in :mod:`cdk_secure_ml.core`.
"""

from cdk_secure_ml.config._section import NestedProblems, Problem
from cdk_secure_ml.config._types import LOG_RETENTION_DAYS, check_tags
from cdk_secure_ml.config.delivery import (
    STAGE_KINDS,
    DeliveryConfig,
    DeliverySourceConfig,
    DeliveryStageConfig,
    delivery_stage_problems,
    is_prod_like,
    stage_kind_of,
)
from cdk_secure_ml.config.encryption import PLATFORM_DATA_CLASSES, EncryptionConfig
from cdk_secure_ml.config.endpoint_hub import EndpointHubConfig, HubSpokeConfig
from cdk_secure_ml.config.endpoints import (
    EndpointAlarmsConfig,
    EndpointAsyncConfig,
    EndpointAutoscalingConfig,
    EndpointConfig,
    EndpointDataCaptureConfig,
    EndpointMonitorConfig,
    EndpointRolloutConfig,
    EndpointServerlessConfig,
    EndpointVariantConfig,
    model_source_problems,
    team_prefix_problems,
)
from cdk_secure_ml.config.governance import (
    CDK_EXEC_ROLE_PATTERN,
    MAX_SCPS_PER_TARGET,
    PLATFORM_SCPS,
    CentralLogArchiveConfig,
    GovernanceConfig,
    OrganizationConfig,
)
from cdk_secure_ml.config.identity import IdentityConfig, TeamConfig, duplicate_team_problems
from cdk_secure_ml.config.loader import ConfigError, ConfigProblem, load_config, parse_config
from cdk_secure_ml.config.network import EndpointPolicyConfig, InterfaceEndpointsConfig, NetworkConfig
from cdk_secure_ml.config.platform import PlatformConfig
from cdk_secure_ml.config.storage import StorageConfig
from cdk_secure_ml.config.studio import (
    PERSONA_NAMES,
    SSO_SETUP_MESSAGE,
    STUDIO_PERSONAS,
    StudioConfig,
    StudioUserConfig,
    duplicate_user_problems,
    unknown_team_problems,
)
from cdk_secure_ml.config.studio_spaces import StudioSpacesConfig
from cdk_secure_ml.core.regions import known_regions

__all__ = [
    "CDK_EXEC_ROLE_PATTERN",
    "LOG_RETENTION_DAYS",
    "MAX_SCPS_PER_TARGET",
    "PERSONA_NAMES",
    "PLATFORM_DATA_CLASSES",
    "PLATFORM_SCPS",
    "SSO_SETUP_MESSAGE",
    "STAGE_KINDS",
    "STUDIO_PERSONAS",
    "CentralLogArchiveConfig",
    "ConfigError",
    "ConfigProblem",
    "DeliveryConfig",
    "DeliverySourceConfig",
    "DeliveryStageConfig",
    "EncryptionConfig",
    "EndpointAlarmsConfig",
    "EndpointAsyncConfig",
    "EndpointAutoscalingConfig",
    "EndpointConfig",
    "EndpointDataCaptureConfig",
    "EndpointMonitorConfig",
    "EndpointHubConfig",
    "EndpointPolicyConfig",
    "HubSpokeConfig",
    "EndpointRolloutConfig",
    "EndpointServerlessConfig",
    "EndpointVariantConfig",
    "GovernanceConfig",
    "IdentityConfig",
    "InterfaceEndpointsConfig",
    "NestedProblems",
    "NetworkConfig",
    "OrganizationConfig",
    "PlatformConfig",
    "Problem",
    "StorageConfig",
    "StudioConfig",
    "StudioSpacesConfig",
    "StudioUserConfig",
    "TeamConfig",
    "check_tags",
    "delivery_stage_problems",
    "duplicate_team_problems",
    "duplicate_user_problems",
    "is_prod_like",
    "known_regions",
    "load_config",
    "model_source_problems",
    "parse_config",
    "stage_kind_of",
    "team_prefix_problems",
    "unknown_team_problems",
]
