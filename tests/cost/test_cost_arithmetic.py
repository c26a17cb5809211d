"""The price arithmetic of ``secure-ml cost`` on a small template, against figures computed by hand.

The prices are the test's own (round numbers, the shape of the shipped snapshot) so the hand computation in
each test stays true when the snapshot is refreshed; the config tests use the shipped snapshot.
"""

from __future__ import annotations

import json

import pytest

from cdk_secure_ml.cost import CostAssumptions, estimate, read_assembly
from cdk_secure_ml.cost.prices import parse_price_book

REGION = "us-east-1"
URL = "https://example.com/price"
PRICES = {
    "privatelink.interface_endpoint_hour": 0.01,
    "privatelink.gateway_endpoint_hour": 0.0,
    "kms.key_month": 1.0,
    "kms.rotation_month": 1.0,
    "config.configuration_item": 0.003,
    "config.rule_evaluation": 0.001,
    "guardduty.management_events_million": 4.0,
    "guardduty.flow_dns_gb": 1.0,
    "guardduty.s3_data_events_million": 0.8,
    "cloudtrail.management_events_additional_100k": 2.0,
    "cloudtrail.data_events_100k": 0.10,
    "logs.ingestion_gb": 0.50,
    "logs.storage_gb_month": 0.03,
    "sagemaker.hosting.ml.m5.large": 0.115,
    "sagemaker.studio.ml.t3.medium": 0.05,
}
BOOK = parse_price_book(
    {
        "snapshot_date": "2026-11-30",
        "regions": {
            REGION: {k: {"usd": v, "unit": "u", "source": URL, "checked": [URL]} for k, v in PRICES.items()}
        },
    }
)
SUBNETS = [{"Ref": "SubnetA"}, {"Ref": "SubnetB"}, {"Ref": "SubnetC"}]


def _res(type_: str, **props) -> dict:
    return {"Type": type_, "Properties": props}


TEMPLATE = {
    "Resources": {
        "IfaceA": _res("AWS::EC2::VPCEndpoint", VpcEndpointType="Interface", SubnetIds=SUBNETS),
        "IfaceB": _res("AWS::EC2::VPCEndpoint", VpcEndpointType="Interface", SubnetIds={"Ref": "Subnets"}),
        "Gw": _res("AWS::EC2::VPCEndpoint", VpcEndpointType="Gateway"),
        "KeyRotating": _res("AWS::KMS::Key", EnableKeyRotation=True),
        "KeyPlain": _res("AWS::KMS::Key", EnableKeyRotation=False),
        "Recorder": _res("AWS::Config::ConfigurationRecorder"),
        "Rule1": _res("AWS::Config::ConfigRule"),
        "Rule2": _res("AWS::Config::ConfigRule"),
        "Rule3": _res("AWS::Config::ConfigRule"),
        "Detector": _res(
            "AWS::GuardDuty::Detector",
            Enable=True,
            Features=[{"Name": "S3_DATA_EVENTS", "Status": "ENABLED"}],
        ),
        "TrailA": _res("AWS::CloudTrail::Trail"),
        "TrailB": _res(
            "AWS::CloudTrail::Trail",
            EventSelectors=[
                {
                    "IncludeManagementEvents": True,
                    "DataResources": [{"Type": "AWS::S3::Object", "Values": ["x"]}],
                }
            ],
        ),
        "LogA": _res("AWS::Logs::LogGroup", RetentionInDays=90),
        "LogB": _res("AWS::Logs::LogGroup"),
        "Cfg": _res(
            "AWS::SageMaker::EndpointConfig",
            ProductionVariants=[
                {"VariantName": "A", "InstanceType": "ml.m5.large", "InitialInstanceCount": 3},
                {"VariantName": "S", "ServerlessConfig": {"MaxConcurrency": 1, "MemorySizeInMB": 2048}},
            ],
        ),
        "Ep": _res(
            "AWS::SageMaker::Endpoint", EndpointConfigName={"Fn::GetAtt": ["Cfg", "EndpointConfigName"]}
        ),
        "Target": _res(
            "AWS::ApplicationAutoScaling::ScalableTarget",
            ServiceNamespace="sagemaker",
            MinCapacity=1,
            MaxCapacity=4,
            ResourceId={
                "Fn::Join": ["", ["endpoint/", {"Fn::GetAtt": ["Ep", "EndpointName"]}, "/variant/A"]]
            },
        ),
        "GpuCfg": _res(
            "AWS::SageMaker::EndpointConfig",
            ProductionVariants=[
                {"VariantName": "G", "InstanceType": "ml.p5.48xlarge", "InitialInstanceCount": 1}
            ],
        ),
        "GpuEp": _res(
            "AWS::SageMaker::Endpoint", EndpointConfigName={"Fn::GetAtt": ["GpuCfg", "EndpointConfigName"]}
        ),
        "Domain": _res(
            "AWS::SageMaker::Domain",
            DefaultUserSettings={
                "JupyterLabAppSettings": {
                    "AppLifecycleManagement": {
                        "IdleSettings": {
                            "LifecycleManagement": "ENABLED",
                            "IdleTimeoutInMinutes": 60,
                            "MaxIdleTimeoutInMinutes": 120,
                        }
                    }
                }
            },
        ),
        "Alice": _res("AWS::SageMaker::UserProfile"),
        "Bob": _res("AWS::SageMaker::UserProfile"),
    }
}


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    path = tmp_path_factory.mktemp("cost-template") / "small.template.json"
    path.write_text(json.dumps(TEMPLATE))
    return estimate(read_assembly(path), BOOK, CostAssumptions(kms_rotations=3), default_region=REGION)


def _monthly(result, resource: str) -> float | None:
    (item,) = [i for i in result.items if i.resource == resource]
    return item.monthly


@pytest.mark.aws_behaviour("pricing.interface-endpoint-per-az-hour", "pricing.gateway-endpoint-free")
def test_interface_endpoints_pay_per_az_hour_and_gateway_endpoints_nothing(result) -> None:
    assert _monthly(result, "IfaceA") == 21.90  # 3 subnets x 730 h x $0.01
    assert _monthly(result, "IfaceB") == 14.60  # subnets not listed: default_az_count 2 x 730 x $0.01
    assert _monthly(result, "Gw") == 0.0
    (b,) = [i for i in result.items if i.resource == "IfaceB"]
    assert b.assumption == "default_az_count" and "assumed" in b.note


@pytest.mark.aws_behaviour("pricing.kms-key-month")
def test_kms_keys_and_at_most_two_paid_rotations(result) -> None:
    assert _monthly(result, "KeyRotating") == 1.00 and _monthly(result, "KeyPlain") == 1.00
    assert _monthly(result, "KeyRotating rotations") == 2.00  # kms_rotations=3, capped at 2 x $1
    assert not [i for i in result.items if i.resource == "KeyPlain rotations"]


@pytest.mark.aws_behaviour("pricing.config-items-and-evaluations")
def test_config_recorder_and_rules(result) -> None:
    assert _monthly(result, "Recorder") == 3.00  # 1,000 items x $0.003
    assert _monthly(result, "3 Config rules") == 0.30  # 3 rules x 100 evaluations x $0.001


@pytest.mark.aws_behaviour("pricing.guardduty-foundational-sources")
def test_guardduty_baseline_and_s3_protection(result) -> None:
    assert _monthly(result, "Detector management events") == 0.80  # 0.2 M events x $4
    assert _monthly(result, "Detector flow and DNS logs") == 5.00  # 5 GB x $1
    assert _monthly(result, "Detector S3 data events") == 0.80  # 1 M events x $0.80


@pytest.mark.aws_behaviour("pricing.cloudtrail-first-management-copy-free")
def test_cloudtrail_first_copy_free_second_copy_and_data_events_paid(result) -> None:
    assert _monthly(result, "TrailA management events") == 0.0
    assert _monthly(result, "TrailB management events (additional copy)") == 4.00  # 2 x 100k x $2
    assert _monthly(result, "TrailB data events") == 1.00  # 10 x 100k x $0.10
    assert not [i for i in result.items if i.resource == "TrailA data events"]


def test_log_groups_ingestion_and_retained_storage(result) -> None:
    assert _monthly(result, "LogA ingestion") == 0.50  # 1 GB x $0.50
    assert _monthly(result, "LogA storage") == 0.09  # 1 GB x 90 / 30.42 days = 2.96 GB x $0.03 = 0.0888
    assert _monthly(result, "LogB storage") == 0.36  # never expires: 12 months x 1 GB x $0.03


def test_endpoint_instances_at_the_autoscaling_minimum(result) -> None:
    assert _monthly(result, "Ep/A") == 83.95  # MinCapacity 1 (not InitialInstanceCount 3) x 730 h x $0.115
    assert not [i for i in result.items if i.resource == "Ep/S"]  # serverless: no fixed cost


def test_an_unknown_instance_type_has_no_price_never_zero(result) -> None:
    (gpu,) = [i for i in result.items if i.resource == "GpuEp/G"]
    assert gpu.unit_price is None and gpu.monthly is None
    assert gpu.note.startswith("no price: no price for sagemaker.hosting.ml.p5.48xlarge in us-east-1")
    assert result.unpriced == [gpu]


@pytest.mark.aws_behaviour("pricing.studio-default-instance")
def test_studio_idle_ceiling_is_reported_beside_the_total(result) -> None:
    (ceiling,) = [i for i in result.items if i.kind == "ceiling"]
    # 2 users x 21 sessions x 120 min (MaxIdleTimeoutInMinutes) = 84 h on ml.t3.medium x $0.05
    assert (ceiling.quantity, ceiling.monthly) == (84, 4.20)
    assert result.ceiling_total == 4.20


def test_total_is_the_sum_of_the_priced_fixed_items(result) -> None:
    # 21.90 + 14.60 + 0 + (1 + 2 + 1) + 3.00 + 0.30 + (0.80 + 5.00 + 0.80) + (0 + 4.00 + 1.00)
    # + (0.50 + 0.09 + 0.50 + 0.36) + 83.95 = 140.80; the ml.p5 endpoint and the Studio ceiling are out
    assert result.total == 140.80
    document = result.to_json()
    assert document["total"] == 140.80 and document["unpriced"] == 1
    assert document["accounts"] == [
        {"account": "unknown-account", "region": REGION, "total": 140.80, "ceiling": 4.20, "unpriced": 1}
    ]


def test_without_a_region_nothing_is_priced(tmp_path) -> None:
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"Resources": {"K": _res("AWS::KMS::Key")}}))
    (item,) = estimate(read_assembly(path), BOOK).items
    assert item.monthly is None and "unknown-region" in item.note and "--region" in item.note


def test_assumptions_are_named_and_checked() -> None:
    assert CostAssumptions().replace({"config_items_per_month": "5000"}).config_items_per_month == 5000
    with pytest.raises(ValueError, match="unknown assumption 'config_items'; use one of"):
        CostAssumptions().replace({"config_items": "1"})
    with pytest.raises(ValueError, match=r"kms_rotations='two': expected an integer"):
        CostAssumptions().replace({"kms_rotations": "two"})
    with pytest.raises(ValueError, match="must be >= 0"):
        CostAssumptions().replace({"hours_per_month": "-1"})
