"""Identity rules (SML-IAM-*): least privilege, PassRole, no IAM users, trust and resource policies."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..iam_document import (
    action_grants,
    action_patterns,
    condition_keys,
    has_condition,
    is_allow,
    is_wildcard_principal,
    label_of,
    resource_matches_everything,
    statement_resources,
    statements,
    unconditioned_wildcard_principals,
)
from ..intrinsics import Unresolved
from ..rule import (
    MISSING,
    Violation,
    as_list,
    cannot_verify,
    fail,
    get,
    require_set,
    rule,
    text_of,
)
from ..template import Resource, Template

ROLE = "AWS::IAM::Role"
#: Resource types carrying identity-based policies, and where.
IDENTITY_POLICY_TYPES = (
    ROLE, "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::User", "AWS::IAM::Group",
    "AWS::IAM::RolePolicy", "AWS::IAM::UserPolicy", "AWS::IAM::GroupPolicy",
)  # fmt: skip
RESOURCE_POLICY_TYPES = {
    "AWS::S3::BucketPolicy": "PolicyDocument",
    "AWS::SNS::TopicPolicy": "PolicyDocument",
    "AWS::SQS::QueuePolicy": "PolicyDocument",
}


def identity_documents(resource: Resource) -> Iterator[tuple[str, Any]]:
    """``(label, policy document)`` for each identity-based policy on the resource."""
    props = resource.properties
    if "PolicyDocument" in props:
        yield "PolicyDocument", props["PolicyDocument"]
    policies = props.get("Policies")
    if isinstance(policies, Unresolved):
        yield "Policies", policies
        return
    for index, policy in enumerate(as_list(policies)):
        name = get(policy, "PolicyName")
        label = f"Policies[{index}]" + (f" ({name})" if isinstance(name, str) else "")
        yield label, get(policy, "PolicyDocument")


def allow_statements(resource: Resource) -> Iterator[tuple[str, dict[str, Any] | Unresolved]]:
    """Allow statements of the identity policies (and unresolvable statements, for cannot-verify)."""
    for label, document in identity_documents(resource):
        if isinstance(document, Unresolved):
            yield label, document
            continue
        for index, statement in statements(document):
            if isinstance(statement, Unresolved) or is_allow(statement) is None:
                yield label, statement if isinstance(statement, Unresolved) else Unresolved(f"{label} Effect")
            elif is_allow(statement):
                yield f"{label} {label_of(statement, index)}", statement


@rule(
    "SML-IAM-1", "error", "No policy allows every action",
    types=IDENTITY_POLICY_TYPES,
    rationale="Action * (or Allow with NotAction) is administrator access in disguise.",
    remediation="List the actions the principal needs; use the persona policies of the identity constructs.",
)  # fmt: skip
def no_star_action(resource: Resource, template: Template) -> Iterator[Violation]:
    for label, statement in allow_statements(resource):
        if isinstance(statement, Unresolved):
            yield cannot_verify(f"{label} is {statement.expr}")
            continue
        patterns = action_patterns(statement)
        if any(p == "*" for p in patterns):
            yield fail(f"{label} allows Action *")
        elif any(isinstance(p, Unresolved) for p in patterns):
            yield cannot_verify(f"{label} has an unresolvable Action")
        if "NotAction" in statement:
            yield fail(f"{label} uses Allow with NotAction (allows everything else)")


SERVICE_WILDCARD = re.compile(r"^[a-z0-9-]+:\*$", re.IGNORECASE)


@rule(
    "SML-IAM-2", "error", "No service-wide action on Resource *",
    types=IDENTITY_POLICY_TYPES,
    rationale="""service:* on every resource grants the whole service, including its destructive and admin
    actions. Every resource is Resource *, an ARN pattern with wildcards (or the stack's own account and
    region) in every part (arn:aws:sagemaker:*:*:*), or Allow with NotResource (every resource but a few).""",
    remediation="Name the actions, and scope Resource to ARNs (or tags with ABAC conditions).",
    references=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html",
    ),
)  # fmt: skip
def no_service_star(resource: Resource, template: Template) -> Iterator[Violation]:
    for label, statement in allow_statements(resource):
        if isinstance(statement, Unresolved):
            continue  # reported by SML-IAM-1
        targets, how = statement_resources(statement)
        everything = [t for t in targets if resource_matches_everything(t)]
        if not everything:
            continue
        wide = [p for p in action_patterns(statement) if isinstance(p, str) and SERVICE_WILDCARD.match(p)]
        if wide and how == "NotResource":
            yield fail(f"{label} allows {', '.join(wide)} with NotResource: every resource but those listed")
        elif wide:
            where = "*" if "*" in everything else f"{text_of(everything[0])} (matches every resource)"
            yield fail(f"{label} allows {', '.join(wide)} on Resource {where}")


def _grants_pass_role(statement: dict[str, Any]) -> bool:
    return any(action_grants(p, "iam:PassRole") for p in action_patterns(statement))


ANY_ROLE = re.compile(r"(^\*$|:role/\*$|:\*$)")


@rule(
    "SML-IAM-3", "error", "iam:PassRole only on named roles",
    types=IDENTITY_POLICY_TYPES,
    rationale="""PassRole on * lets the principal hand any role (an admin role included) to SageMaker jobs
    it creates.""",
    remediation="Scope Resource to the ARNs of the execution roles the principal may pass.",
)  # fmt: skip
def pass_role_resource(resource: Resource, template: Template) -> Iterator[Violation]:
    for label, statement in allow_statements(resource):
        if isinstance(statement, Unresolved) or not _grants_pass_role(statement):
            continue
        targets, how = statement_resources(statement)
        if how == "NotResource":
            yield fail(f"{label} allows iam:PassRole with NotResource: every role but those listed")
            continue
        for target in targets:
            text = text_of(target)
            if text is not None and ANY_ROLE.search(text):
                yield fail(f"{label} allows iam:PassRole on {text}")
                break


@rule(
    "SML-IAM-4", "error", "iam:PassRole is limited with iam:PassedToService",
    types=IDENTITY_POLICY_TYPES,
    rationale="""Without iam:PassedToService a passable role can be given to any service (EC2, Lambda …),
    not only SageMaker.""",
    remediation='Add Condition StringEquals iam:PassedToService "sagemaker.amazonaws.com".',
)  # fmt: skip
def pass_role_condition(resource: Resource, template: Template) -> Iterator[Violation]:
    for label, statement in allow_statements(resource):
        if isinstance(statement, Unresolved) or not _grants_pass_role(statement):
            continue
        if isinstance(statement.get("Condition"), Unresolved):
            yield cannot_verify(f"{label} Condition is not resolvable")
        elif "iam:passedtoservice" not in condition_keys(statement):
            yield fail(f"{label} allows iam:PassRole without an iam:PassedToService condition")


FORBIDDEN_MANAGED_POLICIES = (
    "AdministratorAccess",
    "AmazonSageMakerFullAccess",
    "PowerUserAccess",
    "IAMFullAccess",
)
_MANAGED_ARN = re.compile(r":policy/(?:[^:]*/)?(" + "|".join(FORBIDDEN_MANAGED_POLICIES) + r")$")


@rule(
    "SML-IAM-5", "error", "No administrator or SageMaker full-access managed policies",
    types=(ROLE, "AWS::IAM::User", "AWS::IAM::Group"),
    rationale="""AdministratorAccess, PowerUserAccess, IAMFullAccess and AmazonSageMakerFullAccess
    break separation of duties; AmazonSageMakerFullAccess also allows PassRole and public resources.""",
    remediation="Attach the persona and execution-role policies the identity constructs generate instead.",
)  # fmt: skip
def no_admin_policies(resource: Resource, template: Template) -> Iterator[Violation]:
    arns = get(resource.properties, "ManagedPolicyArns")
    if isinstance(arns, Unresolved):
        yield cannot_verify(f"ManagedPolicyArns is {arns.expr}")
        return
    for arn in as_list(arns):
        text = text_of(arn)
        if text is not None:
            match = _MANAGED_ARN.search(text)
            if match:
                yield fail(f"ManagedPolicyArns attaches {match.group(1)}")
        elif isinstance(arn, Unresolved):
            local = [r for r in arn.refs if r in template.resources]
            if not (local and all(template.resources[r].type == "AWS::IAM::ManagedPolicy" for r in local)):
                yield cannot_verify(f"managed policy {arn.expr} is not resolvable")


@rule(
    "SML-IAM-6", "error", "No IAM users or access keys",
    types=("AWS::IAM::User", "AWS::IAM::AccessKey"),
    rationale="People use federation (IAM Identity Center) and workloads use roles; long-lived keys leak.",
    remediation="Remove the user/access key; grant access through an SSO permission set or a role.",
)  # fmt: skip
def no_iam_users(resource: Resource, template: Template) -> Iterator[Violation]:
    kind = "an IAM user" if resource.type == "AWS::IAM::User" else "an IAM access key"
    yield fail(f"defines {kind}: use federation and roles instead")


def _trust_statements(resource: Resource) -> Iterator[tuple[int, dict[str, Any] | Unresolved]]:
    yield from statements(get(resource.properties, "AssumeRolePolicyDocument"))


@rule(
    "SML-IAM-7", "error", "Role trust policies name their principals",
    types=(ROLE,),
    rationale="""A trust policy with Principal * lets any AWS principal (in any account) try to assume the
    role.""",
    remediation="""Trust named service principals or account/role ARNs; acknowledge only with
    org-restricting conditions.""",
)  # fmt: skip
def trust_principals(resource: Resource, template: Template) -> Iterator[Violation]:
    yield from require_set(resource.properties, "AssumeRolePolicyDocument")
    for index, statement in _trust_statements(resource):
        if isinstance(statement, Unresolved):
            yield cannot_verify(f"AssumeRolePolicyDocument statement is {statement.expr}")
            continue
        if is_allow(statement) is False:
            continue
        wildcard = is_wildcard_principal(statement.get("Principal"))
        if wildcard is None:
            yield cannot_verify(
                f"AssumeRolePolicyDocument {label_of(statement, index)} principal is not resolvable"
            )
        elif wildcard:
            suffix = (
                ""
                if not has_condition(statement)
                else " (conditions do not make a wildcard trust safe by default)"
            )
            yield fail(f"AssumeRolePolicyDocument {label_of(statement, index)} trusts Principal *{suffix}")
        if "NotPrincipal" in statement:
            yield fail(f"AssumeRolePolicyDocument {label_of(statement, index)} uses Allow with NotPrincipal")


@rule(
    "SML-IAM-8", "error", "Resource policies allow everyone only with restricting conditions",
    types=tuple(RESOURCE_POLICY_TYPES),
    rationale="""An Allow to Principal * (or with NotPrincipal) without conditions makes the bucket, topic or
    queue public; so does one whose conditions restrict nobody: aws:SecureTransport alone, a "*" or
    all-wildcard ARN value under StringLike/ArnLike, an ...IfExists or ForAllValues operator (true when the
    key is missing), a negated operator (StringNotEquals lets every other value in) or Null "true".""",
    remediation="""Name the principals, or restrict with aws:SourceVpce, aws:PrincipalOrgID,
    aws:SourceArn/aws:SourceAccount.""",
)  # fmt: skip
def resource_policy_principals(resource: Resource, template: Template) -> Iterator[Violation]:
    document = resource.properties.get(RESOURCE_POLICY_TYPES[resource.type], MISSING)
    yield from unconditioned_wildcard_principals(document, "PolicyDocument")


def _service_principals(statement: dict[str, Any]) -> list[str]:
    principal = statement.get("Principal")
    if not isinstance(principal, dict):
        return []
    return [p for p in as_list(principal.get("Service")) if isinstance(p, str)]


@rule(
    "SML-IAM-9", "warning", "SageMaker execution roles guard against the confused deputy",
    types=(ROLE,),
    rationale="""A role trusted by sagemaker.amazonaws.com without aws:SourceAccount (or aws:SourceArn)
    can be assumed by SageMaker on behalf of another account that knows its ARN.""",
    remediation="""Add Condition StringEquals aws:SourceAccount "<account>" (or ArnLike aws:SourceArn) to
    the trust statement.""",
)  # fmt: skip
def sagemaker_trust_condition(resource: Resource, template: Template) -> Iterator[Violation]:
    for index, statement in _trust_statements(resource):
        if isinstance(statement, Unresolved) or is_allow(statement) is False:
            continue
        if any(p.startswith("sagemaker.") for p in _service_principals(statement)):
            keys = condition_keys(statement)
            if not keys & {"aws:sourceaccount", "aws:sourcearn"}:
                yield fail(
                    f"AssumeRolePolicyDocument {label_of(statement, index)} trusts SageMaker without "
                    "aws:SourceAccount or aws:SourceArn"
                )


@rule(
    "SML-IAM-10", "warning", "Roles have a permissions boundary",
    types=(ROLE,),
    rationale="A permissions boundary caps what a role can ever be granted, even by a later policy change.",
    remediation="""Set PermissionsBoundary (PermissionsBoundary.of(scope).apply(policy) in CDK covers
    every role in scope).""",
)  # fmt: skip
def permissions_boundary(resource: Resource, template: Template) -> Iterator[Violation]:
    yield from require_set(resource.properties, "PermissionsBoundary")
