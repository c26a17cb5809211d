"""The catalogue itself: complete metadata, unique ids, generated docs up to date."""

from __future__ import annotations

import re
from pathlib import Path

from cdk_secure_ml.cli import rules_markdown
from cdk_secure_ml.policies.rules import AREAS, CATALOGUE, RULES_BY_ID, rules_for_type

DOCS = Path(__file__).resolve().parents[2] / "docs" / "rules.md"


def test_every_rule_is_documented_and_well_formed() -> None:
    problems = []
    for rule in CATALOGUE:
        if not re.fullmatch(r"SML-(NET|ENC|IAM|AUD|HOST|META)-[1-9]\d*", rule.id):
            problems.append(f"{rule.id}: bad id")
        if rule.severity not in ("error", "warning"):
            problems.append(f"{rule.id}: severity {rule.severity!r}")
        for field in ("title", "rationale", "remediation"):
            if len(getattr(rule, field).strip()) < 10:
                problems.append(f"{rule.id}: {field} missing or too short")
        if not rule.resource_types and rule.area != "META":
            problems.append(f"{rule.id}: applies to no resource type")
        if any(not t.startswith("AWS::") for t in rule.resource_types):
            problems.append(f"{rule.id}: bad resource type in {rule.resource_types}")
    assert not problems, problems


def test_ids_are_unique_and_numbered_without_gaps() -> None:
    ids = [r.id for r in CATALOGUE]
    assert len(ids) == len(set(ids)) == len(RULES_BY_ID)
    for area in AREAS:
        numbers = sorted(r.number for r in CATALOGUE if r.area == area)
        assert numbers == list(range(1, len(numbers) + 1)), (area, numbers)


def test_rules_for_type() -> None:
    ids = {r.id for r in rules_for_type("AWS::SageMaker::NotebookInstance")}
    assert {"SML-NET-2", "SML-NET-3", "SML-NET-4", "SML-ENC-2"} <= ids
    assert "SML-ENC-7" not in ids
    # No rule reads a Lambda function; only the acknowledgement checks and the "was it read" check apply
    # to every resource.
    every = ["SML-META-1", "SML-META-2", "SML-META-4"]
    assert [r.id for r in rules_for_type("AWS::Lambda::Function")] == every


def test_docs_rules_md_is_generated_from_the_catalogue() -> None:
    assert DOCS.read_text(encoding="utf-8") == rules_markdown(), (
        "docs/rules.md is out of date: "
        "run `python -m cdk_secure_ml.cli rules --format markdown > docs/rules.md`"
    )
