"""Value types shared by the config sections: one check per kind of value, written once.

Each type is an ``Annotated`` pydantic type whose validator raises ``ValueError`` naming the value and
the fix; a section declares ``retention: RetentionDays = 365`` instead of repeating a validator. List
types (``RoleArns``, ``Emails``, ...) report the bad entries of a list together, at the list's key.
The patterns and limits themselves are AWS's and live in :mod:`cdk_secure_ml.core` (no aws-cdk-lib).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, ValidationInfo, WithJsonSchema

from cdk_secure_ml.config._section import NestedProblems
from cdk_secure_ml.core.governance import MAX_OBJECT_LOCK_DAYS, email_problems, guardduty_severity_problems
from cdk_secure_ml.core.identity import tag_key_problems
from cdk_secure_ml.core.names import (
    ACCOUNT_ID_RE,
    ROLE_ARN_RE,
    TAG_KEY_RE,
)
from cdk_secure_ml.core.problems import Problem
from cdk_secure_ml.core.regions import known_regions

#: Retention periods CloudWatch Logs accepts: ``aws_logs.RetentionDays`` member name -> days
#: (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html).
LOG_RETENTION_DAYS: dict[str, int] = {
    "ONE_DAY": 1, "THREE_DAYS": 3, "FIVE_DAYS": 5, "ONE_WEEK": 7, "TWO_WEEKS": 14, "ONE_MONTH": 30,
    "TWO_MONTHS": 60, "THREE_MONTHS": 90, "FOUR_MONTHS": 120, "FIVE_MONTHS": 150, "SIX_MONTHS": 180,
    "ONE_YEAR": 365, "THIRTEEN_MONTHS": 400, "EIGHTEEN_MONTHS": 545, "TWO_YEARS": 731,
    "THREE_YEARS": 1096, "FIVE_YEARS": 1827, "SIX_YEARS": 2192, "SEVEN_YEARS": 2557,
    "EIGHT_YEARS": 2922, "NINE_YEARS": 3288, "TEN_YEARS": 3653,
}

#: Object Lock default retention, in days (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html).
OBJECT_LOCK_DAYS = (1, MAX_OBJECT_LOCK_DAYS)
#: AWS tag keys (https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html): 1-128 characters.
_AWS_TAG_KEY_RE = re.compile(r"^[\w.:/=+\-@ ]{1,128}$")


def core_check(check: Callable[..., list[Problem]]) -> AfterValidator:
    """A validator that runs a CDK-free check of :mod:`cdk_secure_ml.core` on a key's value, with the key's
    name, so the config and the construct refuse the same values with the same words."""

    def validate(value: Any, info: ValidationInfo) -> Any:
        problems = check(value, name=info.field_name or "value")
        if problems:
            # Each problem at its own path below the key (e.g. one list item), so each gets its own line.
            raise NestedProblems([(path[1:], message) for path, message in problems])
        return value

    return AfterValidator(validate)


#: A one-value check of :mod:`cdk_secure_ml.core.hosting.values`: ``(path, message)`` pairs at its key.
HostingCheck = Callable[..., list[Problem]]


def hosting_check(check: HostingCheck, *, keyed: bool = False, before: tuple[type, ...] = ()) -> Any:
    """A key's validator from a one-value hosting check, so the config refuses a value in the words
    ``SecureEndpoint`` uses. The check's paths are the key itself, so only its messages are kept; None (a
    key left out) is not checked.

    :param keyed: call ``check(key, value)``, the key spelled as the config spells it (e.g. a prefix's).
    :param before: check input of these types before pydantic's own constraints of the key (``ge``/``le``,
        ``Literal``), which stay for the JSON schema and docs/config.md: a value outside them is refused by
        the check first, in its words (tests/config/test_endpoints.py checks that the two agree). Input of
        other types is left to pydantic's type check. Without ``before`` the check runs on the validated
        value.
    """

    def validate(value: Any, info: ValidationInfo) -> Any:
        if value is None or (before and (isinstance(value, bool) or not isinstance(value, before))):
            return value
        problems = check(info.field_name or "value", value) if keyed else check(value)
        if problems:
            raise ValueError("; ".join(message for _, message in problems))
        return value

    return BeforeValidator(validate) if before else AfterValidator(validate)


def _tag_key_problems(key: str, *, name: str) -> list[Problem]:
    return tag_key_problems(**{name: key})


def check_retention(days: int) -> int:
    """``days`` if CloudWatch Logs accepts it as a retention period."""
    if days not in LOG_RETENTION_DAYS.values():
        raise ValueError(
            f"{days} is not a CloudWatch Logs retention period; use one of "
            f"{sorted(LOG_RETENTION_DAYS.values())}"
        )
    return days


def check_lock_days(days: int) -> int:
    """``days`` if it is an Object Lock retention S3 accepts (1-36500)."""
    low, high = OBJECT_LOCK_DAYS
    if not low <= days <= high:
        raise ValueError(f"Object Lock retention {days} days is outside {low}-{high}; pick a value in that "
                         "range")
    return days


def check_region(region: str) -> str:
    """``region`` if botocore knows it (:func:`cdk_secure_ml.core.regions.known_regions`)."""
    if region not in known_regions():
        raise ValueError(f"unknown region {region!r}; use an AWS region code such as eu-west-1")
    return region


def account_id_from_yaml(value: object) -> object:
    """YAML reads an unquoted 222222222222 as an int: take it as the id (an id with a leading zero must be
    quoted anyway, and then fails the 12-digit check with a hint)."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _account_problem(value: str) -> str:
    """Why ``value`` is not a 12-digit account id, with the fix."""
    if value.isascii() and value.isdigit():
        return (f"{value!r} has {len(value)} digits, an AWS account id has 12 (one with a leading zero "
                "must be quoted in YAML: '012345678901')")
    return f"{value!r} is not a 12-digit AWS account id (no wildcards or ARNs: '210987654321')"


def check_account_id(value: str) -> str:
    """``value`` if it is a 12-digit AWS account id."""
    if not ACCOUNT_ID_RE.fullmatch(value):
        raise ValueError(_account_problem(value))
    return value


def check_account_ids(accounts: list[str]) -> list[str]:
    """``accounts`` if every entry is a 12-digit AWS account id, each once."""
    problems = [_account_problem(a) for a in accounts if not ACCOUNT_ID_RE.fullmatch(a)]
    duplicates = sorted({a for a in accounts if accounts.count(a) > 1})
    if duplicates:
        problems.append(f"{', '.join(map(repr, duplicates))} listed more than once")
    if problems:
        raise ValueError("; ".join(problems))
    return accounts


def check_role_arns(arns: list[str]) -> list[str]:
    bad = [a for a in arns if not ROLE_ARN_RE.match(a)]
    if bad:
        raise ValueError(f"{bad} are not IAM role ARNs (arn:aws:iam::<12-digit account>:role/<name>)")
    return arns


def check_tags(tags: dict[str, str], what: str) -> dict[str, str]:
    """``tags`` if every key and value is a valid AWS tag; ValueError naming the bad ones otherwise."""
    bad = [k for k in tags if not _AWS_TAG_KEY_RE.match(k) or k.lower().startswith("aws:")]
    if bad:
        raise ValueError(f"{what} keys {bad} are invalid (1-128 characters, no 'aws:' prefix)")
    long_values = [k for k, v in tags.items() if len(str(v)) > 256]
    if long_values:
        raise ValueError(f"{what} values for {long_values} exceed 256 characters")
    return tags


def _json_schema(**schema: Any) -> WithJsonSchema:
    return WithJsonSchema(schema)


RetentionDays = Annotated[int, AfterValidator(check_retention),
                          _json_schema(type="integer", enum=sorted(LOG_RETENTION_DAYS.values()))]
ObjectLockDays = Annotated[int, AfterValidator(check_lock_days),
                           _json_schema(type="integer", minimum=OBJECT_LOCK_DAYS[0],
                                        maximum=OBJECT_LOCK_DAYS[1])]
ObjectLockMode = Literal["GOVERNANCE", "COMPLIANCE"]
Region = Annotated[str, AfterValidator(check_region)]
AccountId = Annotated[
    str, BeforeValidator(account_id_from_yaml), AfterValidator(check_account_id),
    _json_schema(anyOf=[{"type": "string", "pattern": ACCOUNT_ID_RE.pattern}, {"type": "integer"}]),
]
AccountIds = Annotated[
    list[Annotated[str, BeforeValidator(account_id_from_yaml)]], AfterValidator(check_account_ids),
    _json_schema(type="array", items={"anyOf": [{"type": "string"}, {"type": "integer"}]}),
]
RoleArns = Annotated[list[str], AfterValidator(check_role_arns)]
# Not pydantic's EmailStr: email-validator (and dnspython) would be new runtime dependencies, it rewrites
# the address (lower-cased domain, Unicode normalization: a template change for "ops@Example.com"), refuses
# special-use domains SNS accepts (.test, .local), and words its errors its own way. EMAIL_RE is the HTML
# standard's "valid e-mail address", the same check Alerts makes.
Emails = Annotated[list[str], core_check(email_problems)]
TagKey = Annotated[str, core_check(_tag_key_problems),
                   _json_schema(type="string", pattern=TAG_KEY_RE.pattern)]
#: A GuardDuty finding severity an alert threshold may take.
Severity = Annotated[float, core_check(guardduty_severity_problems)]
