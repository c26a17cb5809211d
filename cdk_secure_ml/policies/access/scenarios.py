"""Scenarios: a request and the decision the platform promises for it; running them over an assembly; the
user's own scenarios from YAML. The derived catalogue is :mod:`.catalogue`.

With the platform's SCPs (:func:`platform_scps`) attached to every role's account, as docs/governance.md
recommends for ML accounts. YAML (:func:`load_scenarios`)::

    scenarios:
      - name: alice reads research data
        principal: Foundation/Personas/DataScientistRole   # logical id, construct path or ARN
        session_tags: {team: research, user: alice}
        action: s3:GetObject
        resource: arn:aws:s3:::my-bucket/research/x.csv      # or a logical id / construct path
        context: {aws:SourceVpce: vpce-0abc}
        session_policy: {Statement: [...]}                    # optional: AssumeRole's Policy
        expected: allow                                       # allow | deny

RCPs (:func:`platform_rcps`, ``secure-ml access --rcp FILE``) are attached to every account of the assembly
beside AWS's ``RCPFullAWSAccess``; the platform ships none.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..scp import load_policy
from ..template import InputError
from .assembly import Assembly
from .evaluator import Decision, Policy, Principal, Request, evaluate
from .kms_grants import implied_grants

__all__ = ["Scenario", "load_scenarios", "platform_rcps", "platform_scps", "request_for", "run"]

CDK_EXEC_ROLE_PATTERN = "arn:aws:iam::*:role/cdk-hnb659fds-cfn-exec-role-*"
_FULL_ACCESS = {"Statement": [{"Sid": "FullAWSAccess", "Effect": "Allow", "Action": "*", "Resource": "*"}]}
_RCP_FULL_ACCESS = {
    "Statement": [
        {"Sid": "RCPFullAWSAccess", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}
    ]
}


@dataclass(frozen=True)
class Scenario:
    """One request and the decision the platform promises for it.

    :param principal: a role's ARN (or logical id / construct path, resolved by :func:`run`) or a
        service principal (``cloudtrail.amazonaws.com``).
    :param expected: ``allow`` or ``deny``.
    :param session_policy: an inline session policy (AssumeRole's ``Policy``), or None.
    """

    name: str
    principal: str
    action: str
    resource: str
    expected: str
    context: Mapping[str, Any] = field(default_factory=dict)
    session_tags: Mapping[str, str] = field(default_factory=dict)
    group: str = "custom"
    session_policy: Mapping[str, Any] | None = None


def platform_scps(regions: list[str]) -> tuple[Policy, ...]:
    """AWS's FullAWSAccess and the platform's SCPs (cdk_secure_ml/policies/scp), as attached to an ML
    account: CDK's execution role as the deployer, no break-glass role, the assembly's regions allowed."""
    params: dict[str, dict[str, Any]] = {
        "protect-audit": {"deployer_role_arns": [CDK_EXEC_ROLE_PATTERN], "break_glass_role_arns": []},
        "region-allow-list": {"allowed_regions": sorted(set(regions))},
        "sagemaker-network": {},
        "sagemaker-encryption": {},
    }
    out = [Policy(_FULL_ACCESS, "scp", "FullAWSAccess", "p-FullAWSAccess")]
    out += [
        Policy(load_policy(name, **values), "scp", f"scp/{name}.json", name)
        for name, values in params.items()
    ]
    return tuple(out)


def platform_rcps(documents: list[tuple[str, Mapping[str, Any]]]) -> tuple[Policy, ...]:
    """AWS's RCPFullAWSAccess and the given RCPs (``(file name, document)``), as attached to an account;
    no document: no RCP (RCPs not enabled)."""
    if not documents:
        return ()
    out = [Policy(_RCP_FULL_ACCESS, "rcp", "RCPFullAWSAccess", "p-RCPFullAWSAccess")]
    out += [Policy(document, "rcp", name, Path(name).stem) for name, document in documents]
    return tuple(out)


# -- running -------------------------------------------------------------------------------------


def _resource_context(assembly: Assembly, resource: str) -> dict[str, Any]:
    context: dict[str, Any] = {}
    service = resource.split(":")[2] if resource.startswith("arn:") else ""
    for key, value in assembly.tags.get(resource, {}).items():
        context[f"aws:ResourceTag/{key}"] = value
        if service:
            context[f"{service}:ResourceTag/{key}"] = value
    return context


def _organization_keys(
    assembly: Assembly, principal: Principal, account: str, owner: str, context: Mapping[str, Any], org: str
) -> dict[str, str]:
    """The organization keys AWS adds for accounts of the organization ``org`` (the assembly's accounts):
    aws:PrincipalOrgID for a role of one, aws:SourceOrgID for a service acting for one (aws:SourceAccount),
    aws:ResourceOrgID for a resource of one
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html)."""
    accounts = {s.account for s in assembly.stacks}
    keys = {}
    if not principal.is_service and account in accounts:
        keys["aws:PrincipalOrgID"] = org
    if principal.is_service and context.get("aws:SourceAccount") in accounts:
        keys["aws:SourceOrgID"] = org
    if owner in accounts:
        keys["aws:ResourceOrgID"] = org
    return keys


def request_for(
    assembly: Assembly,
    scenario: Scenario,
    scps: tuple[Policy, ...],
    rcps: tuple[Policy, ...] = (),
    organization_id: str | None = None,
) -> Request:
    """The evaluator's request for ``scenario``; ``rcps`` are attached to the resource's account when the
    assembly holds it (an account of the organization), else none; with ``organization_id``, the assembly's
    accounts are of that organization (:func:`_organization_keys`).

    :raises InputError: the principal or resource is not in the assembly.
    """
    resource = (
        scenario.resource
        if scenario.resource.startswith("arn:") or scenario.resource == "*"
        else assembly.find(scenario.resource)
    )
    owner = assembly.owner(resource)
    if scenario.principal.endswith(".amazonaws.com"):
        principal = Principal(scenario.principal)
        account = owner or assembly.stacks[0].account
    else:
        role = assembly.role(scenario.principal)
        session = (
            (Policy(scenario.session_policy, "session", "session policy", "Policy"),)
            if scenario.session_policy is not None
            else ()
        )
        principal = role.principal(scenario.session_tags, scps, session)
        account = role.stack.account
    vpce = str(next((v for k, v in scenario.context.items() if k.lower() == "aws:sourcevpce"), ""))
    region = resource.split(":")[3] if resource.startswith("arn:") and resource.split(":")[3] else None
    context = {
        "aws:RequestedRegion": region or assembly.stacks[0].region,
        **_resource_context(assembly, resource),
        **scenario.context,
    }
    if resource.startswith("arn:aws:s3:::"):
        context.setdefault("s3:ResourceAccount", owner or account)
    if organization_id:
        keys = _organization_keys(assembly, principal, account, owner or account, context, organization_id)
        context = {**keys, **context}
    endpoint = assembly.endpoint_policies.get((account, vpce)) or next(
        # An endpoint of another account's VPC: the hub layout's interface endpoints serve the spokes
        # (docs/network.md), and their policies filter the spokes' requests all the same.
        (policy for (_, name), policy in assembly.endpoint_policies.items() if vpce and name == vpce), None
    )
    return Request(
        principal,
        scenario.action,
        resource,
        owner or account,
        assembly.policies_for(resource),
        (endpoint,) if endpoint else (),
        context,
        rcps=rcps if (owner or account) in {s.account for s in assembly.stacks} else (),
        grants=assembly.grants_for(resource),
    )


def run(
    assembly: Assembly,
    scenarios: list[Scenario],
    *,
    scps: bool = True,
    rcps: tuple[Policy, ...] = (),
    organization_id: str | None = None,
) -> list[tuple[Scenario, Decision]]:
    """Each scenario's decision, with the platform's SCPs (unless ``scps`` is False) and ``rcps``
    (:func:`platform_rcps`) attached to every account of the assembly, and the KMS grants the assembly
    implies (:func:`.kms_grants.implied_grants`) in place; ``organization_id``: the AWS Organizations id of
    the assembly's accounts (the requests carry the organization keys)."""
    regions = [s.region for s in assembly.stacks]
    attached = platform_scps(regions) if scps else ()
    assembly.grants = implied_grants(assembly, attached)
    return [(s, evaluate(request_for(assembly, s, attached, rcps, organization_id))) for s in scenarios]


# -- YAML ----------------------------------------------------------------------------------------

_KEYS = {"name", "principal", "action", "resource", "expected", "context", "session_tags", "session_policy"}


def load_scenarios(path: str | Path) -> list[Scenario]:
    """The scenarios of a YAML file (see the module docstring).

    :raises InputError: naming the file, the scenario and the key of each problem.
    """
    try:
        data = yaml.safe_load(Path(path).read_text())
    except (OSError, yaml.YAMLError) as error:
        raise InputError(f"{path}: cannot read the scenarios: {error}") from error
    items = data.get("scenarios") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise InputError(f"{path}: expected a mapping with a 'scenarios' list (see docs/access.md)")
    out, problems = [], []
    for index, item in enumerate(items):
        where = f"{path}: scenarios[{index}]"
        if not isinstance(item, dict):
            problems.append(f"{where}: expected a mapping with name, principal, action, resource, expected")
            continue
        missing = sorted({"name", "principal", "action", "resource", "expected"} - set(item))
        unknown = sorted(set(item) - _KEYS)
        if missing:
            problems.append(f"{where}: missing {', '.join(missing)}")
        if unknown:
            problems.append(f"{where}: unknown key(s) {', '.join(unknown)}; use {', '.join(sorted(_KEYS))}")
        if item.get("expected") not in ("allow", "deny", None):
            problems.append(f"{where}.expected: {item.get('expected')!r}; use allow or deny")
        policy = item.get("session_policy")
        if policy is not None and not (
            isinstance(policy, dict) and isinstance(policy.get("Statement"), list)
        ):
            problems.append(f"{where}.session_policy: expected a policy document with a Statement list")
            continue
        if missing or unknown or item.get("expected") not in ("allow", "deny"):
            continue
        out.append(
            Scenario(
                str(item["name"]),
                str(item["principal"]),
                str(item["action"]),
                str(item["resource"]),
                str(item["expected"]),
                dict(item.get("context") or {}),
                {str(k): str(v) for k, v in (item.get("session_tags") or {}).items()},
                session_policy=policy,
            )
        )
    if problems:
        raise InputError("\n".join(problems))
    return out
