"""The CDK-free Feature Store checks (cdk_secure_ml.core.feature_store)."""

from __future__ import annotations

import pytest

from cdk_secure_ml.core.feature_store import (
    MAX_FEATURES,
    Feature,
    feature_group_problems,
    feature_name_problem,
    glue_table_prefix,
    offline_store_prefix,
    offline_store_role_arn_pattern,
    offline_store_role_path,
)

FEATURES = [Feature("customer-id", "String"), Feature("event-time", "Fractional"), Feature("age", "Integral")]


def problems(**overrides):
    args = dict(name="customers", record_identifier="customer-id", event_time="event-time", features=FEATURES,
                online=True, offline=True, ttl=None)
    return feature_group_problems(**{**args, **overrides})


def test_a_valid_group_has_no_problems():
    assert problems() == []
    assert problems(online=False) == []
    assert problems(offline=False, ttl=("Days", 30)) == []


@pytest.mark.aws_behaviour("sagemaker.feature-group-names")
@pytest.mark.parametrize("name", ["a", "customers-v2", "A1-b2", "x" * 64])
def test_names_cloudformation_accepts(name):
    assert feature_name_problem(name) is None


@pytest.mark.aws_behaviour("sagemaker.feature-group-names")
@pytest.mark.parametrize("name", ["", "-a", "a-", "has_underscore", "has space", "x" * 65])
def test_names_cloudformation_refuses(name):
    assert "1-64 letters, digits and hyphens" in feature_name_problem(name)
    assert problems(name=name)[0][0] == ("name",)


@pytest.mark.aws_behaviour("sagemaker.feature-group-definition")
def test_record_identifier_and_event_time_must_be_features():
    found = problems(record_identifier="id", event_time="ts")
    assert (("record_identifier",), "record_identifier 'id' of feature group 'customers' is not one of its "
            "features ['customer-id', 'event-time', 'age']; add it to features") in found
    assert [p for p, _ in found] == [("record_identifier",), ("event_time",)]


@pytest.mark.aws_behaviour("sagemaker.feature-group-definition")
def test_event_time_is_string_or_fractional():
    ((path, message),) = problems(event_time="age")
    assert path == ("event_time",)
    assert "is Integral; an event time is a String (ISO-8601) or a Fractional (Unix seconds)" in message


@pytest.mark.aws_behaviour("sagemaker.feature-group-definition")
def test_feature_types_reserved_names_repeats_and_counts():
    features = [*FEATURES, Feature("is_deleted", "String"), Feature("age", "Integral"), Feature("x", "Bool")]
    found = dict(problems(features=features))
    assert "reserved by Feature Store" in found[("features", 3, "name")]
    assert found[("features", 4, "name")] == "feature 'age' is listed twice (first at features.2)"
    assert found[("features", 5, "type")] == ("feature type 'Bool' of 'x' is not one of ['String', "
                                              "'Integral', 'Fractional']")
    assert problems(features=[]) [0][1].startswith("a feature group needs at least one feature")
    many = [Feature(f"f{i}", "String") for i in range(MAX_FEATURES + 1)]
    assert any("at most 2500" in m for _, m in problems(features=many))


@pytest.mark.aws_behaviour("sagemaker.feature-group-definition")
def test_a_group_needs_a_store():
    assert problems(online=False, offline=False) == [
        (("online",), "feature group 'customers' has neither an online nor an offline store; set "
                      "online: true, offline: true or both")]


def test_ttl_needs_the_online_store_and_a_positive_value():
    found = dict(problems(online=False, ttl=("Fortnights", 0)))
    assert found[("ttl", "unit")].startswith("ttl unit 'Fortnights' is not one of")
    assert found[("ttl", "value")] == "ttl value 0 is not a positive number of Fortnights"
    assert "has a ttl but no online store" in found[("ttl",)]


def test_places_and_names():
    assert offline_store_prefix("research") == "research/feature-store"
    assert offline_store_role_path("demo") == "/demo/feature-store/"
    assert offline_store_role_arn_pattern("aws", "111122223333", "demo") == (
        "arn:aws:iam::111122223333:role/demo/feature-store/*")
    assert glue_table_prefix("Customers-V2") == "customers_v2"
