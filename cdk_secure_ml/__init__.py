"""cdk-secure-ml: AWS CDK v2 constructs for secure machine-learning environments.

The public API is re-exported here. Imports are lazy (PEP 562) so that the policy CLI, which needs
no CDK, starts without loading aws-cdk-lib through jsii.
"""

# ruff: noqa: F401  (the TYPE_CHECKING imports re-export the lazy public API for type checkers)
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "MlNetwork": "cdk_secure_ml.constructs.network",
    "DEFAULT_INTERFACE_ENDPOINTS": "cdk_secure_ml.constructs.network",
    "INTERFACE_ENDPOINT_SERVICES": "cdk_secure_ml.constructs.network",
    "EncryptionKeys": "cdk_secure_ml.constructs.encryption",
    "DEFAULT_DATA_CLASSES": "cdk_secure_ml.constructs.encryption",
    "SecureBucket": "cdk_secure_ml.constructs.storage",
    "AccessLogsBucket": "cdk_secure_ml.constructs.storage",
    "MlPersonas": "cdk_secure_ml.constructs.identity",
    "PlatformPermissionsBoundary": "cdk_secure_ml.constructs.identity",
    "PERSONAS": "cdk_secure_ml.constructs.identity",
    "SecureStudioDomain": "cdk_secure_ml.constructs.studio",
    "sdk_defaults": "cdk_secure_ml.constructs.studio",
    "SecureEndpoint": "cdk_secure_ml.constructs.hosting",
    "EndpointVariant": "cdk_secure_ml.constructs.hosting",
    "AutoScaling": "cdk_secure_ml.constructs.hosting",
    "DataCapture": "cdk_secure_ml.constructs.hosting",
    "Rollout": "cdk_secure_ml.constructs.hosting",
    "ModelMonitor": "cdk_secure_ml.constructs.hosting",
    "AsyncInference": "cdk_secure_ml.constructs.hosting",
    "Serverless": "cdk_secure_ml.constructs.hosting",
    "invocations_target": "cdk_secure_ml.constructs.hosting",
    "ModelSource": "cdk_secure_ml.constructs.hosting",
    "EndpointVariantOptions": "cdk_secure_ml.constructs.hosting",
    "AutoScalingOptions": "cdk_secure_ml.constructs.hosting",
    "DataCaptureOptions": "cdk_secure_ml.constructs.hosting",
    "AlarmOptions": "cdk_secure_ml.constructs.hosting",
    "AlarmThresholds": "cdk_secure_ml.constructs.hosting",
    "RolloutOptions": "cdk_secure_ml.constructs.hosting",
    "ModelMonitorOptions": "cdk_secure_ml.constructs.hosting",
    "AsyncInferenceOptions": "cdk_secure_ml.constructs.hosting",
    "ServerlessOptions": "cdk_secure_ml.constructs.hosting",
    "EndpointAlarms": "cdk_secure_ml.constructs.hosting",
    "EndpointAutoScaling": "cdk_secure_ml.constructs.hosting",
    "DataQualityMonitor": "cdk_secure_ml.constructs.hosting",
    "new_alarm_topic": "cdk_secure_ml.constructs.hosting",
    "AuditTrail": "cdk_secure_ml.constructs.governance",
    "ComplianceRules": "cdk_secure_ml.constructs.governance",
    "ThreatDetection": "cdk_secure_ml.constructs.governance",
    "Alerts": "cdk_secure_ml.constructs.governance",
    "FoundationStack": "cdk_secure_ml.stacks.foundation",
    "GovernanceStack": "cdk_secure_ml.stacks.governance",
    "StudioStack": "cdk_secure_ml.stacks.studio",
    "ServingStack": "cdk_secure_ml.stacks.serving",
    "MlPlatformStage": "cdk_secure_ml.stacks.stage",
    "build_reference_app": "cdk_secure_ml.stacks.reference_app",
    "PlatformConfig": "cdk_secure_ml.config",
    "ConfigError": "cdk_secure_ml.config",
    "load_config": "cdk_secure_ml.config",
    "parse_config": "cdk_secure_ml.config",
    "add_compliance_packs": "cdk_secure_ml.policies.packs",
    "acknowledge": "cdk_secure_ml.policies.acknowledgements",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'cdk_secure_ml' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


if TYPE_CHECKING:  # for type checkers and IDEs
    from cdk_secure_ml.config import ConfigError, PlatformConfig, load_config, parse_config
    from cdk_secure_ml.constructs.encryption import DEFAULT_DATA_CLASSES, EncryptionKeys
    from cdk_secure_ml.constructs.governance import Alerts, AuditTrail, ComplianceRules, ThreatDetection
    from cdk_secure_ml.constructs.hosting import (
        AlarmOptions,
        AlarmThresholds,
        AsyncInference,
        AsyncInferenceOptions,
        AutoScaling,
        AutoScalingOptions,
        DataCapture,
        DataCaptureOptions,
        DataQualityMonitor,
        EndpointAlarms,
        EndpointAutoScaling,
        EndpointVariant,
        EndpointVariantOptions,
        ModelMonitor,
        ModelMonitorOptions,
        ModelSource,
        Rollout,
        RolloutOptions,
        SecureEndpoint,
        Serverless,
        ServerlessOptions,
        invocations_target,
        new_alarm_topic,
    )
    from cdk_secure_ml.constructs.identity import PERSONAS, MlPersonas, PlatformPermissionsBoundary
    from cdk_secure_ml.constructs.network import (
        DEFAULT_INTERFACE_ENDPOINTS,
        INTERFACE_ENDPOINT_SERVICES,
        MlNetwork,
    )
    from cdk_secure_ml.constructs.storage import AccessLogsBucket, SecureBucket
    from cdk_secure_ml.constructs.studio import SecureStudioDomain, sdk_defaults
    from cdk_secure_ml.policies.acknowledgements import acknowledge
    from cdk_secure_ml.policies.packs import add_compliance_packs
    from cdk_secure_ml.stacks.foundation import FoundationStack
    from cdk_secure_ml.stacks.governance import GovernanceStack
    from cdk_secure_ml.stacks.reference_app import build_reference_app
    from cdk_secure_ml.stacks.serving import ServingStack
    from cdk_secure_ml.stacks.stage import MlPlatformStage
    from cdk_secure_ml.stacks.studio import StudioStack
