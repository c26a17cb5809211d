"""Resource policies of the model registry and the image registry (SML-IAM-12): model package groups
(``ModelPackageGroupPolicy``) and ECR repositories (``RepositoryPolicyText``). The IAM semantics
(wildcard principals, NotPrincipal, conditions that restrict nobody) are the engine's
(:func:`..iam_document.unconditioned_wildcard_principals`), shared with SML-IAM-8 and SML-ENC-12."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from ..iam_document import has_condition, is_allow, label_of, statements, unconditioned_wildcard_principals
from ..intrinsics import Unresolved
from ..rule import MISSING, Violation, as_list, cannot_verify, get, rule, text_of, warn
from ..template import Resource, Template

MODEL_PACKAGE_GROUP = "AWS::SageMaker::ModelPackageGroup"
ECR_REPOSITORY = "AWS::ECR::Repository"
#: Resource type -> the property holding its resource policy.
POLICY_PROPERTY = {MODEL_PACKAGE_GROUP: "ModelPackageGroupPolicy", ECR_REPOSITORY: "RepositoryPolicyText"}

#: An account named outright: a 12-digit id or an ``arn:…:iam::<id>:…`` principal.
_ACCOUNT = re.compile(r"^(?:(\d{12})|arn:[^:]+:iam::(\d{12}):.*)$")


def policy_document(value: Any) -> Any:
    """The policy as a document: CloudFormation takes either a JSON object or a JSON string here."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return Unresolved("a policy that is not JSON")
    return value


def named_accounts(principal: Any) -> list[str]:
    """Account ids named literally in a statement's AWS principal (``${AWS::AccountId}`` is this
    account and never listed)."""
    if not isinstance(principal, dict):
        return []
    found = []
    for item in as_list(principal.get("AWS")):
        text = text_of(item)
        match = _ACCOUNT.match(text) if text else None
        if match:
            found.append(match.group(1) or match.group(2))
    return found


@rule(
    "SML-IAM-12", "error", "Model registry and ECR repository policies do not open to everyone",
    types=tuple(POLICY_PROPERTY),
    rationale="""A model package group policy shares model versions (their artifacts and images) and an
    ECR repository policy shares images with the principals it names. Principal * (or Allow with
    NotPrincipal) without conditions, or with conditions that restrict nobody, shares them with every
    AWS account. A grant to another account without any condition is reported as a warning: name the
    account on purpose and scope it (aws:PrincipalOrgID, aws:PrincipalArn).""",
    remediation="""Name the consuming accounts or roles, or restrict Principal * with aws:PrincipalOrgID;
    add conditions to cross-account grants.""",
    references=(
        "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_PutModelPackageGroupPolicy.html",
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policies.html",
    ),
)  # fmt: skip
def registry_policy(resource: Resource, template: Template) -> Iterator[Violation]:
    key = POLICY_PROPERTY[resource.type]
    document = policy_document(get(resource.properties, key))
    if document is MISSING:
        return
    if isinstance(document, Unresolved):
        yield cannot_verify(f"{key} is {document.expr}")
        return
    yield from unconditioned_wildcard_principals(document, key)
    for index, statement in statements(document):
        if isinstance(statement, Unresolved) or not is_allow(statement) or has_condition(statement):
            continue
        accounts = named_accounts(statement.get("Principal"))
        if accounts:
            yield warn(
                f"{key} {label_of(statement, index)} grants account(s) {', '.join(sorted(set(accounts)))} "
                "without any condition; confirm they are yours and scope the grant"
            )
