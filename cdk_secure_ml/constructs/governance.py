"""Audit and detective controls: AuditTrail, ComplianceRules, ThreatDetection, Alerts.

Each answers a line of REQUIREMENTS.md, "Audit and compliance"; docs/governance.md maps control to threat.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Literal

from aws_cdk import Annotations, Duration, RemovalPolicy, Stack, Token
from aws_cdk import aws_cloudtrail as cloudtrail
from aws_cdk import aws_config as config
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_guardduty as guardduty
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from cdk_secure_ml.constructs.naming import pascal_case
from cdk_secure_ml.constructs.storage import SecureBucket
from cdk_secure_ml.core.config_rules import PERIODIC_RULES, CONFIG_RULES
from cdk_secure_ml.core.names import BUCKET_NAME_RE, EMAIL_RE, ROLE_ARN_RE
from cdk_secure_ml.policies.acknowledgements import acknowledge, acknowledge_wildcards, in_regulatory_packs

# --------------------------------------------------------------------------------------------------
# AuditTrail

_KMS_KEY_ARN_RE = re.compile(r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/(?:mrk-)?[0-9a-f-]{32,36}$")
_TRAIL_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{2,127}$")

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
#: (:class:`ComplianceRules`): it does not deliver to a bucket with Object Lock.
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
      ``auditor_role_arns``. (AWS Config cannot deliver here: see :class:`ComplianceRules`.) Log files are encrypted with ``encryption_key``.
    - **central archive**: ``central_bucket_name`` + ``central_key_arn`` name a bucket and key in a
      log-archive account (REQUIREMENTS: "a central bucket in a separate account with limited access").
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
        central = central_bucket_name is not None or central_key_arn is not None
        problems = []
        if central_bucket_name is not None and not Token.is_unresolved(central_bucket_name) and (
            not BUCKET_NAME_RE.match(central_bucket_name) or ".." in central_bucket_name
        ):
            problems.append(f"central_bucket_name {central_bucket_name!r} is not an S3 bucket name")
        if central_bucket_name is not None and central_key_arn is None:
            problems.append(
                f"central_bucket_name {central_bucket_name!r} was given without central_key_arn; pass the ARN "
                "of the KMS key the log-archive account uses for CloudTrail"
            )
        if central_key_arn is not None and central_bucket_name is None:
            problems.append("central_key_arn was given without central_bucket_name; pass both or neither")
        if central_key_arn is not None and not Token.is_unresolved(central_key_arn) and not _KMS_KEY_ARN_RE.match(
            central_key_arn
        ):
            problems.append(f"central_key_arn {central_key_arn!r} is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)")
        if central and auditor_role_arns:
            problems.append(
                "auditor_role_arns apply to the local archive only; grant auditors in the log-archive account"
            )
        bad_auditors = [a for a in auditor_role_arns if not Token.is_unresolved(a) and not ROLE_ARN_RE.match(a)]
        if bad_auditors:
            problems.append(f"auditor_role_arns {bad_auditors} are not IAM role ARNs (arn:aws:iam::<account>:role/<name>)")
        if trail_name is not None and not Token.is_unresolved(trail_name) and not _TRAIL_NAME_RE.match(trail_name):
            problems.append(f"trail_name {trail_name!r} must be 3-128 letters, digits, '.', '_' or '-'")
        lock_days = object_lock_retention.to_seconds() / 86400
        if not central and (not 1 <= lock_days <= 36500 or lock_days != int(lock_days)):
            problems.append(f"object_lock_retention is {lock_days:g} days; use a whole number of days from 1 to 36500")
        if object_lock_mode not in ("GOVERNANCE", "COMPLIANCE"):
            problems.append(f"object_lock_mode {object_lock_mode!r} is not GOVERNANCE or COMPLIANCE")
        if problems:
            raise ValueError("AuditTrail: " + "; ".join(problems))

        self.central = central
        self.archive: SecureBucket | None = None
        if central:
            self.bucket: s3.IBucket = s3.Bucket.from_bucket_name(self, "CentralArchive", central_bucket_name)
            self.log_file_key: kms.IKey = kms.Key.from_key_arn(self, "CentralArchiveKey", central_key_arn)
            Annotations.of(self).add_info(
                f"CloudTrail delivers to the central bucket {central_bucket_name}: its bucket policy must allow "
                "cloudtrail.amazonaws.com s3:PutObject for this account and its key policy kms:GenerateDataKey*"
            )
        else:
            self.archive = SecureBucket(
                self,
                "Archive",
                encryption_key=encryption_key,
                object_lock_retention=Duration.days(int(lock_days)),
                object_lock_mode=object_lock_mode,
                removal_policy=removal_policy,
            )
            self.bucket = self.archive.bucket
            self.log_file_key = encryption_key
            conditions: dict[str, dict[str, object]] = {
                "StringNotEquals": {"aws:PrincipalServiceName": list(ARCHIVE_WRITER_SERVICES)}
            }
            if auditor_role_arns:
                conditions["ArnNotLike"] = {"aws:PrincipalArn": list(auditor_role_arns)}
            self.bucket.add_to_resource_policy(
                iam.PolicyStatement(
                    sid="DenyObjectAccessExceptLogWritersAndAuditors",
                    effect=iam.Effect.DENY,
                    principals=[iam.AnyPrincipal()],
                    actions=list(ARCHIVE_RESTRICTED_ACTIONS),
                    resources=[self.bucket.arn_for_objects("*")],
                    conditions=conditions,
                )
            )
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
        if not central:
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

    @property
    def trail_arn(self) -> str:
        return self.trail.trail_arn

    def grant_read_archive(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` read the local archive (it must also be in ``auditor_role_arns``)."""
        if self.archive is None:
            raise ValueError("AuditTrail delivers to a central archive; grant read access in the log-archive account")
        return self.archive.grant_read(grantee)


# --------------------------------------------------------------------------------------------------
# ComplianceRules

#: Config's documented page for each delivery behaviour the construct relies on.
CONFIG_OBJECT_LOCK_SOURCE = (
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-config-deliverychannel.html"
)

#: Parameters every deployment of a rule gets unless ``rule_parameters`` overrides them.
#: ``excludePermissionBoundaryPolicy``: a permissions boundary is a ceiling, not a grant; the platform's
#: boundary allows ``*`` on ``*`` minus its denies, which the rule would otherwise flag for good
#: (https://docs.aws.amazon.com/config/latest/developerguide/iam-policy-no-statements-with-admin-access.html).
DEFAULT_RULE_PARAMETERS: Mapping[str, Mapping[str, str]] = {
    "iam-policy-no-statements-with-admin-access": {"excludePermissionBoundaryPolicy": "true"},
}

#: Object-level actions on the Config delivery bucket that only the recorder's role and auditors may use.
CONFIG_BUCKET_RESTRICTED_ACTIONS: tuple[str, ...] = (
    "s3:GetObject*",
    "s3:PutObject*",
    "s3:DeleteObject*",
    "s3:RestoreObject",
)


def has_object_lock(bucket: s3.IBucket) -> bool:
    """Whether ``bucket`` is defined in this app with Object Lock on (False when unknown, e.g. imported)."""
    cfn = bucket.node.default_child
    return isinstance(cfn, s3.CfnBucket) and cfn.object_lock_enabled is True


class ComplianceRules(Construct):
    """AWS Config: a recorder, its delivery channel and bucket (skippable), and the managed rules of
    :data:`CONFIG_RULES` (SageMaker and baseline).

    Delivery (https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-policy.html): Config writes
    to a bucket of its own account *as the recorder's role*, so the role gets the documented write rights
    (https://docs.aws.amazon.com/config/latest/developerguide/iamrole-permissions.html) and the channel is
    created only after the recorder, the role's policy and the bucket policy exist (PutDeliveryChannel
    test-writes to the bucket). Config does not deliver to a bucket with Object Lock
    (:data:`CONFIG_OBJECT_LOCK_SOURCE`), so it gets its own bucket, not the CloudTrail archive.

    :param delivery_bucket: where Config delivers snapshots and history. Default (with
        ``create_recorder``): a dedicated :class:`SecureBucket` (KMS, versioned, TLS-only, RETAIN, no
        Object Lock) whose objects only the recorder's role and ``auditor_role_arns`` may touch. A bucket
        given here must not have Object Lock; its policy must not deny the recorder's role.
    :param delivery_key: KMS key that encrypts deliveries (and the dedicated bucket). Default: the
        dedicated bucket's own key; with a given bucket, none (the bucket's default encryption applies).
    :param create_recorder: default True. False where the organisation already records this account
        (only one recorder and one delivery channel per account and region are allowed): the rules then
        use that recorder.
    :param record_global_resources: record IAM and other global types. Record them in one region only.
    :param rules: rule names to deploy. Default: all of :data:`CONFIG_RULES`.
    :param exclude_rules: rule names to leave out.
    :param rule_parameters: input parameters per rule name, e.g.
        ``{"sagemaker-notebook-instance-inside-vpc": {"SubnetIds": "subnet-1,subnet-2"}}``; merged over
        :data:`DEFAULT_RULE_PARAMETERS`.
    :param server_access_logs_bucket: access-log destination of the dedicated bucket. Default: a new
        :class:`AccessLogsBucket`.
    :param auditor_role_arns: roles that may read the dedicated bucket's objects.
    :param removal_policy: of the dedicated bucket. Default RETAIN.

    Rules AWS offers only in some regions are skipped, with a warning, in a stack whose region is
    known and not among them.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        delivery_bucket: s3.IBucket | None = None,
        delivery_key: kms.IKey | None = None,
        create_recorder: bool = True,
        record_global_resources: bool = True,
        rules: Sequence[str] | None = None,
        exclude_rules: Sequence[str] = (),
        rule_parameters: Mapping[str, Mapping[str, str]] | None = None,
        server_access_logs_bucket: s3.IBucket | None = None,
        auditor_role_arns: Sequence[str] = (),
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
    ) -> None:
        super().__init__(scope, construct_id)
        names = list(CONFIG_RULES) if rules is None else list(rules)
        rule_parameters = dict(rule_parameters or {})
        problems = []
        unknown = [n for n in [*names, *exclude_rules, *rule_parameters] if n not in CONFIG_RULES]
        if unknown:
            problems.append(f"unknown rule name(s) {sorted(set(unknown))}; use names from {sorted(CONFIG_RULES)}")
        if not create_recorder:
            given = [name for name, value in (("delivery_bucket", delivery_bucket), ("delivery_key", delivery_key),
                                              ("server_access_logs_bucket", server_access_logs_bucket))
                     if value is not None]
            if given or auditor_role_arns:
                problems.append(
                    f"{', '.join(given or ['auditor_role_arns'])} configure the delivery of a recorder this "
                    "construct creates; with create_recorder=False there is none (drop them)"
                )
        if delivery_bucket is not None and has_object_lock(delivery_bucket):
            problems.append(
                f"delivery_bucket {delivery_bucket.node.path} has Object Lock, and AWS Config does not deliver "
                f"to such a bucket ({CONFIG_OBJECT_LOCK_SOURCE}); leave delivery_bucket unset to get a dedicated "
                "bucket, or pass one without Object Lock"
            )
        if delivery_bucket is not None and server_access_logs_bucket is not None:
            problems.append("server_access_logs_bucket applies to the dedicated bucket only; drop it or "
                            "delivery_bucket")
        bad_auditors = [a for a in auditor_role_arns if not Token.is_unresolved(a) and not ROLE_ARN_RE.match(a)]
        if bad_auditors:
            problems.append(f"auditor_role_arns {bad_auditors} are not IAM role ARNs (arn:aws:iam::<account>:role/<name>)")
        if problems:
            raise ValueError("ComplianceRules: " + "; ".join(problems))

        stack = Stack.of(self)
        self.recorder: config.CfnConfigurationRecorder | None = None
        self.delivery_channel: config.CfnDeliveryChannel | None = None
        self.role: iam.Role | None = None
        self.delivery_bucket: s3.IBucket | None = None
        self.delivery_policy: iam.ManagedPolicy | None = None
        self.dedicated_bucket: SecureBucket | None = None
        if create_recorder:
            self.role = iam.Role(
                self,
                "RecorderRole",
                # Only this account's Config may assume it (confused deputy), as the IAM-role page shows.
                assumed_by=iam.ServicePrincipal(
                    "config.amazonaws.com", conditions={"StringEquals": {"aws:SourceAccount": stack.account}}
                ),
                managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name("service-role/AWS_ConfigRole")],
                description="AWS Config recorder: reads resource configurations, delivers them to its bucket",
            )
            acknowledge(
                self.role,
                "AWS_ConfigRole is the AWS-maintained read policy for every resource type Config records; a "
                "hand-written copy would miss new resource types.",
                "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWS_ConfigRole]",
            )
            if delivery_bucket is None:
                self.dedicated_bucket = SecureBucket(
                    self,
                    "DeliveryBucket",
                    encryption_key=delivery_key,
                    server_access_logs_bucket=server_access_logs_bucket,
                    removal_policy=removal_policy,
                )
                delivery_bucket = self.dedicated_bucket.bucket
                delivery_key = self.dedicated_bucket.encryption_key
                # aws:PrincipalArn of a role session is the role's ARN, so the recorder's deliveries pass.
                # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
                delivery_bucket.add_to_resource_policy(
                    iam.PolicyStatement(
                        sid="DenyObjectAccessExceptConfigAndAuditors",
                        effect=iam.Effect.DENY,
                        principals=[iam.AnyPrincipal()],
                        actions=list(CONFIG_BUCKET_RESTRICTED_ACTIONS),
                        resources=[delivery_bucket.arn_for_objects("*")],
                        conditions={"ArnNotLike": {"aws:PrincipalArn": [self.role.role_arn, *auditor_role_arns]}},
                    )
                )
            self.delivery_bucket = delivery_bucket
            self.delivery_policy = self._delivery_policy(delivery_bucket, delivery_key)
            # L1: aws-cdk-lib has no L2 for the configuration recorder or the delivery channel.
            self.recorder = config.CfnConfigurationRecorder(
                self,
                "Recorder",
                role_arn=self.role.role_arn,
                recording_group=config.CfnConfigurationRecorder.RecordingGroupProperty(
                    all_supported=True, include_global_resource_types=record_global_resources
                ),
            )
            self.delivery_channel = config.CfnDeliveryChannel(
                self,
                "DeliveryChannel",
                s3_bucket_name=delivery_bucket.bucket_name,
                s3_kms_key_arn=delivery_key.key_arn if delivery_key is not None else None,
                config_snapshot_delivery_properties=config.CfnDeliveryChannel.ConfigSnapshotDeliveryPropertiesProperty(
                    delivery_frequency="TwentyFour_Hours"
                ),
            )
            # A channel needs a recorder (the CloudFormation page above); PutDeliveryChannel test-writes
            # as the role, so the role's policy and the bucket (and its policy) must exist first.
            self.delivery_channel.node.add_dependency(self.recorder)
            self.delivery_channel.node.add_dependency(self.delivery_policy)
            if self.dedicated_bucket is not None:
                self.delivery_channel.node.add_dependency(self.dedicated_bucket)

        self.rules: dict[str, config.ManagedRule] = {}
        self.skipped_rules: list[str] = []
        region = stack.region
        for name in names:
            if name in exclude_rules:
                continue
            spec = CONFIG_RULES[name]
            if not Token.is_unresolved(region) and not spec.available_in(region):
                self.skipped_rules.append(name)
                Annotations.of(self).add_warning_v2(
                    "secure-ml:config-rule-unavailable",
                    f"Config rule {name} is not available in {region}; it is not deployed",
                )
                continue
            parameters = {**DEFAULT_RULE_PARAMETERS.get(name, {}), **rule_parameters.get(name, {})}
            rule = config.ManagedRule(
                self,
                pascal_case(name),
                identifier=spec.identifier,
                config_rule_name=name,
                description=f"cdk-secure-ml: {spec.checks}",
                input_parameters=parameters or None,
                maximum_execution_frequency=(
                    config.MaximumExecutionFrequency.TWENTY_FOUR_HOURS if name in PERIODIC_RULES else None
                ),
            )
            if self.recorder is not None:
                rule.node.add_dependency(self.recorder)
            self.rules[name] = rule

    def _delivery_policy(self, bucket: s3.IBucket, key: kms.IKey | None) -> iam.ManagedPolicy:
        """The recorder role's write rights, as the IAM-role page lists them. ``s3:PutObjectAcl`` is left
        out: the bucket-owner-full-control ACL travels on the PutObject request, which ``s3:PutObject``
        authorizes (the Config bucket-policy page grants the service principal only that), and the
        platform's permissions boundary denies ``s3:PutObjectAcl`` to every role."""
        stack = Stack.of(self)
        statements = [
            iam.PolicyStatement(
                sid="DeliverConfigurationItems",
                actions=["s3:PutObject"],
                resources=[bucket.arn_for_objects(f"AWSLogs/{stack.account}/*")],
                conditions={"StringLike": {"s3:x-amz-acl": "bucket-owner-full-control"}},
            ),
            # GetBucketAcl as documented; ListBucket for the HeadBucket location check Config runs first.
            iam.PolicyStatement(
                sid="CheckTheDeliveryBucket",
                actions=["s3:GetBucketAcl", "s3:ListBucket"],
                resources=[bucket.bucket_arn],
            ),
        ]
        if key is not None:
            statements.append(
                iam.PolicyStatement(
                    sid="EncryptDeliveries",
                    actions=["kms:Decrypt", "kms:GenerateDataKey"],
                    resources=[key.key_arn],
                )
            )
        assert self.role is not None
        policy = iam.ManagedPolicy(
            self,
            "DeliveryPolicy",
            description="AWS Config recorder: write configuration snapshots and history to the delivery bucket",
            statements=statements,
            roles=[self.role],
        )
        acknowledge_wildcards(
            policy,
            "Config writes one object per delivery under AWSLogs/<this account>/ of its own bucket, with names "
            "it generates; the prefix is the narrowest resource AWS documents for the role.",
        )
        return policy


# --------------------------------------------------------------------------------------------------
# ThreatDetection

_FINDING_FREQUENCIES = ("FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS")


class ThreatDetection(Construct):
    """Amazon GuardDuty: a detector analysing CloudTrail management events, VPC flow logs and DNS logs,
    with S3 protection (CloudTrail S3 data events) on.

    :param create_detector: default True. False where the organisation's delegated administrator
        manages GuardDuty for this account (only one detector per account and region exists);
        ``detector`` is then None and findings still reach this account's EventBridge.
    :param s3_protection: default True.
    :param finding_publishing_frequency: default ``FIFTEEN_MINUTES`` (the fastest).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        create_detector: bool = True,
        s3_protection: bool = True,
        finding_publishing_frequency: str = "FIFTEEN_MINUTES",
    ) -> None:
        super().__init__(scope, construct_id)
        if finding_publishing_frequency not in _FINDING_FREQUENCIES:
            raise ValueError(
                f"ThreatDetection: finding_publishing_frequency {finding_publishing_frequency!r} is not one of "
                f"{list(_FINDING_FREQUENCIES)}"
            )
        self.detector: guardduty.CfnDetector | None = None
        if create_detector:
            # L1: aws-cdk-lib has no L2 for GuardDuty.
            self.detector = guardduty.CfnDetector(
                self,
                "Resource",
                enable=True,
                finding_publishing_frequency=finding_publishing_frequency,
                features=[
                    guardduty.CfnDetector.CFNFeatureConfigurationProperty(
                        name="S3_DATA_EVENTS", status="ENABLED" if s3_protection else "DISABLED"
                    )
                ],
            )
        elif not s3_protection:
            raise ValueError("ThreatDetection: s3_protection=False has no effect without create_detector")


# --------------------------------------------------------------------------------------------------
# Alerts


#: SageMaker EventBridge events that mean something failed: detail-type → (status field, values).
#: Endpoint events carry upper-case statuses in AWS's examples (``IN_SERVICE``) while the API uses
#: ``Failed``; both spellings are matched.
SAGEMAKER_FAILURE_EVENTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "SageMaker Training Job State Change": ("TrainingJobStatus", ("Failed",)),
    "SageMaker Processing Job State Change": ("ProcessingJobStatus", ("Failed",)),
    "SageMaker Transform Job State Change": ("TransformJobStatus", ("Failed",)),
    "SageMaker HyperParameter Tuning Job State Change": ("HyperParameterTuningJobStatus", ("Failed",)),
    "SageMaker Endpoint State Change": (
        "EndpointStatus", ("FAILED", "Failed", "UPDATE_ROLLBACK_FAILED", "UpdateRollbackFailed")),
    "SageMaker Model Package State Change": ("ModelPackageStatus", ("Failed",)),
}


class Alerts(Construct):
    """EventBridge rules that send security and ML-operations events to a KMS-encrypted SNS topic:

    - SageMaker training, processing, transform and tuning jobs, endpoints and model packages that fail
      (:data:`SAGEMAKER_FAILURE_EVENTS`), and model package approval-status changes;
    - AWS Config rules turning NON_COMPLIANT;
    - GuardDuty findings with severity >= ``guardduty_min_severity``.

    :param emails: addresses subscribed to the topic (each must confirm the subscription).
    :param encryption_key: the topic's key. Default: a dedicated key with rotation, whose policy lets
        EventBridge of this account publish.
    :param guardduty_min_severity: 1 to 8.9. Default 7 (high).
    :param model_approval_changes: also notify when a model package is approved or rejected. Default True.
    :param accepted_non_compliance: Config rule name → resource ids whose NON_COMPLIANT result is known and
        accepted (e.g. the SSE-S3 access-log buckets under ``s3-default-encryption-kms``: S3 delivers
        server access logs only to SSE-S3 buckets). Config still records them; they are not alerted, so
        the alert stream carries only what needs a look. Filtered on the notification's
        ``configRuleName`` and ``resourceId``
        (https://docs.aws.amazon.com/config/latest/developerguide/example-config-rule-compliance-notification.html).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        emails: Sequence[str] = (),
        encryption_key: kms.IKey | None = None,
        guardduty_min_severity: float = 7.0,
        model_approval_changes: bool = True,
        sagemaker_failures: bool = True,
        config_compliance: bool = True,
        guardduty_findings: bool = True,
        accepted_non_compliance: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        accepted = {rule: list(ids) for rule, ids in (accepted_non_compliance or {}).items() if ids}
        problems = []
        if accepted and not config_compliance:
            problems.append("accepted_non_compliance filters the Config alert; it needs config_compliance=True")
        empty = [rule for rule, ids in (accepted_non_compliance or {}).items() if not ids]
        if empty:
            problems.append(f"accepted_non_compliance lists no resource ids for {empty}; drop those rules")
        bad = [e for e in emails if not EMAIL_RE.match(e)]
        if bad:
            problems.append(f"emails {bad} are not email addresses (name@example.com)")
        if len(set(emails)) != len(emails):
            problems.append(f"emails {list(emails)} repeat an address; list each once")
        if not 1 <= guardduty_min_severity <= 8.9:
            problems.append(f"guardduty_min_severity {guardduty_min_severity} is outside 1-8.9")
        if problems:
            raise ValueError("Alerts: " + "; ".join(problems))

        stack = Stack.of(self)
        if encryption_key is None:
            encryption_key = kms.Key(
                self,
                "Key",
                description=f"SNS alert topic {self.node.path}",
                enable_key_rotation=True,
                removal_policy=RemovalPolicy.RETAIN,
            )
        self.key = encryption_key
        encryption_key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AllowEventBridgeToPublishEncrypted",
                principals=[iam.ServicePrincipal("events.amazonaws.com")],
                actions=["kms:GenerateDataKey*", "kms:Decrypt"],
                resources=["*"],
                conditions={"StringEquals": {"aws:SourceAccount": stack.account}},
            )
        )
        self.topic = sns.Topic(self, "Topic", master_key=encryption_key, enforce_ssl=True,
                               display_name="ML platform alerts")
        for email in emails:
            self.topic.add_subscription(subscriptions.EmailSubscription(email))
        self.emails = tuple(emails)
        self.rules: dict[str, events.Rule] = {}
        target = targets.SnsTopic(self.topic)

        def rule(rule_id: str, description: str, pattern: events.EventPattern) -> None:
            self.rules[rule_id] = events.Rule(self, rule_id, description=description, event_pattern=pattern,
                                              targets=[target])

        if sagemaker_failures:
            for detail_type, (field, values) in SAGEMAKER_FAILURE_EVENTS.items():
                rule_id = detail_type.removeprefix("SageMaker ").removesuffix(" State Change").replace(" ", "")
                rule(f"{rule_id}Failed", f"{detail_type}: {field} {'/'.join(values)}", events.EventPattern(
                    source=["aws.sagemaker"], detail_type=[detail_type], detail={field: list(values)}))
        if model_approval_changes:
            rule("ModelPackageApprovalChanged", "A model package was approved or rejected", events.EventPattern(
                source=["aws.sagemaker"], detail_type=["SageMaker Model Package State Change"],
                detail={"ModelApprovalStatus": ["Approved", "Rejected"]}))
        if config_compliance:
            detail: dict[str, object] = {"messageType": ["ComplianceChangeNotification"],
                                         "newEvaluationResult": {"complianceType": ["NON_COMPLIANT"]}}
            if accepted:
                # Any rule not listed; or a listed rule and a resource not accepted under it.
                detail["$or"] = [{"configRuleName": [{"anything-but": sorted(accepted)}]}] + [
                    {"configRuleName": [name], "resourceId": [{"anything-but": ids}]}
                    for name, ids in sorted(accepted.items())
                ]
            rule("ConfigNonCompliant", "An AWS Config rule found a NON_COMPLIANT resource", events.EventPattern(
                source=["aws.config"], detail_type=["Config Rules Compliance Change"], detail=detail))
        self.accepted_non_compliance = accepted
        if guardduty_findings:
            rule("GuardDutyFinding", f"GuardDuty finding with severity >= {guardduty_min_severity:g}",
                 events.EventPattern(source=["aws.guardduty"], detail_type=["GuardDuty Finding"],
                                     detail={"severity": events.Match.greater_than_or_equal(guardduty_min_severity)}))
