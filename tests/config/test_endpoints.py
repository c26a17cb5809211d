"""The endpoints section of the platform config: defaults, mapping to SecureEndpoint, every validation."""

from __future__ import annotations

import textwrap

import pytest

from cdk_secure_ml.config import ConfigError, EndpointConfig, load_config, parse_config
from cdk_secure_ml.core.hosting import ModelSource
from cdk_secure_ml.stacks.serving import endpoint_options
from tests.conftest import ROOT

DIGEST = "sha256:" + "c" * 64
ENDPOINT = f"""\
endpoints:
  - name: churn
    team: team-a
    image_repository: team-a/churn
    image: {DIGEST}
    model_data: team-a/models/churn/v1/model.tar.gz
"""
TEAMS = "identity:\n  teams: [{name: team-a}, {name: team-b}]\n"


def config_of(text: str, stage: str = "dev"):
    text = textwrap.dedent(text)
    if not text.endswith("\n"):
        text += "\n"
    return parse_config(f"name: ml-dev\nregion: eu-west-1\nstage: {stage}\n" + text + TEAMS, source="t.yaml")


def problems_of(text: str, stage: str = "dev") -> dict[str, str]:
    with pytest.raises(ConfigError) as info:
        config_of(text, stage)
    return {p.path: p.message for p in info.value.problems}


def test_empty_by_default():
    assert parse_config("name: ml-dev\nregion: eu-west-1\n").endpoints == []


def test_secure_defaults():
    (endpoint,) = config_of(ENDPOINT).endpoints
    assert endpoint.network_isolation and endpoint.strict and not endpoint.allow_single_instance
    assert [(v.name, v.instance_type, v.instance_count, v.weight) for v in endpoint.variants] == [
        ("AllTraffic", "ml.m5.large", 2, 1.0)]
    assert endpoint.autoscaling is not None and endpoint.autoscaling.min_capacity == 2
    assert endpoint.autoscaling.target() == 70
    assert endpoint.rollout.traffic_routing == "ALL_AT_ONCE" and endpoint.rollout.auto_rollback
    assert endpoint.data_capture is None and endpoint.serverless is None


def test_mapping_to_construct_options():
    (endpoint,) = config_of(ENDPOINT + textwrap.indent(textwrap.dedent("""\
        variants:
          - {name: A, weight: 3}
          - {name: B, weight: 1, instance_type: ml.c5.xlarge, model_data: team-a/models/churn/v2/model.tar.gz}
        autoscaling: {max_rps: 5, safety_factor: 0.4, max_capacity: 6, scale_in_cooldown_seconds: 900,
                      disable_scale_in: true, cpu_target_percent: 60}
        alarms: {model_latency_p99_ms: 250, invocation_4xx_errors: null}
        rollout: {traffic_routing: LINEAR, size_percent: 25, wait_minutes: 2}
        """), "    ")).endpoints
    options = endpoint_options(endpoint)
    assert [(v.name, v.weight, v.instance_type) for v in options["variants"]] == [
        ("A", 3, "ml.m5.large"), ("B", 1, "ml.c5.xlarge")]
    # a variant's own model data, with the endpoint's image; the other variant uses the endpoint's model
    assert options["variants"][1].source == ModelSource.from_image(
        DIGEST, "team-a/models/churn/v2/model.tar.gz"
    )
    assert options["variants"][0].source is None
    assert options["model_source"] == ModelSource.from_image(DIGEST, "team-a/models/churn/v1/model.tar.gz")
    scaling = options["autoscaling"]
    assert scaling.target_invocations_per_instance == 120  # 5 * 0.4 * 60
    assert scaling.max_capacity == 6 and scaling.scale_in_cooldown == 900  # seconds
    assert scaling.disable_scale_in and scaling.cpu_target_percent == 60
    assert options["alarms"].model_latency_p99 == 0.25  # seconds
    assert options["alarms"].invocation_4xx_errors is None
    assert (options["rollout"].traffic_routing, options["rollout"].size_percent) == ("LINEAR", 25)
    assert options["rollout"].wait == 120  # seconds


def test_autoscaling_null_turns_autoscaling_off():
    (endpoint,) = config_of(ENDPOINT + "    autoscaling: null\n").endpoints
    assert endpoint_options(endpoint)["autoscaling"] is False


def test_demo_config_has_the_sample_endpoint():
    config = load_config(ROOT / "config" / "demo.yaml")
    (endpoint,) = config.endpoints
    assert endpoint.autoscaling is not None and endpoint.data_capture is not None
    assert endpoint.rollout.traffic_routing == "CANARY"


@pytest.mark.parametrize(("yaml_tail", "stage", "path", "message"), [
    ("    model_data: models/churn/model.pkl\n", "dev", "endpoints.0.model_data", "is not an s3://…tar.gz"),
    ("    model_data: s3://bucket/model.tar.gz\n", "dev", "endpoints.0.model_data",
     "the artifacts bucket's name is only known at deploy time, so the URL cannot be checked against it; "
     "give the key inside the bucket instead"),
    ("    variants: [{instance_type: m5.large}]\n", "dev", "endpoints.0.variants.0.instance_type",
     "'m5.large' is not a SageMaker instance type"),
    ("    variants: [{name: A, weight: 0}, {name: B, weight: 0}]\n", "dev", "endpoints.0.variants",
     "all variant weights are 0"),
    ("    autoscaling: {min_capacity: 5, max_capacity: 3}\n", "dev", "endpoints.0.autoscaling.min_capacity",
     "min_capacity 5 > max_capacity 3"),
    ("    autoscaling: {target_invocations_per_instance: 0}\n", "dev",
     "endpoints.0.autoscaling.target_invocations_per_instance",
     "target_invocations_per_instance is 0.0"),
    ("    autoscaling: {target_invocations_per_instance: -5}\n", "dev",
     "endpoints.0.autoscaling.target_invocations_per_instance",
     "use a positive number"),
    ("    data_capture: {sampling_percentage: 101}\n", "dev", "endpoints.0.data_capture.sampling_percentage",
     "sampling_percentage 101 is outside 0-100; give the percentage of requests to capture"),
    ("    data_capture: {sampling_percentage: -1}\n", "dev", "endpoints.0.data_capture.sampling_percentage",
     "outside 0-100"),
    ("    rollout: {traffic_routing: CANARY, size_percent: 0}\n", "dev", "endpoints.0.rollout.size_percent",
     "canary size 0 % is outside 1-50 %, what SageMaker takes for a CANARY rollout; give size_percent"),
    ("    rollout: {traffic_routing: CANARY}\n", "dev", "endpoints.0.rollout.size_percent",
     "the canary size is missing; give size_percent, a percentage of the new fleet (1-50), e.g. 10"),
    ("    rollout: {traffic_routing: LINEAR, size_percent: 101}\n", "dev", "endpoints.0.rollout.size_percent",
     "linear step 101 % is outside 10-50 %"),
    ("    serverless: {}\n", "dev", "endpoints.0.serverless", "serverless inference cannot run in a VPC"),
    ("    variants: [{instance_count: 1}]\n", "prod", "endpoints.0.variants.0.instance_count",
     "stage 'prod' is production: instance_count is 1; production endpoints need 2 or more"),
    ("    variants: [{instance_count: 1}]\n", "dev", "endpoints.0.variants.0.instance_count",
     "in stage 'dev': instance_count is 1; set allow_single_instance to true"),
    ("    allow_single_instance: true\n", "staging", "endpoints.0.allow_single_instance",
     "stage 'staging' is production: allow_single_instance is true for a production endpoint; only a "
     "non-production (dev) endpoint may run a single instance"),
    ("    autoscaling: {min_capacity: 1}\n", "prod", "endpoints.0.autoscaling.min_capacity",
     "stage 'prod' is production: min_capacity is 1; production endpoints keep 2 or more"),
    ("    image: latest:tag\n", "dev", "endpoints.0.image",
     "is neither a digest (sha256:<64 hex>) nor an image tag"),
    ("    image_repository: Team/Churn\n", "dev", "endpoints.0.image_repository",
     "is not an ECR repository name"),
    ("    model_monitor: {}\n", "dev", "endpoints.0.model_monitor", "model_monitor needs data_capture"),
    ("    colour: blue\n", "dev", "endpoints.0.colour", "unknown key"),
])
def test_bad_input(yaml_tail, stage, path, message):
    lines = ENDPOINT.splitlines(keepends=True)
    key = yaml_tail.strip().split(":")[0]
    body = "".join(line for line in lines if not line.strip().startswith(f"{key}:")) + yaml_tail
    problems = problems_of(body, stage)
    assert path in problems, problems
    assert message in problems[path]


def test_problems_carry_lines_and_are_reported_together():
    with pytest.raises(ConfigError) as info:
        config_of(
            ENDPOINT + "    data_capture: {sampling_percentage: 500}\n    variants: [{instance_type: x1}]\n"
        )
    problems = {p.path: p for p in info.value.problems}
    assert {"endpoints.0.data_capture.sampling_percentage", "endpoints.0.variants.0.instance_type"} <= set(
        problems
    )
    assert (
        problems["endpoints.0.data_capture.sampling_percentage"].line == 10
    )  # after name, region, stage and 6 lines


def test_duplicate_endpoint_names():
    text = ENDPOINT + "".join(ENDPOINT.splitlines(keepends=True)[1:])
    assert problems_of(text)["endpoints.1.name"] == (
        "endpoint name 'churn' is listed twice (first at endpoints.0); name each endpoint once")


def test_serverless_accepted_outside_strict_mode():
    (endpoint,) = config_of(
        ENDPOINT + "    strict: false\n    serverless: {memory_size_mb: 3072}\n"
    ).endpoints
    assert endpoint_options(endpoint)["serverless"].memory_size_mb == 3072
    assert isinstance(endpoint, EndpointConfig)


# --------------------------------------------------------------------------------------------------
# Model promotion: endpoints that deploy the approved version of a model package group

PACKAGE = "arn:aws:sagemaker:eu-west-1:111111111111:model-package/ml-dev-models/4"
GROUP_ENDPOINT = """\
endpoints:
  - name: churn
    image_repository: team-a/churn
    model_package_group: ml-dev-models
"""


def test_model_package_group_instead_of_image_and_model_data():
    (endpoint,) = config_of(GROUP_ENDPOINT).endpoints
    assert endpoint.image is None and endpoint.model_data is None
    assert endpoint.model_package_groups() == ["ml-dev-models"]
    options = endpoint_options(endpoint, {"ml-dev-models": PACKAGE})
    assert options["model_source"] == ModelSource.from_model_package(PACKAGE)
    assert [v.source for v in options["variants"]] == [None]  # the endpoint's package


def test_no_approved_version_without_fallback_names_the_group_and_the_context():
    (endpoint,) = config_of(GROUP_ENDPOINT).endpoints
    with pytest.raises(ValueError, match=r"model package group 'ml-dev-models'.*-c approved-model-packages="):
        endpoint_options(endpoint, {})


def test_no_approved_version_falls_back_to_image_and_model_data():
    (endpoint,) = config_of(ENDPOINT + "    model_package_group: ml-dev-models\n").endpoints
    fallbacks: list[str] = []
    options = endpoint_options(endpoint, {}, fallbacks)
    assert options["model_source"] == ModelSource.from_image(DIGEST, "team-a/models/churn/v1/model.tar.gz")
    assert fallbacks == ["model_package_group: ml-dev-models"]
    assert endpoint_options(endpoint, {"ml-dev-models": PACKAGE})["model_source"] == \
        ModelSource.from_model_package(PACKAGE)


def test_variant_model_package_group():
    (endpoint,) = config_of(ENDPOINT + "    variants:\n      - {name: A}\n"
                            "      - {name: B, weight: 0.1, model_package_group: ml-dev-models}\n").endpoints
    options = endpoint_options(endpoint, {"ml-dev-models": PACKAGE})
    assert options["model_source"].kind == "image"
    assert [v.source for v in options["variants"]] == [None, ModelSource.from_model_package(PACKAGE)]


@pytest.mark.parametrize(
    ("body", "path", "message"),
    [
        (
            "endpoints:\n  - name: churn\n    image_repository: team-a/churn\n",
            "endpoints.0",
            "no model: give image + model_data, or model_package_group",
        ),
        (
            "endpoints:\n  - name: churn\n    image_repository: team-a/churn\n    image: v1\n",
            "endpoints.0.model_data",
            "image and model_data go together",
        ),
        (
            GROUP_ENDPOINT.replace("ml-dev-models", "ml_dev models"),
            "endpoints.0.model_package_group",
            "is not a model package group name",
        ),
        (
            GROUP_ENDPOINT.replace("    model_package_group: ml-dev-models\n", "")
            + "    variants: [{name: A, model_package_group: g}, {name: B}]\n",
            "endpoints.0.variants.1",
            "no model",
        ),
    ],
)
def test_bad_model_source(body, path, message):
    problems = problems_of(body)
    assert path in problems, problems
    assert message in problems[path]


# --------------------------------------------------------------------------------------------------
# Where the endpoint's objects live: under its team's prefix (review D10, E8, M1, M2)


@pytest.mark.aws_behaviour("sagemaker.model-artifacts-through-vpc-endpoint")
@pytest.mark.parametrize(
    ("body", "path", "message"),
    [
        (
            ENDPOINT.replace("    team: team-a\n", "").replace("team-a/models", "models"),
            "endpoints.0.model_data",
            (
                "model_data 'models/churn/v1/model.tar.gz' is outside every team prefix: the platform's "
                "buckets accept writes only through the VPC's S3 endpoint, and personas write only "
                "<team>/..., so nobody could put it there. Set the endpoint's team and put it under <team>/, "
                "e.g. team: research and model_data: research/models/churn/v1/"
            ),
        ),
        (
            ENDPOINT.replace("team-a/models", "models"),
            "endpoints.0.model_data",
            (
                "model_data 'models/churn/v1/model.tar.gz' is not under the endpoint's team prefix "
                "'team-a/', the only place the team-a team's personas can write; use "
                "team-a/models/churn/v1/model.tar.gz"
            ),
        ),
        (
            ENDPOINT + "    variants: [{name: A, model_data: team-b/m/model.tar.gz}]\n",
            "endpoints.0.variants.0.model_data",
            "is not under the endpoint's team prefix 'team-a/'",
        ),
        (
            ENDPOINT.replace("team: team-a", "team: nobody").replace("team-a/models", "nobody/models"),
            "endpoints.0.team",
            "team 'nobody' of endpoint churn is not in identity.teams ['team-a', 'team-b']",
        ),
    ],
)
def test_model_data_must_be_under_the_team_prefix(body, path, message):
    problems = problems_of(body)
    assert path in problems, problems
    assert message in problems[path]


@pytest.mark.parametrize("feature", ["data_capture: {}", "async_inference: {}"])
def test_what_the_endpoint_writes_needs_a_team(feature):
    body = GROUP_ENDPOINT + f"    {feature}\n"
    problems = problems_of(body)
    assert "endpoints.0.team" in problems
    assert "under the endpoint's team prefix, where the team's personas can read the results; set team" in \
        problems["endpoints.0.team"]
    (endpoint,) = config_of(
        body.replace("  - name: churn\n", "  - name: churn\n    team: team-b\n")
    ).endpoints
    assert endpoint.team == "team-b"


def test_baselines_must_be_under_the_team_prefix():
    body = ENDPOINT + ("    data_capture: {}\n    model_monitor: {baseline_constraints: baselines/c.json, "
                       "baseline_statistics: team-a/baselines/s.json}\n")
    problems = problems_of(body)
    assert "use team-a/baselines/c.json" in problems["endpoints.0.model_monitor.baseline_constraints"]
    assert "endpoints.0.model_monitor.baseline_statistics" not in problems


@pytest.mark.aws_behaviour("sagemaker.resource-names-63")
def test_monitored_endpoint_name_leaves_room_for_the_schedule_name():
    name = "e" * 51
    body = ENDPOINT.replace("name: churn", f"name: {name}") + "    data_capture: {}\n    model_monitor: {}\n"
    assert ("its monitoring schedule '" + name + "-data-quality' would exceed SageMaker's 63: shorten the "
            "name to 50 characters or fewer") in problems_of(body)["endpoints.0.name"]
    config_of(body.replace(name, "e" * 50))
    config_of(ENDPOINT.replace("name: churn", "name: " + "e" * 54))  # no monitor: 54 fits <name>-<8 hex>


@pytest.mark.aws_behaviour("sagemaker.model-monitor-image-per-region")
def test_model_monitor_image_uri_override():
    uri = "123456789012.dkr.ecr.ap-south-2.amazonaws.com/model-monitor@sha256:" + "d" * 64
    (endpoint,) = config_of(
        ENDPOINT + f"    data_capture: {{}}\n    model_monitor: {{image_uri: '{uri}'}}\n"
    ).endpoints
    assert endpoint.model_monitor.image_uri == uri
    problems = problems_of(
        ENDPOINT + "    data_capture: {}\n    model_monitor: {image_uri: 'not an image'}\n"
    )
    assert "is not an image URI" in problems["endpoints.0.model_monitor.image_uri"]


def test_prefixes_are_key_prefixes():
    problems = problems_of(ENDPOINT + "    data_capture: {prefix: /abs/}\n")
    assert "prefix '/abs/' starts or ends with /" in problems["endpoints.0.data_capture.prefix"]


# --------------------------------------------------------------------------------------------------
# Checks SecureEndpoint makes, made when the config loads


@pytest.mark.parametrize(("yaml_tail", "path", "message"), [
    ("    alarms: {cpu_utilization_percent: 150}\n", "endpoints.0.alarms.cpu_utilization_percent",
     "cpu_utilization_percent 150.0 is outside (0, 100]; give a percentage of the whole instance"),
    ("    autoscaling: {cpu_target_percent: 120}\n", "endpoints.0.autoscaling.cpu_target_percent",
     "cpu_target_percent 120.0 is outside (0, 100]"),
    ("    variants: [{instance_type: ml.m5.huge}]\n", "endpoints.0.variants.0.instance_type",
     "the vCPUs of 'ml.m5.huge' are not known"),
    ("    strict: false\n    serverless: {}\n    data_capture: {}\n    model_monitor: {}\n",
     "endpoints.0.model_monitor", "model_monitor is not available for serverless endpoints"),
])
def test_what_secure_endpoint_refuses_is_refused_when_the_config_loads(yaml_tail, path, message):
    problems = problems_of(ENDPOINT + yaml_tail)
    assert path in problems, problems
    assert message in problems[path]


def test_an_unknown_instance_size_is_fine_without_cpu_thresholds():
    (endpoint,) = config_of(ENDPOINT + "    variants: [{instance_type: ml.m5.huge}]\n"
                            "    alarms: {cpu_utilization_percent: null}\n").endpoints
    assert endpoint.variants[0].instance_type == "ml.m5.huge"


@pytest.mark.aws_behaviour("sagemaker.model-monitor-image-per-region")
def test_model_monitor_in_a_region_without_a_known_image_needs_image_uri():
    """Review defect 1: the config must say so (path, line, fix), not SecureEndpoint at synth."""
    monitored = (
        ENDPOINT + "    data_capture: {}\n    model_monitor: {schedule_expression: 'cron(0 0/6 ? * * *)'}\n"
    )
    text = f"name: ml-dev\nregion: ap-south-2\n{monitored}{TEAMS}"
    with pytest.raises(ConfigError) as info:
        parse_config(text, source="t.yaml")
    (problem,) = info.value.problems
    assert problem.path == "endpoints.0.model_monitor.image_uri"
    assert problem.line == 10  # the model_monitor line: image_uri is not in the file
    assert problem.message.startswith(
        "image_uri is needed: no Model Monitor image is known for region ap-south-2"
    )
    assert "set image_uri to the analyzer image of ap-south-2" in problem.message
    uri = "123456789012.dkr.ecr.ap-south-2.amazonaws.com/sagemaker-model-monitor-analyzer"
    fixed = text.replace("schedule_expression: 'cron(0 0/6 ? * * *)'", f"image_uri: {uri}")
    assert parse_config(fixed).endpoints[0].model_monitor.image_uri == uri
    parse_config(text.replace("ap-south-2", "us-west-2"))  # in the SDK's table since the table is generated


def test_a_delivery_stage_in_a_region_without_a_known_image_names_the_stage():
    monitored = ENDPOINT + "    data_capture: {}\n    model_monitor: {}\n"
    stages = (
        'delivery:\n  tooling_account: "111111111111"\n'
        "  source: {connection_arn: 'arn:aws:codeconnections:eu-west-1:111111111111:connection/"
        "0f5d3c2a-8b1e-4c6f-9a7d-2e4b6c8d0f1a', repository: acme/ml}\n"
        '  stages:\n    - {name: dev, account: "222222222222", region: ap-southeast-4}\n'
    )
    problems = problems_of(monitored + stages)
    assert problems["endpoints.0.model_monitor.image_uri"].startswith(
        "in delivery stage 'dev' (dev in ap-southeast-4): image_uri is needed: no Model Monitor image is "
        "known for region ap-southeast-4"
    )


CONSUMER = "name: ml-dev\nregion: eu-west-1\nidentity:\n  teams: [{name: team-a}, {name: team-b}]\n"


def test_consumer_endpoint_names_must_name_an_endpoint():
    with pytest.raises(ConfigError) as info:
        parse_config(CONSUMER + "  consumer_endpoint_names: [churn, chrun]\n" + ENDPOINT, source="t.yaml")
    assert {p.path: p.message for p in info.value.problems} == {"identity.consumer_endpoint_names.1": (
        "identity.consumer_endpoint_names names 'chrun', which is not an endpoint of this config "
        "(endpoints: ['churn']); use an endpoint's name or remove it")}


def test_consumer_endpoint_names_of_configured_endpoints_are_accepted():
    config = parse_config(CONSUMER + "  consumer_endpoint_names: [churn]\n" + ENDPOINT, source="t.yaml")
    assert config.identity.consumer_endpoint_names == ["churn"]
