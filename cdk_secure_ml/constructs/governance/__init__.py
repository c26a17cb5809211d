"""Audit and detective controls: AuditTrail, ComplianceRules, ThreatDetection, Alerts.

Each is a detective control; docs/governance.md maps control to threat.
One module per job:

- :mod:`.trail`: :class:`AuditTrail` (CloudTrail, its Object Lock archive or a central one, the logs copy);
- :mod:`.compliance`: :class:`ComplianceRules` (the Config recorder, its delivery, the managed rules of
  :data:`cdk_secure_ml.core.config_rules.CONFIG_RULES`);
- :mod:`.threat_detection`: :class:`ThreatDetection` (the GuardDuty detector);
- :mod:`.alerts`: :class:`Alerts` (EventBridge rules to an encrypted SNS topic).

The checks of their arguments are CDK-free in :mod:`cdk_secure_ml.core.governance`. The names below are
re-exported, so ``from cdk_secure_ml.constructs.governance import AuditTrail`` keeps working.
"""

from cdk_secure_ml.constructs.governance.alerts import SAGEMAKER_FAILURE_EVENTS, Alerts
from cdk_secure_ml.constructs.governance.compliance import (
    CONFIG_BUCKET_RESTRICTED_ACTIONS,
    CONFIG_OBJECT_LOCK_SOURCE,
    DEFAULT_RULE_PARAMETERS,
    ComplianceRules,
    has_object_lock,
)
from cdk_secure_ml.constructs.governance.threat_detection import ThreatDetection
from cdk_secure_ml.constructs.governance.trail import (
    ARCHIVE_RESTRICTED_ACTIONS,
    ARCHIVE_WRITER_SERVICES,
    DEFAULT_OBJECT_LOCK_RETENTION,
    AuditTrail,
    allow_cloudtrail,
)
from cdk_secure_ml.core.config_rules import CONFIG_RULES, ConfigRuleSpec

__all__ = [
    "ARCHIVE_RESTRICTED_ACTIONS",
    "ARCHIVE_WRITER_SERVICES",
    "CONFIG_BUCKET_RESTRICTED_ACTIONS",
    "CONFIG_OBJECT_LOCK_SOURCE",
    "CONFIG_RULES",
    "DEFAULT_OBJECT_LOCK_RETENTION",
    "DEFAULT_RULE_PARAMETERS",
    "SAGEMAKER_FAILURE_EVENTS",
    "Alerts",
    "AuditTrail",
    "ComplianceRules",
    "ConfigRuleSpec",
    "ThreatDetection",
    "allow_cloudtrail",
    "has_object_lock",
]
