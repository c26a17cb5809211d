"""MlflowTrackingServers: SageMaker managed MLflow, one tracking server per team or one shared, each with its
own least-privilege role and its artifact store in the platform's artifacts bucket (docs/mlflow.md).

AWS behaviour relied on:

- ``AWS::SageMaker::MlflowTrackingServer`` takes a name, an ``s3://`` artifact store, a role, a size, an
  MLflow version, automatic model registration, a weekly maintenance window and tags; only the name is
  create-only
  (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sagemaker-mlflowtrackingserver.html).
- The server reads and writes its artifact store with the role (``RoleArn``), which SageMaker assumes
  (https://docs.aws.amazon.com/sagemaker/latest/dg/mlflow-create-tracking-server-iam.html); the resource has
  no VPC configuration, so the server's S3 requests do not come through the platform's S3 gateway endpoint.
- Automatic model registration creates a model package group and model package versions in the SageMaker
  Model Registry for each registered MLflow model, and updates their status from MLflow
  (https://docs.aws.amazon.com/sagemaker/latest/dg/mlflow-track-experiments-model-registration.html).
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import RemovalPolicy, Stack, Tags
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from cdk_secure_ml.constructs.naming import pascal_case
from cdk_secure_ml.constructs.principals import sagemaker_principal
from cdk_secure_ml.core.mlflow import (
    DEFAULT_TRACKING_SERVER_SIZE,
    MLFLOW_MODES,
    artifact_store_prefix,
    artifact_store_uri,
    maintenance_window_problems,
    mlflow_role_path,
    mlflow_version_problems,
    team_server_name_problems,
    tracking_server_name,
    tracking_server_name_problems,
    tracking_server_size_problems,
)
from cdk_secure_ml.policies.acknowledgements import (
    acknowledge,
    acknowledge_wildcards,
    justify_imported_resources,
)
from cdk_secure_ml.policies.ids import ack_id

_BUCKET_ELSEWHERE_REASON = (
    "The artifact store is the team's prefix of the artifacts bucket given to MlflowTrackingServers (the "
    "platform's SecureBucket in the Foundation stack: SSE-KMS with the artifacts key, Block Public Access "
    "on), which the pack's bucket rules check in its own template.")

__all__ = ["MlflowTrackingServers", "mlflow_server_statements"]

#: What automatic model registration does in the Model Registry on the server's behalf: create the model
#: package group and versions of a registered model, read them, and update a version's approval status
#: (https://docs.aws.amazon.com/sagemaker/latest/dg/mlflow-track-experiments-model-registration.html).
MODEL_REGISTRATION_ACTIONS: tuple[str, ...] = (
    "sagemaker:CreateModelPackageGroup", "sagemaker:DescribeModelPackageGroup",
    "sagemaker:CreateModelPackage", "sagemaker:DescribeModelPackage", "sagemaker:UpdateModelPackage",
    "sagemaker:ListModelPackages", "sagemaker:AddTags",
)


def mlflow_server_statements(
    *, bucket_arn: str, key_arn: str, prefix: str, s3_service: str, model_package_arns: Sequence[str] = (),
) -> list[iam.PolicyStatement]:
    """The server role's statements: objects under ``prefix`` of the bucket (``<team>/mlflow/``), listing only
    that prefix, the bucket's key only through S3 (``kms:ViaService`` = ``s3_service``), and, when
    ``model_package_arns`` are given (automatic model registration), :data:`MODEL_REGISTRATION_ACTIONS` on
    them."""
    statements = [
        iam.PolicyStatement(
            sid="ArtifactObjects",
            actions=["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject",
                     "s3:AbortMultipartUpload"],
            resources=[f"{bucket_arn}/{prefix}*"],
        ),
        iam.PolicyStatement(
            sid="ListArtifactPrefix",
            actions=["s3:ListBucket"],
            resources=[bucket_arn],
            conditions={"StringLike": {"s3:prefix": [f"{prefix}*", prefix.rstrip("/")]}},
        ),
        iam.PolicyStatement(
            sid="BucketLocation",
            actions=["s3:GetBucketLocation"],
            resources=[bucket_arn],
        ),
        iam.PolicyStatement(
            sid="ArtifactKeyThroughS3",
            actions=["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
            resources=[key_arn],
            conditions={"StringEquals": {"kms:ViaService": s3_service}},
        ),
    ]
    if model_package_arns:
        statements.append(iam.PolicyStatement(
            sid="AutomaticModelRegistration",
            actions=list(MODEL_REGISTRATION_ACTIONS),
            resources=list(model_package_arns),
        ))
    return statements


class MlflowTrackingServers(Construct):
    """SageMaker managed MLflow tracking servers: one per team (``mode="per-team"``) or one for every team
    (``mode="shared"``).

    Each server gets its own role (path ``/<platform>/mlflow/``, trusted by ``sagemaker.amazonaws.com`` for
    this account only) that may read and write only its artifact store, ``s3://<bucket>/<team>/mlflow/``
    (``s3://<bucket>/mlflow/`` when shared), and use the bucket's KMS key only through S3. A per-team server
    carries the team tag (``team_tag_key`` = team). Servers hold the experiments' metadata and are retained
    on delete by default.

    :param platform: the platform name (server names ``<platform>-mlflow-<team>`` / ``<platform>-mlflow``).
    :param artifacts_bucket: the bucket of the artifact stores (SSE-KMS with ``artifacts_key``).
    :param artifacts_key: the bucket's KMS key.
    :param teams: team names (lower-case); required (at least one) for ``per-team``.
    :param mode: ``per-team`` (default) or ``shared``.
    :param size: ``Small`` (default), ``Medium`` or ``Large``.
    :param version: the MLflow version (dotted numbers, e.g. ``"3.0"``); default AWS's.
    :param automatic_model_registration: register MLflow models in the Model Registry (default False); the
        role then may create and update the model package groups of its server
        (:data:`MODEL_REGISTRATION_ACTIONS`).
    :param weekly_maintenance_window: ``Ddd:HH:MM`` UTC (e.g. ``"Tue:03:30"``); default AWS's choice.
    :param team_tag_key: the ABAC team tag key. Default ``team``.
    :param removal_policy: of the servers. Default ``RemovalPolicy.RETAIN``.
    :raises ValueError: every problem of the arguments at once (``MlflowTrackingServers: ...; ...``): an
        unknown mode or size, an invalid version or window, no teams for ``per-team``, a team whose server
        name AWS would refuse.

    Attributes:

    - ``servers`` (``dict[str | None, sagemaker.CfnMlflowTrackingServer]``): team (None when shared) ->
      server.
    - ``roles`` (``dict[str | None, iam.Role]``): team (None when shared) -> the server's role.
    - ``server_names`` (``dict[str | None, str]``): team (None when shared) -> the server's name.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        platform: str,
        artifacts_bucket: s3.IBucket,
        artifacts_key: kms.IKey,
        teams: Sequence[str] = (),
        mode: str = "per-team",
        size: str = DEFAULT_TRACKING_SERVER_SIZE,
        version: str | None = None,
        automatic_model_registration: bool = False,
        weekly_maintenance_window: str | None = None,
        team_tag_key: str = "team",
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
    ) -> None:
        super().__init__(scope, construct_id)
        problems = [
            *tracking_server_size_problems(size), *mlflow_version_problems(version),
            *maintenance_window_problems(weekly_maintenance_window),
        ]
        if mode not in MLFLOW_MODES:
            problems.append(f"mode {mode!r} is not one of {list(MLFLOW_MODES)}")
        elif mode == "per-team":
            if not teams:
                problems.append("mode 'per-team' needs at least one team in teams (or use mode 'shared')")
            problems += team_server_name_problems(platform, teams)
        else:
            problems += tracking_server_name_problems(tracking_server_name(platform))
        if problems:
            raise ValueError("MlflowTrackingServers: " + "; ".join(problems))

        stack = Stack.of(self)
        self.servers: dict[str | None, sagemaker.CfnMlflowTrackingServer] = {}
        self.roles: dict[str | None, iam.Role] = {}
        self.server_names: dict[str | None, str] = {}
        for team in (list(dict.fromkeys(teams)) if mode == "per-team" else [None]):
            label = f"Team{pascal_case(team)}" if team else "Shared"
            name = tracking_server_name(platform, team)
            registry_arns = []
            if automatic_model_registration:
                # The Model Registry copy of an MLflow model is named <model>-<6 hex of a hash of the server
                # name>; the role may touch only model package groups and their versions.
                registry_arns = [
                    f"arn:{stack.partition}:sagemaker:{stack.region}:{stack.account}:model-package-group/*",
                    f"arn:{stack.partition}:sagemaker:{stack.region}:{stack.account}:model-package/*",
                ]
            policy = iam.ManagedPolicy(
                self, f"{label}Policy",
                description=f"{platform}: MLflow tracking server {name}: its artifact store only",
                statements=mlflow_server_statements(
                    bucket_arn=artifacts_bucket.bucket_arn, key_arn=artifacts_key.key_arn,
                    prefix=artifact_store_prefix(team), s3_service=f"s3.{stack.region}.amazonaws.com",
                    model_package_arns=registry_arns,
                ),
            )
            justify_imported_resources(policy, (
                "The statement names the artifacts bucket and its KMS key given to MlflowTrackingServers "
                "(artifacts_bucket, artifacts_key), imported from the stack that owns them."))
            role = iam.Role(
                self, f"{label}Role",
                assumed_by=sagemaker_principal(self),
                path=mlflow_role_path(platform),
                description=f"{platform}: MLflow tracking server {name} (artifact store only)",
                managed_policies=[policy],
            )
            acknowledge_wildcards(policy, (
                "The server writes artifacts under its own prefix (<team>/mlflow/*), whose keys MLflow "
                "chooses; automatic model registration names model package groups after MLflow models, so "
                "the role may touch model package groups only (resource type model-package-group/*)."))
            server = sagemaker.CfnMlflowTrackingServer(
                self, f"{label}Server",
                tracking_server_name=name,
                artifact_store_uri=artifact_store_uri(artifacts_bucket.bucket_name, team),
                role_arn=role.role_arn,
                tracking_server_size=size,
                mlflow_version=version,
                automatic_model_registration=automatic_model_registration,
                weekly_maintenance_window_start=weekly_maintenance_window,
            )
            if team:
                # The team tag is what the personas' ABAC compares: it must win over any stage-wide tag.
                Tags.of(server).add(team_tag_key, team, priority=300)
            server.apply_removal_policy(removal_policy)
            elsewhere = Stack.of(artifacts_bucket) is not Stack.of(self)
            if elsewhere and artifacts_bucket.encryption_key is not None:
                # SML-ENC-23 judges the bucket of the artifact store when it is in the same template; a
                # KMS-encrypted bucket of another stack (the platform's, in Foundation) is checked there.
                acknowledge(server, _BUCKET_ELSEWHERE_REASON, ack_id("SML-ENC-23"))
            # The role's policy must exist before SageMaker validates the artifact store with it.
            server.node.add_dependency(role, policy)
            self.servers[team] = server
            self.roles[team] = role
            self.server_names[team] = name
