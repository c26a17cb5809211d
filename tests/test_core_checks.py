"""The CDK-free checks of core.identity and core.governance: (path, message) pairs the constructs and the
config share, without loading aws-cdk-lib."""

from __future__ import annotations

import subprocess
import sys

import pytest

from cdk_secure_ml.core.governance import (
    audit_trail_problems,
    email_problems,
    finding_frequency_problems,
    guardduty_severity_problems,
    object_lock_problems,
)
from cdk_secure_ml.core.identity import persona_problems, tag_key_problems
from tests.conftest import ROOT

TOKEN = "${Token[TOKEN.123]}"


def test_the_checks_load_without_aws_cdk():
    code = ("import sys, cdk_secure_ml.core.identity, cdk_secure_ml.core.governance, "
            "cdk_secure_ml.core.problems; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('aws_cdk', 'jsii', 'constructs')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_persona_problems_are_placed_at_their_argument():
    problems = persona_problems(teams=["Bad Team", "Bad Team"], instance_types=["p3.2xlarge"],
                                team_tag_key="bad key!", user_tag_key="user", human_personas=["admin"])
    assert [path for path, _ in problems] == [
        ("teams",), ("teams",), ("instance_types",), ("team_tag_key",), ("human_personas",)]
    assert problems[3] == (("team_tag_key",), "team_tag_key 'bad key!' is not a usable tag key: it names a "
                                           "session tag and appears in policies as aws:PrincipalTag/<key>; "
                                           "use a letter followed by up to 63 letters, digits and _.:/=+-@ "
                                           "(e.g. team)")
    assert persona_problems(teams=["fraud"], instance_types=["ml.m5.*"]) == []
    assert persona_problems(teams=[])[0] == (
        ("teams",), "teams is empty; name at least one team (execution roles are per team)")


@pytest.mark.parametrize(("key", "usable"), [
    ("team", True), ("cost-center", True), ("org:team", True), ("aws:team", False), ("AWS:team", False),
    ("bad key!", False), ("1team", False),
    ("", False), ("t" * 65, False),
])
def test_tag_keys(key, usable):
    assert (tag_key_problems(team_tag_key=key) == []) is usable


def test_audit_trail_problems_in_argument_order_and_tokens_unchecked():
    problems = audit_trail_problems(central_bucket_name="Bad_Bucket", auditor_role_arns=["auditor"],
                                    trail_name="x", object_lock_days=0, object_lock_mode="LEGAL")
    assert [path[0] for path, _ in problems] == [
        "central_bucket_name", "central_key_arn", "auditor_role_arns", "auditor_role_arns", "trail_name",
        "object_lock_mode"]  # a central archive's Object Lock is configured in the log-archive account
    assert all(len(path) == 1 for path, _ in problems)
    assert audit_trail_problems(central_bucket_name=TOKEN, central_key_arn=TOKEN, trail_name=TOKEN) == []
    assert audit_trail_problems(auditor_role_arns=[TOKEN, "arn:aws:iam::123456789012:role/auditor"]) == []


def test_object_lock_severity_frequency_and_emails():
    assert object_lock_problems(365, "COMPLIANCE") == []
    assert object_lock_problems(1.5, "GOVERNANCE") == [
        (("object_lock_retention",),
         "object_lock_retention is 1.5 days; use a whole number of days from 1 to 36500")]
    assert guardduty_severity_problems(10.5) == [
        (("guardduty_min_severity",),
         "guardduty_min_severity 10.5 is outside 1-10; use e.g. 4 (medium and up), 7 (high and up) or 9 "
         "(critical only)")]
    assert guardduty_severity_problems(9) == [] and guardduty_severity_problems(1) == []
    assert finding_frequency_problems("DAILY")[0][1] == (
        "finding_publishing_frequency 'DAILY' is not one of ['FIFTEEN_MINUTES', 'ONE_HOUR', 'SIX_HOURS']")
    assert email_problems(["ops@", "a@example.com", "a@example.com", "ops@"]) == [
        (("emails", 0), "emails[0] 'ops@' is not an email address (name@example.com)"),
        (("emails", 2), "emails[2] 'a@example.com' repeats emails[1]; list each address once"),
        (("emails", 3), "emails[3] 'ops@' is not an email address (name@example.com)"),
    ]
