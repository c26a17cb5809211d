"""SecureBucket and AccessLogsBucket: S3 buckets with the platform's encryption and access defaults."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from aws_cdk import Annotations, Duration, RemovalPolicy, Token
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from cdk_secure_ml.policies.acknowledgements import (
    acknowledge,
    in_regulatory_packs,
    justify_tls_version,
    skip_checkov,
)
from cdk_secure_ml.policies.ids import ack_id

#: Object-level actions denied outside the allowed VPC endpoints. Bucket-configuration actions are
#: left alone so CloudFormation (which does not call through the endpoint) can still manage the bucket.
VPC_ENDPOINT_RESTRICTED_ACTIONS: tuple[str, ...] = (
    "s3:GetObject*",
    "s3:PutObject*",
    "s3:DeleteObject*",
    "s3:RestoreObject",
    "s3:ListBucket",
    "s3:ListBucketVersions",
    "s3:ListBucketMultipartUploads",
    "s3:ListMultipartUploadParts",
    "s3:AbortMultipartUpload",
)

_REPLICATION_REASON = (
    "Cross-region replication is a disaster-recovery choice that needs a second region's bucket and "
    "key; the platform keeps data safe in-region with versioning and RETAIN. Add replication per deployment."
)

__all__ = ["SecureBucket", "AccessLogsBucket", "VPC_ENDPOINT_RESTRICTED_ACTIONS"]


def _acknowledge_replication(bucket: s3.Bucket) -> None:
    acknowledge(bucket, _REPLICATION_REASON, *in_regulatory_packs("S3BucketReplicationEnabled"))


def _retain_policy_with_bucket(bucket: s3.Bucket, removal_policy: RemovalPolicy) -> None:
    """Give the bucket policy the bucket's removal policy: deleting the stack would otherwise delete the
    policy of a retained bucket (its TLS-only and endpoint-only denies) while the data stays
    (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html)."""
    if bucket.policy is not None:
        bucket.policy.apply_removal_policy(removal_policy)


def _bucket_problems(
    lock_days: float | None,
    versioned: bool,
    object_lock_mode: str,
    allowed_vpc_endpoints: Sequence[ec2.IVpcEndpoint],
    vpc_endpoint_exceptions: Sequence[str],
) -> list[str]:
    """What is wrong with SecureBucket's arguments (empty when nothing is)."""
    problems = []
    if lock_days is not None:
        if not 1 <= lock_days <= 36500 or lock_days != int(lock_days):
            problems.append(
                f"object_lock_retention is {lock_days:g} days; use a whole number of days from 1 to "
                "36500 (Duration.days(n))"
            )
        if not versioned:
            problems.append("Object Lock needs versioning; leave versioned=True")
    if object_lock_mode not in ("GOVERNANCE", "COMPLIANCE"):
        problems.append(f"object_lock_mode {object_lock_mode!r} is not GOVERNANCE or COMPLIANCE")
    if vpc_endpoint_exceptions and not allowed_vpc_endpoints:
        problems.append(
            "vpc_endpoint_exceptions were given without allowed_vpc_endpoints; they only make "
            "sense as exceptions to the VPC endpoint restriction"
        )
    bad_arns = [
        a for a in vpc_endpoint_exceptions if not Token.is_unresolved(a) and not a.startswith("arn:")
    ]
    if bad_arns:
        problems.append(f"vpc_endpoint_exceptions {bad_arns} are not ARNs; pass IAM role ARNs")
    return problems


class AccessLogsBucket(Construct):
    """A bucket that receives S3 server access logs of other buckets.

    S3 log delivery writes only to buckets encrypted with SSE-S3, so this bucket cannot use a KMS key;
    otherwise it has the platform defaults: Block Public Access, TLS 1.2+ only, versioning, RETAIN,
    and old log versions expire after ``noncurrent_version_expiration``.

    Attributes:

    - ``bucket`` (``s3.Bucket``): the log bucket; pass it as ``server_access_logs_bucket`` of a
      ``SecureBucket``.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        bucket_name: str | None = None,
        noncurrent_version_expiration: Duration | None = None,
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
    ) -> None:
        super().__init__(scope, construct_id)
        if noncurrent_version_expiration is None:  # no jsii object at import time
            noncurrent_version_expiration = Duration.days(90)
        # Grant log delivery through the bucket policy, not the legacy LogDeliveryWrite ACL, whatever
        # feature flags the consuming app sets (ACLs are disabled by BUCKET_OWNER_ENFORCED).
        self.node.set_context("@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy", True)
        self.bucket = s3.Bucket(
            self,
            "Resource",
            bucket_name=bucket_name,
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            minimum_tls_version=1.2,
            versioned=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            lifecycle_rules=[s3.LifecycleRule(noncurrent_version_expiration=noncurrent_version_expiration)],
            removal_policy=removal_policy,
        )
        _retain_policy_with_bucket(self.bucket, removal_policy)
        justify_tls_version(self.bucket.policy)  # type: ignore[arg-type]
        no_loop = "This bucket is the server-access-log destination; logging it to itself would loop."
        acknowledge(self.bucket, no_loop, "AwsSolutions-S1", *in_regulatory_packs("S3BucketLoggingEnabled"))
        skip_checkov(self.bucket, no_loop, "CKV_AWS_18")
        sse_s3_only = "S3 server access log delivery supports only SSE-S3 on the destination bucket."
        acknowledge(
            self.bucket, sse_s3_only, *in_regulatory_packs("S3DefaultEncryptionKMS"), ack_id("SML-ENC-7")
        )
        _acknowledge_replication(self.bucket)


class SecureBucket(Construct):
    """An S3 bucket for ML data or artifacts with the platform's defaults.

    - SSE-KMS with a customer-managed key and an S3 bucket key (fewer KMS calls, lower cost);
    - Block Public Access on all four settings, object ownership enforced (no ACLs);
    - a bucket policy that denies requests without TLS and with TLS older than 1.2;
    - versioning, server access logs to a log bucket, ``RemovalPolicy.RETAIN``;
    - optionally Object Lock with a default retention, and a deny on object access from outside
      named VPC endpoints (``aws:SourceVpce``), with named principal exceptions.

    :param encryption_key: the KMS key. Default: a dedicated key with rotation is created.
    :param server_access_logs_bucket: where access logs go. Default: a new :class:`AccessLogsBucket`.
    :param server_access_logs_prefix: key prefix of this bucket's logs. Default ``<construct path>/``.
    :param versioned: default True. Turning it off gives a warning (and is refused with Object Lock).
    :param object_lock_retention: default retention of new object versions; turns Object Lock on.
        1 to 36,500 days.
    :param object_lock_mode: ``GOVERNANCE`` (privileged users may shorten it) or ``COMPLIANCE``
        (nobody can). Default GOVERNANCE.
    :param allowed_vpc_endpoints: when non-empty, object reads, writes, deletes and listings are
        denied unless they come through one of these endpoints.
    :param vpc_endpoint_exceptions: principals (role ARNs) exempt from that deny, e.g. a replication
        or ingestion role. Used only with ``allowed_vpc_endpoints``.
    :param removal_policy: default RETAIN.

    Attributes:

    - ``bucket`` (``s3.Bucket``): the bucket; use it wherever aws-cdk-lib takes an ``s3.IBucket``.
    - ``bucket_name`` (``str``): ``bucket.bucket_name``.
    - ``bucket_arn`` (``str``): ``bucket.bucket_arn``.
    - ``encryption_key`` (``kms.IKey``): the key objects are encrypted with (given or created).
    - ``server_access_logs_bucket`` (``s3.IBucket``): where the access logs go (given or a new
      ``AccessLogsBucket``).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        encryption_key: kms.IKey | None = None,
        bucket_name: str | None = None,
        server_access_logs_bucket: s3.IBucket | None = None,
        server_access_logs_prefix: str | None = None,
        versioned: bool = True,
        object_lock_retention: Duration | None = None,
        object_lock_mode: Literal["GOVERNANCE", "COMPLIANCE"] = "GOVERNANCE",
        allowed_vpc_endpoints: Sequence[ec2.IVpcEndpoint] = (),
        vpc_endpoint_exceptions: Sequence[str] = (),
        lifecycle_rules: Sequence[s3.LifecycleRule] = (),
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
    ) -> None:
        super().__init__(scope, construct_id)
        lock_days = object_lock_retention.to_seconds() / 86400 if object_lock_retention is not None else None
        problems = _bucket_problems(
            lock_days, versioned, object_lock_mode, allowed_vpc_endpoints, vpc_endpoint_exceptions
        )
        if problems:
            raise ValueError("SecureBucket: " + "; ".join(problems))

        if encryption_key is None:
            encryption_key = kms.Key(
                self,
                "Key",
                description=f"S3 bucket {self.node.path}",
                enable_key_rotation=True,
                removal_policy=RemovalPolicy.RETAIN,
            )
        self.encryption_key: kms.IKey = encryption_key

        if server_access_logs_bucket is None:
            server_access_logs_bucket = AccessLogsBucket(self, "AccessLogs").bucket
        self.server_access_logs_bucket = server_access_logs_bucket

        object_lock_default = None
        if lock_days is not None:
            retention = Duration.days(int(lock_days))
            object_lock_default = (
                s3.ObjectLockRetention.compliance(retention)
                if object_lock_mode == "COMPLIANCE"
                else s3.ObjectLockRetention.governance(retention)
            )

        self.bucket = s3.Bucket(
            self,
            "Resource",
            bucket_name=bucket_name,
            encryption=s3.BucketEncryption.KMS,
            encryption_key=encryption_key,
            bucket_key_enabled=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            enforce_ssl=True,
            minimum_tls_version=1.2,
            versioned=versioned,
            object_lock_enabled=True if object_lock_default else None,
            object_lock_default_retention=object_lock_default,
            server_access_logs_bucket=server_access_logs_bucket,
            server_access_logs_prefix=server_access_logs_prefix or f"{self.node.path}/",
            lifecycle_rules=list(lifecycle_rules) or None,
            removal_policy=removal_policy,
        )
        if not versioned:
            Annotations.of(self).add_warning_v2(
                "secure-ml:bucket-unversioned",
                "versioning is off: overwritten or deleted datasets and artifacts cannot be recovered",
            )
        _acknowledge_replication(self.bucket)
        justify_tls_version(self.bucket.policy)  # type: ignore[arg-type]

        if allowed_vpc_endpoints:
            conditions: dict[str, dict[str, object]] = {
                "StringNotEquals": {"aws:SourceVpce": [e.vpc_endpoint_id for e in allowed_vpc_endpoints]}
            }
            if vpc_endpoint_exceptions:
                conditions["ArnNotLike"] = {"aws:PrincipalArn": list(vpc_endpoint_exceptions)}
            self.bucket.add_to_resource_policy(
                iam.PolicyStatement(
                    sid="DenyObjectAccessOutsideVpcEndpoints",
                    effect=iam.Effect.DENY,
                    principals=[iam.AnyPrincipal()],
                    actions=list(VPC_ENDPOINT_RESTRICTED_ACTIONS),
                    resources=[self.bucket.bucket_arn, self.bucket.arn_for_objects("*")],
                    conditions=conditions,
                )
            )

        _retain_policy_with_bucket(self.bucket, removal_policy)

    # ------------------------------------------------------------------------------------------

    @property
    def bucket_name(self) -> str:
        """The bucket's name (``bucket.bucket_name``)."""
        return self.bucket.bucket_name

    @property
    def bucket_arn(self) -> str:
        """The bucket's ARN (``bucket.bucket_arn``)."""
        return self.bucket.bucket_arn

    def grant_read(self, grantee: iam.IGrantable, objects_key_pattern: str = "*") -> iam.Grant:
        """Read objects (and decrypt them with the bucket's key)."""
        return self.bucket.grant_read(grantee, objects_key_pattern)

    def grant_write(self, grantee: iam.IGrantable, objects_key_pattern: str = "*") -> iam.Grant:
        """Write objects (and encrypt them with the bucket's key)."""
        return self.bucket.grant_write(grantee, objects_key_pattern)

    def grant_read_write(self, grantee: iam.IGrantable, objects_key_pattern: str = "*") -> iam.Grant:
        """Read and write objects."""
        return self.bucket.grant_read_write(grantee, objects_key_pattern)
