"""The persona statements of managed MLflow (docs/mlflow.md): who reaches which tracking server.

Pure builders over a :class:`~cdk_secure_ml.constructs.identity.context.PlatformContext`, like
:mod:`.statements`; :class:`~cdk_secure_ml.constructs.identity.personas.MlPersonas` adds them when given
``mlflow_mode``.

- The MLflow API is authorized by the ``sagemaker-mlflow:*`` actions on the tracking server's ARN
  (``arn:...:mlflow-tracking-server/<name>``); all but ``AccessUI`` support resource-level permissions and the
  ``aws:ResourceTag/${TagKey}`` condition key
  (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemakerwithmlflow.html).
- Opening the MLflow UI takes ``sagemaker:CreatePresignedMlflowTrackingServerUrl`` on the server
  (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreatePresignedMlflowTrackingServerUrl.html)
  and ``sagemaker-mlflow:AccessUI``, which has no resource type (``*``): the presigned URL is what names the
  server.
"""

from __future__ import annotations

from aws_cdk import aws_iam as iam

from cdk_secure_ml.constructs.identity.context import PlatformContext
from cdk_secure_ml.core.mlflow import MLFLOW_MODES, tracking_server_name

__all__: list[str] = []


def _server_arn(ctx: PlatformContext, name: str) -> str:
    return ctx.sagemaker(f"mlflow-tracking-server/{name}")


def mlflow_user_statements(ctx: PlatformContext, mode: str) -> list[iam.PolicyStatement]:
    """What a data scientist, an ML engineer and their execution roles may do with MLflow.

    ``per-team``: the MLflow API, the presigned UI URL and Describe on the caller's team's server only: its
    ARN names the team through ``${aws:PrincipalTag/<team key>}`` and the MLflow API also requires the
    server's team tag to be the caller's. ``shared``: the same on the one shared server.

    :raises ValueError: an unknown mode.
    """
    if mode not in MLFLOW_MODES:
        raise ValueError(f"mlflow mode {mode!r} is not one of {list(MLFLOW_MODES)}")
    if mode == "per-team":
        server = _server_arn(ctx, tracking_server_name(ctx.platform, ctx.team))
        api_conditions: dict[str, dict[str, str]] | None = {
            "StringEquals": {f"aws:ResourceTag/{ctx.team_tag_key}": ctx.team}}
    else:
        server = _server_arn(ctx, tracking_server_name(ctx.platform))
        api_conditions = None
    return [
        iam.PolicyStatement(
            sid="MlflowApiOnTeamServer",
            actions=["sagemaker-mlflow:*"],
            resources=[server],
            conditions=api_conditions,
        ),
        iam.PolicyStatement(
            sid="MlflowUi",
            actions=["sagemaker-mlflow:AccessUI"],
            resources=["*"],
        ),
        iam.PolicyStatement(
            sid="MlflowTeamServerUrl",
            actions=["sagemaker:CreatePresignedMlflowTrackingServerUrl",
                     "sagemaker:DescribeMlflowTrackingServer"],
            resources=[server],
        ),
    ]


def mlflow_admin_statements(ctx: PlatformContext) -> list[iam.PolicyStatement]:
    """ML admins see, start and stop the platform's tracking servers (stopped servers cost nothing per hour);
    CloudFormation creates, updates and deletes them. No MLflow API and no presigned URL: admins have no
    data access."""
    return [
        iam.PolicyStatement(
            sid="ManagePlatformMlflowServers",
            actions=["sagemaker:DescribeMlflowTrackingServer", "sagemaker:StartMlflowTrackingServer",
                     "sagemaker:StopMlflowTrackingServer"],
            resources=[_server_arn(ctx, tracking_server_name(ctx.platform)),
                       _server_arn(ctx, tracking_server_name(ctx.platform) + "-*")],
        ),
    ]
