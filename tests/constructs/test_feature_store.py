"""SecureFeatureStore, the FeatureStore stack of the demo config, and what Foundation adds for it: the
featurestore-runtime endpoint, the persona policies and the data bucket's exemption of the offline roles."""

from __future__ import annotations

import json

import pytest
from aws_cdk import Stack
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk.assertions import Template

from cdk_secure_ml.constructs.feature_store import FeatureGroupOptions, SecureFeatureStore
from cdk_secure_ml.core.feature_store import Feature
from tests.conftest import new_app

FEATURES = (("customer-id", "String"), ("event-time", "Fractional"))


def _only(template: Template, resource_type: str) -> dict:
    (resource,) = template.find_resources(resource_type).values()
    return resource


def _statements(policy: dict) -> dict[str, dict]:
    return {s["Sid"]: s for s in policy["Properties"]["PolicyDocument"]["Statement"]}


@pytest.fixture(scope="module")
def demo(demo_app):
    _, stage, _ = demo_app
    return stage, Template.from_stack(stage.feature_store), Template.from_stack(stage.foundation)


@pytest.fixture(scope="module")
def options_app():
    """Options off the demo's path: an online-only group, a group without a Glue table."""
    app = new_app()
    stack = Stack(app, "Options")
    bucket, key = s3.Bucket(stack, "Data"), kms.Key(stack, "Key")
    store = SecureFeatureStore(stack, "Store", platform="p", data_bucket=bucket, data_key=key, groups=[
        FeatureGroupOptions(name="online-only", team="fraud", record_identifier="customer-id",
                            event_time="event-time", features=FEATURES, offline=False),
        FeatureGroupOptions(name="no-glue", team="research", record_identifier="customer-id",
                            event_time="event-time", features=[Feature(*f) for f in FEATURES], online=False,
                            glue_table=False, description="plain"),
    ])
    return store, Template.from_stack(stack)


def test_the_stage_has_a_feature_store_stack_only_with_groups(demo, reference_app):
    stage, _, _ = demo
    assert stage.feature_store is not None and list(stage.feature_store.feature_store.groups) == ["customers"]
    assert reference_app[1].feature_store is None


@pytest.mark.aws_behaviour("sagemaker.feature-group-names")
def test_the_group_has_both_stores_encrypted_with_the_data_key(demo):
    _, template, _ = demo
    group = _only(template, "AWS::SageMaker::FeatureGroup")
    props = group["Properties"]
    data_key = {"Fn::ImportValue":
                "secure-ml-demo-Foundation:ExportsOutputFnGetAttKeysDataKey8F3FE3A4Arn636228AA"}
    assert props["FeatureGroupName"] == "customers"
    assert props["OnlineStoreConfig"] == {"EnableOnlineStore": True, "SecurityConfig": {"KmsKeyId": data_key},
                                          "TtlDuration": {"Unit": "Days", "Value": 365}}
    offline = props["OfflineStoreConfig"]
    assert offline["S3StorageConfig"]["KmsKeyId"] == data_key
    assert offline["S3StorageConfig"]["S3Uri"]["Fn::Join"][1][-1] == "/research/feature-store"
    assert offline["DisableGlueTableCreation"] is False
    assert props["RecordIdentifierFeatureName"] == "customer-id"
    assert props["EventTimeFeatureName"] == "event-time"
    assert len(props["FeatureDefinitions"]) == 5


@pytest.mark.aws_behaviour("sagemaker.feature-group-create-only")
def test_the_group_is_retained_tagged_with_its_team_and_not_with_changeable_tags(demo):
    _, template, _ = demo
    group = _only(template, "AWS::SageMaker::FeatureGroup")
    assert group["DeletionPolicy"] == "Retain" and group["UpdateReplacePolicy"] == "Retain"
    tags = {t["Key"]: t["Value"] for t in group["Properties"]["Tags"]}
    # config.tags (owner, project) may change; tags are create-only: they stay off the group.
    assert tags == {"team": "research", "secure-ml:platform": "secure-ml-demo", "secure-ml:stage": "dev"}


@pytest.mark.aws_behaviour("sagemaker.feature-group-role-trust")
def test_the_offline_store_role_is_least_privileged(demo):
    _, template, _ = demo
    role = _only(template, "AWS::IAM::Role")["Properties"]
    (trust,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "sagemaker.amazonaws.com"}
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}
    assert role["Path"] == "/secure-ml-demo/feature-store/"
    assert "PermissionsBoundary" in role
    statements = _statements(_only(template, "AWS::IAM::ManagedPolicy"))
    assert statements["OfflineStoreObjects"]["Action"] == ["s3:GetObject", "s3:PutObject", "s3:PutObjectAcl"]
    assert statements["OfflineStoreObjects"]["Resource"]["Fn::Join"][1][-1] == "/research/feature-store/*"
    assert statements["OfflineStoreKeyThroughS3"]["Condition"] == {
        "StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}
    glue = json.dumps(statements["OfflineStoreGlueTables"]["Resource"])
    assert ":table/sagemaker_featurestore/customers_*" in glue and ":database/sagemaker_featurestore" in glue
    group = _only(template, "AWS::SageMaker::FeatureGroup")
    assert group["Properties"]["RoleArn"]["Fn::GetAtt"][0].startswith("FeatureStoreOfflineStoreRoleResearch")
    # the role (RoleArn) and its policy (DependsOn) exist before CreateFeatureGroup
    assert [d[:33] for d in group["DependsOn"]] == ["FeatureStoreOfflineStorePolicyRes"]


def test_foundation_adds_the_runtime_endpoint_and_exempts_the_offline_roles(demo, reference_app):
    _, _, foundation = demo
    services = json.dumps([e["Properties"]["ServiceName"]
                           for e in foundation.find_resources("AWS::EC2::VPCEndpoint").values()])
    assert "sagemaker.featurestore-runtime" in services
    default = Template.from_stack(reference_app[1].foundation)
    assert "featurestore" not in json.dumps(default.find_resources("AWS::EC2::VPCEndpoint"))
    policies = json.dumps(foundation.find_resources("AWS::S3::BucketPolicy"))
    assert ":role/secure-ml-demo/feature-store/*" in policies
    assert ":role/" not in json.dumps(default.find_resources("AWS::S3::BucketPolicy"))


@pytest.mark.aws_behaviour("sagemaker.feature-group-record-actions-tag-condition",
                           "sagemaker.feature-group-online-key-decrypt")
def test_persona_policies_give_the_team_its_groups(demo):
    stage, _, foundation = demo
    policies = foundation.find_resources("AWS::IAM::ManagedPolicy")

    def policy(construct_id: str) -> dict:
        return next(p for logical, p in policies.items() if logical.startswith(f"Personas{construct_id}"))

    write, read = _statements(policy("FeatureStore")), _statements(policy("FeatureStoreRead"))
    assert write["TeamFeatureGroups"]["Action"] == [
        "sagemaker:BatchGetRecord", "sagemaker:DeleteRecord", "sagemaker:DescribeFeatureGroup",
        "sagemaker:DescribeFeatureMetadata", "sagemaker:GetRecord", "sagemaker:PutRecord"]
    assert read["TeamFeatureGroups"]["Action"] == [
        "sagemaker:BatchGetRecord", "sagemaker:DescribeFeatureGroup", "sagemaker:DescribeFeatureMetadata",
        "sagemaker:GetRecord"]
    assert write["TeamFeatureGroups"]["Condition"] == {
        "StringEquals": {"sagemaker:ResourceTag/team": "${aws:PrincipalTag/team}"}}
    assert write["FeatureStoreOnlineKey"]["Action"] == "kms:Decrypt"
    personas = stage.foundation.personas
    assert personas._policy_sets()["data-scientist"][-1] == "FeatureStore"
    assert personas._policy_sets()["ml-engineer"][-1] == "FeatureStoreRead"
    roles = foundation.find_resources("AWS::IAM::Role")
    ds_exec = next(r for k, r in roles.items() if k.startswith("PersonasDataScientistResearchExecutionRole"))
    assert any("PersonasFeatureStore" in json.dumps(a) and "Read" not in json.dumps(a)
               for a in ds_exec["Properties"]["ManagedPolicyArns"])


def test_options_online_only_and_no_glue_table(options_app):
    store, template = options_app
    groups = {g["Properties"]["FeatureGroupName"]: g["Properties"]
              for g in template.find_resources("AWS::SageMaker::FeatureGroup").values()}
    assert "OfflineStoreConfig" not in groups["online-only"] and "RoleArn" not in groups["online-only"]
    assert "TtlDuration" not in groups["online-only"]["OnlineStoreConfig"]
    assert "OnlineStoreConfig" not in groups["no-glue"]
    assert groups["no-glue"]["OfflineStoreConfig"]["DisableGlueTableCreation"] is True
    assert groups["no-glue"]["Description"] == "plain" and "Description" not in groups["online-only"]
    assert list(store.offline_roles) == ["research"]  # no role for a team without an offline store
    statements = _statements(_only(template, "AWS::IAM::ManagedPolicy"))
    assert "OfflineStoreGlueTables" not in statements


@pytest.mark.aws_behaviour("sagemaker.feature-group-definition")
def test_every_problem_of_the_groups_at_once():
    stack = Stack(new_app(), "Bad")
    bucket, key = s3.Bucket(stack, "Data"), kms.Key(stack, "Key")
    bad = FeatureGroupOptions(name="bad_name", team="t", record_identifier="id", event_time="event-time",
                              features=FEATURES, online=False, offline=False)
    with pytest.raises(ValueError) as error:
        SecureFeatureStore(stack, "Store", platform="p", data_bucket=bucket, data_key=key, groups=[bad, bad])
    message = str(error.value)
    assert message.startswith("SecureFeatureStore: feature group name 'bad_name' is not valid")
    assert "record_identifier 'id' of feature group 'bad_name' is not one of its features" in message
    assert "neither an online nor an offline store" in message
    assert "feature group 'bad_name' is given twice" in message
