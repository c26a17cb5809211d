"""The managed MLflow stand-in (emulator/mlflow.py): the API boto3 sees, the CloudFormation adapter, and what
it refuses as AWS does."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from cdk_secure_ml.emulator._base import STAND_INS

from .conftest import deploy

TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}


@pytest.fixture
def account(aws):
    """A bucket and a role SageMaker may assume; returns (client factory, role ARN)."""
    aws("s3").create_bucket(Bucket="artifacts")
    role = aws("iam").create_role(
        RoleName="mlflow", Path="/p/mlflow/", AssumeRolePolicyDocument=json.dumps(TRUST)
    )["Role"]["Arn"]
    return aws, role


def _create(client, role: str, **overrides):
    request = {
        "TrackingServerName": "p-mlflow-research",
        "ArtifactStoreUri": "s3://artifacts/research/mlflow/",
        "RoleArn": role,
        **overrides,
    }
    return client("sagemaker").create_mlflow_tracking_server(**request)


def test_create_describe_update_list_delete(account):
    aws, role = account
    arn = _create(
        aws,
        role,
        TrackingServerSize="Medium",
        WeeklyMaintenanceWindowStart="Tue:03:30",
        Tags=[{"Key": "team", "Value": "research"}],
    )["TrackingServerArn"]
    assert arn.endswith(":mlflow-tracking-server/p-mlflow-research")
    sagemaker = aws("sagemaker")
    server = sagemaker.describe_mlflow_tracking_server(TrackingServerName="p-mlflow-research")
    assert (server["TrackingServerSize"], server["WeeklyMaintenanceWindowStart"]) == ("Medium", "Tue:03:30")
    assert server["ArtifactStoreUri"] == "s3://artifacts/research/mlflow/"
    assert sagemaker.list_tags(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "research"}]
    sagemaker.update_mlflow_tracking_server(
        TrackingServerName="p-mlflow-research", TrackingServerSize="Large"
    )
    listed = sagemaker.list_mlflow_tracking_servers()["TrackingServerSummaries"]
    assert [s["TrackingServerName"] for s in listed] == ["p-mlflow-research"]
    assert (
        sagemaker.describe_mlflow_tracking_server(TrackingServerName="p-mlflow-research")[
            "TrackingServerSize"
        ]
        == "Large"
    )
    sagemaker.stop_mlflow_tracking_server(TrackingServerName="p-mlflow-research")
    assert (
        sagemaker.describe_mlflow_tracking_server(TrackingServerName="p-mlflow-research")[
            "TrackingServerStatus"
        ]
        == "Stopped"
    )
    sagemaker.delete_mlflow_tracking_server(TrackingServerName="p-mlflow-research")
    with pytest.raises(ClientError, match="not found"):
        sagemaker.describe_mlflow_tracking_server(TrackingServerName="p-mlflow-research")


@pytest.mark.aws_behaviour("sagemaker.mlflow-tracking-server-name")
def test_refuses_a_duplicate_name_and_a_bad_name(account):
    aws, role = account
    _create(aws, role)
    with pytest.raises(ClientError, match="p-mlflow-research already exists"):
        _create(aws, role)
    with pytest.raises(ClientError, match="tracking server name 'bad_name' is not valid"):
        _create(aws, role, TrackingServerName="bad_name")


@pytest.mark.aws_behaviour("sagemaker.mlflow-tracking-server-values")
def test_refuses_a_bad_window_and_version(account):
    aws, role = account
    with pytest.raises(ClientError, match="weekly maintenance window 'Tuesday:03:30'"):
        _create(aws, role, WeeklyMaintenanceWindowStart="Tuesday:03:30")
    with pytest.raises(ClientError, match="MLflow version 'latest'"):
        _create(aws, role, MlflowVersion="latest")


@pytest.mark.aws_behaviour("sagemaker.mlflow-artifact-store-s3-uri")
def test_refuses_a_missing_bucket(account):
    aws, role = account
    with pytest.raises(ClientError, match="bucket elsewhere does not exist"):
        _create(aws, role, ArtifactStoreUri="s3://elsewhere/mlflow/")


@pytest.mark.aws_behaviour("sagemaker.mlflow-role-assumed-by-sagemaker")
def test_refuses_a_role_sagemaker_cannot_assume(account):
    aws, _ = account
    lambda_trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    other = aws("iam").create_role(RoleName="fn", AssumeRolePolicyDocument=json.dumps(lambda_trust))["Role"][
        "Arn"
    ]
    with pytest.raises(ClientError, match="cannot be assumed by SageMaker"):
        _create(aws, other)
    with pytest.raises(ClientError, match="is not a role of account"):
        _create(aws, "arn:aws:iam::123456789012:role/missing")


def test_cloudformation_stand_in(account):
    aws, role = account
    assert "AWS::SageMaker::MlflowTrackingServer" in STAND_INS
    outputs = deploy(
        aws,
        {
            "Server": {
                "Type": "AWS::SageMaker::MlflowTrackingServer",
                "Properties": {
                    "TrackingServerName": "p-mlflow",
                    "ArtifactStoreUri": "s3://artifacts/mlflow/",
                    "RoleArn": role,
                    "AutomaticModelRegistration": "true",
                },
            }
        },
        outputs={
            "Arn": {"Value": {"Fn::GetAtt": ["Server", "TrackingServerArn"]}},
            "Name": {"Value": {"Ref": "Server"}},
        },
    )
    assert outputs["Name"] == "p-mlflow"
    assert outputs["Arn"].endswith(":mlflow-tracking-server/p-mlflow")
    server = aws("sagemaker").describe_mlflow_tracking_server(TrackingServerName="p-mlflow")
    assert server["AutomaticModelRegistration"] is True
