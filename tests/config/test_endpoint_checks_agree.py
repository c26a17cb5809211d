"""The config and SecureEndpoint refuse the same values with the same words: both run the checks of
cdk_secure_ml.core.hosting. Here the config's problems are compared with ``endpoint_problems`` (what
``SecureEndpoint`` runs before it builds anything; tests/constructs/test_hosting.py compares a few with the
construct itself). Also: the config's pydantic bounds (kept for the schema and docs) agree with the core
checks that run before them."""

from __future__ import annotations

import textwrap
import typing

import annotated_types
import pytest

from cdk_secure_ml.config import (
    ConfigError,
    EndpointAsyncConfig,
    EndpointAutoscalingConfig,
    EndpointRolloutConfig,
    EndpointServerlessConfig,
    EndpointVariantConfig,
    parse_config,
)
from cdk_secure_ml.core.hosting import (
    AlarmOptions,
    AutoScalingOptions,
    DataCaptureSettings,
    EndpointFeatures,
    EndpointVariantOptions,
    ModelMonitorSettings,
    ModelSource,
    RolloutOptions,
    ServerlessOptions,
    endpoint_problems,
)

DIGEST = "sha256:" + "c" * 64
MODEL = "team-a/models/churn/v1/model.tar.gz"
ENDPOINT = f"""\
endpoints:
  - name: churn
    team: team-a
    image_repository: team-a/churn
    image: {DIGEST}
    model_data: {MODEL}
"""
V = EndpointVariantOptions


def config_problems(tail: str, *, stage: str = "dev", region: str = "eu-west-1") -> dict[str, str]:
    endpoint = ENDPOINT
    for line in tail.splitlines():  # a key of the tail replaces the base's (a repeated key is refused)
        key = line.split(":", 1)[0]
        endpoint = "".join(b for b in endpoint.splitlines(keepends=True) if not b.startswith(f"    {key}:"))
    text = (f"name: ml-dev\nregion: {region}\nstage: {stage}\n" + endpoint + textwrap.indent(tail, "    ")
            + "identity:\n  teams: [{name: team-a}]\n")
    with pytest.raises(ConfigError) as info:
        parse_config(text, source="t.yaml")
    return {p.path: p.message for p in info.value.problems}


def core_problems(
    *,
    variants: list[EndpointVariantOptions] | None = None,
    model_data: str = MODEL,
    rollout: RolloutOptions | None = None,
    production: bool = False,
    strict: bool = True,
    region: str = "eu-west-1",
    **features: typing.Any,
) -> dict[str, str]:
    """SecureEndpoint's problems for the options the config above maps to (ServingStack: autoscaling and
    alarms on by default), with ``features`` changed."""
    features = {"autoscaling": AutoScalingOptions(), "alarms": AlarmOptions(), **features}
    found = endpoint_problems(
        endpoint_name="churn",
        model_source=ModelSource.from_image(DIGEST, model_data),
        variants=variants or [V()],
        features=EndpointFeatures(**features),
        rollout=rollout or RolloutOptions(),
        production=production,
        strict=strict,
        region=region,
    )
    return {".".join(str(part) for part in path): message for path, message in found}


@pytest.mark.parametrize(
    ("tail", "config_path", "core", "core_path"),
    [
        ("variants: [{name: A}, {name: A}]\n", "variants.1.name", {"variants": [V("A"), V("A")]},
         "variants.1.name"),
        ("variants: [{name: A, weight: 0}, {name: B, weight: 0}]\n", "variants",
         {"variants": [V("A", weight=0), V("B", weight=0)]}, "variants"),
        ("variants: [{instance_type: m5.large}]\n", "variants.0.instance_type",
         {"variants": [V(instance_type="m5.large")]}, "variants.0.instance_type"),
        ("variants: [{weight: -1}]\n", "variants.0.weight", {"variants": [V(weight=-1)]},
         "variants.0.weight"),
        ("model_data: team-a/model.pkl\n", "model_data", {"model_data": "team-a/model.pkl"},
         "model_source.model_data"),
        ("autoscaling: {min_capacity: 5, max_capacity: 3}\n", "autoscaling.min_capacity",
         {"autoscaling": AutoScalingOptions(min_capacity=5, max_capacity=3)}, "autoscaling.min_capacity"),
        ("autoscaling: {scale_in_cooldown_seconds: -5}\n", "autoscaling.scale_in_cooldown_seconds",
         {"autoscaling": AutoScalingOptions(scale_in_cooldown=-5)}, "autoscaling.scale_in_cooldown"),
        ("alarms: {cpu_utilization_percent: 150}\n", "alarms.cpu_utilization_percent",
         {"alarms": AlarmOptions(cpu_utilization_percent=150.0)}, "alarms.cpu_utilization_percent"),
        ("rollout: {traffic_routing: CANARY, size_percent: 0}\n", "rollout.size_percent",
         {"rollout": RolloutOptions.canary(0)}, "rollout.size_percent"),
        ("rollout: {wait_minutes: 61}\n", "rollout.wait_minutes", {"rollout": RolloutOptions(wait=3660)},
         "rollout.wait"),
        ("data_capture: {sampling_percentage: 101}\n", "data_capture.sampling_percentage",
         {"data_capture": DataCaptureSettings(sampling_percentage=101)}, "data_capture.sampling_percentage"),
        ("data_capture: {prefix: 'a*b'}\n", "data_capture.prefix",
         {"data_capture": DataCaptureSettings(prefix="a*b")}, "data_capture.prefix"),
        ("data_capture: {}\nmodel_monitor: {schedule_expression: hourly}\n",
         "model_monitor.schedule_expression",
         {"data_capture": DataCaptureSettings(),
          "model_monitor": ModelMonitorSettings(schedule_expression="hourly")},
         "model_monitor.schedule_expression"),
        ("data_capture: {}\nmodel_monitor: {image_uri: 'not an image'}\n", "model_monitor.image_uri",
         {"data_capture": DataCaptureSettings(),
          "model_monitor": ModelMonitorSettings(image_uri="not an image")},
         "model_monitor.image_uri"),
        ("model_monitor: {}\n", "model_monitor", {"model_monitor": ModelMonitorSettings()}, "model_monitor"),
        ("serverless: {}\n", "serverless", {"serverless": ServerlessOptions()}, "serverless"),
        ("strict: false\nserverless: {memory_size_mb: 1000}\n", "serverless.memory_size_mb",
         {"serverless": ServerlessOptions(memory_size_mb=1000), "strict": False},
         "serverless.memory_size_mb"),
        ("variants: [{name: a}, {name: b}, {name: c}, {name: d}, {name: e}, {name: f}]\n", "alarms",
         {"variants": [V(name) for name in "abcdef"]}, "alarms"),
    ],
)
def test_the_config_and_secure_endpoint_refuse_a_value_in_the_same_words(
    tail, config_path, core, core_path
):
    config = config_problems(tail)
    construct = core_problems(**core)
    assert config[f"endpoints.0.{config_path}"] == construct[core_path]


@pytest.mark.aws_behaviour("sagemaker.model-monitor-image-per-region")
def test_a_region_without_a_monitor_image_is_refused_alike():
    monitored = "data_capture: {}\nmodel_monitor: {}\n"
    config = config_problems(monitored, region="ap-south-2")["endpoints.0.model_monitor.image_uri"]
    construct = core_problems(data_capture=DataCaptureSettings(), model_monitor=ModelMonitorSettings(),
                              region="ap-south-2")["model_monitor.image_uri"]
    assert config == construct
    assert config.startswith("image_uri is needed: no Model Monitor image is known for region ap-south-2")


@pytest.mark.parametrize(
    ("tail", "stage", "path", "core"),
    [
        ("variants: [{instance_count: 1}]\n", "prod", "variants.0.instance_count",
         {"variants": [V(instance_count=1)], "production": True}),
        ("variants: [{instance_count: 1}]\n", "dev", "variants.0.instance_count",
         {"variants": [V(instance_count=1)]}),
        ("autoscaling: {min_capacity: 1}\n", "staging", "autoscaling.min_capacity",
         {"autoscaling": AutoScalingOptions(min_capacity=1), "production": True}),
    ],
)
def test_capacity_per_stage_is_secure_endpoints_production_check_naming_the_stage(tail, stage, path, core):
    config = config_problems(tail, stage=stage)[f"endpoints.0.{path}"]
    context = f"stage {stage!r} is production" if stage != "dev" else f"in stage {stage!r}"
    assert config == f"{context}: {core_problems(**core)[path]}"


# --------------------------------------------------------------------------------------------------
# The bounds a key keeps for the JSON schema and docs/config.md agree with its core check


def _bounded_fields():
    for section in (EndpointVariantConfig, EndpointAutoscalingConfig, EndpointRolloutConfig,
                    EndpointAsyncConfig, EndpointServerlessConfig):
        for name, field in section.model_fields.items():
            low = next((m.ge for m in field.metadata if isinstance(m, annotated_types.Ge)), None)
            high = next((m.le for m in field.metadata if isinstance(m, annotated_types.Le)), None)
            if low is not None or high is not None:
                yield pytest.param(section, name, low, high, id=f"{section.__name__}.{name}")


@pytest.mark.parametrize(("section", "name", "low", "high"), list(_bounded_fields()))
def test_pydantic_bounds_agree_with_the_core_check(section, name, low, high):
    """Inside the bounds the core check passes; just outside, it refuses first, in its words (not
    pydantic's "Input should be greater than or equal to ...")."""
    # the other keys' values that let this key's bounds alone decide
    data = {EndpointRolloutConfig: {"traffic_routing": "CANARY", "size_percent": 10},
            EndpointAutoscalingConfig: {"min_capacity": 0, "max_capacity": 10}}.get(section, {})
    for inside in (low, high):
        if inside is not None:
            section.model_validate({**data, name: inside})
    for outside in (None if low is None else low - 1, None if high is None else high + 1):
        if outside is None:
            continue
        with pytest.raises(ValueError) as info:
            section.model_validate({**data, name: outside})
        (error,) = info.value.errors()
        assert error["type"] == "value_error" and error["loc"] == (name,), error
        assert "Input should be" not in error["msg"]


def test_the_literal_keys_are_refused_in_the_core_words():
    with pytest.raises(ValueError, match="traffic_routing 'BLUE' is not ALL_AT_ONCE, CANARY or LINEAR"):
        EndpointRolloutConfig.model_validate({"traffic_routing": "BLUE"})
    with pytest.raises(ValueError, match=r"memory_size_mb 1000 is not one of 1024, 2048, \.\.\. 6144"):
        EndpointServerlessConfig.model_validate({"memory_size_mb": 1000})
