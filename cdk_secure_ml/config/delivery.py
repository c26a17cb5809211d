"""``delivery``: one CDK pipeline in a tooling account deploys the platform to the accounts of its
stages, in order, with approvals and post-deploy audits (docs/delivery.md, ``MlPlatformPipeline``)."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, field_validator

from cdk_secure_ml.config._section import Problem, Section, Unknown, each_item
from cdk_secure_ml.config._types import AccountId, Emails, Region
from cdk_secure_ml.core.names import SAGEMAKER_NAME_RE
from cdk_secure_ml.core.network import az_id_problems

#: CodeConnections (formerly CodeStar Connections) connection ARNs; both service names are in use.
_CONNECTION_ARN_RE = re.compile(
    r"^arn:aws[a-z-]*:(codeconnections|codestar-connections):[a-z]{2}(-[a-z]+)+-\d:\d{12}:connection/"
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
)
_REPOSITORY_RE = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$")
_BRANCH_RE = re.compile(r"^[^\s~^:?*\[\\]+$")
_STAGE_NAME_RE = re.compile(r"^[a-z][a-z0-9-]{0,30}$")
#: The kinds of delivery stage; prod-like kinds get production rules (docs/delivery.md).
STAGE_KINDS = ("dev", "test", "staging", "prod")


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


class DeliverySourceConfig(Section):
    """Where the pipeline gets the code: a repository through an AWS CodeConnections connection."""

    connection_arn: str = Field(
        description="arn:aws:codeconnections:<region>:<account>:connection/<uuid> (codestar-connections "
                    "accepted).")
    repository: str = Field(description="owner/name of the repository (GitHub, GitLab, Bitbucket).")
    branch: str = Field("main", description="The branch the pipeline builds.")

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


def stage_zone_problems(stage: Any) -> list[Problem]:
    """The stage's AZ names are in its region; its AZ IDs are IDs of its region; names or IDs, not both."""
    problems: list[Problem] = []
    try:
        region = stage.region
    except Unknown:
        region = None  # reported at region; what does not need it is still checked
    foreign = [az for az in stage.availability_zones if region and not az.startswith(region)]
    if foreign:
        problems.append((("availability_zones",), f"availability_zones {foreign} are not in region {region}"))
    if stage.availability_zone_ids:
        problems += [(("availability_zone_ids",), message)
                     for message in az_id_problems(stage.availability_zone_ids, region)]
        if stage.availability_zones:
            problems.append((("availability_zone_ids",),
                             "give availability_zones (names) or availability_zone_ids (IDs), not both"))
    return problems


class DeliveryStageConfig(Section):
    """One deployment of the platform: an account and region, deployed in pipeline order."""

    name: str = Field(description="Stage name, a lower-case word, each once: names the stage's stacks.")
    account: AccountId = Field(description="12-digit account of the stage, one account per stage (quote it "
                                           "in YAML).")
    region: Region = Field(description="AWS region of the stage.")
    kind: Literal["dev", "test", "staging", "prod"] | None = Field(
        None, description="Stage kind (the platform's `stage` there); default: read from the name, else dev."
    )
    requires_approval: bool = Field(
        False, description="A manual approval before the stage deploys; required for production-like stages.")
    human_roles: bool | None = Field(
        None, description="Create the human persona roles and Studio; default: every stage but "
                          "production-like ones."
    )
    availability_zones: list[str] = Field(
        default_factory=list, description="AZ names of the stage's VPC, in its region; default <region>a, "
                                          "<region>b, ..."
    )
    availability_zone_ids: list[str] = Field(
        default_factory=list, description="AZ IDs (use1-az1, ...) of the stage's VPC instead of names: the "
                                          "same physical zones in every account (docs/network.md)."
    )

    rules = (stage_zone_problems,)

    @field_validator("name")
    @classmethod
    def _name(cls, name: str) -> str:
        if not _STAGE_NAME_RE.match(name):
            raise ValueError(f"stage name {name!r} must be a lower-case word matching "
                             f"{_STAGE_NAME_RE.pattern}")
        return name

    @field_validator("availability_zones")
    @classmethod
    def _zones(cls, zones: list[str]) -> list[str]:
        if len(set(zones)) != len(zones):
            raise ValueError(f"availability_zones {zones} repeats a zone; list each once")
        return zones

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


# --------------------------------------------------------------------------------------------------
# Checks across the stages (paths relative to the delivery section)


def stage_name_problems(delivery: Any) -> list[Problem]:
    """Stage names name the deployed stacks: each once."""
    seen: dict[str, int] = {}

    def check(index: int, stage: Any) -> list[Problem]:
        name = stage.name
        if name in seen:
            return [(("stages", index, "name"), (f"stage name {name!r} is listed twice (first at "
                                                 f"stages.{seen[name]}); stage names name the deployed "
                                                 "stacks, so each must be unique"))]
        seen[name] = index
        return []

    return each_item(delivery.stages, check)


def stage_account_problems(delivery: Any) -> list[Problem]:
    """One account per stage: every stage deploys the same fixed physical names into its account."""
    accounts: dict[str, tuple[int, Any]] = {}

    def check(index: int, stage: Any) -> list[Problem]:
        account = stage.account
        if account not in accounts:
            accounts[account] = (index, stage.name)
            return []
        first_index, first_name = accounts[account]
        name = stage.name
        return [(("stages", index, "account"), (
            f"stages {first_name!r} (stages.{first_index}) and {name!r} both deploy to account {account}; "
            "every stage gets the same fixed physical names there (KMS aliases alias/<name>/*, SSM "
            "parameters /<name>/*, the trail <name>-audit, IAM roles <name>-*, endpoint and log-group names) "
            "and AWS allows one Config recorder per region, so the second stage fails with AlreadyExists; "
            f"give stage {name!r} an account of its own (one account per stage, docs/delivery.md), or deploy "
            "the second copy as a separate platform with another `name`"))]

    return each_item(delivery.stages, check)


def stage_approval_problems(delivery: Any) -> list[Problem]:
    """Production-like stages deploy after an approval and create no human roles."""

    def check(index: int, stage: Any) -> list[Problem]:
        name = stage.name
        if not is_prod_like(name, stage.kind):
            return []
        problems: list[Problem] = []
        if stage.requires_approval is not True:
            problems.append((("stages", index, "requires_approval"),
                             (f"stage {name!r} is production-like and deploys without approval; set "
                              "requires_approval: true (a person approves before the pipeline deploys it)")))
        if stage.human_roles is True:
            problems.append((("stages", index, "human_roles"),
                             (f"stage {name!r} is production-like: only the pipeline changes it, so it "
                              "creates no human roles; remove human_roles (docs/delivery.md describes "
                              "break-glass access)")))
        return problems

    return each_item(delivery.stages, check)


def delivery_stage_problems(delivery: Any) -> list[Problem]:
    """Problems across delivery stages, with paths relative to the delivery section: repeated names, two
    stages in one account, production-like stages without approval or with human roles."""
    return [*stage_name_problems(delivery), *stage_account_problems(delivery),
            *stage_approval_problems(delivery)]


class DeliveryConfig(Section):
    """CDK Pipelines delivery from a tooling account to the stage accounts (docs/delivery.md)."""

    tooling_account: AccountId = Field(
        description="12-digit account of the pipeline, the model registry and the promoted model artifacts."
    )
    tooling_region: Region | None = Field(None, description="Region of the pipeline; default: the platform "
                                                            "region.")
    source: DeliverySourceConfig = Field(description="The repository the pipeline builds.")
    stages: list[DeliveryStageConfig] = Field(description="Stages in deployment order, one account each.")
    notification_emails: Emails = Field(
        default_factory=list, description="Told about approvals waiting and failed pipeline runs (each once)."
    )
    wave_threshold: int = Field(
        3, ge=1, description="With more stages than this, consecutive stages of one kind deploy in parallel "
                             "waves."
    )
    model_package_group_name: str | None = Field(
        None, description="The model registry's package group (letters, digits, hyphens; up to 63); default: "
        "<platform>-models.")
    audit: bool = Field(True, description="Run `secure-ml audit` (read-only) in each stage after it deploys.")

    rules = (stage_name_problems, stage_account_problems, stage_approval_problems)

    @field_validator("model_package_group_name")
    @classmethod
    def _group(cls, name: str | None) -> str | None:
        if name is not None and not SAGEMAKER_NAME_RE.match(name):
            raise ValueError(f"{name!r} is not a model package group name (letters, digits, hyphens; up to "
                             "63)")
        return name

    @field_validator("stages")
    @classmethod
    def _stages(cls, stages: list[DeliveryStageConfig]) -> list[DeliveryStageConfig]:
        if not stages:
            raise ValueError("stages is empty; list the stages to deploy, in order (e.g. dev, staging, prod)")
        return stages

    def warnings(self) -> list[str]:
        """Legal but doubtful choices, reported as synth warnings on the pipeline stack. (Two stages in
        one account are refused when the config loads: :func:`stage_account_problems`.)"""
        found = []
        by_account: dict[str, list[str]] = {}
        for stage in self.stages:
            by_account.setdefault(stage.account, []).append(stage.name)
        if self.tooling_account in by_account:
            found.append(f"the tooling account {self.tooling_account} is also the account of stages "
                         f"{by_account[self.tooling_account]}; keep the pipeline in an account of its own")
        return found
