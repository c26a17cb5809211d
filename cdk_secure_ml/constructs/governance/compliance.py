"""ComplianceRules: the AWS Config recorder, its delivery channel and bucket, and the managed rules."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from aws_cdk import Annotations, RemovalPolicy, Stack, Token
from aws_cdk import aws_config as config
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from cdk_secure_ml.constructs.naming import pascal_case
from cdk_secure_ml.constructs.storage import SecureBucket
from cdk_secure_ml.core.config_rules import CONFIG_RULES, PERIODIC_RULES
from cdk_secure_ml.core.governance import role_arn_problems
from cdk_secure_ml.core.problems import messages
from cdk_secure_ml.policies.acknowledgements import acknowledge, acknowledge_wildcards, justify_iam_lint

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

    Attributes:

    - ``rules`` (``dict[str, config.ManagedRule]``): rule name -> managed rule.
    - ``skipped_rules`` (``list[str]``): rules left out because AWS does not offer them in the stack's region.
    - ``recorder`` (``config.CfnConfigurationRecorder | None``): None with ``create_recorder=False``.
    - ``delivery_channel`` (``config.CfnDeliveryChannel | None``): None with ``create_recorder=False``.
    - ``role`` (``iam.Role | None``): the recorder's role; None with ``create_recorder=False``.
    - ``delivery_bucket`` (``s3.IBucket | None``): where Config delivers; None with ``create_recorder=False``.
    - ``delivery_policy`` (``iam.ManagedPolicy | None``): the role's delivery rights; None with
      ``create_recorder=False``.
    - ``dedicated_bucket`` (``SecureBucket | None``): the bucket created for Config; None when one was given
      or without a recorder.
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
        problems = _problems(names, exclude_rules, rule_parameters, create_recorder, delivery_bucket,
                             delivery_key, server_access_logs_bucket, auditor_role_arns)
        if problems:
            raise ValueError("ComplianceRules: " + "; ".join(problems))

        self.recorder: config.CfnConfigurationRecorder | None = None
        self.delivery_channel: config.CfnDeliveryChannel | None = None
        self.role: iam.Role | None = None
        self.delivery_bucket: s3.IBucket | None = None
        self.delivery_policy: iam.ManagedPolicy | None = None
        self.dedicated_bucket: SecureBucket | None = None
        if create_recorder:
            self._new_recorder(delivery_bucket, delivery_key, record_global_resources,
                               server_access_logs_bucket, auditor_role_arns, removal_policy)
        self.rules: dict[str, config.ManagedRule] = {}
        self.skipped_rules: list[str] = []
        for name in names:
            if name not in exclude_rules:
                self._add_rule(name, rule_parameters.get(name, {}))

    def _new_recorder(
        self, delivery_bucket: s3.IBucket | None, delivery_key: kms.IKey | None,
        record_global_resources: bool, server_access_logs_bucket: s3.IBucket | None,
        auditor_role_arns: Sequence[str], removal_policy: RemovalPolicy,
    ) -> None:
        """The recorder's role, the dedicated bucket (unless one is given), the recorder and the channel."""
        stack = Stack.of(self)
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
            self.dedicated_bucket = self._dedicated_bucket(
                self.role, delivery_key, server_access_logs_bucket, auditor_role_arns, removal_policy)
            delivery_bucket = self.dedicated_bucket.bucket
            delivery_key = self.dedicated_bucket.encryption_key
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

    def _dedicated_bucket(
        self, role: iam.Role, delivery_key: kms.IKey | None, server_access_logs_bucket: s3.IBucket | None,
        auditor_role_arns: Sequence[str], removal_policy: RemovalPolicy,
    ) -> SecureBucket:
        """A bucket without Object Lock whose objects only the recorder's role and the auditors may touch."""
        dedicated = SecureBucket(
            self,
            "DeliveryBucket",
            encryption_key=delivery_key,
            server_access_logs_bucket=server_access_logs_bucket,
            removal_policy=removal_policy,
        )
        # aws:PrincipalArn of a role session is the role's ARN, so the recorder's deliveries pass.
        # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
        dedicated.bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid="DenyObjectAccessExceptConfigAndAuditors",
                effect=iam.Effect.DENY,
                principals=[iam.AnyPrincipal()],
                actions=list(CONFIG_BUCKET_RESTRICTED_ACTIONS),
                resources=[dedicated.bucket.arn_for_objects("*")],
                conditions={"ArnNotLike": {"aws:PrincipalArn": [role.role_arn, *auditor_role_arns]}},
            )
        )
        return dedicated

    def _add_rule(self, name: str, parameters: Mapping[str, str]) -> None:
        """Deploy the managed rule ``name``, or skip it (with a warning) where AWS does not offer it."""
        spec = CONFIG_RULES[name]
        region = Stack.of(self).region
        if not Token.is_unresolved(region) and not spec.available_in(region):
            self.skipped_rules.append(name)
            Annotations.of(self).add_warning_v2(
                "secure-ml:config-rule-unavailable",
                f"Config rule {name} is not available in {region}; it is not deployed",
            )
            return
        merged = {**DEFAULT_RULE_PARAMETERS.get(name, {}), **parameters}
        rule = config.ManagedRule(
            self,
            pascal_case(name),
            identifier=spec.identifier,
            config_rule_name=name,
            description=f"cdk-secure-ml: {spec.checks}",
            input_parameters=merged or None,
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
        platform's permissions boundary denies ``s3:PutObjectAcl`` to every role (but for that canned ACL)."""
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
            description=(
                "AWS Config recorder: write configuration snapshots and history to the delivery bucket"
            ),
            statements=statements,
            roles=[self.role],
        )
        acknowledge_wildcards(
            policy,
            "Config writes one object per delivery under AWSLogs/<this account>/ of its own bucket, with "
            "names it generates; the prefix is the narrowest resource AWS documents for the role.",
        )
        if key is not None and Stack.of(key) is not stack:
            # A key of another stack is a cross-stack import, which iam-lint cannot resolve.
            justify_iam_lint(
                policy,
                "The AWS Config recorder role may encrypt its deliveries with exactly one key, the delivery "
                "key given to ComplianceRules, whose ARN this stack imports from the key's stack "
                "(https://docs.aws.amazon.com/config/latest/developerguide/iamrole-permissions.html lists "
                "kms:GenerateDataKey and kms:Decrypt on the delivery key). iam-lint cannot resolve the "
                "import and reads it as '*'.",
                "UNRESOLVED",
                policy="PolicyDocument/EncryptDeliveries",
                detail="*Fn::ImportValue*",
            )
        return policy


def _problems(
    names: Sequence[str], exclude_rules: Sequence[str], rule_parameters: Mapping[str, object],
    create_recorder: bool, delivery_bucket: s3.IBucket | None, delivery_key: kms.IKey | None,
    server_access_logs_bucket: s3.IBucket | None, auditor_role_arns: Sequence[str],
) -> list[str]:
    problems = []
    unknown = [n for n in [*names, *exclude_rules, *rule_parameters] if n not in CONFIG_RULES]
    if unknown:
        problems.append(f"unknown rule name(s) {sorted(set(unknown))}; use names from {sorted(CONFIG_RULES)}")
    if not create_recorder:
        delivery = (("delivery_bucket", delivery_bucket), ("delivery_key", delivery_key),
                    ("server_access_logs_bucket", server_access_logs_bucket))
        given = [name for name, value in delivery if value is not None]
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
    return problems + messages(role_arn_problems(auditor_role_arns))
