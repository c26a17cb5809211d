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
