"""KMS grants: who a grant lets use a key, for which operations and encryption contexts. CDK-free, pure.

A grant lets its grantee principal call the grant's operations on one KMS key, beside the key policy and
IAM policies (https://docs.aws.amazon.com/kms/latest/developerguide/grants.html). Its encryption context
constraints (``EncryptionContextEquals``: the request's context is exactly that one;
``EncryptionContextSubset``: it holds at least those pairs) apply only to operations that take an encryption
context; ``DescribeKey`` and ``RetireGrant`` ignore them. Constraint keys compare case-insensitively, values
case-sensitively (https://docs.aws.amazon.com/kms/latest/APIReference/API_GrantConstraints.html).

CloudFormation has no grant resource: grants are created at run time, mostly by AWS services acting for a
principal that may ``kms:CreateGrant`` with ``kms:GrantIsForAWSResource`` true
(https://docs.aws.amazon.com/kms/latest/developerguide/grant-authorization.html). The catalogue derives the
grants the assembly implies (:func:`.kms_grants.implied_grants`); a grant is one input of
:class:`.evaluator.Request`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Grant", "grant_allows"]

#: The operations a grant may hold whose requests carry no encryption context (constraints do not apply).
#: CreateGrant is among them here: AWS requires a grant made under a constrained grant to be as strictly
#: constrained, which the model does not check (docs/access.md, "Not modelled").
_NO_CONTEXT = {"describekey", "retiregrant", "creategrant"}


@dataclass(frozen=True)
class Grant:
    """One KMS grant.

    :param key: the key's ARN (``arn:aws:kms:<region>:<account>:key/<id>``).
    :param grantee: the grantee principal: a role's ARN or a service principal (``ec2.amazonaws.com``).
    :param operations: KMS API names (``Decrypt``, ``GenerateDataKeyWithoutPlaintext``, ``CreateGrant`` ...).
    :param context_equals: ``EncryptionContextEquals`` constraint (empty: none); ``context_subset``:
        ``EncryptionContextSubset``.
    :param source: where the grant comes from, for the deciding statements (``implied by ... CreateGrant``).
    """

    key: str
    grantee: str
    operations: tuple[str, ...]
    context_equals: Mapping[str, str] = field(default_factory=dict)
    context_subset: Mapping[str, str] = field(default_factory=dict)
    source: str = "grant"


def _request_context(context: Mapping[str, Any]) -> dict[str, str]:
    """The encryption context of the request, from its ``kms:EncryptionContext:<key>`` keys (keys lowered:
    grant constraint keys are case-insensitive)."""
    prefix = "kms:encryptioncontext:"
    return {k.lower()[len(prefix):]: str(v) for k, v in context.items() if k.lower().startswith(prefix)}


def grant_allows(grant: Grant, grantee: str, action: str, key: str, context: Mapping[str, Any]) -> bool:
    """Whether ``grant`` lets ``grantee`` call ``action`` (``kms:Decrypt``) on ``key`` with the request
    ``context`` (its ``kms:EncryptionContext:*`` keys)."""
    service, _, operation = action.partition(":")
    if service.lower() != "kms" or grant.key != key or grant.grantee != grantee:
        return False
    if operation.lower() not in {o.lower() for o in grant.operations}:
        return False
    if operation.lower() in _NO_CONTEXT or not (grant.context_equals or grant.context_subset):
        return True
    given = _request_context(context)
    if grant.context_equals:
        return given == {k.lower(): v for k, v in grant.context_equals.items()}
    return all(given.get(k.lower()) == v for k, v in grant.context_subset.items())
