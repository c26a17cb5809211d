"""The request evaluator: would AWS allow this request, and which statements decide it? CDK-free, pure.

It follows AWS's documented policy evaluation logic:

- https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html and
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html:
  every request starts implicitly denied; an explicit Deny in any applicable policy (SCP, resource
  policy, VPC endpoint policy, identity policy, permissions boundary) wins; then each policy type that
  applies must allow.
- SCPs (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html) limit
  the principals of the accounts they are attached to and never grant; they do not apply to service
  principals. An account with SCPs keeps AWS's ``FullAWSAccess`` beside ours (the caller passes it).
- Permissions boundaries
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html): the effective
  permissions are what both the identity policies and the boundary allow; a resource policy that names
  the role is still limited by the boundary; a Deny with NotPrincipal always applies to a principal
  with a boundary.
- Same account (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-basics.html):
  an Allow in the identity policies *or* in a resource policy that names the principal is enough; a
  resource policy that names only the account delegates to the identity policies.
- Cross account (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html):
  the resource policy of the trusting account and the identity policies of the trusted one must both
  allow.
- KMS keys (https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html): an IAM policy
  allows nothing on a key unless the key policy allows it, directly or by naming the account (which
  enables IAM policies).
- VPC endpoint policies (https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html):
  a request through an endpoint must also be allowed by the endpoint's policy.
- Session policies (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_assumerole.html,
  https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html): a session's permissions are
  the intersection of the role's identity policies and the session policies passed to AssumeRole
  (``Policy``, ``PolicyArns``); they grant nothing, their Deny wins, and a resource policy that names the
  role (or its account) is limited by them too, while one that names the session's own ARN
  (``arn:aws:sts::<account>:assumed-role/<role>/<session>``) adds its Allow to theirs.
- RCPs (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html,
  https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_evaluation.html):
  a ceiling on the resources of the accounts they are attached to, whoever calls (another account's
  principal, a service principal); they never grant, a Deny in one wins, and with RCPs enabled AWS's
  ``RCPFullAWSAccess`` stays attached (the caller passes it). They apply to the services that support
  them (:data:`RCP_SERVICES`), and not to service-linked roles (``/aws-service-role/`` roles).
- KMS grants (https://docs.aws.amazon.com/kms/latest/developerguide/grants.html, :mod:`.grants`): a grant
  allows its grantee the grant's operations on its key, whatever the key policy and IAM policies allow;
  an explicit Deny still wins and the SCPs of the grantee's account still apply. Its boundary and session
  policies are applied too: AWS does not document how they meet grants, and the model takes the stricter
  reading.

Conditions, wildcards and policy variables: :mod:`.conditions`. What it leaves out: permission sets, and
the root user's own rules (neither is in the platform's templates).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .conditions import (
    Context,
    MissingVariable,
    arn_matches,
    as_list,
    condition_holds,
    lookup,
    substitute,
    wildcard_matches,
)
from .grants import Grant, grant_allows

__all__ = [
    "RCP_SERVICES",
    "Decision",
    "Hit",
    "Policy",
    "PolicyKind",
    "Principal",
    "Request",
    "evaluate",
    "statement_applies",
]

PolicyKind = Literal["scp", "rcp", "resource", "endpoint", "identity", "boundary", "session", "grant"]
#: The services whose resources RCPs govern, as AWS's pages stored here list them (the RCP page and
#: Control Tower's RCP controls, checked 2026-11-30); an action of another service is not limited by RCPs.
#: AWS adds services to RCPs over time (a review reports Amazon ECR and OpenSearch Serverless, which these
#: pages do not show): check https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html
#: before relying on an "allow" of another service under an RCP.
RCP_SERVICES = frozenset({"s3", "sts", "kms", "sqs", "secretsmanager"})
_ACCOUNT_ARN = re.compile(r"^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):")
_KMS_KEY = re.compile(r"^arn:aws[a-z-]*:kms:[^:]*:\d{12}:key/")


@dataclass(frozen=True)
class Policy:
    """One policy document and where it came from.

    :param document: the IAM JSON document (``{"Statement": [...]}``), intrinsics already resolved.
    :param kind: ``scp``, ``rcp``, ``resource`` (bucket, key, topic, ... policy), ``endpoint`` (VPC
        endpoint policy), ``identity``, ``boundary`` or ``session`` (a session policy).
    :param template: the template file (or SCP file) that holds it; ``logical_id``: its resource there.
    """

    document: Mapping[str, Any]
    kind: PolicyKind
    template: str = ""
    logical_id: str = ""

    def statements(self) -> Iterator[Mapping[str, Any]]:
        for statement in as_list(self.document.get("Statement")):
            if isinstance(statement, Mapping):
                yield statement


@dataclass(frozen=True)
class Principal:
    """Who makes the request.

    :param arn: the role's ARN (``arn:aws:iam::<account>:role/<path><name>``), or a service principal's
        name (``cloudtrail.amazonaws.com``).
    :param account: the 12-digit account id (None for a service principal).
    :param identity: the role's identity policies (inline and managed); ``boundary``: its permissions
        boundary or None; ``scps``: the SCPs of its account (empty: the account has none).
    :param tags: principal tags (the role's tags, then session tags over them).
    :param session_policies: the session policies passed to AssumeRole (empty: none, the role's
        permissions apply whole); ``session_arn``: the session's ARN, when a resource policy may name it.
    """

    arn: str
    account: str | None = None
    identity: tuple[Policy, ...] = ()
    boundary: Policy | None = None
    scps: tuple[Policy, ...] = ()
    tags: Mapping[str, str] = field(default_factory=dict)
    session_policies: tuple[Policy, ...] = ()
    session_arn: str | None = None

    @property
    def is_service(self) -> bool:
        return not self.arn.startswith("arn:")

    @property
    def is_service_linked(self) -> bool:
        """A service-linked role (IAM puts them under the path ``/aws-service-role/``)."""
        return ":role/aws-service-role/" in self.arn


@dataclass(frozen=True)
class Request:
    """One request: ``principal`` calls ``action`` on ``resource`` (an ARN, or ``*``).

    :param resource_account: the account that owns the resource (None: the principal's).
    :param resource_policies: the resource's policies (bucket policy, key policy, topic policy, ...).
    :param endpoint_policies: the policies of the VPC endpoint the request goes through, if any.
    :param context: request context keys (``aws:SourceVpce``, ``sagemaker:VpcSubnets``, ...); the
        principal's keys (``aws:PrincipalArn``, ``aws:PrincipalTag/*``, ...) are added unless given.
    :param rcps: the RCPs attached to the resource's account (empty: RCPs not enabled).
    :param grants: the KMS grants on the resource (a key) that exist when the request is made.
    """

    principal: Principal
    action: str
    resource: str
    resource_account: str | None = None
    resource_policies: tuple[Policy, ...] = ()
    endpoint_policies: tuple[Policy, ...] = ()
    context: Context = field(default_factory=dict)
    rcps: tuple[Policy, ...] = ()
    grants: tuple[Grant, ...] = ()


@dataclass(frozen=True)
class Hit:
    """A statement that applied to the request."""

    kind: PolicyKind
    effect: str
    sid: str
    template: str
    logical_id: str

    def describe(self) -> str:
        where = f"{self.template} {self.logical_id}".strip() or "(inline)"
        return f"{self.kind} {where} {self.sid}"


@dataclass(frozen=True)
class Decision:
    """``decision`` is ``allow`` or ``deny``; ``deciding`` is ``allow``, ``explicit-deny`` or
    ``implicit-deny``; ``statements`` the deciding statements (the Denies, or the Allows that grant);
    ``reason`` one sentence."""

    decision: Literal["allow", "deny"]
    deciding: Literal["allow", "explicit-deny", "implicit-deny"]
    statements: tuple[Hit, ...]
    reason: str


def full_context(request: Request) -> dict[str, Any]:
    """The request context with the principal's global keys added (the caller's keys win)."""
    principal = request.principal
    context: dict[str, Any] = {"aws:SecureTransport": "true"}
    if principal.is_service:
        context["aws:PrincipalServiceName"] = principal.arn
        context["aws:PrincipalIsAWSService"] = "true"
    else:
        context["aws:PrincipalArn"] = principal.arn
        context["aws:PrincipalType"] = "AssumedRole"
        context["aws:PrincipalIsAWSService"] = "false"
        if principal.account:
            context["aws:PrincipalAccount"] = principal.account
        for key, value in principal.tags.items():
            context[f"aws:PrincipalTag/{key}"] = value
    account = request.resource_account or principal.account
    if account:
        context["aws:ResourceAccount"] = account
    lowered = {k.lower() for k in request.context}
    context = {k: v for k, v in context.items() if k.lower() not in lowered}
    context.update(request.context)
    return context


def _action_matches(statement: Mapping[str, Any], action: str, context: Context) -> bool:
    if "NotAction" in statement:
        return not any(
            wildcard_matches(substitute(str(a), context), action, ignore_case=True)
            for a in as_list(statement["NotAction"])
        )
    return any(
        wildcard_matches(substitute(str(a), context), action, ignore_case=True)
        for a in as_list(statement.get("Action"))
    )


def _resource_matches(statement: Mapping[str, Any], resource: str, context: Context) -> bool:
    if "NotResource" in statement:
        return not any(
            arn_matches(substitute(str(r), context), resource) for r in as_list(statement["NotResource"])
        )
    patterns = as_list(statement.get("Resource", "*"))
    return any(arn_matches(substitute(str(r), context), resource) for r in patterns)


def _names(principal_element: Any, principal: Principal) -> str | None:
    """``specific`` when the element names this principal (or everyone), ``account`` when it names
    only the principal's account, else None."""
    if principal_element == "*":
        return "specific"
    if not isinstance(principal_element, Mapping):
        return None
    if principal.is_service:
        return (
            "specific"
            if principal.arn in as_list(principal_element.get("Service"))
            or "*" in as_list(principal_element.get("AWS"))
            else None
        )
    found = None
    for value in (str(v) for v in as_list(principal_element.get("AWS"))):
        if principal.session_arn and value == principal.session_arn:
            return "session"
        if value == "*" or value == principal.arn:
            return "specific"
        match = _ACCOUNT_ARN.match(value)
        if value == principal.account or (
            match and value.endswith(":root") and match.group(1) == principal.account
        ):
            found = "account"
    return found


def _applies_to(statement: Mapping[str, Any], kind: PolicyKind, principal: Principal) -> str | None:
    """For a resource or endpoint policy: how its Principal/NotPrincipal names ``principal``."""
    if kind not in ("resource", "endpoint"):
        return "specific"
    if "NotPrincipal" in statement:
        if statement.get("Effect") == "Deny" and principal.boundary is not None:
            return "specific"  # AWS: Deny + NotPrincipal always applies to a principal with a boundary
        return None if _names(statement["NotPrincipal"], principal) else "specific"
    if "Principal" not in statement:
        return "specific" if kind == "endpoint" else None
    return _names(statement["Principal"], principal)


def statement_applies(
    statement: Mapping[str, Any],
    kind: PolicyKind,
    principal: Principal,
    action: str,
    resource: str,
    context: Context,
) -> bool:
    """Whether one statement applies to a request: its Principal (for a resource or endpoint policy),
    action, resource and conditions all match ``context`` as given (nothing added).

    :raises UnknownOperator: a condition operator IAM does not have (after the rest matched).
    """
    if _applies_to(statement, kind, principal) is None:
        return False
    try:
        return (
            _action_matches(statement, action, context)
            and _resource_matches(statement, resource, context)
            and condition_holds(statement.get("Condition"), context)
        )
    except MissingVariable:
        return False


def _hits(
    policies: Iterable[Policy], request: Request, context: Context, effect: str
) -> list[tuple[Hit, str]]:
    """The statements of ``policies`` with ``effect`` that apply, each with how they name the principal."""
    out = []
    for policy in policies:
        for statement in policy.statements():
            if statement.get("Effect") != effect:
                continue
            how = _applies_to(statement, policy.kind, request.principal)
            if how is None:
                continue
            try:
                if not (
                    _action_matches(statement, request.action, context)
                    and _resource_matches(statement, request.resource, context)
                    and condition_holds(statement.get("Condition"), context)
                ):
                    continue
            except MissingVariable:
                continue  # AWS: an element whose variable cannot be resolved does not match
            hit = Hit(
                policy.kind, effect, str(statement.get("Sid", "<no Sid>")), policy.template, policy.logical_id
            )
            out.append((hit, how))
    return out


def _deny(reason: str, hits: Iterable[Hit] = ()) -> Decision:
    hits = tuple(hits)
    return Decision("deny", "explicit-deny" if hits else "implicit-deny", hits, reason)


def _rcps(request: Request) -> tuple[Policy, ...]:
    """The RCPs that govern the request: those of the resource's account, for a service that supports
    RCPs, unless a service-linked role makes the call."""
    service = request.action.split(":", 1)[0].lower()
    if request.principal.is_service_linked or service not in RCP_SERVICES:
        return ()
    return request.rcps


def _granted(request: Request, context: Context) -> list[Hit]:
    """The KMS grants that let the principal make the request."""
    return [
        Hit("grant", "Allow", grant.source, grant.key.rsplit("/", 1)[-1], grant.grantee)
        for grant in request.grants
        if grant_allows(grant, request.principal.arn, request.action, request.resource, context)
    ]


def evaluate(request: Request) -> Decision:  # noqa: C901 - one documented step per branch
    """AWS's decision on ``request``, with the statements that decide it. Never raises on a policy
    it can read; an unknown condition operator raises :class:`.conditions.UnknownOperator`."""
    principal = request.principal
    context = full_context(request)
    scps = () if principal.is_service else principal.scps
    rcps = _rcps(request)
    identity = () if principal.is_service else principal.identity
    boundary = () if principal.is_service or principal.boundary is None else (principal.boundary,)
    session = () if principal.is_service else principal.session_policies
    through_endpoint = request.endpoint_policies if lookup(context, "aws:SourceVpce") else ()
    every = (*scps, *rcps, *request.resource_policies, *through_endpoint, *identity, *boundary, *session)
    denies = [hit for hit, _ in _hits(every, request, context, "Deny")]
    if denies:
        return _deny("an explicit Deny applies", denies)
    allows = _hits(every, request, context, "Allow")

    def allowed_by(kind: str, how: str | None = None) -> list[Hit]:
        return [hit for hit, named in allows if hit.kind == kind and (how is None or named == how)]

    if scps and not allowed_by("scp"):
        return _deny("no SCP of the principal's account allows it")
    if rcps and not allowed_by("rcp"):
        return _deny("no RCP of the resource's account allows it")
    if through_endpoint and not allowed_by("endpoint"):
        return _deny("the VPC endpoint policy does not allow it")
    direct, via_account = allowed_by("resource", "specific"), allowed_by("resource", "account")
    granted_by_grant = _granted(request, context)
    if principal.is_service:
        if direct:
            return _allow(direct, "the resource policy allows the service")
        if granted_by_grant:
            return _allow(granted_by_grant, "a KMS grant allows the service")
        return _deny("no resource policy allows the service principal")
    to_session = allowed_by("resource", "session")
    if session and not allowed_by("session"):
        # The session policies allow nothing here: only a resource policy naming the session itself grants.
        if to_session and not (boundary and not allowed_by("boundary")):
            return _allow(to_session, "a resource policy names the session (no session policy limits it)")
        return _deny("the session policy does not allow it")
    if boundary and not allowed_by("boundary"):
        return _deny("the permissions boundary does not allow it")
    if granted_by_grant:
        return _allow(granted_by_grant, "a KMS grant allows it")
    return _grants(request, allowed_by("identity"), direct + to_session, via_account)


def _allow(hits: list[Hit], reason: str) -> Decision:
    return Decision("allow", "allow", tuple(hits), reason)


def _grants(request: Request, granted: list[Hit], direct: list[Hit], via_account: list[Hit]) -> Decision:
    """Which Allows are enough, once nothing denies and the SCPs, endpoint and boundary allow: a KMS key's
    policy must allow (directly, or by enabling IAM policies); across accounts both sides must allow; in
    one account either side is enough."""
    principal = request.principal
    cross_account = (request.resource_account or principal.account) != principal.account
    if _KMS_KEY.match(request.resource):
        if cross_account:
            # Another account's key: its key policy must allow the principal (or its account), and the
            # principal's own IAM policy must allow the call too
            # (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html).
            if (direct or via_account) and granted:
                return _allow(granted + direct + via_account,
                              "cross-account key: both the key policy and an identity policy allow it")
            return _deny("cross-account key: the key policy and an identity policy must both allow it")
        if direct:
            return _allow(direct, "the key policy allows the principal")
        if not via_account:
            return _deny("the key policy neither allows the principal nor enables IAM policies")
        if granted:
            return _allow(
                granted + via_account, "the key policy enables IAM policies and an identity policy allows it"
            )
        return _deny("the key policy enables IAM policies but no identity policy allows it")
    if cross_account:
        if (direct or via_account) and granted:
            return _allow(
                granted + direct + via_account,
                "cross-account: both the resource policy and an identity policy allow it",
            )
        return _deny("cross-account: the resource policy and an identity policy must both allow it")
    if direct or granted:
        return _allow(granted + direct, "an identity or resource policy allows it")
    return _deny("no identity or resource policy allows it")
