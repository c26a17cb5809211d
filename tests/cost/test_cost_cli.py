"""``secure-ml cost``: reading assemblies, the text and JSON reports, and exit 2 with a clear message."""

from __future__ import annotations

import json

import pytest

from cdk_secure_ml.cli import main
from cdk_secure_ml.cost import CostInputError, read_assembly
from cdk_secure_ml.cost.assembly import parse_environment
from cdk_secure_ml.cost.prices import load_price_book, parse_price_book

KEY = {"Type": "AWS::KMS::Key", "Properties": {"EnableKeyRotation": True}}


def _assembly(root, *, nested: bool = True):
    """A cdk.out with one stack in the app and one in a nested stage assembly (as CDK Pipelines writes)."""
    (root / "t.template.json").write_text(json.dumps({"Resources": {"AppKey": KEY}}))
    artifacts = {
        "App": {
            "type": "aws:cloudformation:stack",
            "environment": "aws://111111111111/us-east-1",
            "properties": {"templateFile": "t.template.json"},
        }
    }
    if nested:
        stage = root / "assembly-stage"
        stage.mkdir()
        (stage / "s.template.json").write_text(json.dumps({"Resources": {"StageKey": KEY}}))
        (stage / "manifest.json").write_text(
            json.dumps(
                {
                    "artifacts": {
                        "S": {
                            "type": "aws:cloudformation:stack",
                            "environment": "aws://222222222222/eu-west-1",
                            "properties": {"templateFile": "s.template.json"},
                        }
                    }
                }
            )
        )
        artifacts["assembly-stage"] = {
            "type": "cdk:cloud-assembly",
            "properties": {"directoryName": "assembly-stage"},
        }
    (root / "manifest.json").write_text(json.dumps({"artifacts": artifacts}))
    return root


def test_environments_are_read_from_the_manifests(tmp_path) -> None:
    stacks = read_assembly(_assembly(tmp_path))
    assert [(s.stack, s.account, s.region) for s in stacks] == [
        ("App", "111111111111", "us-east-1"),
        ("S", "222222222222", "eu-west-1"),
    ]
    assert parse_environment("aws://unknown-account/unknown-region") == ("unknown-account", "unknown-region")
    assert parse_environment(None) == ("unknown-account", "unknown-region")


def test_json_report_shape(tmp_path, capsys) -> None:
    assert main(["cost", str(_assembly(tmp_path)), "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert set(document) >= {"accounts", "items", "total", "currency", "price_date", "assumptions"}
    assert [(a["account"], a["region"], a["total"]) for a in document["accounts"]] == [
        ("111111111111", "us-east-1", 1.0),
        ("222222222222", "eu-west-1", 1.0),
    ]  # one key-month each
    item = document["items"][0]
    assert set(item) == {
        "account",
        "region",
        "category",
        "resource",
        "stack",
        "quantity",
        "unit",
        "unit_price",
        "monthly",
        "source",
        "price_date",
        "verified",
        "kind",
        "assumption",
        "note",
    }
    assert (item["category"], item["resource"], item["quantity"], item["unit_price"]) == (
        "KMS keys",
        "AppKey",
        1,
        1.0,
    )
    assert item["source"] == "https://aws.amazon.com/kms/pricing/" and document["total"] == 2.0


def test_text_report_per_account_with_a_total_and_the_assumptions(tmp_path, capsys) -> None:
    assert main(["cost", str(_assembly(tmp_path))]) == 0
    out = capsys.readouterr().out
    assert "account 111111111111, us-east-1" in out and "account 222222222222, eu-west-1" in out
    assert "Total fixed monthly cost: $2.00 across 2 account/region(s)" in out
    assert "CostAssumptions (secure-ml cost --assume NAME=VALUE): hours_per_month=730" in out


def test_region_for_environment_agnostic_stacks(tmp_path, capsys) -> None:
    path = tmp_path / "one.template.json"
    path.write_text(json.dumps({"Resources": {"K": KEY}}))
    assert main(["cost", str(path)]) == 0
    out = capsys.readouterr().out
    assert "1 item(s) have no price" in out and "priced with --region REGION" in out
    # A sum that leaves items out is a lower bound, never a total.
    assert "Total fixed monthly cost: at least $0.00 across 1 account/region(s)" in out
    assert main(["cost", str(path), "--region", "eu-west-1"]) == 0
    out = capsys.readouterr().out
    assert "account not set (env-agnostic stack), eu-west-1" in out
    assert "Total fixed monthly cost: $1.00 across" in out


def test_verbose_lines_show_unit_prices_unrounded(tmp_path, capsys) -> None:
    from cdk_secure_ml.cost.report import _unit_price

    assert (_unit_price(0.003), _unit_price(0.115), _unit_price(1.0), _unit_price(None)) == (
        "$0.003", "$0.115", "$1", "no price")
    assert main(["cost", str(_assembly(tmp_path)), "-v"]) == 0
    assert "x $1 = $1.00" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["cost"], "the following arguments are required: PATH"),
        (["cost", "{missing}"], "no such file; give a cdk.out directory"),
        (["cost", "{empty_dir}"], "no manifest.json; give the cdk.out directory"),
        (["cost", "{bad_json}"], "line 2: not valid JSON"),
        (["cost", "{not_template}"], "not a CloudFormation template"),
        (["cost", "{ok}", "--assume", "nope"], "write NAME=VALUE"),
        (
            ["cost", "{ok}", "--assume", "cofig_items_per_month=1"],
            "unknown assumption 'cofig_items_per_month'",
        ),
        (["cost", "{ok}", "--region", "mars-1"], "--region mars-1: the price snapshot has no prices for it"),
        (["cost", "{ok}", "--format", "csv"], "invalid choice: 'csv'"),
    ],
)
def test_bad_input_exits_2_naming_the_problem(tmp_path, capsys, argv, message) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "bad.json").write_text('{\n  "Resources": ,\n}')
    (tmp_path / "list.json").write_text('{"AWSTemplateFormatVersion": "2010-09-09"}')
    (tmp_path / "ok").mkdir()
    ok = _assembly(tmp_path / "ok", nested=False)
    paths = {
        "missing": tmp_path / "nope",
        "empty_dir": tmp_path / "empty",
        "bad_json": tmp_path / "bad.json",
        "not_template": tmp_path / "list.json",
        "ok": ok,
    }
    assert main([a.format(**paths) for a in argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("secure-ml cost: error: ") and message in err


def test_price_snapshot_entries_are_checked(tmp_path) -> None:
    with pytest.raises(CostInputError, match=r"regions.us-east-1.kms.key_month.usd: 'one' is not a price"):
        parse_price_book(
            {
                "snapshot_date": "2026-11-30",
                "regions": {
                    "us-east-1": {
                        "kms.key_month": {
                            "usd": "one",
                            "unit": "key-month",
                            "source": "https://aws.amazon.com/kms/pricing/",
                        }
                    }
                },
            }
        )
    with pytest.raises(CostInputError, match="needs 'snapshot_date'"):
        parse_price_book({"regions": {}})
    with pytest.raises(CostInputError, match="cannot read the price snapshot"):
        load_price_book(tmp_path / "none.json")


def test_the_shipped_snapshot_covers_the_configs() -> None:
    book = load_price_book()
    base = {key for key in book.prices["us-east-1"] if not key.startswith("sagemaker.")}
    for region in ("us-east-1", "eu-west-1"):  # demo.yaml; default.yaml and multi-account.yaml
        assert base <= set(book.prices[region]), region
        for key in (
            "sagemaker.hosting.ml.m5.large",
            "sagemaker.hosting.ml.m5.xlarge",
            "sagemaker.studio.ml.t3.medium",
        ):
            assert book.get(region, key) is not None, (region, key)  # demo, its day 2, Studio's default
        assert all(p.source.startswith("https://") for p in book.prices[region].values())
    assert book.date == "2026-11-30"


def test_a_region_without_prices_is_a_warning_and_its_items_have_no_price(tmp_path, capsys) -> None:
    (tmp_path / "t.template.json").write_text(json.dumps({"Resources": {"K": KEY}}))
    (tmp_path / "manifest.json").write_text(
        json.dumps(
            {
                "artifacts": {
                    "S": {
                        "type": "aws:cloudformation:stack",
                        "environment": "aws://111111111111/ap-south-2",
                        "properties": {"templateFile": "t.template.json"},
                    }
                }
            }
        )
    )
    assert main(["cost", str(tmp_path), "-v"]) == 0
    out = capsys.readouterr().out
    assert "! K: no price: no price for kms.key_month in ap-south-2" in out
    assert "warning: 111111111111/ap-south-2: the price snapshot has no prices for ap-south-2" in out
    assert "KMS keys | K | 1 key_month x no price = no price |" in out  # -v lists every item
