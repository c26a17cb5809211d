"""Typed platform configuration, loaded from YAML and validated before any construct is built.

A bad file fails with one :class:`ConfigError` that lists every problem with its dotted path in the
file and, where it can be found, the line number, so a user fixes everything in one pass.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from cdk_secure_ml.constructs.network import (
    DEFAULT_INTERFACE_ENDPOINTS,
    INTERFACE_ENDPOINT_SERVICES,
    validate_vpc_cidr,
)

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
_DATA_CLASS_RE = re.compile(r"^[a-z][a-z0-9-]{0,31}$")
_TAG_KEY_RE = re.compile(r"^[\w.:/=+\-@ ]{1,128}$")


@lru_cache(maxsize=1)
def known_regions() -> frozenset[str]:
    """Regions of the commercial, GovCloud and China partitions, from botocore's bundled endpoint data."""
    import boto3  # local import: only config validation needs it

    session = boto3.session.Session()
    regions: set[str] = set()
    for partition in session.get_available_partitions():
        regions.update(session.get_available_regions("ec2", partition_name=partition))
    return frozenset(regions)


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


class NetworkConfig(_Strict):
    cidr: str = "10.20.0.0/16"
    az_count: int = Field(2, ge=2, le=6, description="Availability zones for the isolated subnets.")
    availability_zones: list[str] = Field(
        default_factory=list,
        description="Explicit AZ names; needed for more than 2 AZs in an environment-agnostic stack.",
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
        return len(self.availability_zones) or self.az_count


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
        bad = [c for c in classes if not _DATA_CLASS_RE.match(c)]
        if bad:
            raise ValueError(f"data class names {bad} must be lower-case words matching {_DATA_CLASS_RE.pattern}")
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
        bad = [a for a in arns if not re.match(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$", a)]
        if bad:
            raise ValueError(f"{bad} are not IAM role ARNs (arn:aws:iam::<12-digit account>:role/<name>)")
        return arns

    @field_validator("object_lock_retention_days")
    @classmethod
    def _lock_days(cls, days: int | None) -> int | None:
        if days is not None and not 1 <= days <= 36500:
            raise ValueError(f"Object Lock retention {days} days is outside 1-36500; pick a value in that range")
        return days


_EMAIL_RE = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
_OU_ID_RE = re.compile(r"^ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}$")
_KMS_KEY_ARN_RE = re.compile(r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/(?:mrk-)?[0-9a-f-]{32,36}$")
_BUCKET_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_ROLE_ARN_RE = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$")
_PRINCIPAL_ARN_PATTERN_RE = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}|\*):role/[\w+=,.@/*-]+$")


class CentralLogArchiveConfig(_Strict):
    """A log-archive bucket in another account that receives this account's CloudTrail logs."""

    bucket_name: str = Field(description="Name of the central log-archive bucket.")
    kms_key_arn: str | None = Field(None, description="ARN of the KMS key the central bucket's logs are encrypted with.")

    @field_validator("bucket_name")
    @classmethod
    def _bucket(cls, name: str) -> str:
        if not _BUCKET_NAME_RE.match(name) or ".." in name:
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


class OrganizationConfig(_Strict):
    """Organizations guardrails, deployed from the management account (OrganizationGuardrailsStack)."""

    management_account_id: str | None = Field(None, pattern=r"^\d{12}$")
    target_ou_ids: list[str] = Field(description="OUs the ML guardrail SCPs are attached to.")
    allowed_regions: list[str] = Field(
        default_factory=list, description="Region allow-list SCP; empty: no region restriction."
    )
    ai_services_opt_out: bool = Field(True, description="Attach the AI services opt-out policy to the OUs.")
    exempt_principal_arns: list[str] = Field(
        default_factory=lambda: ["arn:aws:iam::*:role/cdk-hnb659fds-cfn-exec-role-*"],
        description="Roles exempt from the audit-protection SCP (the CloudFormation role that deploys it).",
    )

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

    @field_validator("exempt_principal_arns")
    @classmethod
    def _exempt(cls, arns: list[str]) -> list[str]:
        bad = [a for a in arns if not _PRINCIPAL_ARN_PATTERN_RE.match(a)]
        if bad:
            raise ValueError(
                f"{bad} are not IAM role ARN patterns (arn:aws:iam::<account or *>:role/<name, may use *>)"
            )
        return arns


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
    config_recorder: bool = Field(True, description="Create the Config recorder; false where the organisation records.")
    disabled_config_rules: list[str] = Field(default_factory=list, description="Config rule names not to deploy.")
    guardduty_detector: bool = Field(True, description="Create a GuardDuty detector; false where org-managed.")
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
        bad = [a for a in arns if not _ROLE_ARN_RE.match(a)]
        if bad:
            raise ValueError(f"{bad} are not IAM role ARNs (arn:aws:iam::<12-digit account>:role/<name>)")
        return arns

    @field_validator("disabled_config_rules")
    @classmethod
    def _rules(cls, names: list[str]) -> list[str]:
        from cdk_secure_ml.constructs.governance import CONFIG_RULES  # local import: avoids a cycle

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

    @field_validator("alert_emails")
    @classmethod
    def _emails(cls, emails: list[str]) -> list[str]:
        bad = [e for e in emails if not _EMAIL_RE.match(e)]
        if bad:
            raise ValueError(f"{bad} are not email addresses (name@example.com)")
        return emails


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

    @field_validator("tags")
    @classmethod
    def _tags(cls, tags: dict[str, str]) -> dict[str, str]:
        bad = [k for k in tags if not _TAG_KEY_RE.match(k) or k.lower().startswith("aws:")]
        if bad:
            raise ValueError(f"tag keys {bad} are invalid (1-128 characters, no 'aws:' prefix)")
        long_values = [k for k, v in tags.items() if len(str(v)) > 256]
        if long_values:
            raise ValueError(f"tag values for {long_values} exceed 256 characters")
        return tags

    @model_validator(mode="after")
    def _azs_in_region(self) -> PlatformConfig:
        foreign = [az for az in self.network.availability_zones if not az.startswith(self.region)]
        if foreign:
            raise ValueError(
                f"network.availability_zones {foreign} are not in region {self.region}; "
                f"use zones named {self.region}a, {self.region}b, ..."
            )
        if self.network.azs() > 2 and not self.network.availability_zones:
            raise ValueError(
                f"network.az_count is {self.network.az_count}, but the reference stacks are "
                "environment-agnostic (offline synth) and can only discover 2 AZs; list the zones in "
                "network.availability_zones"
            )
        return self

    @property
    def key_alias_prefix(self) -> str:
        return self.encryption.alias_prefix or self.name


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
        raise ConfigError(source, _problems_from(exc, root)) from None


def load_config(path: str | Path) -> PlatformConfig:
    """Load and validate the config file at ``path``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(str(path), [ConfigProblem("", f"cannot read the config file: {exc.strerror}")]) from None
    return parse_config(text, source=str(path))
