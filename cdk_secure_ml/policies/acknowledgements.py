"""Acknowledging policy findings next to the code that deviates, at the narrowest scope, with a reason."""

from __future__ import annotations

import json
import re
from typing import Any

import jsii
from aws_cdk import Acknowledgment, CfnResource, Stack, Validations
from aws_cdk import aws_iam as iam
from constructs import IConstruct, IValidation

#: The three regulatory packs share rule names; ``in_regulatory_packs("S3BucketLoggingEnabled")``
#: gives the three ids.
__all__ = ["acknowledge", "acknowledge_wildcards", "in_regulatory_packs", "skip_checkov"]

REGULATORY_PACK_PREFIXES = ("HIPAA.Security", "NIST.800.53.R5", "PCI.DSS.321")


def in_regulatory_packs(rule: str) -> list[str]:
    """The ids of ``rule`` in the HIPAA Security, NIST 800-53 R5 and PCI DSS 3.2.1 packs."""
    return [f"{prefix}-{rule}" for prefix in REGULATORY_PACK_PREFIXES]


def acknowledge(construct: IConstruct, reason: str, *rule_ids: str) -> None:
    """Acknowledge ``rule_ids`` on ``construct`` (and its children) with ``reason``.

    A reason is mandatory: an acknowledgement a reviewer cannot judge is not accepted.
    """
    if not reason or not reason.strip():
        raise ValueError(f"acknowledging {list(rule_ids)} on {construct.node.path} needs a reason")
    if not rule_ids:
        raise ValueError(f"acknowledge() on {construct.node.path} names no rule id")
    Validations.of(construct).acknowledge(*(Acknowledgment(id=rule, reason=reason) for rule in rule_ids))


def skip_checkov(resource: IConstruct, reason: str, *check_ids: str) -> None:
    """Record a checkov skip on one CloudFormation resource, with its reason.

    checkov reads ``Metadata.checkov.skip`` of a resource in a template; ``resource`` is the L1
    (``CfnResource``) or an L2 whose ``node.default_child`` is one.
    """
    if not reason or not reason.strip():
        raise ValueError(f"skipping checkov {list(check_ids)} on {resource.node.path} needs a reason")
    if not check_ids:
        raise ValueError(f"skip_checkov() on {resource.node.path} names no check id")
    cfn = resource if isinstance(resource, CfnResource) else resource.node.default_child
    if not isinstance(cfn, CfnResource):
        raise ValueError(f"{resource.node.path} is not a CloudFormation resource; pass its L1 construct")
    existing = cfn.get_metadata("checkov") or {"skip": []}
    skips = list(existing.get("skip", []))
    skips.extend({"id": check, "comment": reason} for check in check_ids)
    cfn.add_metadata("checkov", {"skip": skips})


def flatten_cfn_reference(value: Any) -> str:
    """A resolved CloudFormation value as cdk-nag flattens it in granular finding ids:
    ``<Logical.Arn>/prefix/*``, ``<AWS::AccountId>``, IAM variables ``${aws:x}`` as ``<aws:x>``."""
    if value is None:
        return ""
    if isinstance(value, str):
        return re.sub(r"\$\{([^}]+)\}", r"<\1>", value)
    if isinstance(value, dict):
        if "Fn::Join" in value:
            delimiter, items = value["Fn::Join"]
            return delimiter.join(flatten_cfn_reference(i) for i in items)
        if "Fn::Sub" in value:
            return flatten_cfn_reference(value["Fn::Sub"])
        if "Fn::GetAtt" in value:
            target = value["Fn::GetAtt"]
            if isinstance(target, list):
                return f"<{flatten_cfn_reference(target[0])}.{flatten_cfn_reference(target[1])}>"
            return f"<{target}>"
        if "Fn::ImportValue" in value:
            return flatten_cfn_reference(value["Fn::ImportValue"])
        if "Ref" in value:
            return f"<{flatten_cfn_reference(value['Ref'])}>"
    return json.dumps(value, separators=(",", ":"))


def wildcard_finding_ids(document: dict[str, Any]) -> list[str]:
    """The cdk-nag ``AwsSolutions-IAM5[...]`` ids of a resolved policy document's Allow statements."""
    ids: list[str] = []
    for statement in document.get("Statement", []):
        if statement.get("Effect") != "Allow":
            continue
        actions = statement.get("Action", [])
        for action in actions if isinstance(actions, list) else [actions]:
            if isinstance(action, str) and "*" in action:
                ids.append(f"AwsSolutions-IAM5[Action::{action}]")
        resources = statement.get("Resource", [])
        for resource in resources if isinstance(resources, list) else [resources]:
            flat = flatten_cfn_reference(resource)
            if "*" in flat:
                ids.append(f"AwsSolutions-IAM5[Resource::{flat}]")
    return list(dict.fromkeys(ids))


@jsii.implements(IValidation)
class _AcknowledgeWildcards:
    # Runs as node validation: after cross-stack references are resolved (the ids name them) and
    # before the validation plugins read the acknowledgements.
    def __init__(self, policy: iam.ManagedPolicy, reason: str) -> None:
        self._policy = policy
        self._reason = reason

    def validate(self) -> list[str]:
        cfn = self._policy.node.default_child
        document = Stack.of(self._policy).resolve(cfn.policy_document)  # type: ignore[union-attr]
        ids = wildcard_finding_ids(document)
        if ids:
            acknowledge(self._policy, self._reason, *ids)
        return []


def acknowledge_wildcards(policy: iam.ManagedPolicy, reason: str) -> None:
    """Acknowledge exactly the AwsSolutions-IAM5 wildcard findings of one managed policy the
    library wrote (each finding is named after its resolved action or resource), with ``reason``."""
    if not reason or not reason.strip():
        raise ValueError(f"acknowledging the wildcards of {policy.node.path} needs a reason")
    policy.node.add_validation(_AcknowledgeWildcards(policy, reason))
