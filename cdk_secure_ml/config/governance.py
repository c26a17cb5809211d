"""``governance``: CloudTrail, AWS Config rules, GuardDuty, alerts and the Organizations SCPs
(docs/governance.md, ``GovernanceStack`` and ``OrganizationGuardrailsStack``)."""

from __future__ import annotations

import re
from typing import Any

from pydantic import ConfigDict, Field, field_validator

from cdk_secure_ml.config._section import Problem, Section
from cdk_secure_ml.config._types import (
    AccountId,
    Emails,
    ObjectLockDays,
    ObjectLockMode,
    RetentionDays,
    RoleArns,
    Severity,
)
from cdk_secure_ml.core.config_rules import CONFIG_RULES
from cdk_secure_ml.core.governance import KMS_KEY_ARN_RE
from cdk_secure_ml.core.names import BUCKET_NAME_RE
from cdk_secure_ml.core.regions import known_regions

_OU_ID_RE = re.compile(r"^ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}$")
_PRINCIPAL_ARN_PATTERN_RE = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}|\*):role/[\w+=,.@/*-]+$")

#: The CloudFormation execution role ``cdk bootstrap`` creates in every account and region (default
#: qualifier).
CDK_EXEC_ROLE_PATTERN = "arn:aws:iam::*:role/cdk-hnb659fds-cfn-exec-role-*"
#: AWS Organizations attaches at most this many SCPs to one root, OU or account, counting every SCP
#: attached there (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html).
MAX_SCPS_PER_TARGET = 5
#: The platform's SCP documents (each one SCP unless merged); region-allow-list only with allowed_regions.
PLATFORM_SCPS = ("sagemaker-network", "sagemaker-encryption", "protect-audit")


def central_key_problems(archive: Any) -> list[Problem]:
    """A central log archive needs the ARN of the key its logs are encrypted with."""
    if archive.kms_key_arn is None:
        return [(("kms_key_arn",), (
            f"central log archive bucket {archive.bucket_name!r} needs its KMS key ARN; set "
            "governance.central_log_archive.kms_key_arn to the log-archive account's CloudTrail key"))]
    return []


class CentralLogArchiveConfig(Section):
    """A log-archive bucket in another account that receives this account's CloudTrail logs."""

    # kms_key_arn is required; the rule says so with a better message than pydantic's "missing".
    model_config = ConfigDict(json_schema_extra={"required": ["bucket_name", "kms_key_arn"]})

    bucket_name: str = Field(description="Name of the central log-archive bucket (an S3 bucket name).")
    kms_key_arn: str | None = Field(
        None, description="Required with the bucket: ARN of the KMS key the log-archive account encrypts "
        "CloudTrail logs with.")

    rules = (central_key_problems,)

    @field_validator("bucket_name")
    @classmethod
    def _bucket(cls, name: str) -> str:
        if not BUCKET_NAME_RE.match(name) or ".." in name:
            raise ValueError(f"{name!r} is not an S3 bucket name (3-63 lower-case letters, digits, '.' and "
                             "'-')")
        return name

    @field_validator("kms_key_arn")
    @classmethod
    def _key_arn(cls, arn: str | None) -> str | None:
        if arn is not None and not KMS_KEY_ARN_RE.match(arn):
            raise ValueError(
                f"{arn!r} is not a KMS key ARN; use arn:aws:kms:<region>:<12-digit account>:key/<key id>"
            )
        return arn


def scp_quota_problems(org: Any) -> list[Problem]:
    """The platform's SCPs and those already attached fit AWS's 5 per OU."""
    total = org.platform_scp_count + org.attached_scps_per_target
    if total <= MAX_SCPS_PER_TARGET:
        return []
    fixes = ["set merge_scps: true (the platform's statements packed into as few SCPs as fit)"] \
        if not org.merge_scps else []
    fixes.append("detach SCPs you no longer need from the OUs, or target OUs with fewer SCPs")
    return [((), (
        f"the platform attaches {org.platform_scp_count} SCP(s) to each OU and attached_scps_per_target says "
        f"{org.attached_scps_per_target} are already there: {total} is more than the "
        f"{MAX_SCPS_PER_TARGET} SCPs AWS attaches to one OU; " + ", or ".join(fixes)))]


class OrganizationConfig(Section):
    """Organizations guardrails, deployed from the management account (OrganizationGuardrailsStack)."""

    management_account_id: AccountId | None = Field(
        None, description="12-digit account of OrganizationGuardrailsStack (the management account or a "
                          "delegated policy administrator).")
    target_ou_ids: list[str] = Field(description="OUs the ML guardrail SCPs are attached to "
                                                 "(ou-xxxx-xxxxxxxx).")
    allowed_regions: list[str] = Field(
        default_factory=list, description="Region allow-list SCP (known AWS region codes); empty: no region "
        "restriction."
    )
    ai_services_opt_out: bool = Field(
        True, description="Attach the AI services opt-out policy to the OUs (its policy type must be enabled "
        "in the root first: docs/governance.md)."
    )
    deployer_role_arns: list[str] = Field(
        default_factory=lambda: [CDK_EXEC_ROLE_PATTERN],
        description="Role ARN patterns of CloudFormation execution roles that may reconfigure (never stop or "
        "delete) CloudTrail, Config and GuardDuty, and only in calls CloudFormation makes; not empty.",
    )
    break_glass_role_arns: list[str] = Field(
        default_factory=list,
        description="Role ARN patterns that may also stop or delete CloudTrail, Config and GuardDuty "
                    "(incident response, teardown). Empty: nobody in the OUs can; detach protect-audit from "
                    "the management account instead.",
    )
    attached_scps_per_target: int = Field(
        1, description="SCPs already attached to each target OU, FullAWSAccess included (Control Tower adds "
        "its own), 1-5; AWS allows 5 per OU in all."
    )
    merge_scps: bool = Field(
        False, description="Attach the platform's SCP statements packed into as few SCPs as the "
                           "5,120-character limit allows (usually 1-2 of the 5 per OU instead of 3-4)."
    )

    rules = (scp_quota_problems,)
    removed_keys = {
        "exempt_principal_arns": (
            "exempt_principal_arns was split in two: list CloudFormation execution roles (which may only "
            "reconfigure the audit services, through CloudFormation) under deployer_role_arns, and "
            "break-glass roles (which may also stop or delete them) under break_glass_role_arns"),
    }

    @field_validator("target_ou_ids")
    @classmethod
    def _ous(cls, ous: list[str]) -> list[str]:
        if not ous:
            raise ValueError("target_ou_ids is empty; list the OU ids to attach the guardrails to "
                             "(ou-xxxx-xxxxxxxx)")
        bad = [o for o in ous if not _OU_ID_RE.match(o)]
        if bad:
            raise ValueError(f"{bad} are not OU ids; an OU id looks like ou-ab12-cd34ef56 "
                             f"({_OU_ID_RE.pattern})")
        return ous

    @field_validator("allowed_regions")
    @classmethod
    def _regions(cls, regions: list[str]) -> list[str]:
        unknown = [r for r in regions if r not in known_regions()]
        if unknown:
            raise ValueError(f"unknown region(s) {unknown} in the allow-list; use AWS region codes such as "
                             "eu-west-1")
        return regions

    @field_validator("deployer_role_arns")
    @classmethod
    def _deployers(cls, arns: list[str]) -> list[str]:
        if not arns:
            raise ValueError(
                "deployer_role_arns is empty: protect-audit would deny CloudFormation the calls that create "
                "and update the Governance stack's trail, recorder and detector; list its execution role(s), "
                f"e.g. {CDK_EXEC_ROLE_PATTERN}"
            )
        return arns

    @field_validator("deployer_role_arns", "break_glass_role_arns")
    @classmethod
    def _exempt(cls, arns: list[str]) -> list[str]:
        bad = [a for a in arns if not _PRINCIPAL_ARN_PATTERN_RE.match(a)]
        if bad:
            raise ValueError(
                f"{bad} are not IAM role ARN patterns (arn:aws:iam::<account or *>:role/<name, may use *>)"
            )
        return arns

    @field_validator("attached_scps_per_target")
    @classmethod
    def _attached(cls, count: int) -> int:
        if not 1 <= count <= MAX_SCPS_PER_TARGET:
            raise ValueError(
                f"attached_scps_per_target {count} is outside 1-{MAX_SCPS_PER_TARGET}: every OU has "
                f"FullAWSAccess (or a replacement) attached, and AWS attaches at most {MAX_SCPS_PER_TARGET} "
                "SCPs to one OU"
            )
        return count

    def scp_documents(self) -> list[str]:
        """Names of the platform's SCP documents for this config, in attachment order."""
        return [*PLATFORM_SCPS, *(["region-allow-list"] if self.allowed_regions else [])]

    def scp_content(self) -> dict[str, dict[str, Any]]:
        """The platform's SCP documents for this config (name → document), in attachment order."""
        from cdk_secure_ml.policies import scp  # the SCP documents; only organization sections need them

        params: dict[str, dict[str, Any]] = {
            "protect-audit": {"deployer_role_arns": list(self.deployer_role_arns),
                              "break_glass_role_arns": list(self.break_glass_role_arns)},
            "region-allow-list": {"allowed_regions": list(self.allowed_regions)},
        }
        return {name: scp.load_policy(name, **params.get(name, {})) for name in self.scp_documents()}

    def merged_scps(self) -> list[dict[str, Any]]:
        """With ``merge_scps``: the statements of every platform document packed into as few SCPs as fit."""
        from cdk_secure_ml.policies import scp

        return scp.merged(self.scp_content())

    @property
    def platform_scp_count(self) -> int:
        """SCPs the platform attaches to each target (the documents, or as few as they pack into when
        merged)."""
        return len(self.merged_scps()) if self.merge_scps else len(self.scp_documents())


class GovernanceConfig(Section):
    """Audit and guardrails: CloudTrail, AWS Config rules, GuardDuty, alerts, Organizations SCPs."""

    central_log_archive: CentralLogArchiveConfig | None = Field(
        None, description="Deliver CloudTrail to a central bucket in a log-archive account instead of "
                          "creating an archive bucket here."
    )
    object_lock_mode: ObjectLockMode = Field(
        "GOVERNANCE", description="Object Lock mode of the local log archive: GOVERNANCE or COMPLIANCE.")
    object_lock_retention_days: ObjectLockDays = Field(
        365, description="Object Lock retention of the local log archive, 1-36,500 days.")
    auditor_role_arns: RoleArns = Field(
        default_factory=list, description="IAM role ARNs that may read the local log archive (and Config's "
                                          "bucket).")
    trail_log_retention_days: RetentionDays = Field(
        365, description="Retention of the trail's CloudWatch Logs copy: a CloudWatch Logs retention period.")
    s3_data_events: bool = Field(True, description="Log S3 object-level events of the data and artifacts "
                                                   "buckets.")
    lambda_data_events: bool = Field(False, description="Log Lambda Invoke data events (all functions).")
    config_recorder: bool | None = Field(
        None, description="Create the Config recorder, delivery channel and Config's bucket. Default: true "
                          "for a standalone account, false with a delivery or organization section (the "
                          "landing zone records the accounts; one recorder per account and region)."
    )
    disabled_config_rules: list[str] = Field(
        default_factory=list, description="Config rule names not to deploy (names of the table in "
                                          "docs/governance.md).")
    guardduty_detector: bool | None = Field(
        None, description="Create a GuardDuty detector. Default: true for a standalone account, false with a "
        "delivery or organization section (the organization's delegated administrator enables GuardDuty; one "
        "detector per account and region)."
    )
    guardduty_min_severity: Severity = Field(
        7.0, description="Alert on GuardDuty findings at or above this severity, 1-10 (7: high and up).")
    alert_emails: Emails = Field(
        default_factory=list, description="Email addresses subscribed to the alert topic, each once; each "
                                          "must confirm its subscription.")
    organization: OrganizationConfig | None = Field(
        None, description="Organizations SCPs and the AI services opt-out for the ML OUs "
        "(OrganizationGuardrailsStack in the management account).")

    @field_validator("disabled_config_rules")
    @classmethod
    def _rules(cls, names: list[str]) -> list[str]:
        unknown = [n for n in names if n not in CONFIG_RULES]
        if unknown:
            raise ValueError(f"unknown Config rule(s) {unknown}; use names from {sorted(CONFIG_RULES)}")
        return names
