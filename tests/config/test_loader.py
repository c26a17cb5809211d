"""Config loading and validation: every problem reported at once, with its path and line."""

from __future__ import annotations

import textwrap

import pytest

from cdk_secure_ml.config import ConfigError, PlatformConfig, load_config, parse_config
from cdk_secure_ml.core.network import DEFAULT_INTERFACE_ENDPOINTS
from tests.conftest import ROOT


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


def test_a_key_given_twice_is_refused_at_its_second_line():
    with pytest.raises(ConfigError) as info:
        parse_config("name: ml-dev\nregion: us-east-1\nnetwork:\n  cidr: 10.1.0.0/16\n  cidr: 10.2.0.0/16\n")
    (problem,) = info.value.problems
    assert (problem.path, problem.line) == ("network.cidr", 5)
    assert problem.message == ("key 'cidr' is given twice (first at line 4); YAML would keep only the last "
                               "value: remove one")


@pytest.mark.parametrize(("text", "path", "line", "message"), [
    ("storage:\n  restrict_to_vpc_endpoint: off\n", "storage.restrict_to_vpc_endpoint", 4,
     "'off' is a YAML 1.1 boolean (read as false); write false, or quote it ('off') for the text"),
    ("tags: {project: yes}\n", "tags.project", 3,
     "'yes' is a YAML 1.1 boolean (read as true); write true, or quote it ('yes') for the text"),
    ("tags: {on: x}\n", "tags.on", 3, "'on' is a YAML 1.1 boolean (read as true)"),
])
def test_yaml_1_1_booleans_are_refused_where_they_are_written(text, path, line, message):
    with pytest.raises(ConfigError) as info:
        parse_config("name: ml-dev\nregion: us-east-1\n" + text)
    found = {p.path: p for p in info.value.problems}
    assert found[path].line == line and found[path].message.startswith(message)


def test_quoted_or_yaml_1_2_booleans_are_fine():
    config = parse_config("name: ml-dev\nregion: us-east-1\nstorage: {restrict_to_vpc_endpoint: false}\n"
                          "tags: {project: 'yes', 'on': 'off'}\n")
    assert config.tags == {"project": "yes", "on": "off"} and config.storage.restrict_to_vpc_endpoint is False


def test_a_misspelt_key_gets_a_did_you_mean_and_problems_come_in_line_order():
    problems = problems_of("""\
        name: ml-dev
        region: us-east-1
        network:
          dynamodb_gatway_endpoint: true
        identity:
          team_tag_ky: team
          colour: blue
        """)
    assert problems["network.dynamodb_gatway_endpoint"] == (
        "unknown key; did you mean 'dynamodb_gateway_endpoint'? (docs/config.md lists the keys)")
    assert problems["identity.team_tag_ky"].startswith("unknown key; did you mean 'team_tag_key'?")
    assert problems["identity.colour"] == "unknown key; check the spelling against docs/config.md"
    with pytest.raises(ConfigError) as info:
        parse_config("name: ml-dev\nregion: us-east-1\nidentity: {colour: blue}\nnetwork: {colour: red}\n")
    assert [p.line for p in info.value.problems] == [3, 4]
