"""Access scenarios of the private spaces config/demo.yaml creates (policies.access.spaces): the owner runs
and updates them, another user can neither start an app in them nor delete them."""

from __future__ import annotations

import shutil

import pytest

from cdk_secure_ml.policies.access import derive, load_assembly, run


@pytest.fixture(scope="module")
def results(demo_app, tmp_path_factory):
    _, _, assembly = demo_app
    copy = tmp_path_factory.mktemp("access-spaces") / "cdk.out"
    shutil.copytree(assembly.directory, copy)
    loaded = load_assembly(copy)
    return [(s, d) for s, d in run(loaded, derive(loaded)) if "space" in s.name and "platform" in s.name
            or "'s space" in s.name]


@pytest.mark.aws_behaviour("sagemaker.studio-private-space-permissions")
@pytest.mark.aws_behaviour("sagemaker.studio-policy-variables")
def test_created_spaces_are_their_owners_only(results):
    wrong = [(s.name, s.expected, d.decision, d.reason) for s, d in results if s.expected != d.decision]
    assert wrong == []
    names = {s.name: s.expected for s, _ in results}
    assert names["alice starts the JupyterLab app in their platform-created space alice-jl"] == "allow"
    assert names["alice updates the settings of their platform-created space alice-ce"] == "allow"
    assert names["alice stops the CodeEditor app in their platform-created space alice-ce"] == "allow"
    assert names["bob starts an app in alice's space alice-jl"] == "deny"
    assert names["bob deletes alice's space alice-ce"] == "deny"
    # every demo user's two spaces: 3 allows for the owner, 2 denies for another user
    assert len(results) == 3 * 2 * 5
