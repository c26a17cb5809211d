"""The execution roles' image pulls in config/demo.yaml (one account) and
config/hub.yaml (three stage accounts and a tooling account): the stage's own repositories, the tooling
account's with delivery, no other account (config/default.yaml: tests/constructs/test_identity.py;
config/multi-account.yaml: tests/constructs/test_delivery.py)."""

from __future__ import annotations

import pytest
from aws_cdk.assertions import Template

from cdk_secure_ml.core.sagemaker_image_accounts import SAGEMAKER_IMAGE_ACCOUNTS

TOOLING = "111111111111"


def _prebuilt(region: str) -> list[str]:
    """The repositories of the accounts that publish SageMaker's prebuilt images in ``region``."""
    return [f"arn:aws:ecr:{region}:{a}:repository/*" for a in SAGEMAKER_IMAGE_ACCOUNTS[region][1]]
STAGES = {"dev": "222222222222", "staging": "333333333333", "prod": "444444444444"}


def _pulls(foundation) -> dict[str, object]:
    """Sid -> Resource of the SageMakerExecution statements that allow ecr:BatchGetImage."""
    policy = foundation.get_logical_id(foundation.personas.policies["SageMakerExecution"].node.default_child)
    document = Template.from_stack(foundation).to_json()["Resources"][policy]["Properties"]["PolicyDocument"]
    return {s["Sid"]: s["Resource"] for s in document["Statement"] if "ecr:BatchGetImage" in s["Action"]}


@pytest.mark.aws_behaviour("ecr.pull-actions-on-repository-arns",
                           "sagemaker.execution-role-pulls-images")
def test_demo_execution_roles_pull_from_the_deploying_account_only(demo_app):
    _, stage, _ = demo_app
    own = {"Fn::Join": ["", ["arn:aws:ecr:us-east-1:", {"Ref": "AWS::AccountId"}, ":repository/*"]]}
    assert _pulls(stage.foundation) == {"PullImages": own, "PullSageMakerImages": _prebuilt("us-east-1")}


@pytest.mark.aws_behaviour("ecr.pull-actions-on-repository-arns")
@pytest.mark.parametrize("stage", sorted(STAGES))
def test_hub_stage_execution_roles_pull_from_their_account_and_the_tooling_account(hub_app, stage):
    _, pipeline, _ = hub_app
    assert _pulls(pipeline.stages[stage].foundation) == {
        "PullImages": f"arn:aws:ecr:eu-west-1:{STAGES[stage]}:repository/*",
        "PullSageMakerImages": _prebuilt("eu-west-1"),
        "PullPromotedImages": f"arn:aws:ecr:eu-west-1:{TOOLING}:repository/*",
    }


@pytest.mark.aws_behaviour("ecr.pull-actions-on-repository-arns")
def test_identity_trusted_image_accounts_reach_the_foundations_execution_roles():
    from cdk_secure_ml.config import parse_config
    from cdk_secure_ml.stacks.foundation import FoundationStack
    from tests.conftest import new_app

    config = parse_config(
        "name: ml-shared\nregion: eu-west-1\nidentity:\n  teams: [{name: research}]\n"
        "  trusted_image_accounts: ['210987654321']\n"
    )
    stack = FoundationStack(new_app(), "Foundation", config=config,
                            env={"account": "123456789012", "region": "eu-west-1"})
    assert _pulls(stack) == {
        "PullImages": [
            "arn:aws:ecr:eu-west-1:123456789012:repository/*",
            "arn:aws:ecr:eu-west-1:210987654321:repository/*",
        ],
        "PullSageMakerImages": _prebuilt("eu-west-1"),
    }


def test_an_environment_agnostic_stack_maps_the_region_to_sagemakers_image_accounts():
    """With the region a token, the prebuilt-image repositories come from one stack mapping of every
    region the SageMaker SDK knows (Fn::FindInMap, the statement's whole Resource)."""
    from aws_cdk import CfnWaitConditionHandle, Stack

    from cdk_secure_ml.constructs.identity.sagemaker_images import (
        SAGEMAKER_IMAGE_REPOSITORIES_MAPPING_ID,
        sagemaker_image_repository_arns,
    )
    from tests.conftest import new_app

    stack = Stack(new_app(), "Agnostic")
    CfnWaitConditionHandle(stack, "AnyResource")  # a template needs one
    first, second = sagemaker_image_repository_arns(stack), sagemaker_image_repository_arns(stack)
    resolved = stack.resolve(first)
    assert resolved == {"Fn::FindInMap": [SAGEMAKER_IMAGE_REPOSITORIES_MAPPING_ID, {"Ref": "AWS::Region"},
                                          "repositories"]}
    assert stack.resolve(second) == resolved  # one mapping per stack
    mapping = Template.from_stack(stack).to_json()["Mappings"][SAGEMAKER_IMAGE_REPOSITORIES_MAPPING_ID]
    assert mapping["us-east-1"]["repositories"] == _prebuilt("us-east-1")
    assert mapping["cn-north-1"]["repositories"][0].startswith("arn:aws-cn:ecr:cn-north-1:")
    assert set(mapping) == set(SAGEMAKER_IMAGE_ACCOUNTS)


def test_a_region_without_sagemaker_images_gets_no_prebuilt_grant_and_a_warning():
    from aws_cdk import CfnWaitConditionHandle, Stack

    from cdk_secure_ml.constructs.identity.sagemaker_images import sagemaker_image_repository_arns
    from tests.conftest import new_app

    assert "xx-nowhere-1" not in SAGEMAKER_IMAGE_ACCOUNTS
    stack = Stack(new_app(), "Nowhere", env={"account": "123456789012", "region": "xx-nowhere-1"})
    assert sagemaker_image_repository_arns(stack) == []
    from aws_cdk.assertions import Annotations, Match

    from cdk_secure_ml.constructs.identity.sagemaker_images import NO_IMAGE_ACCOUNTS_WARNING_ID

    CfnWaitConditionHandle(stack, "AnyResource")
    Annotations.from_stack(stack).has_warning("*", Match.string_like_regexp(
        f"no account for region xx-nowhere-1.*identity.trusted_image_accounts.*{NO_IMAGE_ACCOUNTS_WARNING_ID}"
    ))
