"""Scenarios of managed MLflow (docs/mlflow.md): a Studio user and their execution role log to their team's
tracking server and open its UI; another team's server is out of reach (see :mod:`.catalogue`).

The servers are found in the assembly by their ARN (``mlflow-tracking-server/<name>``) and their team tag; a
server without a team tag is the platform's shared one, which every team reaches. The promise does not come
from the policies that decide it: it is docs/mlflow.md's "Who reaches which server".
"""

from __future__ import annotations

from collections.abc import Iterator

from .facts import Facts
from .scenarios import Scenario

__all__ = ["mlflow"]

_SERVER = ":mlflow-tracking-server/"


def _servers(facts: Facts) -> dict[str, str | None]:
    """ARN -> team (None for a shared server) of the tracking servers in the platform's account and region."""
    prefix = facts.sm("mlflow-tracking-server/")
    return {arn: tags.get(facts.team_key) for arn, tags in facts.assembly.tags.items()
            if arn.startswith(prefix) and _SERVER in arn}


def mlflow(facts: Facts, user: dict[str, str]) -> Iterator[Scenario]:
    """For ``user``: log a metric and open the UI on the team's (or the shared) server (allow) and on every
    other team's server (deny), as the persona role and as the team's execution role."""
    servers = _servers(facts)
    if not servers:
        return
    persona = facts.persona_roles.get(user["persona"])
    execution = facts.execution_roles.get((user["persona"], user["team"]))
    name, team = user["name"], user["team"]
    for arn, server_team in sorted(servers.items()):
        mine = server_team in (None, team)
        expected = "allow" if mine else "deny"
        whose = "the shared" if server_team is None else ("their team's" if mine else f"team {server_team}'s")
        server = arn.rsplit("/", 1)[1]
        if persona:
            yield Scenario(f"{name} logs a metric to {whose} MLflow server {server}", persona.arn,
                           "sagemaker-mlflow:LogMetric", arn, expected, {}, facts.session(user), "mlflow")
            yield Scenario(f"{name} opens {whose} MLflow UI {server} (presigned URL)", persona.arn,
                           "sagemaker:CreatePresignedMlflowTrackingServerUrl", arn, expected, {},
                           facts.session(user), "mlflow")
        if execution:
            yield Scenario(f"{name}'s notebooks and jobs ({team} execution role) log to {whose} MLflow "
                           f"server {server}", execution.arn, "sagemaker-mlflow:CreateRun", arn, expected,
                           {}, {}, "mlflow")
