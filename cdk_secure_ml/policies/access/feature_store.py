"""Scenarios of SageMaker Feature Store (docs/feature-store.md): each Studio user reads (and a data scientist
writes) the records of their team's feature groups and of no other team's; the execution roles likewise.

The promise (not read back from the policies): feature groups belong to a team by their team tag; people and
execution roles of that team use them, everyone else is denied, whatever the group's name.
"""

from __future__ import annotations

from collections.abc import Iterator

from .facts import Facts
from .scenarios import Scenario

__all__ = ["feature_store"]


def _groups(facts: Facts) -> list[tuple[str, str]]:
    """(ARN, team) of the platform's feature groups, in name order."""
    prefix = facts.sm("feature-group/")
    return sorted((arn, tags.get(facts.team_key, "")) for arn, tags in facts.assembly.tags.items()
                  if arn.startswith(prefix))


def feature_store(facts: Facts, users: list[dict[str, str]]) -> Iterator[Scenario]:
    """The scenarios of every user and execution role against every feature group of the platform."""
    groups = _groups(facts)
    if not groups:
        return
    for user in users:
        persona = facts.persona_roles.get(user["persona"])
        if persona is None:
            continue
        writes = user["persona"] == "data-scientist"
        for arn, team in groups:
            own = team == user["team"]
            group = arn.rsplit("/", 1)[1]
            whose = "their team's" if own else f"team {team}'s"
            yield Scenario(f"{user['name']} reads records of {whose} feature group {group}", persona.arn,
                           "sagemaker:GetRecord", arn, "allow" if own else "deny", {}, facts.session(user),
                           "feature-store")
            yield Scenario(f"{user['name']} writes records of {whose} feature group {group}", persona.arn,
                           "sagemaker:PutRecord", arn, "allow" if own and writes else "deny", {},
                           facts.session(user), "feature-store")
    for (persona_name, role_team), role in sorted(facts.execution_roles.items()):
        for arn, team in groups:
            own = team == role_team
            group = arn.rsplit("/", 1)[1]
            yield Scenario(f"the {persona_name} execution role of {role_team} reads feature group {group} "
                           f"(team {team})", role.arn, "sagemaker:BatchGetRecord", arn,
                           "allow" if own else "deny", {}, {}, "feature-store")
