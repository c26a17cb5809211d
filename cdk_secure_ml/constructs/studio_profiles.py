"""Which execution role and ABAC tags a Studio user profile gets (``SecureStudioDomain.add_user_profile``).

The team tag is what ABAC decides by: the persona policies compare ``${aws:PrincipalTag/<team key>}`` (the
execution role's tag) with the tags of the resources a user creates, which the profile's tags seed (tag
propagation). A profile tagged ``team=research`` whose role is tagged ``team=fraud`` would work as fraud
while its resources say research (newcomer report, finding 13). So the profile's tags come from the role's
team and persona (``personas=``, ``persona=``, ``team=``), or, with an ``execution_role`` given directly,
every tag key that the role itself carries must have the same value on the profile.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from aws_cdk import Aspects, Tag
from aws_cdk import aws_iam as iam

from cdk_secure_ml.core.names import EXECUTION_PERSONAS

if TYPE_CHECKING:
    from cdk_secure_ml.constructs.identity import MlPersonas

__all__ = ["profile_role_and_tags"]

#: The tag MlPersonas puts on an execution role (and the reference app on a profile) naming its persona.
PERSONA_TAG_KEY = "secure-ml:persona"


def role_tags(role: iam.IRole) -> dict[str, str]:
    """The tags added to ``role`` itself with ``Tags.of(role).add(...)`` (as MlPersonas tags its roles),
    read from its aspects; empty for an imported role (its tags are not in the app)."""
    found: dict[str, str] = {}
    for aspect in Aspects.of(role).all:
        if isinstance(aspect, Tag):
            found[aspect.key] = aspect.value
    return found


def profile_role_and_tags(
    *,
    user_name: str,
    execution_role: iam.IRole | None,
    tags: Mapping[str, str],
    personas: MlPersonas | None,
    persona: str | None,
    team: str | None,
) -> tuple[iam.IRole, dict[str, str]]:
    """The profile's execution role and tags.

    With ``personas``: the role is ``personas.execution_role(persona, team)`` and the tags are
    ``{<team tag key>: team, "owner": user_name, "secure-ml:persona": persona}`` plus ``tags``. Without:
    ``execution_role`` and ``tags``. Either way a tag key the role carries itself must have the role's value.

    :raises ValueError: naming the argument and the fix: both or neither of ``execution_role`` and
        ``personas``; ``persona``/``team`` without ``personas`` or missing with it; a persona that gets no
        Studio profile; a tag that differs from the role's (e.g. the team).
    """
    owner = f"user profile {user_name!r}"
    if personas is None:
        if persona is not None or team is not None:
            raise ValueError(f"{owner}: persona= and team= need personas=<your MlPersonas>, which holds the "
                             "execution roles")
        if execution_role is None:
            raise ValueError(f"{owner}: pass personas=, persona= and team= (the role comes from "
                             "MlPersonas), or execution_role=")
        role, merged = execution_role, dict(tags)
    else:
        if execution_role is not None:
            raise ValueError(f"{owner}: give execution_role or personas=/persona=/team=, not both")
        if persona is None or team is None:
            raise ValueError(f"{owner}: with personas= pass persona= (one of {list(EXECUTION_PERSONAS)}) and "
                             f"team= (one of {list(personas.teams)})")
        if persona not in EXECUTION_PERSONAS:
            raise ValueError(f"{owner}: persona {persona!r} gets no Studio profile (ML admins and model "
                             f"consumers have no execution role); Studio users are one of "
                             f"{list(EXECUTION_PERSONAS)}")
        role = personas.execution_role(persona, team)
        merged = {personas.context.team_tag_key: team, "owner": user_name, PERSONA_TAG_KEY: persona, **tags}
    carried = role_tags(role)
    conflicts = [(k, v, carried[k]) for k, v in merged.items() if k in carried and carried[k] != v]
    if conflicts:
        text = ", ".join(f"{k}={v!r} but the role has {k}={role_value!r}" for k, v, role_value in conflicts)
        raise ValueError(
            f"{owner}: its tags disagree with its execution role {role.node.path}: {text}; ABAC decides by "
            "the role's tags, so the profile's resources would be tagged for another team or persona. Use "
            "the role of that team (personas.execution_role(persona, team)) or drop the tag; simplest: "
            "add_user_profile(..., personas=personas, persona=..., team=...)"
        )
    return role, merged
