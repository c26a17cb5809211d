"""Studio custom images from this account's private ECR, pinned by digest: per image an
``AWS::SageMaker::Image`` (with a role that may pull that one repository), an ``AWS::SageMaker::ImageVersion``
(``BaseImage`` = ``<account>.dkr.ecr.<region>.amazonaws.com/<repo>@sha256:...``), an
``AWS::SageMaker::AppImageConfig`` for JupyterLab or Code Editor, and the image listed in the domain's (and
the profiles') ``JupyterLabAppSettings.CustomImages`` / ``CodeEditorAppSettings.CustomImages``.

- The domain's default user settings update in place, CustomImages included
  (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-sagemaker-domain-customimage.html);
  the domain depends on every image version and AppImageConfig, so they exist before it names them and are
  deleted after it stops naming them.
- A user profile's settings take precedence over the domain's
  (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_UserSettings.html): a profile that sets its
  own app settings (the team's SDK-defaults lifecycle configurations) gets the same CustomImages
  (:func:`add_custom_images_to_profile`).
- A new digest changes ``BaseImage``, which replaces the image version
  (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sagemaker-imageversion.html):
  CloudFormation creates the new version, then deletes the old one; no ``ImageVersionNumber`` is set, so
  Studio offers the image's only (latest) version.

Images hold no data: their removal policy is DESTROY by default.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from aws_cdk import RemovalPolicy, Stack, Tags
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from cdk_secure_ml.constructs.naming import pascal_case
from cdk_secure_ml.constructs.principals import sagemaker_principal
from cdk_secure_ml.constructs.studio import ABAC_TAG_PRIORITY, SecureStudioDomain
from cdk_secure_ml.core.studio_images import (
    CUSTOM_IMAGE_APP_TYPES,
    app_image_config_name,
    base_image_uri,
    digest_problems,
    display_name_problems,
    image_name_problems,
    repository_problems,
)
from cdk_secure_ml.policies.acknowledgements import acknowledge_wildcards

__all__ = ["StudioCustomImage", "StudioCustomImages", "add_custom_images_to_profile"]

#: App type -> the key of its app settings (domain and profile) and of its AppImageConfig.
APP_SETTINGS_KEY = {"JupyterLab": "JupyterLabAppSettings", "CodeEditor": "CodeEditorAppSettings"}


@dataclass(frozen=True)
class StudioCustomImage:
    """One custom image.

    :param name: SageMaker image name (1-63 letters and digits, single ``-``/``.`` between them).
    :param repository: ECR repository *name* in the stack's account and region (not a URI).
    :param digest: ``sha256:<64 hex>``; a tag is refused.
    :param app_type: ``JupyterLab`` (default) or ``CodeEditor``.
    :param display_name: shown in Studio (1-128 characters); default: the name.
    """

    name: str
    repository: str
    digest: str
    app_type: str = "JupyterLab"
    display_name: str | None = None

    def problems(self) -> list[str]:
        problems = [*image_name_problems(self.name), *repository_problems(self.repository),
                    *digest_problems(self.digest)]
        if self.display_name is not None:
            problems += display_name_problems(self.display_name)
        if self.app_type not in CUSTOM_IMAGE_APP_TYPES:
            problems.append(f"app_type {self.app_type!r} is not one of {list(CUSTOM_IMAGE_APP_TYPES)}")
        return problems


def _custom_image_entries(images: Sequence[StudioCustomImage], app_type: str) -> list[dict[str, str]]:
    return [{"ImageName": image.name, "AppImageConfigName": app_image_config_name(image.name)}
            for image in images if image.app_type == app_type]


class StudioCustomImages(Construct):
    """The custom images of a Studio domain, listed in its default user settings.

    :param domain: the domain whose ``DefaultUserSettings`` list the images (property overrides: the
        domain construct is at its size limit).
    :param images: each image once (by name and AppImageConfig name).
    :param tags: added to the images and AppImageConfigs (ABAC priority).
    :param removal_policy: of the images, versions and AppImageConfigs (default DESTROY: they hold no data).
    :raises ValueError: a bad name, repository, digest, display name or app type, or a repeated name, naming
        the image and the fix.

    Attributes: ``images``, ``versions``, ``app_image_configs`` (``dict[str, CfnImage | CfnImageVersion |
    CfnAppImageConfig]`` by image name), ``roles`` (``dict[str, iam.Role]``: per image, trusted by
    ``sagemaker.amazonaws.com`` for this account only, may pull its repository and nothing else),
    ``custom_images`` (``tuple[StudioCustomImage, ...]``).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        domain: SecureStudioDomain,
        images: Sequence[StudioCustomImage],
        tags: Mapping[str, str] = {},
        removal_policy: RemovalPolicy = RemovalPolicy.DESTROY,
    ) -> None:
        _check(images)  # before the construct exists: a refused call leaves the tree as it was
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        self.custom_images = tuple(images)
        self.images: dict[str, sagemaker.CfnImage] = {}
        self.versions: dict[str, sagemaker.CfnImageVersion] = {}
        self.app_image_configs: dict[str, sagemaker.CfnAppImageConfig] = {}
        self.roles: dict[str, iam.Role] = {}
        for image in images:
            label = pascal_case(image.name)
            repository_arn = stack.format_arn(service="ecr", resource="repository",
                                              resource_name=image.repository)
            policy = iam.ManagedPolicy(
                self, f"{label}PullPolicy",
                description=f"Studio custom image {image.name}: pull from ECR repository {image.repository}",
                statements=[
                    iam.PolicyStatement(sid="PullImage", actions=["ecr:BatchGetImage",
                                                                  "ecr:GetDownloadUrlForLayer"],
                                        resources=[repository_arn]),
                    iam.PolicyStatement(sid="EcrAuthorizationToken", actions=["ecr:GetAuthorizationToken"],
                                        resources=["*"]),
                ],
            )
            acknowledge_wildcards(policy, (
                "ecr:GetAuthorizationToken has no resource-level permissions (it is granted on '*' only); "
                "the pull actions name the image's one repository."))
            role = iam.Role(
                self, f"{label}Role",
                assumed_by=sagemaker_principal(self),
                description=f"Studio custom image {image.name}: pulls {image.repository} only",
                managed_policies=[policy],
            )
            cfn_image = sagemaker.CfnImage(
                self, f"{label}Image", image_name=image.name, image_role_arn=role.role_arn,
                image_display_name=image.display_name or image.name,
                image_description=f"{image.app_type} image from ECR {image.repository}, pinned by digest",
            )
            cfn_image.node.add_dependency(policy)
            version = sagemaker.CfnImageVersion(
                self, f"{label}Version", image_name=image.name,
                base_image=base_image_uri(stack.account, stack.region, image.repository, image.digest,
                                          stack.url_suffix),
            )
            # ImageName is a plain string: the version needs its image first (the resource's documented
            # DependsOn use).
            version.node.add_dependency(cfn_image)
            cfn = sagemaker.CfnAppImageConfig
            config_kwargs = (
                {"jupyter_lab_app_image_config": cfn.JupyterLabAppImageConfigProperty()}
                if image.app_type == "JupyterLab" else
                {"code_editor_app_image_config": cfn.CodeEditorAppImageConfigProperty()}
            )
            config = sagemaker.CfnAppImageConfig(
                self, f"{label}AppImageConfig", app_image_config_name=app_image_config_name(image.name),
                **config_kwargs,
            )
            for resource in (cfn_image, version, config):
                resource.apply_removal_policy(removal_policy)
            for resource in (cfn_image, config):
                for key, value in tags.items():
                    Tags.of(resource).add(key, value, priority=ABAC_TAG_PRIORITY)
            # The domain names the image and its config: both exist before it, and go after it.
            domain.domain.node.add_dependency(version, config)
            self.images[image.name], self.versions[image.name] = cfn_image, version
            self.app_image_configs[image.name], self.roles[image.name] = config, role
        for app_type, key in APP_SETTINGS_KEY.items():
            entries = _custom_image_entries(images, app_type)
            if entries:
                domain.domain.add_property_override(f"DefaultUserSettings.{key}.CustomImages", entries)


def _check(images: Sequence[StudioCustomImage]) -> None:
    problems = [f"custom image {image.name!r}: {problem}" for image in images for problem in image.problems()]
    names = [app_image_config_name(image.name) for image in images]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        problems.append(f"custom images {repeated} are listed twice (by name or AppImageConfig name, dots as "
                        "hyphens); give each image its own name")
    if problems:
        raise ValueError("StudioCustomImages: " + "; ".join(problems))


def add_custom_images_to_profile(
    profile: sagemaker.CfnUserProfile, images: Sequence[StudioCustomImage]
) -> None:
    """List ``images`` in ``profile``'s own ``JupyterLabAppSettings`` / ``CodeEditorAppSettings`` too: a
    profile's settings take precedence over the domain's, so a profile that sets its app settings (the team's
    lifecycle configurations) would otherwise not offer them. The images must be created before the profile
    (in the domain's stack, which the profile's stack depends on)."""
    for app_type, key in APP_SETTINGS_KEY.items():
        entries = _custom_image_entries(images, app_type)
        if entries:
            profile.add_property_override(f"UserSettings.{key}.CustomImages", entries)
