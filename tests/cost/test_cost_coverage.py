"""What ``secure-ml cost`` covers (cdk_secure_ml/cost/coverage.py, docs/cost.md "Coverage"): every resource
type of the reference app is priced, billable without a price, or free; a type the table does not know is
reported "unknown: not priced, may bill", never dropped; MLflow tracking servers have no AWS price."""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path

import pytest

from cdk_secure_ml.cli import main
from cdk_secure_ml.cost import CostInputError, estimate, estimate_assembly, load_price_book, read_assembly
from cdk_secure_ml.cost.coverage import load_type_table, parse_type_table
from cdk_secure_ml.cost.report import format_json, format_text, summary_line

BOOK = load_price_book()
TABLE = load_type_table()
UNKNOWN = "AWS::RDS::DBInstance"  # billable, and not a type of the reference app
MLFLOW = "AWS::SageMaker::MlflowTrackingServer"


@pytest.fixture(scope="module")
def demo(demo_assembly):
    return estimate_assembly(demo_assembly)


@pytest.mark.parametrize(
    "assembly", ["demo_assembly", "default_assembly", "hub_assembly", "multi_account_assembly"]
)
def test_every_type_of_the_reference_app_is_classified(assembly, request) -> None:
    path = request.getfixturevalue(assembly)
    result = estimate_assembly(path)
    assert result.unknown == []
    assert not [w for w in result.warnings if w.startswith("unknown:")]
    types = {r["Type"] for s in read_assembly(path) for r in s.resources.values()}
    assert all(TABLE.lookup(t) is not None for t in types), sorted(t for t in types if not TABLE.lookup(t))


def test_demo_mlflow_servers_are_billable_without_price(demo) -> None:
    (servers,) = [i for i in demo.items if i.category == "MLflow tracking servers"]
    assert (servers.quantity, servers.unit_price, servers.monthly) == (2, None, None)
    assert (
        "no AWS price found" in servers.note
        and servers.source == "https://aws.amazon.com/sagemaker-ai/pricing/"
    )
    assert BOOK.get("us-east-1", "sagemaker.mlflow.small") is None  # no invented price
    (listed,) = [n for n in demo.not_priced if n.type == MLFLOW]
    assert listed.charge == "fixed" and len(listed.resources) == 2
    assert {r.resource for r in listed.resources} == set(re.findall(r"Mlflow\w+", servers.resource))
    # The sum leaves a fixed charge out: a lower bound, in the report and the demo's summary line.
    assert not demo.complete
    assert f"Total fixed monthly cost: at least ${demo.total:,.2f}" in format_text(demo)
    assert summary_line(demo).startswith(f"fixed monthly cost at least ${demo.total:,.2f} (without price: ")
    assert "MLflow tracking servers" in summary_line(demo)


@pytest.mark.aws_behaviour("pricing.inference-component-on-endpoint-instances")
@pytest.mark.aws_behaviour("pricing.feature-store-online-store-usage")
@pytest.mark.aws_behaviour("pricing.bedrock-guardrails-per-evaluation")
def test_the_reference_apps_new_types_each_have_a_group(demo, demo_assembly) -> None:
    expected = {
        "AWS::SageMaker::InferenceComponent": ("free", ""),  # its endpoint's instances are priced
        "AWS::SageMaker::Space": ("unpriced", "usage"),
        "AWS::SageMaker::FeatureGroup": ("unpriced", "usage"),  # the demo's online store is Standard
        "AWS::SageMaker::Image": ("free", ""),
        "AWS::SageMaker::ImageVersion": ("free", ""),
        "AWS::SageMaker::AppImageConfig": ("free", ""),
        "AWS::Bedrock::Guardrail": ("unpriced", "usage"),
        "AWS::Bedrock::GuardrailVersion": ("free", ""),
        MLFLOW: ("unpriced", "fixed"),
    }
    types = {r["Type"] for s in read_assembly(demo_assembly) for r in s.resources.values()}
    assert set(expected) <= types
    for resource_type, (group, charge) in expected.items():
        entry = TABLE.lookup(resource_type)
        assert entry is not None and (entry.group, entry.charge) == (group, charge), resource_type
        assert entry.source.startswith("https://")
    usage = {n.type for n in demo.not_priced if n.charge == "usage"}
    assert {"AWS::SageMaker::Space", "AWS::SageMaker::FeatureGroup", "AWS::Bedrock::Guardrail"} <= usage
    # The interface endpoints of MLflow, Bedrock and Feature Store are priced like every interface endpoint.
    endpoints = {i.resource for i in demo.items if i.category == "interface endpoints" and i.monthly}
    assert {
        "NetworkExperimentsEndpoint01C4C257",
        "NetworkBedrockRuntimeEndpointFAB02D19",
        "NetworkSagemakerFeaturestoreRuntimeEndpointCB432554",
    } <= endpoints


def _inject(stacks, stack_id: str, logical_id: str, resource: dict) -> None:
    (stack,) = [s for s in stacks if s.stack == stack_id]
    stack.template["Resources"][logical_id] = resource


def test_an_injected_unknown_type_is_a_warning_naming_type_and_resource(demo_assembly) -> None:
    stacks = read_assembly(demo_assembly)
    serving = next(s.stack for s in stacks if "Serving" in s.stack)
    _inject(stacks, serving, "Database", {"Type": UNKNOWN, "Properties": {"DBInstanceClass": "db.m5.large"}})
    result = estimate(stacks, BOOK)
    assert [(r.type, r.stack, r.resource) for r in result.unknown] == [(UNKNOWN, serving, "Database")]
    warning = f"unknown: not priced, may bill: {UNKNOWN} ({serving}/Database)"
    assert [w for w in result.warnings if w.startswith("unknown:")] == [
        f"{warning}; classify the type in cdk_secure_ml/cost/data/resource_types.json"
    ]
    text = format_text(result)
    assert f"warning: {warning}" in text and "1 resource(s) of a type the cost model does not know" in text
    document = json.loads(format_json(result))
    assert document["unknown"] == [
        {
            "account": "unknown-account",
            "region": "us-east-1",
            "stack": serving,
            "resource": "Database",
            "type": UNKNOWN,
        }
    ]
    assert any(w.startswith(warning) for w in document["warnings"])
    assert f"unknown {UNKNOWN}" in summary_line(result)


def test_cli_json_lists_unknown_and_not_priced(tmp_path, capsys) -> None:
    path = tmp_path / "app.template.json"
    path.write_text(
        json.dumps(
            {
                "Resources": {
                    "Db": {"Type": UNKNOWN},
                    "Tracking": {"Type": MLFLOW, "Properties": {"TrackingServerSize": "Small"}},
                    "Data": {"Type": "AWS::S3::Bucket"},
                    "Role": {"Type": "AWS::IAM::Role"},
                    "Fn": {"Type": "Custom::AWS"},
                }
            }
        )
    )
    assert main(["cost", str(path), "--region", "eu-west-1", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert [(r["type"], r["resource"]) for r in document["unknown"]] == [(UNKNOWN, "Db")]
    assert [(n["type"], n["charge"], n["count"]) for n in document["not_priced"]] == [
        (MLFLOW, "fixed", 1),
        ("AWS::S3::Bucket", "usage", 1),
    ]
    assert document["unpriced"] == 1  # the MLflow server's item; the bucket bills by usage only
    assert main(["cost", str(path), "--region", "eu-west-1"]) == 0
    out = capsys.readouterr().out
    assert "Total fixed monthly cost: at least $0.00" in out
    assert f"warning: unknown: not priced, may bill: {UNKNOWN} (app.template/Db)" in out
    assert "  usage   1 x AWS::S3::Bucket: storage and requests" in out


@pytest.mark.parametrize(
    ("resource", "charge"),
    [
        (
            {
                "Type": "AWS::SageMaker::FeatureGroup",
                "Properties": {"OnlineStoreConfig": {"StorageType": "InMemory"}},
            },
            "fixed",
        ),
        (
            {
                "Type": "AWS::SageMaker::FeatureGroup",
                "Properties": {"OnlineStoreConfig": {"StorageType": "Standard"}},
            },
            "usage",
        ),
        ({"Type": "AWS::CodePipeline::Pipeline", "Properties": {}}, "fixed"),  # V1 when not set
        ({"Type": "AWS::CodePipeline::Pipeline", "Properties": {"PipelineType": "V2"}}, "usage"),
        ({"Type": "AWS::SSM::Parameter", "Properties": {"Tier": "Advanced"}}, "fixed"),
        ({"Type": "AWS::SSM::Parameter", "Properties": {"Type": "String"}}, "usage"),
    ],
)
def test_properties_that_make_a_usage_type_bill_while_it_exists(resource, charge) -> None:
    entry = TABLE.lookup(resource["Type"])
    assert entry is not None and entry.charge_of(resource) == charge


@pytest.mark.aws_behaviour("pricing.iam-no-charge")
def test_free_types_and_namespaces() -> None:
    for resource_type in ("AWS::IAM::Role", "AWS::EC2::SecurityGroup", "AWS::EC2::RouteTable", "Custom::AWS"):
        entry = TABLE.lookup(resource_type)
        assert entry is not None and entry.group == "free", resource_type
    assert TABLE.lookup("AWS::Custom::Thing") is None  # a prefix matches the start of the type only


def test_the_priced_group_is_what_the_estimators_count() -> None:
    module = importlib.import_module("cdk_secure_ml.cost.estimate")  # the package exports its function
    source = Path(str(module.__file__)).read_text(encoding="utf-8")
    counted = set(re.findall(r'"(AWS::[A-Za-z0-9]+::[A-Za-z0-9]+)"', source))
    priced = set(TABLE.of_group("priced"))
    assert priced - counted == set(), "priced in the table but no estimator reads it"
    assert counted - priced <= {
        "AWS::ApplicationAutoScaling::ScalableTarget",
        "AWS::SageMaker::EndpointConfig",
    }


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"group": "cheap", "reason": "r", "source": "https://a"}, r"types\.T\.group: 'cheap'; use one of"),
        ({"group": "unpriced", "reason": "r", "source": "https://a"}, r"types\.T\.charge: ''; an unpriced"),
        (
            {"group": "free", "reason": "r", "source": "http://a"},
            r"types\.T: needs a 'reason' and a 'source'",
        ),
        (
            {"group": "unpriced", "charge": "usage", "reason": "r", "source": "https://a", "fixed_when": "x"},
            r"types\.T\.fixed_when: give",
        ),
    ],
)
def test_a_bad_table_entry_is_named(entry, message) -> None:
    with pytest.raises(CostInputError, match=message):
        parse_type_table({"types": {"T": entry}}, "table.json")
