"""The option types of ``SecureEndpoint`` and its feature constructs.

The plain ones live in :mod:`cdk_secure_ml.core.hosting.options` (CDK-free, shared with the config) and are
re-exported here. The three that name AWS resources extend their plain settings with the buckets, keys and
topics: :class:`DataCaptureOptions`, :class:`ModelMonitorOptions`, :class:`AsyncInferenceOptions` (keyword
arguments only).

**Names.** Option types end in ``Options`` so they do not read like constructs (``ModelMonitorOptions`` beside
the ``DataQualityMonitor`` construct, ``AutoScalingOptions`` beside ``EndpointAutoScaling``). The names
before the hosting package (``EndpointVariant``, ``AutoScaling``, ``DataCapture``, ``AlarmThresholds``,
``Rollout``, ``ModelMonitor``, ``AsyncInference``, ``Serverless``) are aliases of the same classes, kept for
one release.

**Durations** are seconds, or an ``aws_cdk.Duration``.

**Turning a feature off.** Leave a feature argument of ``SecureEndpoint`` out (or pass ``None``) for its
default, and pass ``False`` for off: without ``autoscaling`` the endpoint scales 2-4 instances,
``autoscaling=False`` does not scale; ``data_capture``, ``model_monitor``, ``async_inference`` and
``serverless`` are off by default and ``False`` says the same explicitly. ``None`` never turns a default-on
feature off. (Before the hosting package, ``autoscaling=None`` meant off, so an explicit ``autoscaling=None``
is refused with the fix for now.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, TypeAlias, TypeVar, Union

from aws_cdk import Duration
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns

from cdk_secure_ml.core.hosting.checks import Path, Problem
from cdk_secure_ml.core.hosting.options import (
    DEFAULT_INSTANCE_TYPE,
    DEFAULT_INVOCATIONS_TARGET,
    AlarmOptions,
    AsyncInferenceSettings,
    AutoScalingOptions,
    DataCaptureSettings,
    EndpointVariantOptions,
    ModelMonitorSettings,
    RolloutOptions,
    Seconds,
    ServerlessOptions,
    TrafficRouting,
    invocations_target,
    removed_arguments,
    seconds,
)

__all__ = [
    "DEFAULT",
    "DEFAULT_INSTANCE_TYPE",
    "DEFAULT_INVOCATIONS_TARGET",
    "AlarmOptions",
    "AlarmThresholds",
    "AsyncInference",
    "AsyncInferenceOptions",
    "AutoScaling",
    "AutoScalingOptions",
    "DataCapture",
    "DataCaptureOptions",
    "EndpointVariant",
    "EndpointVariantOptions",
    "Feature",
    "ModelMonitor",
    "ModelMonitorOptions",
    "Rollout",
    "RolloutOptions",
    "Seconds",
    "Serverless",
    "ServerlessOptions",
    "TrafficRouting",
    "duration",
    "feature",
    "invocations_target",
    "problem_text",
    "raise_for_problems",
    "removed_arguments",
    "seconds",
]

_T = TypeVar("_T")
#: A feature argument: its options, ``None`` for the default, ``False`` for off.
Feature: TypeAlias = Union[_T, Literal[False], None]  # noqa: UP007 (a generic alias)


@dataclass(frozen=True, kw_only=True)
class DataCaptureOptions(DataCaptureSettings):
    """Capture requests and responses to ``bucket`` (``s3://bucket/<prefix>/<endpoint>/<variant>/...``),
    encrypted with ``key`` (default: the bucket's key). The inference audit trail: InvokeEndpoint is not in
    CloudTrail management events.

    Also: ``prefix="data-capture"``, ``sampling_percentage=100``, ``capture_request=True``,
    ``capture_response=True`` (:class:`~cdk_secure_ml.core.hosting.options.DataCaptureSettings`).
    """

    bucket: s3.IBucket
    key: kms.IKey | None = None


@dataclass(frozen=True, kw_only=True)
class ModelMonitorOptions(ModelMonitorSettings):
    """A Model Monitor data-quality schedule over the captured data (needs data capture).

    The baseline (``constraints.json``, ``statistics.json``) is produced by a baselining job over the training
    data (e.g. the SageMaker SDK's ``DefaultModelMonitor.suggest_baseline``); pass the keys of its two files
    in ``output_bucket``. Without them the job reports statistics only. The job runs in the endpoint's subnets
    and security groups, network-isolated, with inter-container traffic encryption and KMS keys for its volume
    and output.

    For existing Model Monitor customers only: Model Monitor is no longer open to new customers
    (https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-data-capture.md), so no endpoint has a
    schedule unless given these options, and each schedule carries a synth warning saying so.

    :param output_key: key of the reports. Default: the output bucket's key, else the capture key.
    :param volume_key: key of the job's volume. Default: the endpoint's volume key.

    Also ``output_prefix``, ``schedule_expression``, ``instance_type``, ``volume_size_gb``, the baseline keys,
    ``max_runtime`` (seconds) and ``image_uri``
    (:class:`~cdk_secure_ml.core.hosting.options.ModelMonitorSettings`).
    """

    output_bucket: s3.IBucket
    output_key: kms.IKey | None = None
    volume_key: kms.IKey | None = None


@dataclass(frozen=True, kw_only=True)
class AsyncInferenceOptions(AsyncInferenceSettings):
    """Asynchronous inference: requests are read from ``bucket`` (``input_prefix``), results written to
    ``output_prefix`` and failures to ``failure_prefix``, encrypted with ``key`` (default: the bucket's key);
    success and error notifications go to SNS topics (created, KMS-encrypted, unless given). With
    ``scale_to_zero`` the variants scale in to 0 instances and back out on a backlog.
    """

    bucket: s3.IBucket
    key: kms.IKey | None = None
    success_topic: sns.ITopic | None = None
    error_topic: sns.ITopic | None = None


# The names before the hosting package, kept for one release.
#: The earlier name of :class:`EndpointVariantOptions` (an alias).
EndpointVariant = EndpointVariantOptions
#: The earlier name of :class:`AutoScalingOptions` (an alias).
AutoScaling = AutoScalingOptions
#: The earlier name of :class:`DataCaptureOptions` (an alias).
DataCapture = DataCaptureOptions
#: The earlier name of :class:`AlarmOptions` (an alias).
AlarmThresholds = AlarmOptions
#: The earlier name of :class:`RolloutOptions` (an alias).
Rollout = RolloutOptions
#: The earlier name of :class:`ModelMonitorOptions` (an alias).
ModelMonitor = ModelMonitorOptions
#: The earlier name of :class:`AsyncInferenceOptions` (an alias).
AsyncInference = AsyncInferenceOptions
#: The earlier name of :class:`ServerlessOptions` (an alias).
Serverless = ServerlessOptions


class _Default:
    """The default of a feature whose ``None`` meant "off" before 0.2 (``autoscaling``): an explicit ``None``
    there is refused, so old code that turned the feature off with it does not silently turn it on."""

    def __repr__(self) -> str:
        return "DEFAULT"


#: Leave the argument out (or pass this) for the feature's default.
DEFAULT = _Default()


def feature(
    value: _T | Literal[False] | _Default | None, default: _T | None, *, name: str, kind: type,
    none_was_off: bool = False,
) -> _T | None:
    """A feature argument resolved: ``None`` (or :data:`DEFAULT`) gives ``default``, ``False`` gives None
    (off), options stay.

    :param name: the keyword, for the error.
    :param kind: the options type the feature takes.
    :param none_was_off: ``None`` turned this feature off before 0.2: refuse it with the fix.
    :raises TypeError: ``value`` is neither None, False nor a ``kind`` (e.g. ``autoscaling=True``), or it is
        an explicit ``None`` where ``None`` used to mean off.
    """
    if value is None and none_was_off:
        raise TypeError(
            f"{name}=None no longer turns {name} off (it did before 0.2); pass {name}=False to turn it off, "
            f"or leave it out for the default"
        )
    if value is None or isinstance(value, _Default):
        return default
    if value is False:
        return None
    if not isinstance(value, kind):
        raise TypeError(
            f"{name}={value!r} is not {kind.__name__}; pass {kind.__name__}(...) to configure it, "
            f"None (or leave it out) for the default, or False to turn it off"
        )
    return value


def duration(value: Seconds) -> Duration:
    """``value`` as a ``Duration``: a ``Duration`` as it is, seconds converted."""
    if isinstance(value, Duration):
        return value
    return Duration.seconds(seconds(value))


def problem_text(path: Path, message: str, variant_names: Sequence[str] = ()) -> str:
    """One problem as a construct's error reads it: ``autoscaling min_capacity 5 > ...``,
    ``variant 'B': instance_count is 1; ...``. A message names its own key, so the last key of the path is
    not repeated."""
    parts = list(path)
    if parts and isinstance(parts[-1], str):
        parts.pop()
    words: list[str] = []
    index = 0
    while index < len(parts):
        part = parts[index]
        following = parts[index + 1] if index + 1 < len(parts) else None
        if part == "variants" and isinstance(following, int):
            name = variant_names[following] if following < len(variant_names) else str(following)
            words.append(f"variant {name!r}:")
            index += 2
        else:
            words.append(str(part))
            index += 1
    return " ".join([*words, message])


def raise_for_problems(owner: str, problems: Sequence[Problem], variant_names: Sequence[str] = ()) -> None:
    """Raise one ``ValueError`` ``"<owner>: <problem>; <problem>; ..."`` when there are problems."""
    if problems:
        texts = dict.fromkeys(problem_text(path, message, variant_names) for path, message in problems)
        raise ValueError(f"{owner}: " + "; ".join(texts))
