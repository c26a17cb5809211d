"""Stand-ins for Studio apps and spaces, and the order in which SageMaker lets a domain be deleted.

moto 5.2.5 has no API for apps (``CreateApp``/``DescribeApp``/``DeleteApp``/``ListApps``) or spaces
(``CreateSpace``/``DescribeSpace``/``DeleteSpace``/``ListSpaces``). Users create both from the Studio UI,
never through the platform's templates, yet they decide whether a teardown can run. This module keeps
them in the stand-in store of :mod:`emulator.sagemaker_standins` and refuses, as SageMaker does
(https://docs.aws.amazon.com/sagemaker/latest/dg/gs-studio-delete-domain.html,
https://docs.aws.amazon.com/sagemaker/latest/dg/domain-user-profile-remove.html):

- ``DeleteDomain`` while the domain has user profiles or spaces;
- ``DeleteUserProfile`` while the profile has apps that are not deleted or failed, or owns spaces;
- ``DeleteSpace`` while the space has such apps.

Apps go to ``Deleted`` at once and stay listed, as SageMaker lists deleted apps for a while. Nothing runs.
"""

from __future__ import annotations

import copy
from typing import Any

from moto.core.responses import ActionResult, EmptyResult
from moto.core.utils import utcnow
from moto.sagemaker.exceptions import ResourceInUseException, ResourceNotFound
from moto.sagemaker.models import SageMakerModelBackend
from moto.sagemaker.responses import SageMakerResponse
from moto.sagemaker.utils import arn_formatter

from . import sagemaker_standins as standins
from .refusals import refuse

_LIVE = {"InService", "Pending", "Updating", "Deleting"}


def _apps(sagemaker: SageMakerModelBackend) -> dict[tuple[str, str, str, str], dict[str, Any]]:
    """(domain, owner, app type, app name) -> app; owner is ``profile:<name>`` or ``space:<name>``."""
    return standins.store(sagemaker, "apps")


def _spaces(sagemaker: SageMakerModelBackend) -> dict[tuple[str, str], dict[str, Any]]:
    return standins.store(sagemaker, "spaces")


def _owner(profile: str | None, space: str | None) -> str:
    return f"space:{space}" if space else f"profile:{profile}"


def create_space(sagemaker: SageMakerModelBackend, domain_id: str, name: str, *, owner: str | None = None,
                 sharing_type: str = "Private", settings: dict[str, Any] | None = None) -> dict[str, Any]:
    if domain_id not in sagemaker.domains:
        raise ResourceNotFound(f"Domain {domain_id} not found")
    if (domain_id, name) in _spaces(sagemaker):
        raise ResourceInUseException(f"Space {name} already exists in domain {domain_id}")
    if owner is not None:
        standins.describe_user_profile(sagemaker, domain_id, owner)
    now = utcnow()
    space = {
        "DomainId": domain_id,
        "SpaceName": name,
        "Status": "InService",
        "CreationTime": now,
        "LastModifiedTime": now,
        "SpaceArn": arn_formatter(
            "space", f"{domain_id}/{name}", sagemaker.account_id, sagemaker.region_name
        ),
        "SpaceSharingSettings": {"SharingType": sharing_type},
        "SpaceSettings": copy.deepcopy(settings or {}),
    }
    if owner is not None:
        space["OwnershipSettings"] = {"OwnerUserProfileName": owner}
    _spaces(sagemaker)[(domain_id, name)] = space
    return space


def describe_space(sagemaker: SageMakerModelBackend, domain_id: str, name: str) -> dict[str, Any]:
    space = _spaces(sagemaker).get((domain_id, name))
    if space is None:
        raise ResourceNotFound(f"Space {name} not found in domain {domain_id}")
    return space


def _live_apps(sagemaker: SageMakerModelBackend, domain_id: str, owner: str) -> list[str]:
    return sorted(
        f"{kind}/{name}"
        for (domain, who, kind, name), app in _apps(sagemaker).items()
        if domain == domain_id and who == owner and app["Status"] in _LIVE
    )


def delete_space(sagemaker: SageMakerModelBackend, domain_id: str, name: str) -> None:
    describe_space(sagemaker, domain_id, name)
    live = _live_apps(sagemaker, domain_id, _owner(None, name))
    if live:
        refuse(
            "sagemaker.delete-user-profile-needs-no-apps",
            f"Space {name} of domain {domain_id} has apps that are not deleted: {', '.join(live)}",
            code="ResourceInUse",
        )
    del _spaces(sagemaker)[(domain_id, name)]


def list_spaces(sagemaker: SageMakerModelBackend, domain_id: str | None = None) -> list[dict[str, Any]]:
    return [
        s for (domain, _), s in sorted(_spaces(sagemaker).items()) if not domain_id or domain == domain_id
    ]


def create_app(
    sagemaker: SageMakerModelBackend,
    domain_id: str,
    app_type: str,
    app_name: str,
    *,
    profile: str | None = None,
    space: str | None = None,
) -> dict[str, Any]:
    if space:
        describe_space(sagemaker, domain_id, space)
    else:
        standins.describe_user_profile(sagemaker, domain_id, profile or "")
    key = (domain_id, _owner(profile, space), app_type, app_name)
    if key in _apps(sagemaker) and _apps(sagemaker)[key]["Status"] in _LIVE:
        raise ResourceInUseException(f"App {app_type}/{app_name} already exists")
    app = {
        "DomainId": domain_id,
        "AppType": app_type,
        "AppName": app_name,
        "Status": "InService",
        "CreationTime": utcnow(),
        "AppArn": arn_formatter(
            "app",
            f"{domain_id}/{space or profile}/{app_type.lower()}/{app_name}",
            sagemaker.account_id,
            sagemaker.region_name,
        ),
    }
    app.update({"SpaceName": space} if space else {"UserProfileName": profile})
    _apps(sagemaker)[key] = app
    return app


def delete_app(
    sagemaker: SageMakerModelBackend,
    domain_id: str,
    app_type: str,
    app_name: str,
    *,
    profile: str | None = None,
    space: str | None = None,
) -> None:
    app = _apps(sagemaker).get((domain_id, _owner(profile, space), app_type, app_name))
    if app is None or app["Status"] not in _LIVE:
        raise ResourceNotFound(f"App {app_type}/{app_name} not found")
    app["Status"] = "Deleted"


def list_apps(sagemaker: SageMakerModelBackend, domain_id: str | None = None) -> list[dict[str, Any]]:
    return [a for (domain, *_), a in sorted(_apps(sagemaker).items()) if not domain_id or domain == domain_id]


# -- refusals on the user-profile stand-in and moto's DeleteDomain -------------------------------------------


def _guard_delete_user_profile(original: Any) -> Any:
    def delete_user_profile(sagemaker: SageMakerModelBackend, domain_id: str, name: str) -> None:
        standins.describe_user_profile(sagemaker, domain_id, name)
        live = _live_apps(sagemaker, domain_id, _owner(name, None))
        owned = sorted(
            s["SpaceName"]
            for s in list_spaces(sagemaker, domain_id)
            if s.get("OwnershipSettings", {}).get("OwnerUserProfileName") == name
        )
        if live or owned:
            refuse(
                "sagemaker.delete-user-profile-needs-no-apps",
                f"User profile {name} of domain {domain_id} still has apps {live or '[]'} and spaces "
                f"{owned or '[]'}; delete them first",
                code="ResourceInUse",
            )
        original(sagemaker, domain_id, name)

    return delete_user_profile


def _guard_delete_domain(original: Any) -> Any:
    def delete_domain(self: SageMakerModelBackend, domain_id: str, retention_policy: Any = None) -> Any:
        profiles = sorted(n for (d, n) in standins.store(self, "user_profiles") if d == domain_id)
        spaces = sorted(s["SpaceName"] for s in list_spaces(self, domain_id))
        if profiles or spaces:
            refuse(
                "sagemaker.delete-domain-needs-no-members",
                f"Domain {domain_id} still has user profiles {profiles or '[]'} and spaces "
                f"{spaces or '[]'}; "
                "delete them first",
                code="ResourceInUse",
            )
        return original(self, domain_id, retention_policy)

    return delete_domain


def _handlers() -> dict[str, Any]:
    def sm(response: SageMakerResponse) -> SageMakerModelBackend:
        return response.sagemaker_backend

    def create_space_handler(self: SageMakerResponse) -> ActionResult:
        ownership = self._get_param("OwnershipSettings") or {}
        sharing = self._get_param("SpaceSharingSettings") or {}
        space = create_space(
            sm(self),
            self._get_param("DomainId"),
            self._get_param("SpaceName"),
            owner=ownership.get("OwnerUserProfileName"),
            sharing_type=sharing.get("SharingType", "Private"),
            settings=self._get_param("SpaceSettings"),
        )
        return ActionResult({"SpaceArn": space["SpaceArn"]})

    def describe_space_handler(self: SageMakerResponse) -> ActionResult:
        return ActionResult(
            describe_space(sm(self), self._get_param("DomainId"), self._get_param("SpaceName"))
        )

    def delete_space_handler(self: SageMakerResponse) -> EmptyResult:
        delete_space(sm(self), self._get_param("DomainId"), self._get_param("SpaceName"))
        return EmptyResult()

    def list_spaces_handler(self: SageMakerResponse) -> ActionResult:
        return ActionResult({"Spaces": list_spaces(sm(self), self._get_param("DomainIdEquals"))})

    def create_app_handler(self: SageMakerResponse) -> ActionResult:
        app = create_app(
            sm(self),
            self._get_param("DomainId"),
            self._get_param("AppType"),
            self._get_param("AppName"),
            profile=self._get_param("UserProfileName"),
            space=self._get_param("SpaceName"),
        )
        return ActionResult({"AppArn": app["AppArn"]})

    def delete_app_handler(self: SageMakerResponse) -> EmptyResult:
        delete_app(
            sm(self),
            self._get_param("DomainId"),
            self._get_param("AppType"),
            self._get_param("AppName"),
            profile=self._get_param("UserProfileName"),
            space=self._get_param("SpaceName"),
        )
        return EmptyResult()

    def list_apps_handler(self: SageMakerResponse) -> ActionResult:
        return ActionResult({"Apps": list_apps(sm(self), self._get_param("DomainIdEquals"))})

    defined = dict(locals())
    return {name.removesuffix("_handler"): f for name, f in defined.items() if name.endswith("_handler")}


_installed = False


def install() -> None:
    """Add the app and space actions to moto's SageMakerResponse and the teardown refusals. Idempotent."""
    global _installed
    if _installed:
        return
    standins.install()
    standins.register(_handlers())
    standins.delete_user_profile = _guard_delete_user_profile(standins.delete_user_profile)
    SageMakerModelBackend.delete_domain = _guard_delete_domain(SageMakerModelBackend.delete_domain)
    _installed = True
