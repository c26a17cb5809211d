"""AWS::SNS::TopicPolicy (a placeholder in moto 5.2): sets each topic's Policy attribute through
moto's SNS backend; and :func:`topic_policy_allows`, the access-policy check AWS makes when a service
principal publishes (moto checks none).

A TopicPolicy replaces the topic's whole policy, the default one (which lets the owner account's principals
publish) included. CloudWatch alarm actions then publish only if the new policy allows
``cloudwatch.amazonaws.com`` ``sns:Publish``
(https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger); :mod:`emulator.cloudwatch`
asks :func:`topic_policy_allows` before it publishes an alarm notification.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.sns.models import sns_backends

from ._base import AdapterMixin, adapter, as_json_text, short_id
from .iam_eval import decide


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
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> TopicPolicy:
        props = cloudformation_json["Properties"]
        backend = sns_backends[account_id][region_name]
        document = as_json_text(props["PolicyDocument"])
        for topic in props["Topics"]:
            backend.set_topic_attribute(topic, "policy", document)
        return cls(list(props["Topics"]))

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[misc]
        cls,
        original_resource: TopicPolicy,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> TopicPolicy:
        return cls.create_from_cloudformation_json(
            new_resource_name, cloudformation_json, account_id, region_name
        )


# -- the access-policy check --------------------------------------------------------------------------


def evaluate(
    policy: Mapping[str, Any] | str | None,
    *,
    service: str,
    action: str,
    resource: str,
    context: Mapping[str, str],
) -> tuple[bool, str]:
    """(allowed, why) for ``service`` (a service principal) calling ``action`` on ``resource`` under the topic
    policy ``policy`` (:func:`emulator.iam_eval.decide`; a condition it cannot evaluate refuses)."""
    document = json.loads(policy) if isinstance(policy, str) else (policy or {})
    return decide(
        [document],
        {"action": action, "resource": resource, "context": dict(context)},
        {"Service": service},
        unknown="refuse",
    )


def topic_policy_allows(
    account_id: str, region_name: str, topic_arn: str, *, service: str, context: Mapping[str, str]
) -> tuple[bool, str]:
    """Whether ``topic_arn``'s access policy lets service principal ``service`` ``sns:Publish`` to it."""
    topic = sns_backends[account_id][region_name].get_topic(topic_arn)
    return evaluate(topic.policy, service=service, action="sns:Publish", resource=topic_arn, context=context)
