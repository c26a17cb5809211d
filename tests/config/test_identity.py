"""The identity section's ABAC tag keys: checked in config with the rule MlPersonas applies (review
defect 2)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from cdk_secure_ml.config import ConfigError, parse_config
from cdk_secure_ml.core.names import TAG_KEY_RE
from tests.conftest import ROOT

HEAD = "name: ml-dev\nregion: eu-west-1\nidentity:\n  teams: [{name: research}]\n"


def test_bad_team_tag_key_is_a_config_error_with_path_line_and_fix():
    with pytest.raises(ConfigError) as info:
        parse_config(HEAD + "  team_tag_key: 'bad key!'\n  user_tag_key: 'user name'\n", source="t.yaml")
    problems = {p.path: p for p in info.value.problems}
    assert set(problems) == {"identity.team_tag_key", "identity.user_tag_key"}
    team = problems["identity.team_tag_key"]
    assert team.line == 5
    assert team.message == ("team_tag_key 'bad key!' is not a usable tag key: it names a session tag and "
                            "appears in policies as aws:PrincipalTag/<key>; use a letter followed by up to "
                            "63 letters, digits and _.:/=+-@ (e.g. team)")
    assert problems["identity.user_tag_key"].line == 6


@pytest.mark.parametrize("key", ["team", "Team", "cost-center", "org:team", "a" * 64, "a" * 65, "1team",
                                 "team key", "team!", "", "équipe", "t@x.y/z=+"])
def test_the_config_accepts_exactly_the_keys_mlpersonas_accepts(key):
    text = HEAD + f"  team_tag_key: {json.dumps(key)}\n"
    if TAG_KEY_RE.match(key):  # the rule of MlPersonas (cdk_secure_ml.core.names.TAG_KEY_RE)
        assert parse_config(text).identity.team_tag_key == key
    else:
        with pytest.raises(ConfigError, match="identity.team_tag_key .*is not a usable tag key"):
            parse_config(text)


def test_app_py_reports_a_bad_tag_key_without_a_traceback(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(HEAD + "  team_tag_key: 'bad key!'\n")
    env = {**os.environ, "CDK_CONTEXT_JSON": json.dumps({"config": str(bad)}),
           "CDK_OUTDIR": str(tmp_path / "out")}
    result = subprocess.run([sys.executable, str(ROOT / "app.py")], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 1
    assert "identity.team_tag_key (line 5): team_tag_key 'bad key!' is not a usable tag key" in result.stderr
    assert "Traceback" not in result.stderr


def test_unquoted_account_ids_are_read_as_ids():
    identity = parse_config(HEAD + "  trusted_account_id: 123456789012\n").identity
    assert identity.trusted_account_id == "123456789012"


def test_trusted_image_accounts_are_12_digit_ids_and_reach_the_execution_roles():
    identity = parse_config(HEAD + "  trusted_image_accounts: [210987654321, '012345678901']\n").identity
    assert identity.trusted_image_accounts == ["210987654321", "012345678901"]
    assert parse_config(HEAD).identity.trusted_image_accounts == []


@pytest.mark.parametrize("value", ["*", "12345", "arn:aws:iam::123456789012:root"])
def test_a_trusted_image_account_that_is_not_an_id_is_a_config_error_naming_key_value_and_fix(value):
    with pytest.raises(ConfigError) as info:
        parse_config(HEAD + f"  trusted_image_accounts: ['{value}']\n", source="t.yaml")
    (problem,) = info.value.problems
    assert problem.path == "identity.trusted_image_accounts" and problem.line == 5
    expected = (
        f"{value!r} has {len(value)} digits, an AWS account id has 12" if value.isdigit()
        else f"{value!r} is not a 12-digit AWS account id (no wildcards or ARNs: '210987654321')"
    )
    assert problem.message.startswith(expected)


def test_a_trusted_image_account_listed_twice_is_a_config_error():
    with pytest.raises(ConfigError) as info:
        parse_config(HEAD + "  trusted_image_accounts: ['210987654321', '210987654321']\n", source="t.yaml")
    (problem,) = info.value.problems
    assert problem.path == "identity.trusted_image_accounts"
    assert problem.message == "'210987654321' listed more than once"


@pytest.mark.parametrize("yaml_value", ['"２１０９８７６５４３２１"', '"210987654321\\n"'])
def test_an_account_id_is_twelve_ascii_digits_and_nothing_else(yaml_value):
    """Full-width digits and a trailing newline (YAML's "\\n" escape) are no account id: they would end up
    in an IAM ARN."""
    with pytest.raises(ConfigError) as info:
        parse_config(HEAD + f"  trusted_image_accounts: [{yaml_value}]\n", source="t.yaml")
    (problem,) = info.value.problems
    assert problem.path == "identity.trusted_image_accounts"
    assert "is not a 12-digit AWS account id" in problem.message
