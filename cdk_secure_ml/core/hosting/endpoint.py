"""Every check of one endpoint's options together: what ``SecureEndpoint`` runs before it builds anything.

:func:`endpoint_problems` takes the option objects (``None`` for a feature that is off) and returns every
problem at once, each with its path relative to the endpoint, spelled as ``SecureEndpoint``'s keyword
arguments: ``("autoscaling", "min_capacity")``, ``("variants", 1, "instance_count")``,
``("model_source", "image")``. The config validators call the same checks key by key (:mod:`.values` as
each key's validator, :mod:`.checks` as the rules that compare keys), so that each problem is reported at its
own key and line, in one pass (``cdk_secure_ml.config.endpoints``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cdk_secure_ml.core.hosting import checks
from cdk_secure_ml.core.hosting.model_source import ModelSource
from cdk_secure_ml.core.hosting.naming import endpoint_name_problems
from cdk_secure_ml.core.hosting.options import (
    AlarmOptions,
    AsyncInferenceSettings,
    AutoScalingOptions,
    DataCaptureSettings,
    EndpointVariantOptions,
    ModelMonitorSettings,
    RolloutOptions,
    ServerlessOptions,
)
from cdk_secure_ml.core.problems import Problem, nested


@dataclass(frozen=True)
class EndpointFeatures:
    """The optional features of one endpoint, each ``None`` when off."""

    autoscaling: AutoScalingOptions | None = None
    data_capture: DataCaptureSettings | None = None
    alarms: AlarmOptions | None = None
    model_monitor: ModelMonitorSettings | None = None
    async_inference: AsyncInferenceSettings | None = None
    serverless: ServerlessOptions | None = None


def endpoint_problems(
    *,
    endpoint_name: str,
    model_source: ModelSource | None,
    variants: Sequence[EndpointVariantOptions],
    features: EndpointFeatures,
    rollout: RolloutOptions,
    production: bool = True,
    allow_single_instance: bool = False,
    strict: bool = True,
    artifacts_bucket_name: str | None = None,
    network: tuple[bool, Sequence[str | None]] | None = None,
    region: str | None = None,
) -> list[Problem]:
    """All problems of one endpoint.

    :param model_source: the endpoint's model; may be None when every variant has its own ``source``.
    :param artifacts_bucket_name: checks ``s3://`` model data URLs (None or a token: not known at synth).
    :param network: ``(has_vpc, subnet AZs)`` for instance-based endpoints (an AZ is None when unknown);
        None skips the network checks (the config's network is the platform's).
    :param region: the endpoint's region, to check that Model Monitor's image is known there (None: unknown).
    """
    problems = endpoint_name_problems(endpoint_name, model_monitor=features.model_monitor is not None)
    problems += _source_problems(model_source, variants, artifacts_bucket_name)
    problems += _variant_problems(variants, artifacts_bucket_name)
    serverless = features.serverless is not None
    if not serverless:
        problems += _capacity_problems(variants, features, production, allow_single_instance)
        if network is not None:
            problems += checks.network_problems(has_vpc=network[0], subnet_azs=network[1])
        problems += _cpu_problems(variants, features)
    problems += _option_problems(features, rollout)
    problems += checks.feature_combination_problems(
        serverless=serverless,
        strict=strict,
        async_inference=features.async_inference is not None,
        model_monitor=features.model_monitor is not None,
        data_capture=features.data_capture is not None,
    )
    if features.model_monitor is not None:
        problems += nested(
            ("model_monitor",),
            checks.monitor_image_problems(region=region, image_uri=features.model_monitor.image_uri),
        )
    if features.alarms is not None:
        problems += checks.rollback_alarm_problems(
            variant_count=len(variants),
            rollback_alarms_per_variant=features.alarms.rollback_alarms_per_variant,
            auto_rollback=rollout.auto_rollback,
        )
    return problems


def _source_problems(
    model_source: ModelSource | None, variants: Sequence[EndpointVariantOptions], bucket_name: str | None
) -> list[Problem]:
    if model_source is not None:
        return nested(("model_source",), model_source.problems(bucket_name=bucket_name))
    without = [v.name for v in variants if v.source is None]
    if not without:
        return []
    return [
        (
            ("model_source",),
            f"no model for variant(s) {without}: give model_source="
            "ModelSource.from_image(image, model_data) or ModelSource.from_model_package(arn), "
            "or a source for each variant",
        )
    ]


def _variant_problems(variants: Sequence[EndpointVariantOptions], bucket_name: str | None) -> list[Problem]:
    problems = checks.variant_set_problems(
        names=[v.name for v in variants], weights=[v.weight for v in variants]
    )
    problems = nested(("variants",), problems)
    for index, variant in enumerate(variants):
        problems += nested(("variants", index), variant.problems(bucket_name=bucket_name))
    return problems


def _capacity_problems(
    variants: Sequence[EndpointVariantOptions],
    features: EndpointFeatures,
    production: bool,
    allow_single_instance: bool,
) -> list[Problem]:
    scaling = features.autoscaling
    return checks.capacity_problems(
        instance_counts=[v.instance_count for v in variants],
        production=production,
        allow_single_instance=allow_single_instance,
        min_capacity=scaling.min_capacity if scaling is not None else None,
        scale_to_zero=features.async_inference is not None and features.async_inference.scale_to_zero,
    )


def _cpu_problems(variants: Sequence[EndpointVariantOptions], features: EndpointFeatures) -> list[Problem]:
    """CPU percentages are multiplied by each variant's vCPUs, which must be known."""
    types = {v.name: v.instance_type for v in variants}
    problems: list[Problem] = []
    if features.alarms is not None and features.alarms.cpu_utilization_percent is not None:
        problems += nested(("alarms",), checks.vcpu_problems("cpu_utilization_percent", types))
    if features.autoscaling is not None and features.autoscaling.cpu_target_percent is not None:
        problems += nested(("autoscaling",), checks.vcpu_problems("cpu_target_percent", types))
    return problems


def _option_problems(features: EndpointFeatures, rollout: RolloutOptions) -> list[Problem]:
    """Each option object's own checks; autoscaling and the CPU alarm only where instances run."""
    instances = features.serverless is None
    problems = nested(("rollout",), rollout.problems())
    if features.alarms is not None:
        alarm_problems = features.alarms.problems()
        if not instances:  # no instance metrics: the CPU threshold is unused
            alarm_problems = [p for p in alarm_problems if p[0] != ("cpu_utilization_percent",)]
        problems += nested(("alarms",), alarm_problems)
    for key, option in (
        ("autoscaling", features.autoscaling if instances else None),
        ("data_capture", features.data_capture),
        ("model_monitor", features.model_monitor),
        ("async_inference", features.async_inference),
        ("serverless", features.serverless),
    ):
        if option is not None:
            problems += nested((key,), option.problems())
    return problems
