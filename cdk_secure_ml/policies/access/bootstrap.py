"""CDK's bootstrap roles in the accounts a delivery pipeline deploys to, as stacks of the assembly. CDK-free.

A CDK pipeline deploys into each stage account by assuming that environment's bootstrap roles
(``cdk-hnb659fds-deploy-role-<account>-<region>``, the file- and image-publishing roles, which pass the
CloudFormation execution role ``cdk-hnb659fds-cfn-exec-role-<account>-<region>``). They are not in the cloud
assembly: ``cdk bootstrap`` deploys them from the template the CDK CLI ships
(https://docs.aws.amazon.com/cdk/latest/guide/ref-cli-cmd-bootstrap.html). The package carries that template
(``policies/data/cdk_bootstrap_template.json``, from the pinned CLI by ``python -m
tools.cdk_bootstrap_template``), and :func:`bootstrap_stacks` instantiates it for every environment of an
assembly that holds a pipeline (``AWS::CodePipeline::Pipeline``), with the parameters docs/delivery.md
prescribes:

- the tooling account (the pipeline's): ``cdk bootstrap --cloudformation-execution-policies
  arn:aws:iam::aws:policy/AdministratorAccess`` (no trust);
- every other environment: ``cdk bootstrap --trust <tooling> --trust-for-lookup <tooling>
  --cloudformation-execution-policies arn:aws:iam::aws:policy/AdministratorAccess``.

The roles' names, trust policies (``--trust`` puts the trusted accounts in ``Principal.AWS``; AssumeRole
with an external id is refused, ``DenyExternalId``) and policies are the template's own, resolved like any
template of the assembly. What is assumed is said in :func:`assumption`, which ``secure-ml access`` prints.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import Any, Protocol

__all__ = ["ADMINISTRATOR", "Environment", "Instance", "assumption", "bootstrap_stacks", "shipped_template"]


class Environment(Protocol):
    """What is read of a stack of the assembly (:class:`.assembly.Stack`)."""

    account: str
    region: str

    @property
    def resources(self) -> dict[str, Any]: ...


#: One bootstrap stack to add to the assembly: (stack name, file name, account, region, template).
Instance = tuple[str, str, str, str, dict[str, Any]]

ADMINISTRATOR = "arn:aws:iam::aws:policy/AdministratorAccess"
#: The name CDK gives the bootstrap stack.
TOOLKIT_STACK = "CDKToolkit"


@cache
def shipped_template() -> dict[str, Any]:
    """``{"cdk_cli_version", "bootstrap_version", "template"}`` as the package ships them."""
    text = resources.files("cdk_secure_ml.policies").joinpath("data/cdk_bootstrap_template.json").read_text()
    data: dict[str, Any] = json.loads(text)
    return data


def _instance(account: str, region: str, trusted: list[str]) -> Instance:
    template = copy.deepcopy(shipped_template()["template"])
    parameters = template["Parameters"]
    parameters["TrustedAccounts"]["Default"] = trusted  # a CommaDelimitedList: Ref gives the list
    parameters["TrustedAccountsForLookup"]["Default"] = trusted
    parameters["CloudFormationExecutionPolicies"]["Default"] = [ADMINISTRATOR]
    file = f"{TOOLKIT_STACK}-{account}-{region}.bootstrap-template.json"
    return (TOOLKIT_STACK, file, account, region, template)


def _environments(stacks: Sequence[Environment]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(the pipelines' environments, every other environment of the assembly), each in first-seen order."""
    tooling = [
        (s.account, s.region)
        for s in stacks
        if any(r.get("Type") == "AWS::CodePipeline::Pipeline" for r in s.resources.values())
    ]
    others = [(s.account, s.region) for s in stacks if (s.account, s.region) not in tooling]
    return list(dict.fromkeys(tooling)), list(dict.fromkeys(others))


def bootstrap_stacks(stacks: Sequence[Environment]) -> list[Instance]:
    """The bootstrap stacks of the environments of ``stacks`` (see the module docstring): none when no stack
    holds a pipeline."""
    tooling, stages = _environments(stacks)
    if not tooling:
        return []
    trusted = sorted({account for account, _ in tooling})
    out = [_instance(account, region, []) for account, region in tooling]
    out += [_instance(account, region, [t for t in trusted if t != account]) for account, region in stages]
    return out


def assumption(stacks: Sequence[Environment]) -> str | None:
    """One sentence saying how the environments of ``stacks`` are taken to be bootstrapped, or None when the
    assembly holds no pipeline (no bootstrap role is modelled)."""
    tooling, stages = _environments(stacks)
    if not tooling:
        return None
    data = shipped_template()
    trusted = ",".join(sorted({account for account, _ in tooling}))
    where = ", ".join(f"aws://{a}/{r}" for a, r in stages) or "no stage environment"
    return (
        f"assumed: {where} bootstrapped with 'cdk bootstrap --trust {trusted} --trust-for-lookup {trusted} "
        f"--cloudformation-execution-policies {ADMINISTRATOR}' and the pipeline's account without --trust "
        f"(CDK CLI {data['cdk_cli_version']}'s bootstrap template, version {data['bootstrap_version']}; "
        "docs/delivery.md)"
    )
