"""Config loading and validation: every problem reported at once, with its path and line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from cdk_secure_ml.config import ConfigError, PlatformConfig, load_config, parse_config
from cdk_secure_ml.constructs.network import DEFAULT_INTERFACE_ENDPOINTS

ROOT = Path(__file__).resolve().parent.parent


def problems_of(text: str) -> dict[str, str]:
    with pytest.raises(ConfigError) as info:
        parse_config(textwrap.dedent(text), source="test.yaml")
    return {p.path: p.message for p in info.value.problems}


def test_default_config_loads_with_secure_defaults():
    config = load_config(ROOT / "config" / "default.yaml")
    assert config.name == "secure-ml"
    assert config.region == "eu-west-1"
    assert config.network.cidr == "10.20.0.0/16"
    assert config.network.azs() == 2
    assert config.network.interface_endpoints.services() == list(DEFAULT_INTERFACE_ENDPOINTS)
    assert config.encryption.data_classes == ["data", "artifacts", "volumes", "logs"]
    assert config.storage.restrict_to_vpc_endpoint is True
    assert config.key_alias_prefix == "secure-ml"


def test_minimal_config_takes_defaults():
    config = parse_config("name: ml-dev\nregion: us-east-1\n")
    assert isinstance(config, PlatformConfig)
    assert config.network.flow_logs_retention_days == 365
    assert config.encryption.shared_key is False
    assert config.stage == "dev"


def test_endpoint_extra_and_remove():
    config = parse_config(
        "name: ml-dev\nregion: us-east-1\nnetwork:\n  interface_endpoints:\n"
        "    extra: [codeartifact.api, sts]\n    remove: [ssm]\n"
    )
    services = config.network.interface_endpoints.services()
    assert "ssm" not in services
    assert services[-1] == "codeartifact.api"
    assert services.count("sts") == 1


def test_every_problem_is_reported_together_with_path_and_line():
    text = """\
        name: ML_Platform
        region: mars-north-1
        network:
          cidr: 10.0.0.0/33
          az_count: 1
          interface_endpoints:
            extra: [sagemaker.apii]
        encryption:
          data_classes: []
        colour: blue
        """
    with pytest.raises(ConfigError) as info:
        parse_config(textwrap.dedent(text), source="bad.yaml")
    error = info.value
    by_path = {p.path: p for p in error.problems}
    assert set(by_path) == {
        "name", "region", "network.az_count", "network.interface_endpoints.extra",
        "encryption.data_classes", "colour", "network.cidr",
    }
    assert by_path["region"].line == 2
    assert "mars-north-1" in by_path["region"].message
    assert by_path["network.az_count"].line == 5
    assert "sagemaker.apii" in by_path["network.interface_endpoints.extra"].message
    assert by_path["network.interface_endpoints.extra"].line == 7
    assert "key layout is empty" in by_path["encryption.data_classes"].message
    assert "unknown key" in by_path["colour"].message
    assert by_path["colour"].line == 10
    assert "10.0.0.0/33" in by_path["network.cidr"].message
    assert by_path["network.cidr"].line == 4
    # the message lists them all, each on its own line, with the file name
    text = str(error)
    assert text.startswith("bad.yaml: 7 problems")
    assert text.count("\n  - ") == 7


@pytest.mark.parametrize(
    ("cidr", "expected"),
    [
        ("10.0.0.0/33", "not a valid IPv4 network"),
        ("10.0.0.1/16", "did you mean 10.0.0.0/16"),
        ("not-a-cidr", "not a valid IPv4 network"),
        ("10.0.0.0/8", "prefix /8"),
        ("10.0.0.0/27", "prefix /27"),
        ("8.8.0.0/16", "not a private range"),
    ],
)
def test_bad_cidr(cidr, expected):
    problems = problems_of(f"name: ml-dev\nregion: us-east-1\nnetwork:\n  cidr: {cidr}\n")
    assert expected in problems["network.cidr"]
    assert cidr in problems["network.cidr"]


def test_overlapping_cidr():
    problems = problems_of(
        "name: ml-dev\nregion: us-east-1\nnetwork:\n  cidr: 10.20.0.0/16\n"
        "  reserved_cidrs: [10.0.0.0/8]\n"
    )
    assert "overlaps 10.0.0.0/8" in problems["network"]


def test_non_overlapping_reserved_cidr_is_fine():
    config = parse_config(
        "name: ml-dev\nregion: us-east-1\nnetwork:\n  cidr: 10.20.0.0/16\n  reserved_cidrs: [10.30.0.0/16]\n"
    )
    assert config.network.reserved_cidrs == ["10.30.0.0/16"]


def test_more_than_two_azs_need_explicit_names():
    problems = problems_of("name: ml-dev\nregion: us-east-1\nnetwork:\n  az_count: 3\n")
    assert "availability_zones" in problems[""]
    config = parse_config(
        "name: ml-dev\nregion: us-east-1\nnetwork:\n"
        "  availability_zones: [us-east-1a, us-east-1b, us-east-1c]\n"
    )
    assert config.network.azs() == 3


def test_azs_must_be_in_region_distinct_and_two():
    assert "not in region us-east-1" in problems_of(
        "name: ml-dev\nregion: us-east-1\nnetwork:\n  availability_zones: [eu-west-1a, eu-west-1b]\n"
    )[""]
    assert "repeats a zone" in problems_of(
        "name: ml-dev\nregion: us-east-1\nnetwork:\n  availability_zones: [us-east-1a, us-east-1a]\n"
    )["network"]
    assert "fewer than 2" in problems_of(
        "name: ml-dev\nregion: us-east-1\nnetwork:\n  availability_zones: [us-east-1a]\n"
    )["network"]


def test_removing_a_service_that_is_not_a_default():
    problems = problems_of(
        "name: ml-dev\nregion: us-east-1\nnetwork:\n  interface_endpoints:\n    remove: [codebuild]\n"
    )
    assert "codebuild" in problems["network.interface_endpoints"]


def test_key_layout_must_cover_the_platform_classes():
    problems = problems_of("name: ml-dev\nregion: us-east-1\nencryption:\n  data_classes: [data, data]\n")
    assert "repeat" in problems["encryption.data_classes"]
    problems = problems_of("name: ml-dev\nregion: us-east-1\nencryption:\n  data_classes: [data, logs]\n")
    assert "['artifacts', 'volumes']" in problems["encryption.data_classes"]
    problems = problems_of("name: ml-dev\nregion: us-east-1\nencryption:\n  data_classes: [Data]\n")
    assert "['Data']" in problems["encryption.data_classes"]


def test_retention_and_object_lock_and_arns():
    problems = problems_of(
        "name: ml-dev\nregion: us-east-1\nnetwork:\n  flow_logs_retention_days: 100\n"
        "storage:\n  object_lock_retention_days: 40000\n"
        "  vpc_endpoint_exception_role_arns: [arn:aws:iam::123:role/x]\n"
    )
    assert "100 is not a CloudWatch Logs retention period" in problems["network.flow_logs_retention_days"]
    assert "40000 days is outside 1-36500" in problems["storage.object_lock_retention_days"]
    assert "arn:aws:iam::123:role/x" in problems["storage.vpc_endpoint_exception_role_arns"]


def test_missing_required_keys_and_non_mapping():
    problems = problems_of("network: {}\n")
    assert problems["name"] == "required key is missing"
    assert problems["region"] == "required key is missing"
    with pytest.raises(ConfigError, match="must be a YAML mapping"):
        parse_config("- a\n- b\n")


def test_invalid_yaml_names_the_line():
    with pytest.raises(ConfigError) as info:
        parse_config("name: ml\nregion: [us-east-1\n", source="broken.yaml")
    assert info.value.problems[0].line is not None
    assert "not valid YAML" in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="cannot read the config file"):
        load_config(tmp_path / "nope.yaml")


def test_bad_tag_keys():
    problems = problems_of("name: ml-dev\nregion: us-east-1\ntags:\n  'aws:owner': x\n")
    assert "aws:owner" in problems["tags"]
