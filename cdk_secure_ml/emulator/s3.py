"""S3: AWS::S3::BucketPolicy (a placeholder in moto 5.2), and AWS::S3::Bucket completed.

moto's bucket model applies only BucketEncryption and Tags; it drops the bucket key and ignores
VersioningConfiguration, PublicAccessBlockConfiguration, ObjectLock*, OwnershipControls and
LoggingConfiguration, so a deployed SecureBucket would look insecure to the audit. The bucket adapter
creates moto's own ``FakeBucket`` through moto's model and then applies those properties through
moto's S3 backend.

Bucket policies: moto enforces them on object requests but applies a conditional statement whether
or not its condition holds (it has no request context: TLS, source VPC endpoint, principal), so
the bootstrap bucket's "deny unless TLS" statement would refuse the CDK CLI's asset uploads.
:func:`install` makes moto skip conditional statements (unconditional ones still apply). The policies
are stored as written; the audit reads them.
"""

from __future__ import annotations

import json
from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.s3.models import FakeBucket, s3_backends
from moto.utilities.utils import get_partition

from ._base import AdapterMixin, adapter, as_bool, as_json_text


def _bucket_permission(self: FakeBucket, action: str, resource: str) -> Any:
    """FakeBucket.get_permission without the conditional statements (see the module docstring)."""
    from moto.iam.access_control import IAMPolicyStatement, PermissionResult

    if self.policy is None:
        return PermissionResult.NEUTRAL
    body = json.loads(self.policy).get("Statement", [])
    permitted = False
    for statement in body if isinstance(body, list) else [body]:
        if statement.get("Condition"):
            continue
        result = IAMPolicyStatement(statement).is_action_permitted(action, resource)
        if result == PermissionResult.DENIED:
            return result
        permitted = permitted or result == PermissionResult.PERMITTED
    return PermissionResult.PERMITTED if permitted else PermissionResult.NEUTRAL


def install() -> None:
    """Called once by :func:`emulator.server.install_adapters`."""
    FakeBucket.get_permission = _bucket_permission


def _backend(account_id: str, region_name: str):
    return s3_backends[account_id][get_partition(region_name)]


def _bucket_name(value: str) -> str:
    """BucketPolicy.Bucket is a name; accept an ARN too."""
    return value.split(":::", 1)[1] if value.startswith("arn:") else value


def apply_bucket_properties(backend: Any, name: str, props: dict[str, Any]) -> None:
    """Apply the properties moto's bucket model ignores."""
    encryption = props.get("BucketEncryption", {}).get("ServerSideEncryptionConfiguration") or []
    bucket = backend.get_bucket(name)
    if encryption and as_bool(encryption[0].get("BucketKeyEnabled")) and bucket.encryption:
        bucket.encryption["Rule"]["BucketKeyEnabled"] = "true"
    status = props.get("VersioningConfiguration", {}).get("Status")
    if status:
        backend.put_bucket_versioning(name, status)
    block = props.get("PublicAccessBlockConfiguration")
    if block:
        backend.put_public_access_block(
            name, {flag: as_bool(block.get(flag)) for flag in
                   ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")}
        )
    if as_bool(props.get("ObjectLockEnabled")):
        if not bucket.is_versioned:
            backend.put_bucket_versioning(name, "Enabled")
        retention = props.get("ObjectLockConfiguration", {}).get("Rule", {}).get("DefaultRetention", {})
        backend.put_object_lock_configuration(
            name, True, mode=retention.get("Mode"),
            days=int(retention["Days"]) if retention.get("Days") else None,
            years=int(retention["Years"]) if retention.get("Years") else None,
        )
    rules = (props.get("OwnershipControls") or {}).get("Rules") or []
    if rules:
        # moto stores the ObjectOwnership value itself.
        backend.put_bucket_ownership_controls(name, rules[0]["ObjectOwnership"])
    logging = props.get("LoggingConfiguration")
    if logging and logging.get("DestinationBucketName"):
        # Stored as given: moto would check the target's policy, which CloudFormation may create later
        # (AWS itself validates delivery permissions asynchronously, not at PutBucketLogging).
        bucket.logging = {"TargetBucket": logging["DestinationBucketName"],
                          "TargetPrefix": logging.get("LogFilePrefix", "")}


@adapter
class Bucket(AdapterMixin, CloudFormationModel):
    @staticmethod
    def cloudformation_name_type() -> str:
        return FakeBucket.cloudformation_name_type()

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::S3::Bucket"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return FakeBucket.has_cfn_attr(attr)

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> FakeBucket:
        bucket = FakeBucket.create_from_cloudformation_json(
            resource_name, cloudformation_json, account_id, region_name, **kwargs
        )
        apply_bucket_properties(
            _backend(account_id, region_name), bucket.name, cloudformation_json.get("Properties", {})
        )
        return bucket

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[misc]
        cls,
        original_resource: FakeBucket,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> FakeBucket:
        bucket = FakeBucket.update_from_cloudformation_json(
            original_resource, new_resource_name, cloudformation_json, account_id, region_name
        )
        apply_bucket_properties(
            _backend(account_id, region_name), bucket.name, cloudformation_json.get("Properties", {})
        )
        return bucket

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        FakeBucket.delete_from_cloudformation_json(
            resource_name, cloudformation_json, account_id, region_name
        )


@adapter
class BucketPolicy(AdapterMixin, CloudFormationModel):
    def __init__(self, bucket: str, document: str) -> None:
        self.bucket = bucket
        self.document = document
        self.physical_id = bucket

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::S3::BucketPolicy"

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> BucketPolicy:
        props = cloudformation_json["Properties"]
        name = _bucket_name(props["Bucket"])
        document = as_json_text(props["PolicyDocument"])
        _backend(account_id, region_name).put_bucket_policy(name, document.encode())
        return cls(name, document)

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[misc]
        cls,
        original_resource: BucketPolicy,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> BucketPolicy:
        return cls.create_from_cloudformation_json(
            new_resource_name, cloudformation_json, account_id, region_name
        )

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        backend = _backend(account_id, region_name)
        if resource_name in backend.buckets:
            backend.delete_bucket_policy(resource_name)
