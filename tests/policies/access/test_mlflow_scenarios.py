"""The MLflow scenarios of the derived catalogue on the demo platform (one tracking server per team): each
Studio user and their execution role reach their team's server, never the other team's."""

from __future__ import annotations

import pytest

from cdk_secure_ml.policies.access import derive, load_assembly, run


@pytest.fixture(scope="module")
def results(demo_app):
    _, _, assembly = demo_app
    loaded = load_assembly(assembly.directory)
    return [(s, d) for s, d in run(loaded, derive(loaded)) if s.group == "mlflow"]


@pytest.mark.aws_behaviour("sagemaker-mlflow.actions-on-the-tracking-server")
def test_every_mlflow_scenario_is_as_expected(results):
    wrong = [(s.name, s.expected, d.decision, d.reason) for s, d in results if s.expected != d.decision]
    assert wrong == []


def test_a_data_scientist_logs_to_her_teams_server_and_not_the_other(results):
    by_name = {s.name: (s.expected, d.decision) for s, d in results}
    assert by_name["alice logs a metric to their team's MLflow server secure-ml-demo-mlflow-research"] == (
        "allow", "allow")
    assert by_name["alice logs a metric to team fraud's MLflow server secure-ml-demo-mlflow-fraud"] == (
        "deny", "deny")
    assert by_name["chen opens team research's MLflow UI secure-ml-demo-mlflow-research (presigned URL)"] == (
        "deny", "deny")
    executions = [s for s, _ in results if "execution role" in s.name]
    assert {s.expected for s in executions} == {"allow", "deny"}
    # 3 users x 2 servers x (persona metric, persona UI, execution role)
    assert len(results) == 18
