"""AWS Config managed rules the platform deploys: AWS's identifiers, what each guards, and where it exists.

CDK-free: the config validators read the rule names without loading aws-cdk-lib; ``ComplianceRules``
(``cdk_secure_ml.constructs.governance``) deploys them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Literal


@dataclass(frozen=True)
class ConfigRuleSpec:
    """One AWS Config managed rule: our name for it (= AWS's rule name), AWS's identifier, and what it
    guards. ``regions``: the only regions it exists in, where AWS lists them (None: all commercial);
    ``excluded_regions``: the regions its page says it is not in ("All supported AWS regions except ...")."""

    name: str
    identifier: str
    group: Literal["sagemaker", "baseline"]
    checks: str
    regions: frozenset[str] | None = None
    excluded_regions: frozenset[str] = frozenset()

    def available_in(self, region: str) -> bool:
        return (self.regions is None or region in self.regions) and region not in self.excluded_regions


def _regions(text: str) -> frozenset[str]:
    return frozenset(text.split(","))


_MONITORING_ALL = (
    "eu-north-1,me-south-1,ap-south-1,eu-west-3,us-east-2,eu-west-1,eu-central-1,sa-east-1,ap-east-1,"
    "us-east-1,ap-northeast-2,ap-northeast-3,eu-west-2,ap-northeast-1,us-west-2,us-west-1,ap-southeast-1,"
    "ap-southeast-2,ca-central-1"
)
#: Commercial regions that the pages of the IAM rule and of the newer SageMaker rules list as exceptions ("All
#: supported AWS regions except ..."): regions AWS Config reached after February 2022
#: (https://docs.aws.amazon.com/config/latest/developerguide/iam-policy-no-statements-with-admin-access.html,
#: https://docs.aws.amazon.com/config/latest/developerguide/sagemaker-domain-in-vpc.html).
_AFTER_FEBRUARY_2022 = (
    "ap-southeast-7,me-central-1,ap-south-2,ap-southeast-5,ap-southeast-4,mx-central-1,il-central-1,"
    "ap-east-2,ca-west-1,eu-south-2,eu-central-2"
)
#: The regions the pages of the feature-group rules (April 2026) list as exceptions: New Zealand, Bahrain,
#: Thailand, UAE, Hyderabad, Malaysia, Melbourne, the two GovCloud regions, Mexico, Taipei and Calgary
#: (https://docs.aws.amazon.com/config/latest/developerguide/sagemaker-featuregroup-encryption-at-rest.html).
_NOT_FOR_FEATURE_GROUPS = (
    "ap-southeast-6,me-south-1,ap-southeast-7,me-central-1,ap-south-2,ap-southeast-5,ap-southeast-4,"
    "us-gov-east-1,us-gov-west-1,mx-central-1,ap-east-2,ca-west-1"
)
_NO_BAHRAIN = ",".join(r for r in _MONITORING_ALL.split(",") if r != "me-south-1")
_NO_STOCKHOLM = ",".join(r for r in _MONITORING_ALL.split(",") if r != "eu-north-1")

#: THE table of managed rules (name → spec). Every identifier is checked by tests against
#: ``cdk_secure_ml/policies/data/config_managed_rules.txt``, which names its source.
CONFIG_RULES: Mapping[str, ConfigRuleSpec] = {
    spec.name: spec
    for spec in (
        ConfigRuleSpec(
            "sagemaker-notebook-no-direct-internet-access",
            "SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET_ACCESS",
            "sagemaker",
            "notebook instances without direct internet access",
        ),
        ConfigRuleSpec(
            "sagemaker-notebook-instance-kms-key-configured",
            "SAGEMAKER_NOTEBOOK_INSTANCE_KMS_KEY_CONFIGURED",
            "sagemaker",
            "notebook instance volumes encrypted with a KMS key",
        ),
        ConfigRuleSpec(
            "sagemaker-notebook-instance-inside-vpc",
            "SAGEMAKER_NOTEBOOK_INSTANCE_INSIDE_VPC",
            "sagemaker",
            "notebook instances launched in a VPC",
        ),
        ConfigRuleSpec(
            "sagemaker-notebook-instance-root-access-check",
            "SAGEMAKER_NOTEBOOK_INSTANCE_ROOT_ACCESS_CHECK",
            "sagemaker",
            "notebook instances without root access",
        ),
        ConfigRuleSpec(
            "sagemaker-endpoint-configuration-kms-key-configured",
            "SAGEMAKER_ENDPOINT_CONFIGURATION_KMS_KEY_CONFIGURED",
            "sagemaker",
            "endpoint configs encrypt the instance volume with a KMS key",
        ),
        ConfigRuleSpec(
            "sagemaker-endpoint-config-prod-instance-count",
            "SAGEMAKER_ENDPOINT_CONFIG_PROD_INSTANCE_COUNT",
            "sagemaker",
            "production variants run more than one instance",
        ),
        ConfigRuleSpec(
            "sagemaker-model-in-vpc",
            "SAGEMAKER_MODEL_IN_VPC",
            "sagemaker",
            "models run their containers in a VPC",
            excluded_regions=_regions(_AFTER_FEBRUARY_2022),
        ),
        ConfigRuleSpec(
            "sagemaker-model-isolation-enabled",
            "SAGEMAKER_MODEL_ISOLATION_ENABLED",
            "sagemaker",
            "models have network isolation",
            excluded_regions=_regions(_AFTER_FEBRUARY_2022),
        ),
        ConfigRuleSpec(
            "sagemaker-domain-in-vpc",
            "SAGEMAKER_DOMAIN_IN_VPC",
            "sagemaker",
            "Studio domains are VpcOnly",
            excluded_regions=_regions(_AFTER_FEBRUARY_2022),
        ),
        ConfigRuleSpec(
            "sagemaker-data-quality-job-isolation",
            "SAGEMAKER_DATA_QUALITY_JOB_ISOLATION",
            "sagemaker",
            "data quality monitoring jobs have network isolation",
            _regions(_MONITORING_ALL),
        ),
        ConfigRuleSpec(
            "sagemaker-model-quality-job-definition-isolation",
            "SAGEMAKER_MODEL_QUALITY_JOB_DEFINITION_ISOLATION",
            "sagemaker",
            "model quality monitoring jobs have network isolation",
            _regions(_NO_BAHRAIN),
        ),
        ConfigRuleSpec(
            "sagemaker-model-bias-job-isolation",
            "SAGEMAKER_MODEL_BIAS_JOB_ISOLATION",
            "sagemaker",
            "model bias monitoring jobs have network isolation",
            _regions(_NO_STOCKHOLM),
        ),
        ConfigRuleSpec(
            "sagemaker-model-explainability-job-network-isolation",
            "SAGEMAKER_MODEL_EXPLAINABILITY_JOB_NETWORK_ISOLATION",
            "sagemaker",
            "model explainability monitoring jobs have network isolation",
            _regions(_NO_BAHRAIN),
        ),
        ConfigRuleSpec(
            "sagemaker-featuregroup-online-store-encryption",
            "SAGEMAKER_FEATUREGROUP_ONLINE_STORE_ENCRYPTION",
            "sagemaker",
            "feature groups encrypt their (Standard) online store with a KMS key",
            excluded_regions=_regions(_NOT_FOR_FEATURE_GROUPS),
        ),
        ConfigRuleSpec(
            "sagemaker-featuregroup-encryption-at-rest",
            "SAGEMAKER_FEATUREGROUP_ENCRYPTION_AT_REST",
            "sagemaker",
            "feature groups encrypt their offline store with a KMS key",
            excluded_regions=_regions(_NOT_FOR_FEATURE_GROUPS),
        ),
        ConfigRuleSpec(
            "s3-bucket-ssl-requests-only",
            "S3_BUCKET_SSL_REQUESTS_ONLY",
            "baseline",
            "bucket policies deny plain-HTTP requests",
        ),
        ConfigRuleSpec(
            "s3-default-encryption-kms",
            "S3_DEFAULT_ENCRYPTION_KMS",
            "baseline",
            "buckets are encrypted with KMS by default",
        ),
        ConfigRuleSpec("cloudtrail-enabled", "CLOUD_TRAIL_ENABLED", "baseline", "CloudTrail is on"),
        ConfigRuleSpec(
            "multi-region-cloudtrail-enabled",
            "MULTI_REGION_CLOUD_TRAIL_ENABLED",
            "baseline",
            "at least one multi-region trail",
        ),
        ConfigRuleSpec(
            "cloud-trail-log-file-validation-enabled",
            "CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED",
            "baseline",
            "trails sign digest files (tamper evidence)",
        ),
        ConfigRuleSpec(
            "cloud-trail-encryption-enabled",
            "CLOUD_TRAIL_ENCRYPTION_ENABLED",
            "baseline",
            "trails encrypt log files with KMS",
        ),
        ConfigRuleSpec(
            "cmk-backing-key-rotation-enabled",
            "CMK_BACKING_KEY_ROTATION_ENABLED",
            "baseline",
            "customer-managed keys rotate",
        ),
        ConfigRuleSpec("vpc-flow-logs-enabled", "VPC_FLOW_LOGS_ENABLED", "baseline", "VPCs have flow logs"),
        ConfigRuleSpec(
            "restricted-ssh",
            "INCOMING_SSH_DISABLED",
            "baseline",
            "no security group allows SSH from 0.0.0.0/0",
        ),
        ConfigRuleSpec(
            "iam-policy-no-statements-with-admin-access",
            "IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS",
            "baseline",
            "no customer policy allows * on *",
            excluded_regions=_regions(_AFTER_FEBRUARY_2022),
        ),
    )
}

#: Rules that AWS Config evaluates only on a schedule (trigger type "Periodic" on their pages).
PERIODIC_RULES = frozenset(
    {
        "sagemaker-notebook-no-direct-internet-access",
        "sagemaker-notebook-instance-kms-key-configured",
        "sagemaker-endpoint-configuration-kms-key-configured",
        "sagemaker-endpoint-config-prod-instance-count",
        "cloudtrail-enabled",
        "multi-region-cloudtrail-enabled",
        "cloud-trail-log-file-validation-enabled",
        "cloud-trail-encryption-enabled",
        "cmk-backing-key-rotation-enabled",
        "vpc-flow-logs-enabled",
    }
)


def managed_rules_list() -> dict[str, tuple[str, frozenset[str] | None, frozenset[str]]]:
    """The verified list kept in the repo: rule name → (identifier, regions or None, excluded regions)."""
    text = (
        resources.files("cdk_secure_ml.policies").joinpath("data/config_managed_rules.txt").read_text("utf-8")
    )
    rules: dict[str, tuple[str, frozenset[str] | None, frozenset[str]]] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, identifier, *rest = line.split()
        regions: frozenset[str] | None = None
        excluded: frozenset[str] = frozenset()
        for extra in rest:
            if extra.startswith("regions="):
                regions = frozenset(extra.removeprefix("regions=").split(","))
            if extra.startswith("except="):
                excluded = frozenset(extra.removeprefix("except=").split(","))
        rules[name] = (identifier, regions, excluded)
    return rules
