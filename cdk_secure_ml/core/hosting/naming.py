"""How an endpoint and the resources around it are named, and the name limits that follow.

SageMaker names (endpoints, endpoint configs, models, monitoring schedules) are at most 63 letters, digits and
hyphens (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateMonitoringSchedule.html). The
endpoint, its configs and its models are named ``<endpoint_name>-<8 hex>``, the monitoring schedule
``<endpoint_name>-data-quality``; so the base name has at most 54 characters, 50 with Model Monitor.

CDK-free: the config validators check the same limits.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from cdk_secure_ml.core.names import SAGEMAKER_NAME_RE
from cdk_secure_ml.core.problems import Problem, is_unresolved

#: Hex digits of the content hash in derived names.
HASH_LENGTH = 8
#: SageMaker's limit for endpoint, endpoint config, model and monitoring schedule names.
SAGEMAKER_NAME_MAX = 63
#: ``endpoint_name`` + ``-<8 hex>`` (the endpoint, its configs and models) stays within 63 characters.
MAX_ENDPOINT_NAME = SAGEMAKER_NAME_MAX - 1 - HASH_LENGTH
#: The suffix of the data-quality monitoring schedule's name: ``<endpoint_name>-data-quality``.
MONITORING_SCHEDULE_SUFFIX = "-data-quality"
#: ``endpoint_name`` + ``-data-quality`` stays within 63 characters.
MAX_MONITORED_ENDPOINT_NAME = SAGEMAKER_NAME_MAX - len(MONITORING_SCHEDULE_SUFFIX)


def content_hash(resolved: Any) -> str:
    """8 hex digits of the SHA-256 of ``resolved`` (JSON with sorted keys; other values as ``str``)."""
    text = json.dumps(resolved, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:HASH_LENGTH]


def endpoint_physical_name(endpoint_name: str, variants: Iterable[Any], serverless: bool = False) -> str:
    """The endpoint's physical name: ``<endpoint_name>-<8 hex>`` of its variant names and instance types.

    SageMaker cannot update those in place: an UpdateEndpoint that changes the instance type of (or removes)
    an auto-scaled variant fails
    (https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-scaling-update.html), and a blue/green update
    must keep the variant names
    (https://docs.aws.amazon.com/sagemaker/latest/dg/deployment-guardrails-exclusions.html). With the name
    derived from them, such a change renames the endpoint, which CloudFormation carries out as a replacement
    (``EndpointName`` is create-only): the new endpoint is created first, the old one deleted in the cleanup
    phase. Every other change (model, image, counts, weights, capture) keeps the name and updates the endpoint
    in place, blue/green.

    :param variants: objects with ``name`` and ``instance_type`` (``EndpointVariantOptions``), or
        ``(name, instance type)`` pairs. Serverless variants count as instance type ``"serverless"``.
    """
    parts = []
    for variant in variants:
        name, instance_type = variant if isinstance(variant, tuple) else (variant.name, variant.instance_type)
        parts.append((name, "serverless" if serverless else instance_type))
    digest = hashlib.sha256(json.dumps(sorted(parts)).encode()).hexdigest()[:HASH_LENGTH]
    return f"{endpoint_name}-{digest}"


def monitoring_schedule_name(endpoint_name: str) -> str:
    """``<endpoint_name>-data-quality``: the base name, so the schedule keeps its name when the endpoint is
    replaced."""
    return f"{endpoint_name}{MONITORING_SCHEDULE_SUFFIX}"


def endpoint_name_problems(
    endpoint_name: str, *, model_monitor: bool = False, key: str = "endpoint_name"
) -> list[Problem]:
    """The endpoint's base name (``key`` names it in the messages: ``name`` in the config).
    Path: ``(key,)``."""
    if is_unresolved(endpoint_name) or not SAGEMAKER_NAME_RE.match(endpoint_name):
        return [
            (
                (key,),
                f"{key} {endpoint_name!r} is invalid; use 1-{MAX_ENDPOINT_NAME} letters, digits and "
                "hyphens (a literal string: the endpoint, log group, model and config names derive "
                "from it)",
            )
        ]
    if len(endpoint_name) > MAX_ENDPOINT_NAME:
        return [
            (
                (key,),
                f"{key} {endpoint_name!r} has {len(endpoint_name)} characters; the endpoint, its "
                f"configs and models are named <{key}>-<8 hex>, at most {SAGEMAKER_NAME_MAX} "
                f"characters: shorten it to {MAX_ENDPOINT_NAME} or fewer",
            )
        ]
    if model_monitor and len(endpoint_name) > MAX_MONITORED_ENDPOINT_NAME:
        schedule = monitoring_schedule_name(endpoint_name)
        return [
            (
                (key,),
                f"{key} {endpoint_name!r} has {len(endpoint_name)} characters; its monitoring "
                f"schedule {schedule!r} would exceed SageMaker's {SAGEMAKER_NAME_MAX}: shorten the "
                f"name to {MAX_MONITORED_ENDPOINT_NAME} characters or fewer, or turn model_monitor "
                "off",
            )
        ]
    return []
