"""``secure-ml cost`` on the three configs' assemblies, with the shipped price snapshot: the counts are read
from the configs by hand, the prices from the snapshot (so the test holds after a refresh)."""

from __future__ import annotations

import pytest

from cdk_secure_ml.cost import estimate_assembly, load_price_book, read_assembly

BOOK = load_price_book()
#: The VpcOnly Studio set of interface endpoints the configs keep (docs/network.md): sagemaker.api,
#: sagemaker.runtime, notebook, studio, sts, logs, monitoring, ecr.api, ecr.dkr, kms, ssm.
INTERFACE_ENDPOINTS = 11
#: The demo adds bedrock-runtime, the private path to Amazon Bedrock (config/demo.yaml, docs/bedrock.md).
#: The demo adds sagemaker.featurestore-runtime for its feature group (docs/feature-store.md).
#: The demo adds the MLflow API endpoint (experiments) with studio.mlflow (docs/mlflow.md).
DEMO_INTERFACE_ENDPOINTS = INTERFACE_ENDPOINTS + 3


def _price(region: str, key: str) -> float:
    price = BOOK.get(region, key)
    assert price is not None, f"the snapshot lacks {key} in {region}"
    return price.usd


def _category(items, category: str) -> float:
    return round(sum(i.monthly for i in items if i.category == category), 2)


@pytest.fixture(scope="module")
def demo(demo_assembly):
    return estimate_assembly(demo_assembly)


@pytest.fixture(scope="module")
def multi(multi_account_assembly):
    return estimate_assembly(multi_account_assembly)


@pytest.mark.aws_behaviour("pricing.cdk-environment-agnostic-manifest")
def test_the_demo_stage_has_a_region_but_no_account(demo_assembly) -> None:
    stacks = read_assembly(demo_assembly)
    assert {(s.account, s.region) for s in stacks} == {("unknown-account", "us-east-1")}
    # Foundation, Governance, Studio, UsersResearch, UsersFraud, Serving, FeatureStore
    assert len(stacks) == 7


@pytest.mark.aws_behaviour("pricing.interface-endpoint-per-az-hour")
def test_demo_interface_endpoints(demo) -> None:
    endpoints = [i for i in demo.items if i.category == "interface endpoints"]
    assert len(endpoints) == DEMO_INTERFACE_ENDPOINTS
    assert {i.quantity for i in endpoints} == {2 * 730}  # az_count 2
    # 12 endpoints x 2 AZs x 730 h x the us-east-1 endpoint-hour ($0.01 in the 2026-11-30 snapshot: $175.20)
    expected = round(
        DEMO_INTERFACE_ENDPOINTS * 2 * 730 * _price("us-east-1", "privatelink.interface_endpoint_hour"), 2
    )
    assert _category(demo.items, "interface endpoints") == expected


def test_demo_endpoint_at_its_minimum_of_two_instances(demo) -> None:
    instances = [i for i in demo.items if i.category == "endpoint instances"]
    (variant,) = [i for i in instances if "Churn" in i.resource]
    # the inference-component endpoint: its InitialInstanceCount (managed instance scaling's minimum)
    (scoring,) = [i for i in instances if "Scoring" in i.resource]
    assert scoring.note == "2 x ml.m5.large (InitialInstanceCount)"
    assert (
        variant.resource.endswith("/AllTraffic")
        and variant.note == "2 x ml.m5.large (autoscaling MinCapacity)"
    )
    assert variant.monthly == round(2 * 730 * _price("us-east-1", "sagemaker.hosting.ml.m5.large"), 2)


def test_demo_keys_governance_and_ceiling(demo) -> None:
    # data, artifacts, volumes, logs keys + the alert topic key + the alarm topic key + the Bedrock
    # guardrail's own key
    assert len([i for i in demo.items if i.category == "KMS keys"]) == 7
    rules = next(i for i in demo.items if i.resource.endswith("Config rules"))
    assert rules.quantity == 25 * 100  # 23 + the two feature-group rules
    assert [i.resource for i in demo.items if i.category == "GuardDuty"][-1].endswith("S3 data events")
    (ceiling,) = [i for i in demo.items if i.kind == "ceiling"]
    assert ceiling.quantity == 3 * 21 * 1.0  # 3 users x 21 sessions x 60 min idle
    assert demo.total == round(sum(i.monthly for i in demo.items if i.kind == "fixed" and i.monthly), 2)
    # Billable while they exist, without a price (test_cost_coverage.py): the total is a lower bound.
    assert {i.category for i in demo.unpriced} == {"MLflow tracking servers", "CloudWatch alarms"}
    assert not demo.warnings


def test_default_config_is_priced_in_eu_west_1(default_assembly) -> None:
    result = estimate_assembly(default_assembly)
    assert result.environments() == [("unknown-account", "eu-west-1")]
    assert _category(result.items, "interface endpoints") == round(
        INTERFACE_ENDPOINTS * 2 * 730 * _price("eu-west-1", "privatelink.interface_endpoint_hour"), 2
    )
    assert not result.unpriced


@pytest.mark.aws_behaviour("pricing.cloudtrail-first-management-copy-free")
def test_multi_account_reads_the_nested_stage_assemblies(multi) -> None:
    assert multi.environments() == [
        ("111111111111", "eu-west-1"),
        ("222222222222", "eu-west-1"),
        ("333333333333", "eu-west-1"),
        ("444444444444", "eu-west-1"),
    ]
    stages = {a: items for (a, _), items in multi.by_environment().items() if a != "111111111111"}
    for account, items in stages.items():
        # governance: config_recorder and guardduty_detector false (the landing zone's own)
        assert not [i for i in items if i.category == "GuardDuty"], account
        assert not [i for i in items if i.resource == "ComplianceRulesRecorder"], account
        assert _category(items, "interface endpoints") == round(
            INTERFACE_ENDPOINTS * 2 * 730 * _price("eu-west-1", "privatelink.interface_endpoint_hour"), 2
        )
        trail = [i for i in items if i.category == "CloudTrail" and i.resource.endswith("management events")]
        assert [i.monthly for i in trail] == [0.0], account
    tooling = multi.by_environment()[("111111111111", "eu-west-1")]
    assert {i.category for i in tooling} == {"KMS keys"}  # the pipeline's artifact and cross-account keys


def test_prod_has_no_studio_users_so_no_idle_ceiling(multi) -> None:
    prod = multi.by_environment()[("444444444444", "eu-west-1")]
    (ceiling,) = [i for i in prod if i.kind == "ceiling"]
    assert ceiling.quantity == 0 and ceiling.monthly == 0.0
