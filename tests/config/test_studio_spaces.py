"""Config: studio.spaces (private spaces per user, EBS sizes, the refused shared spaces)."""

from __future__ import annotations

import textwrap

import pytest

from cdk_secure_ml.config import ConfigError, parse_config

BASE = """\
name: ml-dev
region: eu-west-1
identity:
  teams: [{name: nlp}]
studio:
  users: [{name: ana, team: nlp, persona: data-scientist}]
"""


def _problems(spaces: str) -> dict[str, str]:
    with pytest.raises(ConfigError) as info:
        parse_config(BASE + "  spaces:\n" + textwrap.indent(textwrap.dedent(spaces), "    "))
    return {p.path: p.message for p in info.value.problems}


def test_defaults():
    spaces = parse_config(BASE).studio.spaces
    assert spaces.private == [] and spaces.shared_teams == []
    assert (spaces.ebs_volume_size_gib, spaces.max_ebs_volume_size_gib) == (5, 100)


def test_private_spaces_and_sizes():
    config = parse_config(BASE + "  spaces: {private: [CodeEditor, JupyterLab], ebs_volume_size_gib: 16384, "
                                 "max_ebs_volume_size_gib: 16384}\n")
    assert config.studio.spaces.private == ["CodeEditor", "JupyterLab"]
    assert config.studio.spaces.ebs_volume_size_gib == 16384


@pytest.mark.aws_behaviour("sagemaker.space-ebs-size-range")
def test_sizes_outside_sagemakers_range():
    found = _problems("{ebs_volume_size_gib: 4, max_ebs_volume_size_gib: 16385}")
    assert "greater than or equal to 5" in found["studio.spaces.ebs_volume_size_gib"]
    assert "less than or equal to 16384" in found["studio.spaces.max_ebs_volume_size_gib"]


@pytest.mark.aws_behaviour("sagemaker.space-ebs-within-domain-maximum")
def test_default_above_maximum():
    found = _problems("{ebs_volume_size_gib: 60, max_ebs_volume_size_gib: 50}")
    message = found["studio.spaces.ebs_volume_size_gib"]
    assert "ebs_volume_size_gib 60 is above max_ebs_volume_size_gib 50" in message


def test_unknown_and_repeated_app_types():
    assert "JupyterLab" in _problems("{private: [RStudio]}")["studio.spaces.private.0"]
    repeated = _problems("{private: [JupyterLab, JupyterLab]}")["studio.spaces.private"]
    assert "['JupyterLab'] listed twice" in repeated


@pytest.mark.aws_behaviour("sagemaker.shared-space-runs-as-the-space-role")
def test_shared_spaces_are_refused_with_the_reason():
    message = _problems("{shared_teams: [nlp]}")["studio.spaces.shared_teams"]
    assert "['nlp']: shared spaces are not supported" in message
    assert "DefaultSpaceSettings.ExecutionRole" in message and "Remove studio.spaces.shared_teams" in message
