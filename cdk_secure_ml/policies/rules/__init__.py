"""The rule catalogue: one module per area, each rule a pure function over one resource and its template.

Rule ids are ``SML-<AREA>-<n>`` (NET, ENC, IAM, AUD, HOST, META) and never change meaning once
published: acknowledgements refer to them. :data:`cdk_secure_ml.policies.ids.RULE_IDS` lists them
without loading this package; a test checks that the two agree.

The area modules register their rules with :func:`cdk_secure_ml.policies.rule.rule` when imported here;
they import the rule layer and :mod:`._types`, never each other.
"""

from __future__ import annotations

from ..ids import AREA_NAMES, AREAS
from ..rule import Rule, registered_rules
from . import (  # noqa: F401 - registers the rules
    audit,
    encryption,
    hosting,
    identity,
    images,
    meta,
    network,
    pipelines,
    reachability,
    resource_policies,
    shapes_data,
    shapes_hosting,
    studio_spaces,
)

__all__ = ["AREAS", "AREA_NAMES", "CATALOGUE", "RULES_BY_ID", "Rule", "rules_for_type"]

#: Every rule, ordered by area then number.
CATALOGUE: list[Rule] = sorted(registered_rules(), key=lambda r: (AREAS.index(r.area), r.number))
RULES_BY_ID: dict[str, Rule] = {r.id: r for r in CATALOGUE}


def rules_for_type(resource_type: str, rules: list[Rule] | None = None) -> list[Rule]:
    """The rules (of ``rules``, default the catalogue) that apply to ``resource_type``."""
    return [r for r in (CATALOGUE if rules is None else rules) if r.applies_to(resource_type)]
