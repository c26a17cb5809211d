"""Property-based tests (hypothesis): random and malformed templates fed to the loader, the rules and the
CLI never produce a traceback. A malformed resource gives a "cannot verify" finding, unreadable text an
exit code 2 naming the file."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cdk_secure_ml.cli import main
from cdk_secure_ml.policies.rules import CATALOGUE
from cdk_secure_ml.policies.runner import check_templates
from cdk_secure_ml.policies.template import Template

#: Resource types the rules read, so random properties reach the checks (not only the type filter).
TYPES = sorted({t for rule in CATALOGUE for t in rule.resource_types}) + ["AWS::Serverless::Function"]
INTRINSICS = [
    "Ref", "Fn::GetAtt", "Fn::Sub", "Fn::Join", "Fn::If", "Fn::Select", "Fn::FindInMap", "Fn::Length",
    "Fn::ToJsonString", "Fn::ForEach::X", "Condition", "Fn::Split", "Fn::Base64",
]  # fmt: skip
NAMES = [
    "Statement", "Effect", "Action", "Resource", "NotResource", "Principal", "Condition", "KmsKeyId",
    "VpcConfig", "ProductionVariants", "PolicyDocument", "Policies", "InstanceType", "Subnets",
    "SecurityGroupIds", *INTRINSICS,
]  # fmt: skip
KEYS = st.sampled_from(NAMES) | st.text(max_size=8)
SCALARS = (
    st.none() | st.booleans() | st.integers(-5, 5) | st.text(max_size=12) | st.sampled_from(["*", "Allow"])
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=25,
)
RESOURCE = st.fixed_dictionaries(
    {"Type": st.sampled_from(TYPES) | SCALARS},
    optional={"Properties": VALUES, "Condition": VALUES, "Metadata": VALUES},
)
TEMPLATES = st.fixed_dictionaries(
    {"Resources": st.dictionaries(st.text(min_size=1, max_size=10), RESOURCE | VALUES, max_size=4)},
    optional={
        "Parameters": VALUES, "Conditions": VALUES, "Mappings": VALUES,
        "Transform": st.sampled_from(["AWS::LanguageExtensions", "AWS::Serverless-2016-10-31", "X"]) | VALUES,
    },
)  # fmt: skip
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(TEMPLATES)
def test_the_rules_never_raise(data) -> None:
    report = check_templates([Template(data, "fuzz.json")])
    assert all(f.severity in ("error", "warning") for f in report.findings)


@FUZZ
@given(st.text(max_size=200) | TEMPLATES.map(json.dumps))
def test_the_cli_never_shows_a_traceback(text: str) -> None:
    with tempfile.TemporaryDirectory() as directory:
        for name in ("t.yaml", "t.json"):
            path = Path(directory, name)
            path.write_text(text, encoding="utf-8")
            sarif = str(Path(directory, "out.sarif"))
            assert main(["check", str(path), "-o", sarif, "--format", "sarif"]) in (0, 1, 2)
