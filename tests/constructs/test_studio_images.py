"""Studio custom images (constructs.studio_images): the demo's JupyterLab image (Image with its pull role,
ImageVersion pinned by digest, AppImageConfig), the domain's and profiles'
CustomImages, and every error path."""

from __future__ import annotations

import json

import pytest
from aws_cdk import App, Environment, RemovalPolicy, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk.assertions import Template

from cdk_secure_ml.constructs.studio import SecureStudioDomain
from cdk_secure_ml.constructs.studio_images import StudioCustomImage, StudioCustomImages
from cdk_secure_ml.core.studio_images import app_image_config_name, base_image_uri

DIGEST = "sha256:" + "ab" * 32
IMAGE = "secure-ml-demo-jupyter"


@pytest.fixture(scope="module")
def demo(demo_app):
    config, stage, _ = demo_app
    users = {s.node.id: Template.from_stack(s) for s in stage.user_stacks}
    return config, stage, users, Template.from_stack(stage.studio).to_json()["Resources"]


def _of_type(resources: dict, type_: str) -> dict[str, dict]:
    return {k: v for k, v in resources.items() if v["Type"] == type_}


@pytest.mark.aws_behaviour("sagemaker.image-version-base-image")
def test_the_demo_image_version_is_pinned_by_digest_in_this_accounts_ecr(demo):
    config, _, _, resources = demo
    [image_config] = config.studio.custom_images
    [(version_id, version)] = _of_type(resources, "AWS::SageMaker::ImageVersion").items()
    assert version_id.startswith("CustomImagesSecureMlDemoJupyterVersion")
    props = version["Properties"]
    assert props["ImageName"] == IMAGE
    joined = json.dumps(props["BaseImage"])
    assert '{"Ref": "AWS::AccountId"}' in joined and '{"Ref": "AWS::URLSuffix"}' in joined
    assert joined.endswith(f'/secure-ml-demo/jupyter@{image_config.digest}"]]}}')
    [image_id] = _of_type(resources, "AWS::SageMaker::Image")
    assert version["DependsOn"] == [image_id]
    assert version["DeletionPolicy"] == "Delete"


def test_the_image_runs_with_a_role_that_pulls_its_repository_only(demo):
    _, _, _, resources = demo
    [image] = _of_type(resources, "AWS::SageMaker::Image").values()
    props = image["Properties"]
    assert props["ImageName"] == IMAGE and props["ImageDisplayName"] == "Secure ML JupyterLab"
    role_id = props["ImageRoleArn"]["Fn::GetAtt"][0]
    role = resources[role_id]["Properties"]
    [trust] = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "sagemaker.amazonaws.com"}
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}
    [policy_ref] = role["ManagedPolicyArns"]
    statements = resources[policy_ref["Ref"]]["Properties"]["PolicyDocument"]["Statement"]
    by_sid = {s["Sid"]: s for s in statements}
    assert sorted(by_sid["PullImage"]["Action"]) == ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    assert json.dumps(by_sid["PullImage"]["Resource"]).endswith(':repository/secure-ml-demo/jupyter"]]}')
    assert by_sid["EcrAuthorizationToken"] == {
        "Action": "ecr:GetAuthorizationToken",
        "Effect": "Allow",
        "Resource": "*",
        "Sid": "EcrAuthorizationToken",
    }
    assert image["DependsOn"] == [policy_ref["Ref"]]


@pytest.mark.aws_behaviour("sagemaker.custom-image-references")
@pytest.mark.aws_behaviour("cloudformation.domain-settings-update-in-place")
def test_the_domain_lists_the_image_after_creating_it(demo):
    _, _, _, resources = demo
    [config_id] = _of_type(resources, "AWS::SageMaker::AppImageConfig")
    config = resources[config_id]["Properties"]
    assert config["AppImageConfigName"] == IMAGE and config["JupyterLabAppImageConfig"] == {}
    assert "CodeEditorAppImageConfig" not in config
    [domain] = _of_type(resources, "AWS::SageMaker::Domain").values()
    settings = domain["Properties"]["DefaultUserSettings"]
    assert settings["JupyterLabAppSettings"]["CustomImages"] == [
        {"ImageName": IMAGE, "AppImageConfigName": IMAGE}
    ]
    assert "CustomImages" not in settings["CodeEditorAppSettings"]
    [version_id] = _of_type(resources, "AWS::SageMaker::ImageVersion")
    assert {config_id, version_id} <= set(domain["DependsOn"])
    # the lifecycle configurations and idle shutdown stay beside the images
    assert settings["JupyterLabAppSettings"]["LifecycleConfigArns"]


@pytest.mark.aws_behaviour("sagemaker.user-settings-take-precedence")
def test_profiles_with_their_own_app_settings_list_the_image_too(demo):
    _, _, users, _ = demo
    for template in users.values():
        for profile in template.find_resources("AWS::SageMaker::UserProfile").values():
            settings = profile["Properties"]["UserSettings"]
            assert settings["JupyterLabAppSettings"]["CustomImages"] == [
                {"ImageName": IMAGE, "AppImageConfigName": IMAGE}
            ]
            assert "CustomImages" not in settings["CodeEditorAppSettings"]


def test_the_default_config_has_no_custom_images(reference_app):
    _, stage, _ = reference_app
    assert stage.studio.custom_images is None
    resources = Template.from_stack(stage.studio).to_json()["Resources"]
    assert not _of_type(resources, "AWS::SageMaker::Image")
    [domain] = _of_type(resources, "AWS::SageMaker::Domain").values()
    assert "CustomImages" not in json.dumps(domain)


def _own_domain() -> tuple[Stack, SecureStudioDomain]:
    """A domain of its own (the session's demo app is shared and stays untouched)."""
    stack = Stack(App(), "Studio", env=Environment(account="111122223333", region="eu-west-1"))
    vpc = ec2.Vpc(
        stack,
        "Vpc",
        nat_gateways=0,
        subnet_configuration=[
            ec2.SubnetConfiguration(name="ml", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)
        ],
    )
    role = iam.Role(stack, "Exec", assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"))
    domain = SecureStudioDomain(
        stack,
        "Domain",
        domain_name="ml-dev",
        vpc=vpc,
        subnets=vpc.isolated_subnets,
        security_groups=[ec2.SecurityGroup(stack, "Apps", vpc=vpc)],
        encryption_key=kms.Key(stack, "Key"),
        default_execution_role=role,
    )
    return stack, domain


def test_a_code_editor_image_gets_a_code_editor_config_and_dots_become_hyphens():
    stack, domain = _own_domain()
    StudioCustomImages(
        stack,
        "Images",
        domain=domain,
        images=[
            StudioCustomImage(name="team.code-2", repository="ml/code", digest=DIGEST, app_type="CodeEditor")
        ],
    )
    resources = Template.from_stack(stack).to_json()["Resources"]
    [config] = _of_type(resources, "AWS::SageMaker::AppImageConfig").values()
    assert config["Properties"] == {"AppImageConfigName": "team-code-2", "CodeEditorAppImageConfig": {}}
    [image] = _of_type(resources, "AWS::SageMaker::Image").values()
    assert image["Properties"]["ImageDisplayName"] == "team.code-2"
    [version] = _of_type(resources, "AWS::SageMaker::ImageVersion").values()
    assert json.dumps(version["Properties"]["BaseImage"]).startswith(
        '{"Fn::Join": ["", ["111122223333.dkr.ecr.'
    )
    [domain_resource] = _of_type(resources, "AWS::SageMaker::Domain").values()
    settings = domain_resource["Properties"]["DefaultUserSettings"]
    assert settings["CodeEditorAppSettings"]["CustomImages"] == [
        {"ImageName": "team.code-2", "AppImageConfigName": "team-code-2"}
    ]
    assert "CustomImages" not in settings["JupyterLabAppSettings"]


def test_removal_policy_and_tags():
    stack, domain = _own_domain()
    StudioCustomImages(
        stack,
        "Images",
        domain=domain,
        tags={"team": "nlp"},
        removal_policy=RemovalPolicy.RETAIN,
        images=[StudioCustomImage(name="jl", repository="ml/jupyter", digest=DIGEST)],
    )
    resources = Template.from_stack(stack).to_json()["Resources"]
    for type_ in ("AWS::SageMaker::Image", "AWS::SageMaker::ImageVersion", "AWS::SageMaker::AppImageConfig"):
        [resource] = _of_type(resources, type_).values()
        assert resource["DeletionPolicy"] == "Retain"
        if type_ != "AWS::SageMaker::ImageVersion":  # the version has no Tags property
            assert {"Key": "team", "Value": "nlp"} in resource["Properties"]["Tags"]


def test_helpers():
    assert app_image_config_name("a.b-c") == "a-b-c"
    assert base_image_uri("111122223333", "eu-west-1", "ml/x", DIGEST) == (
        f"111122223333.dkr.ecr.eu-west-1.amazonaws.com/ml/x@{DIGEST}"
    )


@pytest.mark.parametrize(
    ("images", "match"),
    [
        (
            [StudioCustomImage("jl", "ml/jupyter", "latest")],
            r"custom image 'jl': digest 'latest' is not an image digest",
        ),
        (
            [StudioCustomImage("jl", "1.dkr.ecr.eu-west-1.amazonaws.com/ml/jupyter", DIGEST)],
            r"is a URI or names a tag/digest; give only the repository name",
        ),
        ([StudioCustomImage("-jl", "ml/jupyter", DIGEST)], r"'-jl' is not a SageMaker image name"),
        (
            [StudioCustomImage("jl", "ml/jupyter", DIGEST, app_type="RSession")],
            r"app_type 'RSession' is not one of",
        ),
        ([StudioCustomImage("jl", "ml/jupyter", DIGEST, display_name=" x")], r"without leading or trailing"),
        (
            [StudioCustomImage("a.b", "ml/one", DIGEST), StudioCustomImage("a-b", "ml/two", DIGEST)],
            r"custom images \['a-b'\] are listed twice",
        ),
    ],
)
def test_errors(images, match):
    stack, domain = _own_domain()
    with pytest.raises(ValueError, match=match):
        StudioCustomImages(stack, "ErrorProbe", domain=domain, images=images)
    assert stack.node.try_find_child("ErrorProbe") is None
