from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

REGION = "us-east-1"


@pytest.fixture(scope="session", autouse=True)
def sagemaker_stand_ins():
    """moto 5.2.5 has no SageMaker monitoring-schedule API (nor user profiles, Studio lifecycle
    configs, a notebook's IMDS settings): the audit's calls would raise NotImplementedError in moto's
    mock. The emulator's stand-ins (cdk_secure_ml/emulator/sagemaker_standins.py) answer them, as in
    ``make demo``."""
    from cdk_secure_ml.emulator.server import install_adapters

    install_adapters()


@pytest.fixture
def aws(monkeypatch):
    """moto's in-process mock with dummy credentials; yields a boto3 session."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    with mock_aws():
        yield boto3.Session(region_name=REGION)
