"""``endpoints``: the SageMaker endpoints of the ServingStack (docs/hosting.md, ``SecureEndpoint``).

The checks are ``SecureEndpoint``'s, from :mod:`cdk_secure_ml.core.hosting`, so the config refuses what the
construct refuses, in the same words: a key's own check is a field validator running a one-value check of
:mod:`~cdk_secure_ml.core.hosting.values`; a check that compares keys is a rule (a function named
``*_problems`` returning ``(path, message)`` pairs relative to the section it is listed on: an endpoint, or
the platform for the checks that need the stage or the region) calling
:mod:`~cdk_secure_ml.core.hosting.checks`. The config adds the placement (each problem at its key and line,
all in one pass), the stage (production or not, per delivery stage) and what only the config has: where the
model comes from (``image`` + ``model_data`` or ``model_package_group``), the team's prefix, names across
endpoints. The endpoint's options (autoscaling, capture, alarms, ...) are in
:mod:`cdk_secure_ml.config.endpoint_options`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Annotated, Any

from pydantic import AfterValidator, Field, field_validator

from cdk_secure_ml.config._section import Section, Unknown, each_item
from cdk_secure_ml.config._types import hosting_check
from cdk_secure_ml.config.endpoint_options import (
    EndpointAlarmsConfig,
    EndpointAsyncConfig,
    EndpointAutoscalingConfig,
    EndpointDataCaptureConfig,
    EndpointMonitorConfig,
    EndpointRolloutConfig,
    EndpointServerlessConfig,
)
from cdk_secure_ml.core.hosting import checks, values
from cdk_secure_ml.core.hosting.model_source import image_problems, model_data_problems
from cdk_secure_ml.core.hosting.naming import endpoint_name_problems
from cdk_secure_ml.core.names import INSTANCE_TYPE_RE, SAGEMAKER_NAME_RE
from cdk_secure_ml.core.problems import Path, Problem, nested

_ECR_REPOSITORY_RE = re.compile(r"^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$")
_TEAM_SEGMENT_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")
_NUMBER = (int, float)


def _check_model_package_group(value: str) -> str:
    if not SAGEMAKER_NAME_RE.match(value):
        raise ValueError(f"{value!r} is not a model package group name; use 1-63 letters, digits and hyphens "
                         "(e.g. the delivery's registry group <platform>-models)")
    return value


#: The key of a model's .tar.gz in the artifacts bucket (no bucket name: ServingStack's bucket is not known
#: when the config loads, so an s3:// URL is refused as SecureEndpoint refuses it then).
ModelDataKey = Annotated[str, hosting_check(model_data_problems)]
#: An image digest (sha256:...) or tag of the endpoint's repository.
ImageRef = Annotated[str, hosting_check(image_problems)]
#: A SageMaker model package group name (config only: ServingStack turns it into a ModelSource).
ModelPackageGroupName = Annotated[str, AfterValidator(_check_model_package_group)]


class EndpointVariantConfig(Section):
    """One production variant; several split traffic by weight (A/B)."""

    name: Annotated[str, hosting_check(values.variant_name_problems)] = Field(
        "AllTraffic", description="Variant name: 1-63 letters, digits and hyphens, each once.")
    instance_type: Annotated[str, hosting_check(values.instance_type_problems)] = Field(
        "ml.m5.large", description="An ml.* instance type.",
        json_schema_extra={"pattern": INSTANCE_TYPE_RE.pattern})
    instance_count: Annotated[int, hosting_check(values.instance_count_problems, before=_NUMBER)] = Field(
        2, ge=1, description="Instances; 2 or more (spread across AZs) except in a dev stage with "
        "allow_single_instance.")
    weight: Annotated[float, hosting_check(values.weight_problems, before=_NUMBER)] = Field(
        1.0, ge=0, description="Share of the traffic, relative to the other variants' weights.")
    model_data: ModelDataKey | None = Field(None, description="A different model for this variant (key in "
                                                              "the artifacts bucket).")
    image: ImageRef | None = Field(None, description="A different image (digest or tag) of the endpoint's "
                                                     "repository.")
    model_package_group: ModelPackageGroupName | None = Field(
        None, description="Deploy the latest approved package of this SageMaker model package group "
                          "(docs/delivery.md).")


def _or_none(item: Any, name: str) -> Any:
    """``item.<name>``, or None when that value failed its own check (reported at its key)."""
    try:
        return getattr(item, name)
    except Unknown:
        return None


# --------------------------------------------------------------------------------------------------
# Checks of one endpoint (paths relative to the endpoint)


def model_source_problems(endpoint: Any) -> list[Problem]:
    """Where each variant's model comes from: ``image`` + ``model_data`` (endpoint or variant), or a
    ``model_package_group`` (endpoint or variant). Both may be given: the image and model data are then the
    fallback used when no approved package version is passed at synth time (docs/delivery.md, "Model
    promotion")."""
    problems: list[Problem] = []
    image, model_data, group = endpoint.image, endpoint.model_data, endpoint.model_package_group
    if (image is None) != (model_data is None):
        missing = "model_data" if model_data is None else "image"
        problems.append(((missing,), (f"image and model_data go together; give {missing} too, or neither and "
                                      "a model_package_group")))
    variants = endpoint.variants

    def variant_problems(index: int, variant: Any) -> list[Problem]:
        has_image = (variant.image or image) is not None and (variant.model_data or model_data) is not None
        if has_image or (variant.model_package_group or group) is not None:
            return []
        own = variant.model_data or variant.image or len(variants) > 1
        where: Path = ("variants", index) if own else ()
        return [(where, ("no model: give image + model_data, or model_package_group (the delivery's registry "
                         "group, default <platform>-models)"))]

    return list(dict.fromkeys(problems + each_item(variants, variant_problems)))


def variant_list_problems(endpoint: Any) -> list[Problem]:
    """The variants together: given, each name once, some traffic. A variant whose name (or weight) failed
    its own check is left out of the comparison."""
    variants = endpoint.variants
    if not variants:
        return nested(("variants",), checks.variant_set_problems(names=[], weights=[]))
    names = [_or_none(variant, "name") for variant in variants]
    problems = nested(("variants",), checks.repeated_name_problems(names))
    try:
        weights = [variant.weight for variant in variants]
        problems += nested(("variants",), checks.zero_weight_problems(names=[v.name for v in variants],
                                                                      weights=weights))
    except Unknown:
        pass  # a weight (or name) that failed its own check is reported there
    return problems


def feature_problems(endpoint: Any) -> list[Problem]:
    """Features that need or exclude each other: serverless and strict, serverless and async inference,
    Model Monitor without capture or on a serverless endpoint."""
    return checks.feature_combination_problems(
        serverless=endpoint.serverless is not None, strict=endpoint.strict,
        async_inference=endpoint.async_inference is not None,
        model_monitor=endpoint.model_monitor is not None, data_capture=endpoint.data_capture is not None)


def monitored_name_problems(endpoint: Any) -> list[Problem]:
    """With Model Monitor the name also leaves room for the schedule's (``<name>-data-quality``)."""
    if endpoint.model_monitor is None:
        return []
    return endpoint_name_problems(endpoint.name, model_monitor=True, key="name")


def rollback_alarm_problems(endpoint: Any) -> list[Problem]:
    """SageMaker's limit on rollback alarms (5XX and latency per variant) with auto_rollback."""
    return checks.rollback_alarm_problems(
        variant_count=len(endpoint.variants),
        rollback_alarms_per_variant=endpoint.alarms.rollback_alarms_per_variant(),
        auto_rollback=endpoint.rollout.auto_rollback)


def cpu_scaling_problems(endpoint: Any) -> list[Problem]:
    """CPU thresholds are scaled by the instance's vCPUs (SecureEndpoint), so each variant's vCPUs must be
    known when a CPU alarm or CPU target applies. Reported at the variant's instance type, which the file
    names (the CPU alarm is on by default)."""
    if endpoint.serverless is not None:
        return []
    scaling = endpoint.autoscaling
    thresholds = (("cpu_utilization_percent", endpoint.alarms.cpu_utilization_percent),
                  ("cpu_target_percent", scaling.cpu_target_percent if scaling is not None else None))
    keys = [key for key, threshold in thresholds if threshold is not None]

    def variant_problems(index: int, variant: Any) -> list[Problem]:
        types = {variant.name: variant.instance_type}
        return [(("variants", index, "instance_type"), message)
                for key in keys for _, message in checks.vcpu_problems(key, types)]

    return each_item(endpoint.variants, variant_problems) if keys else []


def team_prefix_problems(endpoint: Any) -> list[Problem]:
    """Where the endpoint's objects live must be where someone can write and read them.

    The platform's buckets deny object access from outside the VPC's S3 gateway endpoint, and personas
    (Studio execution roles, inside the VPC) may read and write only ``<team>/...``
    (docs/storage.md, docs/identity.md). SageMaker downloads the model through that same gateway endpoint
    (https://docs.aws.amazon.com/sagemaker/latest/dg/host-vpc.html). So model data and baselines must be
    under ``<team>/``, and capture, Model Monitor and async I/O are written there (ServingStack adds the
    prefix), which needs ``team``.
    """
    team = endpoint.team

    def key_problems(path: Path, label: str, read: Callable[[], str | None]) -> list[Problem]:
        key = read()  # may raise Unknown: that key is reported where it is
        if key is None:
            return []
        if team is None:
            return [(path, (
                f"{label} {key!r} is outside every team prefix: the platform's buckets accept writes only "
                "through the VPC's S3 endpoint, and personas write only <team>/..., so nobody could put it "
                f"there. Set the endpoint's team and put it under <team>/, e.g. team: research and {label}: "
                f"research/{key}"))]
        if not key.startswith(f"{team}/"):
            return [(path, (
                f"{label} {key!r} is not under the endpoint's team prefix {team + '/'!r}, the only place the "
                f"{team} team's personas can write; use {team}/{key}"))]
        return []

    monitor = endpoint.model_monitor
    keys: list[tuple[Path, str, Callable[[], str | None]]] = [
        (("model_data",), "model_data", lambda: endpoint.model_data)]
    keys += [(("variants", i, "model_data"), "model_data", partial(getattr, v, "model_data"))
             for i, v in enumerate(endpoint.variants)]
    if monitor is not None:
        keys += [(("model_monitor", name), name, partial(getattr, monitor, name))
                 for name in ("baseline_constraints", "baseline_statistics")]
    problems = each_item(keys, lambda _, key: key_problems(*key))
    features = [name for name, on in (("data_capture", endpoint.data_capture), ("model_monitor", monitor),
                                      ("async_inference", endpoint.async_inference)) if on is not None]
    if team is None and features:
        problems.append((("team",), (
            f"{', '.join(features)} write(s) to the data bucket under the endpoint's team prefix, where the "
            "team's personas can read the results; set team (one of identity.teams)")))
    return problems


class EndpointConfig(Section):
    """One SecureEndpoint of the ServingStack."""

    name: Annotated[str, hosting_check(partial(endpoint_name_problems, key="name"))] = Field(
        description="Endpoint base name (1-54 letters, digits, hyphens; 1-50 with model_monitor). The "
                    "endpoint is named <name>-<8 hex> of its variant names and instance types.")
    team: str | None = Field(
        None, description="The team (identity.teams) that owns the endpoint: model_data, captured data, "
                          "Model Monitor reports and async I/O live under <team>/ in the buckets, where its "
                          "personas read and write.")
    image_repository: str = Field(description="Name of the private ECR repository (in this account) of the "
                                              "image.")
    image: ImageRef | None = Field(None, description="Image digest sha256:... (recommended) or tag (a "
                                                     "warning).")
    model_data: ModelDataKey | None = Field(
        None, description="Key of the model .tar.gz in the platform's artifacts bucket, under <team>/.")
    model_package_group: ModelPackageGroupName | None = Field(
        None, description="Deploy the latest approved package of this SageMaker model package group instead "
                          "of image + model_data; with both, image + model_data are the offline fallback "
                          "(docs/delivery.md).")
    environment: dict[str, str] = Field(default_factory=dict, description="Container environment variables.")
    variants: list[EndpointVariantConfig] = Field(
        default_factory=lambda: [EndpointVariantConfig()],
        description="Production variants; default: one AllTraffic variant, 2 x ml.m5.large.")
    allow_single_instance: bool = Field(False, description="Dev stage only: accept 1 instance (with a "
                                                           "warning).")
    network_isolation: bool = Field(True, description="Run the container without network access (false: a "
                                                      "warning).")
    autoscaling: EndpointAutoscalingConfig | None = Field(
        default_factory=EndpointAutoscalingConfig, description="Target-tracking autoscaling; null turns it "
                                                               "off.")
    data_capture: EndpointDataCaptureConfig | None = Field(
        None, description="Capture requests and responses to the data bucket; default: off (a warning).")
    alarms: EndpointAlarmsConfig = Field(
        default_factory=EndpointAlarmsConfig, description="Alarm thresholds per variant; null turns one off.")
    rollout: EndpointRolloutConfig = Field(
        default_factory=EndpointRolloutConfig, description="Blue/green deployment of a changed endpoint.")
    model_monitor: EndpointMonitorConfig | None = Field(
        None, description="Model Monitor data-quality schedule; needs data_capture. Default: off, because "
                          "Model Monitor is no longer open to new customers "
                          "(https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-data-capture.md): "
                          "only an existing Model Monitor customer can deploy it (a synth warning says so).")
    async_inference: EndpointAsyncConfig | None = Field(None, description="Asynchronous inference through "
                                                                          "S3.")
    serverless: EndpointServerlessConfig | None = Field(
        None, description="Serverless inference (no VPC, no volume key); needs strict: false.")
    strict: bool = Field(True, description="Refuse what escapes the VPC and KMS controls (serverless).")

    rules = (model_source_problems, variant_list_problems, feature_problems, monitored_name_problems,
             rollback_alarm_problems, cpu_scaling_problems, team_prefix_problems)

    @field_validator("team")
    @classmethod
    def _team(cls, team: str | None) -> str | None:
        return None if team is None else team_segment(team)

    @field_validator("image_repository")
    @classmethod
    def _repository(cls, name: str) -> str:
        return ecr_repository_name(name)

    def model_package_groups(self) -> list[str]:
        """The model package groups this endpoint (or one of its variants) deploys from."""
        groups = [self.model_package_group, *(v.model_package_group for v in self.variants)]
        return list(dict.fromkeys(g for g in groups if g))


# --------------------------------------------------------------------------------------------------
# Checks of the endpoints list that need the platform (paths relative to the platform config)


def repeated_endpoint_name_problems(platform: Any) -> list[Problem]:
    """Each endpoint name once."""
    first: dict[str, int] = {}

    def check(index: int, endpoint: Any) -> list[Problem]:
        name = endpoint.name
        if name in first:
            return [(("endpoints", index, "name"), (f"endpoint name {name!r} is listed twice (first at "
                                                     f"endpoints.{first[name]}); name each endpoint once"))]
        first[name] = index
        return []

    return each_item(platform.endpoints, check)


def endpoint_stage_problems(platform: Any) -> list[Problem]:
    """Instances per variant and the autoscaling minimum for the platform's stage: every stage but dev is
    production (SecureEndpoint's ``production``). Each message names the stage."""
    stage = platform.stage
    production = stage != "dev"
    context = f"stage {stage!r} is production" if production else f"in stage {stage!r}"

    def check(index: int, endpoint: Any) -> list[Problem]:
        if endpoint.serverless is not None:
            return []
        scaling, async_inference = endpoint.autoscaling, endpoint.async_inference
        problems = checks.capacity_problems(
            instance_counts=[_or_none(variant, "instance_count") for variant in endpoint.variants],
            production=production,
            allow_single_instance=endpoint.allow_single_instance,
            min_capacity=_or_none(scaling, "min_capacity") if scaling is not None else None,
            scale_to_zero=async_inference is not None and async_inference.scale_to_zero)
        return [(("endpoints", index, *path), f"{context}: {message}") for path, message in problems]

    return each_item(platform.endpoints, check)


def endpoint_team_problems(platform: Any) -> list[Problem]:
    """An endpoint's team is one of identity.teams."""
    known = [t.name for t in platform.identity.teams]

    def check(index: int, endpoint: Any) -> list[Problem]:
        if endpoint.team is None or endpoint.team in known:
            return []
        message = (f"team {endpoint.team!r} of endpoint {endpoint.name} is not in identity.teams {known}; "
                   "add it there or use one of those")
        return [(("endpoints", index, "team"), message)]

    return each_item(platform.endpoints, check)


def team_segment(team: str) -> str:
    """``team``, when it is a team name usable as one S3 key segment (the team's prefix).

    :raises ValueError: naming the value and what a team name may hold."""
    if not _TEAM_SEGMENT_RE.match(team):
        raise ValueError(f"{team!r} is not a team name (one S3 key segment: letters, digits, -_.)")
    return team


def ecr_repository_name(name: str) -> str:
    """``name``, when it is a private ECR repository name (2-256 characters, lower case, ``/`` namespaces).

    :raises ValueError: naming the value and the expected shape."""
    if not 2 <= len(name) <= 256 or not _ECR_REPOSITORY_RE.match(name):
        raise ValueError(f"{name!r} is not an ECR repository name (lower-case, e.g. team-a/churn)")
    return name


def consumer_endpoint_problems(platform: Any) -> list[Problem]:
    """Each name in identity.consumer_endpoint_names is an endpoint of the config (``endpoints`` or
    ``inference_component_endpoints``): the grant is made by the endpoint's stack, so a name that matches
    none (a typo, a removed endpoint) would grant nothing, silently."""
    known = [endpoint.name for endpoint in (*platform.endpoints, *platform.inference_component_endpoints)]
    return [(("identity", "consumer_endpoint_names", index), (
        f"identity.consumer_endpoint_names names {name!r}, which is not an endpoint of this config "
        f"(endpoints: {known}); use an endpoint's name or remove it"))
        for index, name in enumerate(platform.identity.consumer_endpoint_names) if name not in known]


def model_monitor_image_problems(platform: Any) -> list[Problem]:
    """A Model Monitor schedule needs the analyzer image of the region: AWS's, where the SageMaker SDK's table
    knows its account, or ``image_uri``."""
    region = platform.region

    def check(index: int, endpoint: Any) -> list[Problem]:
        monitor = endpoint.model_monitor
        if monitor is None:
            return []
        image = checks.monitor_image_problems(region=region, image_uri=monitor.image_uri)
        return nested(("endpoints", index, "model_monitor"), image)

    return each_item(platform.endpoints, check)
