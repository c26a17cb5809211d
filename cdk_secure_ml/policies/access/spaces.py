"""Scenarios of the private spaces the platform creates with each profile (``studio.spaces.private``): the
owner starts, stops and updates them; another user can neither start an app in them nor delete them (see
:mod:`.catalogue`). The spaces users create themselves are in :func:`.people.studio`.

The request context is what Studio sends (AWS's private-space policy,
https://docs.aws.amazon.com/sagemaker/latest/dg/studio-updated-jl-admin-guide-permissions.html): the space's
owner profile (``sagemaker:OwnerUserProfileArn``) and sharing type, and the caller's domain and profile as
policy variables.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from .assembly import Stack
from .facts import Facts
from .scenarios import Scenario

__all__ = ["created_spaces"]


def _spaces(facts: Facts, platform: Sequence[Stack]) -> Iterator[dict[str, Any]]:
    for stack in platform:
        for res in stack.resources.values():
            if res.get("Type") == "AWS::SageMaker::Space":
                yield facts.assembly.resolve(stack, res.get("Properties") or {})


def created_spaces(facts: Facts, platform: Sequence[Stack]) -> Iterator[Scenario]:
    """Per platform-created private space: its owner's execution role may start (CreateApp), stop
    (DeleteApp) and update it; another user's may not start an app in it or delete it."""
    users = {u["name"]: u for u in facts.users}
    for props in _spaces(facts, platform):
        owner = users.get((props.get("OwnershipSettings") or {}).get("OwnerUserProfileName", ""))
        if owner is None:
            continue
        domain, name = owner["domain"], props.get("SpaceName", "")
        app_type = (props.get("SpaceSettings") or {}).get("AppType", "JupyterLab")
        space = facts.sm(f"space/{domain}/{name}")
        app = facts.sm(f"app/{domain}/{name}/{app_type.lower()}/default")
        owner_arn = facts.sm(f"user-profile/{domain}/{owner['name']}")
        private = {"sagemaker:OwnerUserProfileArn": owner_arn, "sagemaker:SpaceSharingType": "Private"}
        role = facts.execution_roles.get((owner["persona"], owner["team"]))
        if role:
            as_owner = {**private, "sagemaker:DomainId": domain, "sagemaker:UserProfileName": owner["name"]}
            for action, verb, resource in (("sagemaker:CreateApp", "starts", app),
                                           ("sagemaker:DeleteApp", "stops", app),
                                           ("sagemaker:UpdateSpace", "updates", space)):
                what = f"the {app_type} app in" if resource == app else "the settings of"
                yield Scenario(f"{owner['name']} {verb} {what} their platform-created space {name}",
                               role.arn, action, resource, "allow", as_owner, {}, "studio")
        for other in facts.users:
            other_role = facts.execution_roles.get((other["persona"], other["team"]))
            if other["name"] == owner["name"] or other_role is None:
                continue
            as_other = {**private, "sagemaker:DomainId": domain, "sagemaker:UserProfileName": other["name"]}
            yield Scenario(f"{other['name']} starts an app in {owner['name']}'s space {name}",
                           other_role.arn, "sagemaker:CreateApp", app, "deny", as_other, {}, "studio")
            yield Scenario(f"{other['name']} deletes {owner['name']}'s space {name}",
                           other_role.arn, "sagemaker:DeleteSpace", space, "deny", as_other, {}, "studio")
            break  # one other user per space keeps the catalogue small; every pair is the same statement
