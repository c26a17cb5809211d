"""The AWS::SageMaker::Space stand-in (emulator.studio_spaces): created through CloudFormation on the store
the Studio API stand-ins answer from, updated in place, and refused where SageMaker refuses."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from cdk_secure_ml.emulator._base import ADAPTERS, STAND_INS

from .conftest import deploy, vpc_resources

STORAGE = {"DefaultEbsStorageSettings": {"DefaultEbsVolumeSizeInGb": 10, "MaximumEbsVolumeSizeInGb": 50}}


def studio_with_space(size: int = 10, owner: str = "alice", sharing: str = "Private") -> dict:
    resources = vpc_resources()
    resources["Domain"] = {"Type": "AWS::SageMaker::Domain", "Properties": {
        "DomainName": "studio", "AuthMode": "IAM", "AppNetworkAccessType": "VpcOnly",
        "VpcId": {"Ref": "Vpc"}, "SubnetIds": [{"Ref": "SubnetA"}],
        "DefaultUserSettings": {"ExecutionRole": "arn:aws:iam::123456789012:role/exec",
                                "SpaceStorageSettings": STORAGE}}}
    resources["Profile"] = {"Type": "AWS::SageMaker::UserProfile", "Properties": {
        "DomainId": {"Fn::GetAtt": ["Domain", "DomainId"]}, "UserProfileName": "alice"}}
    resources["Space"] = {"Type": "AWS::SageMaker::Space", "DependsOn": ["Profile"], "Properties": {
        "DomainId": {"Fn::GetAtt": ["Domain", "DomainId"]}, "SpaceName": "alice-jl",
        "SpaceDisplayName": "alice JupyterLab",
        "OwnershipSettings": {"OwnerUserProfileName": owner},
        "SpaceSharingSettings": {"SharingType": sharing},
        "SpaceSettings": {"AppType": "JupyterLab",
                          "SpaceStorageSettings": {"EbsStorageSettings": {"EbsVolumeSizeInGb": size}}}}}
    return resources


def _failure(aws, resources: dict, name: str = "space-test") -> str:
    cloudformation = aws("cloudformation")
    cloudformation.create_stack(StackName=name, TemplateBody=json.dumps({"Resources": resources}))
    events = cloudformation.describe_stack_events(StackName=name)["StackEvents"]
    failed = [e for e in events if e["ResourceStatus"].endswith("FAILED")]
    return " ".join(e.get("ResourceStatusReason") or "" for e in failed)


def test_space_is_a_labelled_stand_in():
    assert "AWS::SageMaker::Space" in ADAPTERS and "AWS::SageMaker::Space" in STAND_INS


def test_a_private_space_is_created_with_its_owner_and_size(aws):
    deploy(aws, studio_with_space(), outputs={"Arn": {"Value": {"Fn::GetAtt": ["Space", "SpaceArn"]}}})
    sagemaker = aws("sagemaker")
    domain_id = sagemaker.list_domains()["Domains"][0]["DomainId"]
    space = sagemaker.describe_space(DomainId=domain_id, SpaceName="alice-jl")
    assert space["OwnershipSettings"] == {"OwnerUserProfileName": "alice"}
    assert space["SpaceSharingSettings"] == {"SharingType": "Private"}
    assert space["SpaceSettings"]["SpaceStorageSettings"]["EbsStorageSettings"]["EbsVolumeSizeInGb"] == 10
    assert [s["SpaceName"] for s in sagemaker.list_spaces(DomainIdEquals=domain_id)["Spaces"]] == ["alice-jl"]


def test_the_owner_profile_must_exist(aws):
    reason = _failure(aws, studio_with_space(owner="alice-missing"))
    assert "alice-missing" in reason and "not found" in reason.lower()


@pytest.mark.aws_behaviour("sagemaker.space-ebs-within-domain-maximum")
def test_a_space_above_the_domain_maximum_is_refused(aws):
    reason = _failure(aws, studio_with_space(size=51))
    assert "sagemaker.space-ebs-within-domain-maximum" in reason and "above" in reason


@pytest.mark.aws_behaviour("sagemaker.space-ebs-size-range")
def test_a_space_outside_5_to_16384_gib_is_refused(aws):
    assert "sagemaker.space-ebs-size-range" in _failure(aws, studio_with_space(size=4))


@pytest.mark.aws_behaviour("sagemaker.space-ebs-size-range")
@pytest.mark.aws_behaviour("sagemaker.space-ebs-within-domain-maximum")
@pytest.mark.parametrize(("size", "refusal"), [(20000, "space-ebs-size-range"),
                                               (100, "space-ebs-within-domain-maximum")])
def test_spaces_users_create_through_the_api_are_refused_alike(aws, size, refusal):
    deploy(aws, studio_with_space())
    sagemaker = aws("sagemaker")
    domain_id = sagemaker.list_domains()["Domains"][0]["DomainId"]
    with pytest.raises(ClientError, match=refusal):
        sagemaker.create_space(
            DomainId=domain_id, SpaceName="alice-big", OwnershipSettings={"OwnerUserProfileName": "alice"},
            SpaceSharingSettings={"SharingType": "Private"},
            SpaceSettings={"AppType": "JupyterLab",
                           "SpaceStorageSettings": {"EbsStorageSettings": {"EbsVolumeSizeInGb": size}}})


@pytest.mark.aws_behaviour("sagemaker.delete-user-profile-needs-no-apps")
def test_the_owner_cannot_be_deleted_while_it_owns_the_space(aws):
    deploy(aws, studio_with_space())
    sagemaker = aws("sagemaker")
    domain_id = sagemaker.list_domains()["Domains"][0]["DomainId"]
    with pytest.raises(ClientError, match=r"alice.*spaces \['alice-jl'\]"):
        sagemaker.delete_user_profile(DomainId=domain_id, UserProfileName="alice")


def test_an_update_changes_the_size_in_place_and_is_checked(aws):
    deploy(aws, studio_with_space(), name="space-update")
    cloudformation, sagemaker = aws("cloudformation"), aws("sagemaker")
    domain_id = sagemaker.list_domains()["Domains"][0]["DomainId"]
    before = sagemaker.describe_space(DomainId=domain_id, SpaceName="alice-jl")["CreationTime"]
    cloudformation.update_stack(StackName="space-update",
                                TemplateBody=json.dumps({"Resources": studio_with_space(size=20)}))
    space = sagemaker.describe_space(DomainId=domain_id, SpaceName="alice-jl")
    assert space["SpaceSettings"]["SpaceStorageSettings"]["EbsStorageSettings"]["EbsVolumeSizeInGb"] == 20
    assert space["CreationTime"] == before  # not replaced
    with pytest.raises(ClientError, match="space-ebs-within-domain-maximum"):
        sagemaker.update_space(
            DomainId=domain_id, SpaceName="alice-jl",
            SpaceSettings={"SpaceStorageSettings": {"EbsStorageSettings": {"EbsVolumeSizeInGb": 60}}})
