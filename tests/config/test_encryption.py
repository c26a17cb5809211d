"""The encryption section: the key layout and the alias prefix."""

from __future__ import annotations

import pytest

from cdk_secure_ml.config import ConfigError, parse_config


def problems_of(text: str) -> dict[str, str]:
    with pytest.raises(ConfigError) as info:
        parse_config(text, source="test.yaml")
    return {p.path: p.message for p in info.value.problems}


def test_key_layout_must_cover_the_platform_classes():
    problems = problems_of("name: ml-dev\nregion: us-east-1\nencryption:\n  data_classes: [data, data]\n")
    assert "repeat" in problems["encryption.data_classes"]
    problems = problems_of("name: ml-dev\nregion: us-east-1\nencryption:\n  data_classes: [data, logs]\n")
    assert "['artifacts', 'volumes']" in problems["encryption.data_classes"]
    problems = problems_of("name: ml-dev\nregion: us-east-1\nencryption:\n  data_classes: [Data]\n")
    assert "['Data']" in problems["encryption.data_classes"]


@pytest.mark.parametrize("prefix", ["alias/x", "aws", "aws/team", "team a"])
def test_alias_prefix_is_checked_as_encryption_keys_checks_it(prefix):
    problems = problems_of(f"name: ml-dev\nregion: us-east-1\nencryption:\n  alias_prefix: '{prefix}'\n")
    assert problems["encryption.alias_prefix"].startswith(
        f"alias prefix {prefix!r} is invalid; use letters, digits")


def test_an_alias_prefix_may_start_with_aws_but_not_be_aws():
    """KMS reserves alias/aws/ only (API_CreateAlias): alias/aws-ml/data is a customer alias."""
    assert parse_config("name: aws-ml\nregion: us-east-1\n").key_alias_prefix == "aws-ml"
    problems = problems_of("name: ml-dev\nregion: us-east-1\nencryption:\n  alias_prefix: aws\n")
    assert "alias/aws/ is reserved for AWS managed keys" in problems["encryption.alias_prefix"]
