"""The rule catalogue: one module per area, each rule a pure function over one resource and its template.

Rule ids are ``SML-<AREA>-<n>`` (NET, ENC, IAM, AUD, HOST, META) and never change meaning once
published: acknowledgements refer to them.
"""

from __future__ import annotations

from . import audit, encryption, hosting, identity, meta, network  # noqa: F401 - registers the rules
from ._base import _REGISTRY, AREAS, Rule, Violation, cannot_verify, fail, warn

__all__ = [
    "AREAS",
    "CATALOGUE",
    "RULES_BY_ID",
    "Rule",
    "Violation",
    "cannot_verify",
    "fail",
    "rules_for_type",
    "warn",
]

AREA_NAMES = {
    "NET": "Network isolation",
    "ENC": "Encryption",
    "IAM": "Identity and access",
    "AUD": "Audit",
    "HOST": "Model hosting",
    "META": "Acknowledgements and coverage",
}

#: Every rule, ordered by area then number.
CATALOGUE: list[Rule] = sorted(_REGISTRY, key=lambda r: (AREAS.index(r.area), r.number))
RULES_BY_ID: dict[str, Rule] = {r.id: r for r in CATALOGUE}


def rules_for_type(resource_type: str, rules: list[Rule] | None = None) -> list[Rule]:
    """The rules (of ``rules``, default the catalogue) that apply to ``resource_type``."""
    return [r for r in (CATALOGUE if rules is None else rules) if r.applies_to(resource_type)]
