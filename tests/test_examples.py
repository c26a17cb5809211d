"""examples/ is a separate CDK app that uses only the public API: other apps can import the constructs."""

from __future__ import annotations

import ast
import importlib.util

import pytest
from aws_cdk.assertions import Template

import cdk_secure_ml
from tests.conftest import ROOT, strict_app

EXAMPLE = ROOT / "examples" / "team_workspace" / "app.py"
ENDPOINT_EXAMPLE = ROOT / "examples" / "model_endpoint" / "app.py"


def _load_example(path=EXAMPLE):
    spec = importlib.util.spec_from_file_location(f"{path.parent.name}_app", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("example", [EXAMPLE, ENDPOINT_EXAMPLE], ids=lambda p: p.parent.name)
def test_example_imports_only_the_public_api(example):
    tree = ast.parse(example.read_text())
    imported = [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    ours = [m for m in imported if m and m.startswith("cdk_secure_ml")]
    assert ours == ["cdk_secure_ml"], f"example must import from cdk_secure_ml only, found {ours}"
    names = [a.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
             and node.module == "cdk_secure_ml" for a in node.names]
    assert set(names) <= set(cdk_secure_ml.__all__)


def test_example_synthesizes_and_passes_the_packs():
    module = _load_example()
    app = module.build_app(strict_app())
    app.synth()  # raises on unacknowledged findings
    stack = app.node.find_child("FraudTeamWorkspace")
    t = Template.from_stack(stack)
    t.has_resource_properties("AWS::EC2::VPC", {"CidrBlock": "10.60.0.0/20"})
    t.has_resource_properties("AWS::KMS::Alias", {"AliasName": "alias/team-fraud/data"})
    t.has_resource_properties("AWS::S3::Bucket", {"ObjectLockEnabled": True})
    t.resource_count_is("AWS::EC2::VPCEndpoint", 13)


def test_endpoint_example_synthesizes_and_passes_the_packs():
    module = _load_example(ENDPOINT_EXAMPLE)
    app = module.build_app(strict_app())
    app.synth()  # raises on unacknowledged findings
    t = Template.from_stack(app.node.find_child("FraudModelEndpoint"))
    (endpoint,) = t.find_resources("AWS::SageMaker::Endpoint").values()
    assert endpoint["Properties"]["EndpointName"].startswith("fraud-scorer-")
    t.has_resource_properties(
        "AWS::SageMaker::EndpointConfig", {"DataCaptureConfig": {"InitialSamplingPercentage": 10}}
    )
    t.has_resource_properties("AWS::ApplicationAutoScaling::ScalableTarget", {"MaxCapacity": 6})


def test_public_api_lazy_exports_resolve():
    for name in cdk_secure_ml.__all__:
        assert getattr(cdk_secure_ml, name) is not None
