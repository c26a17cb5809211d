"""Config: the feature_store section (docs/feature-store.md)."""

from __future__ import annotations

import textwrap

import pytest

from cdk_secure_ml.config import ConfigError, parse_config
from cdk_secure_ml.config.feature_store import feature_store_endpoints

BASE = "name: ml-dev\nregion: eu-west-1\nidentity:\n  teams: [{name: nlp}, {name: cv}]\n"
GROUP = textwrap.dedent("""\
    feature_store:
      groups:
        - name: customers
          team: nlp
          record_identifier: customer-id
          event_time: event-time
          features:
            - {name: customer-id, type: String}
            - {name: event-time, type: Fractional}
    """)


def _parse(text: str):
    return parse_config(BASE + textwrap.dedent(text))


def _problems(text: str) -> dict[str, tuple[str, int | None]]:
    with pytest.raises(ConfigError) as info:
        _parse(text)
    return {p.path: (p.message, p.line) for p in info.value.problems}


def test_defaults_without_the_section():
    config = _parse("")
    assert config.feature_store.groups == []
    assert "sagemaker.featurestore-runtime" not in feature_store_endpoints(config)


def test_a_group_and_its_secure_defaults():
    config = _parse(GROUP)
    (group,) = config.feature_store.groups
    assert (group.online, group.offline, group.glue_table, group.ttl, group.description) == (
        True, True, True, None, None)
    assert [(f.name, f.type) for f in group.features] == [
        ("customer-id", "String"), ("event-time", "Fractional")]
    assert feature_store_endpoints(config)[-1] == "sagemaker.featurestore-runtime"


def test_options():
    config = _parse(GROUP + "      online: false\n      glue_table: false\n      description: x\n")
    group = config.feature_store.groups[0]
    assert (group.online, group.glue_table, group.description) == (False, False, "x")
    config = _parse(GROUP + "      ttl: {unit: Hours, value: 6}\n")
    assert (config.feature_store.groups[0].ttl.unit, config.feature_store.groups[0].ttl.value) == ("Hours", 6)


def test_the_endpoint_is_not_listed_twice():
    config = _parse("network:\n  interface_endpoints: {extra: [sagemaker.featurestore-runtime]}\n" + GROUP)
    services = feature_store_endpoints(config)
    assert services.count("sagemaker.featurestore-runtime") == 1


@pytest.mark.aws_behaviour("sagemaker.feature-group-definition")
def test_every_problem_at_its_key_and_line():
    found = _problems("""\
        feature_store:
          groups:
            - name: customers_v1
              team: fraud
              record_identifier: id
              event_time: age
              features:
                - {name: age, type: Integral}
                - {name: write_time, type: String}
                - {name: score, type: Double}
              ttl: {unit: Days, value: 0}
            - name: customers_v1
              team: nlp
              record_identifier: a
              event_time: a
              online: false
              offline: false
              features: [{name: a, type: String}]
        """)
    name = found["feature_store.groups.0.name"][0]
    assert name.startswith("feature group name 'customers_v1' is not valid")
    assert found["feature_store.groups.0.name"][1] == 7
    assert found["feature_store.groups.0.team"] == (
        "feature group 'customers_v1' is in unknown team 'fraud'; add it to identity.teams ['nlp', 'cv']", 8)
    assert "record_identifier 'id'" in found["feature_store.groups.0.record_identifier"][0]
    assert "is Integral; an event time is a String" in found["feature_store.groups.0.event_time"][0]
    assert "reserved by Feature Store" in found["feature_store.groups.0.features.1.name"][0]
    assert "'String', 'Integral' or 'Fractional'" in found["feature_store.groups.0.features.2.type"][0]
    assert "greater than or equal to 1" in found["feature_store.groups.0.ttl.value"][0]
    assert found["feature_store.groups.1.name"][0] == (
        "feature group 'customers_v1' is listed twice (first at groups.0)")
    assert "neither an online nor an offline store" in found["feature_store.groups.1.online"][0]


def test_unknown_keys_are_refused():
    found = _problems(GROUP + "      kms_key: alias/x\n")
    assert "kms_key" in next(iter(found))


def test_the_runtime_endpoint_counts_in_the_subnet_capacity():
    # A /28 per subnet holds 16 - 5 reserved = 11 addresses: the 11 default endpoints and the EFS mount
    # target already do not fit; with feature groups the message counts 12 endpoints.
    network = "network: {cidr: 10.0.0.0/24, subnet_cidr_mask: 28}\nstudio: {enabled: false}\n"
    found = _problems(network + GROUP)
    message = found["network.subnet_cidr_mask"][0]
    assert "12 for the interface endpoints" in message
