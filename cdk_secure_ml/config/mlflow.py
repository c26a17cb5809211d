"""``studio.mlflow``: SageMaker managed MLflow tracking servers, one per team or one shared (docs/mlflow.md,
``MlflowTrackingServers``)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from cdk_secure_ml.config._section import Problem, Section
from cdk_secure_ml.core.mlflow import (
    MLFLOW_ENDPOINT_SERVICE,
    maintenance_window_problems,
    mlflow_endpoint_services,
    mlflow_version_problems,
    team_server_name_problems,
)


class MlflowConfig(Section):
    """Managed MLflow (``AWS::SageMaker::MlflowTrackingServer``): artifacts in the artifacts bucket under the
    team's prefix, a least-privilege server role, access by team."""

    mode: Literal["per-team", "shared"] = Field(
        "per-team", description="per-team: one tracking server per team of identity.teams, named "
                                "<name>-mlflow-<team>, artifacts under <team>/mlflow/, reachable by that "
                                "team only. shared: one server <name>-mlflow, artifacts under mlflow/, "
                                "reachable by every team (MLflow has no per-experiment permissions).")
    size: Literal["Small", "Medium", "Large"] = Field(
        "Small", description="TrackingServerSize: Small, Medium or Large (AWS's default "
                                                  "Small; AWS prices each size per hour).")
    version: str | None = Field(
        None, description="MlflowVersion, dotted numbers (e.g. '3.0'); default: AWS's current default "
                          "version.")
    automatic_model_registration: bool = Field(
        False, description="Register MLflow models in the SageMaker Model Registry; grants the server role "
                           "the model registry actions on model package groups (docs/mlflow.md).")
    weekly_maintenance_window: str | None = Field(
        None, description="WeeklyMaintenanceWindowStart, Ddd:HH:MM in UTC (e.g. 'Tue:03:30'); default: "
                          "chosen by AWS.")

    @field_validator("version")
    @classmethod
    def _version(cls, version: str | None) -> str | None:
        problems = mlflow_version_problems(version)
        if problems:
            raise ValueError(problems[0])
        return version

    @field_validator("weekly_maintenance_window")
    @classmethod
    def _window(cls, window: str | None) -> str | None:
        problems = maintenance_window_problems(window)
        if problems:
            raise ValueError(problems[0])
        return window


def mlflow_server_name_problems(platform: Any) -> list[Problem]:
    """Per-team servers are named ``<platform>-mlflow-<team>``: every team must give a valid name (paths
    relative to the platform config)."""
    mlflow = platform.studio.mlflow
    if mlflow is None or mlflow.mode != "per-team":
        return []
    names = [team.name for team in platform.identity.teams]
    return [(("studio", "mlflow", "mode"), message)
            for message in team_server_name_problems(platform.name, names)]


def mlflow_network_problems(platform: Any) -> list[Problem]:
    """MLflow needs the ``experiments`` interface endpoint in the platform VPC; the hub layout cannot serve it
    (no known private DNS name for a shared private hosted zone), and studio.mlflow needs Studio."""
    mlflow, studio = platform.studio.mlflow, platform.studio
    if mlflow is None:
        return []
    problems: list[Problem] = []
    if not studio.enabled:
        problems.append((("studio", "mlflow"), "studio.mlflow needs studio.enabled: true (the tracking "
                                               "servers live in the Studio stack); remove studio.mlflow or "
                                               "enable Studio"))
    if platform.network.interface_endpoints.mode == "hub":
        problems.append((("studio", "mlflow"), (
            f"studio.mlflow needs the {MLFLOW_ENDPOINT_SERVICE!r} interface endpoint in the platform VPC, "
            "and the hub layout (network.interface_endpoints.mode: hub) cannot serve it; use mode "
            "per-account or remove studio.mlflow")))
    return problems


def mlflow_interface_endpoints(platform: Any) -> list[str]:
    """The interface endpoint services ``studio.mlflow`` adds to ``network.interface_endpoints`` (per-account
    mode only): ``experiments`` unless the config lists it already."""
    network = platform.network
    if network.interface_endpoints.mode == "hub":
        return []
    mlflow = platform.studio.mlflow
    return mlflow_endpoint_services(network.interface_endpoints.services(),
                                    mlflow is not None and platform.studio.enabled)
