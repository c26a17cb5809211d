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


def test_an_empty_group_is_not_an_error_its_endpoints_wait(sagemaker, capsys):
    """The first pipeline run meets an empty registry: the synth step goes on (D5)."""
    _package(sagemaker, "PendingManualApproval")
    _package(sagemaker, "Rejected")
    assert delivery_context.main(["--group", "secure-ml-models", "--region", REGION]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out) == {}
    assert "model package group 'secure-ml-models' has no Approved version yet" in captured.err
    assert "wait" in captured.err


def test_require_approved_restores_the_strict_exit_2(sagemaker, capsys):
    assert (
        delivery_context.main(["--group", "secure-ml-models", "--region", REGION, "--require-approved"]) == 2
    )
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "model package group 'secure-ml-models' has no Approved model package version" in captured.err


def test_only_groups_with_an_approved_version_are_printed(sagemaker, capsys):
    sagemaker.create_model_package_group(ModelPackageGroupName="fraud-models")
    approved = _package(sagemaker, "Approved")
    assert (
        delivery_context.main(["--group", "secure-ml-models", "--group", "fraud-models", "--region", REGION])
        == 0
    )
    captured = capsys.readouterr()
    assert json.loads(captured.out) == {"secure-ml-models": approved}
    assert "'fraud-models' has no Approved version yet" in captured.err


def test_resolved_groups_context():
    from aws_cdk import App

    assert delivery_context.resolved_groups(App()) == frozenset()
    app = App(context={delivery_context.RESOLVED_GROUPS_CONTEXT: "a-models, b-models"})
    assert delivery_context.resolved_groups(app) == {"a-models", "b-models"}
    assert delivery_context.resolved_groups(App(context={"resolved-model-package-groups": ["x"]})) == {"x"}
    with pytest.raises(ValueError, match="must be a comma-separated list of model package group names"):
        delivery_context.resolved_groups(App(context={"resolved-model-package-groups": {"a": 1}}))


def test_endpoints_wait_only_for_resolved_groups_without_an_approved_version():
    from cdk_secure_ml.config import EndpointConfig

    def endpoint(name, **kwargs):
        return EndpointConfig(name=name, image_repository="ml/churn", **kwargs)

    endpoints = [
        endpoint(
            "churn",
            model_package_group="g1",
            image="latest",
            team="research",
            model_data="research/m/model.tar.gz",
        ),
        endpoint("fraud", model_package_group="g2"),
        endpoint(
            "ab",
            image="latest",
            team="research",
            model_data="research/m/model.tar.gz",
            variants=[{"name": "a"}, {"name": "b", "model_package_group": "g3"}],
        ),
        endpoint("plain", image="latest", team="research", model_data="research/m/model.tar.gz"),
    ]
    waiting = delivery_context.endpoints_awaiting_approval(endpoints, {"g2": "arn:g2/1"}, {"g1", "g2", "g3"})
    # a fallback image does not stand in for a resolved group; an A/B endpoint waits whole
    assert waiting == {"churn": ["g1"], "ab": ["g3"]}
    # offline (nothing resolved): nobody waits, the fallback applies
    assert delivery_context.endpoints_awaiting_approval(endpoints, {}, set()) == {}
