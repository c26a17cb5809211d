"""The options of an endpoint (``endpoints[].autoscaling``, ``data_capture``, ``alarms``, ``rollout``,
``model_monitor``, ``async_inference``, ``serverless``; docs/hosting.md), each with its own checks.

These mirror the option types of ``SecureEndpoint`` (``AutoScalingOptions``, ``DataCaptureOptions``, ...),
and so do their checks: they are those types' checks, from :mod:`cdk_secure_ml.core.hosting`. A key's own
check is a field validator running a one-value check of :mod:`~cdk_secure_ml.core.hosting.values`
(:func:`~cdk_secure_ml.config._types.hosting_check`); a check that compares keys is a rule (a function named
``*_problems`` returning ``(path, message)`` pairs relative to its option) calling
:mod:`~cdk_secure_ml.core.hosting.checks`. So the config refuses what ``SecureEndpoint`` refuses, in the same
words, each problem at its key and line. What only the config has is checked here: a target or a load test,
not both; prefixes that go under the endpoint's team prefix.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field

from cdk_secure_ml.config._section import Problem, Section
from cdk_secure_ml.config._types import hosting_check
from cdk_secure_ml.core.hosting import checks, values
from cdk_secure_ml.core.names import INSTANCE_TYPE_RE

_NUMBER = (int, float)


def _relative_prefix(prefix: str) -> str:
    if prefix != prefix.strip("/"):
        raise ValueError(f"prefix {prefix!r} starts or ends with /; the endpoint's objects go under "
                         f"<team>/<prefix>/..., so give it without: {prefix.strip('/')}")
    return prefix


#: A key prefix under the endpoint's team prefix: what SecureEndpoint accepts as a prefix, without the
#: leading or trailing ``/`` it would drop (ServingStack puts it after ``<team>/``).
TeamPrefix = Annotated[str, hosting_check(values.key_prefix_problems, keyed=True),
                       AfterValidator(_relative_prefix)]


# --------------------------------------------------------------------------------------------------
# Autoscaling


def scaling_range_problems(scaling: Any) -> list[Problem]:
    """``min_capacity`` <= ``max_capacity``."""
    return checks.scaling_range_problems(min_capacity=scaling.min_capacity, max_capacity=scaling.max_capacity)


def scaling_target_choice_problems(scaling: Any) -> list[Problem]:
    """A target, or a load test's max_rps, not both."""
    if scaling.max_rps is not None and scaling.target_invocations_per_instance is not None:
        return [(("max_rps",), "give either target_invocations_per_instance or max_rps (with safety_factor), "
                               "not both")]
    return []


class EndpointAutoscalingConfig(Section):
    """Target tracking on SageMakerVariantInvocationsPerInstance; target given or from a load test."""

    min_capacity: Annotated[int, hosting_check(values.min_capacity_problems, before=_NUMBER)] = Field(
        2, ge=0, description="Instances at least; 2 or more in production, 0 only for async endpoints with "
        "scale_to_zero.")
    max_capacity: Annotated[int, hosting_check(values.max_capacity_problems, before=_NUMBER)] = Field(
        4, ge=1, description="Instances at most.")
    target_invocations_per_instance: Annotated[
        float | None, hosting_check(values.target_invocations_problems)] = Field(
        None, description="Invocations per instance per minute; default 70, or max_rps * safety_factor * 60."
    )
    max_rps: Annotated[float | None, hosting_check(values.max_rps_problems)] = Field(
        None, description="Requests per second one instance sustained in a load test.")
    safety_factor: Annotated[float, hosting_check(values.safety_factor_problems)] = Field(
        0.5, description="Headroom on max_rps, in (0, 1]: 0.5 scales out at half of it.")
    scale_in_cooldown_seconds: Annotated[
        int, hosting_check(partial(values.cooldown_problems, "scale_in_cooldown"), before=_NUMBER)] = Field(
        300, ge=0, description="Seconds between scale-in activities.")
    scale_out_cooldown_seconds: Annotated[
        int, hosting_check(partial(values.cooldown_problems, "scale_out_cooldown"), before=_NUMBER)] = Field(
        300, ge=0, description="Seconds between scale-out activities.")
    disable_scale_in: bool = Field(False, description="Never scale in (only out).")
    cpu_target_percent: Annotated[
        float | None, hosting_check(values.percent_of_instance_problems, keyed=True)] = Field(
        None, description="Add a target-tracking policy on CPUUtilization: a percentage of the whole "
                          "instance, in (0, 100] (multiplied by its vCPUs).")

    rules = (scaling_range_problems, scaling_target_choice_problems)

    def target(self) -> float:
        """The invocations-per-instance target: given, from the load test, or 70."""
        if self.target_invocations_per_instance is not None:
            return self.target_invocations_per_instance
        if self.max_rps is not None:
            return self.max_rps * self.safety_factor * 60
        return 70.0


# --------------------------------------------------------------------------------------------------
# Data capture and alarms


class EndpointDataCaptureConfig(Section):
    """Capture to the platform's data bucket under ``<team>/<prefix>/<endpoint name>/``, encrypted with the
    data key: the team's personas can read it."""

    sampling_percentage: Annotated[int, hosting_check(values.sampling_percentage_problems)] = Field(
        100, description="Percentage of requests captured, 0-100.")
    prefix: TeamPrefix = Field("data-capture", description="Key prefix under the endpoint's team prefix.")


class EndpointAlarmsConfig(Section):
    """Per-variant alarm thresholds; null turns an alarm off. 5XX and latency alarms roll a deployment
    back."""

    invocation_5xx_errors: float | None = Field(1, description="Invocation5XXErrors per minute.")
    invocation_4xx_errors: float | None = Field(10, description="Invocation4XXErrors per minute (notifies "
                                                                "only).")
    model_latency_p99_ms: float | None = Field(1000, description="p99 ModelLatency, in milliseconds.")
    cpu_utilization_percent: Annotated[
        float | None, hosting_check(values.percent_of_instance_problems, keyed=True)] = Field(
        80, description="CPUUtilization as a percentage of the whole instance, in (0, 100] (multiplied by "
                        "its vCPUs).")
    memory_utilization_percent: float | None = Field(80, description="MemoryUtilization, percent.")
    disk_utilization_percent: float | None = Field(80, description="DiskUtilization, percent.")

    def rollback_alarms_per_variant(self) -> int:
        """The alarms per variant that roll a deployment back (5XX and latency)."""
        return checks.rollback_alarms_per_variant(invocation_5xx_errors=self.invocation_5xx_errors,
                                                  model_latency_p99=self.model_latency_p99_ms)


# --------------------------------------------------------------------------------------------------
# Rollout


def rollout_size_problems(rollout: Any) -> list[Problem]:
    """The canary size or linear step goes with the traffic routing."""
    return checks.rollout_problems(traffic_routing=rollout.traffic_routing, size_percent=rollout.size_percent)


def _minutes(key: str, minutes: float) -> list[Problem]:
    """A rollout wait given in minutes, checked in seconds as SecureEndpoint takes it."""
    return values.rollout_wait_problems(key, minutes * 60)


class EndpointRolloutConfig(Section):
    """Blue/green deployment with traffic shifting and automatic rollback on the alarms."""

    traffic_routing: Annotated[
        Literal["ALL_AT_ONCE", "CANARY", "LINEAR"], hosting_check(values.traffic_routing_problems,
                                                                   before=(str,))] = Field(
        "ALL_AT_ONCE", description="How traffic moves to the new fleet: ALL_AT_ONCE, CANARY or LINEAR.")
    size_percent: float | None = Field(
        None,
        description="Canary size (1-50 %) or linear step (10-50 %) of the new fleet (CANARY, LINEAR only).",
        # For editors: the widest range and whole percents (the rule above checks each routing's own range).
        json_schema_extra={"minimum": 1, "maximum": 50, "multipleOf": 1},
    )
    wait_minutes: Annotated[int, hosting_check(partial(_minutes, "wait"), before=_NUMBER)] = Field(
        5, ge=0, le=60, description="Minutes between traffic shifts (baking), 0-60.")
    termination_wait_minutes: Annotated[
        int, hosting_check(partial(_minutes, "termination_wait"), before=_NUMBER)] = Field(
        5, ge=0, le=60, description="Minutes the old fleet stays after the shift, 0-60.")
    auto_rollback: bool = Field(True, description="Roll back when a 5XX or latency alarm fires.")

    rules = (rollout_size_problems,)


# --------------------------------------------------------------------------------------------------
# Model Monitor, async inference, serverless


def baseline_problems(monitor: Any) -> list[Problem]:
    """Both baseline files, or neither."""
    return checks.baseline_problems(has_baseline_constraints=monitor.baseline_constraints is not None,
                                    has_baseline_statistics=monitor.baseline_statistics is not None)


class EndpointMonitorConfig(Section):
    """Model Monitor data-quality schedule; baseline files are keys in the data bucket under the endpoint's
    team prefix, reports go to ``<team>/<output_prefix>/<endpoint name>``.

    For existing Model Monitor customers only: AWS no longer opens Model Monitor to new customers
    (https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-data-capture.md), so the key is off unless
    set, and the schedule keeps the construct ids (and name ``<endpoint>-data-quality``) it always had."""

    schedule_expression: Annotated[str, hosting_check(values.schedule_expression_problems)] = Field(
        "cron(0 * ? * * *)", description="cron(...) or rate(...) of the schedule.")
    instance_type: Annotated[
        str, hosting_check(partial(values.instance_type_problems, example="ml.m5.xlarge"))] = Field(
        "ml.m5.xlarge", description="Instance type of the monitoring job.",
        json_schema_extra={"pattern": INSTANCE_TYPE_RE.pattern})
    baseline_constraints: str | None = Field(None, description="Key of constraints.json in the data bucket "
                                                               "(<team>/...).")
    baseline_statistics: str | None = Field(None, description="Key of statistics.json in the data bucket "
                                                              "(<team>/...).")
    output_prefix: TeamPrefix = Field("model-monitor", description="Key prefix under the endpoint's team "
                                                                   "prefix.")
    image_uri: Annotated[str | None, hosting_check(values.image_uri_problems)] = Field(
        None, description="The Model Monitor analyzer image; default: AWS's image of the region. Regions "
                          "outside the SageMaker SDK's table need it (the config says so).")

    rules = (baseline_problems,)


class EndpointAsyncConfig(Section):
    """Async inference through the data bucket (``<team>/<prefix>/<endpoint>/input|output|failures``)."""

    max_concurrent_invocations_per_instance: Annotated[
        int | None, hosting_check(values.max_concurrent_invocations_problems, before=_NUMBER)] = Field(
        None, ge=1, le=1000, description="Concurrent requests per instance, 1-1000; default: SageMaker's.")
    scale_to_zero: bool = Field(True, description="Scale to 0 instances when the queue is empty.")
    prefix: TeamPrefix = Field("async-inference", description="Key prefix under the endpoint's team prefix.")


class EndpointServerlessConfig(Section):
    """Serverless inference: no VPC, no volume key; only with ``strict: false``."""

    memory_size_mb: Annotated[
        Literal[1024, 2048, 3072, 4096, 5120, 6144], hosting_check(values.memory_size_problems,
                                                                    before=(int,))] = Field(
        2048, description="Memory in MB: 1024, 2048, ... 6144.")
    max_concurrency: Annotated[int, hosting_check(values.max_concurrency_problems, before=_NUMBER)] = Field(
        5, ge=1, le=200, description="Concurrent invocations, 1-200.")
