"""Typed platform configuration, loaded from YAML and validated before any construct is built.

A bad file fails with one :class:`ConfigError` that lists every problem with its dotted path in the
file and, where it can be found, the line number, so a user fixes everything in one pass.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from cdk_secure_ml.core.config_rules import CONFIG_RULES
from cdk_secure_ml.core.names import (
    ACCOUNT_ID_RE,
    BUCKET_NAME_RE,
    DATA_CLASS_RE,
    DIGEST_RE,
    EMAIL_RE,
    EXECUTION_PERSONAS,
    IMAGE_TAG_RE,
    INSTANCE_TYPE_RE,
    ORGANIZATION_ID_RE,
    PERSONAS,
    ROLE_ARN_RE,
    SAGEMAKER_NAME_RE,
    TEAM_NAME_RE,
)
from cdk_secure_ml.core.network import (
    DEFAULT_INTERFACE_ENDPOINTS,
    INTERFACE_ENDPOINT_SERVICES,
    az_id_problems,
    validate_vpc_cidr,
)
from cdk_secure_ml.core.regions import known_regions

#: Retention periods CloudWatch Logs accepts: ``aws_logs.RetentionDays`` member name -> days.
LOG_RETENTION_DAYS: dict[str, int] = {
    "ONE_DAY": 1, "THREE_DAYS": 3, "FIVE_DAYS": 5, "ONE_WEEK": 7, "TWO_WEEKS": 14, "ONE_MONTH": 30,
    "TWO_MONTHS": 60, "THREE_MONTHS": 90, "FOUR_MONTHS": 120, "FIVE_MONTHS": 150, "SIX_MONTHS": 180,
    "ONE_YEAR": 365, "THIRTEEN_MONTHS": 400, "EIGHTEEN_MONTHS": 545, "TWO_YEARS": 731,
    "THREE_YEARS": 1096, "FIVE_YEARS": 1827, "SIX_YEARS": 2192, "SEVEN_YEARS": 2557,
    "EIGHT_YEARS": 2922, "NINE_YEARS": 3288, "TEN_YEARS": 3653,
}

#: Data classes the reference platform needs a key for (see docs/encryption.md).
PLATFORM_DATA_CLASSES = ("data", "artifacts", "volumes", "logs")

_NAME_RE = re.compile(r"^[a-z][a-z0-9-]{1,30}[a-z0-9]$")
_TAG_KEY_RE = re.compile(r"^[\w.:/=+\-@ ]{1,128}$")


class _Strict(BaseModel):
    # Unknown keys are typos more often than not: reject them.
    model_config = ConfigDict(extra="forbid", frozen=True)


class InterfaceEndpointsConfig(_Strict):
    extra: list[str] = Field(default_factory=list, description="Services to add to the default set.")
    remove: list[str] = Field(default_factory=list, description="Services to drop from the default set.")

    @field_validator("extra", "remove")
    @classmethod
    def _known_services(cls, names: list[str]) -> list[str]:
        unknown = [n for n in names if n not in INTERFACE_ENDPOINT_SERVICES]
        if unknown:
            raise ValueError(
                f"unknown endpoint service name(s) {unknown}; use one of {sorted(INTERFACE_ENDPOINT_SERVICES)}"
            )
        return names

    @model_validator(mode="after")
    def _remove_only_defaults(self) -> InterfaceEndpointsConfig:
        not_default = [n for n in self.remove if n not in DEFAULT_INTERFACE_ENDPOINTS]
        if not_default:
            raise ValueError(
                f"remove lists {not_default}, which are not in the default set "
                f"{list(DEFAULT_INTERFACE_ENDPOINTS)}; drop them from 'remove'"
            )
        return self

    def services(self) -> list[str]:
        """The resulting service list, defaults first, without duplicates."""
        names = [n for n in DEFAULT_INTERFACE_ENDPOINTS if n not in self.remove]
        return names + [n for n in dict.fromkeys(self.extra) if n not in names]


class EndpointPolicyConfig(_Strict):
    """Who may use the VPC endpoints (docs/network.md, "Endpoint policies")."""

    restrict: bool = Field(True, description="Endpoint policies limited to the account or organization.")
    organization_id: str | None = Field(
        None, description="AWS Organizations id (o-...): admit the organization's principals and buckets; "
                          "default: this account only.")
    trusted_accounts: list[Annotated[str, BeforeValidator(lambda v: str(v) if isinstance(v, int) else v)]] = Field(
        default_factory=list, description="Accounts outside the organization whose principals and buckets are admitted.")
    allowed_s3_objects: list[str] = Field(
        default_factory=list, description="AWS-owned S3 object ARN patterns readable through the S3 endpoint "
                                          "(e.g. JumpStart's or CodeArtifact's buckets).")

    @field_validator("organization_id")
    @classmethod
    def _org(cls, value: str | None) -> str | None:
        if value is not None and not ORGANIZATION_ID_RE.match(value):
            raise ValueError(f"{value!r} is not an AWS Organizations id; it looks like o-a1b2c3d4e5 "
                             "(aws organizations describe-organization --query Organization.Id)")
        return value

    @field_validator("trusted_accounts")
    @classmethod
    def _accounts(cls, accounts: list[str]) -> list[str]:
        bad = [a for a in accounts if not _ACCOUNT_ID_RE.match(a)]
        if bad:
            raise ValueError(f"{bad} are not 12-digit account ids; quote ids in YAML ('012345678901')")
        return accounts

    @field_validator("allowed_s3_objects")
    @classmethod
    def _objects(cls, arns: list[str]) -> list[str]:
        bad = [a for a in arns if not re.match(r"^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.*-]{1,62}/.+$", a)]
        if bad:
            raise ValueError(f"{bad} are not S3 object ARN patterns; use arn:aws:s3:::<bucket>/<key pattern>, "
                             "e.g. arn:aws:s3:::jumpstart-cache-prod-eu-west-1/*")
        return arns


class NetworkConfig(_Strict):
    cidr: str = "10.20.0.0/16"
    az_count: int = Field(2, ge=2, le=6, description="Availability zones for the isolated subnets.")
    availability_zones: list[str] = Field(
        default_factory=list,
        description="Explicit AZ names; needed for more than 2 AZs in an environment-agnostic stack.",
    )
    availability_zone_ids: list[str] = Field(
        default_factory=list,
        description="Explicit AZ IDs (use1-az1, ...) instead of names: the same zones in every account.",
    )
    subnet_cidr_mask: int | None = Field(None, ge=16, le=28)
    reserved_cidrs: list[str] = Field(
        default_factory=list,
        description="Ranges used elsewhere (peered VPCs, on-premises) that the VPC must not overlap.",
    )
    interface_endpoints: InterfaceEndpointsConfig = Field(default_factory=InterfaceEndpointsConfig)
    dynamodb_gateway_endpoint: bool = False
    endpoint_access_from_vpc_cidr: bool = False
    s3_prefix_list_id: str | None = Field(None, pattern=r"^pl-[0-9a-f]{8,17}$")
    flow_logs_retention_days: int = 365
    endpoint_policy: EndpointPolicyConfig = Field(default_factory=EndpointPolicyConfig)

    @field_validator("flow_logs_retention_days")
    @classmethod
    def _retention(cls, days: int) -> int:
        if days not in LOG_RETENTION_DAYS.values():
            raise ValueError(
                f"{days} is not a CloudWatch Logs retention period; use one of {sorted(LOG_RETENTION_DAYS.values())}"
            )
        return days

    @field_validator("cidr")
    @classmethod
    def _cidr(cls, cidr: str) -> str:
        validate_vpc_cidr(cidr)
        return cidr

    @field_validator("reserved_cidrs")
    @classmethod
    def _reserved(cls, cidrs: list[str]) -> list[str]:
        bad = []
        for cidr in cidrs:
            try:
                ipaddress.IPv4Network(cidr, strict=False)
            except ValueError:
                bad.append(cidr)
        if bad:
            raise ValueError(f"{bad} are not IPv4 networks (e.g. 10.0.0.0/8)")
        return cidrs

    @model_validator(mode="after")
    def _overlap_and_azs(self) -> NetworkConfig:
        validate_vpc_cidr(self.cidr, reserved_cidrs=self.reserved_cidrs)
        if self.availability_zone_ids and self.availability_zones:
            raise ValueError("give availability_zones (names) or availability_zone_ids (IDs), not both")
        if self.availability_zones:
            if len(set(self.availability_zones)) != len(self.availability_zones):
                raise ValueError(f"availability_zones {self.availability_zones} repeats a zone; list each once")
            if len(self.availability_zones) < 2:
                raise ValueError(
                    f"availability_zones {self.availability_zones} has fewer than 2 zones; "
                    "SageMaker hosting needs subnets in at least 2 AZs"
                )
        return self

    def azs(self) -> int:
        return len(self.availability_zone_ids) or len(self.availability_zones) or self.az_count


class EncryptionConfig(_Strict):
    data_classes: list[str] = Field(default_factory=lambda: list(PLATFORM_DATA_CLASSES))
    shared_key: bool = Field(False, description="One key for every data class instead of one per class.")
    alias_prefix: str | None = Field(None, description="Alias prefix; defaults to the platform name.")
    pending_window_days: int = Field(30, ge=7, le=30)

    @field_validator("data_classes")
    @classmethod
    def _layout(cls, classes: list[str]) -> list[str]:
        if not classes:
            raise ValueError(
                f"the key layout is empty; list the data classes to encrypt, e.g. {list(PLATFORM_DATA_CLASSES)}"
            )
        bad = [c for c in classes if not DATA_CLASS_RE.match(c)]
        if bad:
            raise ValueError(f"data class names {bad} must be lower-case words matching {DATA_CLASS_RE.pattern}")
        if len(set(classes)) != len(classes):
            raise ValueError(f"data classes {classes} repeat a name; list each once")
        missing = [c for c in PLATFORM_DATA_CLASSES if c not in classes]
        if missing:
            raise ValueError(
                f"the platform needs keys for {missing}; add them to data_classes "
                "(set shared_key: true to use one key for everything)"
            )
        return classes


class StorageConfig(_Strict):
    restrict_to_vpc_endpoint: bool = Field(
        True, description="Deny object access to the data and artifact buckets from outside the S3 gateway endpoint."
    )
    vpc_endpoint_exception_role_arns: list[str] = Field(
        default_factory=list, description="Principals (role ARNs) that may reach the buckets from outside the VPC."
    )
    object_lock_retention_days: int | None = Field(None, description="Object Lock default retention for artifacts.")
    object_lock_mode: Literal["GOVERNANCE", "COMPLIANCE"] = "GOVERNANCE"

    @field_validator("vpc_endpoint_exception_role_arns")
    @classmethod
    def _arns(cls, arns: list[str]) -> list[str]:
        bad = [a for a in arns if not ROLE_ARN_RE.match(a)]
        if bad:
            raise ValueError(f"{bad} are not IAM role ARNs (arn:aws:iam::<12-digit account>:role/<name>)")
        return arns

    @field_validator("object_lock_retention_days")
    @classmethod
    def _lock_days(cls, days: int | None) -> int | None:
        if days is not None and not 1 <= days <= 36500:
            raise ValueError(f"Object Lock retention {days} days is outside 1-36500; pick a value in that range")
        return days


_OU_ID_RE = re.compile(r"^ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}$")
_KMS_KEY_ARN_RE = re.compile(r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/(?:mrk-)?[0-9a-f-]{32,36}$")
_PRINCIPAL_ARN_PATTERN_RE = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}|\*):role/[\w+=,.@/*-]+$")


def check_emails(emails: list[str]) -> list[str]:
    """Every entry must be an email address; the error names the ones that are not."""
    bad = [e for e in emails if not EMAIL_RE.match(e)]
    if bad:
        raise ValueError(f"{bad} are not email addresses (name@example.com)")
    return emails


class CentralLogArchiveConfig(_Strict):
    """A log-archive bucket in another account that receives this account's CloudTrail logs."""

    bucket_name: str = Field(description="Name of the central log-archive bucket.")
    kms_key_arn: str | None = Field(None, description="ARN of the KMS key the central bucket's logs are encrypted with.")

    @field_validator("bucket_name")
    @classmethod
    def _bucket(cls, name: str) -> str:
        if not BUCKET_NAME_RE.match(name) or ".." in name:
            raise ValueError(f"{name!r} is not an S3 bucket name (3-63 lower-case letters, digits, '.' and '-')")
        return name

    @field_validator("kms_key_arn")
    @classmethod
    def _key_arn(cls, arn: str | None) -> str | None:
        if arn is not None and not _KMS_KEY_ARN_RE.match(arn):
            raise ValueError(
                f"{arn!r} is not a KMS key ARN; use arn:aws:kms:<region>:<12-digit account>:key/<key id>"
            )
        return arn

    @model_validator(mode="after")
    def _needs_key(self) -> CentralLogArchiveConfig:
        if self.kms_key_arn is None:
            raise ValueError(
                f"central log archive bucket {self.bucket_name!r} needs its KMS key ARN; set "
                "governance.central_log_archive.kms_key_arn to the log-archive account's CloudTrail key"
            )
        return self


#: The CloudFormation execution role ``cdk bootstrap`` creates in every account and region (default qualifier).
CDK_EXEC_ROLE_PATTERN = "arn:aws:iam::*:role/cdk-hnb659fds-cfn-exec-role-*"
#: AWS Organizations attaches at most this many SCPs to one root, OU or account, counting every SCP
#: attached there (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html).
MAX_SCPS_PER_TARGET = 5
#: The platform's SCP documents (each one SCP unless merged); region-allow-list only with allowed_regions.
PLATFORM_SCPS = ("sagemaker-network", "sagemaker-encryption", "protect-audit")


class OrganizationConfig(_Strict):
    """Organizations guardrails, deployed from the management account (OrganizationGuardrailsStack)."""

    management_account_id: str | None = Field(None, pattern=r"^\d{12}$")
    target_ou_ids: list[str] = Field(description="OUs the ML guardrail SCPs are attached to.")
    allowed_regions: list[str] = Field(
        default_factory=list, description="Region allow-list SCP; empty: no region restriction."
    )
    ai_services_opt_out: bool = Field(
        True, description="Attach the AI services opt-out policy to the OUs (its policy type must be enabled "
        "in the root first: docs/governance.md)."
    )
    deployer_role_arns: list[str] = Field(
        default_factory=lambda: [CDK_EXEC_ROLE_PATTERN],
        description="CloudFormation execution roles that may reconfigure CloudTrail, Config and GuardDuty "
        "(never stop or delete them), and only in calls CloudFormation makes.",
    )
    break_glass_role_arns: list[str] = Field(
        default_factory=list,
        description="Roles that may also stop or delete CloudTrail, Config and GuardDuty (incident response, "
        "teardown). Empty: nobody in the OUs can; detach protect-audit from the management account instead.",
    )
    attached_scps_per_target: int = Field(
        1, description="SCPs already attached to each target OU, FullAWSAccess included (Control Tower adds "
        "its own); AWS allows 5 per OU in all."
    )
    merge_scps: bool = Field(
        False, description="Attach the platform's SCP statements packed into as few SCPs as the 5,120-character limit "
        "allows (usually 1-2 of the 5 per OU instead of 3-4)."
    )

    @model_validator(mode="before")
    @classmethod
    def _split_exemptions(cls, data: Any) -> Any:
        if isinstance(data, dict) and "exempt_principal_arns" in data:
            raise ValueError(
                "exempt_principal_arns was split in two: list CloudFormation execution roles (which may only "
                "reconfigure the audit services, through CloudFormation) under deployer_role_arns, and "
                "break-glass roles (which may also stop or delete them) under break_glass_role_arns"
            )
        return data

    @field_validator("target_ou_ids")
    @classmethod
    def _ous(cls, ous: list[str]) -> list[str]:
        if not ous:
            raise ValueError("target_ou_ids is empty; list the OU ids to attach the guardrails to (ou-xxxx-xxxxxxxx)")
        bad = [o for o in ous if not _OU_ID_RE.match(o)]
        if bad:
            raise ValueError(f"{bad} are not OU ids; an OU id looks like ou-ab12-cd34ef56 ({_OU_ID_RE.pattern})")
        return ous

    @field_validator("allowed_regions")
    @classmethod
    def _regions(cls, regions: list[str]) -> list[str]:
        unknown = [r for r in regions if r not in known_regions()]
        if unknown:
            raise ValueError(f"unknown region(s) {unknown} in the allow-list; use AWS region codes such as eu-west-1")
        return regions

    @field_validator("deployer_role_arns")
    @classmethod
    def _deployers(cls, arns: list[str]) -> list[str]:
        if not arns:
            raise ValueError(
                "deployer_role_arns is empty: protect-audit would deny CloudFormation the calls that create and "
                f"update the Governance stack's trail, recorder and detector; list its execution role(s), e.g. "
                f"{CDK_EXEC_ROLE_PATTERN}"
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
                f"attached_scps_per_target {count} is outside 1-{MAX_SCPS_PER_TARGET}: every OU has FullAWSAccess "
                f"(or a replacement) attached, and AWS attaches at most {MAX_SCPS_PER_TARGET} SCPs to one OU"
            )
        return count

    def scp_documents(self) -> list[str]:
        """Names of the platform's SCP documents for this config, in attachment order."""
        return [*PLATFORM_SCPS, *(["region-allow-list"] if self.allowed_regions else [])]

    def scp_content(self) -> dict[str, dict[str, Any]]:
        """The platform's SCP documents for this config (name → document), in attachment order."""
        from cdk_secure_ml.policies import scp

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
        """SCPs the platform attaches to each target (the documents, or as few as they pack into when merged)."""
        return len(self.merged_scps()) if self.merge_scps else len(self.scp_documents())

    @model_validator(mode="after")
    def _fits_the_scp_quota(self) -> OrganizationConfig:
        total = self.platform_scp_count + self.attached_scps_per_target
        if total > MAX_SCPS_PER_TARGET:
            fixes = ["set merge_scps: true (the platform's statements packed into as few SCPs as fit)"] \
                if not self.merge_scps else []
            fixes.append("detach SCPs you no longer need from the OUs, or target OUs with fewer SCPs")
            raise ValueError(
                f"the platform attaches {self.platform_scp_count} SCP(s) to each OU and attached_scps_per_target says "
                f"{self.attached_scps_per_target} are already there: {total} is more than the "
                f"{MAX_SCPS_PER_TARGET} SCPs AWS attaches to one OU; " + ", or ".join(fixes)
            )
        return self


class GovernanceConfig(_Strict):
    """Audit and guardrails: CloudTrail, AWS Config rules, GuardDuty, alerts, Organizations SCPs."""

    central_log_archive: CentralLogArchiveConfig | None = Field(
        None, description="Deliver CloudTrail to a central bucket instead of creating an archive bucket here."
    )
    object_lock_mode: Literal["GOVERNANCE", "COMPLIANCE"] = "GOVERNANCE"
    object_lock_retention_days: int = Field(365, description="Object Lock retention of the local log archive.")
    auditor_role_arns: list[str] = Field(default_factory=list, description="Roles that may read the log archive.")
    trail_log_retention_days: int = Field(365, description="Retention of the trail's CloudWatch Logs copy.")
    s3_data_events: bool = Field(True, description="Log S3 object-level events of the data and artifacts buckets.")
    lambda_data_events: bool = Field(False, description="Log Lambda Invoke data events (all functions).")
    config_recorder: bool | None = Field(
        None, description="Create the Config recorder and delivery channel. Default: true for a standalone account, "
        "false with a delivery or organization section (the landing zone records the accounts)."
    )
    disabled_config_rules: list[str] = Field(default_factory=list, description="Config rule names not to deploy.")
    guardduty_detector: bool | None = Field(
        None, description="Create a GuardDuty detector. Default: true for a standalone account, false with a "
        "delivery or organization section (the organization's delegated administrator enables GuardDuty)."
    )
    guardduty_min_severity: float = Field(7.0, description="Alert on GuardDuty findings at or above this severity.")
    alert_emails: list[str] = Field(default_factory=list, description="Email addresses subscribed to the alert topic.")
    organization: OrganizationConfig | None = None

    @field_validator("object_lock_retention_days")
    @classmethod
    def _lock_days(cls, days: int) -> int:
        if not 1 <= days <= 36500:
            raise ValueError(f"Object Lock retention {days} days is outside 1-36500; pick a value in that range")
        return days

    @field_validator("trail_log_retention_days")
    @classmethod
    def _retention(cls, days: int) -> int:
        if days not in LOG_RETENTION_DAYS.values():
            raise ValueError(
                f"{days} is not a CloudWatch Logs retention period; use one of {sorted(LOG_RETENTION_DAYS.values())}"
            )
        return days

    @field_validator("auditor_role_arns")
    @classmethod
    def _auditors(cls, arns: list[str]) -> list[str]:
        bad = [a for a in arns if not ROLE_ARN_RE.match(a)]
        if bad:
            raise ValueError(f"{bad} are not IAM role ARNs (arn:aws:iam::<12-digit account>:role/<name>)")
        return arns

    @field_validator("disabled_config_rules")
    @classmethod
    def _rules(cls, names: list[str]) -> list[str]:

        unknown = [n for n in names if n not in CONFIG_RULES]
        if unknown:
            raise ValueError(f"unknown Config rule(s) {unknown}; use names from {sorted(CONFIG_RULES)}")
        return names

    @field_validator("guardduty_min_severity")
    @classmethod
    def _severity(cls, severity: float) -> float:
        if not 1.0 <= severity <= 8.9:
            raise ValueError(
                f"GuardDuty severity {severity} is outside 1-8.9; use e.g. 4 (medium and up) or 7 (high only)"
            )
        return severity

    _emails = field_validator("alert_emails")(classmethod(lambda cls, emails: check_emails(emails)))


# --------------------------------------------------------------------------------------------------
# Endpoints (SecureEndpoint, ServingStack; see docs/hosting.md)

_ENDPOINT_NAME_RE = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,53}$")
_ECR_REPOSITORY_RE = re.compile(r"^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$")


def _check_instance_type(value: str) -> str:
    if not INSTANCE_TYPE_RE.match(value):
        raise ValueError(f"{value!r} is not a SageMaker instance type; use an ml.* type such as ml.m5.large")
    return value


def _check_model_data(value: str | None) -> str | None:
    if value is None:
        return value
    if not value.endswith(".tar.gz") or "://" in value:
        raise ValueError(
            f"{value!r} is not an s3://…tar.gz in the artifacts bucket; give the key of the model's .tar.gz "
            "inside the platform's artifacts bucket, e.g. models/churn/v3/model.tar.gz"
        )
    return value


_S3_PREFIX_RE = re.compile(r"^[A-Za-z0-9!_.*'()-]+(/[A-Za-z0-9!_.*'()-]+)*$")
_IMAGE_URI_RE = re.compile(r"^[a-z0-9.-]+(:\d+)?/[a-z0-9]+([._/-][a-z0-9]+)*(:[\w][\w.-]{0,127}|@sha256:[0-9a-f]{64})?$")


def _check_prefix(value: str) -> str:
    if not _S3_PREFIX_RE.match(value) or ".." in value.split("/"):
        raise ValueError(f"{value!r} is not an S3 key prefix; use segments of letters, digits and -_.!*'() joined by /, "
                         "without a leading or trailing /")
    return value


def _check_image(value: str | None) -> str | None:
    if value is not None and not (DIGEST_RE.match(value) or IMAGE_TAG_RE.match(value)):
        raise ValueError(f"{value!r} is neither an image digest (sha256:<64 hex>) nor an image tag")
    return value




def _check_model_package_group(value: str | None) -> str | None:
    if value is not None and not SAGEMAKER_NAME_RE.match(value):
        raise ValueError(f"{value!r} is not a model package group name; use 1-63 letters, digits and hyphens "
                         "(e.g. the delivery's registry group <platform>-models)")
    return value


def model_source_problems(endpoint: Any) -> list[tuple[tuple[str | int, ...], str]]:
    """Where each variant's model comes from (models or raw dicts), with paths relative to the endpoint:
    ``image`` + ``model_data`` (endpoint or variant), or a ``model_package_group`` (endpoint or
    variant). Both may be given: the image and model data are then the fallback used when no approved
    package version is passed at synth time (docs/delivery.md, "Model promotion")."""
    def get(item: Any, key: str) -> Any:
        return item.get(key) if isinstance(item, dict) else getattr(item, key, None)

    problems: list[tuple[tuple[str | int, ...], str]] = []
    image, model_data, group = get(endpoint, "image"), get(endpoint, "model_data"), get(endpoint, "model_package_group")
    if (image is None) != (model_data is None):
        missing = "model_data" if model_data is None else "image"
        problems.append(((missing,), (f"image and model_data go together; give {missing} too, or neither and a "
                                      "model_package_group")))
    variants = get(endpoint, "variants")
    if variants is None:
        variants = [{}]
    for index, variant in enumerate(variants if isinstance(variants, list) else []):
        if not isinstance(variant, (dict, EndpointVariantConfig)):
            continue
        has_image = (get(variant, "image") or image) is not None and (get(variant, "model_data") or model_data) is not None
        if not has_image and (get(variant, "model_package_group") or group) is None:
            own = get(variant, "model_data") or get(variant, "image") or len(variants) > 1
            where: tuple[str | int, ...] = ("variants", index) if own else ()
            problems.append((where, ("no model: give image + model_data, or model_package_group (the "
                                     "delivery's registry group, default <platform>-models)")))
    return list(dict.fromkeys(problems))


class EndpointVariantConfig(_Strict):
    """One production variant; several split traffic by weight (A/B)."""

    name: str = "AllTraffic"
    instance_type: str = "ml.m5.large"
    instance_count: int = Field(2, ge=1)
    weight: float = Field(1.0, ge=0)
    model_data: str | None = Field(None, description="A different model for this variant (key in the artifacts bucket).")
    image: str | None = Field(None, description="A different image (digest or tag) of the endpoint's repository.")
    model_package_group: str | None = Field(
        None, description="Deploy the latest approved package of this SageMaker model package group (docs/delivery.md).")

    @field_validator("name")
    @classmethod
    def _name(cls, name: str) -> str:
        if not _ENDPOINT_NAME_RE.match(name):
            raise ValueError(f"{name!r} is not a variant name; use letters, digits and hyphens")
        return name

    _instance = field_validator("instance_type")(classmethod(lambda cls, v: _check_instance_type(v)))
    _model = field_validator("model_data")(classmethod(lambda cls, v: _check_model_data(v)))
    _image = field_validator("image")(classmethod(lambda cls, v: _check_image(v)))
    _group = field_validator("model_package_group")(classmethod(lambda cls, v: _check_model_package_group(v)))


class EndpointAutoscalingConfig(_Strict):
    """Target tracking on SageMakerVariantInvocationsPerInstance; target given or from a load test."""

    min_capacity: int = Field(2, ge=0)
    max_capacity: int = Field(4, ge=1)
    target_invocations_per_instance: float | None = Field(
        None, description="Invocations per instance per minute; default 70, or max_rps * safety_factor * 60."
    )
    max_rps: float | None = Field(None, description="Requests per second one instance sustained in a load test.")
    safety_factor: float = 0.5
    scale_in_cooldown_seconds: int = Field(300, ge=0)
    scale_out_cooldown_seconds: int = Field(300, ge=0)
    disable_scale_in: bool = False
    cpu_target_percent: float | None = Field(None, description="Add a target-tracking policy on CPUUtilization.")

    @model_validator(mode="after")
    def _consistent(self) -> EndpointAutoscalingConfig:
        problems = []
        if self.min_capacity > self.max_capacity:
            problems.append(f"min_capacity {self.min_capacity} > max_capacity {self.max_capacity}; make min <= max")
        if self.target_invocations_per_instance is not None and self.target_invocations_per_instance <= 0:
            problems.append(f"target_invocations_per_instance is {self.target_invocations_per_instance}; use a "
                            "positive number of invocations per instance per minute")
        if self.max_rps is not None and self.max_rps <= 0:
            problems.append(f"max_rps is {self.max_rps}; use the requests per second one instance sustained (> 0)")
        if not 0 < self.safety_factor <= 1:
            problems.append(f"safety_factor is {self.safety_factor}; use a value in (0, 1], e.g. 0.5")
        if self.max_rps is not None and self.target_invocations_per_instance is not None:
            problems.append("give either target_invocations_per_instance or max_rps (with safety_factor), not both")
        if self.cpu_target_percent is not None and self.cpu_target_percent <= 0:
            problems.append(f"cpu_target_percent is {self.cpu_target_percent}; use a positive percentage")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def target(self) -> float:
        """The invocations-per-instance target: given, from the load test, or 70."""
        if self.target_invocations_per_instance is not None:
            return self.target_invocations_per_instance
        if self.max_rps is not None:
            return self.max_rps * self.safety_factor * 60
        return 70.0


class EndpointDataCaptureConfig(_Strict):
    """Capture to the platform's data bucket under ``<team>/<prefix>/<endpoint name>/``, encrypted with the data
    key: the team's personas can read it."""

    sampling_percentage: int = 100
    prefix: str = Field("data-capture", description="Key prefix under the endpoint's team prefix.")

    _prefix = field_validator("prefix")(classmethod(lambda cls, v: _check_prefix(v)))

    @field_validator("sampling_percentage")
    @classmethod
    def _percentage(cls, value: int) -> int:
        if not 0 <= value <= 100:
            raise ValueError(f"sampling percentage {value} is outside 0-100; give the percentage of requests to capture")
        return value


class EndpointAlarmsConfig(_Strict):
    """Per-variant alarm thresholds; null turns an alarm off."""

    invocation_5xx_errors: float | None = 1
    invocation_4xx_errors: float | None = 10
    model_latency_p99_ms: float | None = 1000
    cpu_utilization_percent: float | None = 80
    memory_utilization_percent: float | None = 80
    disk_utilization_percent: float | None = 80


class EndpointRolloutConfig(_Strict):
    """Blue/green deployment with traffic shifting and automatic rollback on the alarms."""

    traffic_routing: Literal["ALL_AT_ONCE", "CANARY", "LINEAR"] = "ALL_AT_ONCE"
    size_percent: float | None = Field(None, description="Canary size or linear step, 1-100 %.")
    wait_minutes: int = Field(5, ge=0, le=60)
    termination_wait_minutes: int = Field(5, ge=0, le=60)
    auto_rollback: bool = True

    @model_validator(mode="after")
    def _size(self) -> EndpointRolloutConfig:
        if self.traffic_routing == "ALL_AT_ONCE":
            if self.size_percent is not None:
                raise ValueError("size_percent applies to CANARY and LINEAR rollouts only; remove it")
        elif self.size_percent is None or not 1 <= self.size_percent <= 100:
            what = "canary size" if self.traffic_routing == "CANARY" else "linear step"
            raise ValueError(f"{what} {self.size_percent} % is outside 1-100 %; set size_percent, e.g. 10")
        return self


class EndpointMonitorConfig(_Strict):
    """Model Monitor data-quality schedule; baseline files are keys in the data bucket under the endpoint's
    team prefix, reports go to ``<team>/<output_prefix>/<endpoint name>``."""

    schedule_expression: str = "cron(0 * ? * * *)"
    instance_type: str = "ml.m5.xlarge"
    baseline_constraints: str | None = Field(None, description="Key of constraints.json in the data bucket (<team>/...).")
    baseline_statistics: str | None = Field(None, description="Key of statistics.json in the data bucket (<team>/...).")
    output_prefix: str = Field("model-monitor", description="Key prefix under the endpoint's team prefix.")
    image_uri: str | None = Field(
        None, description="The Model Monitor analyzer image; default: AWS's image of the region (regions outside the "
                          "SageMaker SDK's table need it).")

    _instance = field_validator("instance_type")(classmethod(lambda cls, v: _check_instance_type(v)))
    _prefix = field_validator("output_prefix")(classmethod(lambda cls, v: _check_prefix(v)))

    @field_validator("image_uri")
    @classmethod
    def _image_uri(cls, value: str | None) -> str | None:
        if value is not None and (len(value) > 255 or not _IMAGE_URI_RE.match(value)):
            raise ValueError(f"{value!r} is not an image URI; use <registry>/<repository>[:tag|@sha256:...], e.g. "
                             "159807026194.dkr.ecr.us-west-2.amazonaws.com/sagemaker-model-monitor-analyzer")
        return value

    @model_validator(mode="after")
    def _baseline(self) -> EndpointMonitorConfig:
        if (self.baseline_constraints is None) != (self.baseline_statistics is None):
            raise ValueError("give both baseline_constraints and baseline_statistics (or neither)")
        if not re.match(r"^(cron|rate)\(.+\)$", self.schedule_expression):
            raise ValueError(f"schedule_expression {self.schedule_expression!r} is not cron(...), e.g. cron(0 * ? * * *)")
        return self


class EndpointAsyncConfig(_Strict):
    """Async inference through the data bucket (``<team>/<prefix>/<endpoint>/input|output|failures``)."""

    max_concurrent_invocations_per_instance: int | None = Field(None, ge=1, le=1000)
    scale_to_zero: bool = True
    prefix: str = Field("async-inference", description="Key prefix under the endpoint's team prefix.")

    _prefix = field_validator("prefix")(classmethod(lambda cls, v: _check_prefix(v)))


class EndpointServerlessConfig(_Strict):
    """Serverless inference: no VPC, no volume key; only with ``strict: false``."""

    memory_size_mb: Literal[1024, 2048, 3072, 4096, 5120, 6144] = 2048
    max_concurrency: int = Field(5, ge=1, le=200)


class EndpointConfig(_Strict):
    """One SecureEndpoint of the ServingStack."""

    name: str = Field(description="Endpoint base name (1-54 letters, digits, hyphens; 1-50 with model_monitor). The "
                                  "endpoint is named <name>-<8 hex> of its variant names and instance types.")
    team: str | None = Field(
        None, description="The team (identity.teams) that owns the endpoint: model_data, captured data, Model Monitor "
                          "reports and async I/O live under <team>/ in the buckets, where its personas read and write.")
    image_repository: str = Field(description="Name of the private ECR repository (in this account) of the image.")
    image: str | None = Field(None, description="Image digest sha256:... (recommended) or tag.")
    model_data: str | None = Field(None, description="Key of the model .tar.gz in the platform's artifacts bucket.")
    model_package_group: str | None = Field(
        None, description="Deploy the latest approved package of this SageMaker model package group instead of "
                          "image + model_data; with both, image + model_data are the offline fallback (docs/delivery.md).")
    environment: dict[str, str] = Field(default_factory=dict)
    variants: list[EndpointVariantConfig] = Field(default_factory=lambda: [EndpointVariantConfig()])
    allow_single_instance: bool = Field(False, description="Dev stage only: accept 1 instance (with a warning).")
    network_isolation: bool = True
    autoscaling: EndpointAutoscalingConfig | None = Field(default_factory=EndpointAutoscalingConfig)
    data_capture: EndpointDataCaptureConfig | None = None
    alarms: EndpointAlarmsConfig = Field(default_factory=EndpointAlarmsConfig)
    rollout: EndpointRolloutConfig = Field(default_factory=EndpointRolloutConfig)
    model_monitor: EndpointMonitorConfig | None = None
    async_inference: EndpointAsyncConfig | None = None
    serverless: EndpointServerlessConfig | None = None
    strict: bool = Field(True, description="Refuse what escapes the VPC and KMS controls (serverless).")

    @field_validator("name")
    @classmethod
    def _name(cls, name: str) -> str:
        if not _ENDPOINT_NAME_RE.match(name):
            raise ValueError(f"{name!r} is not an endpoint name; use 1-54 letters, digits and hyphens (the endpoint, "
                             "its configs and models are <name>-<8 hex>, at most 63 characters)")
        return name

    @field_validator("team")
    @classmethod
    def _team(cls, team: str | None) -> str | None:
        if team is not None and not re.match(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$", team):
            raise ValueError(f"{team!r} is not a team name (one S3 key segment: letters, digits, -_.)")
        return team

    @field_validator("image_repository")
    @classmethod
    def _repository(cls, name: str) -> str:
        if not 2 <= len(name) <= 256 or not _ECR_REPOSITORY_RE.match(name):
            raise ValueError(f"{name!r} is not an ECR repository name (lower-case, e.g. team-a/churn)")
        return name

    _image = field_validator("image")(classmethod(lambda cls, v: _check_image(v)))
    _model = field_validator("model_data")(classmethod(lambda cls, v: _check_model_data(v)))
    _group = field_validator("model_package_group")(classmethod(lambda cls, v: _check_model_package_group(v)))

    @model_validator(mode="after")
    def _combinations(self) -> EndpointConfig:
        sources = model_source_problems(self)
        problems = []
        if not self.variants:
            problems.append("variants is empty; list at least one")
        names = [v.name for v in self.variants]
        if len(set(names)) != len(names):
            problems.append(f"variant names {names} repeat a name")
        if self.variants and all(v.weight == 0 for v in self.variants):
            problems.append(f"all variant weights are 0 ({names}); give at least one variant a weight > 0")
        if self.serverless is not None and self.strict:
            problems.append("serverless inference cannot run in a VPC and takes no volume KMS key, so strict mode "
                            "refuses it; use instance-based variants or set strict: false")
        if self.serverless is not None and self.async_inference is not None:
            problems.append("serverless and async_inference exclude each other; choose one")
        if self.model_monitor is not None and self.data_capture is None:
            problems.append("model_monitor needs data_capture (Model Monitor analyses the captured data)")
        if self.model_monitor is not None and len(self.name) > 50:
            problems.append(f"name {self.name!r} has {len(self.name)} characters; its monitoring schedule "
                            f"{self.name}-data-quality would exceed SageMaker's 63: use a name of 50 characters or "
                            "fewer, or remove model_monitor")
        a = self.alarms
        # 5XX and latency roll back; 4XX only notifies
        per_variant = sum(x is not None for x in (a.invocation_5xx_errors, a.model_latency_p99_ms))
        if self.rollout.auto_rollback and per_variant * len(self.variants) > 10:
            problems.append(f"{per_variant * len(self.variants)} rollback alarms exceed the 10 SageMaker allows; "
                            "use at most 5 variants or turn alarms off")
        nested = sources + team_prefix_problems(self)
        if nested:
            raise NestedProblems(nested + [((), p) for p in problems])
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def model_package_groups(self) -> list[str]:
        """The model package groups this endpoint (or one of its variants) deploys from."""
        groups = [self.model_package_group, *(v.model_package_group for v in self.variants)]
        return list(dict.fromkeys(g for g in groups if g))


def team_prefix_problems(endpoint: EndpointConfig) -> list[tuple[tuple[str | int, ...], str]]:
    """Where the endpoint's objects live must be where someone can write and read them.

    The platform's buckets deny object access from outside the VPC's S3 gateway endpoint, and personas
    (Studio execution roles, inside the VPC) may read and write only ``<team>/...``
    (docs/storage.md, docs/identity.md). SageMaker downloads the model through that same gateway endpoint
    (https://docs.aws.amazon.com/sagemaker/latest/dg/host-vpc.html). So model data and baselines must be
    under ``<team>/``, and capture, Model Monitor and async I/O are written there (ServingStack adds the
    prefix), which needs ``team``.
    """
    problems: list[tuple[tuple[str | int, ...], str]] = []
    team = endpoint.team
    keys: list[tuple[tuple[str | int, ...], str, str | None]] = [(("model_data",), "model_data", endpoint.model_data)]
    keys += [(("variants", i, "model_data"), "model_data", v.model_data) for i, v in enumerate(endpoint.variants)]
    if endpoint.model_monitor is not None:
        keys += [(("model_monitor", "baseline_constraints"), "baseline_constraints",
                  endpoint.model_monitor.baseline_constraints),
                 (("model_monitor", "baseline_statistics"), "baseline_statistics",
                  endpoint.model_monitor.baseline_statistics)]
    for path, label, key in keys:
        if key is None:
            continue
        if team is None:
            problems.append((path, (
                f"{label} {key!r} is outside every team prefix: the platform's buckets accept writes only through the "
                "VPC's S3 endpoint, and personas write only <team>/..., so nobody could put it there. Set the "
                f"endpoint's team and put it under <team>/, e.g. team: research and {label}: research/{key}")))
        elif not key.startswith(f"{team}/"):
            problems.append((path, (
                f"{label} {key!r} is not under the endpoint's team prefix {team + '/'!r}, the only place the "
                f"{team} team's personas can write; use {team}/{key}")))
    features = [name for name, on in (("data_capture", endpoint.data_capture), ("model_monitor", endpoint.model_monitor),
                                      ("async_inference", endpoint.async_inference)) if on is not None]
    if team is None and features:
        problems.append((("team",), (
            f"{', '.join(features)} write(s) to the data bucket under the endpoint's team prefix, where the team's "
            "personas can read the results; set team (one of identity.teams)")))
    return problems


def _endpoints_for_stage(endpoints: list[EndpointConfig], info: ValidationInfo) -> list[EndpointConfig]:
    """Stage-dependent checks: production stages (every stage but dev) need >= 2 instances."""
    stage = info.data.get("stage", "dev")
    production = stage != "dev"
    problems = []
    names = [e.name for e in endpoints]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        problems.append(f"endpoint names {repeated} repeat; name each endpoint once")
    for i, endpoint in enumerate(endpoints):
        where = f"endpoints[{i}] ({endpoint.name})"
        if endpoint.serverless is not None:
            continue
        if production and endpoint.allow_single_instance:
            problems.append(f"{where}.allow_single_instance is true in stage {stage!r}; only a dev stage may run "
                            "a single instance")
        for j, variant in enumerate(endpoint.variants):
            if variant.instance_count < 2 and (production or not endpoint.allow_single_instance):
                fix = ("production endpoints need 2 or more" if production
                       else "set allow_single_instance: true to accept one instance in dev")
                problems.append(f"{where}.variants[{j}].instance_count is {variant.instance_count}; {fix}")
        scaling = endpoint.autoscaling
        scale_to_zero = endpoint.async_inference is not None and endpoint.async_inference.scale_to_zero
        if (scaling is not None and scaling.min_capacity < 2 and not scale_to_zero
                and (production or scaling.min_capacity < 1 or not endpoint.allow_single_instance)):
            fix = "production endpoints keep 2 or more" if production else "use 2, or 1 with allow_single_instance: true"
            problems.append(f"{where}.autoscaling.min_capacity is {scaling.min_capacity}; {fix}")
    if problems:
        raise ValueError("; ".join(problems))
    return endpoints


_SAML_ARN_RE = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:saml-provider/[\w+=,.@-]{1,128}$")
_SSO_INSTANCE_ARN_RE = re.compile(r"^arn:aws[a-z-]*:sso:::instance/(sso)?ins-[a-zA-Z0-9.-]{16}$")
PERSONA_NAMES = PERSONAS
#: Personas that work in Studio: the ones with execution roles.
STUDIO_PERSONAS = EXECUTION_PERSONAS


class NestedProblems(ValueError):
    """Several problems found by one validator, each with its path relative to the validated value."""

    def __init__(self, problems: list[tuple[tuple[str | int, ...], str]]):
        self.problems = problems
        super().__init__("; ".join(message for _, message in problems))


def _field(item: object, name: str) -> object:
    return item.get(name) if isinstance(item, dict) else getattr(item, name, None)


def duplicate_team_problems(teams: list) -> list[tuple[tuple[str | int, ...], str]]:
    seen: set = set()
    problems = []
    for index, team in enumerate(teams or []):
        name = _field(team, "name")
        if name in seen:
            problems.append(((index, "name"), f"team {name!r} is listed twice"))
        seen.add(name)
    return problems


def duplicate_user_problems(users: list) -> list[tuple[tuple[str | int, ...], str]]:
    seen: dict = {}
    problems = []
    for index, user in enumerate(users or []):
        name = _field(user, "name")
        if name in seen:
            problems.append(((index, "name"), f"user {name!r} is listed twice (first at users.{seen[name]})"))
        seen.setdefault(name, index)
    return problems


def unknown_team_problems(users: list, teams: list, enabled: bool = True) -> list[tuple[tuple[str | int, ...], str]]:
    names = [_field(team, "name") for team in teams or []]
    problems: list[tuple[tuple[str | int, ...], str]] = []
    for index, user in enumerate(users or []):
        team = _field(user, "team")
        if team not in names:
            problems.append((("studio", "users", index, "team"),
                             f"user {_field(user, 'name')!r} is in unknown team {team!r}; add it to identity.teams "
                             f"{list(dict.fromkeys(names))}"))
    if enabled and users and not names:
        problems.append((("identity", "teams"), "Studio users need at least one team in identity.teams"))
    return problems


SSO_SETUP_MESSAGE = (
    "auth_mode SSO needs an IAM Identity Center setup: set studio.sso_instance_arn "
    "(arn:aws:sso:::instance/ssoins-...) or use auth_mode IAM"
)


class TeamConfig(_Strict):
    name: str = Field(description="Team name: tag value, execution-role path and S3 prefix.")
    description: str = ""

    @field_validator("name")
    @classmethod
    def _name(cls, name: str) -> str:
        if not TEAM_NAME_RE.match(name):
            raise ValueError(f"team name {name!r} must be a lower-case word matching {TEAM_NAME_RE.pattern}")
        return name


class IdentityConfig(_Strict):
    teams: list[TeamConfig] = Field(default_factory=list)
    team_tag_key: str = "team"
    user_tag_key: str = "user"
    saml_provider_arn: str | None = Field(None, description="Human roles trust this SAML provider.")
    trusted_account_id: str | None = Field(
        None, pattern=r"^\d{12}$", description="Human roles trust this account (default: the platform account)."
    )
    instance_types: list[str] = Field(
        default_factory=lambda: ["ml.t3.*", "ml.m5.*", "ml.m6i.*", "ml.c5.*", "ml.g5.*"],
        description="Allow-list of SageMaker instance types (wildcards allowed).",
    )
    consumer_endpoint_names: list[str] = Field(default_factory=list)

    @field_validator("instance_types")
    @classmethod
    def _ml_types(cls, types: list[str]) -> list[str]:
        bad = [t for t in types if not re.match(r"^ml\.[a-z0-9*.-]+$", t)]
        if bad:
            raise ValueError(f"instance types {bad} are outside the ml.* family; use names such as ml.m5.xlarge")
        return types

    @field_validator("saml_provider_arn")
    @classmethod
    def _saml(cls, arn: str | None) -> str | None:
        if arn is not None and not _SAML_ARN_RE.match(arn):
            raise ValueError(f"{arn!r} is not a SAML provider ARN (arn:aws:iam::<account>:saml-provider/<name>)")
        return arn

    @field_validator("teams")
    @classmethod
    def _unique_teams(cls, teams: list[TeamConfig]) -> list[TeamConfig]:
        problems = duplicate_team_problems(teams)
        if problems:
            raise NestedProblems(problems)
        return teams


class StudioUserConfig(_Strict):
    name: str = Field(description="User (and Studio profile) name.")
    team: str
    persona: str
    sso_user_name: str | None = Field(None, description="IAM Identity Center user name (SSO mode).")

    @field_validator("name")
    @classmethod
    def _profile_name(cls, name: str) -> str:
        if not SAGEMAKER_NAME_RE.match(name):
            raise ValueError(
                f"{name!r} is not a valid SageMaker user profile name: letters, digits and single hyphens, "
                "up to 63 characters, starting and ending with a letter or digit"
            )
        return name

    @field_validator("persona")
    @classmethod
    def _persona(cls, persona: str) -> str:
        if persona not in PERSONA_NAMES:
            raise ValueError(f"unknown persona {persona!r}; use one of {list(PERSONA_NAMES)}")
        if persona not in STUDIO_PERSONAS:
            raise ValueError(
                f"persona {persona!r} gets no Studio profile (model consumers only invoke endpoints; ML admins "
                f"manage the domain through the API); Studio users are {list(STUDIO_PERSONAS)}"
            )
        return persona


def check_tags(tags: dict[str, str], what: str) -> dict[str, str]:
    """``tags`` if every key and value is a valid AWS tag; ValueError naming the bad ones otherwise."""
    bad = [k for k in tags if not _TAG_KEY_RE.match(k) or k.lower().startswith("aws:")]
    if bad:
        raise ValueError(f"{what} keys {bad} are invalid (1-128 characters, no 'aws:' prefix)")
    long_values = [k for k, v in tags.items() if len(str(v)) > 256]
    if long_values:
        raise ValueError(f"{what} values for {long_values} exceed 256 characters")
    return tags


class StudioConfig(_Strict):
    enabled: bool = True
    domain_name: str | None = Field(None, description="Default: the platform name.")
    auth_mode: Literal["IAM", "SSO"] = "IAM"
    sso_instance_arn: str | None = Field(None, description="IAM Identity Center instance (required for SSO).")
    idle_timeout_minutes: int = Field(60, ge=60, le=525600, description="Shut down idle JupyterLab apps.")
    notebook_sharing: bool = Field(False, description="Allow sharing notebooks to the encrypted artifacts bucket.")
    max_profiles_per_stack: int = Field(400, ge=1, le=450)
    job_tags: dict[str, str] = Field(
        default_factory=dict,
        description="Tags the SDK defaults add to every job, model and endpoint started from Studio, beside the "
        "team tag (e.g. a cost center). A change replaces the teams' lifecycle configs (docs/operations.md).")
    users: list[StudioUserConfig] = Field(default_factory=list)

    @field_validator("job_tags")
    @classmethod
    def _job_tags(cls, tags: dict[str, str]) -> dict[str, str]:
        return {k: str(v) for k, v in check_tags(tags, "job_tags").items()}

    @field_validator("sso_instance_arn")
    @classmethod
    def _sso_arn(cls, arn: str | None) -> str | None:
        if arn is not None and not _SSO_INSTANCE_ARN_RE.match(arn):
            raise ValueError(f"{arn!r} is not an IAM Identity Center instance ARN (arn:aws:sso:::instance/ssoins-...)")
        return arn

    @field_validator("users")
    @classmethod
    def _unique_users(cls, users: list[StudioUserConfig]) -> list[StudioUserConfig]:
        problems = duplicate_user_problems(users)
        if problems:
            raise NestedProblems(problems)
        return users

    @model_validator(mode="after")
    def _sso_setup(self) -> StudioConfig:
        if self.auth_mode == "SSO" and self.sso_instance_arn is None:
            raise ValueError(SSO_SETUP_MESSAGE)
        return self


# --------------------------------------------------------------------------------------------------
# Delivery (docs/delivery.md): one CDK pipeline in a tooling account deploys the platform to the
# accounts of its stages, in order, with approvals and post-deploy audits.

_ACCOUNT_ID_RE = ACCOUNT_ID_RE
#: CodeConnections (formerly CodeStar Connections) connection ARNs; both service names are in use.
_CONNECTION_ARN_RE = re.compile(
    r"^arn:aws[a-z-]*:(codeconnections|codestar-connections):[a-z]{2}(-[a-z]+)+-\d:\d{12}:connection/"
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
)
_REPOSITORY_RE = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$")
_BRANCH_RE = re.compile(r"^[^\s~^:?*\[\\]+$")
_STAGE_NAME_RE = re.compile(r"^[a-z][a-z0-9-]{0,30}$")
STAGE_KINDS = ("dev", "test", "staging", "prod")


def _account_id(value: object) -> object:
    # YAML reads an unquoted 222222222222 as an int; an id with a leading zero must be quoted anyway.
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _check_account_id(value: str, what: str = "account") -> str:
    if not _ACCOUNT_ID_RE.match(value):
        raise ValueError(f"{what} {value!r} is not a 12-digit AWS account id; quote ids in YAML ('012345678901')")
    return value


def _check_region(region: str) -> str:
    if region not in known_regions():
        raise ValueError(f"unknown region {region!r}; use an AWS region code such as eu-west-1")
    return region


def stage_kind_of(name: object, kind: object = None) -> str:
    """The stage kind (dev, test, staging, prod): given, or read from the stage name."""
    if isinstance(kind, str) and kind in STAGE_KINDS:
        return kind
    lowered = str(name or "").lower()
    for candidate in ("prod", "staging", "test"):
        if candidate in lowered:
            return candidate
    return "dev"


def is_prod_like(name: object, kind: object = None) -> bool:
    """Production-like: the kind is prod, or the name contains "prod"."""
    return kind == "prod" or "prod" in str(name or "").lower()


def delivery_stage_problems(stages: list) -> list[tuple[tuple[str | int, ...], str]]:
    """Problems across delivery stages (models or raw dicts), with paths relative to ``stages``:
    repeated names, two stages in one account, production-like stages without approval or with
    human roles."""
    problems: list[tuple[tuple[str | int, ...], str]] = []
    seen: dict = {}
    accounts: dict = {}
    for index, stage in enumerate(stages or []):
        name, kind = _field(stage, "name"), _field(stage, "kind")
        if name is not None and name in seen:
            problems.append(((index, "name"), (f"stage name {name!r} is listed twice (first at stages.{seen[name]}); "
                                               "stage names name the deployed stacks, so each must be unique")))
        seen.setdefault(name, index)
        account = _account_id(_field(stage, "account"))
        if isinstance(account, str) and account in accounts:
            first_index, first_name = accounts[account]
            problems.append(((index, "account"), (
                f"stages {first_name!r} (stages.{first_index}) and {name!r} both deploy to account {account}; "
                "every stage gets the same fixed physical names there (KMS aliases alias/<name>/*, SSM parameters "
                "/<name>/*, the trail <name>-audit, IAM roles <name>-*, endpoint and log-group names) and AWS "
                "allows one Config recorder per region, so the second stage fails with AlreadyExists; give "
                f"stage {name!r} an account of its own (one account per stage, docs/delivery.md), or deploy "
                "the second copy as a separate platform with another `name`")))
        elif isinstance(account, str):
            accounts[account] = (index, name)
        if is_prod_like(name, kind):
            if _field(stage, "requires_approval") is not True:
                problems.append(((index, "requires_approval"),
                                 (f"stage {name!r} is production-like and deploys without approval; set "
                                  "requires_approval: true (a person approves before the pipeline deploys it)")))
            if _field(stage, "human_roles") is True:
                problems.append(((index, "human_roles"),
                                 (f"stage {name!r} is production-like: only the pipeline changes it, so it creates "
                                  "no human roles; remove human_roles (docs/delivery.md describes break-glass access)")))
    return problems


class DeliverySourceConfig(_Strict):
    """Where the pipeline gets the code: a repository through an AWS CodeConnections connection."""

    connection_arn: str = Field(description="arn:aws:codeconnections:<region>:<account>:connection/<uuid>")
    repository: str = Field(description="owner/name of the repository (GitHub, GitLab, Bitbucket).")
    branch: str = "main"

    @field_validator("connection_arn")
    @classmethod
    def _connection(cls, arn: str) -> str:
        if not _CONNECTION_ARN_RE.match(arn):
            raise ValueError(
                f"{arn!r} is not a CodeConnections connection ARN; use "
                "arn:aws:codeconnections:<region>:<12-digit account>:connection/<uuid> "
                "(arn:aws:codestar-connections:... is accepted too)"
            )
        return arn

    @field_validator("repository")
    @classmethod
    def _repository(cls, repository: str) -> str:
        if not _REPOSITORY_RE.match(repository):
            raise ValueError(f"{repository!r} is not a repository id; use owner/name, e.g. acme/ml-platform")
        return repository

    @field_validator("branch")
    @classmethod
    def _branch(cls, branch: str) -> str:
        if not branch or not _BRANCH_RE.match(branch):
            raise ValueError(f"{branch!r} is not a git branch name")
        return branch


class DeliveryStageConfig(_Strict):
    """One deployment of the platform: an account and region, deployed in pipeline order."""

    name: str = Field(description="Stage name (lower-case word): names the stage's stacks.")
    account: Annotated[str, BeforeValidator(_account_id)]
    region: str
    kind: Literal["dev", "test", "staging", "prod"] | None = Field(
        None, description="Stage kind (the platform's `stage` there); default: read from the name, else dev."
    )
    requires_approval: bool = Field(False, description="A manual approval before the stage deploys.")
    human_roles: bool | None = Field(
        None, description="Create the human persona roles and Studio; default: every stage but production-like ones."
    )
    availability_zones: list[str] = Field(
        default_factory=list, description="AZ names of the stage's VPC; default <region>a, <region>b, ..."
    )
    availability_zone_ids: list[str] = Field(
        default_factory=list, description="AZ IDs (use1-az1, ...) of the stage's VPC instead of names."
    )

    @field_validator("name")
    @classmethod
    def _name(cls, name: str) -> str:
        if not _STAGE_NAME_RE.match(name):
            raise ValueError(f"stage name {name!r} must be a lower-case word matching {_STAGE_NAME_RE.pattern}")
        return name

    @field_validator("account")
    @classmethod
    def _account(cls, account: str) -> str:
        return _check_account_id(account)

    @field_validator("region")
    @classmethod
    def _region(cls, region: str) -> str:
        return _check_region(region)

    @model_validator(mode="after")
    def _zones(self) -> DeliveryStageConfig:
        foreign = [az for az in self.availability_zones if not az.startswith(self.region)]
        if foreign:
            raise ValueError(f"availability_zones {foreign} are not in region {self.region}")
        if len(set(self.availability_zones)) != len(self.availability_zones):
            raise ValueError(f"availability_zones {self.availability_zones} repeats a zone; list each once")
        if self.availability_zone_ids:
            problems = az_id_problems(self.availability_zone_ids, self.region)
            if self.availability_zones:
                problems.append("give availability_zones (names) or availability_zone_ids (IDs), not both")
            if problems:
                raise ValueError("; ".join(problems))
        return self

    @property
    def stage_kind(self) -> str:
        return stage_kind_of(self.name, self.kind)

    @property
    def prod_like(self) -> bool:
        return is_prod_like(self.name, self.kind)

    @property
    def creates_human_roles(self) -> bool:
        return self.human_roles if self.human_roles is not None else not self.prod_like

    def azs(self, count: int) -> list[str]:
        """The stage's AZs: its AZ IDs or names, or the first ``count`` of ``<region>a, b, c, ...``."""
        return (list(self.availability_zone_ids) or list(self.availability_zones)
                or [f"{self.region}{letter}" for letter in "abcdef"[:count]])


class DeliveryConfig(_Strict):
    """CDK Pipelines delivery from a tooling account to the stage accounts (docs/delivery.md)."""

    tooling_account: Annotated[str, BeforeValidator(_account_id)] = Field(
        description="Account of the pipeline, the model registry and the promoted model artifacts."
    )
    tooling_region: str | None = Field(None, description="Region of the pipeline; default: the platform region.")
    source: DeliverySourceConfig
    stages: list[DeliveryStageConfig] = Field(description="Stages in deployment order.")
    notification_emails: list[str] = Field(
        default_factory=list, description="Told about approvals waiting and failed pipeline runs."
    )
    wave_threshold: int = Field(
        3, ge=1, description="With more stages than this, consecutive stages of one kind deploy in parallel waves."
    )
    model_package_group_name: str | None = Field(None, description="Default: <platform>-models.")
    audit: bool = Field(True, description="Run `secure-ml audit` (read-only) in each stage after it deploys.")

    @field_validator("tooling_account")
    @classmethod
    def _tooling(cls, account: str) -> str:
        return _check_account_id(account, "tooling_account")

    @field_validator("tooling_region")
    @classmethod
    def _tooling_region(cls, region: str | None) -> str | None:
        return region if region is None else _check_region(region)

    _emails = field_validator("notification_emails")(classmethod(lambda cls, emails: check_emails(emails)))

    @field_validator("model_package_group_name")
    @classmethod
    def _group(cls, name: str | None) -> str | None:
        if name is not None and not SAGEMAKER_NAME_RE.match(name):
            raise ValueError(f"{name!r} is not a model package group name (letters, digits, hyphens; up to 63)")
        return name

    @field_validator("stages")
    @classmethod
    def _stages(cls, stages: list[DeliveryStageConfig]) -> list[DeliveryStageConfig]:
        if not stages:
            raise ValueError("stages is empty; list the stages to deploy, in order (e.g. dev, staging, prod)")
        problems = delivery_stage_problems(stages)
        if problems:
            raise NestedProblems(problems)
        return stages

    def warnings(self) -> list[str]:
        """Legal but doubtful choices, reported as synth warnings on the pipeline stack. (Two stages in
        one account are refused when the config loads: :func:`delivery_stage_problems`.)"""
        found = []
        by_account: dict[str, list[str]] = {}
        for stage in self.stages:
            by_account.setdefault(stage.account, []).append(stage.name)
        if self.tooling_account in by_account:
            found.append(f"the tooling account {self.tooling_account} is also the account of stages "
                         f"{by_account[self.tooling_account]}; keep the pipeline in an account of its own")
        return found


class PlatformConfig(_Strict):
    """The whole platform config. Later sections (studio, endpoints, governance, delivery) join here."""

    name: str = Field(description="Platform name: prefixes stacks, key aliases and bucket names.")
    region: str
    stage: Literal["dev", "test", "staging", "prod"] = "dev"
    tags: dict[str, str] = Field(default_factory=dict)
    network: NetworkConfig = Field(default_factory=NetworkConfig)
    encryption: EncryptionConfig = Field(default_factory=EncryptionConfig)
    storage: StorageConfig = Field(default_factory=StorageConfig)
    governance: GovernanceConfig = Field(default_factory=GovernanceConfig)
    endpoints: Annotated[list[EndpointConfig], AfterValidator(_endpoints_for_stage)] = Field(
        default_factory=list, description="SageMaker endpoints of the ServingStack (docs/hosting.md)."
    )
    identity: IdentityConfig = Field(default_factory=IdentityConfig)
    studio: StudioConfig = Field(default_factory=StudioConfig)
    delivery: DeliveryConfig | None = Field(
        None, description="Deploy through a CDK pipeline from a tooling account to stage accounts (docs/delivery.md)."
    )

    @field_validator("name")
    @classmethod
    def _name(cls, name: str) -> str:
        if not _NAME_RE.match(name):
            raise ValueError(
                f"{name!r} is not a valid platform name; use 3-32 lower-case letters, digits and hyphens, "
                "starting with a letter (it prefixes stack names and key aliases)"
            )
        return name

    @field_validator("region")
    @classmethod
    def _region(cls, region: str) -> str:
        if region not in known_regions():
            raise ValueError(f"unknown region {region!r}; use an AWS region code such as eu-west-1")
        return region

    @model_validator(mode="after")
    def _account_singletons(self) -> PlatformConfig:
        """Decide ``governance.config_recorder`` and ``guardduty_detector`` where the file leaves them out.

        An account and region has one Config recorder, one delivery channel and one GuardDuty detector
        (https://docs.aws.amazon.com/config/latest/APIReference/API_PutConfigurationRecorder.html,
        https://docs.aws.amazon.com/guardduty/latest/APIReference/API_CreateDetector.html). In an AWS
        Organizations landing zone (a ``delivery`` or ``governance.organization`` section) Control Tower or
        the organization's delegated administrator has created them already, and a second one fails the
        deploy; a standalone account has none until the platform creates them. Runs before the delivery
        stages are validated, so every stage inherits the decision.
        """
        gov = self.governance
        standalone = self.delivery is None and gov.organization is None
        updates = {key: standalone for key in ("config_recorder", "guardduty_detector") if getattr(gov, key) is None}
        if updates:
            object.__setattr__(self, "governance", gov.model_copy(update=updates))
        return self

    @field_validator("tags")
    @classmethod
    def _tags(cls, tags: dict[str, str]) -> dict[str, str]:
        return check_tags(tags, "tag")

    @model_validator(mode="after")
    def _azs_in_region(self) -> PlatformConfig:
        if self.network.availability_zone_ids:
            problems = az_id_problems(self.network.availability_zone_ids, self.region)
            if problems:
                raise ValueError("network." + "; ".join(problems))
        foreign = [az for az in self.network.availability_zones if not az.startswith(self.region)]
        if foreign:
            raise ValueError(
                f"network.availability_zones {foreign} are not in region {self.region}; "
                f"use zones named {self.region}a, {self.region}b, ..."
            )
        if self.network.azs() > 2 and not (self.network.availability_zones or self.network.availability_zone_ids):
            raise ValueError(
                f"network.az_count is {self.network.az_count}, but the reference stacks are "
                "environment-agnostic (offline synth) and can only discover 2 AZs; list the zones in "
                "network.availability_zones"
            )
        return self

    @model_validator(mode="after")
    def _tags_do_not_shadow_abac(self) -> PlatformConfig:
        abac = (self.identity.team_tag_key, self.identity.user_tag_key)
        for what, tags in (("tags", self.tags), ("studio.job_tags", self.studio.job_tags)):
            reserved = [k for k in tags if k in abac]
            if reserved:
                raise ValueError(
                    f"{what} {reserved} use the ABAC tag keys (identity.team_tag_key / user_tag_key); "
                    "a platform-wide value would give every resource the same team: rename the tag"
                )
        return self

    @model_validator(mode="after")
    def _endpoint_teams_known(self) -> PlatformConfig:
        known = [t.name for t in self.identity.teams]
        problems = [(("endpoints", i, "team"), (f"team {e.team!r} of endpoint {e.name} is not in identity.teams "
                                                f"{known}; add it there or use one of those"))
                    for i, e in enumerate(self.endpoints) if e.team is not None and e.team not in known]
        if problems:
            raise NestedProblems(problems)
        return self

    @model_validator(mode="after")
    def _users_in_known_teams(self) -> PlatformConfig:
        problems = unknown_team_problems(self.studio.users, self.identity.teams, self.studio.enabled)
        if problems:
            raise NestedProblems(problems)
        return self

    @property
    def key_alias_prefix(self) -> str:
        return self.encryption.alias_prefix or self.name

    @model_validator(mode="after")
    def _delivery_stages_deployable(self) -> PlatformConfig:
        """Every delivery stage gets the platform with its own region and kind: that must validate too
        (e.g. a prod stage refuses single-instance endpoints)."""
        if self.delivery is None:
            return self
        problems: list[tuple[tuple[str | int, ...], str]] = []
        for index, stage in enumerate(self.delivery.stages):
            try:
                self.for_delivery_stage(stage)
            except ValidationError as exc:
                details = "; ".join(
                    f"{'.'.join(str(p) for p in err['loc'])}: {err['msg'].removeprefix('Value error, ')}"
                    for err in exc.errors()
                )
                problems.append((("delivery", "stages", index),
                                 (f"the platform config does not fit stage {stage.name!r} "
                                  f"({stage.stage_kind} in {stage.region}): {details}")))
        if problems:
            raise NestedProblems(problems)
        return self

    def for_delivery_stage(self, stage: DeliveryStageConfig) -> PlatformConfig:
        """This config as deployed by ``stage``: its region, kind and AZs, validated again."""
        data = self.model_dump(exclude={"delivery"})
        data["region"] = stage.region
        data["stage"] = stage.stage_kind
        if stage.availability_zone_ids:
            data["network"]["availability_zone_ids"] = list(stage.availability_zone_ids)
            data["network"]["availability_zones"] = []
        else:
            data["network"]["availability_zones"] = stage.azs(self.network.azs())
            data["network"]["availability_zone_ids"] = []
        return PlatformConfig.model_validate(data)


# --------------------------------------------------------------------------------------------------
# Loading


@dataclass(frozen=True)
class ConfigProblem:
    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.path or "(top level)"
        if self.line is not None:
            where += f" (line {self.line})"
        return f"{where}: {self.message}"


class ConfigError(ValueError):
    """Raised when a config file cannot be used; ``problems`` lists every problem found."""

    def __init__(self, source: str, problems: list[ConfigProblem]):
        self.source = source
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        noun = "problem" if len(problems) == 1 else "problems"
        super().__init__(f"{source}: {len(problems)} {noun} in the platform config:\n{lines}")


def _line_of(root: yaml.Node | None, path: tuple[Any, ...]) -> int | None:
    """1-based line of the YAML node at ``path`` (or of its deepest existing ancestor)."""
    node = root
    line = node.start_mark.line + 1 if node is not None else None
    for part in path:
        child = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == str(part):
                    child = value
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            child = node.value[part]
        if child is None:
            break
        node = child
        line = node.start_mark.line + 1
    return line


def _problems_from(error: ValidationError, root: yaml.Node | None) -> list[ConfigProblem]:
    problems = []
    for err in error.errors():
        loc = tuple(p for p in err["loc"])
        path = ".".join(str(p) for p in loc)
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = "unknown key; check the spelling against docs/config.md"
        elif err["type"] == "missing":
            message = "required key is missing"
        elif "input" in err and err["type"] not in ("value_error", "assertion_error"):
            message = f"{message} (got {err['input']!r})"
        nested = (err.get("ctx") or {}).get("error")
        if isinstance(nested, NestedProblems):
            # One validator, several problems: report each at its own path (and line).
            for relative, nested_message in nested.problems:
                full = loc + tuple(relative)
                problems.append(ConfigProblem(path=".".join(str(p) for p in full), message=nested_message,
                                              line=_line_of(root, full)))
            continue
        problems.append(ConfigProblem(path=path, message=message, line=_line_of(root, loc)))
    return problems


def parse_config(text: str, source: str = "<config>") -> PlatformConfig:
    """Parse and validate YAML text; raise :class:`ConfigError` listing every problem."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise ConfigError(source, [ConfigProblem("", f"not valid YAML: {exc}", line)]) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(source, [ConfigProblem("", "the config must be a YAML mapping (key: value)", 1)])
    try:
        return PlatformConfig.model_validate(data)
    except ValidationError as exc:
        problems = _problems_from(exc, root)
    # pydantic skips cross-field validators once a field failed: run them on the raw data too, so
    # every problem is reported in one pass.
    for problem in _cross_field_problems(data, root):
        if (problem.path, problem.message) not in {(p.path, p.message) for p in problems}:
            problems.append(problem)
    raise ConfigError(source, problems)


def _cross_field_problems(data: dict[str, Any], root: yaml.Node | None) -> list[ConfigProblem]:
    identity = data.get("identity") if isinstance(data.get("identity"), dict) else {}
    studio = data.get("studio") if isinstance(data.get("studio"), dict) else {}
    teams = [t for t in identity.get("teams") or [] if isinstance(t, dict)] if isinstance(identity.get("teams"), list) else []
    users = [u for u in studio.get("users") or [] if isinstance(u, dict)] if isinstance(studio.get("users"), list) else []
    found: list[tuple[tuple[str | int, ...], str]] = []
    found += [(("identity", "teams", *rel), msg) for rel, msg in duplicate_team_problems(teams)]
    found += [(("studio", "users", *rel), msg) for rel, msg in duplicate_user_problems(users)]
    found += unknown_team_problems(users, teams, studio.get("enabled", True) is not False)
    if studio.get("auth_mode") == "SSO" and not studio.get("sso_instance_arn"):
        found.append((("studio",), SSO_SETUP_MESSAGE))
    delivery = data.get("delivery") if isinstance(data.get("delivery"), dict) else {}
    if isinstance(delivery.get("stages"), list):
        found += [(("delivery", "stages", *rel), msg) for rel, msg in delivery_stage_problems(delivery["stages"])]
    if isinstance(data.get("endpoints"), list):
        for index, endpoint in enumerate(data["endpoints"]):
            if isinstance(endpoint, dict):
                found += [(("endpoints", index, *rel), msg) for rel, msg in model_source_problems(endpoint)]
    return [ConfigProblem(".".join(str(p) for p in path), message, _line_of(root, path)) for path, message in found]


def load_config(path: str | Path) -> PlatformConfig:
    """Load and validate the config file at ``path``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(str(path), [ConfigProblem("", f"cannot read the config file: {exc.strerror}")]) from None
    return parse_config(text, source=str(path))
