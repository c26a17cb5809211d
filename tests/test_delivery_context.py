"""python -m cdk_secure_ml.delivery_context: the latest Approved model package version per group."""

from __future__ import annotations

import json

import boto3
import pytest
from moto import mock_aws

from cdk_secure_ml import delivery_context

REGION = "eu-west-1"


@pytest.fixture
def sagemaker(monkeypatch):
    for name, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing"),
                        ("AWS_DEFAULT_REGION", REGION)):
        monkeypatch.setenv(name, value)
    with mock_aws():
        client = boto3.client("sagemaker", region_name=REGION)
        client.create_model_package_group(ModelPackageGroupName="secure-ml-models")
        yield client


def _package(client, status: str) -> str:
    return client.create_model_package(
        ModelPackageGroupName="secure-ml-models", ModelApprovalStatus=status,
        InferenceSpecification={
            "Containers": [{"Image": "111111111111.dkr.ecr.eu-west-1.amazonaws.com/churn:1",
                            "ModelDataUrl": "s3://models/churn/model.tar.gz"}],
            "SupportedContentTypes": ["text/csv"], "SupportedResponseMIMETypes": ["text/csv"],
        },
    )["ModelPackageArn"]


def test_prints_the_approved_version(sagemaker, capsys):
    approved = _package(sagemaker, "Approved")
    _package(sagemaker, "PendingManualApproval")  # newer, not approved: not deployed
    assert delivery_context.main(["--group", "secure-ml-models", "--region", REGION]) == 0
    assert json.loads(capsys.readouterr().out) == {"secure-ml-models": approved}


def test_no_approved_version_is_a_clear_error(sagemaker, capsys):
    _package(sagemaker, "PendingManualApproval")
    _package(sagemaker, "Rejected")
    assert delivery_context.main(["--group", "secure-ml-models", "--region", REGION]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "model package group 'secure-ml-models' has no Approved model package version" in captured.err
