"""MlflowTrackingServers (constructs/mlflow.py), the MLflow persona statements (identity/mlflow_access.py),
and the demo platform's MLflow: servers, endpoint, bucket exception, persona policies, SSM settings."""

from __future__ import annotations

import json

import pytest
from aws_cdk import RemovalPolicy, Stack
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk.assertions import Template

from cdk_secure_ml import MlflowTrackingServers
from cdk_secure_ml.constructs.identity.context import PlatformContext
from cdk_secure_ml.constructs.identity.mlflow_access import mlflow_admin_statements, mlflow_user_statements
from tests.conftest import new_app

SERVER = "AWS::SageMaker::MlflowTrackingServer"


@pytest.fixture(scope="module")
def templates() -> dict[str, Template]:
    app = new_app()
    stacks = {}
    for name, kwargs in {
        "PerTeam": {"teams": ["nlp", "cv"]},
        "Shared": {
            "mode": "shared",
            "size": "Medium",
            "version": "3.0",
            "automatic_model_registration": True,
            "weekly_maintenance_window": "Tue:03:30",
            "removal_policy": RemovalPolicy.DESTROY,
        },
    }.items():
        stack = Stack(app, name)
        MlflowTrackingServers(
            stack,
            "Mlflow",
            platform="p",
            artifacts_bucket=s3.Bucket(stack, "Artifacts"),
            artifacts_key=kms.Key(stack, "Key"),
            **kwargs,
        )
        stacks[name] = stack
    return {name: Template.from_stack(stack) for name, stack in stacks.items()}


def _servers(template: Template) -> dict[str, dict]:
    return template.find_resources(SERVER)


def test_per_team_defaults(templates):
    servers = _servers(templates["PerTeam"])
    by_name = {r["Properties"]["TrackingServerName"]: r for r in servers.values()}
    assert sorted(by_name) == ["p-mlflow-cv", "p-mlflow-nlp"]
    nlp = by_name["p-mlflow-nlp"]
    assert nlp["Properties"]["TrackingServerSize"] == "Small"
    assert nlp["Properties"]["AutomaticModelRegistration"] is False
    assert (
        "MlflowVersion" not in nlp["Properties"] and "WeeklyMaintenanceWindowStart" not in nlp["Properties"]
    )
    assert {"Key": "team", "Value": "nlp"} in nlp["Properties"]["Tags"]
    assert nlp["DeletionPolicy"] == nlp["UpdateReplacePolicy"] == "Retain"
    uri = json.dumps(nlp["Properties"]["ArtifactStoreUri"])
    assert '"s3://"' in uri and '"/nlp/mlflow/"' in uri


def test_every_option(templates):
    (server,) = _servers(templates["Shared"]).values()
    props = server["Properties"]
    assert (
        props["TrackingServerName"],
        props["TrackingServerSize"],
        props["MlflowVersion"],
        props["AutomaticModelRegistration"],
        props["WeeklyMaintenanceWindowStart"],
    ) == ("p-mlflow", "Medium", "3.0", True, "Tue:03:30")
    assert "Tags" not in props  # no team on the shared server
    assert server["DeletionPolicy"] == "Delete"
    assert '"/mlflow/"' in json.dumps(props["ArtifactStoreUri"])


@pytest.mark.aws_behaviour("sagemaker.mlflow-role-assumed-by-sagemaker")
def test_the_role_is_trusted_by_sagemaker_of_this_account_only(templates):
    templates["PerTeam"].has_resource_properties(
        "AWS::IAM::Role",
        {
            "Path": "/p/mlflow/",
            "AssumeRolePolicyDocument": {
                "Statement": [
                    {
                        "Action": "sts:AssumeRole",
                        "Effect": "Allow",
                        "Principal": {"Service": "sagemaker.amazonaws.com"},
                        "Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}},
                    }
                ]
            },
        },
    )


def _policy_of(template: Template, team: str) -> list[dict]:
    policies = template.find_resources("AWS::IAM::ManagedPolicy")
    (policy,) = [
        p
        for p in policies.values()
        if f"mlflow-{team}" in p["Properties"]["Description"]
        or (team == "" and p["Properties"]["Description"].endswith("p-mlflow: its artifact store only"))
    ]
    return policy["Properties"]["PolicyDocument"]["Statement"]


def test_the_role_reaches_only_its_prefix_and_the_key_through_s3(templates):
    statements = {s["Sid"]: s for s in _policy_of(templates["PerTeam"], "nlp")}
    assert set(statements) == {
        "ArtifactObjects",
        "ListArtifactPrefix",
        "BucketLocation",
        "ArtifactKeyThroughS3",
    }
    assert json.dumps(statements["ArtifactObjects"]["Resource"]).endswith('"/nlp/mlflow/*"]]}')
    assert statements["ListArtifactPrefix"]["Condition"] == {
        "StringLike": {"s3:prefix": ["nlp/mlflow/*", "nlp/mlflow"]}
    }
    assert statements["ArtifactKeyThroughS3"]["Condition"] == {
        "StringEquals": {
            "kms:ViaService": {"Fn::Join": ["", ["s3.", {"Ref": "AWS::Region"}, ".amazonaws.com"]]}
        }
    }
    assert not any(a.startswith("sagemaker:") for s in statements.values() for a in _actions(s))


def _actions(statement: dict) -> list[str]:
    actions = statement["Action"]
    return [actions] if isinstance(actions, str) else actions


@pytest.mark.aws_behaviour("sagemaker.mlflow-automatic-model-registration")
def test_model_registry_actions_only_with_automatic_registration(templates):
    statements = {s["Sid"]: s for s in _policy_of(templates["Shared"], "")}
    registration = statements["AutomaticModelRegistration"]
    assert "sagemaker:CreateModelPackageGroup" in registration["Action"]
    assert all(
        ":model-package-group/*" in json.dumps(r) or ":model-package/*" in json.dumps(r)
        for r in registration["Resource"]
    )
    assert '"/mlflow/*"' in json.dumps(statements["ArtifactObjects"]["Resource"])


def test_the_server_waits_for_its_role_and_policy(templates):
    for server in _servers(templates["PerTeam"]).values():
        assert len(server["DependsOn"]) == 2


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"mode": "per-user"}, "mode 'per-user' is not one of"),
        ({"teams": []}, "mode 'per-team' needs at least one team"),
        ({"teams": ["nlp-"]}, "team 'nlp-' gives the tracking server name 'p-mlflow-nlp-'"),
        ({"teams": ["nlp"], "size": "Huge"}, "tracking server size 'Huge' is not one of"),
        ({"teams": ["nlp"], "version": "v3"}, "MLflow version 'v3' is not valid"),
        ({"teams": ["nlp"], "weekly_maintenance_window": "Tue 3:30"}, "weekly maintenance window 'Tue 3:30'"),
    ],
)
def test_bad_arguments(kwargs, message):
    stack = Stack(new_app(), "Bad")
    with pytest.raises(ValueError, match=f"^MlflowTrackingServers: .*{message}"):
        MlflowTrackingServers(
            stack,
            "Mlflow",
            platform="p",
            artifacts_bucket=s3.Bucket(stack, "B"),
            artifacts_key=kms.Key(stack, "K"),
            **kwargs,
        )


# ------------------------------------------------------------------------------- persona statements

CTX = PlatformContext(
    partition="aws",
    region="eu-west-1",
    account="111122223333",
    platform="p",
    subnet_ids=["subnet-1"],
    security_group_ids=["sg-1"],
    data_bucket_arn="arn:aws:s3:::d",
    artifacts_bucket_arn="arn:aws:s3:::a",
    data_key_arn="arn:aws:kms:eu-west-1:111122223333:key/d",
    artifacts_key_arn="arn:aws:kms:eu-west-1:111122223333:key/a",
    volumes_key_arn="arn:aws:kms:eu-west-1:111122223333:key/v",
    instance_types=[],
)


def _json(statements) -> dict[str, dict]:
    return {s.sid: s.to_json() for s in statements}


@pytest.mark.aws_behaviour("sagemaker-mlflow.actions-on-the-tracking-server")
def test_per_team_statements_name_the_callers_team_server():
    found = _json(mlflow_user_statements(CTX, "per-team"))
    team_server = (
        "arn:aws:sagemaker:eu-west-1:111122223333:mlflow-tracking-server/p-mlflow-${aws:PrincipalTag/team}"
    )
    assert found["MlflowApiOnTeamServer"]["Resource"] == team_server
    assert found["MlflowApiOnTeamServer"]["Condition"] == {
        "StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}
    }
    assert found["MlflowUi"] == {
        "Action": "sagemaker-mlflow:AccessUI",
        "Effect": "Allow",
        "Resource": "*",
        "Sid": "MlflowUi",
    }
    assert found["MlflowTeamServerUrl"]["Resource"] == team_server


def test_shared_statements_name_the_shared_server():
    found = _json(mlflow_user_statements(CTX, "shared"))
    assert found["MlflowApiOnTeamServer"]["Resource"].endswith(":mlflow-tracking-server/p-mlflow")
    assert "Condition" not in found["MlflowApiOnTeamServer"]
    with pytest.raises(ValueError, match="mlflow mode 'per-user' is not one of"):
        mlflow_user_statements(CTX, "per-user")


def test_admins_start_and_stop_the_platforms_servers_only():
    (statement,) = _json(mlflow_admin_statements(CTX)).values()
    assert statement["Action"] == [
        "sagemaker:DescribeMlflowTrackingServer",
        "sagemaker:StartMlflowTrackingServer",
        "sagemaker:StopMlflowTrackingServer",
    ]
    assert [r.rsplit("/", 1)[1] for r in statement["Resource"]] == ["p-mlflow", "p-mlflow-*"]


# ------------------------------------------------------------------------------- the demo platform


def _demo_template(demo_app, stack: str) -> dict:
    _, stage, _ = demo_app
    return Template.from_stack(getattr(stage, stack)).to_json()


def test_demo_personas_and_execution_roles_get_the_mlflow_policies(demo_app):
    resources = _demo_template(demo_app, "foundation")["Resources"]
    ids = {k for k, r in resources.items() if r["Type"] == "AWS::IAM::ManagedPolicy" and "Mlflow" in k}
    user = next(k for k in ids if "Admin" not in k)
    admin = next(k for k in ids if "Admin" in k)
    roles = {
        k: [a.get("Ref") for a in r["Properties"].get("ManagedPolicyArns", [])]
        for k, r in resources.items()
        if r["Type"] == "AWS::IAM::Role" and k.startswith("Personas")
    }
    with_user = sorted(k for k, refs in roles.items() if user in refs)
    assert any("DataScientistRole" in k for k in with_user) and any("MlEngineerRole" in k for k in with_user)
    assert sum("ExecutionRole" in k for k in with_user) == 4  # 2 personas x 2 teams
    assert [k for k, refs in roles.items() if admin in refs] == [k for k in roles if "MlAdminRole" in k]
    assert not any("ModelConsumer" in k for k in with_user)


@pytest.mark.aws_behaviour("sagemaker.mlflow-experiments-endpoint")
def test_demo_has_the_experiments_endpoint_with_a_policy(demo_app):
    resources = _demo_template(demo_app, "foundation")["Resources"]
    (endpoint,) = [
        r for k, r in resources.items() if r["Type"] == "AWS::EC2::VPCEndpoint" and "Experiments" in k
    ]
    assert "experiments" in json.dumps(endpoint["Properties"]["ServiceName"])
    assert endpoint["Properties"]["PrivateDnsEnabled"] is True
    assert "PolicyDocument" in endpoint["Properties"]


@pytest.mark.aws_behaviour("sagemaker.mlflow-server-outside-the-vpc")
def test_demo_artifacts_bucket_exempts_only_the_mlflow_roles(demo_app):
    resources = _demo_template(demo_app, "foundation")["Resources"]
    policies = [r for k, r in resources.items() if r["Type"] == "AWS::S3::BucketPolicy"]
    denies = [
        s
        for p in policies
        for s in p["Properties"]["PolicyDocument"]["Statement"]
        if s.get("Sid") == "DenyObjectAccessOutsideVpcEndpoints"
    ]
    exempt = [json.dumps(s.get("Condition", {}).get("ArnNotLike")) for s in denies]
    assert (
        sum("/secure-ml-demo/mlflow/*" in e for e in exempt) == 1
    )  # the artifacts bucket, not the data bucket
    assert len(denies) == 2


def test_demo_studio_stack_servers_and_settings(demo_app):
    resources = _demo_template(demo_app, "studio")["Resources"]
    names = sorted(r["Properties"]["TrackingServerName"] for r in resources.values() if r["Type"] == SERVER)
    assert names == ["secure-ml-demo-mlflow-fraud", "secure-ml-demo-mlflow-research"]
    parameters = sorted(
        r["Properties"]["Name"]
        for r in resources.values()
        if r["Type"] == "AWS::SSM::Parameter" and "mlflow" in r["Properties"]["Name"]
    )
    assert parameters == [
        "/secure-ml-demo/mlflow/fraud/tracking-server-arn",
        "/secure-ml-demo/mlflow/research/tracking-server-arn",
    ]
