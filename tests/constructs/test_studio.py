"""SecureStudioDomain, user profiles spread over stacks, SDK defaults, runtime settings in SSM."""

from __future__ import annotations

import base64
import json
import re

import pytest
import yaml
from aws_cdk import Stack, Tags
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk.assertions import Template

from cdk_secure_ml.config import StudioUserConfig
from cdk_secure_ml.constructs.encryption import EncryptionKeys
from cdk_secure_ml.constructs.network import MlNetwork
from cdk_secure_ml.constructs.storage import SecureBucket
from cdk_secure_ml.constructs.studio import (
    LIFECYCLE_CONTENT_LIMIT,
    SAGEMAKER_NAME_RE,
    SecureStudioDomain,
    instance_storage_defaults,
    lifecycle_config_name,
    sdk_defaults,
    sdk_defaults_script,
    sdk_defaults_yaml,
)
from cdk_secure_ml.stacks.studio import user_stack_slices
from tests.conftest import new_app


@pytest.fixture(scope="module")
def studio(reference_app):
    _, stage, _ = reference_app
    return stage, Template.from_stack(stage.studio)


def _domain(t: Template) -> dict:
    domains = t.find_resources("AWS::SageMaker::Domain")
    assert len(domains) == 1
    return next(iter(domains.values()))


def test_domain_is_vpc_only_encrypted_and_retained(studio):
    stage, t = studio
    domain = _domain(t)
    props = domain["Properties"]
    assert props["AppNetworkAccessType"] == "VpcOnly"
    assert props["AuthMode"] == "IAM"
    assert len(props["SubnetIds"]) == 2
    assert "Foundation" in json.dumps(props["KmsKeyId"]) and "KeysVolumesKey" in json.dumps(props["KmsKeyId"])
    assert props["TagPropagation"] == "ENABLED"
    settings = props["DomainSettings"]
    assert settings["DockerSettings"] == {"EnableDockerAccess": "DISABLED"}
    assert settings["ExecutionRoleIdentityConfig"] == "USER_PROFILE_NAME"
    assert domain["DeletionPolicy"] == "Retain" and domain["UpdateReplacePolicy"] == "Retain"


def _lifecycle_configs(t: Template) -> dict[str, dict]:
    return t.find_resources("AWS::SageMaker::StudioLifecycleConfig")


def _arn_of(t: Template, app_type: str) -> dict:
    [(logical_id, _)] = [(k, v) for k, v in _lifecycle_configs(t).items()
                         if v["Properties"]["StudioLifecycleConfigAppType"] == app_type]
    return {"Fn::GetAtt": [logical_id, "StudioLifecycleConfigArn"]}


@pytest.mark.aws_behaviour("sagemaker.studio-lifecycle-config-immutable")
def test_default_user_settings(studio):
    _, t = studio
    user = _domain(t)["Properties"]["DefaultUserSettings"]
    assert "DataScientistResearchExecutionRole" in json.dumps(user["ExecutionRole"])
    assert "WorkloadSecurityGroup" in json.dumps(user["SecurityGroups"])
    assert user["SharingSettings"] == {"NotebookOutputOption": "Disabled"}
    for key, app_type in (("JupyterLabAppSettings", "JupyterLab"), ("CodeEditorAppSettings", "CodeEditor")):
        settings = user[key]
        assert settings["AppLifecycleManagement"]["IdleSettings"] == {
            "LifecycleManagement": "ENABLED", "IdleTimeoutInMinutes": 60, "MinIdleTimeoutInMinutes": 60,
            "MaxIdleTimeoutInMinutes": 60}
        # D7: the configuration's own ARN attribute, not an ARN built from a fixed name.
        assert settings["LifecycleConfigArns"] == [_arn_of(t, app_type)]
        assert settings["DefaultResourceSpec"] == {"LifecycleConfigArn": _arn_of(t, app_type)}


@pytest.mark.aws_behaviour("sagemaker.shared-space-runs-as-the-space-role")
def test_default_space_settings_keep_spaces_on_the_platform_network(studio):
    _, t = studio
    props = _domain(t)["Properties"]
    space = props["DefaultSpaceSettings"]
    assert space["ExecutionRole"] == props["DefaultUserSettings"]["ExecutionRole"]
    assert space["SecurityGroups"] == props["DefaultUserSettings"]["SecurityGroups"]


@pytest.mark.aws_behaviour(
    "sagemaker.studio-lifecycle-config-limits",
    "sagemaker.studio-lifecycle-config-in-use",
    "sagemaker-python-sdk.config-default-bucket-and-prefix",
    "sagemaker-python-sdk.config-tags",
    "cloudformation.deletion-policy-retain",
)
def test_lifecycle_configs_install_the_first_teams_sdk_defaults(studio):
    _, t = studio
    configs = _lifecycle_configs(t)
    assert sorted(c["Properties"]["StudioLifecycleConfigAppType"] for c in configs.values()) == [
        "CodeEditor",
        "JupyterLab",
    ]
    for config in configs.values():
        props = config["Properties"]
        short = {"JupyterLab": "jl", "CodeEditor": "ce"}[props["StudioLifecycleConfigAppType"]]
        assert re.fullmatch(rf"secure-ml-domain-{short}-[0-9a-f]{{10}}", props["StudioLifecycleConfigName"])
        # Retained: SageMaker refuses to delete one a (retained) domain or profile still lists.
        assert config["DeletionPolicy"] == "Retain" and config["UpdateReplacePolicy"] == "Retain"
        content = json.dumps(props["StudioLifecycleConfigContent"])
        assert content.startswith('{"Fn::Base64"')
        for needle in (
            "VolumeKmsKeyId",
            "EnableInterContainerTrafficEncryption: true",
            "EnableNetworkIsolation: true",
            ".config/sagemaker/config.yaml",
            ".config/sagemaker/instance-storage/config.yaml",
            "KeysVolumesKey",
            "KeysArtifactsKey",
            "DefaultS3Bucket: ",
            "ArtifactsBucket",
            "DefaultS3ObjectKeyPrefix: research",
            "Key: team",
            "Value: research",
            "Key: cost-center",
            "Value: ml-platform",
        ):  # studio.job_tags
            assert needle in content, needle
    names = [c["Properties"]["StudioLifecycleConfigName"] for c in configs.values()]
    assert len(set(names)) == 2


@pytest.mark.aws_behaviour(
    "sagemaker-python-sdk.config-default-bucket-and-prefix", "sagemaker-python-sdk.config-tags"
)
def test_sdk_defaults_document_parses_and_covers_every_job_type():
    defaults = sdk_defaults(
        subnet_ids=["subnet-1", "subnet-2"],
        security_group_ids=["sg-1"],
        volume_key_arn="arn:vol",
        output_key_arn="arn:out",
        bucket_name="artifacts",
        key_prefix="nlp",
        tags={"team": "nlp"},
    )
    parsed = yaml.safe_load(sdk_defaults_yaml(defaults))
    sm = parsed["SageMaker"]
    assert parsed["SchemaVersion"] == "1.0"
    assert sm["PythonSDK"] == {
        "Modules": {"Session": {"DefaultS3Bucket": "artifacts", "DefaultS3ObjectKeyPrefix": "nlp"}}
    }
    assert sm["TrainingJob"]["VpcConfig"] == {
        "Subnets": ["subnet-1", "subnet-2"],
        "SecurityGroupIds": ["sg-1"],
    }
    assert sm["TrainingJob"]["ResourceConfig"]["VolumeKmsKeyId"] == "arn:vol"
    assert sm["TrainingJob"]["OutputDataConfig"]["KmsKeyId"] == "arn:out"
    assert sm["ProcessingJob"]["NetworkConfig"]["EnableInterContainerTrafficEncryption"] is True
    assert sm["Model"]["EnableNetworkIsolation"] is True
    assert sm["EndpointConfig"]["KmsKeyId"] == "arn:vol"
    job = sm["MonitoringSchedule"]["MonitoringScheduleConfig"]["MonitoringJobDefinition"]
    assert job["MonitoringResources"]["ClusterConfig"]["VolumeKmsKeyId"] == "arn:vol"
    # E4: the team tag on every create the ABAC statements look at (TrainingJob's also covers tuning).
    for api in (
        "TrainingJob",
        "ProcessingJob",
        "TransformJob",
        "Model",
        "EndpointConfig",
        "Endpoint",
        "MonitoringSchedule",
        "Pipeline",
    ):
        assert sm[api]["Tags"] == [{"Key": "team", "Value": "nlp"}], api
    script = sdk_defaults_script(
        sdk_defaults_yaml(defaults), sdk_defaults_yaml(instance_storage_defaults(defaults))
    )
    assert script.startswith("#!/bin/bash\n") and "set -euo pipefail" in script
    assert len(base64.b64encode(script.encode())) < 16384
    # Without a bucket (the construct's plain API) there is no Session section.
    assert (
        "PythonSDK"
        not in sdk_defaults(
            subnet_ids=["s"], security_group_ids=["g"], volume_key_arn="v", output_key_arn="o"
        )["SageMaker"]
    )


@pytest.mark.aws_behaviour(
    "sagemaker.no-volume-key-on-instance-storage",
    "sagemaker-python-sdk.config-volume-key-on-instance-storage",
)
def test_instance_storage_variant_has_no_volume_key_and_keeps_everything_else():
    defaults = sdk_defaults(
        subnet_ids=["subnet-1"],
        security_group_ids=["sg-1"],
        volume_key_arn="arn:vol",
        output_key_arn="arn:out",
        bucket_name="artifacts",
        key_prefix="nlp",
        tags={"team": "nlp"},
    )
    variant = instance_storage_defaults(defaults)
    text = json.dumps(variant)
    assert "VolumeKmsKeyId" not in text and "arn:vol" not in text
    sm = variant["SageMaker"]
    assert "ResourceConfig" not in sm["TrainingJob"] and "ProcessingResources" not in sm["ProcessingJob"]
    assert "KmsKeyId" not in sm["EndpointConfig"] and sm["EndpointConfig"]["DataCaptureConfig"] == {
        "KmsKeyId": "arn:out"
    }
    assert sm["TrainingJob"]["OutputDataConfig"] == {"KmsKeyId": "arn:out"}
    assert sm["TrainingJob"]["Tags"] == [{"Key": "team", "Value": "nlp"}]
    assert sm["PythonSDK"] == defaults["SageMaker"]["PythonSDK"]
    assert "arn:vol" in json.dumps(defaults), "the original is left alone"


def test_teardown_outputs(studio):
    _, t = studio
    outputs = t.find_outputs("*")
    names = " ".join(outputs)
    for name in ("DomainId", "HomeEfsFileSystemId", "SecurityGroupIds"):
        assert name in names
    efs = [o for k, o in outputs.items() if "HomeEfsFileSystemId" in k][0]
    assert efs["Value"] == {
        "Fn::GetAtt": [next(iter(t.find_resources("AWS::SageMaker::Domain"))), "HomeEfsFileSystemId"]
    }


def test_runtime_settings_in_ssm(studio):
    _, t = studio
    names = sorted(p["Properties"]["Name"] for p in t.find_resources("AWS::SSM::Parameter").values())
    for name in (
        "/secure-ml/network/subnet-ids",
        "/secure-ml/network/security-group-id",
        "/secure-ml/buckets/data",
        "/secure-ml/buckets/artifacts",
        "/secure-ml/keys/volumes-arn",
        "/secure-ml/studio/domain-id",
        "/secure-ml/roles/research/data-scientist-execution-arn",
        "/secure-ml/roles/fraud/ml-engineer-execution-arn",
    ):
        assert name in names, name


def test_user_profiles_per_team_with_tags_and_persona_roles(reference_app):
    _, stage, _ = reference_app
    by_stack = {s.node.id: Template.from_stack(s) for s in stage.user_stacks}
    assert set(by_stack) == {"UsersResearch", "UsersFraud"}
    profiles = by_stack["UsersResearch"].find_resources("AWS::SageMaker::UserProfile")
    assert len(profiles) == 2
    bob = [p for p in profiles.values() if p["Properties"]["UserProfileName"] == "bob"][0]
    tags = {tag["Key"]: tag["Value"] for tag in bob["Properties"]["Tags"]}
    # owner wins over the config's stage-wide "owner: platform-team" tag (ABAC tags have priority)
    assert {k: tags[k] for k in ("team", "owner", "secure-ml:persona")} == {
        "team": "research",
        "owner": "bob",
        "secure-ml:persona": "ml-engineer",
    }
    assert tags["project"] == "secure-ml"
    assert "MlEngineerResearchExecutionRole" in json.dumps(bob["Properties"]["UserSettings"]["ExecutionRole"])
    assert "WorkloadSecurityGroup" in json.dumps(bob["Properties"]["UserSettings"]["SecurityGroups"])
    assert bob["DeletionPolicy"] == "Retain"
    assert "SingleSignOnUserIdentifier" not in bob["Properties"]


@pytest.mark.aws_behaviour(
    "sagemaker-python-sdk.config-default-bucket-and-prefix",
    "sagemaker-python-sdk.config-tags",
    "cloudformation.user-profile-settings-update-in-place",
)
@pytest.mark.parametrize(
    ("stack_id", "team", "users"),
    [("UsersResearch", "research", ("alice", "bob")), ("UsersFraud", "fraud", ("chen",))],
)
def test_profiles_run_their_teams_sdk_defaults_from_their_own_stack(reference_app, stack_id, team, users):
    """E3/E4: each team's apps write to the artifacts bucket under the team's prefix and tag what
    they create with the team; D7: the configurations are in the profiles' stack, so a change to
    the defaults moves the profiles to the new ones in the same stack update."""
    _, stage, _ = reference_app
    stack = next(s for s in stage.user_stacks if s.node.id == stack_id)
    t = Template.from_stack(stack)
    configs = _lifecycle_configs(t)
    assert len(configs) == 2
    for config in configs.values():
        props = config["Properties"]
        assert re.fullmatch(rf"secure-ml-{team}-(jl|ce)-[0-9a-f]{{10}}", props["StudioLifecycleConfigName"])
        content = json.dumps(props["StudioLifecycleConfigContent"])
        assert f"DefaultS3ObjectKeyPrefix: {team}" in content and f"Value: {team}" in content
        assert "ArtifactsBucket" in content  # the Foundation stack's artifacts bucket
    for profile in t.find_resources("AWS::SageMaker::UserProfile").values():
        assert profile["Properties"]["UserProfileName"] in users
        settings = profile["Properties"]["UserSettings"]
        for key, app_type in (
            ("JupyterLabAppSettings", "JupyterLab"),
            ("CodeEditorAppSettings", "CodeEditor"),
        ):
            assert settings[key] == {
                "LifecycleConfigArns": [_arn_of(t, app_type)],
                "DefaultResourceSpec": {"LifecycleConfigArn": _arn_of(t, app_type)},
            }


def _domain_with(defaults: dict, domain_name: str = "lab", app=None):
    app = app or new_app()
    stack = Stack(app, "Lab")
    vpc = ec2.Vpc.from_vpc_attributes(
        stack,
        "V",
        vpc_id="vpc-0123456789abcdef0",
        availability_zones=["a", "b"],
        isolated_subnet_ids=["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
        isolated_subnet_route_table_ids=["rtb-1", "rtb-2"],
    )
    sg = ec2.SecurityGroup.from_security_group_id(stack, "Sg", "sg-0123456789abcdef0")
    keys = EncryptionKeys(stack, "K")
    role = iam.Role.from_role_arn(stack, "R", "arn:aws:iam::111122223333:role/x")
    domain = SecureStudioDomain(
        stack,
        "D",
        domain_name=domain_name,
        vpc=vpc,
        subnets=vpc.isolated_subnets,
        security_groups=[sg],
        encryption_key=keys.volumes,
        default_execution_role=role,
        sdk_defaults=defaults,
    )
    return stack, domain


def _names(stack: Stack) -> list[str]:
    return sorted(
        c["Properties"]["StudioLifecycleConfigName"]
        for c in Template.from_stack(stack).find_resources("AWS::SageMaker::StudioLifecycleConfig").values()
    )


@pytest.mark.aws_behaviour(
    "sagemaker.studio-lifecycle-config-immutable", "cloudformation.custom-name-replacement"
)
def test_changing_the_sdk_defaults_changes_the_names():
    """D7: every property of a lifecycle configuration requires replacement, and CloudFormation
    cannot replace a resource whose custom name stays the same: the name follows the content."""
    base = {
        "subnet_ids": ["subnet-1"],
        "security_group_ids": ["sg-1"],
        "volume_key_arn": "arn:vol",
        "output_key_arn": "arn:out",
    }
    first, _ = _domain_with(sdk_defaults(**base))
    again, _ = _domain_with(sdk_defaults(**base))
    changed, _ = _domain_with(sdk_defaults(**base, tags={"team": "nlp"}))
    other_key, _ = _domain_with(sdk_defaults(**{**base, "volume_key_arn": "arn:vol2"}))
    assert _names(first) == _names(again), "same content, same names (deploys are repeatable)"
    assert not set(_names(first)) & set(_names(changed))
    assert not set(_names(first)) & set(_names(other_key))
    # Tags are create-only as well: a stage-wide tag applied after the construct renames the configs too.
    tagged, _ = _domain_with(sdk_defaults(**base))
    Tags.of(tagged).add("owner", "platform-team")
    retagged, _ = _domain_with(sdk_defaults(**base))
    Tags.of(retagged).add("owner", "ml-platform-team")
    assert not set(_names(tagged)) & set(_names(first)) and not set(_names(tagged)) & set(_names(retagged))


@pytest.mark.aws_behaviour("sagemaker.studio-lifecycle-config-limits")
def test_lifecycle_config_names_fit_sagemakers_limit_whatever_the_domain_and_team():
    """M1: <domain>-<team>-<app> can exceed 63 characters; the prefix is cut, never the digest."""
    stack, domain = _domain_with(
        sdk_defaults(subnet_ids=["s"], security_group_ids=["g"], volume_key_arn="v", output_key_arn="o"),
        domain_name="d" * 63,
    )
    team_configs = domain.add_sdk_defaults(
        stack,
        "Team",
        label="t" * 31,
        defaults=sdk_defaults(
            subnet_ids=["s"], security_group_ids=["g"], volume_key_arn="v", output_key_arn="o"
        ),
    )
    names = _names(stack)
    assert len(names) == 4 and len(set(names)) == 4
    for name in names:
        assert len(name) <= 63 and SAGEMAKER_NAME_RE.match(name), name
        assert re.search(r"-[0-9a-f]{10}$", name)
    assert stack.resolve(team_configs.jupyter_lab.studio_lifecycle_config_name).startswith("d" * 52)
    assert lifecycle_config_name("a--b_c-", "0123456789") == "a-b-c-0123456789"
    assert lifecycle_config_name("-" * 5, "0123456789") == "0123456789"


def test_sdk_defaults_too_large_for_a_lifecycle_config_are_refused():
    tags = {f"tag-{i}": "x" * 200 for i in range(60)}
    with pytest.raises(
        ValueError,
        match=r"about \d+ characters once base64-encoded, over SageMaker's "
        rf"{LIFECYCLE_CONTENT_LIMIT}.*fewer subnets, security groups or "
        r"tags",
    ):
        _domain_with(
            sdk_defaults(
                subnet_ids=["s"], security_group_ids=["g"], volume_key_arn="v", output_key_arn="o", tags=tags
            )
        )


def test_profile_defaults_must_be_in_the_profiles_stack():
    app = new_app()
    stack, domain = _domain_with(None, app=app)
    other = Stack(app, "Users")
    defaults = domain.add_sdk_defaults(
        stack,
        "Defaults",
        label="nlp",
        defaults=sdk_defaults(
            subnet_ids=["s"], security_group_ids=["g"], volume_key_arn="v", output_key_arn="o"
        ),
    )
    role = iam.Role.from_role_arn(other, "R", "arn:aws:iam::111122223333:role/x")
    with pytest.raises(
        ValueError,
        match=r"user profile 'ana': its sdk_defaults are in stack 'Lab'.*create "
        r"them in the profile's stack",
    ):
        domain.add_user_profile(other, "Ana", user_name="ana", execution_role=role, sdk_defaults=defaults)


def _users(n: int, team: str = "t") -> list[StudioUserConfig]:
    return [StudioUserConfig(name=f"user-{i}", team=team, persona="data-scientist") for i in range(n)]


def test_profiles_spread_over_stacks_in_config_order():
    slices = user_stack_slices(_users(1000, "nlp") + _users(3, "cv"), 400)
    assert [(sid, len(users)) for sid, users in slices] == [
        ("UsersNlp", 400),
        ("UsersNlp2", 400),
        ("UsersNlp3", 200),
        ("UsersCv", 3),
    ]
    # adding a user at the end moves nobody
    grown = user_stack_slices(_users(1001, "nlp"), 400)
    assert [u.name for u in grown[0][1]] == [u.name for u in slices[0][1]]
    with pytest.raises(ValueError, match="max_per_stack is 0"):
        user_stack_slices(_users(1), 0)


# ------------------------------------------------------------------------------- options and errors


@pytest.fixture(scope="module")
def sso_lab():
    app = new_app()
    stack = Stack(app, "StudioOptions")
    keys = EncryptionKeys(stack, "Keys")
    net = MlNetwork(stack, "Net", flow_log_key=keys.logs)
    sg = net.new_workload_security_group(stack, "Sg")
    shared = SecureBucket(stack, "Shared", encryption_key=keys.artifacts)
    role = iam.Role(stack, "Exec", assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"))
    domain = SecureStudioDomain(
        stack,
        "Domain",
        domain_name="lab",
        vpc=net.vpc,
        subnets=net.subnets,
        security_groups=[sg],
        encryption_key=keys.volumes,
        default_execution_role=role,
        auth_mode="SSO",
        idle_timeout_minutes=240,
        sharing_bucket=shared.bucket,
        sharing_key=keys.artifacts,
    )
    domain.add_user_profile(stack, "Dana", user_name="dana", execution_role=role, sso_user_name="dana@corp")
    domain.add_user_profile(stack, "Eve", user_name="eve", execution_role=role)
    app.synth()
    return stack, domain, Template.from_stack(stack)


def test_sso_sharing_idle_and_no_sdk_defaults(sso_lab):
    stack, domain, t = sso_lab
    props = _domain(t)["Properties"]
    assert props["AuthMode"] == "SSO"
    sharing = props["DefaultUserSettings"]["SharingSettings"]
    assert sharing["NotebookOutputOption"] == "Allowed"
    assert "shared-notebooks" in json.dumps(sharing["S3OutputPath"]) and "S3KmsKeyId" in sharing
    idle = props["DefaultUserSettings"]["JupyterLabAppSettings"]["AppLifecycleManagement"]["IdleSettings"]
    assert idle["IdleTimeoutInMinutes"] == 240 and idle["MaxIdleTimeoutInMinutes"] == 240
    assert "LifecycleConfigArns" not in props["DefaultUserSettings"]["JupyterLabAppSettings"]
    t.resource_count_is("AWS::SageMaker::StudioLifecycleConfig", 0)
    profiles = {
        p["Properties"]["UserProfileName"]: p["Properties"]
        for p in t.find_resources("AWS::SageMaker::UserProfile").values()
    }
    assert profiles["dana"]["SingleSignOnUserIdentifier"] == "UserName"
    assert profiles["dana"]["SingleSignOnUserValue"] == "dana@corp"
    assert profiles["eve"]["SingleSignOnUserValue"] == "eve"


def test_invalid_profile_name(sso_lab):
    stack, domain, _ = sso_lab
    role = iam.Role.from_role_arn(stack, "R", "arn:aws:iam::111122223333:role/x")
    with pytest.raises(ValueError, match="user profile name 'bad_name' is invalid"):
        domain.add_user_profile(stack, "Bad", user_name="bad_name", execution_role=role)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"domain_name": "bad name"}, "domain_name 'bad name'"),
        ({"auth_mode": "LDAP"}, "auth_mode 'LDAP'"),
        ({"idle_timeout_minutes": 5}, "idle_timeout_minutes 5 is outside 60-525600"),
        ({"security_groups": []}, "security_groups is empty"),
        ({"subnets": []}, "subnets is empty"),
        ({"sharing_key": "KEY"}, "needs both sharing_bucket and sharing_key"),
    ],
)
def test_bad_input(overrides, message):
    stack = Stack(new_app(), "S")
    vpc = ec2.Vpc.from_vpc_attributes(
        stack,
        "V",
        vpc_id="vpc-1",
        availability_zones=["a", "b"],
        isolated_subnet_ids=["subnet-1", "subnet-2"],
    )
    sg = ec2.SecurityGroup.from_security_group_id(stack, "Sg", "sg-1")
    keys = EncryptionKeys(stack, "K")
    role = iam.Role.from_role_arn(stack, "R", "arn:aws:iam::111122223333:role/x")
    kwargs = dict(
        domain_name="ok",
        vpc=vpc,
        subnets=vpc.isolated_subnets,
        security_groups=[sg],
        encryption_key=keys.volumes,
        default_execution_role=role,
    )
    if overrides.get("sharing_key") == "KEY":
        overrides = {"sharing_key": keys.artifacts}
    with pytest.raises(ValueError) as info:
        SecureStudioDomain(stack, "D", **{**kwargs, **overrides})
    assert message in str(info.value)
