"""network.endpoint_policy and network.availability_zone_ids: defaults, validation, and the stacks they
build."""

from __future__ import annotations

import pytest

from cdk_secure_ml.config import ConfigError, parse_config

HEAD = "name: ml-platform\nregion: us-east-1\n"


def problems_of(text: str) -> dict[str, str]:
    with pytest.raises(ConfigError) as info:
        parse_config(text, source="test.yaml")
    return {p.path: p.message for p in info.value.problems}


def test_endpoint_policy_defaults_to_this_account():
    policy = parse_config(HEAD).network.endpoint_policy
    assert policy.restrict is True and policy.organization_id is None
    assert policy.trusted_accounts == [] and policy.allowed_s3_objects == []


def test_endpoint_policy_options_are_validated_all_together():
    problems = problems_of(
        HEAD + "network:\n  endpoint_policy:\n"
        "    organization_id: org-1\n    trusted_accounts: ['123']\n"
        "    allowed_s3_objects: [jumpstart-cache-prod-us-east-1]\n"
    )
    assert "'org-1' is not an AWS Organizations id" in problems["network.endpoint_policy.organization_id"]
    trusted = problems["network.endpoint_policy.trusted_accounts"]
    assert "'123' has 3 digits, an AWS account id has 12" in trusted
    assert "are not S3 object ARN patterns" in problems["network.endpoint_policy.allowed_s3_objects"]
    good = parse_config(
        HEAD + "network:\n  endpoint_policy:\n    organization_id: o-a1b2c3d4e5\n"
        "    trusted_accounts: [555555555555]\n"
    ).network.endpoint_policy
    assert good.organization_id == "o-a1b2c3d4e5" and good.trusted_accounts == ["555555555555"]


@pytest.mark.aws_behaviour("ec2.az-ids-consistent-across-accounts")
def test_availability_zone_ids_are_checked_against_the_region():
    network = parse_config(
        HEAD + "network: {availability_zone_ids: [use1-az1, use1-az2, use1-az4]}\n"
    ).network
    assert network.azs() == 3
    problems = problems_of(HEAD + "network: {availability_zone_ids: [euw1-az1, use1-az2]}\n")
    assert "are not in region us-east-1" in next(iter(problems.values()))
    problems = problems_of(
        HEAD + "network: {availability_zones: [us-east-1a, us-east-1b], "
        "availability_zone_ids: [use1-az1, use1-az2]}\n"
    )
    assert "not both" in problems["network.availability_zone_ids"]


def test_endpoint_extra_and_remove():
    config = parse_config(
        "name: ml-dev\nregion: us-east-1\nnetwork:\n  interface_endpoints:\n"
        "    extra: [codeartifact.api, sts]\n    remove: [ssm]\n"
    )
    services = config.network.interface_endpoints.services()
    assert "ssm" not in services
    assert services[-1] == "codeartifact.api"
    assert services.count("sts") == 1


@pytest.mark.parametrize(
    ("cidr", "expected"),
    [
        ("10.0.0.0/33", "not a valid IPv4 network"),
        ("10.0.0.1/16", "did you mean 10.0.0.0/16"),
        ("not-a-cidr", "not a valid IPv4 network"),
        ("10.0.0.0/8", "prefix /8"),
        ("10.0.0.0/27", "prefix /27"),
        ("8.8.0.0/16", "not a private range"),
    ],
)
def test_bad_cidr(cidr, expected):
    problems = problems_of(f"name: ml-dev\nregion: us-east-1\nnetwork:\n  cidr: {cidr}\n")
    assert expected in problems["network.cidr"]
    assert cidr in problems["network.cidr"]


def test_overlapping_cidr():
    problems = problems_of(
        "name: ml-dev\nregion: us-east-1\nnetwork:\n  cidr: 10.20.0.0/16\n  reserved_cidrs: [10.0.0.0/8]\n"
    )
    assert "overlaps 10.0.0.0/8" in problems["network.cidr"]


def test_non_overlapping_reserved_cidr_is_fine():
    config = parse_config(
        "name: ml-dev\nregion: us-east-1\nnetwork:\n  cidr: 10.20.0.0/16\n  reserved_cidrs: [10.30.0.0/16]\n"
    )
    assert config.network.reserved_cidrs == ["10.30.0.0/16"]


def test_more_than_two_azs_need_explicit_names():
    problems = problems_of("name: ml-dev\nregion: us-east-1\nnetwork:\n  az_count: 3\n")
    assert "availability_zones" in problems["network.az_count"]
    config = parse_config(
        "name: ml-dev\nregion: us-east-1\nnetwork:\n"
        "  availability_zones: [us-east-1a, us-east-1b, us-east-1c]\n"
    )
    assert config.network.azs() == 3


def test_azs_must_be_in_region_distinct_and_two():
    assert (
        "not in region us-east-1"
        in problems_of(
            "name: ml-dev\nregion: us-east-1\nnetwork:\n  availability_zones: [eu-west-1a, eu-west-1b]\n"
        )["network.availability_zones"]
    )
    assert (
        "repeats a zone"
        in problems_of(
            "name: ml-dev\nregion: us-east-1\nnetwork:\n  availability_zones: [us-east-1a, us-east-1a]\n"
        )["network.availability_zones"]
    )
    assert (
        "fewer than 2"
        in problems_of("name: ml-dev\nregion: us-east-1\nnetwork:\n  availability_zones: [us-east-1a]\n")[
            "network.availability_zones"
        ]
    )


def test_removing_a_service_that_is_not_a_default():
    problems = problems_of(
        "name: ml-dev\nregion: us-east-1\nnetwork:\n  interface_endpoints:\n    remove: [codebuild]\n"
    )
    assert "codebuild" in problems["network.interface_endpoints.remove"]


@pytest.mark.parametrize(
    ("network", "expected"),
    [
        (
            "{cidr: 10.20.0.0/20, subnet_cidr_mask: 16}",
            "subnet_cidr_mask /16 does not fit VPC 10.20.0.0/20; use /20 to /28",
        ),
        (
            "{cidr: 10.20.0.0/24, subnet_cidr_mask: 24}",
            "leaves room for fewer than 2 subnets in 10.20.0.0/24",
        ),
        (
            "{cidr: 10.20.0.0/22, subnet_cidr_mask: 23, availability_zones: [us-east-1a, us-east-1b, "
            "us-east-1c]}",
            "leaves room for fewer than 3 subnets",
        ),
    ],
)
def test_subnet_mask_is_checked_as_mlnetwork_checks_it(network, expected):
    assert expected in problems_of(HEAD + f"network: {network}\n")["network.subnet_cidr_mask"]
    parse_config(HEAD + "network: {cidr: 10.20.0.0/20, subnet_cidr_mask: 24}\n")
