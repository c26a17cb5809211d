"""Stand-in: Studio custom images (``AWS::SageMaker::Image``, ``ImageVersion``, ``AppImageConfig``).

moto 5.2.5 has no image API (no CreateImage, CreateImageVersion or CreateAppImageConfig) and no models for
the three types. This module keeps them in the stand-in store of :mod:`emulator.sagemaker_standins` (a moto
reset empties them), creates them through CloudFormation (the demo labels them ``[emulator stand-in]``), and
refuses what SageMaker refuses:

- an image name outside CreateImage's pattern, or one that exists (``sagemaker.image-name``);
- an image version of an image that does not exist, or whose BaseImage is not a private ECR image URI
  ``<account>.dkr.ecr.<region>.amazonaws.com/<repo>[:tag|@digest]`` (``sagemaker.image-version-base-image``);
- an AppImageConfig name that exists (``sagemaker.app-image-config-name-unique``);
- a domain or user profile whose JupyterLab / Code Editor ``CustomImages`` name an image or AppImageConfig
  that does not exist (``sagemaker.custom-image-references``), on create and update.

Nothing is pulled: the repository and digest are not looked up in ECR.
"""

from __future__ import annotations

from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.core.utils import utcnow
from moto.sagemaker.models import SageMakerModelBackend
from moto.sagemaker.utils import arn_formatter

from cdk_secure_ml.core.studio_images import ECR_IMAGE_URI_RE, IMAGE_NAME_RE

from . import sagemaker_standins as standins
from ._base import AdapterMixin, stand_in
from .refusals import refuse
from .sagemaker import api_typed

#: App settings whose CustomImages the domain and profiles may list.
_APP_SETTINGS = ("JupyterLabAppSettings", "CodeEditorAppSettings", "KernelGatewayAppSettings")


def _images(sagemaker: SageMakerModelBackend) -> dict[str, dict[str, Any]]:
    return standins.store(sagemaker, "images")


def _configs(sagemaker: SageMakerModelBackend) -> dict[str, dict[str, Any]]:
    return standins.store(sagemaker, "app_image_configs")


def create_image(
    sagemaker: SageMakerModelBackend, name: str, role_arn: str, display_name: str | None = None
) -> dict[str, Any]:
    if not IMAGE_NAME_RE.match(name or ""):
        refuse(
            "sagemaker.image-name",
            f"ImageName {name!r} does not match ^[a-zA-Z0-9]([-.]?[a-zA-Z0-9]){{0,62}}$.",
        )
    if name in _images(sagemaker):
        refuse("sagemaker.image-name", f"Image {name} already exists.", code="ResourceInUse")
    image = {
        "ImageName": name,
        "RoleArn": role_arn,
        "DisplayName": display_name or name,
        "ImageArn": arn_formatter("image", name, sagemaker.account_id, sagemaker.region_name),
        "ImageStatus": "CREATED",
        "CreationTime": utcnow(),
        "Versions": {},
        "NextVersion": 1,
    }
    _images(sagemaker)[name] = image
    return image


def delete_image(sagemaker: SageMakerModelBackend, name: str) -> None:
    """DeleteImage deletes the image and all its versions."""
    _images(sagemaker).pop(name, None)


def create_image_version(
    sagemaker: SageMakerModelBackend, image_name: str, base_image: str
) -> dict[str, Any]:
    image = _images(sagemaker).get(image_name)
    if image is None:
        refuse(
            "sagemaker.image-version-base-image",
            f"Image {image_name} does not exist; create the image before its versions.",
            code="ResourceNotFound",
        )
    if not ECR_IMAGE_URI_RE.match(base_image or ""):
        refuse(
            "sagemaker.image-version-base-image",
            f"BaseImage {base_image!r} is not an Amazon ECR image URI "
            "<account>.dkr.ecr.<region>.amazonaws.com/<repo>[:tag|@digest].",
        )
    number = image["NextVersion"]
    image["NextVersion"] = number + 1
    version = {
        "ImageName": image_name,
        "Version": number,
        "BaseImage": base_image,
        "ImageArn": image["ImageArn"],
        "ImageVersionStatus": "CREATED",
        "ImageVersionArn": arn_formatter(
            "image-version", f"{image_name}/{number}", sagemaker.account_id, sagemaker.region_name
        ),
    }
    image["Versions"][number] = version
    return version


def delete_image_version(sagemaker: SageMakerModelBackend, image_name: str, number: int) -> None:
    image = _images(sagemaker).get(image_name)
    if image is not None:
        image["Versions"].pop(number, None)


def create_app_image_config(sagemaker: SageMakerModelBackend, name: str, settings: dict[str, Any]) -> dict:
    if name in _configs(sagemaker):
        refuse(
            "sagemaker.app-image-config-name-unique",
            f"AppImageConfig {name} already exists in the account; give it another name.",
            code="ResourceInUse",
        )
    config = {
        "AppImageConfigName": name,
        **settings,
        "CreationTime": utcnow(),
        "AppImageConfigArn": arn_formatter(
            "app-image-config", name, sagemaker.account_id, sagemaker.region_name
        ),
    }
    _configs(sagemaker)[name] = config
    return config


def check_custom_images(
    sagemaker: SageMakerModelBackend, owner: str, settings: dict[str, Any] | None
) -> None:
    """Refuse ``settings`` (a domain's or profile's user settings) naming an unknown image or config."""
    for key in _APP_SETTINGS:
        for entry in ((settings or {}).get(key) or {}).get("CustomImages") or []:
            image, config = entry.get("ImageName"), entry.get("AppImageConfigName")
            if image not in _images(sagemaker):
                refuse(
                    "sagemaker.custom-image-references",
                    f"{owner}: {key}.CustomImages names image {image}, "
                    "which does not exist; create the image (and a version) first.",
                    code="ResourceNotFound",
                )
            if config not in _configs(sagemaker):
                refuse(
                    "sagemaker.custom-image-references",
                    f"{owner}: {key}.CustomImages names AppImageConfig "
                    f"{config}, which does not exist; create it first.",
                    code="ResourceNotFound",
                )


@stand_in
class Image(AdapterMixin, CloudFormationModel):
    """Stand-in: moto has no images. Ref is the ImageArn."""

    def __init__(self, image: dict[str, Any]) -> None:
        self.physical_id = image["ImageArn"]
        self.ImageArn = image["ImageArn"]
        self.name = image["ImageName"]

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::SageMaker::Image"

    @classmethod
    def attributes(cls) -> tuple[str, ...]:
        return ("ImageArn",)

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Image:
        props = api_typed(cloudformation_json["Properties"])
        return cls(
            create_image(
                standins.backend(account_id, region_name),
                props["ImageName"],
                props.get("ImageRoleArn", ""),
                props.get("ImageDisplayName"),
            )
        )

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[misc]
        cls,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> Any:
        """Role, display name and description update in place (the name is create-only)."""
        props = api_typed(cloudformation_json["Properties"])
        image = _images(standins.backend(account_id, region_name)).get(props["ImageName"])
        if image is None:
            return super().update_from_cloudformation_json(
                original_resource, new_resource_name, cloudformation_json, account_id, region_name
            )
        image["RoleArn"] = props.get("ImageRoleArn", image["RoleArn"])
        image["DisplayName"] = props.get("ImageDisplayName") or image["ImageName"]
        return cls(image)

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        delete_image(standins.backend(account_id, region_name), resource_name.rsplit("/", 1)[-1])


@stand_in
class ImageVersion(AdapterMixin, CloudFormationModel):
    """Stand-in: moto has no image versions. Ref is the ImageVersionArn (``.../<image>/<version>``)."""

    def __init__(self, version: dict[str, Any]) -> None:
        self.physical_id = version["ImageVersionArn"]
        self.ImageVersionArn = version["ImageVersionArn"]
        self.ImageArn = version["ImageArn"]
        self.Version = version["Version"]

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::SageMaker::ImageVersion"

    @classmethod
    def attributes(cls) -> tuple[str, ...]:
        return ("ImageVersionArn", "ImageArn", "Version")

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> ImageVersion:
        props = api_typed(cloudformation_json["Properties"])
        return cls(
            create_image_version(
                standins.backend(account_id, region_name), props["ImageName"], props.get("BaseImage", "")
            )
        )

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        image_name, _, number = resource_name.split(":image-version/", 1)[-1].partition("/")
        if number.isdigit():
            delete_image_version(standins.backend(account_id, region_name), image_name, int(number))


@stand_in
class AppImageConfig(AdapterMixin, CloudFormationModel):
    """Stand-in: moto has no AppImageConfigs. Ref is the name."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.physical_id = config["AppImageConfigName"]
        self.AppImageConfigArn = config["AppImageConfigArn"]

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::SageMaker::AppImageConfig"

    @classmethod
    def attributes(cls) -> tuple[str, ...]:
        return ("AppImageConfigArn",)

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> AppImageConfig:
        props = api_typed(cloudformation_json["Properties"])
        settings = {
            k: props[k]
            for k in ("JupyterLabAppImageConfig", "CodeEditorAppImageConfig", "KernelGatewayImageConfig")
            if k in props
        }
        return cls(
            create_app_image_config(
                standins.backend(account_id, region_name), props["AppImageConfigName"], settings
            )
        )

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[misc]
        cls,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> Any:
        """The app configurations update in place (the name is create-only)."""
        props = api_typed(cloudformation_json["Properties"])
        config = _configs(standins.backend(account_id, region_name)).get(props["AppImageConfigName"])
        if config is None:
            return super().update_from_cloudformation_json(
                original_resource, new_resource_name, cloudformation_json, account_id, region_name
            )
        for key in ("JupyterLabAppImageConfig", "CodeEditorAppImageConfig", "KernelGatewayImageConfig"):
            config.pop(key, None)
            if key in props:
                config[key] = props[key]
        return cls(config)

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        _configs(standins.backend(account_id, region_name)).pop(resource_name, None)


_installed = False


def install() -> None:
    """Check CustomImages on CreateDomain, UpdateDomain, CreateUserProfile and UpdateUserProfile.
    Idempotent."""
    global _installed
    if _installed:
        return
    create_domain = SageMakerModelBackend.create_domain

    def guarded_create_domain(self: SageMakerModelBackend, *args: Any, **kwargs: Any) -> Any:
        check_custom_images(self, f"domain {kwargs.get('domain_name')}", kwargs.get("default_user_settings"))
        return create_domain(self, *args, **kwargs)

    SageMakerModelBackend.create_domain = guarded_create_domain  # type: ignore[method-assign]
    update_domain = standins.update_domain

    def guarded_update_domain(
        sagemaker: SageMakerModelBackend, domain_id: str, changes: dict[str, Any]
    ) -> Any:
        check_custom_images(sagemaker, f"domain {domain_id}", changes.get("DefaultUserSettings"))
        return update_domain(sagemaker, domain_id, changes)

    standins.update_domain = guarded_update_domain
    create_profile, update_profile = standins.create_user_profile, standins.update_user_profile

    def guarded_create_profile(
        sagemaker: SageMakerModelBackend,
        domain_id: str,
        name: str,
        user_settings: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> Any:
        check_custom_images(sagemaker, f"user profile {name}", user_settings)
        return create_profile(sagemaker, domain_id, name, user_settings, **kwargs)

    def guarded_update_profile(
        sagemaker: SageMakerModelBackend,
        domain_id: str,
        name: str,
        user_settings: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> Any:
        check_custom_images(sagemaker, f"user profile {name}", user_settings)
        return update_profile(sagemaker, domain_id, name, user_settings, **kwargs)

    standins.create_user_profile = guarded_create_profile
    standins.update_user_profile = guarded_update_profile
    _installed = True
