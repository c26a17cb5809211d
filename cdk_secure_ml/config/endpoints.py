"""``endpoints``: the SageMaker endpoints of the ServingStack (docs/hosting.md, ``SecureEndpoint``).

The checks are the config's side of the hosting checks (``SecureEndpoint._validate`` makes them on the
construct's side). Each check is one function below, named ``*_problems``, returning ``(path, message)``
pairs relative to the section it is listed on (an endpoint, or the platform for the checks that need the
stage or the region), so it can be replaced by a call to a CDK-free option type's check without touching
the others. The endpoint's options (autoscaling, capture, alarms, ...) are in
:mod:`cdk_secure_ml.config.endpoint_options`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import AfterValidator, Field, field_validator

from cdk_secure_ml.config._section import Path, Problem, Section, Unknown, each_item
from cdk_secure_ml.config._types import InstanceType
from cdk_secure_ml.config.endpoint_options import (
    EndpointAlarmsConfig,
    EndpointAsyncConfig,
    EndpointAutoscalingConfig,
    EndpointDataCaptureConfig,
    EndpointMonitorConfig,
    EndpointRolloutConfig,
    EndpointServerlessConfig,
)
from cdk_secure_ml.core.instance_vcpus import vcpus
from cdk_secure_ml.core.model_monitor_images import MODEL_MONITOR_IMAGE_ACCOUNTS, MODEL_MONITOR_REPOSITORY
from cdk_secure_ml.core.names import DIGEST_RE, IMAGE_TAG_RE, SAGEMAKER_NAME_RE

_ENDPOINT_NAME_RE = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,53}$")
_ECR_REPOSITORY_RE = re.compile(r"^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$")
_TEAM_SEGMENT_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")
#: SageMaker allows at most this many rollback alarms in a deployment config.
MAX_ROLLBACK_ALARMS = 10
#: SageMaker names are at most 63 characters; the monitoring schedule is <name>-data-quality.
MAX_MONITORED_NAME = 63 - len("-data-quality")
MODEL_MONITOR_IMAGE_PAGE = "https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-pre-built-container.html"


def _check_model_data(value: str) -> str:
    if not value.endswith(".tar.gz") or "://" in value:
        raise ValueError(
            f"{value!r} is not an s3://…tar.gz in the artifacts bucket; give the key of the model's .tar.gz "
            "inside the platform's artifacts bucket, e.g. models/churn/v3/model.tar.gz"
        )
    return value


def _check_image(value: str) -> str:
    if not (DIGEST_RE.match(value) or IMAGE_TAG_RE.match(value)):
        raise ValueError(f"{value!r} is neither an image digest (sha256:<64 hex>) nor an image tag")
    return value


def _check_model_package_group(value: str) -> str:
    if not SAGEMAKER_NAME_RE.match(value):
        raise ValueError(f"{value!r} is not a model package group name; use 1-63 letters, digits and hyphens "
                         "(e.g. the delivery's registry group <platform>-models)")
    return value


#: The key of a model's .tar.gz in the artifacts bucket.
ModelDataKey = Annotated[str, AfterValidator(_check_model_data)]
#: An image digest (sha256:...) or tag of the endpoint's repository.
ImageRef = Annotated[str, AfterValidator(_check_image)]
#: A SageMaker model package group name.
ModelPackageGroupName = Annotated[str, AfterValidator(_check_model_package_group)]


class EndpointVariantConfig(Section):
    """One production variant; several split traffic by weight (A/B)."""

    name: str = Field("AllTraffic", description="Variant name: letters, digits and hyphens, each once.")
    instance_type: InstanceType = Field("ml.m5.large", description="An ml.* instance type.")
    instance_count: int = Field(
        2, ge=1, description="Instances; 2 or more (spread across AZs) except in a dev stage with "
        "allow_single_instance.")
    weight: float = Field(1.0, ge=0, description="Share of the traffic, relative to the other variants' "
                                                 "weights.")
    model_data: ModelDataKey | None = Field(None, description="A different model for this variant (key in "
                                                              "the artifacts bucket).")
    image: ImageRef | None = Field(None, description="A different image (digest or tag) of the endpoint's "
                                                     "repository.")
    model_package_group: ModelPackageGroupName | None = Field(
        None, description="Deploy the latest approved package of this SageMaker model package group "
                          "(docs/delivery.md).")

    @field_validator("name")
    @classmethod
    def _name(cls, name: str) -> str:
        if not _ENDPOINT_NAME_RE.match(name):
            raise ValueError(f"{name!r} is not a variant name; use letters, digits and hyphens")
        return name


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
    """Hosting checks "variants given", "repeated variant names" and "all weights 0"."""
    variants = endpoint.variants
    if not variants:
        return [(("variants",), "variants is empty; list at least one")]
    first: dict[str, int] = {}

    def check(index: int, variant: Any) -> list[Problem]:
        if variant.name in first:
            message = (f"variant name {variant.name!r} is listed twice (first at "
                       f"variants.{first[variant.name]}); name each variant once")
            return [(("variants", index, "name"), message)]
        first[variant.name] = index
        return []

    problems = each_item(variants, check)
    try:
        if all(v.weight == 0 for v in variants):
            names = [v.name for v in variants]
            problems.append((("variants",), f"all variant weights are 0 ({names}); give at least one variant "
                                            "a weight > 0"))
    except Unknown:
        pass  # a weight (or name) that failed its own check is reported there
    return problems


def serverless_problems(endpoint: Any) -> list[Problem]:
    """Hosting checks "serverless vs strict" and "serverless vs async"."""
    if endpoint.serverless is None:
        return []
    problems: list[Problem] = []
    if endpoint.strict:
        problems.append((("serverless",), ("serverless inference cannot run in a VPC and takes no volume KMS "
                                           "key, so strict mode refuses it; use instance-based variants or "
                                           "set strict: false")))
    if endpoint.async_inference is not None:
        problems.append((("async_inference",), "serverless and async_inference exclude each other; choose "
                                               "one"))
    return problems


def model_monitor_problems(endpoint: Any) -> list[Problem]:
    """Hosting check "model monitor needs capture", plus what SecureEndpoint also refuses: a monitor on a
    serverless endpoint, and a name too long for the monitoring schedule."""
    if endpoint.model_monitor is None:
        return []
    problems: list[Problem] = []
    if endpoint.data_capture is None:
        problems.append((("model_monitor",), "model_monitor needs data_capture (Model Monitor analyses the "
                                             "captured data)"))
    if endpoint.serverless is not None:
        problems.append((("model_monitor",), "model_monitor is not available for serverless endpoints; "
                                             "remove it"))
    if len(endpoint.name) > MAX_MONITORED_NAME:
        problems.append((("name",), (f"name {endpoint.name!r} has {len(endpoint.name)} characters; its "
                                     f"monitoring schedule {endpoint.name}-data-quality would exceed "
                                     f"SageMaker's 63: use a name of {MAX_MONITORED_NAME} characters or "
                                     "fewer, or remove model_monitor")))
    return problems


def rollback_alarm_problems(endpoint: Any) -> list[Problem]:
    """Hosting check "rollback alarms <= 10": 5XX and latency alarms roll back, 4XX only notifies."""
    alarms = endpoint.alarms
    per_variant = sum(x is not None for x in (alarms.invocation_5xx_errors, alarms.model_latency_p99_ms))
    count = per_variant * len(endpoint.variants)
    if endpoint.rollout.auto_rollback and count > MAX_ROLLBACK_ALARMS:
        return [(("alarms",), (f"{count} rollback alarms exceed the {MAX_ROLLBACK_ALARMS} SageMaker allows; "
                               "use at most 5 variants or turn alarms off"))]
    return []


def cpu_scaling_problems(endpoint: Any) -> list[Problem]:
    """CPU thresholds are scaled by the instance's vCPUs (SecureEndpoint), so each variant's vCPUs must be
    known when a CPU alarm or CPU target applies."""
    if endpoint.serverless is not None:
        return []
    scaling = endpoint.autoscaling
    cpu_target = scaling.cpu_target_percent if scaling is not None else None
    if endpoint.alarms.cpu_utilization_percent is None and cpu_target is None:
        return []

    def variant_problems(index: int, variant: Any) -> list[Problem]:
        try:
            vcpus(variant.instance_type)
        except ValueError as exc:
            return [(("variants", index, "instance_type"), str(exc))]
        return []

    return each_item(endpoint.variants, variant_problems)


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
    keys += [(("variants", i, "model_data"), "model_data", lambda v=v: v.model_data)
             for i, v in enumerate(endpoint.variants)]
    if monitor is not None:
        keys += [(("model_monitor", name), name, lambda name=name: getattr(monitor, name))
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

    name: str = Field(description="Endpoint base name (1-54 letters, digits, hyphens; 1-50 with "
                                  "model_monitor). The endpoint is named <name>-<8 hex> of its variant names "
                                  "and instance types.")
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
        None, description="Model Monitor data-quality schedule; needs data_capture.")
    async_inference: EndpointAsyncConfig | None = Field(None, description="Asynchronous inference through "
                                                                          "S3.")
    serverless: EndpointServerlessConfig | None = Field(
        None, description="Serverless inference (no VPC, no volume key); needs strict: false.")
    strict: bool = Field(True, description="Refuse what escapes the VPC and KMS controls (serverless).")

    rules = (model_source_problems, variant_list_problems, serverless_problems, model_monitor_problems,
             rollback_alarm_problems, cpu_scaling_problems, team_prefix_problems)

    @field_validator("name")
    @classmethod
    def _name(cls, name: str) -> str:
        if not _ENDPOINT_NAME_RE.match(name):
            raise ValueError(f"{name!r} is not an endpoint name; use 1-54 letters, digits and hyphens (the "
                             "endpoint, its configs and models are <name>-<8 hex>, at most 63 characters)")
        return name

    @field_validator("team")
    @classmethod
    def _team(cls, team: str | None) -> str | None:
        if team is not None and not _TEAM_SEGMENT_RE.match(team):
            raise ValueError(f"{team!r} is not a team name (one S3 key segment: letters, digits, -_.)")
        return team

    @field_validator("image_repository")
    @classmethod
    def _repository(cls, name: str) -> str:
        if not 2 <= len(name) <= 256 or not _ECR_REPOSITORY_RE.match(name):
            raise ValueError(f"{name!r} is not an ECR repository name (lower-case, e.g. team-a/churn)")
        return name

    def model_package_groups(self) -> list[str]:
        """The model package groups this endpoint (or one of its variants) deploys from."""
        groups = [self.model_package_group, *(v.model_package_group for v in self.variants)]
        return list(dict.fromkeys(g for g in groups if g))


# --------------------------------------------------------------------------------------------------
# Checks of the endpoints list that need the platform (paths relative to the platform config)


def endpoint_name_problems(platform: Any) -> list[Problem]:
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
    """Hosting check "2 or more instances in production": every stage but dev is production."""
    stage = platform.stage
    production = stage != "dev"

    def check(index: int, endpoint: Any) -> list[Problem]:
        if endpoint.serverless is not None:
            return []
        where: Path = ("endpoints", index)
        problems: list[Problem] = []
        if production and endpoint.allow_single_instance:
            problems.append(((*where, "allow_single_instance"), ("allow_single_instance is true in stage "
                                                                 f"{stage!r}; only a dev stage may run a "
                                                                 "single instance")))

        def variant_problems(j: int, variant: Any) -> list[Problem]:
            if variant.instance_count >= 2 or (not production and endpoint.allow_single_instance):
                return []
            fix = ("production endpoints need 2 or more" if production
                   else "set allow_single_instance: true to accept one instance in dev")
            return [((*where, "variants", j, "instance_count"),
                     f"instance_count is {variant.instance_count} in stage {stage!r}; {fix}")]

        problems += each_item(endpoint.variants, variant_problems)
        scaling = endpoint.autoscaling
        scale_to_zero = endpoint.async_inference is not None and endpoint.async_inference.scale_to_zero
        if (scaling is not None and scaling.min_capacity < 2 and not scale_to_zero
                and (production or scaling.min_capacity < 1 or not endpoint.allow_single_instance)):
            fix = ("production endpoints keep 2 or more" if production
                   else "use 2, or 1 with allow_single_instance: true")
            problems.append(((*where, "autoscaling", "min_capacity"),
                             f"min_capacity is {scaling.min_capacity} in stage {stage!r}; {fix}"))
        return problems

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


def model_monitor_image_problems(platform: Any) -> list[Problem]:
    """A Model Monitor schedule needs the analyzer image of the region: AWS's, where the SageMaker SDK's table
    knows its account, or ``image_uri``."""
    region = platform.region
    if region in MODEL_MONITOR_IMAGE_ACCOUNTS:
        return []

    def check(index: int, endpoint: Any) -> list[Problem]:
        monitor = endpoint.model_monitor
        if monitor is None or monitor.image_uri is not None:
            return []
        return [(("endpoints", index, "model_monitor", "image_uri"), (
            f"no Model Monitor image is known for region {region} (the SageMaker SDK's table lists "
            f"{len(MODEL_MONITOR_IMAGE_ACCOUNTS)} regions); set image_uri to the analyzer image of {region}, "
            f"<account>.dkr.ecr.{region}.amazonaws.com/{MODEL_MONITOR_REPOSITORY} "
            f"({MODEL_MONITOR_IMAGE_PAGE})"))]

    return each_item(platform.endpoints, check)
