"""The checks of a SageMaker endpoint's options that compare values, and each option's checks together:
each returns ``(path, message)`` pairs.

Both callers use these functions: the hosting constructs (``SecureEndpoint``, ``EndpointAutoScaling``, ...)
and the config validators (``endpoints:`` section). So every check exists once and reads the same in both.

- **Plain values in, problems out.** Arguments are keyword-only numbers, strings and booleans (durations in
  seconds), so a pydantic validator can call them with its fields. Nothing raises: the caller collects every
  problem and reports them together.
- **One value, or several.** A check of one value is in :mod:`.values` (the config runs it as the key's
  field validator); the functions here compare values (``min_capacity`` with ``max_capacity``, instance
  counts with the endpoint being production) and combine each option's checks (:func:`autoscaling_problems`
  is what ``AutoScalingOptions.problems()`` returns).
- **Paths are relative** to the object checked, e.g. ``("min_capacity",)`` for :func:`autoscaling_problems`,
  ``("variants", 1, "instance_count")`` for :func:`capacity_problems` (relative to the endpoint). The
  caller prefixes its own location (:func:`nested`).
- **Messages name the value, the reason and the fix**, and the key when it is spelled the same in Python and
  in the config (``min_capacity``, ``instance_type``); where the spellings differ (``scale_in_cooldown`` vs
  ``scale_in_cooldown_seconds``) the message describes the value and the path names the key.

CDK-free: nothing here imports aws_cdk or jsii. Unresolved CDK tokens are recognized by their string encoding
(:func:`is_unresolved`) and skipped where a check needs a literal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from cdk_secure_ml.core.hosting import values
from cdk_secure_ml.core.instance_vcpus import vcpus
from cdk_secure_ml.core.model_monitor_images import MODEL_MONITOR_IMAGE_ACCOUNTS, MODEL_MONITOR_REPOSITORY
from cdk_secure_ml.core.names import INSTANCE_TYPE_RE
from cdk_secure_ml.core.problems import Path as Path
from cdk_secure_ml.core.problems import Problem as Problem
from cdk_secure_ml.core.problems import is_unresolved as is_unresolved
from cdk_secure_ml.core.problems import nested as nested

#: ``AWS::SageMaker::Endpoint`` ``AutoRollbackConfig.Alarms`` holds at most 10 alarms
#: (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/
#: aws-properties-sagemaker-endpoint-autorollbackconfig.html).
MAX_ROLLBACK_ALARMS = 10
_MONITOR_IMAGES_PAGE = (
    "https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-pre-built-container.html"
)


# --------------------------------------------------------------------------------------------------
# Variants and capacity


def variant_problems(*, name: str, instance_type: str, weight: float) -> list[Problem]:
    """One production variant. Paths: ``name``, ``instance_type``, ``weight``."""
    return (
        values.variant_name_problems(name)
        + values.instance_type_problems(instance_type)
        + values.weight_problems(weight)
    )


def repeated_name_problems(names: Sequence[str | None]) -> list[Problem]:
    """Variant names given more than once; a name that is None (not known) is skipped. Paths, relative to
    the list: ``(i, "name")`` of each repeat."""
    first: dict[str, int] = {}
    problems: list[Problem] = []
    for index, name in enumerate(names):
        if name is None:
            continue
        if name in first:
            problems.append(
                (
                    (index, "name"),
                    f"variant name {name!r} is listed twice (first at variants.{first[name]}); name each "
                    "variant once",
                )
            )
        else:
            first[name] = index
    return problems


def zero_weight_problems(*, names: Sequence[str], weights: Sequence[float]) -> list[Problem]:
    """No variant would get traffic. Path: ``()`` (the list)."""
    if not weights or any(weight != 0 for weight in weights):
        return []
    return [((), f"all variant weights are 0 ({list(names)}); give at least one variant a weight > 0")]


def variant_set_problems(*, names: Sequence[str], weights: Sequence[float]) -> list[Problem]:
    """The variants of one endpoint together: empty, repeated names, no traffic. Paths, relative to the
    list: ``()``, and ``(i, "name")`` for a repeated name."""
    if not names:
        return [((), "variants is empty; give at least one variant")]
    return repeated_name_problems(names) + zero_weight_problems(names=names, weights=weights)


def capacity_problems(
    *,
    instance_counts: Sequence[int | None],
    production: bool,
    allow_single_instance: bool,
    min_capacity: int | None = None,
    scale_to_zero: bool = False,
) -> list[Problem]:
    """Instances per variant and the autoscaling minimum, for a production endpoint or not.

    Production endpoints run >= 2 instances per variant (SageMaker spreads them across AZs) and scale in to
    no fewer than 2; a non-production endpoint may run one with ``allow_single_instance``. ``min_capacity``
    is None without autoscaling; ``scale_to_zero`` (async inference) allows a minimum of 0. An instance
    count that is None (not known) is skipped.
    Paths, relative to the endpoint: ``("variants", i, "instance_count")``,
    ``("autoscaling", "min_capacity")``, ``("allow_single_instance",)``.
    """
    problems: list[Problem] = []
    if production and allow_single_instance:
        problems.append(
            (
                ("allow_single_instance",),
                "allow_single_instance is true for a production "
                "endpoint; only a non-production (dev) endpoint may run "
                "a single instance",
            )
        )
    for index, count in enumerate(instance_counts):
        path: Path = ("variants", index, "instance_count")
        if count is None or count >= 2:
            continue
        if count < 1:
            problems += nested(("variants", index), values.instance_count_problems(count))
        elif production:
            problems.append(
                (
                    path,
                    f"instance_count is {count}; production endpoints need 2 or more "
                    "(SageMaker spreads them across AZs); only a non-production endpoint may "
                    "run one instance, with allow_single_instance",
                )
            )
        elif not allow_single_instance:
            problems.append(
                (
                    path,
                    f"instance_count is {count}; set allow_single_instance to true to accept "
                    "a single instance outside production",
                )
            )
    if min_capacity is not None and min_capacity < 2 and not scale_to_zero:
        problems += _min_capacity_problems(min_capacity, production, allow_single_instance)
    return problems


def _min_capacity_problems(min_capacity: int, production: bool, allow_single_instance: bool) -> list[Problem]:
    path = ("autoscaling", "min_capacity")
    if production:
        return [(path, f"min_capacity is {min_capacity}; production endpoints keep 2 or more")]
    if min_capacity < 1:
        return [
            (
                path,
                f"min_capacity {min_capacity} is only for async endpoints with scale_to_zero; use 2, "
                "or 1 with allow_single_instance",
            )
        ]
    if not allow_single_instance:
        return [
            (
                path,
                f"min_capacity is {min_capacity}; use 2, or set allow_single_instance to true to "
                "accept a single instance outside production",
            )
        ]
    return []


# --------------------------------------------------------------------------------------------------
# Autoscaling


def scaling_range_problems(*, min_capacity: int, max_capacity: int) -> list[Problem]:
    """The minimum is not above the maximum. Path: ``min_capacity``."""
    if min_capacity <= max_capacity:
        return []
    return [
        (("min_capacity",), f"min_capacity {min_capacity} > max_capacity {max_capacity}; make min <= max")
    ]


def autoscaling_problems(
    *,
    min_capacity: int,
    max_capacity: int,
    target_invocations_per_instance: float,
    scale_in_cooldown_seconds: float = 0,
    scale_out_cooldown_seconds: float = 0,
    cpu_target_percent: float | None = None,
) -> list[Problem]:
    """Target tracking on invocations per instance (and CPU). Paths: the argument names, the cooldowns as
    ``scale_in_cooldown`` / ``scale_out_cooldown``. The minimum of a production endpoint:
    :func:`capacity_problems`."""
    problems = scaling_range_problems(min_capacity=min_capacity, max_capacity=max_capacity)
    problems += values.max_capacity_problems(max_capacity)
    problems += values.min_capacity_problems(min_capacity)
    problems += values.target_invocations_problems(target_invocations_per_instance)
    problems += values.cooldown_problems("scale_in_cooldown", scale_in_cooldown_seconds)
    problems += values.cooldown_problems("scale_out_cooldown", scale_out_cooldown_seconds)
    if cpu_target_percent is not None:
        problems += values.percent_of_instance_problems("cpu_target_percent", cpu_target_percent)
    return problems


def invocations_target_problems(*, max_rps: float, safety_factor: float) -> list[Problem]:
    """The load-test inputs of an invocations target. Paths: ``max_rps``, ``safety_factor``."""
    return values.max_rps_problems(max_rps) + values.safety_factor_problems(safety_factor)


def vcpu_problems(key: str, instance_types: Mapping[str, str]) -> list[Problem]:
    """A CPU percentage scaled by vCPUs needs every variant's vCPUs (``instance_types``: variant name ->
    type; types that are not ``ml.*`` are left to :func:`variant_problems`). Path: ``(key,)``."""
    problems: list[Problem] = []
    for name, instance_type in instance_types.items():
        if not INSTANCE_TYPE_RE.match(instance_type):
            continue
        try:
            vcpus(instance_type)
        except ValueError as exc:
            problems.append(((key,), f"{key}: variant {name!r}: {exc}"))
    return problems


# --------------------------------------------------------------------------------------------------
# Data capture, alarms, rollout


def data_capture_problems(
    *, sampling_percentage: int, capture_request: bool = True, capture_response: bool = True
) -> list[Problem]:
    """Data capture. Paths: ``sampling_percentage``, ``capture_request``."""
    problems = values.sampling_percentage_problems(sampling_percentage)
    if not (capture_request or capture_response):
        problems.append(
            (
                ("capture_request",),
                "capture_request and capture_response are both off: nothing "
                "would be captured; turn at least one on",
            )
        )
    return problems


def alarm_problems(
    *, evaluation_periods: int, datapoints_to_alarm: int, cpu_utilization_percent: float | None = None
) -> list[Problem]:
    """Alarm thresholds. Paths: ``datapoints_to_alarm``, ``cpu_utilization_percent``."""
    problems: list[Problem] = []
    if not 1 <= datapoints_to_alarm <= evaluation_periods:
        problems.append(
            (
                ("datapoints_to_alarm",),
                f"datapoints_to_alarm {datapoints_to_alarm} must be 1 to "
                f"evaluation_periods ({evaluation_periods})",
            )
        )
    if cpu_utilization_percent is not None:
        problems += values.percent_of_instance_problems("cpu_utilization_percent", cpu_utilization_percent)
    return problems


#: The step sizes SageMaker takes, in percent of the variant's instances: a canary at most 50 %, a linear step
#: 10-50 % (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_TrafficRoutingConfig.html).
ROLLOUT_SIZE_RANGES: dict[str, tuple[int, int]] = {"CANARY": (1, 50), "LINEAR": (10, 50)}


def rollout_problems(*, traffic_routing: str, size_percent: float | None) -> list[Problem]:
    """Blue/green traffic shifting: the routing and its step size. Paths: ``traffic_routing``,
    ``size_percent``. (The waits, one value each: :func:`.values.rollout_wait_problems`.)"""
    problems = values.traffic_routing_problems(traffic_routing)
    if problems:
        return problems
    if traffic_routing == "ALL_AT_ONCE":
        if size_percent is not None:
            return [
                (
                    ("size_percent",),
                    f"size_percent {size_percent:g} applies to CANARY and LINEAR rollouts only; remove it",
                )
            ]
        return []
    what = "canary size" if traffic_routing == "CANARY" else "linear step"
    low, high = ROLLOUT_SIZE_RANGES[traffic_routing]
    if size_percent is None:
        return [
            (
                ("size_percent",),
                f"the {what} is missing; give size_percent, a percentage of the new fleet ({low}-{high}), "
                "e.g. 10",
            )
        ]
    if size_percent != int(size_percent):
        return [
            (
                ("size_percent",),
                f"{what} {size_percent:g} % is not a whole number; SageMaker takes whole percent, e.g. 10",
            )
        ]
    if not low <= size_percent <= high:
        return [
            (
                ("size_percent",),
                f"{what} {size_percent:g} % is outside {low}-{high} %, what SageMaker takes for a "
                f"{traffic_routing} rollout; give size_percent, a percentage of the new fleet, e.g. 10",
            )
        ]
    return []


def rollback_alarms_per_variant(*, invocation_5xx_errors: object, model_latency_p99: object) -> int:
    """The alarms per variant that roll a deployment back: the 5XX and the p99 latency alarm, each when its
    threshold is not None (the 4XX alarm only notifies)."""
    return sum(threshold is not None for threshold in (invocation_5xx_errors, model_latency_p99))


def rollback_alarm_problems(
    *, variant_count: int, rollback_alarms_per_variant: int, auto_rollback: bool
) -> list[Problem]:
    """Automatic rollback names every rollback alarm (5XX and latency per variant; 4XX only notifies).
    Path, relative to the endpoint: ``("alarms",)``."""
    total = variant_count * rollback_alarms_per_variant
    if not auto_rollback or total <= MAX_ROLLBACK_ALARMS:
        return []
    most = MAX_ROLLBACK_ALARMS // max(rollback_alarms_per_variant, 1)
    return [
        (
            ("alarms",),
            f"{total} rollback alarms exceed the {MAX_ROLLBACK_ALARMS} SageMaker allows; use at most "
            f"{most} variants, turn some alarms off, or turn auto_rollback off",
        )
    ]


# --------------------------------------------------------------------------------------------------
# Model Monitor, async, serverless, and how the features combine


def baseline_problems(
    *,
    has_baseline_constraints: bool,
    has_baseline_statistics: bool,
    baseline_keys: tuple[str, str] = ("baseline_constraints", "baseline_statistics"),
) -> list[Problem]:
    """Both files of a baseline, or neither. Path: the key of the missing file (``baseline_keys``: the keys
    of the constraints and statistics files, as the caller spells them)."""
    if has_baseline_constraints == has_baseline_statistics:
        return []
    missing = baseline_keys[1] if has_baseline_constraints else baseline_keys[0]
    return [
        (
            (missing,),
            "a baseline is two files of one baselining job, constraints.json and "
            "statistics.json: give both (or neither, for statistics without "
            "checks)",
        )
    ]


def model_monitor_problems(
    *,
    instance_type: str,
    schedule_expression: str,
    has_baseline_constraints: bool,
    has_baseline_statistics: bool,
    baseline_keys: tuple[str, str] = ("baseline_constraints", "baseline_statistics"),
) -> list[Problem]:
    """A data-quality schedule. Paths: ``instance_type``, ``schedule_expression``, and the key of the missing
    baseline file (:func:`baseline_problems`)."""
    problems = values.instance_type_problems(instance_type, example="ml.m5.xlarge")
    problems += baseline_problems(
        has_baseline_constraints=has_baseline_constraints,
        has_baseline_statistics=has_baseline_statistics,
        baseline_keys=baseline_keys,
    )
    return problems + values.schedule_expression_problems(schedule_expression)


def monitor_image_problems(*, region: str | None, image_uri: str | None) -> list[Problem]:
    """Model Monitor's analyzer image: AWS publishes it per region
    (:mod:`cdk_secure_ml.core.model_monitor_images`); elsewhere ``image_uri`` must be given. ``region`` None
    (or a token): not known at synth time, so the image is looked up at deploy time. Path: ``image_uri``."""
    if image_uri is not None or region is None or is_unresolved(region):
        return []
    if region in MODEL_MONITOR_IMAGE_ACCOUNTS:
        return []
    return [
        (
            ("image_uri",),
            f"image_uri is needed: no Model Monitor image is known for region {region} (the SageMaker SDK's "
            f"table lists {len(MODEL_MONITOR_IMAGE_ACCOUNTS)} regions); set image_uri to the analyzer image "
            f"of {region}, <account>.dkr.ecr.{region}.amazonaws.com/{MODEL_MONITOR_REPOSITORY} "
            f"({_MONITOR_IMAGES_PAGE})",
        )
    ]


def async_inference_problems(
    *, max_concurrent_invocations_per_instance: int | None, backlog_target_per_instance: float
) -> list[Problem]:
    """Async inference. Paths: the argument names."""
    problems: list[Problem] = []
    if max_concurrent_invocations_per_instance is not None:
        problems += values.max_concurrent_invocations_problems(max_concurrent_invocations_per_instance)
    return problems + values.backlog_target_problems(backlog_target_per_instance)


def serverless_problems(*, memory_size_mb: int, max_concurrency: int) -> list[Problem]:
    """Serverless inference. Paths: the argument names."""
    return values.memory_size_problems(memory_size_mb) + values.max_concurrency_problems(max_concurrency)


def feature_combination_problems(
    *, serverless: bool, strict: bool, async_inference: bool, model_monitor: bool, data_capture: bool
) -> list[Problem]:
    """Features that need or exclude each other. Paths, relative to the endpoint: ``serverless``,
    ``async_inference``, ``model_monitor``."""
    problems: list[Problem] = []
    if serverless and strict:
        problems.append(
            (
                ("serverless",),
                "serverless inference cannot run in a VPC (and takes no volume KMS "
                "key), so strict mode refuses it; use instance-based variants, or "
                "turn strict off for a model whose data may leave the VPC "
                "controls",
            )
        )
    if serverless and async_inference:
        problems.append(
            (("async_inference",), "async_inference and serverless exclude each other; choose one")
        )
    if model_monitor and not data_capture:
        problems.append(
            (("model_monitor",), "model_monitor needs data_capture: Model Monitor analyses the captured data")
        )
    if model_monitor and serverless:
        problems.append(
            (("model_monitor",), "model_monitor is not available for serverless endpoints; remove it")
        )
    return problems


def network_problems(*, has_vpc: bool, subnet_azs: Sequence[str | None]) -> list[Problem]:
    """Where the endpoint's instances run: a VPC and >= 2 subnets in distinct AZs (an AZ is None when it is
    not known at synth time; then the AZs are not compared). Paths: ``network``, ``subnets``."""
    problems: list[Problem] = []
    if not has_vpc:
        problems.append(
            (
                ("network",),
                "no network: pass network=MlNetwork(...) or vpc=... with subnets (hosting runs in your VPC)",
            )
        )
    if len(subnet_azs) < 2:
        problems.append(
            (
                ("subnets",),
                f"{len(subnet_azs)} subnet(s) given; hosting needs at least 2 subnets in distinct AZs",
            )
        )
    else:
        known = [az for az in subnet_azs if az is not None]
        if len(known) == len(subnet_azs) and len(set(known)) < 2:
            problems.append(
                (
                    ("subnets",),
                    f"all subnets are in {sorted(set(known))}; hosting needs subnets "
                    "in at least 2 distinct AZs",
                )
            )
    return problems
