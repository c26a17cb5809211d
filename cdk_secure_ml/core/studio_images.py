"""Studio custom images from private ECR, pinned by digest: the names and values SageMaker and ECR accept,
shared by the config (``studio.custom_images``), the construct (:mod:`cdk_secure_ml.constructs.studio_images`)
and the emulator. No CDK here.

Sources:

- ImageName: 1-63 characters, ``^[a-zA-Z0-9]([-.]?[a-zA-Z0-9]){0,62}$``
  (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateImage.html);
- AppImageConfigName: up to 63, ``[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}`` (no dots)
  (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateAppImageConfig.html);
- DisplayName: 1-128, ``^\\S(.*\\S)?$`` (CreateImage);
- BaseImage: ``<account>.dkr.ecr.<region>.amazonaws.com/<repo>[:tag|@digest]``
  (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateImageVersion.html);
- an ECR repository name: 2-256 characters, lower-case path segments
  (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html).
"""

from __future__ import annotations

import re

#: The Studio apps a custom image can run as (JupyterLabAppImageConfig / CodeEditorAppImageConfig).
CUSTOM_IMAGE_APP_TYPES = ("JupyterLab", "CodeEditor")
IMAGE_NAME_RE = re.compile(r"^[a-zA-Z0-9]([-.]?[a-zA-Z0-9]){0,62}$")
APP_IMAGE_CONFIG_NAME_RE = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")
# CloudFormation's pattern for ImageDisplayName, ^[A-Za-z0-9 -_]+$, is narrower than the API's: ASCII letters
# and digits and the range ' '..'_' (no backtick, no {|}~, no accented letters)
# (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sagemaker-image.html)
DISPLAY_NAME_RE = re.compile(r"^(?! )[A-Za-z0-9 -_]+(?<! )$")
DISPLAY_NAME_LIMIT = 128
REPOSITORY_NAME_RE = re.compile(r"^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$")
REPOSITORY_NAME_RANGE = (2, 256)
DIGEST_RE = re.compile(r"^sha256:[0-9a-f]{64}$")
#: BaseImage as SageMaker takes it: a private ECR image of an account (tag or digest).
ECR_IMAGE_URI_RE = re.compile(
    r"^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?/"
    r"((?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*)"
    r"(?::[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}|@sha256:[0-9a-f]{64})$"
)


def image_name_problems(name: str) -> list[str]:
    if IMAGE_NAME_RE.match(name):
        return []
    return [f"image name {name!r} is not a SageMaker image name: 1-63 letters and digits, single '-' or '.' "
            "between them (e.g. team-jupyter or team.jupyter-2)"]


def repository_problems(repository: str) -> list[str]:
    """A repository *name* of this account; a URI, tag or digest in it is refused with the fix."""
    if ".dkr.ecr." in repository or "@" in repository or ":" in repository:
        return [f"repository {repository!r} is a URI or names a tag/digest; give only the repository name "
                "(e.g. secure-ml/jupyter): the image is pulled from this account's registry in the "
                "stack's region, and the digest goes in 'digest'"]
    low, high = REPOSITORY_NAME_RANGE
    if not low <= len(repository) <= high or not REPOSITORY_NAME_RE.match(repository):
        return [f"repository {repository!r} is not an ECR repository name: {low}-{high} lower-case letters, "
                "digits and '/', '.', '_', '-' between them (e.g. secure-ml/jupyter)"]
    return []


def digest_problems(digest: str) -> list[str]:
    if DIGEST_RE.match(digest):
        return []
    return [f"digest {digest!r} is not an image digest; pin the image by its digest, sha256:<64 hex> "
            "(aws ecr describe-images --repository-name <repo> --image-ids imageTag=<tag> "
            "--query 'imageDetails[0].imageDigest'), not by a tag a later push can move"]


def display_name_problems(display_name: str) -> list[str]:
    if len(display_name) <= DISPLAY_NAME_LIMIT and DISPLAY_NAME_RE.match(display_name):
        return []
    return [f"display name {display_name!r} must be 1-{DISPLAY_NAME_LIMIT} characters of CloudFormation's "
            "pattern ^[A-Za-z0-9 -_]+$ (ASCII letters, digits, spaces and most punctuation; no `{|}~ or "
            "accented letters), without leading or trailing spaces"]


def app_image_config_name(image_name: str) -> str:
    """The image's AppImageConfig name: the image name with dots as hyphens (AppImageConfigName has no
    dots; both are at most 63 characters)."""
    return image_name.replace(".", "-")


def base_image_uri(
    account: str, region: str, repository: str, digest: str, url_suffix: str = "amazonaws.com"
) -> str:
    """``<account>.dkr.ecr.<region>.<suffix>/<repository>@<digest>``; the parts may be CDK tokens."""
    return f"{account}.dkr.ecr.{region}.{url_suffix}/{repository}@{digest}"
