"""Acknowledging policy findings next to the code that deviates, at the narrowest scope, with a reason."""

from __future__ import annotations

from aws_cdk import Acknowledgment, CfnResource, Validations
from constructs import IConstruct

#: The three regulatory packs share rule names; ``in_regulatory_packs("S3BucketLoggingEnabled")``
#: gives the three ids.
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
