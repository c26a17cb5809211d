"""The emulator's feature groups (cdk_secure_ml.emulator.feature_store): the AWS::SageMaker::FeatureGroup
adapter through moto's backend, the API calls moto lacks, and AWS's refusals."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from cdk_secure_ml.emulator._base import ADAPTERS, STAND_INS
from cdk_secure_ml.emulator.server import unsupported_types

from .conftest import REGION

pytestmark = pytest.mark.usefixtures("adapters")

FEATURES = [{"FeatureName": "customer-id", "FeatureType": "String"},
            {"FeatureName": "event-time", "FeatureType": "Fractional"}]


def _trust(service: str) -> dict:
    return {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]}


def _resources(features=FEATURES, service="sagemaker.amazonaws.com", key_ref=True, **overrides) -> dict:
    key = {"Fn::GetAtt": ["Key", "Arn"]} if key_ref else f"arn:aws:kms:{REGION}:123456789012:key/missing"
    props = {
        "FeatureGroupName": "customers", "RecordIdentifierFeatureName": "customer-id",
        "EventTimeFeatureName": "event-time", "FeatureDefinitions": features,
        "OnlineStoreConfig": {"EnableOnlineStore": True, "SecurityConfig": {"KmsKeyId": key},
                              "TtlDuration": {"Unit": "Days", "Value": 30}},
        "OfflineStoreConfig": {"S3StorageConfig": {"S3Uri": "s3://data/research/feature-store",
                                                   "KmsKeyId": key}},
        "RoleArn": {"Fn::GetAtt": ["Role", "Arn"]},
        "Tags": [{"Key": "team", "Value": "research"}],
        **overrides,
    }
    return {
        "Key": {"Type": "AWS::KMS::Key",
                "Properties": {"KeyPolicy": {"Version": "2012-10-17", "Statement": []}}},
        "Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": _trust(service)}},
        "Group": {"Type": "AWS::SageMaker::FeatureGroup", "Properties": props},
    }


def _deploy(aws, resources, name="features", update=False):
    cloudformation = aws("cloudformation")
    body = json.dumps({"Resources": resources})
    if update:
        cloudformation.create_change_set(StackName=name, ChangeSetName="u", TemplateBody=body,
                                         ChangeSetType="UPDATE")
        cloudformation.execute_change_set(StackName=name, ChangeSetName="u")
    else:
        cloudformation.create_stack(StackName=name, TemplateBody=body)
    stack = cloudformation.describe_stacks(StackName=name)["Stacks"][0]
    failed = [e.get("ResourceStatusReason", "") for e in
              cloudformation.describe_stack_events(StackName=name)["StackEvents"]
              if e["ResourceStatus"].endswith("_FAILED")]
    return stack["StackStatus"], failed


def test_the_adapter_is_registered_and_labelled_an_adapter():
    assert "AWS::SageMaker::FeatureGroup" in ADAPTERS
    assert "AWS::SageMaker::FeatureGroup" not in STAND_INS  # stored in moto's own backend
    assert unsupported_types(["AWS::SageMaker::FeatureGroup"]) == []


def test_a_group_is_created_described_listed_tagged_and_deleted(aws):
    status, failed = _deploy(aws, _resources())
    assert (status, failed) == ("CREATE_COMPLETE", [])
    sm = aws("sagemaker")
    group = sm.describe_feature_group(FeatureGroupName="customers")
    assert group["OnlineStoreConfig"]["SecurityConfig"]["KmsKeyId"].startswith("arn:aws:kms:")
    assert group["OnlineStoreConfig"]["TtlDuration"] == {"Unit": "Days", "Value": 30}
    resolved = group["OfflineStoreConfig"]["S3StorageConfig"]["ResolvedOutputS3Uri"]
    assert resolved.startswith("s3://data/research/feature-store/123456789012/sagemaker/us-east-1/offline-store/")
    assert group["OfflineStoreConfig"]["DataCatalogConfig"]["Database"] == "sagemaker_featurestore"
    assert [g["FeatureGroupName"] for g in sm.list_feature_groups()["FeatureGroupSummaries"]] == ["customers"]
    tags = sm.list_tags(ResourceArn=group["FeatureGroupArn"])["Tags"]
    assert tags == [{"Key": "team", "Value": "research"}]
    sm.delete_feature_group(FeatureGroupName="customers")
    assert sm.list_feature_groups()["FeatureGroupSummaries"] == []


def test_an_online_only_group_without_a_glue_table(aws):
    resources = _resources()
    props = resources["Group"]["Properties"]
    props.pop("OfflineStoreConfig")
    props.pop("RoleArn")
    assert _deploy(aws, resources)[0] == "CREATE_COMPLETE"
    group = aws("sagemaker").describe_feature_group(FeatureGroupName="customers")
    assert "OfflineStoreConfig" not in group and "RoleArn" not in group


@pytest.mark.aws_behaviour("sagemaker.feature-group-glue-table")
def test_disable_glue_table_creation_leaves_no_catalog_entry(aws):
    resources = _resources()
    resources["Group"]["Properties"]["OfflineStoreConfig"]["DisableGlueTableCreation"] = True
    assert _deploy(aws, resources)[0] == "CREATE_COMPLETE"
    group = aws("sagemaker").describe_feature_group(FeatureGroupName="customers")
    assert "DataCatalogConfig" not in group["OfflineStoreConfig"]


@pytest.mark.aws_behaviour("sagemaker.feature-group-definition")
def test_a_record_identifier_that_is_not_a_feature_is_refused(aws):
    status, failed = _deploy(aws, _resources(RecordIdentifierFeatureName="id"))
    assert status == "ROLLBACK_COMPLETE"
    assert "record_identifier 'id' of feature group 'customers' is not one of its features" in failed[0]
    assert "sagemaker.feature-group-definition" in failed[0]


@pytest.mark.aws_behaviour("sagemaker.feature-group-definition")
def test_a_bad_type_and_an_integral_event_time_are_refused_through_the_api(aws):
    sm = aws("sagemaker")
    with pytest.raises(ClientError) as error:
        sm.create_feature_group(
            FeatureGroupName="g", RecordIdentifierFeatureName="id", EventTimeFeatureName="t",
            FeatureDefinitions=[{"FeatureName": "id", "FeatureType": "String"},
                                {"FeatureName": "t", "FeatureType": "Integral"}],
            OnlineStoreConfig={"EnableOnlineStore": True})
    assert "an event time is a String (ISO-8601) or a Fractional" in error.value.response["Error"]["Message"]
    with pytest.raises(ClientError, match="neither an online nor an offline store"):
        sm.create_feature_group(FeatureGroupName="g", RecordIdentifierFeatureName="id",
                                EventTimeFeatureName="id", FeatureDefinitions=FEATURES[:1])


@pytest.mark.aws_behaviour("sagemaker.feature-group-role-trust")
def test_a_role_sagemaker_cannot_assume_is_refused(aws):
    status, failed = _deploy(aws, _resources(service="lambda.amazonaws.com"))
    assert status == "ROLLBACK_COMPLETE"
    assert "cannot be assumed by SageMaker" in failed[0] and "sagemaker.feature-group-role-trust" in failed[0]


@pytest.mark.aws_behaviour("sagemaker.feature-group-kms-key")
def test_a_missing_kms_key_is_refused(aws):
    status, failed = _deploy(aws, _resources(key_ref=False))
    assert status == "ROLLBACK_COMPLETE"
    assert "KMS key arn:aws:kms:us-east-1:123456789012:key/missing does not exist" in failed[0]


def test_a_second_group_of_the_same_name_is_refused(aws):
    assert _deploy(aws, _resources())[0] == "CREATE_COMPLETE"
    with pytest.raises(ClientError, match="already exists"):
        aws("sagemaker").create_feature_group(
            FeatureGroupName="customers", RecordIdentifierFeatureName="customer-id",
            EventTimeFeatureName="event-time", FeatureDefinitions=FEATURES,
            OnlineStoreConfig={"EnableOnlineStore": True})


@pytest.mark.aws_behaviour("sagemaker.feature-group-features-add-only", "sagemaker.feature-group-create-only")
def test_features_are_added_in_place_and_never_removed(aws):
    assert _deploy(aws, _resources())[0] == "CREATE_COMPLETE"
    more = [*FEATURES, {"FeatureName": "age", "FeatureType": "Integral"}]
    assert _deploy(aws, _resources(features=more), update=True) == ("UPDATE_COMPLETE", [])
    group = aws("sagemaker").describe_feature_group(FeatureGroupName="customers")
    assert [f["FeatureName"] for f in group["FeatureDefinitions"]] == ["customer-id", "event-time", "age"]
    status, failed = _deploy(aws, _resources(features=FEATURES[:1] + [
        {"FeatureName": "event-time", "FeatureType": "String"}]), update=True)
    assert status == "UPDATE_ROLLBACK_COMPLETE"
    assert "features cannot be removed or changed (removed ['age'], type changed ['event-time'])" in failed[0]
    aws("sagemaker").update_feature_group(FeatureGroupName="customers",
                                          FeatureAdditions=[{"FeatureName": "x", "FeatureType": "String"}])
    group = aws("sagemaker").describe_feature_group(FeatureGroupName="customers")
    assert group["FeatureDefinitions"][-1] == {"FeatureName": "x", "FeatureType": "String"}


@pytest.mark.aws_behaviour("sagemaker.feature-group-create-only", "cloudformation.custom-name-replacement")
def test_a_create_only_change_under_the_same_name_is_refused(aws):
    assert _deploy(aws, _resources())[0] == "CREATE_COMPLETE"
    status, failed = _deploy(aws, _resources(EventTimeFeatureName="customer-id"), update=True)
    assert status == "UPDATE_ROLLBACK_COMPLETE"
    assert any("custom-named resource requires replacing" in reason for reason in failed)
