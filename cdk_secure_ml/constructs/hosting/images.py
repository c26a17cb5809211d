"""The Model Monitor analyzer image of a stack's region.

``<account>.dkr.ecr.<region>.<domain>/sagemaker-model-monitor-analyzer``, the account per region
(https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-pre-built-container.html), from the table
generated into :mod:`cdk_secure_ml.core.model_monitor_images`.
"""

from __future__ import annotations

from aws_cdk import CfnMapping, Stack, Token
from constructs import IConstruct

from cdk_secure_ml.core.hosting.model_source import IMAGE_URI_RE
from cdk_secure_ml.core.model_monitor_images import MODEL_MONITOR_IMAGE_ACCOUNTS, MODEL_MONITOR_REPOSITORY

#: The stack-level mapping of region -> image account, for environment-agnostic stacks.
IMAGE_ACCOUNTS_MAPPING_ID = "SecureMlModelMonitorImageAccounts"


def model_monitor_image_uri(scope: IConstruct) -> str:
    """The analyzer image of ``scope``'s stack region.

    A literal region is looked up here; an environment-agnostic stack gets one ``CfnMapping`` of every known
    region (``Fn::FindInMap`` then fails the deployment in a region outside the table).

    :raises ValueError: the region is literal and not in the table: pass ``image_uri`` instead.
    """
    stack = Stack.of(scope)
    if not Token.is_unresolved(stack.region):
        account = MODEL_MONITOR_IMAGE_ACCOUNTS.get(stack.region)
        if account is None:
            raise ValueError(
                f"{scope.node.path}: no Model Monitor image account is known for region {stack.region}; pass "
                "ModelMonitorOptions(image_uri=...) (config: model_monitor.image_uri), see "
                "https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-pre-built-container.html"
            )
        return f"{account}.dkr.ecr.{stack.region}.{stack.url_suffix}/{MODEL_MONITOR_REPOSITORY}"
    mapping = stack.node.try_find_child(IMAGE_ACCOUNTS_MAPPING_ID)
    if mapping is None:
        mapping = CfnMapping(
            stack,
            IMAGE_ACCOUNTS_MAPPING_ID,
            mapping={
                region: {"account": account} for region, account in MODEL_MONITOR_IMAGE_ACCOUNTS.items()
            },
        )
    account = mapping.find_in_map(stack.region, "account")  # type: ignore[attr-defined]
    return f"{account}.dkr.ecr.{stack.region}.{stack.url_suffix}/{MODEL_MONITOR_REPOSITORY}"


def model_monitor_repository_arn(scope: IConstruct, image_uri: str | None = None) -> str | None:
    """The ECR repository ARN the monitoring job's image is pulled from: ``image_uri``'s (a full ECR image
    URI), else the analyzer repository of ``scope``'s region (the same mapping as
    :func:`model_monitor_image_uri`). None when ``image_uri`` is not an ECR image URI (the config and the
    construct report that). The monitoring role pulls it: SageMaker pulls a job's image with the job's role
    (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateModel.html, and the
    "sagemaker.execution-role-pulls-images" behaviour).
    """
    stack = Stack.of(scope)
    if image_uri is not None:
        match = IMAGE_URI_RE.match(image_uri)
        if match is None:
            return None
        partition = "aws-cn" if match["china"] else "aws"
        return f"arn:{partition}:ecr:{match['region']}:{match['account']}:repository/{match['repository']}"
    account = model_monitor_image_uri(scope).split(".", 1)[0]
    return f"arn:{stack.partition}:ecr:{stack.region}:{account}:repository/{MODEL_MONITOR_REPOSITORY}"
