"""The derived catalogue on the reference app (default config, synthesized once per session), the
command's output and exit codes, and mutations of the templates that must flip a scenario."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cdk_secure_ml.cli import main
from cdk_secure_ml.policies.access import derive, load_assembly, run


@pytest.fixture(scope="module")
def assembly_dir(reference_app, tmp_path_factory) -> Path:
    _, _, assembly = reference_app
    copy = tmp_path_factory.mktemp("access") / "cdk.out"
    shutil.copytree(assembly.directory, copy)
    return copy


@pytest.fixture(scope="module")
def results(assembly_dir):
    assembly = load_assembly(assembly_dir)
    return run(assembly, derive(assembly))


def _by_name(results):
    return {s.name: d for s, d in results}


def test_every_scenario_is_as_expected(results):
    wrong = [(s.name, s.expected, d.deciding, d.reason) for s, d in results if s.expected != d.decision]
    assert wrong == []


def test_the_catalogue_covers_the_issue(results):
    groups = {s.group for s, _ in results}
    assert groups >= {"studio", "data", "jobs", "service", "always-denied"}
    names = " | ".join(s.name for s, _ in results)
    for phrase in (
        "presigned URL",
        "private JupyterLab space",
        "private CodeEditor space",
        "team fraud's data",
        "without a VPC",
        "without a volume KMS key",
        "without network isolation",
        "stops the trail",
        "without TLS",
        "outside the VPC endpoint",
        "CloudTrail delivers",
        "Config delivers",
        "EventBridge",
        "uses the volume key",
    ):
        assert phrase in names, phrase


@pytest.mark.aws_behaviour("iam.explicit-deny-wins")
def test_the_deciding_statements_are_named(results):
    decision = next(d for s, d in results if s.name.endswith("starts a training job without a VPC"))
    assert decision.deciding == "explicit-deny"
    assert "DenyJobsOutsideTheVpc" in {h.sid for h in decision.statements}
    assert any(h.kind == "scp" and h.template == "scp/sagemaker-network.json" for h in decision.statements)


def test_json_shape_and_exit_code(assembly_dir, capsys):
    assert main(["access", str(assembly_dir), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    row = data["scenarios"][0]
    assert set(row) >= {
        "name",
        "principal",
        "action",
        "resource",
        "context",
        "expected",
        "decision",
        "deciding",
        "statements",
    }
    assert {r["expected"] for r in data["scenarios"]} == {"allow", "deny"}
    assert {r["deciding"] for r in data["scenarios"]} <= {"allow", "explicit-deny", "implicit-deny"}
    assert data["summary"]["differing"] == 0


def _role(assembly_dir, name):
    return next(r.logical_id for r in load_assembly(assembly_dir).roles.values() if name in r.logical_id)


def test_single_query(assembly_dir, capsys):
    args = [
        "access",
        str(assembly_dir),
        "--principal",
        _role(assembly_dir, "PersonasDataScientistRole"),
        "--action",
        "cloudtrail:StopLogging",
        "--resource",
        "*",
        "--session-tag",
        "team=research",
    ]
    assert main(args) == 1  # denied
    assert "DenyAuditTampering" in capsys.readouterr().out


def test_a_single_query_on_an_arn_outside_the_assembly_says_so(assembly_dir, capsys):
    role = _role(assembly_dir, "PersonasDataScientistRole")
    base = ["access", str(assembly_dir), "--principal", role, "--action", "s3:GetObject", "--resource"]
    main([*base, "arn:aws:s3:::no-such-bucket-typo/research/x", "--session-tag", "team=research"])
    err = capsys.readouterr().err
    assert "arn:aws:s3:::no-such-bucket-typo/research/x is no resource of the assembly" in err
    known = next(arn for arn in load_assembly(assembly_dir).ids.values() if arn.startswith("arn:aws:s3:::"))
    main([*base, f"{known}/research/x", "--session-tag", "team=research"])
    assert "no resource of the assembly" not in capsys.readouterr().err


def test_an_assembly_without_scenarios_says_nothing_is_proved(tmp_path, capsys):
    template = {"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}
    (tmp_path / "t.template.json").write_text(json.dumps(template))
    assert main(["access", str(tmp_path)]) == 0
    assert "nothing is proved" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--principal", "NoSuchRole", "--action", "s3:GetObject", "--resource", "*"],
            "'NoSuchRole' is no resource",
        ),
        (
            ["--principal", "PersonasDataScientistRole", "--action", "s3:GetObjekt", "--resource", "*"],
            "'s3:GetObjekt' is not an IAM action",
        ),
        (["--principal", "x"], "needs --principal, --action and --resource together"),
    ],
)
def test_bad_input_exits_2(assembly_dir, capsys, args, message):
    assert main(["access", str(assembly_dir), *args]) == 2
    assert message in capsys.readouterr().err


def test_user_scenarios_from_yaml(assembly_dir, tmp_path, capsys):
    file = tmp_path / "mine.yaml"
    file.write_text(
        "scenarios:\n  - name: the ml-admin lists buckets\n    principal: Foundation/Personas/MlAdminRole\n"
        "    action: s3:ListAllMyBuckets\n    resource: '*'\n    expected: allow\n    typo: 1\n"
    )
    assert main(["access", str(assembly_dir), "--scenarios", str(file)]) == 2
    assert "scenarios[0]: unknown key(s) typo" in capsys.readouterr().err


def _mutate(assembly_dir: Path, tmp_path: Path, stack: str, change) -> Path:
    copy = tmp_path / "cdk.out"
    shutil.copytree(assembly_dir, copy)
    template = next(copy.rglob(f"*{stack}*.template.json"))
    data = json.loads(template.read_text())
    change(data["Resources"])
    template.write_text(json.dumps(data))
    return copy


def _statements(resources, logical_prefix):
    lid = next(k for k in resources if k.startswith(logical_prefix))
    return resources[lid]["Properties"]["PolicyDocument"]["Statement"]


def _differing(path: Path, capsys) -> str:
    code = main(["access", str(path)])
    out = capsys.readouterr().out
    assert code == 1, out
    return "\n".join(line for line in out.splitlines() if line.startswith("XX"))


def test_mutation_remove_an_allow(assembly_dir, tmp_path, capsys):
    def drop(resources):
        statements = _statements(resources, "PersonasStudioAccess")
        statements[:] = [s for s in statements if s.get("Sid") != "OpenOwnStudioProfile"]
        statements.append({"Effect": "Allow", "Action": "sts:GetCallerIdentity", "Resource": "*"})

    assert "opens Studio (presigned URL) for their own profile" in _differing(
        _mutate(assembly_dir, tmp_path, "Foundation", drop), capsys
    )


def test_mutation_add_a_broad_allow(assembly_dir, tmp_path, capsys):
    def widen(resources):
        _statements(resources, "PersonasTeamData")[0]["Resource"] = "*"

    assert "reads team fraud's data" in _differing(
        _mutate(assembly_dir, tmp_path, "Foundation", widen), capsys
    )


def test_mutation_remove_a_guardrail_deny(assembly_dir, tmp_path, capsys):
    def unguard(resources):
        statements = _statements(resources, "PersonasGuardrails")
        statements[:] = [s for s in statements if s.get("Sid") != "DenyJobsOutsideTheVpc"]

    # the sagemaker-network SCP still denies it: the identity guardrail is one of two
    assert main(["access", str(_mutate(assembly_dir, tmp_path, "Foundation", unguard))]) == 0
    capsys.readouterr()
    code = main(["access", str(_mutate(assembly_dir, tmp_path / "x", "Foundation", unguard)), "--no-scps"])
    assert code == 1
    assert "starts a training job without a VPC" in "\n".join(
        line for line in capsys.readouterr().out.splitlines() if line.startswith("XX")
    )
