"""Acknowledging policy findings next to the code that deviates, at the narrowest scope, with a reason.

Every gate reads what the constructs write here from the template or the cloud assembly, so a library
deviation is acknowledged whatever the construct ids, and nothing goes in a file the user edits:

- cdk-nag and our pack at synth: :func:`acknowledge` (``Validations.of(construct).acknowledge``, which
  CDK records in the cloud assembly);
- our pack on a template taken out of ``cdk.out``: :func:`acknowledge` also writes our rules into each
  resource's ``Metadata.cdk_secure_ml.acknowledge`` (docs/rules.md);
- parliament (``secure-ml iam-lint``): :func:`justify_iam_lint`, ``Metadata.cdk_secure_ml.iam_lint``;
- checkov: :func:`skip_checkov`, ``Metadata.checkov.skip``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import jsii
from aws_cdk import Acknowledgment, CfnResource, Stack, Validations
from aws_cdk import aws_iam as iam
from constructs import IConstruct, IValidation

from .acks import METADATA_KEY
from .iam_lint.justifications import IAM_LINT_KEY
from .ids import PLUGIN_NAME

#: The three regulatory packs share rule names; ``in_regulatory_packs("S3BucketLoggingEnabled")``
#: gives the three ids.
__all__ = [
    "acknowledge",
    "acknowledge_sdk_call_handler",
    "acknowledge_wildcards",
    "in_regulatory_packs",
    "justify_iam_lint",
    "justify_imported_resources",
    "justify_tls_version",
    "skip_checkov",
]

#: Key under ``Metadata.cdk_secure_ml`` of our rules' acknowledgements (read by :mod:`.acks`).
ACKNOWLEDGE_KEY = "acknowledge"

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
    ours = [rule.removeprefix(f"{PLUGIN_NAME}::") for rule in rule_ids if rule.startswith(f"{PLUGIN_NAME}::")]
    if ours:
        # Also in the template, so that a template taken out of cdk.out (`cdk synth Stack > t.yaml`)
        # still carries them: now, and again at validation, so that resources added under the construct
        # later count too.
        writer = _AcknowledgeInMetadata(construct, reason, ours)
        writer.validate()
        construct.node.add_validation(writer)


def _metadata_block(cfn: CfnResource) -> dict[str, Any]:
    block = cfn.get_metadata(METADATA_KEY)
    return dict(block) if isinstance(block, dict) else {}


@jsii.implements(IValidation)
class _AcknowledgeInMetadata:
    # Writes {"rule", "reason"} into Metadata.cdk_secure_ml.acknowledge of every CloudFormation resource
    # of the construct's subtree, like CDK's acknowledgement applies to the construct and its children.
    # CDK validates constructs parents first, so the last writer of a rule is the resource's closest
    # acknowledging construct, whose reason wins as in CDK.
    def __init__(self, construct: IConstruct, reason: str, rules: list[str]) -> None:
        self._construct = construct
        self._reason = reason
        self._rules = rules

    def validate(self) -> list[str]:
        for child in self._construct.node.find_all():
            if not isinstance(child, CfnResource):
                continue
            block = _metadata_block(child)
            entries = [e for e in block.get(ACKNOWLEDGE_KEY, []) if e.get("rule") not in self._rules]
            entries += [{"rule": rule, "reason": self._reason} for rule in self._rules]
            block[ACKNOWLEDGE_KEY] = entries
            child.add_metadata(METADATA_KEY, block)
        return []


def _cfn_resource(resource: IConstruct, what: str) -> CfnResource:
    cfn = resource if isinstance(resource, CfnResource) else resource.node.default_child
    if not isinstance(cfn, CfnResource):
        raise ValueError(
            f"{resource.node.path} is not a CloudFormation resource; pass its L1 construct ({what})"
        )
    return cfn


def justify_iam_lint(
    resource: IConstruct, reason: str, issue: str, *, policy: str = "", detail: str = ""
) -> None:
    """Justify one parliament finding (``secure-ml iam-lint``) of the policies of one resource.

    Writes ``{"issue", "policy", "detail", "reason"}`` into the resource's
    ``Metadata.cdk_secure_ml.iam_lint``; iam-lint applies it to that resource's findings only, so it holds
    whatever the construct ids. ``resource``: the L1 (``CfnResource``) or an L2 whose ``node.default_child``
    is one. ``issue``: parliament's issue (``MISMATCHED_TYPE``); ``policy`` and ``detail``: globs on the
    policy (``KeyPolicy/<Sid>``, ``PolicyDocument/Statement[[]0]``) and on the finding's message, as in
    a justifications file (docs/iam-lint.md). Keep them narrow: an entry that matches nothing is a warning.
    Raises ``ValueError`` without a reason or an issue, or when ``resource`` is not a CloudFormation
    resource.
    """
    if not reason or not reason.strip():
        raise ValueError(f"justifying {issue!r} on {resource.node.path} needs a reason")
    if not issue or not issue.strip():
        raise ValueError(f"justify_iam_lint() on {resource.node.path} names no parliament issue")
    cfn = _cfn_resource(resource, "justify_iam_lint")
    entry = {"issue": issue, "reason": reason}
    if policy:
        entry["policy"] = policy
    if detail:
        entry["detail"] = detail
    block = _metadata_block(cfn)
    entries = list(block.get(IAM_LINT_KEY, []))
    if entry not in entries:
        entries.append(entry)
    block[IAM_LINT_KEY] = entries
    cfn.add_metadata(METADATA_KEY, block)


#: Why parliament 1.6.4's findings on aws-cdk-lib's minimum-TLS bucket policy statement are accepted.
TLS_TYPE_REASON = (
    "s3:TlsVersion is numeric and 1.2 is the value AWS documents for the minimum-TLS bucket policy "
    "(NumericLessThan s3:TlsVersion 1.2, which aws-cdk-lib's Bucket minimumTLSVersion writes; "
    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/amazon-s3-policy-keys.html). parliament 1.6.4 "
    "checks numbers with the regex ^\\d+$, so it rejects every decimal."
)
TLS_ACTIONS_REASON = (
    "The statement is the Deny s3:* with NumericLessThan s3:TlsVersion 1.2 that enforces TLS 1.2 on the "
    "bucket (aws-cdk-lib minimumTLSVersion). The service authorization reference does not list "
    "s3:TlsVersion for these two actions, so the deny does not cover them: PutAccessPointPublicAccessBlock "
    "is an account-level action that a bucket policy cannot govern, and InitiateReplication is called by "
    "S3 Batch Replication, not by a client over TLS. Every other S3 action stays covered."
)


def justify_tls_version(bucket_policy: IConstruct) -> None:
    """Justify, on one bucket policy (``s3.BucketPolicy`` or its L1), parliament's two findings on the
    minimum-TLS deny statement aws-cdk-lib writes for ``minimum_tls_version=1.2``: the decimal value
    (parliament's number check) and the two S3 actions that do not take ``s3:TlsVersion``."""
    justify_iam_lint(
        bucket_policy,
        TLS_TYPE_REASON,
        "MISMATCHED_TYPE",
        policy="PolicyDocument",
        detail="*s3:TlsVersion requires a value of type Numeric but given*1.2*",
    )
    justify_iam_lint(
        bucket_policy,
        TLS_ACTIONS_REASON,
        "UNKNOWN_CONDITION_FOR_ACTION",
        policy="PolicyDocument",
        detail="*unknown condition s3:TlsVersion for action(s) s3:InitiateReplication, "
        "s3:PutAccessPointPublicAccessBlock",
    )


def skip_checkov(resource: IConstruct, reason: str, *check_ids: str) -> None:
    """Record a checkov skip on one CloudFormation resource, with its reason.

    checkov reads ``Metadata.checkov.skip`` of a resource in a template; ``resource`` is the L1
    (``CfnResource``) or an L2 whose ``node.default_child`` is one.
    """
    if not reason or not reason.strip():
        raise ValueError(f"skipping checkov {list(check_ids)} on {resource.node.path} needs a reason")
    if not check_ids:
        raise ValueError(f"skip_checkov() on {resource.node.path} names no check id")
    cfn = _cfn_resource(resource, "skip_checkov")
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
class _OnResolvedDocument:
    # Runs as node validation: after cross-stack references are resolved (Fn::ImportValue, and the ids
    # that name them) and before the validation plugins read the acknowledgements.
    def __init__(self, policy: iam.ManagedPolicy, act: Callable[[dict[str, Any]], None]) -> None:
        self._policy = policy
        self._act = act

    def validate(self) -> list[str]:
        cfn = self._policy.node.default_child
        self._act(Stack.of(self._policy).resolve(cfn.policy_document))  # type: ignore[union-attr]
        return []


def acknowledge_wildcards(policy: iam.ManagedPolicy, reason: str) -> None:
    """Acknowledge exactly the AwsSolutions-IAM5 wildcard findings of one managed policy the
    library wrote (each finding is named after its resolved action or resource), with ``reason``."""
    if not reason or not reason.strip():
        raise ValueError(f"acknowledging the wildcards of {policy.node.path} needs a reason")
    def act(document: dict[str, Any]) -> None:
        ids = wildcard_finding_ids(document)
        if ids:
            acknowledge(policy, reason, *ids)

    policy.node.add_validation(_OnResolvedDocument(policy, act))


def _imported_statements(document: dict[str, Any]) -> list[str]:
    """The Sids of the statements whose Resource holds an ``Fn::ImportValue`` (a cross-stack reference)."""
    return [
        statement["Sid"]
        for statement in document.get("Statement", [])
        if isinstance(statement.get("Sid"), str)
        and "Fn::ImportValue" in json.dumps(statement.get("Resource"))
    ]


def justify_imported_resources(policy: iam.ManagedPolicy, reason: str) -> None:
    """Justify iam-lint's "cannot verify" (``PARLIAMENT-UNRESOLVED``) on each statement of one managed policy
    the library wrote whose resource is a cross-stack import, with ``reason``: say why the statement names
    exactly the resource the construct was given. Statements without an import get nothing (an entry that
    matches nothing is a warning). Raises ``ValueError`` without a reason."""
    if not reason or not reason.strip():
        raise ValueError(f"justifying the imports of {policy.node.path} needs a reason")
    def act(document: dict[str, Any]) -> None:
        for sid in _imported_statements(document):
            justify_iam_lint(policy, reason, "UNRESOLVED", policy=f"PolicyDocument/{sid}",
                             detail="*Fn::ImportValue*")

    policy.node.add_validation(_OnResolvedDocument(policy, act))


#: The construct id aws-cdk-lib gives the stack-wide singleton Lambda function of ``AwsCustomResource``.
SDK_CALL_HANDLER_ID = "AWS679f53fac002430cb0da5b7982bd2287"


def acknowledge_sdk_call_handler(resource: IConstruct, reason: str, *resource_rule_ids: str) -> None:
    """The gates' findings on an aws-cdk-lib ``AwsCustomResource`` and on its stack-wide singleton handler.

    ``resource`` gets its inline-policy findings (the regulatory packs' IAMNoInlinePolicy) and
    ``resource_rule_ids`` acknowledged with ``reason``; the handler (if the stack has one yet) its basic
    execution policy, concurrency, DLQ and VPC findings, and the matching checkov skips.
    """
    acknowledge(resource, reason, *in_regulatory_packs("IAMNoInlinePolicy"), *resource_rule_ids)
    handler = Stack.of(resource).node.try_find_child(SDK_CALL_HANDLER_ID)
    if handler is None:
        return
    acknowledge(
        handler, reason,
        "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
        *in_regulatory_packs("LambdaConcurrency"), *in_regulatory_packs("LambdaDLQ"),
        *in_regulatory_packs("LambdaInsideVPC"),
    )
    skip_checkov(handler, reason, "CKV_AWS_115", "CKV_AWS_116", "CKV_AWS_117")
