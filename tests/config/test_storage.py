"""The storage section (and the retention types it shares with network and governance)."""

from __future__ import annotations

import pytest

from cdk_secure_ml.config import ConfigError, parse_config


def problems_of(text: str) -> dict[str, str]:
    with pytest.raises(ConfigError) as info:
        parse_config(text, source="test.yaml")
    return {p.path: p.message for p in info.value.problems}


def test_retention_and_object_lock_and_arns():
    problems = problems_of(
        "name: ml-dev\nregion: us-east-1\nnetwork:\n  flow_logs_retention_days: 100\n"
        "storage:\n  object_lock_retention_days: 40000\n"
        "  vpc_endpoint_exception_role_arns: [arn:aws:iam::123:role/x]\n"
    )
    assert "100 is not a CloudWatch Logs retention period" in problems["network.flow_logs_retention_days"]
    assert "40000 days is outside 1-36500" in problems["storage.object_lock_retention_days"]
    assert "arn:aws:iam::123:role/x" in problems["storage.vpc_endpoint_exception_role_arns"]
