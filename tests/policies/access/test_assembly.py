"""Resolving an assembly: stacks from the manifest, intrinsics and cross-stack imports into ARNs, roles with
their policies, boundary and tags, resources by logical id, construct path or ARN. A hand-written cdk.out,
so each rule is visible in the test."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cdk_secure_ml.policies.access import load_assembly, run
from cdk_secure_ml.policies.access.scenarios import Scenario, load_scenarios
from cdk_secure_ml.policies.template import InputError

ACCOUNT = "444455556666"
BUCKET_EXPORT = "Data:ExportsOutputFnGetAttDataBucketArn"


def _meta(path: str) -> dict:
    return {"Metadata": {"aws:cdk:path": path}}


PRODUCER = {
    "Resources": {
        "DataBucketE3889A50": {"Type": "AWS::S3::Bucket", **_meta("App/Data/Bucket/Resource")},
        "Boundary1": {
            "Type": "AWS::IAM::ManagedPolicy",
            "Properties": {
                "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
            },
        },
    },
    "Outputs": {
        "ExportBucketArn": {
            "Value": {"Fn::GetAtt": ["DataBucketE3889A50", "Arn"]},
            "Export": {"Name": BUCKET_EXPORT},
        },
        "ExportBoundary": {"Value": {"Ref": "Boundary1"}, "Export": {"Name": "Data:Boundary"}},
    },
}
CONSUMER = {
    "Resources": {
        "ReaderRole1A2B": {
            "Type": "AWS::IAM::Role",
            **_meta("App/Work/Reader/Resource"),
            "Properties": {
                "AssumeRolePolicyDocument": {
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": ["sts:AssumeRole", "sts:TagSession"],
                            "Principal": {
                                "AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}
                            },
                        }
                    ]
                },
                "Path": "/people/",
                "RoleName": "reader",
                "PermissionsBoundary": {"Fn::ImportValue": "Data:Boundary"},
                "Tags": [{"Key": "team", "Value": "a"}],
                "Policies": [
                    {
                        "PolicyName": "read",
                        "PolicyDocument": {
                            "Statement": [
                                {
                                    "Sid": "TeamPrefix",
                                    "Effect": "Allow",
                                    "Action": "s3:GetObject",
                                    "Resource": {
                                        "Fn::Join": [
                                            "",
                                            [
                                                {"Fn::ImportValue": BUCKET_EXPORT},
                                                "/${aws:PrincipalTag/team}/*",
                                            ],
                                        ]
                                    },
                                }
                            ]
                        },
                    }
                ],
            },
        }
    }
}


@pytest.fixture(scope="module")
def cdk_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("assembly")
    artifacts = {}
    for name, template in (("Data", PRODUCER), ("Work", CONSUMER)):
        (out / f"{name}.template.json").write_text(json.dumps(template))
        artifacts[name] = {
            "type": "aws:cloudformation:stack",
            "environment": f"aws://{ACCOUNT}/eu-west-1",
            "properties": {"templateFile": f"{name}.template.json", "stackName": f"app-{name.lower()}"},
        }
    (out / "manifest.json").write_text(json.dumps({"version": "41.0.0", "artifacts": artifacts}))
    return out


BUCKET = "arn:aws:s3:::app-data-databuckete3889a50"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/people/reader"


def test_names_resolve_across_stacks(cdk_out):
    assembly = load_assembly(cdk_out)
    assert {s.name: (s.account, s.region) for s in assembly.stacks} == {
        "app-data": (ACCOUNT, "eu-west-1"),
        "app-work": (ACCOUNT, "eu-west-1"),
    }
    for name in ("DataBucketE3889A50", "App/Data/Bucket/Resource", "App/Data/Bucket", "Data/Bucket", BUCKET):
        assert assembly.find(name) == BUCKET, name
    role = assembly.role("Work/Reader")
    assert role.arn == ROLE and role.tags == {"team": "a"}
    assert role.boundary is not None and role.boundary.logical_id == "Boundary1"  # through Fn::ImportValue
    (policy,) = role.identity
    assert policy.document["Statement"][0]["Resource"] == f"{BUCKET}/${{aws:PrincipalTag/team}}/*"
    assert role.trust.document["Statement"][0]["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}


def test_unknown_names_are_refused_with_close_matches(cdk_out):
    assembly = load_assembly(cdk_out)
    close = r"'Buck' is no resource of the assembly; close: App/Data/Bucket/Resource, DataBucket"
    with pytest.raises(InputError, match=close):
        assembly.find("Buck")
    with pytest.raises(InputError, match=r"'DataBucketE3889A50' is not an IAM role of the assembly"):
        assembly.role("DataBucketE3889A50")
    with pytest.raises(InputError, match="no such file or directory"):
        load_assembly(cdk_out / "missing")


@pytest.mark.aws_behaviour("iam.role-tags-are-principal-tags", "iam.same-account-resource-policy-grant")
def test_role_tags_are_principal_tags_and_session_tags_override_them(cdk_out):
    assembly = load_assembly(cdk_out)
    scenarios = [
        Scenario("own prefix", "Work/Reader", "s3:GetObject", f"{BUCKET}/a/x", "allow"),
        Scenario("other prefix", "Work/Reader", "s3:GetObject", f"{BUCKET}/b/x", "deny"),
        Scenario(
            "session tag wins",
            "Work/Reader",
            "s3:GetObject",
            f"{BUCKET}/b/x",
            "allow",
            session_tags={"team": "b"},
        ),
        Scenario("the account assumes the role", "Work/Reader", "sts:AssumeRole", ROLE, "deny"),
    ]
    decisions = {s.name: d.decision for s, d in run(assembly, scenarios, scps=False)}
    assert decisions == {
        "own prefix": "allow",
        "other prefix": "deny",
        "session tag wins": "allow",
        # the trust names the account: the identity policies must allow it, and do not
        "the account assumes the role": "deny",
    }


def test_scenarios_from_yaml(cdk_out, tmp_path):
    file = tmp_path / "mine.yaml"
    file.write_text(
        "scenarios:\n"
        "  - {name: reads a, principal: Work/Reader, action: s3:GetObject, expected: allow,\n"
        f"     resource: '{BUCKET}/a/x', context: {{aws:SourceVpce: vpce-1}}, session_tags: {{team: a}}}}\n"
    )
    (scenario,) = load_scenarios(file)
    assert (scenario.principal, scenario.session_tags, scenario.context) == (
        "Work/Reader",
        {"team": "a"},
        {"aws:SourceVpce": "vpce-1"},
    )
    ((_, decision),) = run(load_assembly(cdk_out), [scenario], scps=False)
    assert decision.decision == "allow" and [h.sid for h in decision.statements] == ["TeamPrefix"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("scenarios: 3\n", "expected a mapping with a 'scenarios' list"),
        ("scenarios:\n  - {name: x}\n", r"scenarios\[0\]: missing action, expected, principal, resource"),
        (
            "scenarios:\n  - {name: x, principal: p, action: a, resource: r, expected: maybe}\n",
            r"scenarios\[0\].expected: 'maybe'; use allow or deny",
        ),
    ],
)
def test_bad_scenario_files_name_the_problem(tmp_path, text, message):
    file = tmp_path / "bad.yaml"
    file.write_text(text)
    with pytest.raises(InputError, match=message):
        load_scenarios(file)
