"""The Studio custom image stand-ins (emulator.studio_images): Image, ImageVersion and AppImageConfig through
CloudFormation, the domain and profiles naming them, and the refusals SageMaker makes."""

from __future__ import annotations

import copy
import json

import pytest

from cdk_secure_ml.emulator import sagemaker_standins as standins
from cdk_secure_ml.emulator._base import ADAPTERS, STAND_INS

from .conftest import REGION, deploy, vpc_resources

ACCOUNT = "123456789012"
DIGEST = "sha256:" + "ab" * 32
BASE_IMAGE = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/ml/jupyter@{DIGEST}"
TYPES = ("AWS::SageMaker::Image", "AWS::SageMaker::ImageVersion", "AWS::SageMaker::AppImageConfig")
CUSTOM = [{"ImageName": "jl", "AppImageConfigName": "jl-config"}]


def images(
    base_image: str = BASE_IMAGE,
    config_name: str = "jl-config",
    domain_images: list | None = None,
    profile_images: list | None = None,
) -> dict:
    resources = vpc_resources()
    resources["Role"] = {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "AssumeRolePolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "sts:AssumeRole",
                        "Principal": {"Service": "sagemaker.amazonaws.com"},
                    }
                ],
            }
        },
    }
    resources["Image"] = {
        "Type": "AWS::SageMaker::Image",
        "Properties": {
            "ImageName": "jl",
            "ImageRoleArn": {"Fn::GetAtt": ["Role", "Arn"]},
            "ImageDisplayName": "JL",
        },
    }
    resources["Version"] = {
        "Type": "AWS::SageMaker::ImageVersion",
        "DependsOn": ["Image"],
        "Properties": {"ImageName": "jl", "BaseImage": base_image},
    }
    resources["Config"] = {
        "Type": "AWS::SageMaker::AppImageConfig",
        "Properties": {"AppImageConfigName": config_name, "JupyterLabAppImageConfig": {}},
    }
    resources["Domain"] = {
        "Type": "AWS::SageMaker::Domain",
        "DependsOn": ["Version", "Config"],
        "Properties": {
            "DomainName": "studio",
            "AuthMode": "IAM",
            "AppNetworkAccessType": "VpcOnly",
            "VpcId": {"Ref": "Vpc"},
            "SubnetIds": [{"Ref": "SubnetA"}],
            "DefaultUserSettings": {
                "ExecutionRole": f"arn:aws:iam::{ACCOUNT}:role/exec",
                "JupyterLabAppSettings": {"CustomImages": domain_images or CUSTOM},
            },
        },
    }
    resources["Profile"] = {
        "Type": "AWS::SageMaker::UserProfile",
        "Properties": {
            "DomainId": {"Fn::GetAtt": ["Domain", "DomainId"]},
            "UserProfileName": "alice",
            "UserSettings": {"JupyterLabAppSettings": {"CustomImages": profile_images or CUSTOM}},
        },
    }
    return resources


def _failure(aws, resources: dict, name: str = "images-test") -> str:
    cloudformation = aws("cloudformation")
    cloudformation.create_stack(StackName=name, TemplateBody=json.dumps({"Resources": resources}))
    events = cloudformation.describe_stack_events(StackName=name)["StackEvents"]
    return " ".join(
        e.get("ResourceStatusReason") or "" for e in events if e["ResourceStatus"].endswith("FAILED")
    )


def _store(kind: str) -> dict:
    return standins.store(standins.backend(ACCOUNT, REGION), kind)


def test_the_three_types_are_labelled_stand_ins():
    assert all(t in ADAPTERS and t in STAND_INS for t in TYPES)


def test_an_image_its_version_config_and_a_domain_naming_them_deploy(aws):
    outputs = deploy(
        aws,
        images(),
        outputs={
            "Version": {"Value": {"Fn::GetAtt": ["Version", "Version"]}},
            "VersionArn": {"Value": {"Ref": "Version"}},
            "ImageArn": {"Value": {"Fn::GetAtt": ["Image", "ImageArn"]}},
            "ConfigArn": {"Value": {"Fn::GetAtt": ["Config", "AppImageConfigArn"]}},
        },
    )
    assert outputs["Version"] == "1"
    assert outputs["VersionArn"] == f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:image-version/jl/1"
    assert outputs["ImageArn"].endswith(":image/jl") and outputs["ConfigArn"].endswith(
        ":app-image-config/jl-config"
    )
    image = _store("images")["jl"]
    assert image["Versions"][1]["BaseImage"] == BASE_IMAGE and image["DisplayName"] == "JL"
    assert _store("app_image_configs")["jl-config"]["JupyterLabAppImageConfig"] == {}


@pytest.mark.aws_behaviour("sagemaker.image-version-base-image")
@pytest.mark.parametrize(
    "base_image",
    [
        "ml/jupyter:latest",
        "docker.io/library/python:3.12",
        f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/ml/jupyter",
    ],
)
def test_a_base_image_that_is_not_an_ecr_image_is_refused(aws, base_image):
    reason = _failure(aws, images(base_image=base_image))
    assert "sagemaker.image-version-base-image" in reason and "is not an Amazon ECR image URI" in reason


@pytest.mark.aws_behaviour("sagemaker.image-version-base-image")
def test_a_version_of_a_missing_image_is_refused(aws):
    resources = images()
    del resources["Image"], resources["Version"]["DependsOn"]
    resources["Domain"]["DependsOn"] = ["Config"]
    reason = _failure(aws, resources)
    assert "Image jl does not exist" in reason


@pytest.mark.aws_behaviour("sagemaker.app-image-config-name-unique")
@pytest.mark.aws_behaviour("sagemaker.image-name")
def test_a_reused_app_image_config_or_image_name_is_refused(aws):
    deploy(aws, images())
    reason = _failure(aws, {"Config": images()["Config"]}, name="again")
    assert "sagemaker.app-image-config-name-unique" in reason and "jl-config already exists" in reason
    image_again = {"Role": images()["Role"], "Image": images()["Image"]}
    assert "Image jl already exists" in _failure(aws, image_again, name="image-again")


@pytest.mark.aws_behaviour("sagemaker.custom-image-references")
@pytest.mark.parametrize(
    ("where", "entry", "named"),
    [
        ("domain", {"ImageName": "missing", "AppImageConfigName": "jl-config"}, "image missing"),
        ("domain", {"ImageName": "jl", "AppImageConfigName": "nope"}, "AppImageConfig nope"),
        ("profile", {"ImageName": "missing", "AppImageConfigName": "jl-config"}, "user profile alice"),
    ],
)
def test_a_domain_or_profile_naming_an_unknown_image_or_config_is_refused(aws, where, entry, named):
    resources = images(**{f"{where}_images": [entry]})
    reason = _failure(aws, resources)
    assert "sagemaker.custom-image-references" in reason and named in reason


@pytest.mark.aws_behaviour("sagemaker.image-version-base-image")
@pytest.mark.aws_behaviour("sagemaker.custom-image-references")
def test_a_new_digest_replaces_the_version_and_the_domain_update_is_checked(aws):
    deploy(aws, images(), name="images-update")
    cloudformation = aws("cloudformation")
    new_digest = BASE_IMAGE.replace("ab" * 32, "cd" * 32)
    cloudformation.update_stack(
        StackName="images-update", TemplateBody=json.dumps({"Resources": images(base_image=new_digest)})
    )
    versions = _store("images")["jl"]["Versions"]
    assert [v["BaseImage"] for v in versions.values()] == [new_digest] and list(versions) == [2]
    bad = images(
        base_image=new_digest, domain_images=[{"ImageName": "gone", "AppImageConfigName": "jl-config"}]
    )
    cloudformation.update_stack(StackName="images-update", TemplateBody=json.dumps({"Resources": bad}))
    status = cloudformation.describe_stacks(StackName="images-update")["Stacks"][0]["StackStatus"]
    assert status.startswith("UPDATE_ROLLBACK")


def test_deleting_the_stack_deletes_the_images_and_configs(aws):
    resources = copy.deepcopy(images())
    for key in ("Domain", "Profile"):
        del resources[key]
    deploy(aws, resources, name="images-delete")
    aws("cloudformation").delete_stack(StackName="images-delete")
    assert "jl" not in _store("images") and "jl-config" not in _store("app_image_configs")
