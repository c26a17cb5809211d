"""Managed MLflow facts and checks: tracking server names, sizes, versions, maintenance windows and the
artifact store URI (docs/mlflow.md).

CDK-free: the config validators, :class:`~cdk_secure_ml.constructs.mlflow.MlflowTrackingServers`, the
emulator's stand-in and the live audit read the same rules. Each check returns problems (never raises).

The value rules are those of the resource provider schema of ``AWS::SageMaker::MlflowTrackingServer``
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sagemaker-mlflowtrackingserver.html)
and of CreateMlflowTrackingServer
(https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateMlflowTrackingServer.html).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from cdk_secure_ml.core.problems import is_unresolved

#: ``TrackingServerName``: 1-256 letters, digits and hyphens, starting and ending with a letter or digit.
TRACKING_SERVER_NAME_RE = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}$")
TRACKING_SERVER_NAME_MAX = 256
#: ``TrackingServerSize``: the three sizes; AWS's default is Small.
TRACKING_SERVER_SIZES: tuple[str, ...] = ("Small", "Medium", "Large")
DEFAULT_TRACKING_SERVER_SIZE = "Small"
#: ``MlflowVersion``: dotted numbers, up to 32 characters (e.g. ``2.16``, ``3.0``).
MLFLOW_VERSION_RE = re.compile(r"^\d+(\.\d+)+$")
MLFLOW_VERSION_MAX = 32
#: ``WeeklyMaintenanceWindowStart``: ``Ddd:HH:MM`` in UTC, e.g. ``Tue:03:30``.
MAINTENANCE_WINDOW_RE = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun):([01]\d|2[0-3]):([0-5]\d)$")
#: ``ArtifactStoreUri``: an ``s3://`` URI of a general purpose bucket, at most 1024 characters (the API's
#: limit; the resource schema allows 2048, CreateMlflowTrackingServer refuses more than 1024).
ARTIFACT_STORE_URI_RE = re.compile(r"^s3://([^/]+)/?(.*)$")
ARTIFACT_STORE_URI_MAX = 1024
#: The ARN of a tracking server (the resource of the ``sagemaker-mlflow:*`` actions,
#: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemakerwithmlflow.html).
TRACKING_SERVER_ARN_RE = re.compile(
    r"^arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:\d{12}:mlflow-tracking-server/(.+)$")

#: The interface endpoint service that serves the MLflow API (and SageMaker Experiments) inside a VPC:
#: ``aws.sagemaker.<region>.experiments`` (https://docs.aws.amazon.com/sagemaker/latest/dg/mlflow-interface-endpoint.html;
#: the service is listed by DescribeVpcEndpointServices, https://github.com/aws/aws-cdk/pull/31538). The
#: control plane (Create/DescribeMlflowTrackingServer, CreatePresignedMlflowTrackingServerUrl) goes through
#: ``sagemaker.api``, which the VpcOnly set already has.
MLFLOW_ENDPOINT_SERVICE = "experiments"

#: ``per-team``: one server per team, tagged with the team; ``shared``: one server for every team.
MLFLOW_MODES: tuple[str, ...] = ("per-team", "shared")

#: Path of the tracking servers' IAM roles, under the platform's: ``/<platform>/mlflow/``. The artifacts
#: bucket's VPC endpoint restriction exempts roles under it (the server reaches S3 from SageMaker's network,
#: not the platform VPC).
def mlflow_role_path(platform: str) -> str:
    return f"/{platform}/mlflow/"


def tracking_server_name(platform: str, team: str | None = None) -> str:
    """The platform's tracking server name: ``<platform>-mlflow-<team>`` per team, ``<platform>-mlflow``
    when shared. The name is the server's ARN suffix, which the persona policies name."""
    return f"{platform}-mlflow-{team}" if team else f"{platform}-mlflow"


def artifact_store_uri(bucket_name: str, team: str | None = None) -> str:
    """``s3://<bucket>/<team>/mlflow/`` (per team) or ``s3://<bucket>/mlflow/`` (shared)."""
    prefix = f"{team}/mlflow/" if team else "mlflow/"
    return f"s3://{bucket_name}/{prefix}"


def artifact_store_prefix(team: str | None = None) -> str:
    """The key prefix of :func:`artifact_store_uri` (``<team>/mlflow/`` or ``mlflow/``)."""
    return f"{team}/mlflow/" if team else "mlflow/"


def tracking_server_name_problems(name: str) -> list[str]:
    """``name`` fits TrackingServerName (1-256 letters, digits and hyphens, no hyphen at either end)."""
    if is_unresolved(name):
        return []
    if len(name) > TRACKING_SERVER_NAME_MAX or not TRACKING_SERVER_NAME_RE.match(name):
        return [f"tracking server name {name!r} is not valid: use 1-{TRACKING_SERVER_NAME_MAX} letters, "
                "digits and hyphens, starting and ending with a letter or digit"]
    return []


def team_server_name_problems(platform: str, teams: Sequence[str]) -> list[str]:
    """Each team's server name (:func:`tracking_server_name`) is a valid TrackingServerName: a team name
    ending in a hyphen is refused, naming the team."""
    problems = []
    for team in teams:
        name = tracking_server_name(platform, team)
        if tracking_server_name_problems(name):
            problems.append(f"team {team!r} gives the tracking server name {name!r}, which AWS refuses "
                            "(letters, digits and hyphens, ending with a letter or digit): rename the team")
    return problems


def tracking_server_size_problems(size: str) -> list[str]:
    if size in TRACKING_SERVER_SIZES:
        return []
    return [f"tracking server size {size!r} is not one of {list(TRACKING_SERVER_SIZES)}"]


def mlflow_version_problems(version: str | None) -> list[str]:
    if version is None or is_unresolved(version):
        return []
    if len(version) > MLFLOW_VERSION_MAX or not MLFLOW_VERSION_RE.match(version):
        return [f"MLflow version {version!r} is not valid: use dotted numbers such as '3.0' or '2.16' "
                "(https://docs.aws.amazon.com/sagemaker/latest/dg/mlflow.html lists the versions)"]
    return []


def maintenance_window_problems(window: str | None) -> list[str]:
    if window is None or is_unresolved(window):
        return []
    if not MAINTENANCE_WINDOW_RE.match(window):
        return [f"weekly maintenance window {window!r} is not valid: use Ddd:HH:MM in UTC with Ddd one of "
                "Mon, Tue, Wed, Thu, Fri, Sat, Sun (e.g. 'Tue:03:30')"]
    return []


def artifact_store_uri_problems(uri: str) -> list[str]:
    if is_unresolved(uri):
        return []
    if len(uri) > ARTIFACT_STORE_URI_MAX or not ARTIFACT_STORE_URI_RE.match(uri):
        return [f"artifact store URI {uri!r} is not valid: use s3://<bucket>/<prefix>/, at most "
                f"{ARTIFACT_STORE_URI_MAX} characters"]
    return []


def mlflow_endpoint_services(services: Sequence[str], enabled: bool) -> list[str]:
    """The interface endpoint services MLflow adds to ``services``: :data:`MLFLOW_ENDPOINT_SERVICE` when
    MLflow is ``enabled`` and the list lacks it, else none."""
    return [MLFLOW_ENDPOINT_SERVICE] if enabled and MLFLOW_ENDPOINT_SERVICE not in services else []
