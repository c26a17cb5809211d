"""AWS::SSM::Parameter, replacing moto's model, which fails on tags: CloudFormation gives this type's
``Tags`` as a map (``{"team": "fraud"}``), moto iterates it as a list of ``{Key, Value}``. Names are
generated as CloudFormation does when ``Name`` is absent. The parameter is moto's own."""

from __future__ import annotations

import copy
from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.ssm.models import Parameter

from ._base import AdapterMixin, adapter


def _listed(cloudformation_json: dict[str, Any], resource_name: str) -> dict[str, Any]:
    template = copy.deepcopy(cloudformation_json)
    props = template.setdefault("Properties", {})
    tags = props.get("Tags")
    if isinstance(tags, dict):
        props["Tags"] = [{"Key": k, "Value": str(v)} for k, v in tags.items()]
    props.setdefault("Name", resource_name)
    return template


@adapter
class SsmParameter(AdapterMixin, CloudFormationModel):
    @staticmethod
    def cloudformation_name_type() -> str:
        return Parameter.cloudformation_name_type()

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::SSM::Parameter"

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return Parameter.has_cfn_attr(attr)

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Parameter:
        return Parameter.create_from_cloudformation_json(
            resource_name, _listed(cloudformation_json, resource_name), account_id, region_name, **kwargs
        )

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[misc]
        cls,
        original_resource: Parameter,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> Parameter:
        return Parameter.update_from_cloudformation_json(
            original_resource,
            new_resource_name,
            _listed(cloudformation_json, original_resource.name),
            account_id,
            region_name,
        )

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        Parameter.delete_from_cloudformation_json(resource_name, cloudformation_json, account_id, region_name)
