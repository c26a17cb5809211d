"""Stand-ins for the SageMaker APIs moto 5.2.5 does not have: user profiles, Studio lifecycle
configs, monitoring schedules, UpdateDomain, and a notebook instance's metadata service (IMDS)
settings.

moto has no backend and no handler for CreateUserProfile, CreateStudioLifecycleConfig or
CreateMonitoringSchedule (and their Describe/List/Delete), nor for UpdateNotebookInstance, and its
notebook instances drop InstanceMetadataServiceConfiguration. This module keeps a small store on
moto's SageMaker backend object (so ``/moto-api/reset`` empties it with the rest) and adds handlers
to moto's ``SageMakerResponse``, which dispatches a JSON action to the method named after it
(``DescribeUserProfile`` -> ``describe_user_profile``). The handlers answer in the API's shapes, so
boto3 and the CloudFormation adapters of :mod:`emulator.sagemaker` see one account.

This is an emulation written here, not moto's: it stores and returns what it is given, checks what
the API checks about existence (the domain of a profile, the job definition of a schedule, duplicate
names), and refuses what AWS refuses (deleting a lifecycle config a domain or profile still lists).
As in AWS, a Studio lifecycle config has no update at all. It never runs a Studio app, a lifecycle script or a
monitoring job.

:func:`install` patches ``SageMakerResponse`` in this process only (the emulator's, or a test's).

Longer than 600 lines because the store and the handlers that answer from it form one dispatch table
(:func:`_handlers`); the handlers only translate between the API's shapes and the store's functions.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterable
from typing import Any

from moto.core.responses import ActionResult, EmptyResult
from moto.core.utils import utcnow
from moto.sagemaker.exceptions import ResourceInUseException, ResourceNotFound, ValidationError
from moto.sagemaker.models import SageMakerModelBackend, sagemaker_backends
from moto.sagemaker.responses import SageMakerResponse
from moto.sagemaker.utils import arn_formatter

from .refusals import refuse

#: The CloudFormation types whose API this module emulates (the demo labels them "stand-in").
STAND_IN_TYPES = (
    "AWS::SageMaker::UserProfile",
    "AWS::SageMaker::StudioLifecycleConfig",
    "AWS::SageMaker::MonitoringSchedule",
)

#: MonitoringType -> the attribute of moto's backend holding that kind of job definition.
JOB_DEFINITION_STORES = {
    "DataQuality": "data_quality_job_definitions",
    "ModelQuality": "model_quality_job_definitions",
    "ModelBias": "model_bias_job_definitions",
    "ModelExplainability": "model_explainability_job_definitions",
}
APP_TYPES = ("JupyterServer", "KernelGateway", "CodeEditor", "JupyterLab")


def backend(account_id: str, region_name: str) -> SageMakerModelBackend:
    return sagemaker_backends[account_id][region_name]


def store(sagemaker: SageMakerModelBackend, kind: str) -> dict[Any, dict[str, Any]]:
    """The stand-in's records of ``kind`` on moto's backend object; moto's reset replaces the
    backend's ``__dict__``, so a reset empties them too."""
    return sagemaker.__dict__.setdefault(f"_emulator_{kind}", {})


def _page(
    items: list[dict[str, Any]], max_results: int | None, next_token: str | None
) -> tuple[list, str | None]:
    start = int(next_token or 0)
    size = int(max_results or 100)
    end = start + size
    return items[start:end], (str(end) if end < len(items) else None)


def _sorted(items: Iterable[dict[str, Any]], key: str, order: str | None) -> list[dict[str, Any]]:
    return sorted(items, key=lambda item: item[key], reverse=order == "Descending")


# -- user profiles -----------------------------------------------------------------------------------


def create_user_profile(
    sagemaker: SageMakerModelBackend,
    domain_id: str,
    name: str,
    user_settings: dict[str, Any] | None = None,
    single_sign_on_user_identifier: str | None = None,
    single_sign_on_user_value: str | None = None,
    tags: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    if domain_id not in sagemaker.domains:
        raise ResourceNotFound(f"Domain {domain_id} not found")
    profiles = store(sagemaker, "user_profiles")
    if (domain_id, name) in profiles:
        raise ResourceInUseException(f"UserProfile {name} already exists in domain {domain_id}")
    now = utcnow()
    arn = arn_formatter("user-profile", f"{domain_id}/{name}", sagemaker.account_id, sagemaker.region_name)
    profile = {
        "DomainId": domain_id,
        "UserProfileArn": arn,
        "UserProfileName": name,
        # Studio gives each profile its own POSIX uid on the domain's home EFS.
        "HomeEfsFileSystemUid": str(200000 + len(profiles)),
        "Status": "InService",
        "CreationTime": now,
        "LastModifiedTime": now,
        "UserSettings": copy.deepcopy(user_settings or {}),
    }
    if single_sign_on_user_identifier:
        profile["SingleSignOnUserIdentifier"] = single_sign_on_user_identifier
    if single_sign_on_user_value:
        profile["SingleSignOnUserValue"] = single_sign_on_user_value
    profiles[(domain_id, name)] = profile
    store(sagemaker, "tags")[arn] = list(tags or [])
    return profile


def describe_user_profile(sagemaker: SageMakerModelBackend, domain_id: str, name: str) -> dict[str, Any]:
    profile = store(sagemaker, "user_profiles").get((domain_id, name))
    if profile is None:
        raise ResourceNotFound(f"UserProfile {name} not found in domain {domain_id}")
    return profile


def update_user_profile(
    sagemaker: SageMakerModelBackend,
    domain_id: str,
    name: str,
    user_settings: dict[str, Any] | None = None,
    tags: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    """UpdateUserProfile: the settings change in place (the name, domain and SSO user cannot).
    ``tags`` (CloudFormation's Tags, also updated in place) replace the profile's tags."""
    profile = describe_user_profile(sagemaker, domain_id, name)
    if user_settings is not None:
        profile["UserSettings"] = copy.deepcopy(user_settings)
    if tags is not None:
        store(sagemaker, "tags")[profile["UserProfileArn"]] = list(tags)
    profile["LastModifiedTime"] = utcnow()
    return profile


def update_domain(sagemaker: SageMakerModelBackend, domain_id: str, changes: dict[str, Any]) -> Any:
    """UpdateDomain (moto has none) on moto's domain object: default user and space settings,
    domain settings, subnets and network access change in place."""
    domain = sagemaker.domains.get(domain_id)
    if domain is None:
        raise ValidationError(f"Could not find domain '{domain_id}'.")
    attributes = {
        "DefaultUserSettings": "default_user_settings",
        "DefaultSpaceSettings": "default_space_settings",
        "DomainSettings": "domain_settings",
        "SubnetIds": "subnet_ids",
        "AppNetworkAccessType": "app_network_access_type",
        "Tags": "tags",
    }
    for key, attribute in attributes.items():
        if changes.get(key) is not None:
            setattr(domain, attribute, copy.deepcopy(changes[key]))
    domain.last_modified_time = utcnow()
    return domain


def delete_user_profile(sagemaker: SageMakerModelBackend, domain_id: str, name: str) -> None:
    profile = describe_user_profile(sagemaker, domain_id, name)
    del store(sagemaker, "user_profiles")[(domain_id, name)]
    store(sagemaker, "tags").pop(profile["UserProfileArn"], None)


def list_user_profiles(
    sagemaker: SageMakerModelBackend,
    domain_id: str | None = None,
    name_contains: str | None = None,
    sort_by: str | None = None,
    sort_order: str | None = None,
) -> list[dict[str, Any]]:
    summaries = [
        {k: p[k] for k in ("DomainId", "UserProfileName", "Status", "CreationTime", "LastModifiedTime")}
        for (domain, name), p in store(sagemaker, "user_profiles").items()
        if (not domain_id or domain == domain_id) and (not name_contains or name_contains in name)
    ]
    key = "UserProfileName" if sort_by == "UserProfileName" else "CreationTime"
    return _sorted(summaries, key, sort_order or "Descending")


# -- Studio lifecycle configs ------------------------------------------------------------------------


def create_studio_lifecycle_config(
    sagemaker: SageMakerModelBackend,
    name: str,
    content: str,
    app_type: str,
    tags: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    if app_type not in APP_TYPES:
        raise ValidationError(
            f"Value '{app_type}' at 'studioLifecycleConfigAppType' failed to satisfy constraint: "
            f"Member must satisfy enum value set: [{', '.join(APP_TYPES)}]"
        )
    configs = store(sagemaker, "studio_lifecycle_configs")
    if name in configs:
        raise ResourceInUseException(f"Studio lifecycle config {name} already exists")
    now = utcnow()
    arn = arn_formatter("studio-lifecycle-config", name, sagemaker.account_id, sagemaker.region_name)
    configs[name] = {
        "StudioLifecycleConfigArn": arn,
        "StudioLifecycleConfigName": name,
        "CreationTime": now,
        "LastModifiedTime": now,
        "StudioLifecycleConfigContent": content,
        "StudioLifecycleConfigAppType": app_type,
    }
    store(sagemaker, "tags")[arn] = list(tags or [])
    return configs[name]


def describe_studio_lifecycle_config(sagemaker: SageMakerModelBackend, name: str) -> dict[str, Any]:
    config = store(sagemaker, "studio_lifecycle_configs").get(name)
    if config is None:
        raise ResourceNotFound(f"Studio lifecycle config {name} not found")
    return config


def lifecycle_config_users(sagemaker: SageMakerModelBackend, arn: str) -> list[str]:
    """The domains and user profiles whose settings list the configuration ``arn``."""
    users = [
        f"domain {domain_id}"
        for domain_id, domain in sagemaker.domains.items()
        if arn in json.dumps([domain.default_user_settings, domain.default_space_settings], default=str)
    ]
    users += [
        f"user profile {name} (domain {domain_id})"
        for (domain_id, name), profile in store(sagemaker, "user_profiles").items()
        if arn in json.dumps(profile.get("UserSettings"), default=str)
    ]
    return users


def delete_studio_lifecycle_config(sagemaker: SageMakerModelBackend, name: str) -> None:
    config = describe_studio_lifecycle_config(sagemaker, name)
    users = lifecycle_config_users(sagemaker, config["StudioLifecycleConfigArn"])
    if users:
        refuse(
            "sagemaker.studio-lifecycle-config-in-use",
            f"Studio lifecycle config {name} is in use by {', '.join(users)}; remove it from their "
            "settings "
            "before deleting it",
            code="ResourceInUse",
        )
    del store(sagemaker, "studio_lifecycle_configs")[name]
    store(sagemaker, "tags").pop(config["StudioLifecycleConfigArn"], None)


def list_studio_lifecycle_configs(
    sagemaker: SageMakerModelBackend,
    name_contains: str | None = None,
    app_type: str | None = None,
    sort_by: str | None = None,
    sort_order: str | None = None,
) -> list[dict[str, Any]]:
    summaries = [
        {
            k: c[k]
            for k in (
                "StudioLifecycleConfigArn",
                "StudioLifecycleConfigName",
                "CreationTime",
                "LastModifiedTime",
                "StudioLifecycleConfigAppType",
            )
        }
        for name, c in store(sagemaker, "studio_lifecycle_configs").items()
        if (not name_contains or name_contains in name)
        and (not app_type or c["StudioLifecycleConfigAppType"] == app_type)
    ]
    key = {"Name": "StudioLifecycleConfigName", "LastModifiedTime": "LastModifiedTime"}.get(
        sort_by or "", "CreationTime"
    )
    return _sorted(summaries, key, sort_order or "Descending")


# -- monitoring schedules ----------------------------------------------------------------------------


def _job_definition(sagemaker: SageMakerModelBackend, monitoring_type: str, name: str) -> Any:
    store = getattr(sagemaker, JOB_DEFINITION_STORES.get(monitoring_type, ""), None)
    if store is None:
        raise ValidationError(
            f"MonitoringType {monitoring_type} is not one of {', '.join(JOB_DEFINITION_STORES)}"
        )
    if name not in store:
        raise ResourceNotFound(f"Job definition {name} not found")
    return store[name]


def _endpoint_of(inputs: Any) -> str | None:
    """The endpoint a monitoring job reads: its (first) EndpointInput."""
    for entry in inputs if isinstance(inputs, list) else [inputs]:
        endpoint = ((entry or {}).get("EndpointInput") or {}).get("EndpointName")
        if endpoint:
            return endpoint
    return None


def create_monitoring_schedule(
    sagemaker: SageMakerModelBackend,
    name: str,
    config: dict[str, Any],
    tags: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    schedules = store(sagemaker, "monitoring_schedules")
    if name in schedules:
        raise ResourceInUseException(f"Monitoring schedule {name} already exists")
    config = copy.deepcopy(config)
    inline = config.get("MonitoringJobDefinition")
    definition_name = config.get("MonitoringJobDefinitionName")
    if bool(inline) == bool(definition_name):
        raise ValidationError(
            "Exactly one of MonitoringJobDefinition and MonitoringJobDefinitionName must be set"
        )
    monitoring_type = config.get("MonitoringType") or "DataQuality"
    if definition_name:
        definition = _job_definition(sagemaker, monitoring_type, definition_name)
        body = definition.response_object
        job_input = next((v for k, v in body.items() if k.endswith("JobInput")), {})
        endpoint = _endpoint_of(job_input)
    else:
        endpoint = _endpoint_of(inline.get("MonitoringInputs"))
    now = utcnow()
    schedule = {
        "MonitoringScheduleArn": arn_formatter(
            "monitoring-schedule", name, sagemaker.account_id, sagemaker.region_name
        ),
        "MonitoringScheduleName": name,
        "MonitoringScheduleStatus": "Scheduled",
        "MonitoringType": monitoring_type,
        "CreationTime": now,
        "LastModifiedTime": now,
        "MonitoringScheduleConfig": config,
    }
    if endpoint:
        schedule["EndpointName"] = endpoint
    schedules[name] = schedule
    store(sagemaker, "tags")[schedule["MonitoringScheduleArn"]] = list(tags or [])
    return schedule


def describe_monitoring_schedule(sagemaker: SageMakerModelBackend, name: str) -> dict[str, Any]:
    schedule = store(sagemaker, "monitoring_schedules").get(name)
    if schedule is None:
        raise ResourceNotFound(f"Monitoring schedule {name} not found")
    return schedule


def delete_monitoring_schedule(sagemaker: SageMakerModelBackend, name: str) -> None:
    schedule = describe_monitoring_schedule(sagemaker, name)
    del store(sagemaker, "monitoring_schedules")[name]
    store(sagemaker, "tags").pop(schedule["MonitoringScheduleArn"], None)


def list_monitoring_schedules(
    sagemaker: SageMakerModelBackend,
    endpoint_name: str | None = None,
    name_contains: str | None = None,
    status: str | None = None,
    job_definition_name: str | None = None,
    monitoring_type: str | None = None,
    sort_by: str | None = None,
    sort_order: str | None = None,
) -> list[dict[str, Any]]:
    summaries = []
    for name, s in store(sagemaker, "monitoring_schedules").items():
        definition = s["MonitoringScheduleConfig"].get("MonitoringJobDefinitionName")
        if (
            (endpoint_name and s.get("EndpointName") != endpoint_name)
            or (name_contains and name_contains not in name)
            or (status and s["MonitoringScheduleStatus"] != status)
            or (job_definition_name and definition != job_definition_name)
            or (monitoring_type and s["MonitoringType"] != monitoring_type)
        ):
            continue
        summary = {
            k: s[k]
            for k in (
                "MonitoringScheduleName",
                "MonitoringScheduleArn",
                "CreationTime",
                "LastModifiedTime",
                "MonitoringScheduleStatus",
                "MonitoringType",
            )
        }
        if s.get("EndpointName"):
            summary["EndpointName"] = s["EndpointName"]
        if definition:
            summary["MonitoringJobDefinitionName"] = definition
        summaries.append(summary)
    key = {"Name": "MonitoringScheduleName", "Status": "MonitoringScheduleStatus"}.get(
        sort_by or "", "CreationTime"
    )
    return _sorted(summaries, key, sort_order or "Descending")


# -- notebook instances: what moto drops -------------------------------------------------------------


def set_instance_metadata_service(notebook: Any, configuration: dict[str, Any] | None) -> None:
    """Keep a notebook's InstanceMetadataServiceConfiguration on moto's notebook object."""
    if configuration:
        version = configuration.get("MinimumInstanceMetadataServiceVersion")
        notebook.instance_metadata_service_configuration = {
            "MinimumInstanceMetadataServiceVersion": str(version)
        }


def update_notebook_instance(sagemaker: SageMakerModelBackend, name: str, changes: dict[str, Any]) -> None:
    """UpdateNotebookInstance for the settings the audit reads and the demo's drift changes
    (DirectInternetAccess, subnet and key cannot be changed in AWS either)."""
    notebook = sagemaker.get_notebook_instance(name)
    simple = {
        "InstanceType": "instance_type",
        "RoleArn": "role_arn",
        "RootAccess": "root_access",
        "VolumeSizeInGB": "volume_size_in_gb",
        "LifecycleConfigName": "lifecycle_config_name",
    }
    for key, attribute in simple.items():
        if changes.get(key) is not None:
            setattr(notebook, attribute, changes[key])
    if changes.get("DisassociateLifecycleConfig"):
        notebook.lifecycle_config_name = None
    set_instance_metadata_service(notebook, changes.get("InstanceMetadataServiceConfiguration"))
    notebook.last_modified_time = utcnow()


# -- the handlers ------------------------------------------------------------------------------------


def _sagemaker(response: SageMakerResponse) -> SageMakerModelBackend:
    return response.sagemaker_backend


def _handlers(  # noqa: C901 (a dispatch table of stand-in API actions)
    moto_create_notebook: Callable[..., Any], moto_describe_notebook: Callable[..., Any]
) -> dict[str, Callable]:
    """The action handlers, named ``<action>_handler``; moto's two notebook handlers are wrapped."""

    def create_user_profile_handler(self: SageMakerResponse) -> ActionResult:
        profile = create_user_profile(
            _sagemaker(self),
            self._get_param("DomainId"),
            self._get_param("UserProfileName"),
            user_settings=self._get_param("UserSettings"),
            single_sign_on_user_identifier=self._get_param("SingleSignOnUserIdentifier"),
            single_sign_on_user_value=self._get_param("SingleSignOnUserValue"),
            tags=self._get_param("Tags"),
        )
        return ActionResult({"UserProfileArn": profile["UserProfileArn"]})

    def describe_user_profile_handler(self: SageMakerResponse) -> ActionResult:
        return ActionResult(
            describe_user_profile(
                _sagemaker(self), self._get_param("DomainId"), self._get_param("UserProfileName")
            )
        )

    def update_user_profile_handler(self: SageMakerResponse) -> ActionResult:
        profile = update_user_profile(
            _sagemaker(self),
            self._get_param("DomainId"),
            self._get_param("UserProfileName"),
            user_settings=self._get_param("UserSettings"),
        )
        return ActionResult({"UserProfileArn": profile["UserProfileArn"]})

    def update_domain_handler(self: SageMakerResponse) -> ActionResult:
        changes = {
            key: self._get_param(key)
            for key in ("DefaultUserSettings", "DefaultSpaceSettings", "SubnetIds", "AppNetworkAccessType")
        }
        changes["DomainSettings"] = self._get_param("DomainSettingsForUpdate")
        domain = update_domain(_sagemaker(self), self._get_param("DomainId"), changes)
        return ActionResult({"DomainArn": domain.arn})

    def delete_user_profile_handler(self: SageMakerResponse) -> EmptyResult:
        delete_user_profile(_sagemaker(self), self._get_param("DomainId"), self._get_param("UserProfileName"))
        return EmptyResult()

    def list_user_profiles_handler(self: SageMakerResponse) -> ActionResult:
        items = list_user_profiles(
            _sagemaker(self),
            self._get_param("DomainIdEquals"),
            self._get_param("UserProfileNameContains"),
            self._get_param("SortBy"),
            self._get_param("SortOrder"),
        )
        page, token = _page(items, self._get_param("MaxResults"), self._get_param("NextToken"))
        return ActionResult({"UserProfiles": page, "NextToken": token})

    def create_studio_lifecycle_config_handler(self: SageMakerResponse) -> ActionResult:
        config = create_studio_lifecycle_config(
            _sagemaker(self),
            self._get_param("StudioLifecycleConfigName"),
            self._get_param("StudioLifecycleConfigContent"),
            self._get_param("StudioLifecycleConfigAppType"),
            tags=self._get_param("Tags"),
        )
        return ActionResult({"StudioLifecycleConfigArn": config["StudioLifecycleConfigArn"]})

    def describe_studio_lifecycle_config_handler(self: SageMakerResponse) -> ActionResult:
        return ActionResult(
            describe_studio_lifecycle_config(_sagemaker(self), self._get_param("StudioLifecycleConfigName"))
        )

    def delete_studio_lifecycle_config_handler(self: SageMakerResponse) -> EmptyResult:
        delete_studio_lifecycle_config(_sagemaker(self), self._get_param("StudioLifecycleConfigName"))
        return EmptyResult()

    def list_studio_lifecycle_configs_handler(self: SageMakerResponse) -> ActionResult:
        items = list_studio_lifecycle_configs(
            _sagemaker(self),
            self._get_param("NameContains"),
            self._get_param("AppTypeEquals"),
            self._get_param("SortBy"),
            self._get_param("SortOrder"),
        )
        page, token = _page(items, self._get_param("MaxResults"), self._get_param("NextToken"))
        return ActionResult({"StudioLifecycleConfigs": page, "NextToken": token})

    def create_monitoring_schedule_handler(self: SageMakerResponse) -> ActionResult:
        schedule = create_monitoring_schedule(
            _sagemaker(self),
            self._get_param("MonitoringScheduleName"),
            self._get_param("MonitoringScheduleConfig"),
            tags=self._get_param("Tags"),
        )
        return ActionResult({"MonitoringScheduleArn": schedule["MonitoringScheduleArn"]})

    def describe_monitoring_schedule_handler(self: SageMakerResponse) -> ActionResult:
        return ActionResult(
            describe_monitoring_schedule(_sagemaker(self), self._get_param("MonitoringScheduleName"))
        )

    def delete_monitoring_schedule_handler(self: SageMakerResponse) -> EmptyResult:
        delete_monitoring_schedule(_sagemaker(self), self._get_param("MonitoringScheduleName"))
        return EmptyResult()

    def list_monitoring_schedules_handler(self: SageMakerResponse) -> ActionResult:
        items = list_monitoring_schedules(
            _sagemaker(self),
            endpoint_name=self._get_param("EndpointName"),
            name_contains=self._get_param("NameContains"),
            status=self._get_param("StatusEquals"),
            job_definition_name=self._get_param("MonitoringJobDefinitionName"),
            monitoring_type=self._get_param("MonitoringTypeEquals"),
            sort_by=self._get_param("SortBy"),
            sort_order=self._get_param("SortOrder"),
        )
        page, token = _page(items, self._get_param("MaxResults"), self._get_param("NextToken"))
        return ActionResult({"MonitoringScheduleSummaries": page, "NextToken": token})

    def create_notebook_instance_handler(self: SageMakerResponse) -> ActionResult:
        result = moto_create_notebook(self)
        notebook = _sagemaker(self).get_notebook_instance(self._get_param("NotebookInstanceName"))
        set_instance_metadata_service(notebook, self._get_param("InstanceMetadataServiceConfiguration"))
        return result

    def describe_notebook_instance_handler(self: SageMakerResponse) -> ActionResult:
        result = moto_describe_notebook(self)
        notebook = _sagemaker(self).get_notebook_instance(self._get_param("NotebookInstanceName"))
        imds = getattr(notebook, "instance_metadata_service_configuration", None)
        if imds:
            return ActionResult({**result.result, "InstanceMetadataServiceConfiguration": imds})  # type: ignore[dict-item]
        return result

    def update_notebook_instance_handler(self: SageMakerResponse) -> EmptyResult:
        keys = (
            "InstanceType",
            "RoleArn",
            "RootAccess",
            "VolumeSizeInGB",
            "LifecycleConfigName",
            "DisassociateLifecycleConfig",
            "InstanceMetadataServiceConfiguration",
        )
        update_notebook_instance(
            _sagemaker(self),
            self._get_param("NotebookInstanceName"),
            {key: self._get_param(key) for key in keys},
        )
        return EmptyResult()

    defined = dict(locals())
    return {name.removesuffix("_handler"): f for name, f in defined.items() if name.endswith("_handler")}


_installed = False


def register(handlers: dict[str, Callable[..., Any]]) -> None:
    """Make each handler the method of moto's ``SageMakerResponse`` for its action (``describe_space``)."""
    for action, handler in handlers.items():
        handler.__name__ = handler.__qualname__ = action
        setattr(SageMakerResponse, action, handler)


def install() -> None:
    """Add the handlers to moto's ``SageMakerResponse`` in this process. Idempotent."""
    global _installed
    if _installed:
        return
    register(
        _handlers(SageMakerResponse.create_notebook_instance, SageMakerResponse.describe_notebook_instance)
    )
    _installed = True
