"""ModelRegistry: the tooling account's model package group, promoted artifacts and images, and the
EventBridge rule on approval."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import RemovalPolicy, Stack
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from cdk_secure_ml.constructs.delivery.naming import account_problems, execution_role_arn_pattern
from cdk_secure_ml.constructs.storage import SecureBucket
from cdk_secure_ml.policies.acknowledgements import acknowledge
from cdk_secure_ml.policies.ids import ack_id

#: What the stage accounts may do on the promoted model packages: read, never approve or change.
MODEL_PACKAGE_READ_ACTIONS: tuple[str, ...] = (
    "sagemaker:DescribeModelPackageGroup",
    "sagemaker:DescribeModelPackage",
    "sagemaker:ListModelPackages",
)

#: The EventBridge detail-type of a model package's approval change.
MODEL_PACKAGE_STATE_CHANGE = "SageMaker Model Package State Change"


class ModelRegistry(Construct):
    """A SageMaker model package group the stage accounts may read, the promoted model artifacts,
    and an EventBridge rule on model package approval.

    - Group policy: the stage accounts may Describe/List the group's packages
      (:data:`MODEL_PACKAGE_READ_ACTIONS`); approving stays in the tooling account.
    - Artifacts: a :class:`SecureBucket` with its own customer-managed key (rotation on). The bucket
      policy and the key policy let only the platform's SageMaker execution roles of the stage
      accounts (``arn:aws:iam::<account>:role/<platform>/execution/*``) read objects and decrypt
      through S3. Cross-account access needs both sides: the stage's execution roles get the
      identity side from ``MlPersonas(model_source_account=...)`` (``MlPlatformStage`` with a
      ``pipeline_account`` sets it).
    - Images: an ECR repository ``<platform>/models`` (immutable tags, scan on push, the same key)
      whose policy lets the same roles pull.
    - ``approved_rule``: "SageMaker Model Package State Change" with ModelApprovalStatus Approved
      for this group; :meth:`on_approved` adds its target (e.g. the pipeline).

    :param platform: platform name (execution role path and default names).
    :param stage_accounts: the accounts that deploy promoted models; at least one.
    :param group_name: default ``<platform>-models``.

    Attributes:

    - ``group`` (``sagemaker.CfnModelPackageGroup``): the model package group.
    - ``group_name`` (``str``): its name.
    - ``group_arn`` (``str``): its ARN.
    - ``artifacts`` (``SecureBucket``): the model artifact bucket the stage accounts read.
    - ``images`` (``ecr.Repository``): the image repository the stage accounts pull from.
    - ``key`` (``kms.Key``): the key of both.
    - ``approved_rule`` (``events.Rule``): the rule on model package approvals.
    - ``stage_accounts`` (``tuple[str, ...]``): the accounts allowed to read.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        platform: str,
        stage_accounts: Sequence[str],
        group_name: str | None = None,
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
    ) -> None:
        super().__init__(scope, construct_id)
        accounts = list(dict.fromkeys(stage_accounts))
        problems = account_problems("stage_accounts", accounts)
        if not accounts:
            problems.append("stage_accounts is empty; name the accounts that deploy promoted models")
        if problems:
            raise ValueError("ModelRegistry: " + "; ".join(problems))
        stack = Stack.of(self)
        self.group_name = group_name or f"{platform}-models"
        self.stage_accounts = tuple(accounts)
        principals = [iam.AccountPrincipal(a) for a in accounts]
        role_patterns = [execution_role_arn_pattern(platform, a, stack.partition) for a in accounts]
        only_execution_roles = {"ArnLike": {"aws:PrincipalArn": role_patterns}}

        self.key = kms.Key(
            self,
            "Key",
            description=f"{platform}: promoted model artifacts (read by the stage accounts' execution roles)",
            alias=f"alias/{platform}/model-promotion",
            enable_key_rotation=True,
            removal_policy=removal_policy,
        )
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="StageExecutionRolesDecryptThroughS3AndEcr",
                principals=principals,
                actions=["kms:Decrypt", "kms:DescribeKey"],
                resources=["*"],
                conditions={**only_execution_roles,
                            "StringEquals": {"kms:ViaService": [f"s3.{stack.region}.amazonaws.com",
                                                                f"ecr.{stack.region}.amazonaws.com"]}},
            )
        )
        self.artifacts = SecureBucket(
            self, "Artifacts", encryption_key=self.key, removal_policy=removal_policy
        )
        bucket = self.artifacts.bucket
        bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid="StageExecutionRolesReadModels",
                principals=principals,
                actions=["s3:GetObject", "s3:GetObjectVersion"],
                resources=[bucket.arn_for_objects("*")],
                conditions=only_execution_roles,
            )
        )
        bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid="StageExecutionRolesListModels",
                principals=principals,
                actions=["s3:ListBucket"],
                resources=[bucket.bucket_arn],
                conditions=only_execution_roles,
            )
        )

        # The images of promoted models: CI pushes them here, the stages' execution roles pull them.
        self.images = ecr.Repository(
            self,
            "Images",
            repository_name=f"{platform}/models",
            image_tag_mutability=ecr.TagMutability.IMMUTABLE,
            image_scan_on_push=True,
            encryption=ecr.RepositoryEncryption.KMS,
            encryption_key=self.key,
            removal_policy=removal_policy,
        )
        self.images.add_to_resource_policy(
            iam.PolicyStatement(
                sid="StageExecutionRolesPullImages",
                principals=principals,
                actions=[
                    "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"
                ],
                conditions=only_execution_roles,
            )
        )

        sagemaker_arn = f"arn:{stack.partition}:sagemaker:{stack.region}:{stack.account}"
        group_arn = f"{sagemaker_arn}:model-package-group/{self.group_name}"
        package_arns = f"{sagemaker_arn}:model-package/{self.group_name}/*"
        # L1: no L2 covers model package groups (the sagemaker-alpha module has none).
        self.group = sagemaker.CfnModelPackageGroup(
            self,
            "Resource",
            model_package_group_name=self.group_name,
            model_package_group_description=(
                f"{platform}: models promoted from dev to production after approval"
            ),
            model_package_group_policy={
                "Version": "2012-10-17",
                "Statement": [{
                    "Sid": "StageAccountsReadModelPackages",
                    "Effect": "Allow",
                    "Principal": {"AWS": [f"arn:{stack.partition}:iam::{a}:root" for a in accounts]},
                    "Action": list(MODEL_PACKAGE_READ_ACTIONS),
                    "Resource": [group_arn, package_arns],
                }],
            },
        )
        self.group.apply_removal_policy(removal_policy)
        acknowledge(
            self.group,
            "the grantees are the pipeline's own stage accounts, named one by one from the delivery config, "
            "and the actions are read-only (Describe/List model packages)",
            ack_id("SML-IAM-12"),
        )

        self.approved_rule = events.Rule(
            self,
            "ApprovedRule",
            description=f"{platform}: a model package of {self.group_name} was approved",
            event_pattern=events.EventPattern(
                source=["aws.sagemaker"],
                detail_type=[MODEL_PACKAGE_STATE_CHANGE],
                detail={"ModelPackageGroupName": [self.group_name], "ModelApprovalStatus": ["Approved"]},
            ),
        )

    @property
    def group_arn(self) -> str:
        """The model package group's ARN."""
        return self.group.attr_model_package_group_arn

    def on_approved(self, target: events.IRuleTarget) -> events.Rule:
        """Start ``target`` (the pipeline, or a serving deployment) when a package is approved.

        :returns: :attr:`approved_rule`, the one rule of this registry (every call adds a target to it,
            so the construct ids stay those of the first release).
        """
        self.approved_rule.add_target(target)
        return self.approved_rule
