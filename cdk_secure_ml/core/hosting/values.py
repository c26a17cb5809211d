"""The checks of one option value each: ``(path, message)`` pairs at the value's key.

A check of one value needs nothing else to judge it (a weight is negative, a schedule is not ``cron(...)``).
The config validates each key with one of these (a field validator per key); the option types
(:mod:`.options`) and the checks that compare values (:mod:`.checks`) call the same functions. So a value
is refused in the same words by ``SecureEndpoint`` and when the config loads.

Paths are ``(key,)``, the key as the option types spell it. Messages name the key where the config spells it
the same way (``instance_type``, ``min_capacity``); where the spellings differ (``scale_in_cooldown`` and
``scale_in_cooldown_seconds``, ``wait`` and ``wait_minutes``) the message describes the value and the
caller's path names its key.

CDK-free: nothing here imports aws_cdk or jsii; a value holding an unresolved CDK token is not judged.
"""

from __future__ import annotations

import re

from cdk_secure_ml.core.names import INSTANCE_TYPE_RE, SAGEMAKER_NAME_RE
from cdk_secure_ml.core.problems import Problem, is_unresolved

#: ``ServerlessConfig.MemorySizeInMB`` accepts these sizes
#: (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProductionVariantServerlessConfig.html).
SERVERLESS_MEMORY_SIZES_MB = (1024, 2048, 3072, 4096, 5120, 6144)
TRAFFIC_ROUTINGS = ("ALL_AT_ONCE", "CANARY", "LINEAR")
#: ``WaitIntervalInSeconds`` (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_TrafficRoutingConfig.html)
#: and ``TerminationWaitInSeconds``
#: (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_BlueGreenUpdatePolicy.html): 0-3600 seconds.
MAX_ROLLOUT_WAIT_SECONDS = 3600
#: ``MaximumExecutionTimeoutInSeconds``: 600-28800 (same page as ``TerminationWaitInSeconds``).
EXECUTION_TIMEOUT_SECONDS = (600, 28800)

#: The recurring schedules Model Monitor takes: hourly ``cron(0 * ? * * *)``, daily ``cron(0 H ? * * *)``,
#: every N hours ``cron(0 H/N ? * * *)``
#: (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ScheduleConfig.html).
#: ``NOW`` (one run) is not offered: it needs a data-analysis window the construct does not set.
_SCHEDULE_RE = re.compile(r"^cron\(0 (\*|([01]?[0-9]|2[0-3])(/(0?[1-9]|1[0-9]|2[0-4]))?) \? \* \* \*\)$")
_IMAGE_URI_RE = re.compile(
    r"^[a-z0-9.-]+(:\d+)?/[a-z0-9]+([._/-][a-z0-9]+)*(:[\w][\w.-]{0,127}|@sha256:[0-9a-f]{64})?$"
)
# S3's "safe characters" for object keys (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html)
# without "*": a prefix ends up in IAM resource ARNs and s3:prefix conditions, where "*" is a wildcard.
_KEY_SEGMENT_RE = re.compile(r"^[A-Za-z0-9!_.'()-]+$")
_ROLLOUT_WAITS = {
    "wait": "the wait between traffic shifts",
    "termination_wait": "the wait before the old fleet is terminated",
}


# --------------------------------------------------------------------------------------------------
# Variants and autoscaling


def variant_name_problems(name: str) -> list[Problem]:
    """A production variant's name. Path: ``name``."""
    if SAGEMAKER_NAME_RE.match(name):
        return []
    return [(("name",), f"name {name!r} is not a variant name; use 1-63 letters, digits and hyphens")]


def instance_type_problems(instance_type: str, *, example: str = "ml.m5.large") -> list[Problem]:
    """An ``ml.<family>.<size>`` instance type (``example`` is named in the fix). Path: ``instance_type``."""
    if INSTANCE_TYPE_RE.match(instance_type):
        return []
    return [
        (
            ("instance_type",),
            f"instance_type {instance_type!r} is not a SageMaker instance type; use an ml.* type such as "
            f"{example}",
        )
    ]


def weight_problems(weight: float) -> list[Problem]:
    """A variant's share of the traffic, relative to the others'. Path: ``weight``."""
    return [(("weight",), f"weight {weight:g} is negative; use 0 or more")] if weight < 0 else []


def instance_count_problems(instance_count: int) -> list[Problem]:
    """A variant's initial instances, whatever the endpoint (production needs more:
    :func:`.checks.capacity_problems`). Path: ``instance_count``."""
    if instance_count >= 1:
        return []
    return [(("instance_count",), f"instance_count {instance_count} must be at least 1")]


def min_capacity_problems(min_capacity: int) -> list[Problem]:
    """Autoscaling's minimum, whatever the endpoint. Path: ``min_capacity``."""
    if min_capacity >= 0:
        return []
    return [(("min_capacity",), f"min_capacity {min_capacity} must be 0 or more")]


def max_capacity_problems(max_capacity: int) -> list[Problem]:
    """Autoscaling's maximum. Path: ``max_capacity``."""
    if max_capacity >= 1:
        return []
    return [(("max_capacity",), f"max_capacity {max_capacity} must be at least 1")]


def target_invocations_problems(target_invocations_per_instance: float) -> list[Problem]:
    """The target of the invocations policy. Path: ``target_invocations_per_instance``."""
    if target_invocations_per_instance > 0:
        return []
    return [
        (
            ("target_invocations_per_instance",),
            f"target_invocations_per_instance is {target_invocations_per_instance}; use a positive number "
            "of invocations per instance per minute, e.g. from a load test: max_rps * safety_factor * 60 "
            "(invocations_target)",
        )
    ]


def cooldown_problems(key: str, seconds: float) -> list[Problem]:
    """A scaling cooldown in seconds. Path: ``(key,)``."""
    if seconds >= 0:
        return []
    return [((key,), f"a cooldown of {seconds:g} seconds is negative; use 0 or more seconds")]


def max_rps_problems(max_rps: float) -> list[Problem]:
    """A load test's requests per second per instance. Path: ``max_rps``."""
    if max_rps > 0:
        return []
    return [(("max_rps",), f"max_rps is {max_rps}; use the requests per second one instance sustained (> 0)")]


def safety_factor_problems(safety_factor: float) -> list[Problem]:
    """The headroom on a load test's ``max_rps``. Path: ``safety_factor``."""
    if 0 < safety_factor <= 1:
        return []
    return [(("safety_factor",), f"safety_factor is {safety_factor}; use a value in (0, 1], e.g. 0.5")]


def percent_of_instance_problems(key: str, percent: float) -> list[Problem]:
    """A CPU percentage of the whole instance (alarm threshold or scaling target). Path: ``(key,)``."""
    if 0 < percent <= 100:
        return []
    return [
        (
            (key,),
            f"{key} {percent} is outside (0, 100]; give a percentage of the whole instance (it is "
            "multiplied by the instance's vCPUs)",
        )
    ]


# --------------------------------------------------------------------------------------------------
# Data capture, rollout


def sampling_percentage_problems(sampling_percentage: int) -> list[Problem]:
    """The share of requests data capture keeps. Path: ``sampling_percentage``."""
    if 0 <= sampling_percentage <= 100:
        return []
    return [
        (
            ("sampling_percentage",),
            f"sampling_percentage {sampling_percentage} is outside 0-100; give the percentage of requests "
            "to capture",
        )
    ]


def traffic_routing_problems(traffic_routing: str) -> list[Problem]:
    """How a rollout moves traffic. Path: ``traffic_routing``."""
    if traffic_routing in TRAFFIC_ROUTINGS:
        return []
    return [
        (
            ("traffic_routing",),
            f"traffic_routing {traffic_routing!r} is not ALL_AT_ONCE, CANARY or LINEAR",
        )
    ]


def rollout_wait_problems(key: str, seconds: float) -> list[Problem]:
    """A rollout's ``wait`` (between traffic shifts) or ``termination_wait`` (before the old fleet goes), in
    seconds: SageMaker takes 0-3600. Path: ``(key,)``."""
    if 0 <= seconds <= MAX_ROLLOUT_WAIT_SECONDS:
        return []
    what = _ROLLOUT_WAITS.get(key, key)
    return [
        (
            (key,),
            f"{what} is {seconds:g} seconds, outside 0-{MAX_ROLLOUT_WAIT_SECONDS} seconds; SageMaker waits "
            "at most an hour (60 minutes)",
        )
    ]


def execution_timeout_problems(seconds: float) -> list[Problem]:
    """A rollout's ``maximum_execution_timeout`` in seconds: SageMaker takes 600-28800.
    Path: ``maximum_execution_timeout``."""
    low, high = EXECUTION_TIMEOUT_SECONDS
    if low <= seconds <= high:
        return []
    return [
        (
            ("maximum_execution_timeout",),
            f"maximum_execution_timeout {seconds:g} seconds is outside {low}-{high} seconds; give 10 minutes "
            "to 8 hours, more than the rollout's waits together",
        )
    ]


def key_prefix_problems(key: str, prefix: str) -> list[Problem]:
    """An S3 key prefix the endpoint writes under (a leading or trailing ``/`` is dropped): segments of S3's
    safe characters without ``*``, joined by ``/``. Path: ``(key,)``."""
    if is_unresolved(prefix):
        return []
    segments = prefix.strip("/").split("/")
    if all(_KEY_SEGMENT_RE.match(s) and s != ".." for s in segments):
        return []
    return [
        (
            (key,),
            f"{key} {prefix!r} is not an S3 key prefix; use segments of letters, digits and -_.!'() joined "
            "by / (no * or ..: the prefix scopes IAM policies)",
        )
    ]


# --------------------------------------------------------------------------------------------------
# Model Monitor, async, serverless


def schedule_expression_problems(schedule_expression: str) -> list[Problem]:
    """A monitoring schedule. Path: ``schedule_expression``."""
    if _SCHEDULE_RE.match(schedule_expression):
        return []
    return [
        (
            ("schedule_expression",),
            f"schedule_expression {schedule_expression!r} is not a schedule Model Monitor takes; use "
            "cron(0 * ? * * *) (hourly), cron(0 H ? * * *) (daily at hour H), cron(0 H/N ? * * *) (every N "
            "hours from H)",
        )
    ]


def image_uri_problems(image_uri: str) -> list[Problem]:
    """A container image URI (Model Monitor's analyzer). Path: ``image_uri``."""
    if is_unresolved(image_uri) or (len(image_uri) <= 255 and _IMAGE_URI_RE.match(image_uri)):
        return []
    return [
        (
            ("image_uri",),
            f"image_uri {image_uri!r} is not an image URI; use <registry>/<repository>[:tag|@sha256:...], "
            "e.g. 159807026194.dkr.ecr.us-west-2.amazonaws.com/sagemaker-model-monitor-analyzer",
        )
    ]


def max_concurrent_invocations_problems(max_concurrent_invocations_per_instance: int) -> list[Problem]:
    """Async inference's concurrent requests per instance.
    Path: ``max_concurrent_invocations_per_instance``."""
    value = max_concurrent_invocations_per_instance
    if 1 <= value <= 1000:
        return []
    return [
        (
            ("max_concurrent_invocations_per_instance",),
            f"max_concurrent_invocations_per_instance {value} is outside 1-1000",
        )
    ]


def backlog_target_problems(backlog_target_per_instance: float) -> list[Problem]:
    """Async inference's queued requests per instance to scale on. Path: ``backlog_target_per_instance``."""
    if backlog_target_per_instance > 0:
        return []
    return [
        (
            ("backlog_target_per_instance",),
            f"backlog_target_per_instance is {backlog_target_per_instance}; use a positive number of queued "
            "requests per instance",
        )
    ]


def memory_size_problems(memory_size_mb: int) -> list[Problem]:
    """Serverless memory. Path: ``memory_size_mb``."""
    if memory_size_mb in SERVERLESS_MEMORY_SIZES_MB:
        return []
    return [(("memory_size_mb",), f"memory_size_mb {memory_size_mb} is not one of 1024, 2048, ... 6144")]


def max_concurrency_problems(max_concurrency: int) -> list[Problem]:
    """Serverless concurrent invocations. Path: ``max_concurrency``."""
    if 1 <= max_concurrency <= 200:
        return []
    return [(("max_concurrency",), f"max_concurrency {max_concurrency} is outside 1-200")]
