"""The live audit of managed MLflow tracking servers (SML-ENC-101, SML-IAM-101), against moto with the
emulator's MLflow stand-in."""

from __future__ import annotations

import json

import pytest

from cdk_secure_ml.policies.live import run_audit
from cdk_secure_ml.policies.live.mlflow import artifact_store_problems, trust_problems

from .conftest import REGION


def _trust(condition: bool = True, extra: dict | None = None) -> dict:
    statement = {
        "Effect": "Allow",
        "Principal": {"Service": "sagemaker.amazonaws.com"},
        "Action": "sts:AssumeRole",
    }
    if condition:
        statement["Condition"] = {"StringEquals": {"aws:SourceAccount": "123456789012"}}
    return {"Version": "2012-10-17", "Statement": [statement, *([extra] if extra else [])]}


def _server(
    aws, name: str, *, encrypted: bool = True, prefix: str = "research/mlflow/", trust: dict | None = None
):
    s3 = aws.client("s3")
    bucket = f"{name}-artifacts"
    s3.create_bucket(Bucket=bucket)
    if encrypted:
        s3.put_bucket_encryption(
            Bucket=bucket,
            ServerSideEncryptionConfiguration={
                "Rules": [
                    {
                        "ApplyServerSideEncryptionByDefault": {
                            "SSEAlgorithm": "aws:kms",
                            "KMSMasterKeyID": "arn:aws:kms:us-east-1:123456789012:key/artifacts",
                        }
                    }
                ]
            },
        )
    role = aws.client("iam").create_role(
        RoleName=f"{name}-role", Path="/p/mlflow/", AssumeRolePolicyDocument=json.dumps(trust or _trust())
    )["Role"]["Arn"]
    aws.client("sagemaker", region_name=REGION).create_mlflow_tracking_server(
        TrackingServerName=name, ArtifactStoreUri=f"s3://{bucket}/{prefix}", RoleArn=role
    )


def _findings(aws, rule: str) -> dict[str, list[str]]:
    result = run_audit(aws, REGION)
    found: dict[str, list[str]] = {}
    for finding in result.findings:
        if finding.rule == rule:
            found.setdefault(finding.resource, []).append(finding.message)
    return found


@pytest.mark.aws_behaviour("sagemaker.mlflow-artifact-store-s3-uri")
def test_a_server_as_the_platform_builds_it_passes(aws):
    _server(aws, "good")
    assert _findings(aws, "SML-ENC-101") == {}
    assert _findings(aws, "SML-IAM-101") == {}
    assert not [f for f in run_audit(aws, REGION).findings if f.rule == "SML-META-101"]


def test_an_unencrypted_bucket_root_and_a_loose_trust_fail(aws):
    _server(
        aws,
        "bad",
        encrypted=False,
        prefix="",
        trust=_trust(
            condition=False,
            extra={
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::999999999999:root"},
                "Action": "sts:AssumeRole",
            },
        ),
    )
    store = " ".join(_findings(aws, "SML-ENC-101")["bad"])
    assert "is the bucket's root" in store and "customer-managed" in store
    trust = " ".join(_findings(aws, "SML-IAM-101")["bad"])
    assert "without aws:SourceAccount" in trust and "also trusts" in trust


def test_the_readers_on_their_own():
    assert artifact_store_problems("https://x/y", None) == [
        "ArtifactStoreUri 'https://x/y' is not an s3:// URI of a bucket"
    ]
    aws_key = {
        "ServerSideEncryptionConfiguration": {
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {
                        "SSEAlgorithm": "aws:kms",
                        "KMSMasterKeyID": "alias/aws/s3",
                    }
                }
            ]
        }
    }
    assert "customer-managed" in artifact_store_problems("s3://b/t/mlflow/", aws_key)[0]
    lambda_trust = {
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ]
    }
    problems = trust_problems({"RoleName": "r", "AssumeRolePolicyDocument": json.dumps(lambda_trust)})
    assert problems == [
        "the trust policy of r also trusts {'Service': 'lambda.amazonaws.com'}",
        "r is not assumable by sagemaker.amazonaws.com",
    ]
