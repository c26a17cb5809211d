"""The options of a SageMaker endpoint, as plain values with their checks.

These are the parts of ``SecureEndpoint``'s options that hold no AWS resource: variants, autoscaling, alarm
thresholds, rollout, serverless, and the plain settings of data capture, Model Monitor and async inference
(the hosting constructs add the buckets, keys and topics: ``cdk_secure_ml.constructs.hosting.options``).
Each type has ``problems()``, which returns ``(path, message)`` pairs from :mod:`.checks`.

**Durations** are seconds (a number), or any object with ``to_seconds()`` such as ``aws_cdk.Duration``; see
:func:`seconds`. CDK-free: nothing here imports aws_cdk or jsii, and no default builds a jsii object.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol, TypeAlias, TypeVar

from cdk_secure_ml.core.hosting import checks, values
from cdk_secure_ml.core.hosting.model_source import ModelSource
from cdk_secure_ml.core.problems import Problem, nested

#: The instance type of a variant that names none.
DEFAULT_INSTANCE_TYPE = "ml.m5.large"
#: Target tracking default when neither a target nor a load-test result is given: invocations per instance
#: per minute.
DEFAULT_INVOCATIONS_TARGET = 70.0
#: How a blue/green deployment shifts traffic to the new fleet.
TrafficRouting = Literal["ALL_AT_ONCE", "CANARY", "LINEAR"]


class SupportsToSeconds(Protocol):
    """A duration that converts itself to seconds, e.g. ``aws_cdk.Duration``."""

    def to_seconds(self, *, integral: bool | None = None) -> float: ...


#: A duration: seconds, or an ``aws_cdk.Duration``.
Seconds: TypeAlias = "float | SupportsToSeconds"
_C = TypeVar("_C", bound=type)
_SOURCE_FIX = "give source=ModelSource.from_image(image, model_data) or ModelSource.from_model_package(arn)"


def removed_arguments(**fixes: str) -> Callable[[_C], _C]:
    """Class decorator: keyword arguments that ``__init__`` no longer takes fail with a ``TypeError`` that
    names their replacement (``fixes``: argument name -> fix), not Python's bare "unexpected keyword"."""

    def decorate(cls: _C) -> _C:
        init: Callable[..., None] = vars(cls)["__init__"]  # the dataclass's own

        @functools.wraps(init)
        def checked(self: Any, *args: Any, **kwargs: Any) -> None:
            removed = [name for name in kwargs if name in fixes]
            if removed:
                raise TypeError(
                    f"{cls.__name__}: " + "; ".join(f"{name}= was removed: {fixes[name]}" for name in removed)
                )
            init(self, *args, **kwargs)

        cls.__init__ = checked  # type: ignore[misc]
        return cls

    return decorate


def seconds(value: float | SupportsToSeconds) -> float:
    """``value`` in seconds: a number as it is, a ``Duration`` converted (fractions kept: 250 ms is 0.25)."""
    if isinstance(value, int | float):
        return value
    return value.to_seconds(integral=False)


def invocations_target(max_rps: float, safety_factor: float = 0.5) -> float:
    """Target for ``SageMakerVariantInvocationsPerInstance`` from a load test:
    ``max_rps * safety_factor * 60`` (invocations per instance per minute).

    :param max_rps: the highest requests per second one instance sustained in the load test.
    :param safety_factor: headroom, 0 < factor <= 1; 0.5 scales out at half the tested maximum.
    :raises ValueError: naming each bad argument and its fix.
    """
    problems = checks.invocations_target_problems(max_rps=max_rps, safety_factor=safety_factor)
    if problems:
        raise ValueError("invocations_target: " + "; ".join(message for _, message in problems))
    return max_rps * safety_factor * 60


@removed_arguments(image=_SOURCE_FIX, model_data=_SOURCE_FIX, model_package=_SOURCE_FIX)
@dataclass(frozen=True)
class EndpointVariantOptions:
    """One production variant. Several variants split traffic by ``weight`` (A/B tests).

    :param name: the variant name (1-63 letters, digits, hyphens).
    :param instance_type: ``ml.<family>.<size>``.
    :param instance_count: initial instances; >= 2 in production.
    :param volume_size_gb: the instance's storage volume (default: SageMaker's).
    :param source: this variant's own model; default: the endpoint's ``model_source``.
    """

    name: str = "AllTraffic"
    instance_type: str = DEFAULT_INSTANCE_TYPE
    instance_count: int = 2
    weight: float = 1.0
    volume_size_gb: int | None = None
    source: ModelSource | None = None

    def problems(self, *, bucket_name: str | None = None) -> list[Problem]:
        """Paths: ``name``, ``instance_type``, ``weight``, ``("source", ...)``. The instance count depends on
        the endpoint (production or not): :func:`.checks.capacity_problems`."""
        problems = checks.variant_problems(
            name=self.name, instance_type=self.instance_type, weight=self.weight
        )
        if self.source is not None:
            problems += nested(("source",), self.source.problems(bucket_name=bucket_name))
        return problems


@dataclass(frozen=True)
class AutoScalingOptions:
    """Target tracking on ``SageMakerVariantInvocationsPerInstance`` for every variant.

    :param target_invocations_per_instance: invocations per instance per minute; see
        :func:`invocations_target`. Default 70.
    :param scale_in_cooldown: seconds (or a ``Duration``). Default 300.
    :param scale_out_cooldown: seconds (or a ``Duration``). Default 300.
    :param disable_scale_in: the policies only add instances (scale in by hand or on a schedule).
    :param cpu_target_percent: add a second target-tracking policy on the variant's average
        ``CPUUtilization``: a percentage of the whole instance, multiplied by its vCPUs.
    """

    min_capacity: int = 2
    max_capacity: int = 4
    target_invocations_per_instance: float = DEFAULT_INVOCATIONS_TARGET
    scale_in_cooldown: Seconds = 300
    scale_out_cooldown: Seconds = 300
    disable_scale_in: bool = False
    cpu_target_percent: float | None = None

    def problems(self) -> list[Problem]:
        """Paths: the field names. The minimum in production: :func:`.checks.capacity_problems`."""
        return checks.autoscaling_problems(
            min_capacity=self.min_capacity,
            max_capacity=self.max_capacity,
            target_invocations_per_instance=self.target_invocations_per_instance,
            scale_in_cooldown_seconds=seconds(self.scale_in_cooldown),
            scale_out_cooldown_seconds=seconds(self.scale_out_cooldown),
            cpu_target_percent=self.cpu_target_percent,
        )


@dataclass(frozen=True)
class AlarmOptions:
    """Per-variant alarm thresholds. Each alarm fires after ``datapoints_to_alarm`` of
    ``evaluation_periods`` one-minute periods breach. ``None`` leaves that alarm out.

    :param model_latency_p99: seconds (or a ``Duration``); the alarm compares ``ModelLatency`` p99 in
        microseconds. Default 1 second.
    :param cpu_utilization_percent: a percentage of the whole instance, multiplied by its vCPUs.
    """

    invocation_5xx_errors: float | None = 1
    invocation_4xx_errors: float | None = 10
    model_latency_p99: Seconds | None = 1
    cpu_utilization_percent: float | None = 80
    memory_utilization_percent: float | None = 80
    disk_utilization_percent: float | None = 80
    evaluation_periods: int = 3
    datapoints_to_alarm: int = 2

    @property
    def rollback_alarms_per_variant(self) -> int:
        """Alarms per variant that roll a deployment back: 5XX and latency (4XX only notifies)."""
        return checks.rollback_alarms_per_variant(
            invocation_5xx_errors=self.invocation_5xx_errors, model_latency_p99=self.model_latency_p99
        )

    def problems(self) -> list[Problem]:
        """Paths: ``datapoints_to_alarm``, ``cpu_utilization_percent``."""
        return checks.alarm_problems(
            evaluation_periods=self.evaluation_periods,
            datapoints_to_alarm=self.datapoints_to_alarm,
            cpu_utilization_percent=self.cpu_utilization_percent,
        )


@dataclass(frozen=True)
class RolloutOptions:
    """Blue/green deployment of a changed endpoint config, with automatic rollback on the error and
    latency alarms. Use :meth:`all_at_once`, :meth:`canary` or :meth:`linear`.

    :param size_percent: canary size (1-50), or linear step (10-50), in whole percent of the new fleet.
    :param wait: baking time after each traffic shift: seconds (or a ``Duration``).
    :param termination_wait: how long the old fleet is kept after all traffic moved: seconds.
    :param maximum_execution_timeout: seconds; default SageMaker's.
    """

    traffic_routing: TrafficRouting = "ALL_AT_ONCE"
    size_percent: float | None = None
    wait: Seconds = 300
    termination_wait: Seconds = 300
    maximum_execution_timeout: Seconds | None = None
    auto_rollback: bool = True

    @classmethod
    def all_at_once(cls, *, wait: Seconds | None = None, **kwargs: Any) -> RolloutOptions:
        """All traffic to the new fleet at once, after it is healthy; ``wait`` default 5 minutes."""
        return cls("ALL_AT_ONCE", None, 300 if wait is None else wait, **kwargs)

    @classmethod
    def canary(cls, percent: float = 10, *, wait: Seconds | None = None, **kwargs: Any) -> RolloutOptions:
        """``percent`` of the traffic first, the rest after ``wait`` (default 10 minutes)."""
        return cls("CANARY", percent, 600 if wait is None else wait, **kwargs)

    @classmethod
    def linear(
        cls, step_percent: float = 20, *, wait: Seconds | None = None, **kwargs: Any
    ) -> RolloutOptions:
        """Steps of ``step_percent``, ``wait`` (default 5 minutes) apart."""
        return cls("LINEAR", step_percent, 300 if wait is None else wait, **kwargs)

    def problems(self) -> list[Problem]:
        """Paths: ``traffic_routing``, ``size_percent``, ``wait``, ``termination_wait``,
        ``maximum_execution_timeout``."""
        problems = checks.rollout_problems(
            traffic_routing=self.traffic_routing, size_percent=self.size_percent
        )
        problems += values.rollout_wait_problems("wait", seconds(self.wait))
        problems += values.rollout_wait_problems("termination_wait", seconds(self.termination_wait))
        if self.maximum_execution_timeout is not None:
            problems += values.execution_timeout_problems(seconds(self.maximum_execution_timeout))
        return problems


@dataclass(frozen=True)
class ServerlessOptions:
    """Serverless inference. It cannot run in a VPC and takes no volume key, so ``strict`` endpoints
    refuse it.

    :param memory_size_mb: 1024, 2048, ... 6144.
    :param max_concurrency: 1-200.
    """

    memory_size_mb: int = 2048
    max_concurrency: int = 5

    def problems(self) -> list[Problem]:
        """Paths: the field names."""
        return checks.serverless_problems(
            memory_size_mb=self.memory_size_mb, max_concurrency=self.max_concurrency
        )


@dataclass(frozen=True, kw_only=True)
class DataCaptureSettings:
    """The plain part of data capture (``DataCaptureOptions`` adds the bucket and key).

    :param prefix: key prefix; objects go to ``<prefix>/<endpoint name>/<variant>/...``.
    :param sampling_percentage: 0-100 % of the requests.
    """

    prefix: str = "data-capture"
    sampling_percentage: int = 100
    capture_request: bool = True
    capture_response: bool = True

    def problems(self) -> list[Problem]:
        """Paths: ``prefix``, ``sampling_percentage``, ``capture_request``."""
        return values.key_prefix_problems("prefix", self.prefix) + checks.data_capture_problems(
            sampling_percentage=self.sampling_percentage,
            capture_request=self.capture_request,
            capture_response=self.capture_response,
        )


@dataclass(frozen=True, kw_only=True)
class ModelMonitorSettings:
    """The plain part of a Model Monitor data-quality schedule (``ModelMonitorOptions`` adds the bucket
    and keys).

    :param baseline_constraints_key: key of the baselining job's ``constraints.json`` in the output bucket;
        with ``baseline_statistics_key``, or neither (then the job reports statistics only).
    :param max_runtime: seconds (or a ``Duration``). Default 30 minutes.
    :param image_uri: the analyzer image; default AWS's image of the stack's region.
    """

    output_prefix: str = "model-monitor"
    schedule_expression: str = "cron(0 * ? * * *)"
    instance_type: str = "ml.m5.xlarge"
    volume_size_gb: int = 20
    baseline_constraints_key: str | None = None
    baseline_statistics_key: str | None = None
    max_runtime: Seconds = 1800
    image_uri: str | None = None

    def problems(self) -> list[Problem]:
        """Paths: ``output_prefix``, ``instance_type``, ``schedule_expression``, ``baseline_constraints_key``
        / ``baseline_statistics_key`` for the missing half of a baseline, ``image_uri``. (Whether the region
        has an image: :func:`.checks.monitor_image_problems`.)"""
        problems = values.key_prefix_problems("output_prefix", self.output_prefix)
        problems += checks.model_monitor_problems(
            instance_type=self.instance_type,
            schedule_expression=self.schedule_expression,
            has_baseline_constraints=self.baseline_constraints_key is not None,
            has_baseline_statistics=self.baseline_statistics_key is not None,
            baseline_keys=("baseline_constraints_key", "baseline_statistics_key"),
        )
        if self.image_uri is not None:
            problems += values.image_uri_problems(self.image_uri)
        return problems


@dataclass(frozen=True, kw_only=True)
class AsyncInferenceSettings:
    """The plain part of async inference (``AsyncInferenceOptions`` adds the bucket, key and topics).

    :param scale_to_zero: the variants scale in to 0 instances and back out on a backlog.
    :param backlog_target_per_instance: queued requests per instance the scaling policy tracks.
    """

    input_prefix: str = "async/input"
    output_prefix: str = "async/output"
    failure_prefix: str = "async/failures"
    max_concurrent_invocations_per_instance: int | None = None
    scale_to_zero: bool = True
    backlog_target_per_instance: float = 5

    def problems(self) -> list[Problem]:
        """Paths: the field names."""
        problems = [
            problem
            for key in ("input_prefix", "output_prefix", "failure_prefix")
            for problem in values.key_prefix_problems(key, getattr(self, key))
        ]
        return problems + checks.async_inference_problems(
            max_concurrent_invocations_per_instance=self.max_concurrent_invocations_per_instance,
            backlog_target_per_instance=self.backlog_target_per_instance,
        )
