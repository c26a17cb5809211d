"""``studio.spaces``: the private JupyterLab and Code Editor spaces the platform creates for every Studio
user, and the EBS sizes of spaces (docs/studio.md, "Spaces").

Shared spaces cannot be made team-safe in one domain: a shared space runs with the domain's one space
default execution role (``DefaultSpaceSettings.ExecutionRole``), whichever team opens it
(https://docs.aws.amazon.com/sagemaker/latest/dg/execution-roles-and-spaces.html), so the key that would
turn them on (``shared_teams``) refuses every value and says why.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from cdk_secure_ml.config._section import Problem, Section

#: The Studio apps a private space can be created for (``SpaceSettings.AppType``).
SPACE_APP_TYPES = ("JupyterLab", "CodeEditor")
#: SageMaker's bounds for a space's EBS volume and the domain's default and maximum, GiB
#: (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DefaultEbsStorageSettings.html).
EBS_SIZE_RANGE_GIB = (5, 16384)

#: Why ``studio.spaces.shared_teams`` refuses every team.
SHARED_SPACES_MESSAGE = (
    "shared spaces are not supported: a shared space runs with the domain's one space default execution "
    "role (DefaultSpaceSettings.ExecutionRole) whichever team opens it, so a team's shared space would "
    "read and write with another team's permissions (or with one role for all teams); the platform's "
    "guardrails deny them (DenySharedSpaces). Remove studio.spaces.shared_teams and use each user's "
    "private spaces, or give the team a domain of its own"
)


def ebs_size_problems(spaces: Any) -> list[Problem]:
    """The default EBS size is at most the maximum (paths relative to the spaces section)."""
    if spaces.ebs_volume_size_gib > spaces.max_ebs_volume_size_gib:
        return [(("ebs_volume_size_gib",),
                 f"ebs_volume_size_gib {spaces.ebs_volume_size_gib} is above max_ebs_volume_size_gib "
                 f"{spaces.max_ebs_volume_size_gib}; SageMaker refuses a space larger than the domain's "
                 "maximum: lower it or raise max_ebs_volume_size_gib")]
    return []


class StudioSpacesConfig(Section):
    """Private spaces created with each user's profile, and the EBS sizes of every space in the domain."""

    private: list[Literal["JupyterLab", "CodeEditor"]] = Field(
        default_factory=list,
        description="Private spaces the platform creates for every Studio user, one per app type "
                    "(JupyterLab, CodeEditor), named <user>-jl / <user>-ce; users may still create more "
                    "from Studio. Default: none (users create their own).")
    ebs_volume_size_gib: int = Field(
        5, ge=EBS_SIZE_RANGE_GIB[0], le=EBS_SIZE_RANGE_GIB[1],
        description="EBS volume of each space the platform creates, and the domain's default for spaces "
                    "users create, GiB (5-16384).")
    max_ebs_volume_size_gib: int = Field(
        100, ge=EBS_SIZE_RANGE_GIB[0], le=EBS_SIZE_RANGE_GIB[1],
        description="The largest EBS volume a user may give a space, GiB (5-16384, at least "
                    "ebs_volume_size_gib).")
    shared_teams: list[str] = Field(
        default_factory=list,
        description="Not supported: shared spaces run as one role for every team of the domain; any "
                    "value is refused (docs/studio.md, \"Why no shared spaces\").")

    rules = (ebs_size_problems,)

    @field_validator("private")
    @classmethod
    def _once_each(cls, app_types: list[str]) -> list[str]:
        repeated = sorted({t for t in app_types if app_types.count(t) > 1})
        if repeated:
            raise ValueError(f"app type(s) {repeated} listed twice; each user gets one private space per "
                             f"app type (one of {list(SPACE_APP_TYPES)})")
        return app_types

    @field_validator("shared_teams")
    @classmethod
    def _no_shared(cls, teams: list[str]) -> list[str]:
        if teams:
            raise ValueError(f"{teams}: {SHARED_SPACES_MESSAGE}")
        return teams
