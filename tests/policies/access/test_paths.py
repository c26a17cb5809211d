"""The deploy path through CDK's bootstrap roles (hub config: a pipeline and its stages), the KMS grant path
(default config), and the session policies and RCPs of the command."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cdk_secure_ml.cli import main
from cdk_secure_ml.policies.access import derive, load_assembly, run
from cdk_secure_ml.policies.access.facts import facts, platforms, vpce
from tools.cdk_bootstrap_template import FILE, render

from .test_catalogue import _mutate, _statements, assembly_dir  # noqa: F401 - a fixture

TOOLING, PROD = "111111111111", "444444444444"
PROD_DEPLOY = f"arn:aws:iam::{PROD}:role/cdk-hnb659fds-deploy-role-{PROD}-eu-west-1"


def test_the_shipped_bootstrap_template_is_the_cli_s():
    stale = "run: .venv/bin/python -m tools.cdk_bootstrap_template"
    assert FILE.read_text(encoding="utf-8") == render(), stale


@pytest.fixture(scope="module")
def hub_dir(hub_app, tmp_path_factory) -> Path:
    _, _, hub_stack = hub_app
    copy = tmp_path_factory.mktemp("paths") / "cdk.out"
    shutil.copytree(hub_stack.node.root.outdir, copy)
    return copy


@pytest.fixture(scope="module")
def hub_results(hub_dir):
    assembly = load_assembly(hub_dir)
    return assembly, {s.name: (s, d) for s, d in run(assembly, derive(assembly))}


@pytest.mark.aws_behaviour("cdk.bootstrap-trust")
def test_stage_accounts_get_the_bootstrap_roles_trusting_the_tooling_account(hub_results):
    assembly, _ = hub_results
    (note,) = assembly.notes
    assert f"--trust {TOOLING} " in note and "aws://444444444444/eu-west-1" in note
    trust = assembly.roles[PROD_DEPLOY].trust.document["Statement"]
    assert {"AWS": [TOOLING]} in [s.get("Principal") for s in trust if s]
    # the pipeline's own account is bootstrapped without trust
    own = assembly.roles[PROD_DEPLOY.replace(PROD, TOOLING)].trust.document["Statement"]
    assert all(s.get("Principal") == {"AWS": TOOLING} for s in own if s)


@pytest.mark.aws_behaviour("cdk.bootstrap-trust")
def test_the_deploy_path_scenarios(hub_results):
    _, by_name = hub_results
    wanted = {
        "the pipeline assumes secure-ml-prod's CDK deploy role": "allow",
        "the pipeline's asset step assumes secure-ml-prod's CDK file-publishing role": "allow",
        "secure-ml-prod's deploy role passes the CloudFormation execution role": "allow",
        "CloudFormation assumes secure-ml-prod's execution role": "allow",
        "the data-scientist role of secure-ml-dev assumes its CDK deploy role": "deny",
        "the data-scientist role of secure-ml-dev assumes secure-ml-prod's CDK deploy role": "deny",
        "secure-ml-dev's CDK deploy role reads the data bucket": "deny",
    }
    assert {name: by_name[name][1].decision for name in wanted} == wanted
    assert all(s.expected == d.decision for s, d in by_name.values())
    # across accounts, both the trust policy and the pipeline role's policy allow
    decision = by_name["the pipeline assumes secure-ml-prod's CDK deploy role"][1]
    assert {h.kind for h in decision.statements} == {"identity", "resource"}


def test_mutation_without_trust_the_pipeline_cannot_deploy(hub_dir, tmp_path, capsys):
    def drop_assume(resources):
        statements = _statements(resources, "PipelinePipelineRoleDefaultPolicy")
        statements[:] = [s for s in statements if "deploy-role" not in json.dumps(s.get("Resource"))]

    code = main(["access", str(_mutate(hub_dir, tmp_path, "secure-ml-delivery", drop_assume))])
    out = capsys.readouterr().out
    assert code == 1
    assert "XX allow    deny (implicit-deny)   the pipeline assumes secure-ml-prod's CDK deploy role" in out


def test_an_assembly_without_a_pipeline_models_no_bootstrap_role(assembly_dir):  # noqa: F811
    assembly = load_assembly(assembly_dir)
    assert assembly.notes == []
    assert not [arn for arn in assembly.roles if ":role/cdk-" in arn]


# -- KMS grants -----------------------------------------------------------------------------------


@pytest.mark.aws_behaviour("kms.grant-allows-grantee")
def test_sagemaker_uses_the_volume_key_through_the_implied_grant(assembly_dir, tmp_path, capsys):  # noqa: F811
    assembly = load_assembly(assembly_dir)
    results = {s.name: d for s, d in run(assembly, derive(assembly))}
    name = "SageMaker decrypts a volume with the volume key through the grant a job's role lets it create"
    assert (results[name].decision, results[name].statements[0].kind) == ("allow", "grant")
    person = next(n for n in results if n.endswith("creates a grant on the volume key for themselves"))
    assert results[person].decision == "deny"

    def no_grants(resources):
        for res in resources.values():
            if res["Type"] in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
                statements = res["Properties"]["PolicyDocument"]["Statement"]
                statements[:] = [s for s in statements if "kms:CreateGrant" not in json.dumps(s)] or [
                    {"Effect": "Allow", "Action": "sts:GetCallerIdentity", "Resource": "*"}
                ]

    assert main(["access", str(_mutate(assembly_dir, tmp_path, "Foundation", no_grants))]) == 1
    assert f"XX allow    deny (implicit-deny)   {name}" in capsys.readouterr().out


# -- session policies and RCPs --------------------------------------------------------------------


def _own_data_query(assembly_dir):  # noqa: F811
    assembly = load_assembly(assembly_dir)
    platform = facts(assembly, next(platforms(assembly)))
    user = next(u for u in platform.users if u["persona"] == "data-scientist")
    role = platform.persona_roles["data-scientist"]
    bucket = platform.resources["DataBucket"]
    return [
        "access", str(assembly_dir), "--principal", role.arn, "--action", "s3:GetObject",
        "--resource", f"{bucket}/{user['team']}/x.csv",
        "--session-tag", f"team={user['team']}", "--session-tag", f"user={user['name']}",
        "--context", f"aws:SourceVpce={vpce(platform)['aws:SourceVpce']}",
    ]  # fmt: skip


@pytest.mark.aws_behaviour("sts.session-policy-intersection")
def test_a_session_policy_narrows_a_single_query(assembly_dir, tmp_path, capsys):  # noqa: F811
    query = _own_data_query(assembly_dir)
    assert main(query) == 0
    narrow = tmp_path / "session.json"
    listing = {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}
    narrow.write_text(json.dumps({"Statement": [listing]}))
    capsys.readouterr()
    assert main([*query, "--session-policy", str(narrow)]) == 1
    assert "the session policy does not allow it" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("content", "message"),
    [("{not json", "cannot read a JSON policy document"), ('{"Version": "2012-10-17"}', "a Statement list")],
)
def test_a_bad_policy_file_exits_2(assembly_dir, tmp_path, capsys, content, message):  # noqa: F811
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    assert main([*_own_data_query(assembly_dir), "--session-policy", str(bad)]) == 2
    assert f"--session-policy {bad}: " in capsys.readouterr().err
    assert main(["access", str(assembly_dir), "--rcp", str(bad)]) == 2
    assert message in capsys.readouterr().err
    assert main(["access", str(assembly_dir), "--session-policy", str(bad)]) == 2
    assert "--session-policy applies to a single query" in capsys.readouterr().err


@pytest.mark.aws_behaviour("organizations.rcp-ceiling")
def test_an_rcp_flips_the_catalogue(assembly_dir, tmp_path, capsys):  # noqa: F811
    rcp = tmp_path / "no-reads.json"
    no_reads = {"Sid": "NoReads", "Effect": "Deny", "Principal": "*", "Action": "s3:GetObject"}
    no_reads["Resource"] = "*"
    rcp.write_text(json.dumps({"Statement": [no_reads]}))
    assert main(["access", str(assembly_dir), "--rcp", str(rcp)]) == 1
    differing = [line for line in capsys.readouterr().out.splitlines() if line.startswith("XX")]
    assert differing and all("deny (explicit-deny)" in line for line in differing)
    assert any("reads their team's data" in line for line in differing)


def test_a_scenario_carries_its_session_policy(assembly_dir, tmp_path, capsys):  # noqa: F811
    roles = load_assembly(assembly_dir).roles.values()
    role = next(r.logical_id for r in roles if "MlAdminRole" in r.logical_id)
    file = tmp_path / "mine.yaml"
    file.write_text(
        "scenarios:\n  - name: the ml-admin lists buckets in a narrowed session\n"
        f"    principal: {role}\n    action: s3:ListAllMyBuckets\n    resource: '*'\n"
        "    session_policy: {Statement: [{Effect: Allow, Action: 'sagemaker:List*', Resource: '*'}]}\n"
        "    expected: deny\n"
    )
    assert main(["access", str(assembly_dir), "--scenarios", str(file)]) == 0
    capsys.readouterr()
    file.write_text(file.read_text().replace("{Statement: [", "{Statements: ["))
    assert main(["access", str(assembly_dir), "--scenarios", str(file)]) == 2
    assert "scenarios[0].session_policy: expected a policy document" in capsys.readouterr().err


PERIMETER = Path(__file__).resolve().parents[2] / "fixtures" / "rcp-data-perimeter.json"


@pytest.mark.aws_behaviour("organizations.rcp-ceiling")
def test_a_data_perimeter_rcp_leaves_the_platform_working_in_its_organization(assembly_dir, capsys):  # noqa: F811
    base = ["access", str(assembly_dir), "--rcp", str(PERIMETER)]
    assert main([*base, "--organization-id", "o-a1b2c3d4e5"]) == 0
    capsys.readouterr()
    # outside the organization (no aws:PrincipalOrgID), the perimeter denies the platform's own roles
    assert main(base) == 1
    differing = [line for line in capsys.readouterr().out.splitlines() if line.startswith("XX")]
    assert any("reads their team's data" in line for line in differing)
    assert main([*base, "--organization-id", "a1b2"]) == 2
    assert "--organization-id 'a1b2': expected an organization id" in capsys.readouterr().err
