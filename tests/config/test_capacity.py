"""Subnet capacity in the config: network.subnet_cidr_mask / network.cidr hold the interface endpoints, the
Studio home EFS and the Studio users (docs/network.md, "Subnet capacity")."""

from __future__ import annotations

from pathlib import Path

import pytest

from cdk_secure_ml.config import ConfigError, load_config, parse_config

ROOT = Path(__file__).resolve().parents[2]
HEAD = ("name: ml-platform\nregion: us-east-1\n"
        "identity:\n  teams: [{name: research}]\n")


def users(count: int) -> str:
    lines = [f"    - {{name: user-{i}, team: research, persona: data-scientist}}" for i in range(count)]
    return "studio:\n  users:\n" + "\n".join(lines) + "\n"


def problems_of(text: str) -> dict[str, tuple[str, int | None]]:
    with pytest.raises(ConfigError) as info:
        parse_config(text, source="test.yaml")
    return {p.path: (p.message, p.line) for p in info.value.problems}


@pytest.mark.aws_behaviour("ec2.subnet-reserved-addresses", "vpc.interface-endpoint-eni-per-subnet",
                           "efs.mount-target-per-az", "sagemaker.studio-ips-per-user")
def test_a_subnet_mask_too_small_for_the_users_is_refused_at_its_line():
    text = HEAD + "network:\n  cidr: 10.20.0.0/24\n  subnet_cidr_mask: 27\n" + users(30)
    message, line = problems_of(text)["network.subnet_cidr_mask"]
    assert line == 7
    assert message == (
        "subnet_cidr_mask /27 is too small: each of the 2 subnets has 32 addresses: 5 reserved by AWS, "
        "11 for the interface endpoints, 1 for the home EFS mount target, leaving 15 for Studio apps "
        "(30 in all) where the 30 Studio users need 120 (4 per user, the top of AWS's recommended 2 to 4); "
        "use subnet_cidr_mask /25 (128 addresses per subnet) or shorter")
    # The size it names fits.
    parse_config(text.replace("subnet_cidr_mask: 27", "subnet_cidr_mask: 25"))


def test_an_even_split_too_small_is_refused_at_the_cidr():
    text = HEAD + "network:\n  cidr: 10.20.0.0/24\n" + users(100)
    message, line = problems_of(text)["network.cidr"]
    assert line == 6
    assert message.startswith("cidr 10.20.0.0/24 split over 2 AZs gives /25 subnets, too small: ")
    assert message.endswith("use a /23 cidr or larger (split into /24 subnets)")
    parse_config(text.replace("10.20.0.0/24", "10.20.0.0/23"))


def test_extra_interface_endpoints_count():
    # 11 default endpoints + 5 reserved fit a /28's 16 addresses only without the mount target...
    text = HEAD + "network:\n  cidr: 10.20.0.0/24\n  subnet_cidr_mask: 28\nstudio:\n  enabled: false\n"
    parse_config(text)
    # ... and one more endpoint does not.
    extra = text.replace("subnet_cidr_mask: 28\n", "subnet_cidr_mask: 28\n  interface_endpoints: "
                                                   "{extra: [secretsmanager]}\n")
    message, _ = problems_of(extra)["network.subnet_cidr_mask"]
    assert "12 for the interface endpoints (17, more than it has); use subnet_cidr_mask /27" in message


def test_without_studio_there_is_no_mount_target_and_no_users():
    text = HEAD + "network:\n  cidr: 10.20.0.0/24\n  subnet_cidr_mask: 28\n" + users(30)
    assert "network.subnet_cidr_mask" in problems_of(text)
    parse_config(text.replace("studio:\n", "studio:\n  enabled: false\n"))


def test_a_spoke_of_the_hub_layout_has_no_interface_endpoints():
    hub = ("  interface_endpoints: {mode: hub}\n"
           "  hub: {account: '555555555555', cidr: 10.0.0.0/22, spokes: [{account: '222222222222', "
           "cidr: 10.20.0.0/24}]}\n")
    spoke = HEAD + "network:\n  cidr: 10.20.0.0/24\n  subnet_cidr_mask: 27\n" + hub
    # /27: 32 - 5 - 1 = 26 free per subnet, 52 in all: 13 users x 4 fit, 14 do not.
    parse_config(spoke + users(13))
    message, _ = problems_of(spoke + users(14))["network.subnet_cidr_mask"]
    assert "5 reserved by AWS, 1 for the home EFS mount target, leaving 26" in message


def test_the_hub_vpc_holds_its_interface_endpoints():
    text = (HEAD + "network:\n  cidr: 10.20.0.0/24\n"
            "  interface_endpoints: {mode: hub, extra: [secretsmanager]}\n"
            "  hub:\n    account: '555555555555'\n    cidr: 10.0.0.0/24\n"
            "    availability_zones: [us-east-1a, us-east-1b, us-east-1c, us-east-1d, us-east-1e, us-east-1f,"
            " us-east-1g, us-east-1h, us-east-1i]\n"
            "    spokes: [{account: '222222222222', cidr: 10.20.0.0/24}]\n")
    problems = problems_of(text)
    message, line = problems["network.hub.cidr"]
    assert line == 10
    assert message.startswith("cidr 10.0.0.0/24 split over 9 AZs gives /28 subnets, too small: ")
    assert "12 for the interface endpoints (17, more than it has); use a /23 cidr or larger" in message


@pytest.mark.parametrize("name", ["default.yaml", "demo.yaml", "multi-account.yaml", "hub.yaml"])
def test_the_shipped_configs_fit(name):
    config = load_config(ROOT / "config" / name)
    assert config.network.cidr


def test_a_delivery_stage_with_more_zones_is_checked_with_its_own_subnets():
    # /24 over 2 AZs: /25 subnets, 2 x 111 free for 30 users x 4 = 120. Over 6 AZs: /27 subnets, 6 x 15 = 90.
    stages = ("delivery:\n  tooling_account: '111111111111'\n"
              "  source: {connection_arn: 'arn:aws:codeconnections:us-east-1:111111111111:connection/"
              "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d', repository: acme/ml-platform}\n"
              "  stages:\n    - {name: dev, account: '222222222222', region: us-east-1, availability_zones: "
              "[us-east-1a, us-east-1b, us-east-1c, us-east-1d, us-east-1e, us-east-1f]}\n")
    text = HEAD + "network:\n  cidr: 10.20.0.0/24\n" + users(30) + stages
    message, _ = problems_of(text)["network.cidr"]
    assert message.startswith("in delivery stage 'dev' (dev in us-east-1): cidr 10.20.0.0/24 split over "
                              "6 AZs gives /27 subnets, too small: ")
    # Over 4 AZs: /26 subnets, 4 x 47 = 188 free: it fits.
    parse_config(text.replace(", us-east-1e, us-east-1f", ""))
