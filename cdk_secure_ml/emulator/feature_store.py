"""SageMaker Feature Store: AWS::SageMaker::FeatureGroup through moto's SageMaker backend, and the feature
group API calls moto 5.2.5 lacks.

moto 5.2.5 has CreateFeatureGroup and DescribeFeatureGroup, but its model keeps no OnlineStoreConfig,
Description or ThroughputConfig, fails on a group without an offline store, and it has no
DeleteFeatureGroup, ListFeatureGroups or UpdateFeatureGroup, and its tag calls know no feature group ARN.
The adapter here stores each group in moto's
backend (``feature_groups``, so ListTags and Search find it) as :class:`EmulatedFeatureGroup`, which keeps
every property it is given; :func:`install` adds the three missing actions, completes Describe and lets
ListTags find a group. The demo
labels the type "[emulator adapter]": the store is moto's, the model and the missing calls are emulated here.
It never stores a record (no featurestore-runtime) and never writes an offline store.

Refusals, as AWS refuses (each a line of docs/aws-behaviours.md):

- ``sagemaker.feature-group-definition``: a name, feature name or type CreateFeatureGroup refuses, a record
  identifier or event time that is not a feature, an event time that is not String or Fractional, a group
  with neither store (:func:`cdk_secure_ml.core.feature_store.feature_group_problems`);
- ``sagemaker.feature-group-role-trust``: an offline store role the emulator holds whose trust policy does not
  let SageMaker assume it;
- ``sagemaker.feature-group-kms-key``: a KMS key (online or offline store) that does not exist in the region;
- ``sagemaker.feature-group-features-add-only``: an update that removes a feature or changes its type;
- a second group of the same name (moto's own ResourceInUse).
"""

from __future__ import annotations

import json
from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.core.responses import ActionResult, EmptyResult
from moto.core.utils import utcnow
from moto.sagemaker.exceptions import ResourceInUseException, ResourceNotFound
from moto.sagemaker.models import FeatureGroup, SageMakerModelBackend, sagemaker_backends
from moto.sagemaker.responses import SageMakerResponse
from moto.sagemaker.utils import arn_formatter

from cdk_secure_ml.core.feature_store import Feature, feature_group_problems

from ._base import AdapterMixin, adapter, as_bool, cfn_tags
from .refusals import refuse


class EmulatedFeatureGroup(FeatureGroup):
    """A feature group as DescribeFeatureGroup returns it, whatever its stores (moto's needs an offline
    store and drops the online store's configuration)."""

    def __init__(self, account_id: str, region_name: str, request: dict[str, Any]) -> None:  # noqa: D107
        # moto's FeatureGroup.__init__ reads the offline store unconditionally: set the fields ourselves.
        self.feature_group_name = request["FeatureGroupName"]
        self.record_identifier_feature_name = request["RecordIdentifierFeatureName"]
        self.event_time_feature_name = request["EventTimeFeatureName"]
        self.feature_definitions = [dict(f) for f in request["FeatureDefinitions"]]
        self.offline_store_config = request.get("OfflineStoreConfig")
        self.online_store_config = request.get("OnlineStoreConfig")
        self.role_arn = request.get("RoleArn")
        self.description = request.get("Description")
        self.tags = list(request.get("Tags") or [])
        self.creation_time = utcnow()
        self.arn = arn_formatter("feature-group", self.feature_group_name.lower(), account_id,
                                 region_name)
        if self.offline_store_config is not None:
            created = int(self.creation_time.timestamp())
            offline = json.loads(json.dumps(self.offline_store_config))
            s3 = offline["S3StorageConfig"]
            s3["ResolvedOutputS3Uri"] = (f"{s3['S3Uri']}/{account_id}/sagemaker/{region_name}/offline-store/"
                                         f"{self.feature_group_name}-{created}/data")
            if not as_bool(offline.get("DisableGlueTableCreation")):
                offline.setdefault("DataCatalogConfig", {
                    "TableName": f"{self.feature_group_name.lower().replace('-', '_')}_{created}",
                    "Catalog": "AwsDataCatalog", "Database": "sagemaker_featurestore"})
            self.offline_store_config = offline

    def describe(self) -> dict[str, Any]:
        found = {
            "FeatureGroupArn": self.arn,
            "FeatureGroupName": self.feature_group_name,
            "RecordIdentifierFeatureName": self.record_identifier_feature_name,
            "EventTimeFeatureName": self.event_time_feature_name,
            "FeatureDefinitions": self.feature_definitions,
            "CreationTime": self.creation_time,
            "ThroughputConfig": {"ThroughputMode": "OnDemand"},
            "FeatureGroupStatus": "Created",
        }
        for key, value in (("OfflineStoreConfig", self.offline_store_config),
                           ("OnlineStoreConfig", self.online_store_config), ("RoleArn", self.role_arn),
                           ("Description", self.description)):
            if value is not None:
                found[key] = value
        return found


def _features(definitions: list[dict[str, Any]]) -> list[Feature]:
    return [Feature(str(d.get("FeatureName")), str(d.get("FeatureType"))) for d in definitions]


def _check_definition(request: dict[str, Any]) -> None:
    online = request.get("OnlineStoreConfig")
    problems = feature_group_problems(
        name=request["FeatureGroupName"], record_identifier=request["RecordIdentifierFeatureName"],
        event_time=request["EventTimeFeatureName"], features=_features(request["FeatureDefinitions"]),
        online=online is not None and as_bool(online.get("EnableOnlineStore"), default=True),
        offline=request.get("OfflineStoreConfig") is not None,
    )
    if problems:
        refuse("sagemaker.feature-group-definition",
               "CreateFeatureGroup: " + "; ".join(message for _, message in problems))


def _check_role(account_id: str, role_arn: str | None) -> None:
    if not role_arn:
        return
    from moto.iam.models import iam_backends

    try:
        role = iam_backends[account_id]["aws"].get_role_by_arn(role_arn)
    except Exception:  # noqa: BLE001 - moto raises its own NotFound types
        return  # a role the emulator does not hold (a test's placeholder): nothing to check
    trust = role.assume_role_policy_document
    trust = json.loads(trust) if isinstance(trust, str) else trust
    statements = trust.get("Statement", [])
    for statement in statements if isinstance(statements, list) else [statements]:
        services = (statement.get("Principal") or {}).get("Service", [])
        services = services if isinstance(services, list) else [services]
        if statement.get("Effect") == "Allow" and "sagemaker.amazonaws.com" in services:
            return
    refuse("sagemaker.feature-group-role-trust",
           f"CreateFeatureGroup: the offline store role {role_arn} cannot be assumed by SageMaker: its trust "
           "policy has no Allow for the service principal sagemaker.amazonaws.com")


def _check_keys(account_id: str, region_name: str, request: dict[str, Any]) -> None:
    from moto.kms.models import kms_backends

    keys = kms_backends[account_id][region_name].keys
    found = [((request.get("OnlineStoreConfig") or {}).get("SecurityConfig") or {}).get("KmsKeyId"),
             ((request.get("OfflineStoreConfig") or {}).get("S3StorageConfig") or {}).get("KmsKeyId")]
    for key in filter(None, found):
        key_id = key.rsplit("/", 1)[-1] if key.startswith("arn:") and ":key/" in key else key
        if key.startswith("alias/") or ":alias/" in key:
            continue  # aliases are resolved by KMS at use; not emulated
        if key_id not in keys:
            refuse("sagemaker.feature-group-kms-key",
                   f"CreateFeatureGroup: KMS key {key} does not exist in {region_name}")


def create_feature_group(backend: SageMakerModelBackend, request: dict[str, Any]) -> EmulatedFeatureGroup:
    """Check ``request`` (CreateFeatureGroup's shape) as AWS does and store the group in moto's backend."""
    _check_definition(request)
    _check_role(backend.account_id, request.get("RoleArn"))
    _check_keys(backend.account_id, backend.region_name, request)
    group = EmulatedFeatureGroup(backend.account_id, backend.region_name, request)
    if group.arn in backend.feature_groups:
        raise ResourceInUseException(message=f"Resource Already Exists: FeatureGroup with name "
                                             f"{group.feature_group_name} already exists. Choose a "
                                             "different name.")
    backend.feature_groups[group.arn] = group
    return group


def _find(backend: SageMakerModelBackend, name: str) -> FeatureGroup:
    name = name.rsplit("/", 1)[-1]
    arn = arn_formatter("feature-group", name.lower(), backend.account_id, backend.region_name)
    if arn not in backend.feature_groups:
        raise ResourceNotFound(message=f"Resource Not Found: Amazon SageMaker can't find a FeatureGroup "
                                       f"with name {name}")
    return backend.feature_groups[arn]


def update_feature_group(
    backend: SageMakerModelBackend, name: str, definitions: list[dict[str, Any]] | None,
    online: dict[str, Any] | None = None, *, additions: bool = False,
) -> FeatureGroup:
    """Set the features (CloudFormation's whole list; with ``additions``, UpdateFeatureGroup's new ones) and
    the online store's TTL. A feature is never removed or retyped."""
    group = _find(backend, name)
    if definitions is not None and additions:
        definitions = group.feature_definitions + list(definitions)
    if definitions is not None:
        old = {f["FeatureName"]: f["FeatureType"] for f in group.feature_definitions}
        new = {f["FeatureName"]: f["FeatureType"] for f in definitions}
        removed = [n for n in old if n not in new]
        retyped = [n for n in old if n in new and new[n] != old[n]]
        if removed or retyped:
            refuse("sagemaker.feature-group-features-add-only",
                   f"UpdateFeatureGroup {group.feature_group_name}: features cannot be removed or changed "
                   f"(removed {removed}, type changed {retyped}); add new features, or create a new group")
        group.feature_definitions = group.feature_definitions + [
            dict(f) for f in definitions if f["FeatureName"] not in old]
    if online is not None and getattr(group, "online_store_config", None) is not None:
        ttl = online.get("TtlDuration")
        config = dict(group.online_store_config)
        if ttl:
            config["TtlDuration"] = ttl
        else:
            config.pop("TtlDuration", None)
        group.online_store_config = config
    return group


def _request(props: dict[str, Any], tags: list[dict[str, str]]) -> dict[str, Any]:
    request = {k: props.get(k) for k in (
        "FeatureGroupName", "RecordIdentifierFeatureName", "EventTimeFeatureName", "FeatureDefinitions",
        "OnlineStoreConfig", "OfflineStoreConfig", "RoleArn", "Description")}
    request["Tags"] = tags
    return request


@adapter
class CfnFeatureGroup(AdapterMixin, CloudFormationModel):
    """AWS::SageMaker::FeatureGroup. Ref is the name; the create-only changes (everything but the features
    and the online store's TTL) are replaced before they get here (emulator.cloudformation)."""

    def __init__(self, group: FeatureGroup) -> None:
        self.physical_id = group.feature_group_name
        self.FeatureGroupName = group.feature_group_name
        self.FeatureGroupStatus = "Created"
        self.CreationTime = group.creation_time.isoformat()

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::SageMaker::FeatureGroup"

    @classmethod
    def attributes(cls) -> tuple[str, ...]:
        return ("FeatureGroupStatus", "CreationTime")

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str,
        **kwargs: Any,
    ) -> CfnFeatureGroup:
        props = cloudformation_json["Properties"]
        backend = sagemaker_backends[account_id][region_name]
        return cls(create_feature_group(backend, _request(props, cfn_tags(props))))

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[misc]
        cls, original_resource: Any, new_resource_name: str, cloudformation_json: dict[str, Any],
        account_id: str, region_name: str,
    ) -> Any:
        props = cloudformation_json["Properties"]
        backend = sagemaker_backends[account_id][region_name]
        try:
            _find(backend, original_resource.physical_id)
        except ResourceNotFound:
            return cls.create_from_cloudformation_json(
                new_resource_name, cloudformation_json, account_id, region_name)
        return cls(update_feature_group(backend, original_resource.physical_id,
                                        props.get("FeatureDefinitions"), props.get("OnlineStoreConfig")))

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        backend = sagemaker_backends[account_id][region_name]
        try:
            group = _find(backend, resource_name)
        except ResourceNotFound:
            return
        del backend.feature_groups[group.arn]


# ---------------------------------------------------------------------------------------------- the API


def _backend(response: SageMakerResponse) -> SageMakerModelBackend:
    return sagemaker_backends[response.current_account][response.region]


def create_feature_group_handler(self: SageMakerResponse) -> ActionResult:
    keys = ("FeatureGroupName", "RecordIdentifierFeatureName", "EventTimeFeatureName", "FeatureDefinitions",
            "OnlineStoreConfig", "OfflineStoreConfig", "RoleArn", "Description", "Tags")
    group = create_feature_group(_backend(self), {k: self._get_param(k) for k in keys})
    return ActionResult({"FeatureGroupArn": group.arn})


def describe_feature_group_handler(self: SageMakerResponse) -> ActionResult:
    return ActionResult(_find(_backend(self), self._get_param("FeatureGroupName")).describe())


def delete_feature_group_handler(self: SageMakerResponse) -> ActionResult:
    backend = _backend(self)
    del backend.feature_groups[_find(backend, self._get_param("FeatureGroupName")).arn]
    return EmptyResult()


def list_feature_groups_handler(self: SageMakerResponse) -> ActionResult:
    summaries = [
        {"FeatureGroupName": g.feature_group_name, "FeatureGroupArn": g.arn, "CreationTime": g.creation_time,
         "FeatureGroupStatus": "Created"}
        for g in sorted(_backend(self).feature_groups.values(), key=lambda g: g.feature_group_name)
    ]
    return ActionResult({"FeatureGroupSummaries": summaries})


def update_feature_group_handler(self: SageMakerResponse) -> ActionResult:
    group = update_feature_group(_backend(self), self._get_param("FeatureGroupName"),
                                 self._get_param("FeatureAdditions"), self._get_param("OnlineStoreConfig"),
                                 additions=True)
    return ActionResult({"FeatureGroupArn": group.arn})


_installed = False


def install() -> None:
    """Add the feature group actions to moto's ``SageMakerResponse`` in this process. Idempotent."""
    global _installed
    if _installed:
        return
    moto_resource_from_arn = SageMakerModelBackend._get_resource_from_arn

    # moto's tag calls (ListTags, AddTags, DeleteTags) know no feature-group ARNs.
    def resource_from_arn(self: SageMakerModelBackend, arn: str) -> Any:
        if ":feature-group/" in arn and arn in self.feature_groups:
            return self.feature_groups[arn]
        return moto_resource_from_arn(self, arn)

    SageMakerModelBackend._get_resource_from_arn = resource_from_arn  # type: ignore[method-assign]
    for action, handler in (("create_feature_group", create_feature_group_handler),
                            ("describe_feature_group", describe_feature_group_handler),
                            ("delete_feature_group", delete_feature_group_handler),
                            ("list_feature_groups", list_feature_groups_handler),
                            ("update_feature_group", update_feature_group_handler)):
        setattr(SageMakerResponse, action, handler)
    _installed = True
