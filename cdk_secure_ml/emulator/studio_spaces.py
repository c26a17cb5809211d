"""Stand-in: ``AWS::SageMaker::Space`` through CloudFormation, and the EBS limits SageMaker sets on spaces.

moto 5.2.5 has no space API (no backend, no handler); :mod:`emulator.studio_apps` emulates
``CreateSpace``/``DescribeSpace``/``DeleteSpace``/``ListSpaces`` for what users create from Studio. This
module adds the CloudFormation type on the same store (the platform creates each user's private spaces with
the profile), ``UpdateSpace``, and refuses what SageMaker refuses, on both paths:

- a space whose owner profile does not exist in the domain (``ResourceNotFound``, from the store);
- an EBS volume outside 5-16384 GiB (``sagemaker.space-ebs-size-range``) or above the domain's
  ``MaximumEbsVolumeSizeInGb`` (``sagemaker.space-ebs-within-domain-maximum``);
- deleting a profile that still owns spaces, or a space with running apps (:mod:`emulator.studio_apps`).

Nothing runs: a space is a record. Its physical id is ``<domain id>|<space name>`` and ``SpaceArn`` its
attribute.
"""

from __future__ import annotations

import copy
from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.sagemaker.models import SageMakerModelBackend
from moto.sagemaker.responses import SageMakerResponse

from . import sagemaker_standins as standins
from . import studio_apps
from ._base import AdapterMixin, stand_in
from .refusals import refuse
from .sagemaker import api_typed

#: SageMaker's bounds for a space's EBS volume, GiB.
EBS_SIZE_RANGE_GIB = (5, 16384)


def _ebs_size(settings: dict[str, Any] | None) -> int | None:
    size = (((settings or {}).get("SpaceStorageSettings") or {}).get("EbsStorageSettings") or {}).get(
        "EbsVolumeSizeInGb")
    return None if size is None else int(size)


def domain_maximum_gib(sagemaker: SageMakerModelBackend, domain_id: str, sharing_type: str) -> int | None:
    """The domain's ``MaximumEbsVolumeSizeInGb`` for spaces of ``sharing_type`` (user settings for private
    spaces, space settings for shared ones), or None when the domain sets none."""
    domain = sagemaker.describe_domain(domain_id)
    key = "DefaultUserSettings" if sharing_type == "Private" else "DefaultSpaceSettings"
    storage = ((domain.get(key) or {}).get("SpaceStorageSettings") or {}).get("DefaultEbsStorageSettings")
    maximum = (storage or {}).get("MaximumEbsVolumeSizeInGb")
    return None if maximum is None else int(maximum)


def check_space_storage(sagemaker: SageMakerModelBackend, domain_id: str, name: str, sharing_type: str,
                        settings: dict[str, Any] | None) -> None:
    """Refuse an EBS size SageMaker refuses (see the module's list)."""
    size = _ebs_size(settings)
    if size is None:
        return
    low, high = EBS_SIZE_RANGE_GIB
    if not low <= size <= high:
        refuse("sagemaker.space-ebs-size-range",
               f"Space {name}: EbsVolumeSizeInGb {size} is outside {low}-{high}")
    maximum = domain_maximum_gib(sagemaker, domain_id, sharing_type)
    if maximum is not None and size > maximum:
        refuse("sagemaker.space-ebs-within-domain-maximum",
               f"Space {name}: EbsVolumeSizeInGb {size} is above the domain {domain_id}'s "
               f"MaximumEbsVolumeSizeInGb {maximum}")


def _guard_create_space(original: Any) -> Any:
    def create_space(sagemaker: SageMakerModelBackend, domain_id: str, name: str, *, owner: str | None = None,
                     sharing_type: str = "Private", settings: dict[str, Any] | None = None) -> dict[str, Any]:
        if domain_id in sagemaker.domains:
            check_space_storage(sagemaker, domain_id, name, sharing_type, settings)
        return original(sagemaker, domain_id, name, owner=owner, sharing_type=sharing_type, settings=settings)

    return create_space


def update_space(sagemaker: SageMakerModelBackend, domain_id: str, name: str, *,
                 settings: dict[str, Any] | None = None, display_name: str | None = None) -> dict[str, Any]:
    """UpdateSpace: the settings and display name change in place (sharing and owner are create-only)."""
    space = studio_apps.describe_space(sagemaker, domain_id, name)
    sharing = space["SpaceSharingSettings"]["SharingType"]
    if settings is not None:
        check_space_storage(sagemaker, domain_id, name, sharing, settings)
        space["SpaceSettings"] = copy.deepcopy(settings)
    if display_name is not None:
        space["SpaceDisplayName"] = display_name
    space["LastModifiedTime"] = utcnow()
    return space


@stand_in
class Space(AdapterMixin, CloudFormationModel):
    """Stand-in: moto has no spaces. Ref is ``<domain id>|<space name>``."""

    def __init__(self, space: dict[str, Any]) -> None:
        self.physical_id = f"{space['DomainId']}|{space['SpaceName']}"
        self.SpaceArn = space["SpaceArn"]

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::SageMaker::Space"

    @classmethod
    def attributes(cls) -> tuple[str, ...]:
        return ("SpaceArn",)

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Space:
        props = api_typed(cloudformation_json["Properties"])
        sagemaker = standins.backend(account_id, region_name)
        space = studio_apps.create_space(
            sagemaker,
            props["DomainId"],
            props["SpaceName"],
            owner=(props.get("OwnershipSettings") or {}).get("OwnerUserProfileName"),
            sharing_type=(props.get("SpaceSharingSettings") or {}).get("SharingType", "Private"),
            settings=props.get("SpaceSettings"),
        )
        if props.get("SpaceDisplayName"):
            space["SpaceDisplayName"] = props["SpaceDisplayName"]
        return cls(space)

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[misc]
        cls,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> Any:
        """In place (UpdateSpace); a change of a create-only property is replaced before it gets here."""
        props = api_typed(cloudformation_json["Properties"])
        domain_id, _, name = original_resource.physical_id.partition("|")
        sagemaker = standins.backend(account_id, region_name)
        if (domain_id, name) not in standins.store(sagemaker, "spaces"):
            return super().update_from_cloudformation_json(
                original_resource, new_resource_name, cloudformation_json, account_id, region_name
            )
        return cls(update_space(sagemaker, domain_id, name, settings=props.get("SpaceSettings") or {},
                                display_name=props.get("SpaceDisplayName")))

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        domain_id, _, name = resource_name.partition("|")
        sagemaker = standins.backend(account_id, region_name)
        if (domain_id, name) in standins.store(sagemaker, "spaces"):
            studio_apps.delete_space(sagemaker, domain_id, name)


def _update_space_handler(self: SageMakerResponse) -> ActionResult:
    space = update_space(self.sagemaker_backend, self._get_param("DomainId"), self._get_param("SpaceName"),
                         settings=self._get_param("SpaceSettings"),
                         display_name=self._get_param("SpaceDisplayName"))
    return ActionResult({"SpaceArn": space["SpaceArn"]})


_installed = False


def install() -> None:
    """The space API of :mod:`emulator.studio_apps`, UpdateSpace, and the EBS refusals. Idempotent."""
    global _installed
    if _installed:
        return
    studio_apps.install()
    standins.register({"update_space": _update_space_handler})
    studio_apps.create_space = _guard_create_space(studio_apps.create_space)
    _installed = True
