"""The checks of a SageMaker endpoint's options, over plain values: each returns ``(path, message)`` pairs.

Both callers use these functions: the hosting constructs (``SecureEndpoint``, ``EndpointAutoScaling``, ...)
and the config validators (``endpoints:`` section). So every check exists once and reads the same in both.

- **Plain values in, problems out.** Arguments are keyword-only numbers, strings and booleans (durations in
  seconds), so a pydantic validator can call them with its fields. Nothing raises: the caller collects every
  problem and reports them together.
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

import re
from collections.abc import Iterable, Mapping, Sequence

from cdk_secure_ml.core.instance_vcpus import vcpus
from cdk_secure_ml.core.model_monitor_images import MODEL_MONITOR_IMAGE_ACCOUNTS
from cdk_secure_ml.core.names import INSTANCE_TYPE_RE, SAGEMAKER_NAME_RE

#: A location relative to the checked object: keys and list indexes.
Path = tuple[str | int, ...]
#: One problem: where, and what is wrong with the fix.
Problem = tuple[Path, str]

#: ``AWS::SageMaker::Endpoint`` ``AutoRollbackConfig.Alarms`` holds at most 10 alarms
#: (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/
#: aws-properties-sagemaker-endpoint-autorollbackconfig.html).
MAX_ROLLBACK_ALARMS = 10
#: ``ServerlessConfig.MemorySizeInMB`` accepts these sizes
#: (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProductionVariantServerlessConfig.html).
SERVERLESS_MEMORY_SIZES_MB = (1024, 2048, 3072, 4096, 5120, 6144)
TRAFFIC_ROUTINGS = ("ALL_AT_ONCE", "CANARY", "LINEAR")

# aws-cdk-lib encodes an unresolved string token as "${Token[...]}" (core/lib/private/encoding.ts);
# Token.is_unresolved(str) tests for that marker (tests/constructs/test_hosting_api.py compares the two).
_TOKEN_RE = re.compile(r"\$\{Token\[")
_SCHEDULE_RE = re.compile(r"^(cron|rate)\(.+\)$")
_MONITOR_IMAGES_PAGE = (
    "https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-pre-built-container.html"
)


def is_unresolved(value: object) -> bool:
    """True when ``value`` is a string holding an unresolved CDK token (known only at deploy time)."""
    return isinstance(value, str) and _TOKEN_RE.search(value) is not None


def nested(prefix: Path, problems: Iterable[Problem]) -> list[Problem]:
    """``problems`` with ``prefix`` put in front of each path."""
    return [((*prefix, *path), message) for path, message in problems]


# --------------------------------------------------------------------------------------------------
# Variants and capacity


def variant_problems(*, name: str, instance_type: str, weight: float) -> list[Problem]:
    """One production variant. Paths: ``name``, ``instance_type``, ``weight``."""
    problems: list[Problem] = []
    if not SAGEMAKER_NAME_RE.match(name):
        problems.append(
            (("name",), f"name {name!r} is not a variant name; use 1-63 letters, digits and hyphens")
        )
    if not INSTANCE_TYPE_RE.match(instance_type):
        problems.append(
            (
                ("instance_type",),
                f"instance_type {instance_type!r} is not a SageMaker instance "
                "type; use an ml.* type such as ml.m5.large",
            )
        )
    if weight < 0:
        problems.append((("weight",), f"weight {weight} is negative; use 0 or more"))
    return problems


def variant_set_problems(*, names: Sequence[str], weights: Sequence[float]) -> list[Problem]:
    """The variants of one endpoint together (empty, repeated names, no traffic). Path: ``()`` (the list)."""
    if not names:
        return [((), "variants is empty; give at least one variant")]
    problems: list[Problem] = []
    if len(set(names)) != len(names):
        problems.append(((), f"variant names {list(names)} repeat a name; name each variant once"))
    if all(weight == 0 for weight in weights):
        problems.append(
            ((), f"all variant weights are 0 ({list(names)}); give at least one variant a weight > 0")
        )
    return problems


def capacity_problems(
    *,
    instance_counts: Sequence[int],
    production: bool,
    allow_single_instance: bool,
    min_capacity: int | None = None,
    scale_to_zero: bool = False,
) -> list[Problem]:
    """Instances per variant and the autoscaling minimum, for a production endpoint or not.

    Production endpoints run >= 2 instances per variant (SageMaker spreads them across AZs) and scale in to
    no fewer than 2; a non-production endpoint may run one with ``allow_single_instance``. ``min_capacity``
    is None without autoscaling; ``scale_to_zero`` (async inference) allows a minimum of 0.
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
        if count < 1:
            problems.append((path, f"instance_count {count} must be at least 1"))
        elif count < 2 and production:
            problems.append(
                (
                    path,
                    f"instance_count is {count}; production endpoints need 2 or more "
                    "(SageMaker spreads them across AZs); only a non-production endpoint may "
                    "run one instance, with allow_single_instance",
                )
            )
        elif count < 2 and not allow_single_instance:
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
    ``scale_in_cooldown`` / ``scale_out_cooldown``."""
    problems: list[Problem] = []
    if min_capacity > max_capacity:
        problems.append(
            (("min_capacity",), f"min_capacity {min_capacity} > max_capacity {max_capacity}; make min <= max")
        )
    if max_capacity < 1:
        problems.append((("max_capacity",), f"max_capacity {max_capacity} must be at least 1"))
    if min_capacity < 0:
        problems.append((("min_capacity",), f"min_capacity {min_capacity} must be 0 or more"))
    if target_invocations_per_instance <= 0:
        problems.append(
            (
                ("target_invocations_per_instance",),
                f"target_invocations_per_instance is {target_invocations_per_instance}; use a "
                "positive number of invocations per instance per minute, e.g. from a load test: "
                "max_rps * safety_factor * 60 (invocations_target)",
            )
        )
    for key, cooldown in (
        ("scale_in_cooldown", scale_in_cooldown_seconds),
        ("scale_out_cooldown", scale_out_cooldown_seconds),
    ):
        if cooldown < 0:
            problems.append(
                ((key,), f"a cooldown of {cooldown:g} seconds is negative; use 0 or more seconds")
            )
    if cpu_target_percent is not None:
        problems += percent_of_instance_problems("cpu_target_percent", cpu_target_percent)
    return problems


def invocations_target_problems(*, max_rps: float, safety_factor: float) -> list[Problem]:
    """The load-test inputs of an invocations target. Paths: ``max_rps``, ``safety_factor``."""
    problems: list[Problem] = []
    if not max_rps > 0:
        problems.append(
            (("max_rps",), f"max_rps is {max_rps}; use the requests per second one instance sustained (> 0)")
        )
    if not 0 < safety_factor <= 1:
        problems.append(
            (("safety_factor",), f"safety_factor is {safety_factor}; use a value in (0, 1], e.g. 0.5")
        )
    return problems


def percent_of_instance_problems(key: str, percent: float) -> list[Problem]:
    """A CPU percentage of the whole instance (alarm threshold or scaling target). Path: ``(key,)``."""
    if 0 < percent <= 100:
        return []
    return [
        (
            (key,),
            f"{key} {percent} is outside (0, 100]; give a percentage of the whole instance (it is "
            "multiplied by the instance's vCPUs)",
        )
    ]


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
    problems: list[Problem] = []
    if not 0 <= sampling_percentage <= 100:
        problems.append(
            (
                ("sampling_percentage",),
                f"sampling_percentage {sampling_percentage} is outside "
                "0-100; give the percentage of requests to capture",
            )
        )
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
        problems += percent_of_instance_problems("cpu_utilization_percent", cpu_utilization_percent)
    return problems


def rollout_problems(*, traffic_routing: str, size_percent: float | None) -> list[Problem]:
    """Blue/green traffic shifting. Paths: ``traffic_routing``, ``size_percent``."""
    if traffic_routing not in TRAFFIC_ROUTINGS:
        return [
            (
                ("traffic_routing",),
                f"traffic_routing {traffic_routing!r} is not ALL_AT_ONCE, CANARY or LINEAR",
            )
        ]
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
    if size_percent is None:
        return [
            (
                ("size_percent",),
                f"the {what} is missing; give size_percent, a percentage of the new fleet (1-100), e.g. 10",
            )
        ]
    if not 1 <= size_percent <= 100:
        return [
            (
                ("size_percent",),
                f"{what} {size_percent:g} % is outside 1-100 %; give size_percent, a "
                "percentage of the new fleet, e.g. 10",
            )
        ]
    return []


def rollback_alarm_problems(
    *, variant_count: int, rollback_alarms_per_variant: int, auto_rollback: bool
) -> list[Problem]:
    """Automatic rollback names every rollback alarm (5XX and latency per variant; 4XX only notifies).
    Path: ``()`` (the endpoint)."""
    total = variant_count * rollback_alarms_per_variant
    if not auto_rollback or total <= MAX_ROLLBACK_ALARMS:
        return []
    most = MAX_ROLLBACK_ALARMS // max(rollback_alarms_per_variant, 1)
    return [
        (
            (),
            f"{total} rollback alarms exceed the {MAX_ROLLBACK_ALARMS} SageMaker allows; use at most "
            f"{most} variants, turn some alarms off, or turn auto_rollback off",
        )
    ]


# --------------------------------------------------------------------------------------------------
# Model Monitor, async, serverless, and how the features combine


def model_monitor_problems(
    *,
    instance_type: str,
    schedule_expression: str,
    has_baseline_constraints: bool,
    has_baseline_statistics: bool,
    baseline_keys: tuple[str, str] = ("baseline_constraints", "baseline_statistics"),
) -> list[Problem]:
    """A data-quality schedule. Paths: ``instance_type``, ``schedule_expression``, and the key of the missing
    baseline file (``baseline_keys``: the keys of the constraints and statistics files, as the caller spells
    them)."""
    problems: list[Problem] = []
    if not INSTANCE_TYPE_RE.match(instance_type):
        problems.append(
            (
                ("instance_type",),
                f"instance_type {instance_type!r} is not a SageMaker instance "
                "type; use an ml.* type such as ml.m5.xlarge",
            )
        )
    if has_baseline_constraints != has_baseline_statistics:
        missing = baseline_keys[1] if has_baseline_constraints else baseline_keys[0]
        problems.append(
            (
                (missing,),
                "a baseline is two files of one baselining job, constraints.json and "
                "statistics.json: give both (or neither, for statistics without "
                "checks)",
            )
        )
    if not _SCHEDULE_RE.match(schedule_expression):
        problems.append(
            (
                ("schedule_expression",),
                f"schedule_expression {schedule_expression!r} is not "
                "cron(...) or rate(...); e.g. cron(0 * ? * * *) for "
                "hourly",
            )
        )
    return problems


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
            f"image_uri is needed: no Model Monitor image account is known for region "
            f"{region}; give image_uri, the analyzer image of that region (see "
            f"{_MONITOR_IMAGES_PAGE})",
        )
    ]


def async_inference_problems(
    *, max_concurrent_invocations_per_instance: int | None, backlog_target_per_instance: float
) -> list[Problem]:
    """Async inference. Paths: the argument names."""
    problems: list[Problem] = []
    mci = max_concurrent_invocations_per_instance
    if mci is not None and not 1 <= mci <= 1000:
        problems.append(
            (
                ("max_concurrent_invocations_per_instance",),
                f"max_concurrent_invocations_per_instance {mci} is outside 1-1000",
            )
        )
    if backlog_target_per_instance <= 0:
        problems.append(
            (
                ("backlog_target_per_instance",),
                f"backlog_target_per_instance is {backlog_target_per_instance}; use a positive "
                "number of queued requests per instance",
            )
        )
    return problems


def serverless_problems(*, memory_size_mb: int, max_concurrency: int) -> list[Problem]:
    """Serverless inference. Paths: the argument names."""
    problems: list[Problem] = []
    if memory_size_mb not in SERVERLESS_MEMORY_SIZES_MB:
        problems.append(
            (("memory_size_mb",), f"memory_size_mb {memory_size_mb} is not one of 1024, 2048, ... 6144")
        )
    if not 1 <= max_concurrency <= 200:
        problems.append((("max_concurrency",), f"max_concurrency {max_concurrency} is outside 1-200"))
    return problems


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
        problems.append((("model_monitor",), "model_monitor is not available for serverless endpoints"))
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
