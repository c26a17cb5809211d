"""Config: identity (teams, tags, federation, instance types) and studio (users, SSO) sections."""

from __future__ import annotations

import textwrap

import pytest

from cdk_secure_ml.config import ConfigError, parse_config

BASE = "name: ml-dev\nregion: eu-west-1\n"


def _problems(text: str) -> dict[str, list[str]]:
    with pytest.raises(ConfigError) as info:
        parse_config(BASE + textwrap.dedent(text))
    found: dict[str, list[str]] = {}
    for problem in info.value.problems:
        found.setdefault(problem.path, []).append(problem.message)
    return found


def test_valid_sections():
    config = parse_config(BASE + textwrap.dedent("""\
        identity:
          teams: [{name: nlp}, {name: cv}]
          saml_provider_arn: arn:aws:iam::111122223333:saml-provider/corp
        studio:
          auth_mode: SSO
          sso_instance_arn: arn:aws:sso:::instance/ssoins-1234567890abcdef
          users:
            - {name: ana, team: nlp, persona: data-scientist, sso_user_name: ana@corp}
            - {name: ben-2, team: cv, persona: ml-engineer}
        """))
    assert [t.name for t in config.identity.teams] == ["nlp", "cv"]
    assert config.studio.users[0].sso_user_name == "ana@corp"
    assert config.identity.instance_types[0] == "ml.t3.*"  # secure default allow-list


def test_all_bad_input_is_reported_at_once_with_paths():
    found = _problems("""\
        identity:
          teams: [{name: nlp}, {name: nlp}]
          instance_types: [ml.m5.large, c5.xlarge]
        studio:
          auth_mode: SSO
          users:
            - {name: ana, team: nlp, persona: data-scientist}
            - {name: ana, team: nlp, persona: data-scientist}
            - {name: -bad-, team: nlp, persona: data-scientist}
            - {name: zed, team: vision, persona: data-scientist}
            - {name: yan, team: nlp, persona: wizard}
            - {name: xi, team: nlp, persona: model-consumer}
        """)
    assert "team 'nlp' is listed twice" in found["identity.teams.1.name"][0]
    assert "['c5.xlarge'] are outside the ml.* family" in found["identity.instance_types"][0]
    assert "user 'ana' is listed twice" in found["studio.users.1.name"][0]
    assert "'-bad-' is not a valid SageMaker user profile name" in found["studio.users.2.name"][0]
    assert "unknown team 'vision'" in found["studio.users.3.team"][0]
    assert "unknown persona 'wizard'" in found["studio.users.4.persona"][0]
    # Only the personas this key accepts are suggested (newcomer report, finding 8).
    assert "Studio users are one of ['data-scientist', 'ml-engineer']" in found["studio.users.4.persona"][0]
    assert "ml-admin" not in found["studio.users.4.persona"][0]
    assert "gets no Studio profile" in found["studio.users.5.persona"][0]
    assert "IAM Identity Center" in found["studio.sso_instance_arn"][0]


@pytest.mark.parametrize(("name", "ok"), [
    ("a", True), ("a-b", True), ("a--b", True), ("A1", True), ("x" * 63, True),
    ("x" * 64, False), ("-a", False), ("a-", False), ("a_b", False), ("a.b", False),
])
def test_profile_name_rule(name, ok):
    text = (
        BASE
        + f"identity: {{teams: [{{name: t}}]}}\nstudio: "
          f"{{users: [{{name: '{name}', team: t, persona: data-scientist}}]}}\n"
    )
    if ok:
        assert parse_config(text).studio.users[0].name == name
    else:
        with pytest.raises(ConfigError, match="not a valid SageMaker user profile name"):
            parse_config(text)


def test_users_without_teams_and_bad_arns():
    found = _problems("""\
        identity:
          saml_provider_arn: arn:aws:iam::1:saml/x
          trusted_account_id: "12345"
        studio:
          sso_instance_arn: arn:aws:sso:::instance/nope
          idle_timeout_minutes: 30
          users: [{name: a, team: t, persona: data-scientist}]
        """)
    assert "not a SAML provider ARN" in found["identity.saml_provider_arn"][0]
    assert "identity.trusted_account_id" in found
    assert "not an IAM Identity Center instance ARN" in found["studio.sso_instance_arn"][0]
    assert "studio.idle_timeout_minutes" in found
    assert "Studio users need at least one team" in found["identity.teams"][0]


def test_platform_tags_may_not_shadow_abac_keys():
    found = _problems("tags: {team: everyone}\n")
    assert "use the ABAC tag keys" in found["tags"][0]


def test_job_tags_are_checked_and_may_not_use_the_abac_keys():
    config = parse_config(BASE + "studio: {job_tags: {cost-center: cc-1234}}\n")
    assert config.studio.job_tags == {"cost-center": "cc-1234"}
    found = _problems("studio: {job_tags: {'aws:cost': x}}\n")
    assert any("job_tags keys ['aws:cost'] are invalid" in m for m in found["studio.job_tags"])
    found = _problems("studio: {job_tags: {team: research}}\n")
    assert any("studio.job_tags ['team'] use the ABAC tag keys" in m for ms in found.values() for m in ms)


def test_domain_name_follows_sagemakers_name_rule():
    found = _problems("studio: {domain_name: my_domain}\n")
    assert "'my_domain' is not a SageMaker domain name" in found["studio.domain_name"][0]
    assert parse_config(BASE + "studio: {domain_name: ml-studio-2}\n").studio.domain_name == "ml-studio-2"



def test_a_misspelt_persona_gets_the_closest_studio_persona():
    found = _problems("""\
        identity: {teams: [{name: t}]}
        studio: {users: [{name: a, team: t, persona: data-scientst}]}
        """)
    assert found["studio.users.0.persona"][0].startswith(
        "unknown persona 'data-scientst'; did you mean 'data-scientist'? Studio users are one of"
    )
