"""Checks of the identity inputs: teams, ABAC tag keys, human personas and the instance-type allow-list.

CDK-free, so :class:`~cdk_secure_ml.constructs.identity.personas.MlPersonas` and the config's ``identity``
section call the same functions. Each returns :data:`~cdk_secure_ml.core.problems.Problem` pairs
``(path, message)``: ``path`` is the argument's name (the config prefixes its section, e.g.
``identity.team_tag_key``); ``message`` names the value and the fix.
"""

from __future__ import annotations

from collections.abc import Sequence

from cdk_secure_ml.core.names import ACCOUNT_ID_RE, PERSONAS, TAG_KEY_RE, TEAM_NAME_RE
from cdk_secure_ml.core.problems import Problem


def team_problems(teams: Sequence[str]) -> list[Problem]:
    """At least one team; each a lower-case word (:data:`~cdk_secure_ml.core.names.TEAM_NAME_RE`);
    no repeats."""
    problems: list[Problem] = []
    if not teams:
        problems.append((("teams",), "teams is empty; name at least one team (execution roles are per team)"))
    bad = [t for t in teams if not TEAM_NAME_RE.match(t)]
    if bad:
        problems.append(
            (("teams",), f"team names {bad} must be lower-case words matching {TEAM_NAME_RE.pattern}")
        )
    if len(set(teams)) != len(teams):
        problems.append((("teams",), f"teams {list(teams)} repeat a name"))
    return problems


def tag_key_problems(**keys: str) -> list[Problem]:
    """Each ABAC tag key (``team_tag_key=...``, ``user_tag_key=...``) must be usable in
    ``aws:PrincipalTag/<key>`` and the ``${aws:PrincipalTag/<key>}`` policy variable
    (:data:`~cdk_secure_ml.core.names.TAG_KEY_RE`), and must not start with ``aws:``, which AWS reserves for
    its own tags (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html, "Rules for tagging")."""
    problems: list[Problem] = []
    for name, key in keys.items():
        if not isinstance(key, str) or not TAG_KEY_RE.match(key):
            problems.append(((name,), f"{name} {key!r} is not a usable tag key: it names a session tag and "
                                   "appears in policies as aws:PrincipalTag/<key>; use a letter followed by "
                                   "up to 63 letters, digits and _.:/=+-@ (e.g. team)"))
        elif key.lower().startswith("aws:"):
            problems.append(((name,), f"{name} {key!r} starts with 'aws:', which AWS reserves for its own "
                                      "tags; drop the prefix"))
    return problems


def human_persona_problems(human_personas: Sequence[str] | None) -> list[Problem]:
    """Every name in ``human_personas`` is one of :data:`~cdk_secure_ml.core.names.PERSONAS` (None: all)."""
    unknown = [p for p in human_personas or () if p not in PERSONAS]
    if not unknown:
        return []
    return [(("human_personas",), f"human_personas {unknown} are not personas; use some of {list(PERSONAS)}")]


def instance_type_problems(instance_types: Sequence[str]) -> list[Problem]:
    """Allow-list entries are SageMaker instance types or patterns (``ml.*``)."""
    bad = [t for t in instance_types if not str(t).startswith("ml.")]
    if not bad:
        return []
    return [(("instance_types",),
             f"instance types {bad} are not SageMaker types; use ml.* names such as ml.m5.xlarge")]


def image_account_problems(image_accounts: Sequence[str]) -> list[Problem]:
    """Each account whose images the execution roles may pull is a 12-digit id: it becomes the account field
    of ``arn:<partition>:ecr:<region>:<account>:repository/*``, and a wildcard there would let in every
    account's images."""
    bad = [a for a in image_accounts if not isinstance(a, str) or not ACCOUNT_ID_RE.fullmatch(a)]
    if not bad:
        return []
    return [(("image_accounts",), f"image_accounts {bad} are not 12-digit account ids; give each account "
                                  "as 12 digits in quotes (e.g. '123456789012'), no wildcards")]


def persona_problems(
    *,
    teams: Sequence[str],
    instance_types: Sequence[str] = (),
    team_tag_key: str = "team",
    user_tag_key: str = "user",
    human_personas: Sequence[str] | None = None,
    image_accounts: Sequence[str] = (),
) -> list[Problem]:
    """Every problem of :class:`MlPersonas`'s CDK-free arguments, in argument order."""
    return [
        *team_problems(teams),
        *instance_type_problems(instance_types),
        *tag_key_problems(team_tag_key=team_tag_key, user_tag_key=user_tag_key),
        *human_persona_problems(human_personas),
        *image_account_problems(image_accounts),
    ]
