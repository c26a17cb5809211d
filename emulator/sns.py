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

import fnmatch
import json
from collections.abc import Mapping
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


# -- the access-policy check --------------------------------------------------------------------------

#: Condition operators the evaluator knows. Any other operator (ForAnyValue:, Numeric*, Date*, IpAddress, ...)
#: counts as matching in a Deny and as not matching in an Allow: unknown conditions refuse, never allow.
_STRING_OPERATORS = {"StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
                     "StringLike", "StringNotLike", "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike", "Bool"}


class UnknownCondition(Exception):
    """A policy element the evaluator does not model."""


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _match_value(operator: str, actual: str, expected: str) -> bool:
    if operator in ("StringEquals", "StringNotEquals", "ArnEquals", "ArnNotEquals"):
        return actual == expected
    if operator in ("StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase"):
        return actual.lower() == expected.lower()
    if operator == "Bool":
        return actual.lower() == str(expected).lower()
    return fnmatch.fnmatchcase(actual, expected)  # *Like: * and ? wildcards


def _condition_holds(operator: str, key: str, expected: Any, context: Mapping[str, str]) -> bool:
    if_exists = operator.endswith("IfExists")
    base = operator.removesuffix("IfExists")
    if base not in _STRING_OPERATORS:
        raise UnknownCondition(operator)
    # Condition keys are case-insensitive.
    actual = next((v for k, v in context.items() if k.lower() == key.lower()), None)
    negated = "Not" in base
    if actual is None:
        # A missing key: positive operators do not match, negated ones do, ...IfExists always does.
        return if_exists or negated
    matched = any(_match_value(base, actual, str(e)) for e in _as_list(expected))
    return not matched if negated else matched


def _principal_matches(principal: Any, service: str) -> bool:
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        raise UnknownCondition(f"Principal {principal!r}")
    if "*" in _as_list(principal.get("AWS", [])):
        return True  # "AWS": "*" is every principal, service principals included
    return service in _as_list(principal.get("Service", []))


def _statement_applies(statement: Mapping[str, Any], service: str, action: str, resource: str,
                       context: Mapping[str, str]) -> bool:
    unknown = {"NotPrincipal", "NotAction", "NotResource"} & set(statement)
    if unknown:
        raise UnknownCondition(", ".join(sorted(unknown)))
    if not _principal_matches(statement.get("Principal"), service):
        return False
    if not any(fnmatch.fnmatchcase(action.lower(), str(a).lower()) for a in _as_list(statement.get("Action", []))):
        return False
    if not any(fnmatch.fnmatchcase(resource, str(r)) for r in _as_list(statement.get("Resource", "*"))):
        return False
    for operator, keys in (statement.get("Condition") or {}).items():
        for key, expected in keys.items():
            if not _condition_holds(operator, key, expected, context):
                return False
    return True


def evaluate(policy: Mapping[str, Any] | str | None, *, service: str, action: str, resource: str,
             context: Mapping[str, str]) -> tuple[bool, str]:
    """(allowed, why) for ``service`` (a service principal) calling ``action`` on ``resource``.

    IAM's order for a resource policy: an explicit Deny wins, else an Allow is needed. Statements the
    evaluator cannot model (an unknown operator, NotPrincipal/NotAction/NotResource) refuse: such an Allow
    does not count, such a Deny does.
    """
    document = json.loads(policy) if isinstance(policy, str) else (policy or {})
    allowed_by = None
    for statement in _as_list(document.get("Statement", [])):
        effect = statement.get("Effect")
        sid = statement.get("Sid", "<no Sid>")
        try:
            applies = _statement_applies(statement, service, action, resource, context)
        except UnknownCondition as unknown:
            if effect == "Deny":
                return False, f"statement {sid} uses {unknown}, which the emulator does not evaluate: treated as Deny"
            continue
        if applies and effect == "Deny":
            return False, f"explicit Deny in statement {sid}"
        if applies and effect == "Allow" and allowed_by is None:
            allowed_by = sid
    if allowed_by is None:
        return False, "no statement of the topic policy allows it"
    return True, f"allowed by statement {allowed_by}"


def topic_policy_allows(account_id: str, region_name: str, topic_arn: str, *, service: str,
                        context: Mapping[str, str]) -> tuple[bool, str]:
    """Whether ``topic_arn``'s access policy lets service principal ``service`` ``sns:Publish`` to it."""
    topic = sns_backends[account_id][region_name].get_topic(topic_arn)
    return evaluate(topic.policy, service=service, action="sns:Publish", resource=topic_arn, context=context)
