"""The Section base: every problem at its own path, in one pass, also for model_validate."""

from __future__ import annotations

import textwrap

import pytest
from pydantic import ValidationError

from cdk_secure_ml.config import ConfigError, EndpointConfig, NestedProblems, NetworkConfig, parse_config
from cdk_secure_ml.config._section import CROSS_FIELD, Partial, Unknown


def problems_of(text: str) -> list[tuple[str, str, int | None]]:
    with pytest.raises(ConfigError) as info:
        parse_config(textwrap.dedent(text), source="t.yaml")
    return [(p.path, p.message, p.line) for p in info.value.problems]


def test_cross_field_problems_come_with_the_field_problems_of_the_same_section():
    """pydantic skips a model's after-validators once a field failed; the rules still run."""
    problems = problems_of("""\
        name: ml-dev
        region: eu-west-1
        identity: {teams: [{name: research}]}
        endpoints:
          - name: churn
            team: research
            image_repository: research/churn
            image: not a tag
            model_data: research/m.tar.gz
            variants: [{name: A, weight: 0}, {name: B, weight: 0, instance_type: m5.large}]
            autoscaling: {min_capacity: 5, max_capacity: 3, scale_in_cooldown_seconds: -1}
            rollout: {traffic_routing: CANARY}
        """)
    paths = [path for path, _, _ in problems]
    assert paths == sorted(set(paths), key=paths.index), "each problem once"
    assert set(paths) == {
        "endpoints.0.image",                                   # field
        "endpoints.0.variants.1.instance_type",                # field of an item
        "endpoints.0.variants",                                # rule: all weights 0
        "endpoints.0.autoscaling.scale_in_cooldown_seconds",   # field
        "endpoints.0.autoscaling.min_capacity",                # rule beside a failed field
        "endpoints.0.rollout.size_percent",                    # rule
    }
    lines = {path: line for path, _, line in problems}
    assert lines["endpoints.0.autoscaling.min_capacity"] == 11
    assert lines["endpoints.0.rollout.size_percent"] == 12  # not given: the line of its section


def test_model_validate_reports_every_problem_in_one_pass_too():
    with pytest.raises(ValidationError) as info:
        EndpointConfig.model_validate({"name": "churn", "image_repository": "Bad Repo", "serverless": {},
                                       "variants": [{"name": "A"}, {"name": "A"}]})
    by_loc = {tuple(e["loc"]): e for e in info.value.errors()}
    assert by_loc[("image_repository",)]["type"] == "value_error"
    assert by_loc[("serverless",)]["type"] == CROSS_FIELD
    assert "strict mode refuses it" in by_loc[("serverless",)]["msg"]
    assert "listed twice (first at variants.0)" in by_loc[("variants", 1, "name")]["msg"]
    assert by_loc[("variants", 0)]["msg"].startswith("no model: give image + model_data")


def test_one_check_with_two_problems_reports_two_lines():
    problems = problems_of("name: ml-dev\nregion: us-east-1\nnetwork: {cidr: 9.0.0.0/8}\n")
    messages = [m for path, m, _ in problems if path == "network.cidr"]
    assert len(messages) == 2 and not any("; VPC CIDR" in m for m in messages)
    assert "has prefix /8" in messages[0] and "not a private range" in messages[1]
    problems = problems_of("name: ml-dev\nregion: us-east-1\n"
                           "network: {availability_zone_ids: [euw1-az1, euw1-az1]}\n")
    messages = [m for path, m, _ in problems if path == "network.availability_zone_ids"]
    assert any("repeat a zone" in m for m in messages)
    assert any("are not in region us-east-1" in m for m in messages)


def test_a_rule_that_would_read_a_failed_value_is_skipped():
    problems = problems_of("name: ml-dev\nregion: mars-north-1\n"
                           "network: {availability_zones: [eu-west-1a, eu-west-1b]}\n")
    assert [path for path, _, _ in problems] == ["region"]


def test_nested_problems_from_a_field_validator_are_placed_one_by_one():
    with pytest.raises(ValidationError) as info:
        NetworkConfig.model_validate({"cidr": "9.0.0.0/8"})
    assert [tuple(e["loc"]) for e in info.value.errors()] == [("cidr",), ("cidr",)]
    error = NestedProblems([(("a",), "first"), (("b", 1), "second")])
    assert error.problems == [(("a",), "first"), (("b", 1), "second")]


def test_partial_reads_what_validated_and_refuses_what_did_not():
    data = {"cidr": "not a cidr", "az_count": "3", "availability_zones": ["eu-west-1a", "eu-west-1b"]}
    errors = [{"type": "value_error", "loc": ("cidr",), "msg": "bad", "input": "not a cidr"}]
    view = Partial(NetworkConfig, data, errors)
    assert view.az_count == 3                       # coerced as the model would
    assert view.subnet_cidr_mask is None            # the default
    assert view.interface_endpoints.services()[0] == "sagemaker.api"  # a nested default and its method
    assert view.azs() == 2                          # a method of the model, run on the view
    with pytest.raises(Unknown):
        _ = view.cidr
    with pytest.raises(AttributeError):
        _ = view.model_dump                         # never pydantic's API


def test_removed_keys_are_reported_at_the_key_and_the_rest_is_still_checked():
    problems = problems_of("""\
        name: ml-dev
        region: eu-west-1
        governance:
          organization:
            target_ou_ids: [ou-1]
            exempt_principal_arns: [arn:aws:iam::*:role/x]
        """)
    paths = {path: line for path, _, line in problems}
    assert paths == {"governance.organization.exempt_principal_arns": 6,
                     "governance.organization.target_ou_ids": 5}
