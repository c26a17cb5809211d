"""Access scenarios of Feature Store on the demo assembly (config/demo.yaml has feature group customers of
team research): the team's people and execution roles use it, the other team is denied; a policy without
the team condition flips the denials."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cdk_secure_ml.policies.access import derive, load_assembly, run


@pytest.fixture(scope="module")
def demo_dir(demo_app, tmp_path_factory) -> Path:
    _, _, assembly = demo_app
    copy = tmp_path_factory.mktemp("access-fs") / "cdk.out"
    shutil.copytree(assembly.directory, copy)
    return copy


def _feature_store(directory: Path) -> dict[str, tuple[str, str]]:
    assembly = load_assembly(directory)
    return {s.name: (s.expected, d.decision) for s, d in run(assembly, derive(assembly))
            if s.group == "feature-store"}


@pytest.mark.aws_behaviour("sagemaker.feature-group-record-actions-tag-condition")
def test_the_team_uses_its_groups_and_no_other_team_does(demo_dir):
    found = _feature_store(demo_dir)
    assert found["alice reads records of their team's feature group customers"] == ("allow", "allow")
    assert found["alice writes records of their team's feature group customers"] == ("allow", "allow")
    assert found["bob writes records of their team's feature group customers"] == ("deny", "deny")
    assert found["chen reads records of team research's feature group customers"] == ("deny", "deny")
    assert found["chen writes records of team research's feature group customers"] == ("deny", "deny")
    fraud = "the data-scientist execution role of fraud reads feature group customers (team research)"
    assert found[fraud] == ("deny", "deny")
    assert found[
        "the ml-engineer execution role of research reads feature group customers (team research)"] == (
        "allow", "allow")
    assert all(expected == decision for expected, decision in found.values())


def test_without_the_team_condition_the_other_team_is_let_in(demo_dir, tmp_path):
    mutated = tmp_path / "cdk.out"
    shutil.copytree(demo_dir, mutated)
    (foundation,) = mutated.glob("**/*Foundation*.template.json")
    template = json.loads(foundation.read_text())
    for logical_id, resource in template["Resources"].items():
        if logical_id.startswith("PersonasFeatureStore") and resource["Type"] == "AWS::IAM::ManagedPolicy":
            for statement in resource["Properties"]["PolicyDocument"]["Statement"]:
                statement.pop("Condition", None)
    foundation.write_text(json.dumps(template))
    found = _feature_store(mutated)
    assert found["chen reads records of team research's feature group customers"] == ("deny", "allow")
