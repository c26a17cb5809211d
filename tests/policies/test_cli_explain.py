"""``secure-ml check`` text names the fix and lists acknowledgements on request; ``secure-ml rules <id>``
explains a rule (newcomer review of 2026-11-30, finding 10)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cdk_secure_ml.cli import main
from cdk_secure_ml.policies.rules import RULES_BY_ID

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "templates"
COMPLIANT = str(FIXTURES / "compliant.json")
NONCOMPLIANT = str(FIXTURES / "noncompliant.yaml")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_each_finding_is_followed_by_the_fix_of_its_rule(capsys) -> None:
    code, out, _ = run(capsys, "check", NONCOMPLIANT)
    lines = out.splitlines()
    finding = next(i for i, line in enumerate(lines) if " error SML-NET-2 Notebook " in line)
    assert code == 1
    assert lines[finding + 1] == f"    fix: {RULES_BY_ID['SML-NET-2'].remediation}"
    findings = [line for line in lines if line.startswith(NONCOMPLIANT)]
    assert sum(line.startswith("    fix: ") for line in lines) == len(findings) > 1


def test_acknowledged_findings_are_listed_with_their_reason_only_on_request(capsys) -> None:
    _, plain, _ = run(capsys, "check", COMPLIANT)
    code, out, _ = run(capsys, "check", "--show-acknowledged", COMPLIANT)
    assert code == 0 and "acknowledged SML-ENC-14" not in plain
    assert f"{COMPLIANT}: acknowledged SML-ENC-14 Topic (AWS::SNS::Topic): KmsMasterKeyId is not set\n" in out
    assert "    reason: carries only build status, no data\n" in out
    assert out.rstrip().endswith("1 acknowledged")


def test_show_acknowledged_is_refused_for_machine_formats(capsys) -> None:
    code, _, err = run(capsys, "check", "--format", "json", "--show-acknowledged", COMPLIANT)
    assert code == 2 and "--show-acknowledged is for the text format" in err


def test_rules_with_an_id_explains_that_rule(capsys) -> None:
    rule = RULES_BY_ID["SML-NET-2"]
    code, out, _ = run(capsys, "rules", "sml-net-2")
    assert code == 0
    assert out.splitlines()[0] == f"SML-NET-2  {rule.severity}  {rule.title}"
    assert f"  why: {rule.rationale}\n" in out and f"  fix: {rule.remediation}\n" in out
    assert "acknowledge(construct, reason, 'SML-NET-2')" in out


def test_rules_with_an_id_links_aws_s_documentation_of_what_it_reads(capsys) -> None:
    code, out, _ = run(capsys, "rules", "SML-NET-2")
    assert code == 0
    assert [line for line in out.splitlines() if line.startswith("  see: ")] == [
        "  see: https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/"
        "aws-resource-sagemaker-notebookinstance.html"
    ]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["rules", "SML-NET-99"], "unknown rule id 'SML-NET-99' (did you mean SML-NET-9"),
        (["rules", "NOPE"], "unknown rule id 'NOPE'; secure-ml rules lists them all"),
        (["rules", "--format", "json", "SML-NET-2"], "rule ids are explained in text only"),
    ],
)
def test_rules_refuses_unknown_ids_with_a_hint(capsys, argv, message) -> None:
    code, _, err = run(capsys, *argv)
    assert code == 2 and message in err
