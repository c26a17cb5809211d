"""The committed Model Monitor image table is the SageMaker SDK's (review M2)."""

from __future__ import annotations

import pytest

from tools.model_monitor_images import MODULE, render


@pytest.mark.aws_behaviour("sagemaker.model-monitor-image-per-region")
def test_the_committed_table_is_current():
    """sagemaker-core is a dev dependency; after upgrading it run: python -m tools.model_monitor_images."""
    assert MODULE.read_text(encoding="utf-8") == render(), (
        "run: .venv/bin/python -m tools.model_monitor_images"
    )


def test_the_table_needs_no_sagemaker_sdk_at_run_time():
    import ast
    import inspect

    from cdk_secure_ml.core import model_monitor_images

    tree = ast.parse(inspect.getsource(model_monitor_images))
    assert not [
        n
        for n in ast.walk(tree)
        if isinstance(n, (ast.Import, ast.ImportFrom))
        and "sagemaker" in (getattr(n, "module", None) or "") + str([a.name for a in n.names])
    ]
    assert model_monitor_images.MODEL_MONITOR_IMAGE_ACCOUNTS["us-east-1"] == "156813124566"
