"""``studio``: the VpcOnly SageMaker Studio domain and its user profiles (docs/studio.md,
``SecureStudioDomain``)."""

from __future__ import annotations

import difflib
import re
from typing import Any, Literal

from pydantic import Field, field_validator

from cdk_secure_ml.config._section import Problem, Section, each_item
from cdk_secure_ml.config._types import check_tags
from cdk_secure_ml.config.mlflow import MlflowConfig
from cdk_secure_ml.config.studio_images import (
    StudioCustomImageConfig,
    duplicate_image_problems,
)
from cdk_secure_ml.config.studio_spaces import StudioSpacesConfig
from cdk_secure_ml.core.names import EXECUTION_PERSONAS, PERSONAS, SAGEMAKER_NAME_RE

_SSO_INSTANCE_ARN_RE = re.compile(r"^arn:aws[a-z-]*:sso:::instance/(sso)?ins-[a-zA-Z0-9.-]{16}$")
#: The persona names a Studio user may have (``studio.users[].persona``).
PERSONA_NAMES = PERSONAS
#: Personas that work in Studio: the ones with execution roles.
STUDIO_PERSONAS = EXECUTION_PERSONAS

#: What the config says when ``auth_mode: SSO`` has no IAM Identity Center instance.
SSO_SETUP_MESSAGE = (
    "auth_mode SSO needs an IAM Identity Center setup: set studio.sso_instance_arn "
    "(arn:aws:sso:::instance/ssoins-...) or use auth_mode IAM"
)


class StudioUserConfig(Section):
    """One person's Studio user profile."""

    name: str = Field(description="User (and Studio profile) name: letters, digits and single hyphens, up to "
                                  "63 characters, starting and ending with a letter or digit; each once.")
    team: str = Field(description="The user's team, one of identity.teams: the profile runs its SDK defaults "
                                  "(artifacts bucket under <team>/, team tag).")
    persona: str = Field(description="data-scientist or ml-engineer (ML admins and model consumers get no "
                                     "profile).")
    sso_user_name: str | None = Field(None, description="IAM Identity Center user name (SSO mode); default: "
                                                        "name.")

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
            # Suggest only what this key accepts: ml-admin and model-consumer are personas, not Studio users.
            close = difflib.get_close_matches(persona, STUDIO_PERSONAS, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise ValueError(f"unknown persona {persona!r}; {hint}Studio users are one of "
                             f"{list(STUDIO_PERSONAS)}")
        if persona not in STUDIO_PERSONAS:
            raise ValueError(
                f"persona {persona!r} gets no Studio profile (model consumers only invoke endpoints; ML "
                f"admins manage the domain through the API); Studio users are {list(STUDIO_PERSONAS)}"
            )
        return persona


def duplicate_user_problems(studio: Any) -> list[Problem]:
    """Each user is listed once (paths relative to the studio section)."""
    seen: dict[str, int] = {}

    def check(index: int, user: Any) -> list[Problem]:
        name = user.name
        if name in seen:
            return [(("users", index, "name"), f"user {name!r} is listed twice (first at "
                                                f"users.{seen[name]})")]
        seen[name] = index
        return []

    return each_item(studio.users, check)


def sso_setup_problems(studio: Any) -> list[Problem]:
    """SSO needs the IAM Identity Center instance."""
    if studio.auth_mode == "SSO" and studio.sso_instance_arn is None:
        return [(("sso_instance_arn",), SSO_SETUP_MESSAGE)]
    return []


class StudioConfig(Section):
    """The Studio domain (VpcOnly, KMS, idle shutdown) and its users, spread over Users<Team> stacks."""

    enabled: bool = Field(True, description="Build the Studio stack (needs identity.teams).")
    domain_name: str | None = Field(
        None, description="Studio domain name (letters, digits and hyphens, up to 63); default: the platform "
                          "name.")
    auth_mode: Literal["IAM", "SSO"] = Field(
        "IAM", description="IAM, or SSO, which needs sso_instance_arn.")
    sso_instance_arn: str | None = Field(
        None, description="IAM Identity Center instance (arn:aws:sso:::instance/ssoins-...); required for "
                          "SSO.")
    idle_timeout_minutes: int = Field(
        60, ge=60, le=525600, description="Shut down idle JupyterLab and Code Editor apps after this many "
                                          "minutes, 60-525600.")
    notebook_sharing: bool = Field(False, description="Allow sharing notebooks to the encrypted artifacts "
                                                      "bucket.")
    max_profiles_per_stack: int = Field(
        400, ge=1, le=450, description="User profiles per Users<Team> stack (1-450).")
    job_tags: dict[str, str] = Field(
        default_factory=dict,
        description="Tags the SDK defaults add to every job, model and endpoint started from Studio, beside "
                    "the team tag (e.g. {cost-center: ml-platform}); not the ABAC keys. A change replaces "
                    "the teams' lifecycle configs (docs/operations.md).")
    users: list[StudioUserConfig] = Field(
        default_factory=list, description="The Studio users, {name, team, persona, sso_user_name}.")
    spaces: StudioSpacesConfig = Field(
        default_factory=StudioSpacesConfig,
        description="Private spaces created for every user, and space EBS sizes (docs/studio.md, "
                    "\"Spaces\").")
    custom_images: list[StudioCustomImageConfig] = Field(
        default_factory=list,
        description="Custom images from this account's private ECR, pinned by digest, offered in every "
                    "user's JupyterLab or Code Editor spaces: {name, repository, digest, app_type, "
                    "display_name} "
                    "(docs/studio.md, \"Custom images\"). Default: none.")
    mlflow: MlflowConfig | None = Field(
        None, description="Managed MLflow tracking servers, per team or shared (docs/mlflow.md); default: "
                          "none.")

    rules = (duplicate_user_problems, sso_setup_problems, duplicate_image_problems)

    @field_validator("job_tags")
    @classmethod
    def _job_tags(cls, tags: dict[str, str]) -> dict[str, str]:
        return {k: str(v) for k, v in check_tags(tags, "job_tags").items()}

    @field_validator("domain_name")
    @classmethod
    def _domain_name(cls, name: str | None) -> str | None:
        if name is not None and not SAGEMAKER_NAME_RE.match(name):
            raise ValueError(f"{name!r} is not a SageMaker domain name; use letters, digits and single "
                             "hyphens, up to 63 characters, starting and ending with a letter or digit")
        return name

    @field_validator("sso_instance_arn")
    @classmethod
    def _sso_arn(cls, arn: str | None) -> str | None:
        if arn is not None and not _SSO_INSTANCE_ARN_RE.match(arn):
            raise ValueError(f"{arn!r} is not an IAM Identity Center instance ARN "
                             "(arn:aws:sso:::instance/ssoins-...)")
        return arn


def unknown_team_problems(platform: Any) -> list[Problem]:
    """Studio users belong to teams of ``identity.teams`` (paths relative to the platform config)."""
    names = [team.name for team in platform.identity.teams]
    users = platform.studio.users

    def check(index: int, user: Any) -> list[Problem]:
        if user.team in names:
            return []
        message = (f"user {user.name!r} is in unknown team {user.team!r}; add it to identity.teams "
                   f"{list(dict.fromkeys(names))}")
        return [(("studio", "users", index, "team"), message)]

    problems = each_item(users, check)
    if platform.studio.enabled and users and not names:
        problems.append((("identity", "teams"), "Studio users need at least one team in identity.teams"))
    return problems
