"""The governance section of the platform config: defaults and every validation."""

from __future__ import annotations

import textwrap

import pytest

from cdk_secure_ml.config import ConfigError, GovernanceConfig, OrganizationConfig, parse_config
from cdk_secure_ml.core.config_rules import CONFIG_RULES

KEY_ARN = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def problems_of(text: str) -> dict[str, str]:
    with pytest.raises(ConfigError) as info:
        parse_config("name: ml-dev\nregion: eu-west-1\n" + textwrap.dedent(text), source="test.yaml")
    return {p.path: p.message for p in info.value.problems}


def test_secure_defaults():
    gov = parse_config("name: ml-dev\nregion: eu-west-1\n").governance
    assert gov.model_copy(update={"config_recorder": None, "guardduty_detector": None}) == GovernanceConfig()
    assert gov.central_log_archive is None
    assert (gov.object_lock_mode, gov.object_lock_retention_days) == ("GOVERNANCE", 365)
    assert gov.s3_data_events and gov.config_recorder and gov.guardduty_detector
    assert not gov.lambda_data_events
    assert gov.guardduty_min_severity == 7.0
    assert gov.alert_emails == [] and gov.organization is None


def test_every_key_set():
    config = parse_config(
        textwrap.dedent(f"""\
        name: ml-dev
        region: eu-west-1
        governance:
          central_log_archive:
            bucket_name: org-log-archive
            kms_key_arn: {KEY_ARN}
          object_lock_mode: COMPLIANCE
          object_lock_retention_days: 36500
          auditor_role_arns: [arn:aws:iam::123456789012:role/auditor]
          trail_log_retention_days: 731
          s3_data_events: false
          lambda_data_events: true
          config_recorder: false
          disabled_config_rules: [restricted-ssh]
          guardduty_detector: false
          guardduty_min_severity: 8.9
          alert_emails: [ops@example.com, first.last+ml@sub.example.org]
          organization:
            management_account_id: "999988887777"
            target_ou_ids: [ou-ab12-cd34ef56]
            allowed_regions: [eu-west-1, eu-central-1]
            ai_services_opt_out: false
            deployer_role_arns:
              - "arn:aws:iam::222222222222:role/cdk-hnb659fds-cfn-exec-role-222222222222-eu-west-1"
            break_glass_role_arns: ["arn:aws:iam::*:role/breakglass"]
            attached_scps_per_target: 2
            merge_scps: true
        """)
    )
    gov = config.governance
    assert gov.central_log_archive.bucket_name == "org-log-archive"
    assert gov.central_log_archive.kms_key_arn == KEY_ARN
    assert gov.object_lock_retention_days == 36500 and gov.object_lock_mode == "COMPLIANCE"
    assert gov.disabled_config_rules == ["restricted-ssh"]
    assert gov.guardduty_min_severity == 8.9
    assert isinstance(gov.organization, OrganizationConfig)
    assert gov.organization.allowed_regions == ["eu-west-1", "eu-central-1"]
    assert gov.organization.management_account_id == "999988887777"
    assert gov.organization.break_glass_role_arns == ["arn:aws:iam::*:role/breakglass"]
    assert (gov.organization.attached_scps_per_target, gov.organization.merge_scps) == (2, True)
    # Four documents (two regions listed) are too large for one SCP: packed into two of the OU's five slots.
    assert gov.organization.platform_scp_count == 2 < len(gov.organization.scp_documents())


@pytest.mark.parametrize("days", [0, 36501, -5])
def test_object_lock_retention_range(days):
    problems = problems_of(f"governance:\n  object_lock_retention_days: {days}\n")
    assert problems == {
        "governance.object_lock_retention_days": f"Object Lock retention {days} days is outside 1-36500; "
                                                 "pick a value in that range"
    }


def test_central_bucket_needs_its_key_arn():
    problems = problems_of("governance:\n  central_log_archive:\n    bucket_name: org-log-archive\n")
    assert "'org-log-archive' needs its KMS key ARN" in problems["governance.central_log_archive.kms_key_arn"]


def test_central_bucket_name_and_key_shape():
    problems = problems_of(
        "governance:\n  central_log_archive:\n    bucket_name: Org_Logs\n    kms_key_arn: alias/x\n"
    )
    assert "'Org_Logs' is not an S3 bucket name" in problems["governance.central_log_archive.bucket_name"]
    assert "'alias/x' is not a KMS key ARN" in problems["governance.central_log_archive.kms_key_arn"]


def test_emails_must_be_addresses():
    problems = problems_of("governance:\n  alert_emails: [ops@example.com, ops, a@b, 'x y@example.com']\n")
    assert problems == {
        "governance.alert_emails.1": "alert_emails[1] 'ops' is not an email address (name@example.com)",
        "governance.alert_emails.2": "alert_emails[2] 'a@b' is not an email address (name@example.com)",
        "governance.alert_emails.3": "alert_emails[3] 'x y@example.com' is not an email address "
        "(name@example.com)",
    }


def test_ou_ids_must_be_shaped():
    problems = problems_of(
        "governance:\n  organization:\n    target_ou_ids: [ou-ab12-cd34ef56, ou-1, "
        "r-ab12, OU-AB12-CD34EF56]\n"
    )
    message = problems["governance.organization.target_ou_ids"]
    assert "['ou-1', 'r-ab12', 'OU-AB12-CD34EF56'] are not OU ids" in message
    assert "^ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}$" in message


def test_ou_ids_required_and_non_empty():
    assert (
        "required key is missing"
        in problems_of("governance:\n  organization: {}\n")["governance.organization.target_ou_ids"]
    )
    assert (
        "target_ou_ids is empty"
        in problems_of("governance:\n  organization:\n    target_ou_ids: []\n")[
            "governance.organization.target_ou_ids"
        ]
    )


def test_region_allow_list_regions_must_be_known():
    problems = problems_of(
        "governance:\n  organization:\n    target_ou_ids: [ou-ab12-cd34ef56]\n    allowed_regions: "
        "[eu-west-1, moon-1]\n"
    )
    assert problems == {
        "governance.organization.allowed_regions": "unknown region(s) ['moon-1'] in the allow-list; use AWS "
                                                   "region codes such as "
        "eu-west-1"
    }


@pytest.mark.aws_behaviour("guardduty.severity-up-to-critical")
@pytest.mark.parametrize("severity", [0.9, 10.1, 11])
def test_guardduty_severity_range(severity):
    critical = parse_config("name: ml-dev\nregion: eu-west-1\ngovernance:\n  guardduty_min_severity: 9\n")
    assert critical.governance.guardduty_min_severity == 9
    problems = problems_of(f"governance:\n  guardduty_min_severity: {severity}\n")
    assert (
        f"guardduty_min_severity {severity:g} is outside 1-10"
        in problems["governance.guardduty_min_severity"]
    )


def test_other_validations_with_paths_and_lines():
    with pytest.raises(ConfigError) as info:
        parse_config(
            textwrap.dedent("""\
            name: ml-dev
            region: eu-west-1
            governance:
              auditor_role_arns: [auditor]
              trail_log_retention_days: 42
              disabled_config_rules: [sagemaker-domain-in-vcp]
              object_lock_mode: LEGAL
              organization:
                target_ou_ids: [ou-ab12-cd34ef56]
                management_account_id: "12"
                break_glass_role_arns: [breakglass]
              colour: blue
            """),
            source="gov.yaml",
        )
    by_path = {p.path: p for p in info.value.problems}
    assert set(by_path) == {
        "governance.auditor_role_arns",
        "governance.trail_log_retention_days",
        "governance.disabled_config_rules",
        "governance.object_lock_mode",
        "governance.organization.management_account_id",
        "governance.organization.break_glass_role_arns",
        "governance.colour",
    }
    assert by_path["governance.auditor_role_arns"].line == 4
    assert "['auditor'] are not IAM role ARNs" in by_path["governance.auditor_role_arns"].message
    assert (
        "42 is not a CloudWatch Logs retention period"
        in by_path["governance.trail_log_retention_days"].message
    )
    assert "sagemaker-domain-in-vcp" in by_path["governance.disabled_config_rules"].message
    assert by_path["governance.organization.break_glass_role_arns"].line == 11
    assert "unknown key" in by_path["governance.colour"].message


def test_every_table_rule_may_be_disabled():
    gov = GovernanceConfig(disabled_config_rules=list(CONFIG_RULES))
    assert set(gov.disabled_config_rules) == set(CONFIG_RULES)


# ------------------------------------------------------------------ D4: one recorder, channel, detector per
# account


STAGES = """\
delivery:
  tooling_account: "111111111111"
  source:
    connection_arn:
      arn:aws:codeconnections:eu-west-1:111111111111:connection/0f5d3c2a-8b1e-4c6f-9a7d-2e4b6c8d0f1a
    repository: acme/ml-platform
  stages:
    - {name: dev, account: "222222222222", region: eu-west-1}
"""


@pytest.mark.aws_behaviour(
    "config.one-recorder-per-region",
    "config.one-delivery-channel-per-region",
    "guardduty.one-detector-per-region",
)
@pytest.mark.parametrize(
    ("extra", "created"),
    [
        ("", True),  # a standalone account has none yet
        (STAGES, False),  # stage accounts of a landing zone have them
        ("governance:\n  organization:\n    target_ou_ids: [ou-ab12-cd34ef56]\n", False),
        (
            "governance:\n  config_recorder: true\n  guardduty_detector: true\n" + STAGES,
            True,
        ),  # explicit wins
        ("governance:\n  config_recorder: false\n  guardduty_detector: false\n", False),
    ],
)
def test_recorder_and_detector_default_to_the_account_kind(extra, created):
    config = parse_config("name: ml-dev\nregion: eu-west-1\n" + extra)
    assert (config.governance.config_recorder, config.governance.guardduty_detector) == (created, created)
    for stage in config.delivery.stages if config.delivery else []:
        staged = config.for_delivery_stage(stage).governance  # the stage's config has no delivery section
        assert (staged.config_recorder, staged.guardduty_detector) == (created, created)


def test_multi_account_example_leaves_the_landing_zone_its_recorder_and_detector():
    from cdk_secure_ml.config import load_config
    from tests.conftest import ROOT

    config = load_config(ROOT / "config" / "multi-account.yaml")
    for stage in config.delivery.stages:
        governance = config.for_delivery_stage(stage).governance
        assert governance.config_recorder is False and governance.guardduty_detector is False


# ------------------------------------------------------------------------ S2, D11: the organization section


def test_exempt_principal_arns_was_split():
    problems = problems_of(
        "governance:\n  organization:\n    target_ou_ids: [ou-ab12-cd34ef56]\n"
        "    exempt_principal_arns: [arn:aws:iam::*:role/x]\n"
    )
    message = problems["governance.organization.exempt_principal_arns"]
    assert "exempt_principal_arns was split in two" in message
    assert "deployer_role_arns" in message and "break_glass_role_arns" in message


def test_deployer_roles_must_not_be_empty():
    problems = problems_of(
        "governance:\n  organization:\n    target_ou_ids: [ou-ab12-cd34ef56]\n    deployer_role_arns: []\n"
    )
    assert problems["governance.organization.deployer_role_arns"].startswith(
        "deployer_role_arns is empty: protect-audit would deny CloudFormation"
    )


def test_organization_defaults():
    org = OrganizationConfig(target_ou_ids=["ou-ab12-cd34ef56"])
    assert org.deployer_role_arns == ["arn:aws:iam::*:role/cdk-hnb659fds-cfn-exec-role-*"]
    assert org.break_glass_role_arns == [] and org.ai_services_opt_out
    assert (org.attached_scps_per_target, org.merge_scps, org.platform_scp_count) == (1, False, 3)
    assert org.scp_documents() == ["sagemaker-network", "sagemaker-encryption", "protect-audit"]


@pytest.mark.aws_behaviour("organizations.five-scps-per-target")
def test_scps_already_on_the_ous_count_against_the_quota():
    """D11: AWS attaches at most 5 SCPs to one OU, counting those already there (Control Tower's)."""
    base = "governance:\n  organization:\n    target_ou_ids: [ou-ab12-cd34ef56]\n"
    assert problems_of(base + "    attached_scps_per_target: 2\n    allowed_regions: [eu-west-1]\n") == {
        "governance.organization": (
            "the platform attaches 4 SCP(s) to each OU and attached_scps_per_target says 2 are already "
            "there: 6 is more than the 5 SCPs AWS attaches to one OU; set merge_scps: true (the platform's "
            "statements packed into as few SCPs as fit), or detach SCPs you no longer need from the OUs, or "
            "target OUs with fewer SCPs"
        )
    }
    merged = parse_config(
        "name: ml-dev\nregion: eu-west-1\n" + base + "    attached_scps_per_target: 4\n    merge_scps: true\n"
    ).governance.organization
    assert merged.platform_scp_count == 1
    assert (
        "detach SCPs"
        in problems_of(base + "    attached_scps_per_target: 5\n    merge_scps: true\n")[
            "governance.organization"
        ]
    )
    assert (
        "outside 1-5"
        in problems_of(base + "    attached_scps_per_target: 0\n")[
            "governance.organization.attached_scps_per_target"
        ]
    )


def test_an_alert_address_listed_twice_is_refused():
    """Each address becomes one subscription named after it: a repeat would fail synth (Alerts refuses it)."""
    emails = "[ops@example.com, sec@example.com, ops@example.com]"
    problems = problems_of(f"governance:\n  alert_emails: {emails}\n")
    assert problems == {
        "governance.alert_emails.2": "alert_emails[2] 'ops@example.com' repeats alert_emails[0]; list each "
        "address once"
    }
