"""The Model Monitor analyzer image of a stack's region.

``<account>.dkr.ecr.<region>.<domain>/sagemaker-model-monitor-analyzer``, the account per region
(https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-pre-built-container.html), from the table
generated into :mod:`cdk_secure_ml.core.model_monitor_images`.
"""

from __future__ import annotations

from aws_cdk import CfnMapping, Stack, Token
from constructs import IConstruct

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
