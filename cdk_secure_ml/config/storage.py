"""``storage``: the data and artifacts buckets (docs/storage.md, ``SecureBucket``)."""

from __future__ import annotations

from pydantic import Field

from cdk_secure_ml.config._section import Section
from cdk_secure_ml.config._types import ObjectLockDays, ObjectLockMode, RoleArns


class StorageConfig(Section):
    """The platform's data and artifacts buckets: SSE-KMS, versioned, reachable only through the VPC."""

    restrict_to_vpc_endpoint: bool = Field(
        True, description="Deny object access to the data and artifacts buckets from outside the S3 gateway "
                          "endpoint."
    )
    vpc_endpoint_exception_role_arns: RoleArns = Field(
        default_factory=list, description="IAM role ARNs that may reach the buckets from outside the VPC "
                                          "(exceptions to restrict_to_vpc_endpoint)."
    )
    object_lock_retention_days: ObjectLockDays | None = Field(
        None, description="Object Lock default retention of the artifacts bucket, 1-36,500 days; default: no "
        "Object Lock.")
    object_lock_mode: ObjectLockMode = Field(
        "GOVERNANCE", description="GOVERNANCE, or COMPLIANCE (nobody, not even root, can shorten the "
                                  "retention).")
