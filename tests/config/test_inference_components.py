"""The inference_component_endpoints section: defaults, the construct's checks, the stage, the team."""

from __future__ import annotations

import textwrap

import pytest

from cdk_secure_ml.config import ConfigError, load_config, parse_config
from cdk_secure_ml.config.inference_components import component_options
from tests.conftest import ROOT

DIGEST = "sha256:" + "c" * 64
TEAMS = "identity:\n  teams: [{name: team-a}, {name: team-b}]\n"


def section(component: str = "", endpoint: str = "") -> str:
    """One endpoint with one component; ``endpoint``/``component`` add ``key: value`` lines."""
    endpoint_lines = "".join(f"    {line}\n" for line in endpoint.splitlines())
    component_lines = "".join(f"        {line}\n" for line in component.splitlines())
    return (
        "inference_component_endpoints:\n"
        "  - name: scoring\n"
        "    team: team-a\n"
        "    image_repository: team-a/scoring\n"
        f"{endpoint_lines}"
        "    components:\n"
        "      - name: fraud\n"
        f"        image: {DIGEST}\n"
        "        model_data: team-a/models/fraud/model.tar.gz\n"
        f"{component_lines}"
    )


def config_of(text: str, stage: str = "dev"):
    return parse_config(f"name: ml-dev\nregion: eu-west-1\nstage: {stage}\n" + text + TEAMS, source="t.yaml")


def problems_of(text: str, stage: str = "dev") -> dict[str, str]:
    with pytest.raises(ConfigError) as info:
        config_of(text, stage)
    return {p.path: p.message for p in info.value.problems}


def test_empty_by_default():
    assert parse_config("name: ml-dev\nregion: eu-west-1\n").inference_component_endpoints == []


def test_secure_defaults_and_the_construct_options():
    (endpoint,) = config_of(section()).inference_component_endpoints
    assert (endpoint.instance_type, endpoint.min_instances, endpoint.max_instances) == ("ml.m5.xlarge", 2, 4)
    assert endpoint.routing_strategy == "LEAST_OUTSTANDING_REQUESTS" and not endpoint.allow_single_instance
    assert (endpoint.rollout_batch_percent, endpoint.rollout_wait) == (50, 300)
    options = component_options(endpoint.components[0])
    assert (options.copies, options.cpu_cores, options.memory_mb, options.scaling_range) == (
        1,
        1.0,
        1024,
        (1, 2),
    )
    assert options.source.model_key == "team-a/models/fraud/model.tar.gz"


@pytest.mark.parametrize(
    ("component", "endpoint", "path", "message"),
    [
        (
            "cpu_cores: 0.1",
            "",
            "inference_component_endpoints.0.components.0.cpu_cores",
            "below SageMaker's minimum",
        ),
        ("memory_mb: 64", "", "inference_component_endpoints.0.components.0.memory_mb", "minimum 128"),
        ("max_copies: 40", "", "inference_component_endpoints.0.max_instances", "reserve 40 CPU cores"),
        (
            "",
            "routing_strategy: ROUND_ROBIN",
            "inference_component_endpoints.0.routing_strategy",
            "not one of",
        ),
        ("", "rollout_batch_percent: 90", "inference_component_endpoints.0.rollout_batch_percent", "5-50"),
        ("", "min_instances: 1", "inference_component_endpoints.0.min_instances", "allow_single_instance"),
    ],
)
def test_the_constructs_checks_at_their_keys(component, endpoint, path, message):
    problems = problems_of(section(component, endpoint))
    assert message in problems[path], problems


def test_model_data_must_be_under_the_team_prefix():
    text = section().replace("model_data: team-a/models", "model_data: team-b/models")
    problems = problems_of(text)
    assert "use team-a/team-b/models" in problems["inference_component_endpoints.0.components.0.model_data"]


def test_the_team_is_one_of_identity_teams():
    problems = problems_of(section().replace("team: team-a", "team: team-c"))
    assert "not in identity.teams" in problems["inference_component_endpoints.0.team"]


def test_production_stages_need_two_instances():
    text = section(endpoint="min_instances: 1\nallow_single_instance: true")
    assert config_of(text).inference_component_endpoints[0].min_instances == 1
    problems = problems_of(text, stage="prod")
    assert "stage 'prod' is production" in problems["inference_component_endpoints.0.min_instances"]


def test_names_are_unique_across_both_endpoint_lists():
    endpoints = textwrap.dedent(f"""\
        endpoints:
          - name: scoring
            team: team-a
            image_repository: team-a/churn
            image: {DIGEST}
            model_data: team-a/models/churn/model.tar.gz
        """)
    problems = problems_of(endpoints + section())
    assert "also an endpoints entry" in problems["inference_component_endpoints.0.name"]


def test_the_demo_deploys_one():
    config = load_config(ROOT / "config" / "demo.yaml")
    (endpoint,) = config.inference_component_endpoints
    assert endpoint.name in config.identity.consumer_endpoint_names
    assert endpoint.min_instances >= 2 and len(endpoint.components) == 2
