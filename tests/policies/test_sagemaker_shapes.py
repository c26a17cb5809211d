"""The rules for the newer SageMaker shapes (issue 14 kind 5): the AWS behaviours they rely on, the
handed field case 08 from the inference component's side, the compliant twins together, the SCP
statement and gap, and the Config rules. The per-rule fixtures are in ``shapes_cases.py``."""

from __future__ import annotations

from pathlib import Path

import pytest
from policy_sentry.querying.actions import get_actions_matching_condition_key

from cdk_secure_ml.core.config_rules import CONFIG_RULES
from cdk_secure_ml.policies.rules import RULES_BY_ID
from cdk_secure_ml.policies.runner import check_paths
from cdk_secure_ml.policies.scp import COVERAGE_EXCEPTIONS, load_policy

from . import shapes_cases as c
from .sml_helpers import check, findings, template, verdict

NEW_RULES = {rule for _, rule, *_ in c.SHAPES_CASES} - {"SML-NET-5", "SML-NET-7"}
CASE_08 = Path(__file__).parent / "field_cases" / "case-08-inference-component-endpoint-no-vpc.yaml"


def _messages(resources: dict, rule: str, resource: str, **sections) -> list[str]:
    return [f.message for f in findings(template(resources, **sections), rule, resource)]


def test_the_compliant_twins_together_raise_nothing_from_the_new_rules() -> None:
    everything = {
        **c.IC_HOSTING, **c.SSM_CONFIG, **c.DOMAIN, **c.SPACE, **c.IMAGE_VERSION, **c.FEATURE_GROUP,
        **c.MODEL_CARD, **c.CLUSTER, **c.MLFLOW,
        **c.pipeline(c.TRAINING_STEP, c.PROCESSING_STEP, c.CONDITION_STEP),
        **c.PACKAGE_GROUP, **c.REPO,
    }  # fmt: skip
    report = check(template(everything))
    assert [(f.rule, f.resource, f.message) for f in report.findings if f.rule in NEW_RULES] == []


def test_every_new_rule_cites_aws_documentation() -> None:
    for rule_id in NEW_RULES:
        rule = RULES_BY_ID[rule_id]
        assert rule.references and all(r.startswith("https://") for r in rule.references), rule_id


def test_case_08_the_inference_component_names_its_endpoint_config() -> None:
    found = [f for f in check_paths([CASE_08]).findings if f.resource == "ChatComponent"]
    assert {f.rule for f in found} == {"SML-HOST-6"}
    text = " ".join(f.message for f in found)
    assert "LlmEndpointConfig" in text and "VpcConfig" in text and "EnableNetworkIsolation" in text


@pytest.mark.aws_behaviour("sagemaker.ssm-access-off-by-default")
def test_ssm_access_is_a_finding_only_when_turned_on() -> None:
    assert _messages(c.SSM_CONFIG, "SML-HOST-7", "Config") == []  # unset: off
    on = c.mod(c.SSM_CONFIG, "Config", "ProductionVariants.0.EnableSSMAccess", True)
    (message,) = _messages(on, "SML-HOST-7", "Config")
    assert "ProductionVariants[0] (AllTraffic)" in message and "EnableSSMAccess" in message


@pytest.mark.aws_behaviour("sagemaker.default-space-settings-shared-only")
@pytest.mark.aws_behaviour("sagemaker.shared-space-runs-as-the-space-role")
def test_default_space_settings_matter_only_with_shared_spaces() -> None:
    bare = c.mod(c.DOMAIN, "Domain", "DefaultSpaceSettings")
    assert _messages({**bare, **c.SPACE}, "SML-NET-18", "Domain") == []  # private spaces only
    messages = _messages({**bare, **c.SHARED_SPACE}, "SML-NET-18", "Domain")
    assert any("DefaultSpaceSettings.ExecutionRole" in m and "shared space(s) Space" in m for m in messages)
    assert any("DefaultSpaceSettings.SecurityGroups" in m for m in messages)


@pytest.mark.aws_behaviour("sagemaker.space-remote-access-iam-credentials")
def test_remote_access_is_refused_by_the_rule_and_the_scp() -> None:
    enabled = c.mod({**c.DOMAIN, **c.SPACE}, "Space", "SpaceSettings.RemoteAccess", "ENABLED")
    (message,) = _messages(enabled, "SML-NET-20", "Space")
    assert "IAM credentials" in message
    statements = load_policy("sagemaker-network")["Statement"]
    (statement,) = [s for s in statements if s["Sid"] == "DenySpaceRemoteAccess"]
    assert statement["Condition"] == {"StringEquals": {"sagemaker:RemoteAccess": "ENABLED"}}
    supported = set(get_actions_matching_condition_key("sagemaker", "sagemaker:RemoteAccess"))
    assert set(statement["Action"]) == supported == {"sagemaker:CreateSpace", "sagemaker:UpdateSpace"}


@pytest.mark.aws_behaviour("sagemaker.domain-docker-settings")
def test_docker_access_names_the_trusted_accounts() -> None:
    docker = {"EnableDockerAccess": "ENABLED", "VpcOnlyTrustedAccounts": ["111122223333"]}
    enabled = c.mod(c.DOCKER, "Domain", "DomainSettings.DockerSettings", docker)
    (found,) = findings(template(enabled), "SML-NET-19", "Domain")
    assert found.severity == "warning" and "111122223333" in found.message


@pytest.mark.aws_behaviour("sagemaker.hyperpod-root-volume-key")
def test_hyperpod_root_volume_needs_its_own_config() -> None:
    secondary_only = c.mod(c.CLUSTER, "Cluster", "InstanceGroups.0.InstanceStorageConfigs", [c.EBS_DATA])
    (message,) = _messages(secondary_only, "SML-ENC-22", "Cluster")
    assert "InstanceGroups[0] (workers)" in message and "RootVolume" in message and "AWS owned key" in message
    fsx_only = c.mod(c.CLUSTER, "Cluster", "InstanceGroups.0.InstanceStorageConfigs",
                     [c.EBS_ROOT, {"FsxLustreConfig": {"FileSystemId": "fs-1"}}])  # fmt: skip
    assert _messages(fsx_only, "SML-ENC-22", "Cluster") == []


@pytest.mark.aws_behaviour("sagemaker.mlflow-artifacts-in-general-purpose-bucket")
def test_mlflow_is_judged_by_its_artifact_bucket() -> None:
    plain = c.mod(c.MLFLOW, "Artifacts", "BucketEncryption")
    (message,) = _messages(plain, "SML-ENC-23", "Tracking")
    assert "Artifacts" in message and "SSE-KMS" in message
    outside = c.mod(c.MLFLOW, "Tracking", "ArtifactStoreUri", "s3://shared-bucket/mlflow")
    (message,) = _messages(outside, "SML-ENC-23", "Tracking")
    assert message.startswith("cannot verify") and "s3://shared-bucket/mlflow" in message


@pytest.mark.aws_behaviour("config.featuregroup-encryption-rules")
def test_feature_group_config_rules_are_deployed_where_they_exist() -> None:
    online = CONFIG_RULES["sagemaker-featuregroup-online-store-encryption"]
    offline = CONFIG_RULES["sagemaker-featuregroup-encryption-at-rest"]
    assert online.identifier == "SAGEMAKER_FEATUREGROUP_ONLINE_STORE_ENCRYPTION"
    assert offline.identifier == "SAGEMAKER_FEATUREGROUP_ENCRYPTION_AT_REST"
    for spec in (online, offline):
        assert spec.group == "sagemaker"
        assert spec.available_in("eu-west-1") and spec.available_in("il-central-1")
        assert not spec.available_in("me-south-1") and not spec.available_in("us-gov-west-1")
    # The pack's rules judge the same two keys in templates.
    no_key = c.mod(c.FEATURE_GROUP, "Features", "OnlineStoreConfig.SecurityConfig")
    assert _messages(no_key, "SML-ENC-19", "Features")
    in_memory = c.mod(c.mod(c.FEATURE_GROUP, "Features", "OnlineStoreConfig.SecurityConfig"),
                      "Features", "OnlineStoreConfig.StorageType", "InMemory")  # fmt: skip
    assert _messages(in_memory, "SML-ENC-19", "Features") == []


@pytest.mark.aws_behaviour("iam.sagemaker-create-endpoint-config-keys")
def test_the_endpoint_config_gap_is_a_reasoned_exception() -> None:
    keys = {"sagemaker:VpcSubnets", "sagemaker:NetworkIsolation", "sagemaker:ModelArn"}
    for key in keys:
        assert "sagemaker:CreateEndpointConfig" in get_actions_matching_condition_key("sagemaker", key)
    exceptions = COVERAGE_EXCEPTIONS[("sagemaker-network", "sagemaker:VpcSubnets")]
    reason = exceptions["sagemaker:CreateEndpointConfig"]
    assert "sagemaker:ModelArn" in reason and "SML-HOST-6" in reason
    # The template rules close the gap the SCP leaves: an inference-component config without a VPC fails.
    no_vpc = template(c.mod(c.IC_HOSTING, "IcConfig", "VpcConfig"))
    assert verdict(findings(no_vpc, "SML-NET-5", "IcConfig")) == "error"


@pytest.mark.aws_behaviour("ecr.tag-immutability")
def test_images_named_by_tag_are_reported() -> None:
    image = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/team:v3"
    tagged = c.mod(c.IMAGE_VERSION, "Version", "BaseImage", image)
    (message,) = _messages(tagged, "SML-AUD-6", "Version")
    assert "team:v3" in message and "@sha256" in message
