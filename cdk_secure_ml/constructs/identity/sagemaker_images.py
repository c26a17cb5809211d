"""The Amazon ECR repositories of SageMaker's prebuilt images in a stack's region, for the execution roles.

SageMaker pulls a job's or a model's image with the execution role: CreateModel's ``ExecutionRoleArn`` is the
role "SageMaker can assume to access model artifacts and docker image for deployment"
(https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateModel.html), and a role without ECR
permissions is refused with "The role ... does not have BatchGetImage permission for the image:
'763104351884.dkr.ecr...'" (https://github.com/aws/deep-learning-containers/issues/759). So the execution
roles that run AWS's prebuilt images (Deep Learning Containers, built-in algorithms, processing, Clarify,
Model Monitor, Debugger, Data Wrangler, SageMaker Distribution) may pull from the accounts that publish them,
and only from those (:mod:`cdk_secure_ml.core.sagemaker_image_accounts`, generated from the SageMaker SDK's
image tables). Images the SDK's tables do not list (Amazon Nova's recipe and hosting images, for one:
https://docs.aws.amazon.com/nova/latest/nova2-userguide/nova-model-sagemaker-inference.html) need their
account in ``identity.trusted_image_accounts``.
"""

from __future__ import annotations

from aws_cdk import Annotations, CfnMapping, Stack, Token
from constructs import IConstruct

from cdk_secure_ml.core.sagemaker_image_accounts import SAGEMAKER_IMAGE_ACCOUNTS

__all__ = [
    "NO_IMAGE_ACCOUNTS_WARNING_ID",
    "SAGEMAKER_IMAGE_REPOSITORIES_MAPPING_ID",
    "sagemaker_image_repository_arns",
]

#: The warning for a literal region the image tables do not know.
NO_IMAGE_ACCOUNTS_WARNING_ID = "secure-ml:no-sagemaker-image-accounts"
#: The stack-level mapping of region -> repository ARN patterns, for environment-agnostic stacks.
SAGEMAKER_IMAGE_REPOSITORIES_MAPPING_ID = "SecureMlSageMakerImageRepositories"


def _arns(region: str) -> list[str]:
    partition, accounts = SAGEMAKER_IMAGE_ACCOUNTS[region]
    return [f"arn:{partition}:ecr:{region}:{account}:repository/*" for account in accounts]


def sagemaker_image_repository_arns(scope: IConstruct) -> list[str]:
    """``arn:<partition>:ecr:<region>:<account>:repository/*`` for each account that publishes SageMaker's
    prebuilt images in ``scope``'s stack region.

    A literal region is looked up here (a region the SDK's tables do not know gets an empty list and a
    synth warning, :data:`NO_IMAGE_ACCOUNTS_WARNING_ID`). An environment-agnostic stack gets one
    ``CfnMapping`` of every known region and a list token (``Fn::FindInMap``), which must be a
    statement's whole ``Resource``; a deployment to a region outside the table then fails at
    ``Fn::FindInMap`` (upgrade the library for a new region).
    """
    stack = Stack.of(scope)
    if not Token.is_unresolved(stack.region):
        if stack.region not in SAGEMAKER_IMAGE_ACCOUNTS:
            Annotations.of(scope).add_warning_v2(
                NO_IMAGE_ACCOUNTS_WARNING_ID,
                f"the SageMaker SDK's image tables name no account for region {stack.region}: the execution "
                "roles may pull no AWS prebuilt image there; name the account of the images you use in "
                "identity.trusted_image_accounts (MlPersonas image_accounts), or upgrade cdk-secure-ml",
            )
            return []
        return _arns(stack.region)
    mapping = stack.node.try_find_child(SAGEMAKER_IMAGE_REPOSITORIES_MAPPING_ID)
    if mapping is None:
        mapping = CfnMapping(
            stack,
            SAGEMAKER_IMAGE_REPOSITORIES_MAPPING_ID,
            mapping={region: {"repositories": _arns(region)} for region in SAGEMAKER_IMAGE_ACCOUNTS},
        )
    return Token.as_list(mapping.find_in_map(stack.region, "repositories"))  # type: ignore[attr-defined]
