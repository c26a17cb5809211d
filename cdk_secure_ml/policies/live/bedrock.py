"""What the live audit reads in Bedrock's model invocation logging (docs/bedrock.md); the calls stay in
:mod:`.audit` (its IAM actions are derived from that module's source), the reading of their answers is here.

The account and Region has one logging configuration
(https://docs.aws.amazon.com/bedrock/latest/userguide/model-invocation-logging.html). When there is one, its
CloudWatch Logs destination must be a log group of this account and Region that is encrypted with a
customer managed KMS key (``SML-AUD-104``). An account without a configuration gets no verdict: the audit
does not know whether the platform enables Bedrock.
"""

from __future__ import annotations

from typing import Any

__all__ = ["LOGGING_RULE", "LOGGING_TYPE", "logging_problems"]

LOGGING_RULE = "SML-AUD-104"
#: The resource type findings name (Bedrock's configuration has no CloudFormation type).
LOGGING_TYPE = "Bedrock::ModelInvocationLoggingConfiguration"


def logging_problems(config: dict[str, Any], groups: list[dict[str, Any]]) -> list[str]:
    """The problems of a logging configuration (GetModelInvocationLoggingConfiguration's ``loggingConfig``)
    given DescribeLogGroups' items for its log group's name (empty when it has none)."""
    group_name = (config.get("cloudWatchConfig") or {}).get("logGroupName")
    if not group_name:
        if (config.get("s3Config") or {}).get("bucketName"):
            return []  # an S3 destination: the bucket checks (SML-ENC-7, ...) audit the bucket itself
        return ["model invocation logging has no CloudWatch Logs or S3 destination"]
    group = next((g for g in groups if g.get("logGroupName") == group_name), None)
    if group is None:
        return [f"the invocation log group {group_name} does not exist in this account and Region"]
    if not group.get("kmsKeyId"):
        return [f"the invocation log group {group_name} is not encrypted with a KMS key"]
    return []
