"""AWS::KMS::Key, replacing moto's model, which fails on any tagged key (it hands CloudFormation's
``Key``/``Value`` tags to a backend expecting ``TagKey``/``TagValue``), stores the key policy as a
dict instead of JSON text, and ignores KeySpec/KeyUsage. The key is moto's own ``Key``."""

from __future__ import annotations

from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.kms.models import Key, kms_backends

from ._base import AdapterMixin, adapter, as_bool, as_json_text, cfn_tags


@adapter
class KmsKey(AdapterMixin, CloudFormationModel):
    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::KMS::Key"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in ("Arn", "KeyId")

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Key:
        backend = kms_backends[account_id][region_name]
        props = cloudformation_json.get("Properties", {})
        key = backend.create_key(
            policy=as_json_text(props.get("KeyPolicy")),
            key_usage=props.get("KeyUsage", "ENCRYPT_DECRYPT"),
            key_spec=props.get("KeySpec", "SYMMETRIC_DEFAULT"),
            description=props.get("Description", ""),
            tags=[{"TagKey": t["Key"], "TagValue": t["Value"]} for t in cfn_tags(props)],
            multi_region=as_bool(props.get("MultiRegion")),
            origin=props.get("Origin", "AWS_KMS"),
        )
        key.key_rotation_status = as_bool(props.get("EnableKeyRotation"))
        if props.get("RotationPeriodInDays"):
            key.rotation_period_in_days = int(props["RotationPeriodInDays"])
        key.enabled = as_bool(props.get("Enabled"), default=True)
        return key

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[misc]
        cls,
        original_resource: Key,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> Key:
        props = cloudformation_json.get("Properties", {})
        key = original_resource
        if props.get("KeyPolicy") is not None:
            key.policy = as_json_text(props["KeyPolicy"])
        key.description = props.get("Description", key.description)
        key.key_rotation_status = as_bool(props.get("EnableKeyRotation"))
        key.enabled = as_bool(props.get("Enabled"), default=True)
        return key

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        backend = kms_backends[account_id][region_name]
        if resource_name in backend.keys:
            backend.schedule_key_deletion(resource_name, 7)
