"""IAM: AWS::IAM::ManagedPolicy deletion, which moto 5.2 leaves undone.

moto creates a managed policy from CloudFormation and attaches it to its roles, groups and users, but has
no delete for the type: the policy stays attached, and deleting the role then fails ("must detach all
policies first"), so no stack with a managed policy could be destroyed. CloudFormation detaches the
policy from every entity and deletes it (DeletePolicy requires that:
https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeletePolicy.html).
"""

from __future__ import annotations

from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.iam.models import ManagedPolicy as MotoManagedPolicy
from moto.iam.models import iam_backends
from moto.utilities.utils import get_partition

from ._base import AdapterMixin, adapter


@adapter
class ManagedPolicy(AdapterMixin, CloudFormationModel):
    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::IAM::ManagedPolicy"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return MotoManagedPolicy.has_cfn_attr(attr)

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> MotoManagedPolicy:
        return MotoManagedPolicy.create_from_cloudformation_json(
            resource_name, cloudformation_json, account_id, region_name, **kwargs
        )

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        backend = iam_backends[account_id][get_partition(region_name)]
        arn = resource_name
        if arn not in backend.managed_policies:
            return
        for role in list(backend.roles.values()):
            if arn in role.managed_policies:
                backend.detach_role_policy(arn, role.name)
        for group in list(backend.groups.values()):
            if arn in group.managed_policies:
                backend.detach_group_policy(arn, group.name)
        for user in list(backend.users.values()):
            if arn in user.managed_policies:
                backend.detach_user_policy(arn, user.name)
        backend.delete_policy(arn)
