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


@pytest.mark.parametrize("prefix", ["alias/x", "aws-team", "team a"])
def test_alias_prefix_is_checked_as_encryption_keys_checks_it(prefix):
    problems = problems_of(f"name: ml-dev\nregion: us-east-1\nencryption:\n  alias_prefix: '{prefix}'\n")
    assert problems["encryption.alias_prefix"].startswith(
        f"alias prefix {prefix!r} is invalid; use letters, digits")


def test_a_platform_name_that_cannot_prefix_the_key_aliases_needs_an_alias_prefix():
    problems = problems_of("name: aws-ml\nregion: us-east-1\n")
    assert "the key aliases default to alias/<name>/<data class>" in problems["name"]
    assert "set encryption.alias_prefix" in problems["name"]
    config = parse_config("name: aws-ml\nregion: us-east-1\nencryption: {alias_prefix: ml}\n")
    assert config.key_alias_prefix == "ml"
