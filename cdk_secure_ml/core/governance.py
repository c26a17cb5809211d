"""Checks of the governance inputs: the audit trail's archive, Object Lock, GuardDuty and alert e-mails.

CDK-free, so the governance constructs (:mod:`cdk_secure_ml.constructs.governance`) and the config's
``governance`` section can call the same functions. Each returns
:data:`~cdk_secure_ml.core.problems.Problem` pairs ``(path, message)``; a value that is an unresolved CDK
token (known only at deploy time) is not checked.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from cdk_secure_ml.core.names import BUCKET_NAME_RE, EMAIL_RE, ROLE_ARN_RE
from cdk_secure_ml.core.problems import Problem, is_unresolved

#: A KMS key ARN (not an alias), in any partition; multi-Region keys start with ``mrk-``.
KMS_KEY_ARN_RE = re.compile(r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/(?:mrk-)?[0-9a-f-]{32,36}$")
#: A CloudTrail trail name: 3-128 letters, digits, ``.``, ``_`` or ``-``, starting with a letter or digit
#: (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html).
TRAIL_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{2,127}$")
#: S3 Object Lock retention modes.
OBJECT_LOCK_MODES: tuple[str, ...] = ("GOVERNANCE", "COMPLIANCE")
#: The longest Object Lock default retention the platform accepts, in days (100 years).
MAX_OBJECT_LOCK_DAYS = 36500
#: GuardDuty's finding publishing frequencies
#: (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-guardduty-detector.html).
FINDING_PUBLISHING_FREQUENCIES: tuple[str, ...] = ("FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS")
#: The range of GuardDuty finding severities an alert threshold may take: low 1.0 to critical 10.0
#: (https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings-severity.html; the API counts critical
#: findings, https://docs.aws.amazon.com/guardduty/latest/APIReference/API_SeverityBreakdown.html).
GUARDDUTY_SEVERITY_RANGE: tuple[float, float] = (1.0, 10.0)


def _checkable(value: str | None) -> bool:
    return value is not None and not is_unresolved(value)


def central_archive_problems(bucket_name: str | None, key_arn: str | None) -> list[Problem]:
    """A central log archive is a bucket name and a KMS key ARN, given together."""
    problems: list[Problem] = []
    if bucket_name is not None and _checkable(bucket_name) and (
        not BUCKET_NAME_RE.match(bucket_name) or ".." in bucket_name
    ):
        problems.append(
            (("central_bucket_name",), f"central_bucket_name {bucket_name!r} is not an S3 bucket name")
        )
    if bucket_name is not None and key_arn is None:
        problems.append((("central_key_arn",),
                         f"central_bucket_name {bucket_name!r} was given without central_key_arn; pass "
                         "the ARN of the KMS key the log-archive account uses for CloudTrail"))
    if key_arn is not None and bucket_name is None:
        problems.append((("central_bucket_name",),
                         "central_key_arn was given without central_bucket_name; pass both or neither"))
    if _checkable(key_arn) and not KMS_KEY_ARN_RE.match(key_arn):  # type: ignore[arg-type]
        problems.append((("central_key_arn",), f"central_key_arn {key_arn!r} is not a KMS key ARN "
                                            "(arn:aws:kms:<region>:<account>:key/<id>)"))
    return problems


def role_arn_problems(arns: Sequence[str], *, name: str = "auditor_role_arns") -> list[Problem]:
    """Every entry is an IAM role ARN."""
    bad = [a for a in arns if _checkable(a) and not ROLE_ARN_RE.match(a)]
    if not bad:
        return []
    return [((name,), f"{name} {bad} are not IAM role ARNs (arn:aws:iam::<account>:role/<name>)")]


def trail_name_problems(trail_name: str | None) -> list[Problem]:
    """A trail name CloudTrail accepts (:data:`TRAIL_NAME_RE`); None: CloudFormation generates one."""
    if not _checkable(trail_name) or TRAIL_NAME_RE.match(trail_name):  # type: ignore[arg-type]
        return []
    return [(("trail_name",), f"trail_name {trail_name!r} must be 3-128 letters, digits, '.', '_' or '-'")]


def object_lock_problems(days: float, mode: str) -> list[Problem]:
    """A default retention of 1 to :data:`MAX_OBJECT_LOCK_DAYS` whole days, in one of
    :data:`OBJECT_LOCK_MODES`."""
    problems: list[Problem] = []
    if not 1 <= days <= MAX_OBJECT_LOCK_DAYS or days != int(days):
        problems.append((("object_lock_retention",), f"object_lock_retention is {days:g} days; use a whole "
                                                  f"number of days from 1 to {MAX_OBJECT_LOCK_DAYS}"))
    if mode not in OBJECT_LOCK_MODES:
        problems.append((("object_lock_mode",), f"object_lock_mode {mode!r} is not GOVERNANCE or COMPLIANCE"))
    return problems


def audit_trail_problems(
    *,
    central_bucket_name: str | None = None,
    central_key_arn: str | None = None,
    auditor_role_arns: Sequence[str] = (),
    trail_name: str | None = None,
    object_lock_days: float = 365,
    object_lock_mode: str = "GOVERNANCE",
) -> list[Problem]:
    """Every problem of an audit trail's arguments, in argument order. The Object Lock days apply to the
    local archive only (a central archive's bucket is configured in the log-archive account)."""
    central = central_bucket_name is not None or central_key_arn is not None
    problems = central_archive_problems(central_bucket_name, central_key_arn)
    if central and auditor_role_arns:
        problems.append((("auditor_role_arns",), "auditor_role_arns apply to the local archive only; grant "
                                              "auditors in the log-archive account"))
    problems += role_arn_problems(auditor_role_arns)
    problems += trail_name_problems(trail_name)
    problems += [p for p in object_lock_problems(object_lock_days, object_lock_mode)
                 if not central or p[0] != ("object_lock_retention",)]
    return problems


def guardduty_severity_problems(severity: float, *, name: str = "guardduty_min_severity") -> list[Problem]:
    """A finding severity threshold within :data:`GUARDDUTY_SEVERITY_RANGE`."""
    low, high = GUARDDUTY_SEVERITY_RANGE
    if low <= severity <= high:
        return []
    return [((name,), f"{name} {severity:g} is outside {low:g}-{high:g}; use e.g. 4 (medium and up), 7 "
                   "(high and up) or 9 (critical only)")]


def finding_frequency_problems(frequency: str) -> list[Problem]:
    """One of :data:`FINDING_PUBLISHING_FREQUENCIES`."""
    if frequency in FINDING_PUBLISHING_FREQUENCIES:
        return []
    return [(("finding_publishing_frequency",), f"finding_publishing_frequency {frequency!r} is not one of "
                                             f"{list(FINDING_PUBLISHING_FREQUENCIES)}")]


def email_problems(emails: Sequence[str], *, name: str = "emails") -> list[Problem]:
    """Addresses SNS can subscribe (:data:`~cdk_secure_ml.core.names.EMAIL_RE`), each listed once.

    One problem per address, at ``(name, index)``: a bad address, or a repeat of an earlier one.
    """
    problems: list[Problem] = []
    first: dict[str, int] = {}
    for index, email in enumerate(emails):
        if not EMAIL_RE.match(email):
            message = f"{name}[{index}] {email!r} is not an email address (name@example.com)"
        elif email in first:
            # Each address becomes one SNS subscription whose construct id is the address: a repeat fails
            # synth.
            message = f"{name}[{index}] {email!r} repeats {name}[{first[email]}]; list each address once"
        else:
            first[email] = index
            continue
        problems.append(((name, index), message))
    return problems
