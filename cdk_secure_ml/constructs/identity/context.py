"""PlatformContext: what the identity statements refer to (ARNs, ids, tag keys), and the execution-role path.

CDK-free: values may be CDK tokens (strings), so the same context serves the constructs, which fill it
from their stack, and the tests, which fill it with literal ARNs and evaluate the documents.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


def execution_role_path(platform: str, persona: str | None = None, team: str | None = None) -> str:
    """IAM path of the platform's SageMaker execution roles, ``/<platform>/execution/[<persona>/[<team>/]]``.

    PassRole grants, the delivery account's model registry and the SSM settings all find execution
    roles by this path, so every execution role the library creates lives under it.
    """
    persona_part = f"{persona}/" if persona else ""
    team_part = f"{team}/" if persona and team else ""
    return f"/{platform}/execution/{persona_part}{team_part}"


@dataclass(frozen=True)
class PlatformContext:
    """What the persona statements refer to. Values may be CDK tokens.

    :param partition, region, account: where the statements apply (ARNs are built from them).
    :param platform: the platform name: execution-role paths, SSM parameter and pipeline name prefixes.
    :param subnet_ids, security_group_ids: the only subnets and security groups jobs may use.
    :param data_bucket_arn, artifacts_bucket_arn: the buckets whose team prefixes the personas use.
    :param data_key_arn, artifacts_key_arn, volumes_key_arn: KMS key ARNs of those data classes.
    :param instance_types: allow-list of SageMaker instance types (wildcards allowed); empty: no list.
    :param team_tag_key, user_tag_key: the ABAC tag keys (principal and resource tags).
    :param consumer_endpoint_names: endpoints the model consumer may invoke.
    :param vpc_arn: the platform VPC (informational: ENI permissions cannot be scoped to it).
    :param model_source_account: the delivery account execution roles read promoted models from.
    :param image_accounts: 12-digit accounts (besides ``account`` and ``model_source_account``) whose Amazon
        ECR repositories in ``region`` the execution roles may pull images from, e.g. an organization's
        shared image account. Default none.
    :param sagemaker_image_repositories: the repository ARN patterns of SageMaker's prebuilt images in
        ``region`` (``sagemaker_images.sagemaker_image_repository_arns``; may be a list token). Default
        none.
    """

    partition: str
    region: str
    account: str
    platform: str
    subnet_ids: Sequence[str]
    security_group_ids: Sequence[str]
    data_bucket_arn: str
    artifacts_bucket_arn: str
    data_key_arn: str
    artifacts_key_arn: str
    volumes_key_arn: str
    instance_types: Sequence[str]
    team_tag_key: str = "team"
    user_tag_key: str = "user"
    consumer_endpoint_names: Sequence[str] = ()
    vpc_arn: str | None = None
    model_source_account: str | None = None
    image_accounts: Sequence[str] = ()
    sagemaker_image_repositories: Sequence[str] = ()

    # -- ARN helpers
    def sagemaker(self, resource: str) -> str:
        return f"arn:{self.partition}:sagemaker:{self.region}:{self.account}:{resource}"

    @property
    def team(self) -> str:
        """The caller's team as an IAM policy variable."""
        return "${aws:PrincipalTag/" + self.team_tag_key + "}"

    def execution_role_path(self, persona: str, team: str | None = None) -> str:
        return execution_role_path(self.platform, persona, team)

    def execution_role_arn_pattern(self, persona: str, team: str) -> str:
        path = self.execution_role_path(persona, team)
        return f"arn:{self.partition}:iam::{self.account}:role{path}*"

    @property
    def s3_service(self) -> str:
        return f"s3.{self.region}.amazonaws.com"
