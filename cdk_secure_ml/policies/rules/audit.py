"""Audit rules (SML-AUD-*): CloudTrail and log retention."""

from __future__ import annotations

from collections.abc import Iterator

from ..intrinsics import Unresolved
from ..rule import (
    Violation,
    cannot_verify,
    fail,
    get,
    refers_to,
    require_set,
    require_true,
    rule,
    truth,
)
from ..template import Resource, Template

TRAIL = "AWS::CloudTrail::Trail"


@rule(
    "SML-AUD-1", "error", "CloudTrail trail covers all regions",
    types=(TRAIL,),
    rationale="A single-region trail misses API calls (and resources created) in every other region.",
    remediation="Set IsMultiRegionTrail: true (and IncludeGlobalServiceEvents: true).",
)  # fmt: skip
def trail_multi_region(resource: Resource, template: Template) -> Iterator[Violation]:
    yield from require_true(resource.properties, "IsMultiRegionTrail")


@rule(
    "SML-AUD-2", "error", "CloudTrail log file validation is on",
    types=(TRAIL,),
    rationale="Digest files prove trail logs were not modified or deleted after delivery.",
    remediation="Set EnableLogFileValidation: true.",
)  # fmt: skip
def trail_validation(resource: Resource, template: Template) -> Iterator[Violation]:
    yield from require_true(resource.properties, "EnableLogFileValidation")


@rule(
    "SML-AUD-3", "error", "CloudTrail delivers to CloudWatch Logs",
    types=(TRAIL,),
    rationale="""Metric filters and alarms on API activity (IAM changes, key deletion) need the trail in
    CloudWatch Logs.""",
    remediation="Set CloudWatchLogsLogGroupArn and CloudWatchLogsRoleArn.",
)  # fmt: skip
def trail_cloudwatch(resource: Resource, template: Template) -> Iterator[Violation]:
    yield from require_set(resource.properties, "CloudWatchLogsLogGroupArn")
    yield from require_set(resource.properties, "CloudWatchLogsRoleArn")


@rule(
    "SML-AUD-4", "error", "Log groups have a retention period",
    types=("AWS::Logs::LogGroup",),
    rationale="Without RetentionInDays logs are kept forever (cost) and no retention policy is documented.",
    remediation="Set RetentionInDays (the platform default is 365).",
)  # fmt: skip
def log_retention(resource: Resource, template: Template) -> Iterator[Violation]:
    yield from require_set(resource.properties, "RetentionInDays", why="logs never expire")


@rule(
    "SML-AUD-5", "warning", "The trail's bucket in this template uses Object Lock",
    types=(TRAIL,),
    rationale="""Object Lock keeps trail logs from being deleted or overwritten, even by an
    administrator. Checked only when the trail's bucket is in the same template (a central log
    archive in another account is preferred).""",
    remediation="Create the log archive bucket with ObjectLockEnabled: true and a default retention.",
)  # fmt: skip
def trail_object_lock(resource: Resource, template: Template) -> Iterator[Violation]:
    target = resource.properties.get("S3BucketName")
    for bucket in template.of_type("AWS::S3::Bucket"):
        if refers_to(target, bucket.logical_id) or (
            isinstance(target, str) and target == bucket.properties.get("BucketName")
        ):
            enabled = get(bucket.properties, "ObjectLockEnabled")
            if isinstance(enabled, Unresolved):
                yield cannot_verify(f"ObjectLockEnabled of {bucket.logical_id} is {enabled.expr}")
            elif truth(enabled) is not True:
                yield fail(f"trail bucket {bucket.logical_id} has no Object Lock")
