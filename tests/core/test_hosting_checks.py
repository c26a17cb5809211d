"""cdk_secure_ml.core.hosting: the endpoint checks over plain values, their paths and messages, without
CDK."""

from __future__ import annotations

import subprocess
import sys

import pytest

from cdk_secure_ml.core.hosting import (
    AlarmOptions,
    AsyncInferenceSettings,
    AutoScalingOptions,
    DataCaptureSettings,
    EndpointFeatures,
    EndpointVariantOptions,
    ModelMonitorSettings,
    ModelSource,
    RolloutOptions,
    ServerlessOptions,
    checks,
    endpoint_physical_name,
    endpoint_problems,
    invocations_target,
    is_unresolved,
    seconds,
    values,
)
from cdk_secure_ml.core.hosting.naming import content_hash, endpoint_name_problems

DIGEST = "sha256:" + "a" * 64
MODEL = "models/churn/model.tar.gz"
PACKAGE = "arn:aws:sagemaker:eu-west-1:111111111111:model-package/churn-models/3"


def test_core_hosting_loads_no_cdk():
    code = (
        "import sys, cdk_secure_ml.core.hosting; "
        "sys.exit(any(m.startswith(('aws_cdk', 'jsii', 'constructs')) for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def only(problems):
    assert len(problems) == 1, problems
    return problems[0]


# -- one check at a time: the path, and the message names value and fix ---------------------------


@pytest.mark.parametrize(
    ("problems", "path", "message"),
    [
        (
            checks.variant_problems(name="a_b", instance_type="ml.m5.large", weight=1),
            ("name",),
            "name 'a_b' is not a variant name; use 1-63 letters, digits and hyphens",
        ),
        (
            checks.variant_problems(name="A", instance_type="m5.large", weight=1),
            ("instance_type",),
            "instance_type 'm5.large' is not a SageMaker instance type; use an ml.* type such as ml.m5.large",
        ),
        (
            checks.variant_problems(name="A", instance_type="ml.m5.large", weight=-1),
            ("weight",),
            "weight -1 is negative; use 0 or more",
        ),
        (
            checks.variant_set_problems(names=[], weights=[]),
            (),
            "variants is empty; give at least one variant",
        ),
        (
            checks.variant_set_problems(names=["A", "A"], weights=[1, 1]),
            (1, "name"),
            "variant name 'A' is listed twice (first at variants.0); name each variant once",
        ),
        (
            checks.variant_set_problems(names=["A", "B"], weights=[0, 0]),
            (),
            "all variant weights are 0 (['A', 'B']); give at least one variant a weight > 0",
        ),
        (
            checks.autoscaling_problems(min_capacity=5, max_capacity=3, target_invocations_per_instance=70),
            ("min_capacity",),
            "min_capacity 5 > max_capacity 3; make min <= max",
        ),
        (
            checks.autoscaling_problems(min_capacity=0, max_capacity=0, target_invocations_per_instance=70),
            ("max_capacity",),
            "max_capacity 0 must be at least 1",
        ),
        (
            checks.autoscaling_problems(min_capacity=-1, max_capacity=2, target_invocations_per_instance=70),
            ("min_capacity",),
            "min_capacity -1 must be 0 or more",
        ),
        (
            checks.autoscaling_problems(min_capacity=2, max_capacity=4, target_invocations_per_instance=0),
            ("target_invocations_per_instance",),
            "target_invocations_per_instance is 0; use a positive number",
        ),
        (
            checks.autoscaling_problems(
                min_capacity=2,
                max_capacity=4,
                target_invocations_per_instance=70,
                scale_in_cooldown_seconds=-5,
            ),
            ("scale_in_cooldown",),
            "a cooldown of -5 seconds is negative; use 0 or more seconds",
        ),
        (
            checks.autoscaling_problems(
                min_capacity=2, max_capacity=4, target_invocations_per_instance=70, cpu_target_percent=150
            ),
            ("cpu_target_percent",),
            "cpu_target_percent 150 is outside (0, 100]; give a percentage of the whole instance",
        ),
        (
            checks.invocations_target_problems(max_rps=4, safety_factor=2),
            ("safety_factor",),
            "safety_factor is 2; use a value in (0, 1], e.g. 0.5",
        ),
        (
            checks.vcpu_problems("cpu_target_percent", {"A": "ml.m5.metal"}),
            ("cpu_target_percent",),
            "cpu_target_percent: variant 'A': the vCPUs of 'ml.m5.metal' are not known",
        ),
        (
            checks.data_capture_problems(sampling_percentage=101),
            ("sampling_percentage",),
            "sampling_percentage 101 is outside 0-100; give the percentage of requests to capture",
        ),
        (
            checks.data_capture_problems(
                sampling_percentage=10, capture_request=False, capture_response=False
            ),
            ("capture_request",),
            "capture_request and capture_response are both off",
        ),
        (
            checks.alarm_problems(evaluation_periods=3, datapoints_to_alarm=4),
            ("datapoints_to_alarm",),
            "datapoints_to_alarm 4 must be 1 to evaluation_periods (3)",
        ),
        (
            checks.alarm_problems(evaluation_periods=3, datapoints_to_alarm=2, cpu_utilization_percent=0),
            ("cpu_utilization_percent",),
            "cpu_utilization_percent 0 is outside (0, 100]",
        ),
        (
            checks.rollout_problems(traffic_routing="BLUE", size_percent=None),
            ("traffic_routing",),
            "traffic_routing 'BLUE' is not ALL_AT_ONCE, CANARY or LINEAR",
        ),
        (
            checks.rollout_problems(traffic_routing="CANARY", size_percent=0),
            ("size_percent",),
            "canary size 0 % is outside 1-50 %, what SageMaker takes for a CANARY rollout; give "
            "size_percent, a percentage of the new fleet, e.g. 10",
        ),
        (
            checks.rollout_problems(traffic_routing="LINEAR", size_percent=101.0),
            ("size_percent",),
            "linear step 101 % is outside 10-50 %",
        ),
        (
            checks.rollout_problems(traffic_routing="CANARY", size_percent=60),
            ("size_percent",),
            "canary size 60 % is outside 1-50 %",
        ),
        (
            checks.rollout_problems(traffic_routing="LINEAR", size_percent=5),
            ("size_percent",),
            "linear step 5 % is outside 10-50 %",
        ),
        (
            checks.rollout_problems(traffic_routing="CANARY", size_percent=None),
            ("size_percent",),
            "the canary size is missing; give size_percent",
        ),
        (
            checks.rollout_problems(traffic_routing="ALL_AT_ONCE", size_percent=10),
            ("size_percent",),
            "size_percent 10 applies to CANARY and LINEAR rollouts only; remove it",
        ),
        (
            checks.rollback_alarm_problems(
                variant_count=6, rollback_alarms_per_variant=2, auto_rollback=True
            ),
            ("alarms",),
            "12 rollback alarms exceed the 10 SageMaker allows; use at most 5 variants",
        ),
        (
            checks.model_monitor_problems(
                instance_type="m5",
                schedule_expression="cron(0 * ? * * *)",
                has_baseline_constraints=False,
                has_baseline_statistics=False,
            ),
            ("instance_type",),
            "instance_type 'm5' is not a SageMaker instance type",
        ),
        (
            checks.model_monitor_problems(
                instance_type="ml.m5.xlarge",
                schedule_expression="hourly",
                has_baseline_constraints=False,
                has_baseline_statistics=False,
            ),
            ("schedule_expression",),
            "schedule_expression 'hourly' is not a schedule Model Monitor takes; use cron(0 * ? * * *)",
        ),
        (
            checks.model_monitor_problems(
                instance_type="ml.m5.xlarge",
                schedule_expression="rate(1 hour)",
                has_baseline_constraints=False,
                has_baseline_statistics=False,
            ),
            ("schedule_expression",),
            "schedule_expression 'rate(1 hour)' is not a schedule Model Monitor takes",
        ),
        (
            checks.model_monitor_problems(
                instance_type="ml.m5.xlarge",
                schedule_expression="cron(0/5 * ? * * *)",
                has_baseline_constraints=False,
                has_baseline_statistics=False,
            ),
            ("schedule_expression",),
            "schedule_expression 'cron(0/5 * ? * * *)' is not a schedule Model Monitor takes",
        ),
        (
            checks.model_monitor_problems(
                instance_type="ml.m5.xlarge",
                schedule_expression="cron(0 17/12 ? * * *)",
                has_baseline_constraints=True,
                has_baseline_statistics=False,
            ),
            ("baseline_statistics",),
            "give both (or neither",
        ),
        (
            checks.monitor_image_problems(region="ap-southeast-4", image_uri=None),
            ("image_uri",),
            "image_uri is needed: no Model Monitor image is known for region ap-southeast-4 (the SageMaker "
            "SDK's table lists",
        ),
        (
            checks.async_inference_problems(
                max_concurrent_invocations_per_instance=0, backlog_target_per_instance=5
            ),
            ("max_concurrent_invocations_per_instance",),
            "max_concurrent_invocations_per_instance 0 is outside 1-1000",
        ),
        (
            checks.async_inference_problems(
                max_concurrent_invocations_per_instance=None, backlog_target_per_instance=0
            ),
            ("backlog_target_per_instance",),
            "backlog_target_per_instance is 0; use a positive number",
        ),
        (
            checks.serverless_problems(memory_size_mb=1000, max_concurrency=5),
            ("memory_size_mb",),
            "memory_size_mb 1000 is not one of 1024, 2048, ... 6144",
        ),
        (
            checks.serverless_problems(memory_size_mb=1024, max_concurrency=201),
            ("max_concurrency",),
            "max_concurrency 201 is outside 1-200",
        ),
        (
            checks.network_problems(has_vpc=True, subnet_azs=["a"]),
            ("subnets",),
            "1 subnet(s) given; hosting needs at least 2 subnets in distinct AZs",
        ),
        (
            checks.network_problems(has_vpc=True, subnet_azs=["a", "a"]),
            ("subnets",),
            "all subnets are in ['a']; hosting needs subnets in at least 2 distinct AZs",
        ),
        (endpoint_name_problems("churn_v1"), ("endpoint_name",), "endpoint_name 'churn_v1' is invalid"),
        (
            endpoint_name_problems("e" * 55),
            ("endpoint_name",),
            "has 55 characters; the endpoint, its configs",
        ),
        (
            endpoint_name_problems("e" * 51, model_monitor=True, key="name"),
            ("name",),
            f"name '{'e' * 51}' has 51 characters; its monitoring schedule",
        ),
    ],
)
def test_each_check_names_its_path_and_fix(problems, path, message):
    found_path, found = only(problems)
    assert found_path == path
    assert message in found


@pytest.mark.parametrize(
    ("kwargs", "problems"),
    [
        (
            {"instance_counts": [1], "production": True, "allow_single_instance": False},
            [(("variants", 0, "instance_count"), "instance_count is 1; production endpoints need 2 or more")],
        ),
        (
            {"instance_counts": [2, 1], "production": False, "allow_single_instance": False},
            [(("variants", 1, "instance_count"), "set allow_single_instance to true")],
        ),
        ({"instance_counts": [1], "production": False, "allow_single_instance": True}, []),
        (
            {"instance_counts": [0], "production": False, "allow_single_instance": True},
            [(("variants", 0, "instance_count"), "instance_count 0 must be at least 1")],
        ),
        (
            {"instance_counts": [2], "production": True, "allow_single_instance": True},
            [(("allow_single_instance",), "only a non-production (dev) endpoint may run a single instance")],
        ),
        (
            {"instance_counts": [], "production": True, "allow_single_instance": False, "min_capacity": 1},
            [(("autoscaling", "min_capacity"), "min_capacity is 1; production endpoints keep 2 or more")],
        ),
        (
            {
                "instance_counts": [],
                "production": True,
                "allow_single_instance": False,
                "min_capacity": 0,
                "scale_to_zero": True,
            },
            [],
        ),
        (
            {"instance_counts": [], "production": False, "allow_single_instance": True, "min_capacity": 0},
            [
                (
                    ("autoscaling", "min_capacity"),
                    "min_capacity 0 is only for async endpoints with scale_to_zero",
                )
            ],
        ),
        (
            {"instance_counts": [], "production": False, "allow_single_instance": False, "min_capacity": 1},
            [(("autoscaling", "min_capacity"), "use 2, or set allow_single_instance to true")],
        ),
    ],
)
def test_capacity_in_and_outside_production(kwargs, problems):
    found = checks.capacity_problems(**kwargs)
    assert [p for p, _ in found] == [p for p, _ in problems]
    for (_, message), (_, expected) in zip(found, problems, strict=True):
        assert expected in message


# -- one value at a time (what the config runs as each key's validator) ---------------------------------


@pytest.mark.parametrize(
    ("problems", "path", "message"),
    [
        (values.instance_count_problems(0), ("instance_count",), "instance_count 0 must be at least 1"),
        (
            values.instance_type_problems("m5", example="ml.m5.xlarge"),
            ("instance_type",),
            "use an ml.* type such as ml.m5.xlarge",
        ),
        (
            values.cooldown_problems("scale_out_cooldown", -1),
            ("scale_out_cooldown",),
            "a cooldown of -1 seconds",
        ),
        (
            values.rollout_wait_problems("wait", 3601),
            ("wait",),
            "the wait between traffic shifts is 3601 seconds, outside 0-3600 seconds",
        ),
        (
            values.rollout_wait_problems("termination_wait", -1),
            ("termination_wait",),
            "the wait before the old fleet is terminated is -1 seconds",
        ),
        (
            values.execution_timeout_problems(599),
            ("maximum_execution_timeout",),
            "maximum_execution_timeout 599 seconds is outside 600-28800 seconds",
        ),
        (
            values.key_prefix_problems("prefix", "team-a/*"),
            ("prefix",),
            "prefix 'team-a/*' is not an S3 key prefix; use segments of letters, digits and -_.!'() "
            "joined by / (no * or ..",
        ),
        (
            values.key_prefix_problems("output_prefix", "a/../b"),
            ("output_prefix",),
            "is not an S3 key prefix",
        ),
        (values.key_prefix_problems("prefix", "a//b"), ("prefix",), "is not an S3 key prefix"),
        (
            values.image_uri_problems("not an image"),
            ("image_uri",),
            "image_uri 'not an image' is not an image URI; use <registry>/<repository>[:tag|@sha256:...]",
        ),
        (
            checks.scaling_range_problems(min_capacity=3, max_capacity=2),
            ("min_capacity",),
            "min_capacity 3 > max_capacity 2",
        ),
        (
            checks.baseline_problems(has_baseline_constraints=False, has_baseline_statistics=True),
            ("baseline_constraints",),
            "give both (or neither",
        ),
    ],
)
def test_each_value_check_names_its_path_and_fix(problems, path, message):
    found_path, found = only(problems)
    assert found_path == path
    assert message in found


def test_value_checks_accept_what_secure_endpoint_takes():
    assert values.key_prefix_problems("prefix", "/team-a/data-capture/") == []  # the construct drops the /
    assert values.key_prefix_problems("prefix", "${Token[TOKEN.7]}") == []
    assert (
        values.image_uri_problems(
            "159807026194.dkr.ecr.us-west-2.amazonaws.com/sagemaker-model-monitor-analyzer@sha256:" + "d" * 64
        )
        == []
    )
    assert values.rollout_wait_problems("wait", 0) == values.rollout_wait_problems("wait", 3600) == []
    assert values.execution_timeout_problems(600) == values.execution_timeout_problems(28800) == []


def test_variant_sets_skip_what_is_not_known():
    """The config passes None for a value that failed its own check (reported at its key)."""
    assert checks.repeated_name_problems(["A", None, "A", None]) == [
        ((2, "name"), "variant name 'A' is listed twice (first at variants.0); name each variant once")
    ]
    assert checks.capacity_problems(instance_counts=[None, 1], production=True, allow_single_instance=False)[
        0
    ][0] == ("variants", 1, "instance_count")
    assert checks.zero_weight_problems(names=["A"], weights=[0.0]) != []
    assert checks.zero_weight_problems(names=["A", "B"], weights=[0, 1]) == []


def test_rollback_alarms_per_variant():
    assert AlarmOptions().rollback_alarms_per_variant == 2
    assert AlarmOptions(model_latency_p99=None).rollback_alarms_per_variant == 1
    assert checks.rollback_alarms_per_variant(invocation_5xx_errors=None, model_latency_p99=None) == 0


def test_feature_combinations():
    found = checks.feature_combination_problems(
        serverless=True, strict=True, async_inference=True, model_monitor=True, data_capture=False
    )
    assert [p for p, _ in found] == [
        ("serverless",),
        ("async_inference",),
        ("model_monitor",),
        ("model_monitor",),
    ]
    assert "strict mode refuses it" in found[0][1] and "exclude each other" in found[1][1]
    assert "needs data_capture" in found[2][1] and "not available for serverless" in found[3][1]
    assert (
        checks.feature_combination_problems(
            serverless=False, strict=True, async_inference=True, model_monitor=True, data_capture=True
        )
        == []
    )


def test_tokens_and_known_values_pass():
    token = "${Token[TOKEN.123]}"
    assert is_unresolved(token) and is_unresolved(f"s3://{token}/m.tar.gz") and not is_unresolved("churn")
    assert ModelSource.from_image(token, MODEL).problems() == []
    assert ModelSource.from_model_package(token).problems() == []
    assert checks.monitor_image_problems(region=token, image_uri=None) == []
    assert checks.monitor_image_problems(region="us-west-2", image_uri=None) == []
    assert checks.monitor_image_problems(region="ap-southeast-4", image_uri="x/y") == []


# -- model sources ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "bucket", "path", "message"),
    [
        (
            ModelSource.from_image("sha256:abc", MODEL),
            None,
            ("image",),
            "is not a digest; a digest is sha256:",
        ),
        (ModelSource.from_image("latest:tag", MODEL), None, ("image",), "is neither a digest"),
        (ModelSource.from_image(DIGEST, "m.pkl"), None, ("model_data",), "'m.pkl' is not an s3://…tar.gz"),
        (
            ModelSource.from_image(DIGEST, "s3://other/m.tar.gz"),
            "models",
            ("model_data",),
            "is not in the artifacts bucket 'models'",
        ),
        (
            ModelSource.from_image(DIGEST, "s3://models/m.tar.gz"),
            "${Token[TOKEN.1]}",
            ("model_data",),
            "only known at deploy time",
        ),
        (ModelSource.from_image(DIGEST, "${Token[TOKEN.2]}"), None, ("model_data",), "model_data is a token"),
        (
            ModelSource.from_model_package("arn:aws:s3:::b/m"),
            None,
            ("model_package",),
            "is not a model package version ARN",
        ),
    ],
)
def test_model_source_problems(source, bucket, path, message):
    found_path, found = only(source.problems(bucket_name=bucket))
    assert found_path == path and message in found


def test_model_source_identity_and_key():
    assert ModelSource.from_image(DIGEST, "s3://models/a/model.tar.gz").model_key == "a/model.tar.gz"
    assert (
        ModelSource.from_image(DIGEST, "/a/model.tar.gz").identity
        == ModelSource.from_image(DIGEST, "s3://models/a/model.tar.gz").identity
    )
    assert ModelSource.from_model_package(PACKAGE).identity == f"package|{PACKAGE}"
    assert ModelSource.from_model_package(PACKAGE).problems() == []
    assert ModelSource.from_image(DIGEST, "s3://models/m.tar.gz").problems(bucket_name="models") == []


# -- option types and the whole endpoint ---------------------------------------------------------------


def test_option_types_check_themselves():
    assert [p for p, _ in AutoScalingOptions(min_capacity=3, max_capacity=2).problems()] == [
        ("min_capacity",)
    ]
    assert [p for p, _ in AlarmOptions(datapoints_to_alarm=9).problems()] == [("datapoints_to_alarm",)]
    assert [p for p, _ in RolloutOptions.linear(0).problems()] == [("size_percent",)]
    assert [p for p, _ in ServerlessOptions(max_concurrency=0).problems()] == [("max_concurrency",)]
    assert [p for p, _ in DataCaptureSettings(sampling_percentage=-1).problems()] == [
        ("sampling_percentage",)
    ]
    assert [p for p, _ in AsyncInferenceSettings(backlog_target_per_instance=0).problems()] == [
        ("backlog_target_per_instance",)
    ]
    # the construct's options spell the baseline keys with _key
    assert [p for p, _ in ModelMonitorSettings(baseline_constraints_key="c.json").problems()] == [
        ("baseline_statistics_key",)
    ]
    assert [
        p for p, _ in EndpointVariantOptions(source=ModelSource.from_image("bad tag", MODEL)).problems()
    ] == [("source", "image")]
    assert [p for p, _ in RolloutOptions(wait=4000, maximum_execution_timeout=30).problems()] == [
        ("wait",),
        ("maximum_execution_timeout",),
    ]
    assert [p for p, _ in DataCaptureSettings(prefix="a*").problems()] == [("prefix",)]
    assert [p for p, _ in ModelMonitorSettings(output_prefix="..", image_uri="x y").problems()] == [
        ("output_prefix",),
        ("image_uri",),
    ]
    assert [p for p, _ in AsyncInferenceSettings(failure_prefix="f*").problems()] == [("failure_prefix",)]


def test_endpoint_problems_puts_every_problem_at_its_path():
    variants = [
        EndpointVariantOptions("A", instance_count=1),
        EndpointVariantOptions("B", instance_type="ml.m5.metal"),
    ]
    features = EndpointFeatures(
        autoscaling=AutoScalingOptions(min_capacity=5, max_capacity=3, cpu_target_percent=50),
        alarms=AlarmOptions(),
        model_monitor=ModelMonitorSettings(),
    )
    found = dict(
        endpoint_problems(
            endpoint_name="churn",
            model_source=None,
            variants=variants,
            features=features,
            rollout=RolloutOptions.canary(0),
            network=(True, ["a", "b"]),
            region="ap-southeast-4",
        )
    )
    assert set(found) == {
        ("model_source",),
        ("variants", 0, "instance_count"),
        ("autoscaling", "min_capacity"),
        ("alarms", "cpu_utilization_percent"),
        ("autoscaling", "cpu_target_percent"),
        ("rollout", "size_percent"),
        ("model_monitor",),
        ("model_monitor", "image_uri"),
    }
    assert "no model for variant(s) ['A', 'B']" in found[("model_source",)]
    assert "variant 'B'" in found[("alarms", "cpu_utilization_percent")]


def test_serverless_skips_what_does_not_apply():
    features = EndpointFeatures(
        autoscaling=AutoScalingOptions(min_capacity=9, max_capacity=1),
        alarms=AlarmOptions(cpu_utilization_percent=500),
        serverless=ServerlessOptions(),
    )
    found = endpoint_problems(
        endpoint_name="churn",
        model_source=ModelSource.from_image(DIGEST, MODEL),
        variants=[EndpointVariantOptions(instance_count=1)],
        features=features,
        rollout=RolloutOptions(),
        strict=False,
        network=(False, []),
    )
    assert found == []  # no instances: no capacity, network, autoscaling or CPU checks


# -- plain values ---------------------------------------------------------------------------------------


class _Minutes:
    def __init__(self, minutes: float) -> None:
        self.minutes = minutes

    def to_seconds(self, *, integral: bool | None = None) -> float:
        return self.minutes * 60


def test_durations_are_seconds_or_anything_with_to_seconds():
    assert seconds(90) == 90 and seconds(0.25) == 0.25 and seconds(_Minutes(2)) == 120
    assert RolloutOptions.canary().wait == 600 and RolloutOptions.linear().wait == 300
    assert RolloutOptions.all_at_once(wait=0).wait == 0  # 0 is a wait, not "the default"


def test_invocations_target():
    assert invocations_target(10, 0.5) == 300
    with pytest.raises(ValueError, match=r"invocations_target: max_rps is 0.*; safety_factor is 1.5"):
        invocations_target(0, 1.5)


def test_names():
    assert endpoint_physical_name("churn", [EndpointVariantOptions()]) == endpoint_physical_name(
        "churn", [("AllTraffic", "ml.m5.large")]
    )
    assert endpoint_physical_name("churn", [("A", "ml.m5.large")], serverless=True) == endpoint_physical_name(
        "churn", [("A", "ml.c5.large")], serverless=True
    )
    assert len(content_hash({"a": 1})) == 8 and content_hash({"a": 1, "b": 2}) == content_hash(
        {"b": 2, "a": 1}
    )


def test_removed_variant_arguments_name_the_replacement():
    with pytest.raises(
        TypeError,
        match=r"EndpointVariantOptions: image= was removed: give "
        r"source=ModelSource.from_image\(image, model_data\)",
    ):
        EndpointVariantOptions("A", image=DIGEST)


@pytest.mark.aws_behaviour("sagemaker.rollout-step-sizes")
@pytest.mark.parametrize(
    ("routing", "size", "refused"),
    [("CANARY", 1, False), ("CANARY", 50, False), ("CANARY", 51, True),
     ("LINEAR", 10, False), ("LINEAR", 50, False), ("LINEAR", 9, True), ("LINEAR", 60, True)],
)
def test_rollout_sizes_are_the_ones_sagemaker_takes(routing, size, refused):
    assert bool(checks.rollout_problems(traffic_routing=routing, size_percent=size)) is refused


@pytest.mark.aws_behaviour("sagemaker.rollout-step-sizes")
def test_a_fractional_rollout_size_is_refused():
    """CapacitySize.Value is an integer (API_CapacitySize)."""
    assert checks.rollout_problems(traffic_routing="CANARY", size_percent=12.5) == [
        (("size_percent",), "canary size 12.5 % is not a whole number; SageMaker takes whole percent, e.g. "
                            "10")]
    assert checks.rollout_problems(traffic_routing="CANARY", size_percent=12.0) == []


@pytest.mark.aws_behaviour("sagemaker.monitoring-schedule-expressions")
@pytest.mark.parametrize(
    ("expression", "refused"),
    [
        ("cron(0 * ? * * *)", False),
        ("cron(0 12 ? * * *)", False),
        ("cron(0 17/12 ? * * *)", False),
        ("cron(0 0/2 ? * * *)", False),
        ("cron(0 0/01 ? * * *)", False),
        ("NOW", True),
        ("rate(1 hour)", True),
        ("cron(0/5 * ? * * *)", True),
        ("cron(0 24 ? * * *)", True),
        ("cron(0 0/25 ? * * *)", True),
        ("cron(0 * * * ? *)", True),
    ],
)
def test_monitoring_schedules_are_the_forms_model_monitor_takes(expression, refused):
    problems = checks.model_monitor_problems(
        instance_type="ml.m5.xlarge",
        schedule_expression=expression,
        has_baseline_constraints=False,
        has_baseline_statistics=False,
    )
    assert bool(problems) is refused


@pytest.mark.parametrize(
    "instance_type", ["ml.-m5.large", "ml.m5-.large", "ml.p6--b200.48xlarge", "ml.m5.", "ml..large"]
)
def test_instance_types_with_misplaced_hyphens_or_empty_parts_are_refused(instance_type):
    assert values.instance_type_problems(instance_type) != []


@pytest.mark.parametrize("instance_type", ["ml.p6-b200.48xlarge", "ml.m5.large", "ml.g6e.12xlarge"])
def test_instance_types_of_real_shapes_are_accepted(instance_type):
    assert values.instance_type_problems(instance_type) == []
