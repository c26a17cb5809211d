"""SecureStudioDomain, user profiles spread over stacks, SDK defaults, runtime settings in SSM."""

from __future__ import annotations

import base64
import json

import pytest
import yaml
from aws_cdk import Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk.assertions import Template

from cdk_secure_ml.config import StudioUserConfig
from cdk_secure_ml.constructs.encryption import EncryptionKeys
from cdk_secure_ml.constructs.network import MlNetwork
from cdk_secure_ml.constructs.storage import SecureBucket
from cdk_secure_ml.constructs.studio import (
    SecureStudioDomain,
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


def test_default_user_settings(studio):
    stage, t = studio
    user = _domain(t)["Properties"]["DefaultUserSettings"]
    assert "DataScientistResearchExecutionRole" in json.dumps(user["ExecutionRole"])
    assert "WorkloadSecurityGroup" in json.dumps(user["SecurityGroups"])
    assert user["SharingSettings"] == {"NotebookOutputOption": "Disabled"}
    jupyter = user["JupyterLabAppSettings"]
    assert jupyter["AppLifecycleManagement"]["IdleSettings"] == {
        "LifecycleManagement": "ENABLED", "IdleTimeoutInMinutes": 60, "MinIdleTimeoutInMinutes": 60,
        "MaxIdleTimeoutInMinutes": 60}
    assert json.dumps(jupyter["LifecycleConfigArns"]).endswith(':studio-lifecycle-config/secure-ml-sdk-defaults"]]}]')
    assert jupyter["DefaultResourceSpec"]["LifecycleConfigArn"] == jupyter["LifecycleConfigArns"][0]


def test_lifecycle_config_installs_sdk_defaults(studio):
    stage, t = studio
    config = next(iter(t.find_resources("AWS::SageMaker::StudioLifecycleConfig").values()))["Properties"]
    assert config["StudioLifecycleConfigAppType"] == "JupyterLab"
    assert config["StudioLifecycleConfigName"] == "secure-ml-sdk-defaults"
    content = json.dumps(config["StudioLifecycleConfigContent"])
    assert content.startswith('{"Fn::Base64"')
    for needle in ("VolumeKmsKeyId", "EnableInterContainerTrafficEncryption: true", "EnableNetworkIsolation: true",
                   ".config/sagemaker/config.yaml", "KeysVolumesKey", "KeysArtifactsKey"):
        assert needle in content, needle
    domain = _domain(t)
    assert any("SdkDefaults" in dep for dep in domain.get("DependsOn", []))


def test_sdk_defaults_document_parses_and_covers_every_job_type():
    defaults = sdk_defaults(subnet_ids=["subnet-1", "subnet-2"], security_group_ids=["sg-1"],
                            volume_key_arn="arn:vol", output_key_arn="arn:out")
    parsed = yaml.safe_load(sdk_defaults_yaml(defaults))
    sm = parsed["SageMaker"]
    assert parsed["SchemaVersion"] == "1.0"
    assert sm["TrainingJob"]["VpcConfig"] == {"Subnets": ["subnet-1", "subnet-2"], "SecurityGroupIds": ["sg-1"]}
    assert sm["TrainingJob"]["ResourceConfig"]["VolumeKmsKeyId"] == "arn:vol"
    assert sm["TrainingJob"]["OutputDataConfig"]["KmsKeyId"] == "arn:out"
    assert sm["ProcessingJob"]["NetworkConfig"]["EnableInterContainerTrafficEncryption"] is True
    assert sm["Model"]["EnableNetworkIsolation"] is True
    assert sm["EndpointConfig"]["KmsKeyId"] == "arn:vol"
    job = sm["MonitoringSchedule"]["MonitoringScheduleConfig"]["MonitoringJobDefinition"]
    assert job["MonitoringResources"]["ClusterConfig"]["VolumeKmsKeyId"] == "arn:vol"
    script = sdk_defaults_script(sdk_defaults_yaml(defaults))
    assert script.startswith("#!/bin/bash\n") and "set -euo pipefail" in script
    assert len(base64.b64encode(script.encode())) < 16384


def test_teardown_outputs(studio):
    _, t = studio
    outputs = t.find_outputs("*")
    names = " ".join(outputs)
    for name in ("DomainId", "HomeEfsFileSystemId", "SecurityGroupIds"):
        assert name in names
    efs = [o for k, o in outputs.items() if "HomeEfsFileSystemId" in k][0]
    assert efs["Value"] == {"Fn::GetAtt": [next(iter(t.find_resources("AWS::SageMaker::Domain"))), "HomeEfsFileSystemId"]}


def test_runtime_settings_in_ssm(studio):
    _, t = studio
    names = sorted(p["Properties"]["Name"] for p in t.find_resources("AWS::SSM::Parameter").values())
    for name in ("/secure-ml/network/subnet-ids", "/secure-ml/network/security-group-id", "/secure-ml/buckets/data",
                 "/secure-ml/buckets/artifacts", "/secure-ml/keys/volumes-arn", "/secure-ml/studio/domain-id",
                 "/secure-ml/roles/research/data-scientist-execution-arn",
                 "/secure-ml/roles/fraud/ml-engineer-execution-arn"):
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
        "team": "research", "owner": "bob", "secure-ml:persona": "ml-engineer"}
    assert tags["project"] == "secure-ml"
    assert "MlEngineerResearchExecutionRole" in json.dumps(bob["Properties"]["UserSettings"]["ExecutionRole"])
    assert "WorkloadSecurityGroup" in json.dumps(bob["Properties"]["UserSettings"]["SecurityGroups"])
    assert bob["DeletionPolicy"] == "Retain"
    assert "SingleSignOnUserIdentifier" not in bob["Properties"]


def _users(n: int, team: str = "t") -> list[StudioUserConfig]:
    return [StudioUserConfig(name=f"user-{i}", team=team, persona="data-scientist") for i in range(n)]


def test_profiles_spread_over_stacks_in_config_order():
    slices = user_stack_slices(_users(1000, "nlp") + _users(3, "cv"), 400)
    assert [(sid, len(users)) for sid, users in slices] == [
        ("UsersNlp", 400), ("UsersNlp2", 400), ("UsersNlp3", 200), ("UsersCv", 3)]
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
        stack, "Domain", domain_name="lab", vpc=net.vpc, subnets=net.subnets, security_groups=[sg],
        encryption_key=keys.volumes, default_execution_role=role, auth_mode="SSO", idle_timeout_minutes=240,
        sharing_bucket=shared.bucket, sharing_key=keys.artifacts,
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
    profiles = {p["Properties"]["UserProfileName"]: p["Properties"]
                for p in t.find_resources("AWS::SageMaker::UserProfile").values()}
    assert profiles["dana"]["SingleSignOnUserIdentifier"] == "UserName"
    assert profiles["dana"]["SingleSignOnUserValue"] == "dana@corp"
    assert profiles["eve"]["SingleSignOnUserValue"] == "eve"


def test_invalid_profile_name(sso_lab):
    stack, domain, _ = sso_lab
    role = iam.Role.from_role_arn(stack, "R", "arn:aws:iam::111122223333:role/x")
    with pytest.raises(ValueError, match="user profile name 'bad_name' is invalid"):
        domain.add_user_profile(stack, "Bad", user_name="bad_name", execution_role=role)


@pytest.mark.parametrize(("overrides", "message"), [
    ({"domain_name": "bad name"}, "domain_name 'bad name'"),
    ({"auth_mode": "LDAP"}, "auth_mode 'LDAP'"),
    ({"idle_timeout_minutes": 5}, "idle_timeout_minutes 5 is outside 60-525600"),
    ({"security_groups": []}, "security_groups is empty"),
    ({"subnets": []}, "subnets is empty"),
    ({"sharing_key": "KEY"}, "needs both sharing_bucket and sharing_key"),
])
def test_bad_input(overrides, message):
    stack = Stack(new_app(), "S")
    vpc = ec2.Vpc.from_vpc_attributes(stack, "V", vpc_id="vpc-1", availability_zones=["a", "b"],
                                      isolated_subnet_ids=["subnet-1", "subnet-2"])
    sg = ec2.SecurityGroup.from_security_group_id(stack, "Sg", "sg-1")
    keys = EncryptionKeys(stack, "K")
    role = iam.Role.from_role_arn(stack, "R", "arn:aws:iam::111122223333:role/x")
    kwargs = dict(domain_name="ok", vpc=vpc, subnets=vpc.isolated_subnets, security_groups=[sg],
                  encryption_key=keys.volumes, default_execution_role=role)
    if overrides.get("sharing_key") == "KEY":
        overrides = {"sharing_key": keys.artifacts}
    with pytest.raises(ValueError) as info:
        SecureStudioDomain(stack, "D", **{**kwargs, **overrides})
    assert message in str(info.value)
