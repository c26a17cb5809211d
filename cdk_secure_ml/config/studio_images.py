"""``studio.custom_images``: Studio custom images from this account's private ECR, pinned by digest
(docs/studio.md, "Custom images").

Each entry names a repository of the account (not a URI: the construct builds
``<account>.dkr.ecr.<region>.amazonaws.com/<repository>@<digest>``), the image's digest (never a tag) and
the app it runs as. The checks and their AWS sources are in :mod:`cdk_secure_ml.core.studio_images`.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from cdk_secure_ml.config._section import Problem, Section, each_item
from cdk_secure_ml.core.studio_images import (
    app_image_config_name,
    digest_problems,
    display_name_problems,
    image_name_problems,
    repository_problems,
)


def _raise(problems: list[str]) -> None:
    if problems:
        raise ValueError(problems[0])


class StudioCustomImageConfig(Section):
    """One custom image: ``{name, repository, digest, app_type, display_name?}``."""

    name: str = Field(description="SageMaker image name (AWS::SageMaker::Image ImageName): 1-63 letters and "
                                  "digits, single '-' or '.' between them; unique in the account and region. "
                                  "Its AppImageConfig is named the same, dots as hyphens.")
    repository: str = Field(description="ECR repository name in this account and region (e.g. "
                                        "secure-ml/jupyter), not a URI.")
    digest: str = Field(description="The image's digest, sha256:<64 hex>; tags are refused (a push can move "
                                    "a tag).")
    app_type: Literal["JupyterLab", "CodeEditor"] = Field(
        description="The Studio app the image runs as: JupyterLab or CodeEditor.")
    display_name: str | None = Field(None, description="Name shown in Studio (1-128 characters); default: "
                                                       "name.")

    @field_validator("name")
    @classmethod
    def _name(cls, name: str) -> str:
        _raise(image_name_problems(name))
        return name

    @field_validator("repository")
    @classmethod
    def _repository(cls, repository: str) -> str:
        _raise(repository_problems(repository))
        return repository

    @field_validator("digest")
    @classmethod
    def _digest(cls, digest: str) -> str:
        _raise(digest_problems(digest))
        return digest

    @field_validator("display_name")
    @classmethod
    def _display_name(cls, display_name: str | None) -> str | None:
        if display_name is not None:
            _raise(display_name_problems(display_name))
        return display_name


def duplicate_image_problems(studio: Any) -> list[Problem]:
    """Each image name (and so each AppImageConfig name) once (paths relative to the studio section)."""
    seen: dict[str, int] = {}

    def check(index: int, image: Any) -> list[Problem]:
        key = app_image_config_name(image.name)
        if key in seen:
            return [(("custom_images", index, "name"),
                     f"image {image.name!r} has the same name (or AppImageConfig name {key!r}) as "
                     f"custom_images.{seen[key]}; give each image its own name")]
        seen[key] = index
        return []

    return each_item(studio.custom_images, check)
