"""Config: studio.mlflow (managed MLflow tracking servers) and what it adds to the network."""

from __future__ import annotations

import textwrap

import pytest

from cdk_secure_ml.config import ConfigError, parse_config
from cdk_secure_ml.config.mlflow import mlflow_interface_endpoints
from cdk_secure_ml.core.capacity import SubnetDemand

BASE = textwrap.dedent("""\
    name: ml-dev
    region: eu-west-1
    identity:
      teams: [{name: nlp}, {name: cv}]
    """)


def _config(studio: str, extra: str = ""):
    return parse_config(
        BASE + textwrap.dedent(extra) + "studio:\n" + textwrap.indent(textwrap.dedent(studio), "  ")
    )


def _problems(studio: str, extra: str = "") -> dict[str, list[str]]:
    with pytest.raises(ConfigError) as info:
        _config(studio, extra)
    found: dict[str, list[str]] = {}
    for problem in info.value.problems:
        found.setdefault(problem.path, []).append(problem.message)
    return found


def test_off_by_default_and_adds_nothing():
    config = parse_config(BASE)
    assert config.studio.mlflow is None
    assert mlflow_interface_endpoints(config) == []


def test_defaults():
    mlflow = _config("mlflow: {}\n").studio.mlflow
    assert mlflow is not None
    assert (
        mlflow.mode,
        mlflow.size,
        mlflow.version,
        mlflow.automatic_model_registration,
        mlflow.weekly_maintenance_window,
    ) == ("per-team", "Small", None, False, None)


def test_every_option():
    mlflow = _config("""\
        mlflow: {mode: shared, size: Large, version: '3.0', automatic_model_registration: true,
                 weekly_maintenance_window: 'Sat:23:59'}
        """).studio.mlflow
    assert (
        mlflow.mode,
        mlflow.size,
        mlflow.version,
        mlflow.automatic_model_registration,
        mlflow.weekly_maintenance_window,
    ) == ("shared", "Large", "3.0", True, "Sat:23:59")


@pytest.mark.aws_behaviour("sagemaker.mlflow-experiments-endpoint")
def test_adds_the_experiments_endpoint_once():
    assert mlflow_interface_endpoints(_config("mlflow: {}\n")) == ["experiments"]
    listed = _config("mlflow: {}\n", "network:\n  interface_endpoints: {extra: [experiments]}\n")
    assert mlflow_interface_endpoints(listed) == []


@pytest.mark.aws_behaviour("sagemaker.mlflow-tracking-server-values")
def test_bad_values_are_reported_at_their_keys():
    found = _problems("""\
        mlflow: {mode: per-user, size: Huge, version: latest, weekly_maintenance_window: 'Tuesday 3am'}
        """)
    assert "per-team" in found["studio.mlflow.mode"][0]
    assert "Small" in found["studio.mlflow.size"][0]
    assert "MLflow version 'latest' is not valid" in found["studio.mlflow.version"][0]
    assert (
        "weekly maintenance window 'Tuesday 3am' is not valid"
        in found["studio.mlflow.weekly_maintenance_window"][0]
    )


def test_unknown_key():
    assert "unknown key" in _problems("mlflow: {sizes: Small}\n")["studio.mlflow.sizes"][0]


@pytest.mark.aws_behaviour("sagemaker.mlflow-tracking-server-name")
def test_a_team_that_makes_an_invalid_server_name():
    text = BASE.replace("teams: [{name: nlp}, {name: cv}]", "teams: [{name: nlp-}]")
    with pytest.raises(ConfigError) as info:
        parse_config(text + "studio:\n  mlflow: {}\n")
    messages = {p.path: p.message for p in info.value.problems}
    assert "team 'nlp-' gives the tracking server name 'ml-dev-mlflow-nlp-'" in messages["studio.mlflow.mode"]
    # shared mode names no team: the same teams are fine
    assert parse_config(text + "studio:\n  mlflow: {mode: shared}\n").studio.mlflow.mode == "shared"


def test_needs_studio_and_the_per_account_layout():
    found = _problems("enabled: false\nmlflow: {}\n")
    assert "studio.mlflow needs studio.enabled: true" in found["studio.mlflow"][0]
    hub = textwrap.dedent("""\
        network:
          interface_endpoints: {mode: hub}
          hub: {cidr: 10.99.0.0/22, spokes: [{account: '111122223333', cidr: 10.20.0.0/16}]}
        """)
    found = _problems("mlflow: {}\n", hub)
    assert any("the hub layout" in m for m in found["studio.mlflow"])


def test_the_endpoint_counts_in_the_subnet_capacity():
    """Two /27 subnets, 10 endpoints (ssm removed): the most users that fit without MLflow's endpoint do not
    fit with it."""

    def demand(endpoints: int, users: int) -> SubnetDemand:
        return SubnetDemand(interface_endpoints=endpoints, home_efs=True, studio_users=users)

    most = max(n for n in range(0, 100) if demand(10, n).fits(27, 2))
    assert not demand(11, most).fits(27, 2)
    users = "".join(f"  - {{name: u{i}, team: nlp, persona: data-scientist}}\n" for i in range(most))
    network = "network:\n  subnet_cidr_mask: 27\n  interface_endpoints: {remove: [ssm]}\n"
    assert _config("users:\n" + users, network).studio.mlflow is None
    found = _problems("mlflow: {}\nusers:\n" + users, network)
    assert "11 for the interface endpoints" in found["network.subnet_cidr_mask"][0]
