"""The AWS behaviours table: well-formed, every reference known, every line enforced, the page current."""

from __future__ import annotations

import re

import pytest

from cdk_secure_ml.core import aws_behaviours
from cdk_secure_ml.core.aws_behaviours import BEHAVIOURS, get
from tools.aws_behaviours_doc import DOC, emulator_references, references_in_tests, render

ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+(-[a-z0-9]+)*)+$")
#: Where a source may live: AWS's documentation, its knowledge center, and the SDK's own documentation.
SOURCE_RE = re.compile(
    r"^https://(docs\.aws\.amazon\.com|repost\.aws|aws\.amazon\.com|sagemaker\.readthedocs\.io|boto3\.amazonaws\.com"
    r"|github\.com/aws/)[^\s]*$"
)
FINDING_RE = re.compile(r"^[DESM]\d{1,2}$")


def test_ids_are_unique_and_well_formed():
    ids = [b.id for b in BEHAVIOURS]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    assert [i for i in ids if not ID_RE.match(i)] == []


def test_every_line_has_an_aws_source_and_one_sentence():
    bad = [(b.id, b.source) for b in BEHAVIOURS if not SOURCE_RE.match(b.source)]
    assert bad == []
    assert [b.id for b in BEHAVIOURS if not b.behaviour.endswith(".") or "\n" in b.behaviour] == []
    assert [(b.id, f) for b in BEHAVIOURS for f in b.findings if not FINDING_RE.match(f)] == []


def test_references_name_known_behaviours():
    known = {b.id for b in BEHAVIOURS}
    unknown = {
        i: where for i, where in {**references_in_tests(), **emulator_references()}.items() if i not in known
    }
    assert unknown == {}


def test_every_behaviour_is_enforced_by_a_test():
    tests = references_in_tests()
    assert [b.id for b in BEHAVIOURS if not tests.get(b.id)] == []


def test_the_page_is_current():
    assert DOC.read_text(encoding="utf-8") == render(), "run: .venv/bin/python -m tools.aws_behaviours_doc"


def test_get_names_the_unknown_id_and_the_fix():
    with pytest.raises(
        KeyError,
        match=r"unknown AWS behaviour 'cloudformation\.custom-name-replacment'.*did "
        r"you mean cloudformation\.custom-name-replacement",
    ):
        get("cloudformation.custom-name-replacment")


def test_the_table_needs_no_cdk():
    """The table is CDK-free: the emulator and the CLI read it without starting jsii."""
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(aws_behaviours))
    imported = {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not {m for m in imported if m.startswith(("aws_cdk", "jsii", "constructs"))}
