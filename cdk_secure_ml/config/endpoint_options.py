"""The options of an endpoint (``endpoints[].autoscaling``, ``data_capture``, ``alarms``, ``rollout``,
``model_monitor``, ``async_inference``, ``serverless``; docs/hosting.md), each with its own checks.

These mirror the option types of ``SecureEndpoint`` (``AutoScaling``, ``DataCapture``, ...). A check of
one value is a field validator; a check that compares values is a rule function named ``*_problems``
returning ``(path, message)`` pairs relative to its option, so it can be replaced by a call to a CDK-free
option type's check without touching the others.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, field_validator

from cdk_secure_ml.config._section import Problem, Section
from cdk_secure_ml.config._types import InstanceType, S3Prefix

_IMAGE_URI_RE = re.compile(
    r"^[a-z0-9.-]+(:\d+)?/[a-z0-9]+([._/-][a-z0-9]+)*(:[\w][\w.-]{0,127}|@sha256:[0-9a-f]{64})?$"
)


def capacity_problems(scaling: Any) -> list[Problem]:
    """Hosting check "min <= max capacity"."""
    if scaling.min_capacity > scaling.max_capacity:
        return [(("min_capacity",), (f"min_capacity {scaling.min_capacity} > max_capacity "
                                     f"{scaling.max_capacity}; make min <= max"))]
    return []


def scaling_target_choice_problems(scaling: Any) -> list[Problem]:
    """A target, or a load test's max_rps, not both."""
    if scaling.max_rps is not None and scaling.target_invocations_per_instance is not None:
        return [(("max_rps",), "give either target_invocations_per_instance or max_rps (with safety_factor), "
                               "not both")]
    return []


class EndpointAutoscalingConfig(Section):
    """Target tracking on SageMakerVariantInvocationsPerInstance; target given or from a load test."""

    min_capacity: int = Field(
        2, ge=0, description="Instances at least; 2 or more in production, 0 only for async endpoints with "
        "scale_to_zero.")
    max_capacity: int = Field(4, ge=1, description="Instances at most.")
    target_invocations_per_instance: float | None = Field(
        None, description="Invocations per instance per minute; default 70, or max_rps * safety_factor * 60."
    )
    max_rps: float | None = Field(None, description="Requests per second one instance sustained in a load "
                                                    "test.")
    safety_factor: float = Field(0.5, description="Headroom on max_rps, in (0, 1]: 0.5 scales out at half of "
                                                  "it.")
    scale_in_cooldown_seconds: int = Field(300, ge=0, description="Seconds between scale-in activities.")
    scale_out_cooldown_seconds: int = Field(300, ge=0, description="Seconds between scale-out activities.")
    disable_scale_in: bool = Field(False, description="Never scale in (only out).")
    cpu_target_percent: float | None = Field(
        None, description="Add a target-tracking policy on CPUUtilization: a percentage of the whole "
                          "instance, in (0, 100] (multiplied by its vCPUs).")

    rules = (capacity_problems, scaling_target_choice_problems)

    @field_validator("target_invocations_per_instance")
    @classmethod
    def _target(cls, value: float | None) -> float | None:
        if value is not None and value <= 0:
            raise ValueError(f"target_invocations_per_instance is {value}; use a positive number of "
                             "invocations per instance per minute")
        return value

    @field_validator("max_rps")
    @classmethod
    def _max_rps(cls, value: float | None) -> float | None:
        if value is not None and value <= 0:
            raise ValueError(f"max_rps is {value}; use the requests per second one instance sustained (> 0)")
        return value

    @field_validator("safety_factor")
    @classmethod
    def _safety_factor(cls, value: float) -> float:
        if not 0 < value <= 1:
            raise ValueError(f"safety_factor is {value}; use a value in (0, 1], e.g. 0.5")
        return value

    @field_validator("cpu_target_percent")
    @classmethod
    def _cpu_target(cls, value: float | None) -> float | None:
        if value is not None and value <= 0:
            raise ValueError(f"cpu_target_percent is {value}; use a positive percentage")
        if value is not None and value > 100:
            raise ValueError(f"cpu_target_percent {value} is outside (0, 100]; give a percentage of the "
                             "whole instance (it is multiplied by the instance's vCPUs)")
        return value

    def target(self) -> float:
        """The invocations-per-instance target: given, from the load test, or 70."""
        if self.target_invocations_per_instance is not None:
            return self.target_invocations_per_instance
        if self.max_rps is not None:
            return self.max_rps * self.safety_factor * 60
        return 70.0


class EndpointDataCaptureConfig(Section):
    """Capture to the platform's data bucket under ``<team>/<prefix>/<endpoint name>/``, encrypted with the
    data key: the team's personas can read it."""

    sampling_percentage: int = Field(100, description="Percentage of requests captured, 0-100.")
    prefix: S3Prefix = Field("data-capture", description="Key prefix under the endpoint's team prefix.")

    @field_validator("sampling_percentage")
    @classmethod
    def _percentage(cls, value: int) -> int:
        if not 0 <= value <= 100:
            raise ValueError(f"sampling percentage {value} is outside 0-100; give the percentage of requests "
                             "to capture")
        return value


class EndpointAlarmsConfig(Section):
    """Per-variant alarm thresholds; null turns an alarm off. 5XX and latency alarms roll a deployment
    back."""

    invocation_5xx_errors: float | None = Field(1, description="Invocation5XXErrors per minute.")
    invocation_4xx_errors: float | None = Field(10, description="Invocation4XXErrors per minute (notifies "
                                                                "only).")
    model_latency_p99_ms: float | None = Field(1000, description="p99 ModelLatency, in milliseconds.")
    cpu_utilization_percent: float | None = Field(
        80, description="CPUUtilization as a percentage of the whole instance, in (0, 100] (multiplied by "
                        "its vCPUs).")
    memory_utilization_percent: float | None = Field(80, description="MemoryUtilization, percent.")
    disk_utilization_percent: float | None = Field(80, description="DiskUtilization, percent.")

    @field_validator("cpu_utilization_percent")
    @classmethod
    def _cpu(cls, value: float | None) -> float | None:
        if value is not None and not 0 < value <= 100:
            raise ValueError(f"cpu_utilization_percent {value} is outside (0, 100]; give a percentage of the "
                             "whole instance (it is multiplied by the instance's vCPUs)")
        return value


def rollout_size_problems(rollout: Any) -> list[Problem]:
    """Hosting check "rollout size 1-100"."""
    if rollout.traffic_routing == "ALL_AT_ONCE":
        if rollout.size_percent is not None:
            return [(("size_percent",), "size_percent applies to CANARY and LINEAR rollouts only; remove it")]
        return []
    if rollout.size_percent is None or not 1 <= rollout.size_percent <= 100:
        what = "canary size" if rollout.traffic_routing == "CANARY" else "linear step"
        return [(("size_percent",), f"{what} {rollout.size_percent} % is outside 1-100 %; set size_percent, "
                                    "e.g. 10")]
    return []


class EndpointRolloutConfig(Section):
    """Blue/green deployment with traffic shifting and automatic rollback on the alarms."""

    traffic_routing: Literal["ALL_AT_ONCE", "CANARY", "LINEAR"] = Field(
        "ALL_AT_ONCE", description="How traffic moves to the new fleet: ALL_AT_ONCE, CANARY or LINEAR.")
    size_percent: float | None = Field(None, description="Canary size or linear step, 1-100 % (CANARY and "
                                                         "LINEAR only).")
    wait_minutes: int = Field(5, ge=0, le=60, description="Minutes between traffic shifts (baking), 0-60.")
    termination_wait_minutes: int = Field(
        5, ge=0, le=60, description="Minutes the old fleet stays after the shift, 0-60.")
    auto_rollback: bool = Field(True, description="Roll back when a 5XX or latency alarm fires.")

    rules = (rollout_size_problems,)


def baseline_problems(monitor: Any) -> list[Problem]:
    """Both baseline files, or neither."""
    if (monitor.baseline_constraints is None) != (monitor.baseline_statistics is None):
        missing = "baseline_statistics" if monitor.baseline_statistics is None else "baseline_constraints"
        return [((missing,), "give both baseline_constraints and baseline_statistics (or neither)")]
    return []


class EndpointMonitorConfig(Section):
    """Model Monitor data-quality schedule; baseline files are keys in the data bucket under the endpoint's
    team prefix, reports go to ``<team>/<output_prefix>/<endpoint name>``."""

    schedule_expression: str = Field("cron(0 * ? * * *)", description="cron(...) or rate(...) of the "
                                                                      "schedule.")
    instance_type: InstanceType = Field("ml.m5.xlarge", description="Instance type of the monitoring job.")
    baseline_constraints: str | None = Field(None, description="Key of constraints.json in the data bucket "
                                                               "(<team>/...).")
    baseline_statistics: str | None = Field(None, description="Key of statistics.json in the data bucket "
                                                              "(<team>/...).")
    output_prefix: S3Prefix = Field("model-monitor", description="Key prefix under the endpoint's team "
                                                                 "prefix.")
    image_uri: str | None = Field(
        None, description="The Model Monitor analyzer image; default: AWS's image of the region. Regions "
                          "outside the SageMaker SDK's table need it (the config says so).")

    rules = (baseline_problems,)

    @field_validator("image_uri")
    @classmethod
    def _image_uri(cls, value: str | None) -> str | None:
        if value is not None and (len(value) > 255 or not _IMAGE_URI_RE.match(value)):
            raise ValueError(f"{value!r} is not an image URI; use <registry>/<repository>[:tag|@sha256:...], "
                             "e.g. "
                             "159807026194.dkr.ecr.us-west-2.amazonaws.com/sagemaker-model-monitor-analyzer")
        return value

    @field_validator("schedule_expression")
    @classmethod
    def _schedule(cls, value: str) -> str:
        if not re.match(r"^(cron|rate)\(.+\)$", value):
            raise ValueError(f"schedule_expression {value!r} is not cron(...), e.g. cron(0 * ? * * *)")
        return value


class EndpointAsyncConfig(Section):
    """Async inference through the data bucket (``<team>/<prefix>/<endpoint>/input|output|failures``)."""

    max_concurrent_invocations_per_instance: int | None = Field(
        None, ge=1, le=1000, description="Concurrent requests per instance, 1-1000; default: SageMaker's.")
    scale_to_zero: bool = Field(True, description="Scale to 0 instances when the queue is empty.")
    prefix: S3Prefix = Field("async-inference", description="Key prefix under the endpoint's team prefix.")


class EndpointServerlessConfig(Section):
    """Serverless inference: no VPC, no volume key; only with ``strict: false``."""

    memory_size_mb: Literal[1024, 2048, 3072, 4096, 5120, 6144] = Field(
        2048, description="Memory in MB: 1024, 2048, ... 6144.")
    max_concurrency: int = Field(5, ge=1, le=200, description="Concurrent invocations, 1-200.")
