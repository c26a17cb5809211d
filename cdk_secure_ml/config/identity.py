"""``identity``: teams, the ABAC tag keys, federation and the instance-type allow-list
(docs/identity.md, ``MlPersonas``)."""

from __future__ import annotations

import re
from typing import Any

from pydantic import Field, field_validator

from cdk_secure_ml.config._section import Problem, Section, each_item
from cdk_secure_ml.config._types import AccountId, AccountIds, TagKey
from cdk_secure_ml.core.names import TEAM_NAME_RE

_SAML_ARN_RE = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:saml-provider/[\w+=,.@-]{1,128}$")
_INSTANCE_TYPE_PATTERN_RE = re.compile(r"^ml\.[a-z0-9*.-]+$")


class TeamConfig(Section):
    """One team: its execution roles, its tag value and its S3 prefix."""

    name: str = Field(description="Team name, a lower-case word: tag value, execution-role path and S3 "
                                  "prefix.")
    description: str = Field("", description="What the team works on (free text).")

    @field_validator("name")
    @classmethod
    def _name(cls, name: str) -> str:
        if not TEAM_NAME_RE.match(name):
            raise ValueError(f"team name {name!r} must be a lower-case word matching {TEAM_NAME_RE.pattern}")
        return name


def duplicate_team_problems(identity: Any) -> list[Problem]:
    """Each team is listed once (paths relative to the identity section)."""
    seen: set[str] = set()

    def check(index: int, team: Any) -> list[Problem]:
        if team.name in seen:
            return [(("teams", index, "name"), f"team {team.name!r} is listed twice")]
        seen.add(team.name)
        return []

    return each_item(identity.teams, check)


class IdentityConfig(Section):
    """Who works on the platform: teams, and how people's roles are assumed and tagged."""

    teams: list[TeamConfig] = Field(
        default_factory=list, description="The teams, each once: {name, description}. Studio users, "
                                          "endpoints and execution roles belong to one.")
    team_tag_key: TagKey = Field(
        "team", description="The ABAC tag on people (session tag), execution roles and resources; a letter "
                            "followed by up to 63 letters, digits and _.:/=+-@.")
    user_tag_key: TagKey = Field(
        "user", description="The session tag naming the person's Studio profile (same rule as team_tag_key).")
    saml_provider_arn: str | None = Field(None, description="People's roles trust this SAML provider.")
    trusted_account_id: AccountId | None = Field(
        None, description="People's roles trust this (identity) account; default: the platform account."
    )
    instance_types: list[str] = Field(
        default_factory=lambda: ["ml.t3.*", "ml.m5.*", "ml.m6i.*", "ml.c5.*", "ml.g5.*"],
        description="Allow-list of SageMaker instance types, ml.* only, wildcards allowed; instance-store "
                    "types such as ml.g5.* run jobs without a volume key (SageMaker refuses one there; "
                    "docs/studio.md).",
    )
    consumer_endpoint_names: list[str] = Field(
        default_factory=list,
        description="Endpoints (their config name, one of endpoints[].name) the model-consumer role may "
                    "invoke; the Serving stack grants InvokeEndpoint on their physical ARNs (<name>-<8 hex>, "
                    "docs/hosting.md).")
    trusted_image_accounts: AccountIds = Field(
        default_factory=list,
        description="12-digit accounts whose Amazon ECR repositories (the platform's Region) the execution "
                    "roles may pull images from, besides the platform account and the delivery account "
                    "(e.g. a shared image account); default none: no other account's image runs as a "
                    "platform job (docs/identity.md, Images).")

    rules = (duplicate_team_problems,)

    @field_validator("instance_types")
    @classmethod
    def _ml_types(cls, types: list[str]) -> list[str]:
        bad = [t for t in types if not _INSTANCE_TYPE_PATTERN_RE.match(t)]
        if bad:
            raise ValueError(f"instance types {bad} are outside the ml.* family; use names such as "
                             "ml.m5.xlarge")
        return types

    @field_validator("saml_provider_arn")
    @classmethod
    def _saml(cls, arn: str | None) -> str | None:
        if arn is not None and not _SAML_ARN_RE.match(arn):
            raise ValueError(f"{arn!r} is not a SAML provider ARN "
                             "(arn:aws:iam::<account>:saml-provider/<name>)")
        return arn
