"""AuditTrail: the multi-region CloudTrail trail, its log archive and its CloudWatch Logs copy."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from aws_cdk import Annotations, Duration, RemovalPolicy, Stack
from aws_cdk import aws_cloudtrail as cloudtrail
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from constructs import Construct

from cdk_secure_ml.constructs.storage import SecureBucket
from cdk_secure_ml.core.governance import audit_trail_problems
from cdk_secure_ml.core.problems import messages
from cdk_secure_ml.policies.acknowledgements import acknowledge, in_regulatory_packs

#: Object-level actions on the log archive that only CloudTrail and the auditors may use.
ARCHIVE_RESTRICTED_ACTIONS: tuple[str, ...] = (
    "s3:GetObject*",
    "s3:PutObject*",
    "s3:DeleteObject*",
    "s3:RestoreObject",
    "s3:BypassGovernanceRetention",
)

#: Default retention of the local archive's Object Lock.
DEFAULT_OBJECT_LOCK_RETENTION = Duration.days(365)

#: Services that write to the archive: CloudTrail only. AWS Config delivers to its own bucket
#: (:class:`~cdk_secure_ml.constructs.governance.compliance.ComplianceRules`): it does not deliver to a
#: bucket with Object Lock.
ARCHIVE_WRITER_SERVICES: tuple[str, ...] = ("cloudtrail.amazonaws.com",)


def allow_cloudtrail(key: kms.IKey, trail_name: str | None = None) -> bool:
    """Let CloudTrail of this key's account encrypt log files with ``key`` (and describe it).

    The encryption-context condition limits it to trails of this account (``trail_name``: one trail).
    Returns False when ``key`` is imported and its policy cannot be changed from here.
    """
    stack = Stack.of(key)
    trail_arn = f"arn:{stack.partition}:cloudtrail:*:{stack.account}:trail/{trail_name or '*'}"
    principal = iam.ServicePrincipal("cloudtrail.amazonaws.com")
    added = key.add_to_resource_policy(
        iam.PolicyStatement(
            sid="AllowCloudTrailToEncryptLogs",
            principals=[principal],
            actions=["kms:GenerateDataKey*"],
            resources=["*"],
            conditions={
                "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": trail_arn},
                "StringEquals": {"aws:SourceAccount": stack.account},
            },
        )
    ).statement_added
    key.add_to_resource_policy(
        iam.PolicyStatement(
            sid="AllowCloudTrailToDescribeKey",
            principals=[principal],
            actions=["kms:DescribeKey"],
            resources=["*"],
            conditions={"StringEquals": {"aws:SourceAccount": stack.account}},
        )
    )
    return added


class AuditTrail(Construct):
    """A multi-region CloudTrail trail that records management events of every region and global
    services, signs digest files (log file validation), encrypts log files with KMS and delivers them
    to a log archive and to an encrypted CloudWatch Logs group.

    Two modes:

    - **local archive** (default): a :class:`SecureBucket` created here with Object Lock (default
      retention ``object_lock_retention`` in ``object_lock_mode``), versioning, TLS-only, RETAIN, and
      a policy that denies object reads, writes and deletes to everyone except CloudTrail and
      ``auditor_role_arns``. (AWS Config cannot deliver here: see
      :class:`~cdk_secure_ml.constructs.governance.compliance.ComplianceRules`.) Log files are
      encrypted with ``encryption_key``.
    - **central archive**: ``central_bucket_name`` + ``central_key_arn`` name a bucket and key in a
      log-archive account, so that no administrator of this account can alter the only copy.
      Its bucket and key policies are managed there; nothing is created for them here.

    :param encryption_key: the logs key; encrypts the CloudWatch Logs copy (and, in local mode, the log
        files). Its policy gets a CloudTrail statement limited to this account's trails.
    :param trail_name: default: generated. Naming it narrows the key-policy condition to this trail.
    :param central_bucket_name: the central archive bucket. Requires ``central_key_arn``.
    :param central_key_arn: the KMS key ARN the central archive expects log files encrypted with.
    :param object_lock_retention: local mode: default retention, 1 to 36,500 whole days. Default 365.
    :param object_lock_mode: local mode: ``GOVERNANCE`` (default) or ``COMPLIANCE`` (no one can shorten it).
    :param auditor_role_arns: local mode: roles that may read the archive.
    :param log_retention: retention of the CloudWatch Logs copy. Default one year.
    :param s3_data_event_buckets: buckets whose object-level (data) events are logged, e.g. the ML
        data and artifact buckets. Default none.
    :param lambda_data_events: log Invoke events of every Lambda function. Default False.
    :param removal_policy: of the archive bucket and the log group. Default RETAIN.
    :raises ValueError: every problem of the arguments at once
        (:func:`cdk_secure_ml.core.governance.audit_trail_problems`).

    Attributes:

    - ``trail`` (``cloudtrail.Trail``): the trail.
    - ``trail_arn`` (``str``): ``trail.trail_arn``.
    - ``bucket`` (``s3.IBucket``): the archive the log files go to: the local archive's bucket, or the central
      one.
    - ``archive`` (``SecureBucket | None``): the local archive; None in central mode.
    - ``central`` (``bool``): True in central mode.
    - ``log_file_key`` (``kms.IKey``): the key log files are encrypted with (``encryption_key``, or the
      central key).
    - ``log_group`` (``logs.LogGroup``): the CloudWatch Logs copy, for metric filters.
    - ``s3_data_event_buckets`` (``tuple[s3.IBucket, ...]``): the buckets whose data events are recorded.
    - ``lambda_data_events`` (``bool``): as given.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        encryption_key: kms.IKey,
        trail_name: str | None = None,
        central_bucket_name: str | None = None,
        central_key_arn: str | None = None,
        object_lock_retention: Duration = DEFAULT_OBJECT_LOCK_RETENTION,
        object_lock_mode: Literal["GOVERNANCE", "COMPLIANCE"] = "GOVERNANCE",
        auditor_role_arns: Sequence[str] = (),
        log_retention: logs.RetentionDays = logs.RetentionDays.ONE_YEAR,
        s3_data_event_buckets: Sequence[s3.IBucket] = (),
        lambda_data_events: bool = False,
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
    ) -> None:
        super().__init__(scope, construct_id)
        lock_days = object_lock_retention.to_seconds() / 86400
        problems = messages(audit_trail_problems(
            central_bucket_name=central_bucket_name, central_key_arn=central_key_arn,
            auditor_role_arns=auditor_role_arns, trail_name=trail_name, object_lock_days=lock_days,
            object_lock_mode=object_lock_mode,
        ))
        if problems:
            raise ValueError("AuditTrail: " + "; ".join(problems))

        self.central = central_bucket_name is not None and central_key_arn is not None
        self.archive: SecureBucket | None = None
        if central_bucket_name is not None and central_key_arn is not None:
            self.bucket: s3.IBucket = s3.Bucket.from_bucket_name(self, "CentralArchive", central_bucket_name)
            self.log_file_key: kms.IKey = kms.Key.from_key_arn(self, "CentralArchiveKey", central_key_arn)
            Annotations.of(self).add_info(
                f"CloudTrail delivers to the central bucket {central_bucket_name}: its bucket policy must "
                "allow cloudtrail.amazonaws.com s3:PutObject for this account and its key policy "
                "kms:GenerateDataKey*"
            )
        else:
            self.archive = self._local_archive(encryption_key, int(lock_days), object_lock_mode,
                                               auditor_role_arns, removal_policy)
            self.bucket = self.archive.bucket
            self.log_file_key = encryption_key
            allow_cloudtrail(encryption_key, trail_name)

        self.log_group = logs.LogGroup(
            self,
            "LogGroup",
            encryption_key=encryption_key,
            retention=log_retention,
            removal_policy=removal_policy,
        )
        self.trail = cloudtrail.Trail(
            self,
            "Resource",
            trail_name=trail_name,
            bucket=self.bucket,
            encryption_key=self.log_file_key,
            is_multi_region_trail=True,
            include_global_service_events=True,
            enable_file_validation=True,
            management_events=cloudtrail.ReadWriteType.ALL,
            send_to_cloud_watch_logs=True,
            cloud_watch_log_group=self.log_group,
        )
        acknowledge(
            self.trail.node.find_child("LogsRole"),
            "aws-cdk-lib's Trail writes the CloudWatch Logs delivery role's permissions (create log streams "
            "and put events in this one log group) as the role's inline default policy; it is generated and "
            "scoped to that log group only.",
            *in_regulatory_packs("IAMNoInlinePolicy"),
        )
        if not self.central:
            self.trail.node.add_dependency(self.bucket.policy or self.bucket)
        if s3_data_event_buckets:
            self.trail.add_s3_event_selector(
                [cloudtrail.S3EventSelector(bucket=b) for b in s3_data_event_buckets],
                include_management_events=False,
                read_write_type=cloudtrail.ReadWriteType.ALL,
            )
        self.s3_data_event_buckets = tuple(s3_data_event_buckets)
        self.lambda_data_events = lambda_data_events
        if lambda_data_events:
            self.trail.log_all_lambda_data_events(include_management_events=False)

    def _local_archive(
        self, encryption_key: kms.IKey, lock_days: int, lock_mode: Literal["GOVERNANCE", "COMPLIANCE"],
        auditor_role_arns: Sequence[str], removal_policy: RemovalPolicy,
    ) -> SecureBucket:
        """The Object Lock archive, whose objects only CloudTrail and the auditors may touch."""
        archive = SecureBucket(
            self,
            "Archive",
            encryption_key=encryption_key,
            object_lock_retention=Duration.days(lock_days),
            object_lock_mode=lock_mode,
            removal_policy=removal_policy,
        )
        conditions: dict[str, dict[str, object]] = {
            "StringNotEquals": {"aws:PrincipalServiceName": list(ARCHIVE_WRITER_SERVICES)}
        }
        if auditor_role_arns:
            conditions["ArnNotLike"] = {"aws:PrincipalArn": list(auditor_role_arns)}
        archive.bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid="DenyObjectAccessExceptLogWritersAndAuditors",
                effect=iam.Effect.DENY,
                principals=[iam.AnyPrincipal()],
                actions=list(ARCHIVE_RESTRICTED_ACTIONS),
                resources=[archive.bucket.arn_for_objects("*")],
                conditions=conditions,
            )
        )
        return archive

    @property
    def trail_arn(self) -> str:
        """The trail's ARN (``trail.trail_arn``)."""
        return self.trail.trail_arn

    def grant_read_archive(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` read the local archive (it must also be in ``auditor_role_arns``).

        :raises ValueError: the trail delivers to a central archive.
        """
        if self.archive is None:
            raise ValueError(
                "AuditTrail delivers to a central archive; grant read access in the log-archive account"
            )
        return self.archive.grant_read(grantee)
