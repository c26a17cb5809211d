"""Stand-in for SageMaker managed MLflow: tracking servers (docs/mlflow.md).

moto 5.2.5 has no MLflow API (``CreateMlflowTrackingServer`` and the rest) and no model for
``AWS::SageMaker::MlflowTrackingServer``. This module keeps the servers in the stand-in store of
:mod:`emulator.sagemaker_standins` (so ``/moto-api/reset`` empties them), adds the API's handlers to moto's
``SageMakerResponse`` (Create/Describe/Update/Delete/List/Start/Stop) and a CloudFormation adapter the demo
labels ``[emulator stand-in]``. It refuses what AWS refuses:

- a name outside TrackingServerName's pattern, or one that exists (``sagemaker.mlflow-tracking-server-name``);
- an artifact store that is not ``s3://<bucket>/...`` of a bucket of the account
  (``sagemaker.mlflow-artifact-store-s3-uri``);
- a role SageMaker cannot assume: a role of the account whose trust policy does not name
  ``sagemaker.amazonaws.com`` (``sagemaker.mlflow-role-assumed-by-sagemaker``);
- an unknown size, MLflow version or maintenance window (the resource schema's values).

No server runs: Describe answers ``Created`` with a made-up URL, Start/Stop only change the status.
"""

from __future__ import annotations

import json
from typing import Any

from moto.cloudformation.models import CloudFormationModel
from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.sagemaker.exceptions import ResourceNotFound
from moto.sagemaker.models import SageMakerModelBackend
from moto.sagemaker.responses import SageMakerResponse
from moto.sagemaker.utils import arn_formatter

from cdk_secure_ml.core.mlflow import (
    ARTIFACT_STORE_URI_RE,
    artifact_store_uri_problems,
    maintenance_window_problems,
    mlflow_version_problems,
    tracking_server_name_problems,
    tracking_server_size_problems,
)

from . import sagemaker_standins as standins
from ._base import AdapterMixin, as_bool, cfn_tags, stand_in
from .refusals import refuse

#: The MLflow version a server gets when the request names none (AWS picks its current default).
DEFAULT_MLFLOW_VERSION = "3.0"
_UPDATABLE = (
    "ArtifactStoreUri",
    "TrackingServerSize",
    "AutomaticModelRegistration",
    "WeeklyMaintenanceWindowStart",
)


def _servers(sagemaker: SageMakerModelBackend) -> dict[str, dict[str, Any]]:
    return standins.store(sagemaker, "mlflow_tracking_servers")


def _check_role(account_id: str, role_arn: str) -> None:
    from moto.iam.models import iam_backends

    try:
        role = iam_backends[account_id]["aws"].get_role_by_arn(role_arn)
    except Exception:  # noqa: BLE001 - moto raises its own NotFound types
        refuse(
            "sagemaker.mlflow-role-assumed-by-sagemaker",
            f"RoleArn {role_arn} is not a role of account {account_id}; create the role first.",
        )
    document = role.assume_role_policy_document
    trust = json.loads(document) if isinstance(document, str) else (document or {})
    services = [
        service
        for statement in trust.get("Statement", [])
        if statement.get("Effect") == "Allow"
        for service in (
            [statement.get("Principal", {}).get("Service")]
            if isinstance(statement.get("Principal", {}).get("Service"), str)
            else statement.get("Principal", {}).get("Service") or []
        )
    ]
    if "sagemaker.amazonaws.com" not in services:
        refuse(
            "sagemaker.mlflow-role-assumed-by-sagemaker",
            f"RoleArn {role_arn} cannot be assumed by SageMaker: its trust policy does not allow "
            "sagemaker.amazonaws.com; trust the SageMaker service principal.",
        )


def _check_artifact_store(account_id: str, uri: str) -> None:
    from moto.s3.models import s3_backends

    problems = artifact_store_uri_problems(uri)
    if problems:
        refuse("sagemaker.mlflow-artifact-store-s3-uri", problems[0] + ".")
    match = ARTIFACT_STORE_URI_RE.match(uri)
    bucket = match.group(1) if match else ""
    if not any(bucket in backend.buckets for backend in s3_backends[account_id].values()):
        refuse(
            "sagemaker.mlflow-artifact-store-s3-uri",
            f"ArtifactStoreUri {uri}: bucket {bucket} does not exist in account {account_id}; "
            "create it first.",
        )


def _check_values(request: dict[str, Any]) -> None:
    problems = [
        *tracking_server_size_problems(request.get("TrackingServerSize") or "Small"),
        *mlflow_version_problems(request.get("MlflowVersion")),
        *maintenance_window_problems(request.get("WeeklyMaintenanceWindowStart")),
    ]
    if problems:
        refuse("sagemaker.mlflow-tracking-server-values", "; ".join(problems) + ".")


def create_tracking_server(sagemaker: SageMakerModelBackend, request: dict[str, Any]) -> dict[str, Any]:
    """CreateMlflowTrackingServer: the refusals of the module docstring, then a ``Created`` server."""
    name = request.get("TrackingServerName") or ""
    problems = tracking_server_name_problems(name)
    if problems:
        refuse("sagemaker.mlflow-tracking-server-name", problems[0] + ".")
    if name in _servers(sagemaker):
        refuse(
            "sagemaker.mlflow-tracking-server-name",
            f"Tracking server {name} already exists; a name is unique in the account and region.",
            code="ResourceInUse",
        )
    _check_values(request)
    _check_artifact_store(sagemaker.account_id, request.get("ArtifactStoreUri") or "")
    _check_role(sagemaker.account_id, request.get("RoleArn") or "")
    arn = arn_formatter("mlflow-tracking-server", name, sagemaker.account_id, sagemaker.region_name)
    now = utcnow()
    server = {
        "TrackingServerArn": arn,
        "TrackingServerName": name,
        "ArtifactStoreUri": request["ArtifactStoreUri"],
        "TrackingServerSize": request.get("TrackingServerSize") or "Small",
        "MlflowVersion": request.get("MlflowVersion") or DEFAULT_MLFLOW_VERSION,
        "RoleArn": request["RoleArn"],
        "TrackingServerStatus": "Created",
        "IsActive": "Active",
        "TrackingServerUrl": f"https://{name}.{sagemaker.region_name}.experiments.sagemaker.aws",
        "WeeklyMaintenanceWindowStart": request.get("WeeklyMaintenanceWindowStart") or "Sun:00:00",
        "AutomaticModelRegistration": bool(request.get("AutomaticModelRegistration")),
        "CreationTime": now,
        "LastModifiedTime": now,
    }
    _servers(sagemaker)[name] = server
    _tags(sagemaker)[arn] = list(request.get("Tags") or [])
    return server


def _tags(sagemaker: SageMakerModelBackend) -> dict[str, list[dict[str, str]]]:
    return standins.store(sagemaker, "mlflow_tags")


class _Tagged:
    """What moto's AddTags/ListTags/DeleteTags read of a resource: its ``tags`` list."""

    def __init__(self, store: dict[str, list[dict[str, str]]], arn: str) -> None:
        self._store, self._arn = store, arn

    @property
    def tags(self) -> list[dict[str, str]]:
        return self._store[self._arn]

    @tags.setter
    def tags(self, value: list[dict[str, str]]) -> None:
        self._store[self._arn] = value


def describe_tracking_server(sagemaker: SageMakerModelBackend, name: str) -> dict[str, Any]:
    try:
        return dict(_servers(sagemaker)[name])
    except KeyError:
        raise ResourceNotFound(f"Tracking server {name} not found") from None


def update_tracking_server(sagemaker: SageMakerModelBackend, request: dict[str, Any]) -> dict[str, Any]:
    """UpdateMlflowTrackingServer: the updatable properties, checked as on create."""
    server = _servers(sagemaker).get(request.get("TrackingServerName") or "")
    if server is None:
        raise ResourceNotFound(f"Tracking server {request.get('TrackingServerName')} not found")
    _check_values(request)
    if request.get("ArtifactStoreUri"):
        _check_artifact_store(sagemaker.account_id, request["ArtifactStoreUri"])
    for key in _UPDATABLE:
        if request.get(key) is not None:
            server[key] = request[key]
    server["LastModifiedTime"] = utcnow()
    return server


def delete_tracking_server(sagemaker: SageMakerModelBackend, name: str) -> dict[str, Any]:
    server = describe_tracking_server(sagemaker, name)
    del _servers(sagemaker)[name]
    _tags(sagemaker).pop(server["TrackingServerArn"], None)
    return server


def set_status(sagemaker: SageMakerModelBackend, name: str, status: str) -> dict[str, Any]:
    server = _servers(sagemaker).get(name)
    if server is None:
        raise ResourceNotFound(f"Tracking server {name} not found")
    server["TrackingServerStatus"] = status
    return server


def list_tracking_servers(sagemaker: SageMakerModelBackend) -> list[dict[str, Any]]:
    keys = (
        "TrackingServerArn",
        "TrackingServerName",
        "CreationTime",
        "LastModifiedTime",
        "TrackingServerStatus",
        "IsActive",
        "MlflowVersion",
    )
    return [
        {k: s[k] for k in keys}
        for s in sorted(_servers(sagemaker).values(), key=lambda s: s["TrackingServerName"])
    ]


def _handlers() -> dict[str, Any]:
    def request(self: SageMakerResponse) -> dict[str, Any]:
        return json.loads(self.body) if self.body else {}

    def create_mlflow_tracking_server(self: SageMakerResponse) -> ActionResult:
        server = create_tracking_server(self.sagemaker_backend, request(self))
        return ActionResult({"TrackingServerArn": server["TrackingServerArn"]})

    def describe_mlflow_tracking_server(self: SageMakerResponse) -> ActionResult:
        return ActionResult(
            describe_tracking_server(self.sagemaker_backend, self._get_param("TrackingServerName"))
        )

    def update_mlflow_tracking_server(self: SageMakerResponse) -> ActionResult:
        server = update_tracking_server(self.sagemaker_backend, request(self))
        return ActionResult({"TrackingServerArn": server["TrackingServerArn"]})

    def delete_mlflow_tracking_server(self: SageMakerResponse) -> ActionResult:
        server = delete_tracking_server(self.sagemaker_backend, self._get_param("TrackingServerName"))
        return ActionResult({"TrackingServerArn": server["TrackingServerArn"]})

    def start_mlflow_tracking_server(self: SageMakerResponse) -> ActionResult:
        server = set_status(self.sagemaker_backend, self._get_param("TrackingServerName"), "Started")
        return ActionResult({"TrackingServerArn": server["TrackingServerArn"]})

    def stop_mlflow_tracking_server(self: SageMakerResponse) -> ActionResult:
        server = set_status(self.sagemaker_backend, self._get_param("TrackingServerName"), "Stopped")
        return ActionResult({"TrackingServerArn": server["TrackingServerArn"]})

    def list_mlflow_tracking_servers(self: SageMakerResponse) -> ActionResult:
        items = list_tracking_servers(self.sagemaker_backend)
        page, token = standins._page(items, self._get_param("MaxResults"), self._get_param("NextToken"))
        return ActionResult({"TrackingServerSummaries": page, "NextToken": token})

    return {
        name: f
        for name, f in locals().items()
        if name.endswith("_mlflow_tracking_server") or name == "list_mlflow_tracking_servers"
    }


_installed = False


def install() -> None:
    """Add the MLflow handlers to moto's ``SageMakerResponse`` in this process. Idempotent."""
    global _installed
    if _installed:
        return
    standins.register(_handlers())
    moto_resource_from_arn = SageMakerModelBackend._get_resource_from_arn

    def get_resource_from_arn(self: SageMakerModelBackend, arn: str) -> Any:
        if ":mlflow-tracking-server/" in arn:  # the tag actions on a stand-in server
            if arn not in _tags(self):
                raise ResourceNotFound(f"Tracking server {arn} not found")
            return _Tagged(_tags(self), arn)
        return moto_resource_from_arn(self, arn)

    SageMakerModelBackend._get_resource_from_arn = get_resource_from_arn  # type: ignore[method-assign]
    _installed = True


def _request(props: dict[str, Any]) -> dict[str, Any]:
    request = {
        k: props.get(k)
        for k in (
            "TrackingServerName",
            "ArtifactStoreUri",
            "RoleArn",
            "TrackingServerSize",
            "MlflowVersion",
            "WeeklyMaintenanceWindowStart",
        )
    }
    request["AutomaticModelRegistration"] = as_bool(props.get("AutomaticModelRegistration"))
    request["Tags"] = cfn_tags(props)
    return request


@stand_in
class MlflowTrackingServer(AdapterMixin, CloudFormationModel):
    """Stand-in: moto has no MLflow. Ref is the name (the primary identifier), GetAtt TrackingServerArn."""

    def __init__(self, server: dict[str, Any]) -> None:
        self.physical_id = server["TrackingServerName"]
        self.TrackingServerArn = server["TrackingServerArn"]

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::SageMaker::MlflowTrackingServer"

    @classmethod
    def attributes(cls) -> tuple[str, ...]:
        return ("TrackingServerArn",)

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> MlflowTrackingServer:
        install()
        props = cloudformation_json["Properties"]
        return cls(create_tracking_server(standins.backend(account_id, region_name), _request(props)))

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[misc]
        cls,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> Any:
        """In place (the name is the only create-only property; a new name is replaced before this)."""
        backend = standins.backend(account_id, region_name)
        request = _request(cloudformation_json["Properties"])
        if request["TrackingServerName"] not in _servers(backend):
            return super().update_from_cloudformation_json(
                original_resource, new_resource_name, cloudformation_json, account_id, region_name
            )
        return cls(update_tracking_server(backend, request))

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        backend = standins.backend(account_id, region_name)
        if resource_name in _servers(backend):
            delete_tracking_server(backend, resource_name)
