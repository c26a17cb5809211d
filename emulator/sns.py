"""AWS::SNS::TopicPolicy (a placeholder in moto 5.2): sets each topic's Policy attribute through
moto's SNS backend."""

from __future__ import annotations

from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.sns.models import sns_backends

from ._base import AdapterMixin, adapter, as_json_text, short_id


@adapter
class TopicPolicy(AdapterMixin, CloudFormationModel):
    def __init__(self, topics: list[str]) -> None:
        self.topics = topics
        self.physical_id = short_id("topic-policy-")

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::SNS::TopicPolicy"

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> TopicPolicy:
        props = cloudformation_json["Properties"]
        backend = sns_backends[account_id][region_name]
        document = as_json_text(props["PolicyDocument"])
        for topic in props["Topics"]:
            backend.set_topic_attribute(topic, "policy", document)
        return cls(list(props["Topics"]))

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[misc]
        cls, original_resource: TopicPolicy, new_resource_name: str, cloudformation_json: dict[str, Any],
        account_id: str, region_name: str,
    ) -> TopicPolicy:
        return cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)
