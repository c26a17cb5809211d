"""Studio spaces (constructs.studio_spaces): the demo's private JupyterLab and Code Editor spaces per user,
the domain's space storage and shared-space defaults, and every error path."""

from __future__ import annotations

import json

import pytest
from aws_cdk.assertions import Template

from cdk_secure_ml.constructs.studio_spaces import (
    SPACE_NAME_LIMIT,
    add_private_spaces,
    apply_space_storage_defaults,
    private_space_name,
)


@pytest.fixture(scope="module")
def demo(demo_app):
    config, stage, _ = demo_app
    users = {s.node.id: Template.from_stack(s) for s in stage.user_stacks}
    return config, stage, users, Template.from_stack(stage.studio)


def _spaces(t: Template) -> dict[str, dict]:
    return t.find_resources("AWS::SageMaker::Space")


def test_every_demo_user_gets_a_private_jupyterlab_and_code_editor_space(demo):
    config, _, users, _ = demo
    found = {}
    for t in users.values():
        for logical_id, space in _spaces(t).items():
            props = space["Properties"]
            found[props["SpaceName"]] = (logical_id, props)
    expected = {f"{u.name}-{short}" for u in config.studio.users for short in ("jl", "ce")}
    assert set(found) == expected
    logical_id, props = found["alice-jl"]
    assert logical_id == "SpaceAliceJupyterLab"
    assert props["SpaceSharingSettings"] == {"SharingType": "Private"}
    assert props["OwnershipSettings"] == {"OwnerUserProfileName": "alice"}
    assert props["SpaceSettings"] == {
        "AppType": "JupyterLab", "SpaceStorageSettings": {"EbsStorageSettings": {"EbsVolumeSizeInGb": 10}}}
    assert "DomainId" in json.dumps(props["DomainId"])
    assert found["bob-ce"][1]["SpaceSettings"]["AppType"] == "CodeEditor"


def test_spaces_follow_their_profile_carry_its_tags_and_are_retained(demo):
    _, _, users, _ = demo
    research = users["UsersResearch"]
    space = research.to_json()["Resources"]["SpaceBobCodeEditor"]
    assert space["DependsOn"] == ["ProfileBob"]
    assert space["DeletionPolicy"] == "Retain" and space["UpdateReplacePolicy"] == "Retain"
    tags = {t["Key"]: t["Value"] for t in space["Properties"]["Tags"]}
    profile = research.to_json()["Resources"]["ProfileBob"]
    profile_tags = {t["Key"]: t["Value"] for t in profile["Properties"]["Tags"]}
    assert tags["team"] == profile_tags["team"] == "research"
    assert tags["owner"] == "bob" and tags["secure-ml:persona"] == "ml-engineer"


@pytest.mark.aws_behaviour("sagemaker.default-space-settings-shared-only")
@pytest.mark.aws_behaviour("sagemaker.user-settings-apply-to-private-spaces")
def test_domain_space_defaults(demo):
    _, _, _, studio = demo
    [domain] = studio.find_resources("AWS::SageMaker::Domain").values()
    props = domain["Properties"]
    storage = {"DefaultEbsStorageSettings": {"DefaultEbsVolumeSizeInGb": 10, "MaximumEbsVolumeSizeInGb": 50}}
    # private spaces take the user settings; DefaultSpaceSettings only reaches shared spaces (denied anyway)
    assert props["DefaultUserSettings"]["SpaceStorageSettings"] == storage
    assert props["DefaultUserSettings"]["JupyterLabAppSettings"]["AppLifecycleManagement"]["IdleSettings"][
        "LifecycleManagement"] == "ENABLED"
    shared = props["DefaultSpaceSettings"]
    assert shared["SpaceStorageSettings"] == storage
    assert shared["JupyterLabAppSettings"]["AppLifecycleManagement"]["IdleSettings"] == {
        "LifecycleManagement": "ENABLED", "IdleTimeoutInMinutes": 60, "MinIdleTimeoutInMinutes": 60,
        "MaxIdleTimeoutInMinutes": 60}
    assert "ExecutionRole" in json.dumps(shared["ExecutionRole"]) and shared["SecurityGroups"]


def test_the_default_config_creates_no_spaces_but_sets_the_storage_defaults(reference_app):
    _, stage, _ = reference_app
    for users in stage.user_stacks:
        assert _spaces(Template.from_stack(users)) == {}
    [domain] = Template.from_stack(stage.studio).find_resources("AWS::SageMaker::Domain").values()
    assert domain["Properties"]["DefaultUserSettings"]["SpaceStorageSettings"] == {
        "DefaultEbsStorageSettings": {"DefaultEbsVolumeSizeInGb": 5, "MaximumEbsVolumeSizeInGb": 100}}


@pytest.mark.parametrize(("user", "app_type", "name"), [
    ("alice", "JupyterLab", "alice-jl"), ("bob-2", "CodeEditor", "bob-2-ce")])
def test_private_space_name(user, app_type, name):
    assert private_space_name(user, app_type) == name


def test_long_user_names_are_cut_with_a_digest_and_stay_distinct():
    a, b = "a" * 62 + "x", "a" * 62 + "y"
    names = {private_space_name(a, "JupyterLab"), private_space_name(b, "JupyterLab")}
    assert len(names) == 2 and all(len(n) <= SPACE_NAME_LIMIT and n.endswith("-jl") for n in names)


def test_unknown_app_type_is_refused():
    with pytest.raises(ValueError, match=r"'RStudio' has no private space; use one of \['JupyterLab'"):
        private_space_name("alice", "RStudio")


@pytest.mark.aws_behaviour("sagemaker.space-ebs-size-range")
@pytest.mark.parametrize(("kwargs", "match"), [
    ({"default_gib": 4}, r"default_gib 4 outside SageMaker's 5-16384 GiB"),
    ({"maximum_gib": 16385}, r"maximum_gib 16385 outside"),
    ({"default_gib": 60, "maximum_gib": 50}, r"default_gib 60 is above maximum_gib 50"),
])
def test_storage_defaults_errors(demo, kwargs, match):
    _, stage, _, _ = demo
    with pytest.raises(ValueError, match=match):
        apply_space_storage_defaults(stage.studio.domain, **kwargs)


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"app_types": ["JupyterLab", "JupyterLab"]}, r"app type\(s\) \['JupyterLab'\] listed twice"),
    ({"app_types": ["JupyterLab"], "ebs_volume_size_gib": 3}, r"ebs_volume_size_gib 3 outside"),
    ({"app_types": ["JupyterLab"]}, r"create them in the profile's stack"),
])
def test_private_spaces_errors(demo, kwargs, match):
    _, stage, _, _ = demo
    users = stage.user_stacks[0]
    profile = next(iter(users.profiles.values()))
    with pytest.raises(ValueError, match=match):
        # the domain's stack is not the profile's: the last case fails on that, the others before it
        add_private_spaces(stage.studio, domain=stage.studio.domain, profile=profile, user_name="alice",
                           **kwargs)
