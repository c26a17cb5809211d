"""``secure-ml`` CLI: exit codes, output formats, error messages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cdk_secure_ml.cli import main
from cdk_secure_ml.policies.rules import CATALOGUE

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "templates"
ROOT = Path(__file__).resolve().parents[2]
COMPLIANT = str(FIXTURES / "compliant.json")
NONCOMPLIANT = str(FIXTURES / "noncompliant.yaml")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_compliant_exits_0(capsys) -> None:
    code, out, err = run(capsys, "check", COMPLIANT)
    assert code == 0 and err == ""
    assert out.strip().endswith("0 error(s), 0 warning(s), 1 acknowledged")


def test_noncompliant_exits_1_and_lists_findings(capsys) -> None:
    code, out, _ = run(capsys, "check", NONCOMPLIANT)
    assert code == 1
    assert (
        f"{NONCOMPLIANT}: error SML-NET-2 Notebook (AWS::SageMaker::NotebookInstance): SubnetId is not set"
        in out
    )
    assert "SML-AUD-4 Logs" in out


def test_warnings_only_exit_0(capsys, tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    trust = {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    path.write_text(json.dumps({"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {
        "AssumeRolePolicyDocument": {"Statement": [trust]}}}}}))  # fmt: skip
    code, out, _ = run(capsys, "check", str(path))
    assert code == 0 and "warning SML-IAM-10" in out


def test_json_format(capsys) -> None:
    code, out, _ = run(capsys, "check", "--format", "json", NONCOMPLIANT, COMPLIANT)
    assert code == 1
    doc = json.loads(out)
    assert set(doc) == {"findings", "summary"}
    assert set(doc["findings"][0]) == {"rule", "severity", "file", "resource", "resource_type", "message"}
    summary = doc["summary"]
    assert summary["files"] == 2 and summary["resources"] == 4 and summary["acknowledged"] == 1
    assert summary["errors"] == sum(f["severity"] == "error" for f in doc["findings"]) > 0
    assert summary["warnings"] == sum(f["severity"] == "warning" for f in doc["findings"])


def test_sarif_format(capsys) -> None:
    code, out, _ = run(capsys, "check", "--format", "sarif", NONCOMPLIANT, COMPLIANT)
    assert code == 1
    doc = json.loads(out)
    assert doc["version"] == "2.1.0" and "sarif" in doc["$schema"]
    (run_,) = doc["runs"]
    rules = run_["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.id for r in CATALOGUE]
    results = run_["results"]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results)
    assert all(r["level"] in ("error", "warning") for r in results)
    notebook = next(r for r in results if r["ruleId"] == "SML-NET-2")
    location = notebook["locations"][0]["physicalLocation"]
    assert location["region"]["startLine"] == 2  # the line of "Notebook:" in the YAML file
    suppressed = [r for r in results if "suppressions" in r]
    assert [r["ruleId"] for r in suppressed] == ["SML-ENC-14"]


def test_sarif_rules_link_their_documentation(capsys) -> None:
    _, out, _ = run(capsys, "check", "--format", "sarif", COMPLIANT)
    rules = {r["id"]: r for r in json.loads(out)["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["SML-NET-2"]["helpUri"] == (
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/"
        "aws-resource-sagemaker-notebookinstance.html"
    )
    assert "helpUri" not in rules["SML-META-1"]  # about our own metadata: no AWS page


def test_sarif_lines_come_from_the_findings(capsys, tmp_path: Path) -> None:
    # "Topic:" first appears under Outputs, which a text search would have taken for the resource.
    path = tmp_path / "t.yaml"
    path.write_text(
        "Outputs:\n  Topic:\n    Value: !Ref Topic\nResources:\n  Topic:\n    Type: AWS::SNS::Topic\n"
    )
    _, out, _ = run(capsys, "check", "--format", "sarif", str(path))
    (result,) = json.loads(out)["runs"][0]["results"]
    assert result["ruleId"] == "SML-ENC-14"
    assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": 5}


def test_output_file(capsys, tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    code, out, _ = run(capsys, "check", "--format", "json", "-o", str(target), COMPLIANT)
    assert code == 0 and out == ""
    assert json.loads(target.read_text())["summary"]["files"] == 1


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["check"], "required: PATH"),
        (["check", "--format", "xml", COMPLIANT], "invalid choice: 'xml'"),
        (["check", str(FIXTURES / "settings.json")], "settings.json: not a CloudFormation template"),
        (["check", str(FIXTURES / "missing.json")], "missing.json: no such file or directory"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        ([], "required: COMMAND"),
    ],
    ids=["no-path", "bad-format", "not-a-template", "missing", "bad-command", "no-command"],
)
def test_usage_errors_exit_2_with_one_line(capsys, argv, expected) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("secure-ml: error: ") and expected in err
    assert "Traceback" not in err


def test_invalid_input_exits_2_naming_file_and_line(capsys, tmp_path: Path) -> None:
    bad = tmp_path / "broken.yaml"
    bad.write_text("Resources:\n  A:\n    Type: AWS::SNS::Topic\n    Properties: {unclosed\n")
    code, _, err = run(capsys, "check", str(bad))
    assert code == 2 and f"{bad}:" in err and "invalid YAML" in err
    assert err.count("\n") == 1


def test_empty_directory_exits_2(capsys, tmp_path: Path) -> None:
    code, _, err = run(capsys, "check", str(tmp_path))
    assert code == 2 and "no CloudFormation templates found" in err


def test_rules_formats(capsys) -> None:
    code, out, _ = run(capsys, "rules")
    assert code == 0 and len(out.splitlines()) == len(CATALOGUE) and out.startswith("SML-NET-1 ")
    code, out, _ = run(capsys, "rules", "--format", "json")
    assert code == 0 and [r["id"] for r in json.loads(out)] == [r.id for r in CATALOGUE]
    code, out, _ = run(capsys, "rules", "--format", "markdown")
    assert code == 0 and out.startswith("# Policy rules") and "### SML-HOST-3" in out


def test_help_exits_0(capsys) -> None:
    code, out, _ = run(capsys, "check", "--help")
    assert code == 0 and "--format" in out


def test_module_entry_point_without_aws_cdk(tmp_path: Path) -> None:
    """`python -m cdk_secure_ml.cli` works and does not import aws_cdk (jsii start-up costs seconds)."""
    probe = f"import runpy, sys; sys.argv=['secure-ml','check',{NONCOMPLIANT!r}]; \n" + (
        "try:\n runpy.run_module('cdk_secure_ml.cli', run_name='__main__')\n"
        "except SystemExit as e:\n print('exit', e.code, 'aws_cdk' in sys.modules, 'jsii' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=60, check=False
    )
    assert result.stdout.strip().splitlines()[-1] == "exit 1 False False", result.stderr
    direct = subprocess.run(
        [sys.executable, "-m", "cdk_secure_ml.cli", "check", COMPLIANT],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert direct.returncode == 0, direct.stderr


def test_check_restores_the_garbage_collectors_settings(capsys) -> None:
    """``check`` runs with fewer collector passes (cli._fewer_collector_passes) and puts them back, so a
    program that calls ``main`` in-process keeps its own."""
    import gc

    before = gc.get_threshold()
    run(capsys, "check", COMPLIANT)
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_help_lists_every_command(capsys) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for command in ("check", "iam-lint", "audit", "access", "demo", "teardown-studio", "cost", "rules"):
        assert f"    {command} " in out or f"    {command}\n" in out, command
