"""The committed table of SageMaker's prebuilt-image accounts is the SageMaker SDK's (review of 2026-11-30,
night: execution roles pull AWS's prebuilt images with their own permissions)."""

from __future__ import annotations

from cdk_secure_ml.core.sagemaker_image_accounts import SAGEMAKER_IMAGE_ACCOUNTS
from tools.sagemaker_image_accounts import MODULE, render


def test_the_committed_table_is_current() -> None:
    """sagemaker-core is a dev dependency; after upgrading it, regenerate the module."""
    command = ".venv/bin/python -m tools.sagemaker_image_accounts"
    assert MODULE.read_text(encoding="utf-8") == render(), f"run: {command}"


def test_the_table_holds_the_well_known_accounts() -> None:
    """Deep Learning Containers (763104351884) and the Model Monitor analyzer (156813124566) in us-east-1;
    the China regions in the aws-cn partition."""
    partition, accounts = SAGEMAKER_IMAGE_ACCOUNTS["us-east-1"]
    assert partition == "aws" and {"763104351884", "156813124566"} <= set(accounts)
    assert SAGEMAKER_IMAGE_ACCOUNTS["cn-north-1"][0] == "aws-cn"
    assert all(len(a) == 12 and a.isdigit() for _, found in SAGEMAKER_IMAGE_ACCOUNTS.values() for a in found)
