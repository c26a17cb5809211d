"""The delivery section of the platform config: the worked example, defaults, and every validation,
reported all together with their paths."""

from __future__ import annotations

import textwrap

import pytest

from cdk_secure_ml.config import ConfigError, DeliveryConfig, load_config, parse_config
from tests.conftest import ROOT

CONNECTION = "arn:aws:codeconnections:eu-west-1:111111111111:connection/0f5d3c2a-8b1e-4c6f-9a7d-2e4b6c8d0f1a"
HEAD = "name: ml-platform\nregion: eu-west-1\n"


def delivery(
    stages: str, extra: str = "", connection: str = CONNECTION, tooling: str = '"111111111111"'
) -> str:
    lines = [
        "delivery:",
        f"  tooling_account: {tooling}",
        f'  source: {{connection_arn: "{connection}", repository: acme/ml-platform}}',
        *[f"  {line}" for line in extra.splitlines()],
        "  stages:",
        *[f"    {line}" for line in textwrap.dedent(stages).splitlines()],
    ]
    return HEAD + "\n".join(lines) + "\n"


def problems_of(text: str) -> dict[str, str]:
    with pytest.raises(ConfigError) as info:
        parse_config(text, source="test.yaml")
    return {p.path: p.message for p in info.value.problems}


GOOD_STAGES = """\
    - {name: dev, account: "222222222222", region: eu-west-1}
    - {name: prod, account: "444444444444", region: eu-west-1, requires_approval: true}
"""


def test_worked_example_loads():
    config = load_config(ROOT / "config" / "multi-account.yaml")
    d = config.delivery
    assert d.tooling_account == "111111111111"
    assert [(s.name, s.account, s.requires_approval) for s in d.stages] == [
        ("dev", "222222222222", False),
        ("staging", "333333333333", True),
        ("prod", "444444444444", True),
    ]
    assert [s.stage_kind for s in d.stages] == ["dev", "staging", "prod"]
    assert [s.creates_human_roles for s in d.stages] == [True, True, False]
    assert d.warnings() == []


def test_defaults():
    d = parse_config(delivery(GOOD_STAGES)).delivery
    assert isinstance(d, DeliveryConfig)
    assert d.source.branch == "main" and d.wave_threshold == 3 and d.audit
    assert d.notification_emails == [] and d.tooling_region is None
    assert d.stages[0].azs(2) == ["eu-west-1a", "eu-west-1b"]
    assert parse_config(HEAD).delivery is None


def test_unquoted_account_ids_and_the_older_connection_service_name_are_accepted():
    old = CONNECTION.replace("codeconnections", "codestar-connections")
    d = parse_config(delivery(GOOD_STAGES.replace('"', ""), connection=old, tooling="111111111111")).delivery
    assert d.tooling_account == "111111111111" and d.stages[1].account == "444444444444"


def test_stage_config_keeps_everything_but_region_kind_and_azs():
    config = parse_config(
        delivery("""\
        - {name: dev, account: "222222222222", region: us-east-1}
        - {name: prod-eu, account: "444444444444", region: eu-central-1, requires_approval: true,
           availability_zones: [eu-central-1b, eu-central-1c]}
        """)
    )
    dev, prod = (config.for_delivery_stage(s) for s in config.delivery.stages)
    assert (dev.region, dev.stage, dev.network.availability_zones) == (
        "us-east-1",
        "dev",
        ["us-east-1a", "us-east-1b"],
    )
    assert (prod.region, prod.stage) == ("eu-central-1", "prod")
    assert prod.network.availability_zones == ["eu-central-1b", "eu-central-1c"]
    assert prod.delivery is None and prod.name == config.name and prod.identity == config.identity


def test_bad_input_is_reported_all_together():
    text = delivery(
        """\
        - {name: dev, account: "22222222222", region: eu-west-1}
        - {name: dev, account: "333333333333", region: mars-north-1}
        - {name: prod, account: "444444444444", region: eu-west-1}
        """,
        connection="arn:aws:codestar:eu-west-1:111111111111:connection/abc",
        tooling='"tooling"',
    )
    problems = problems_of(text)
    assert "12-digit" in problems["delivery.tooling_account"]
    assert "CodeConnections connection ARN" in problems["delivery.source.connection_arn"]
    assert "'22222222222' has 11 digits, an AWS account id has 12" in problems["delivery.stages.0.account"]
    assert "unknown region 'mars-north-1'" in problems["delivery.stages.1.region"]
    assert "'dev' is listed twice" in problems["delivery.stages.1.name"]
    assert "requires_approval: true" in problems["delivery.stages.2.requires_approval"]
    assert len(problems) == 6


def test_problems_carry_line_numbers():
    text = delivery("""\
        - {name: dev, account: "222222222222", region: eu-west-1}
        - {name: prod, account: "444444444444", region: nowhere-1, requires_approval: true}
        """)
    with pytest.raises(ConfigError) as info:
        parse_config(text, source="test.yaml")
    [problem] = info.value.problems
    assert problem.path == "delivery.stages.1.region"
    assert (
        problem.line
        == text.splitlines().index(next(line for line in text.splitlines() if "nowhere-1" in line)) + 1
    )


@pytest.mark.parametrize(
    "stage",
    [
        '{name: production, account: "444444444444", region: eu-west-1}',
        '{name: live, kind: prod, account: "444444444444", region: eu-west-1}',
    ],
)
def test_prod_like_stages_require_approval(stage):
    problems = problems_of(delivery(f"- {stage}\n"))
    assert list(problems) == ["delivery.stages.0.requires_approval"]
    assert "production-like" in problems["delivery.stages.0.requires_approval"]


def test_prod_stage_may_not_create_human_roles():
    problems = problems_of(
        delivery(
            '- {name: prod, account: "444444444444", region: eu-west-1, requires_approval: true, '
            'human_roles: '
            "true}\n"
        )
    )
    assert "creates no human roles" in problems["delivery.stages.0.human_roles"]


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:codeconnections:eu-west-1:1111:connection/0f5d3c2a-8b1e-4c6f-9a7d-2e4b6c8d0f1a",
        "arn:aws:codeconnections:eu-west-1:111111111111:connection/not-a-uuid",
        "arn:aws:codeconnections:eu-west-1:111111111111:host/0f5d3c2a-8b1e-4c6f-9a7d-2e4b6c8d0f1a",
        "arn:aws:codecommit:eu-west-1:111111111111:connection/0f5d3c2a-8b1e-4c6f-9a7d-2e4b6c8d0f1a",
    ],
)
def test_connection_arn_shape(arn):
    assert (
        "not a CodeConnections connection ARN"
        in problems_of(delivery(GOOD_STAGES, connection=arn))["delivery.source.connection_arn"]
    )


def test_other_field_checks():
    problems = problems_of(
        delivery(
            """\
        - {name: Dev_1, account: "222222222222", region: eu-west-1, availability_zones: [us-east-1a,
        us-east-1b]}
        """,
            extra="notification_emails: [not-an-email]\nwave_threshold: 0\nmodel_package_group_name: "
                  "bad_name!\n",
        )
    )
    assert "lower-case word" in problems["delivery.stages.0.name"]
    assert "not-an-email" in problems["delivery.notification_emails.0"]
    assert "delivery.wave_threshold" in problems
    assert "model package group" in problems["delivery.model_package_group_name"]
    empty = (
        HEAD + f'delivery: {{tooling_account: "111111111111", stages: [], '
        f'source: {{connection_arn: "{CONNECTION}", repository: a/b}}}}\n'
    )
    assert problems_of(empty)["delivery.stages"].startswith("stages is empty")


def test_zones_must_be_in_the_stage_region():
    problems = problems_of(
        delivery(
            '- {name: dev, account: "222222222222", region: eu-west-1, availability_zones: [us-east-1a, '
            "us-east-1b]}\n"
        )
    )
    assert "not in region eu-west-1" in problems["delivery.stages.0.availability_zones"]


def test_stage_kind_revalidates_the_platform():
    # a single-instance endpoint is fine in dev, refused in a production stage
    endpoint = textwrap.dedent("""\
        endpoints:
          - name: churn
            image_repository: ml/churn
            model_package_group: ml-models
            allow_single_instance: true
            variants: [{instance_count: 1}]
            autoscaling: {min_capacity: 1, max_capacity: 2}
        """)
    problems = problems_of(delivery(GOOD_STAGES) + endpoint)
    # each problem where the file says it, naming the stage that refuses it
    assert set(problems) == {
        "endpoints.0.allow_single_instance",
        "endpoints.0.variants.0.instance_count",
        "endpoints.0.autoscaling.min_capacity",
    }
    assert all(m.startswith("in delivery stage 'prod' (prod in eu-west-1): ") for m in problems.values())
    assert ("only a non-production (dev) endpoint may run a single instance"
            in problems["endpoints.0.allow_single_instance"])


@pytest.mark.aws_behaviour("iam.names-unique-per-account", "kms.alias-unique-per-account-region")
def test_two_stages_in_one_account_are_refused_naming_both_stages_the_account_and_the_fix():
    """Every stage deploys the same fixed physical names (IAM roles are unique per account in every
    region, KMS aliases per account and region): the second stage would fail with AlreadyExists (D9)."""
    problems = problems_of(
        delivery("""\
        - {name: dev, account: "222222222222", region: eu-west-1}
        - {name: test, account: 222222222222, region: eu-central-1}
        - {name: prod, account: "444444444444", region: eu-west-1, requires_approval: true}
        """)
    )
    assert list(problems) == ["delivery.stages.1.account"]
    message = problems["delivery.stages.1.account"]
    assert message.startswith("stages 'dev' (stages.0) and 'test' both deploy to account 222222222222")
    assert "AlreadyExists" in message and "give stage 'test' an account of its own" in message


def test_the_same_account_twice_is_reported_with_its_line():
    with pytest.raises(ConfigError) as info:
        parse_config(
            delivery("""\
            - {name: dev, account: "222222222222", region: eu-west-1}
            - {name: prod, account: "222222222222", region: eu-west-1, requires_approval: true}
            """),
            source="test.yaml",
        )
    (problem,) = [p for p in info.value.problems if p.path == "delivery.stages.1.account"]
    assert problem.line == 8 and "'dev' (stages.0) and 'prod'" in problem.message


def test_the_tooling_account_as_a_stage_account_is_a_warning():
    d = parse_config(
        delivery("""\
        - {name: dev, account: "222222222222", region: eu-west-1}
        - {name: prod, account: "111111111111", region: eu-west-1, requires_approval: true}
        """)
    ).delivery
    assert d.warnings() == [
        (
            "the tooling account 111111111111 is also the account of stages ['prod']; keep "
            "the pipeline in an account of its own"
        )
    ]


@pytest.mark.aws_behaviour("ec2.az-ids-consistent-across-accounts")
def test_stages_may_pin_az_ids_and_they_are_checked_offline():
    config = parse_config(
        delivery("""\
        - {name: dev, account: "222222222222", region: us-east-1, availability_zone_ids: [use1-az1, use1-az2]}
        - {name: prod, account: "444444444444", region: eu-west-1, requires_approval: true}
        """)
    )
    dev, prod = config.delivery.stages
    assert dev.azs(2) == ["use1-az1", "use1-az2"] and prod.azs(2) == ["eu-west-1a", "eu-west-1b"]
    staged = config.for_delivery_stage(dev).network
    assert (staged.availability_zone_ids, staged.availability_zones) == (["use1-az1", "use1-az2"], [])
    problems = problems_of(
        delivery("""\
        - {name: dev, account: "222222222222", region: us-east-1, availability_zone_ids: [use1-az1, euw1-az2]}
        - {name: prod, account: "444444444444", region: eu-west-1, requires_approval: true,
           availability_zones: [eu-west-1a, eu-west-1b], availability_zone_ids: [euw1-az1, euw1-az2]}
        """)
    )
    assert (
        "['euw1-az2'] are not in region us-east-1 (its AZ IDs are use1-az1"
        in problems["delivery.stages.0.availability_zone_ids"]
    )
    assert "not both" in problems["delivery.stages.1.availability_zone_ids"]


def test_a_notification_address_listed_twice_is_refused():
    emails = "notification_emails: [a@example.com, a@example.com]\n"
    problems = problems_of(delivery(GOOD_STAGES, extra=emails))
    assert "repeats notification_emails[0]" in problems["delivery.notification_emails.1"]


def test_stage_problems_come_with_the_platforms_own_problems_in_one_pass():
    endpoint = textwrap.dedent("""\
        network: {cidr: 10.0.0.0/33}
        endpoints:
          - name: churn
            image_repository: ml/churn
            model_package_group: ml-models
            allow_single_instance: true
            variants: [{instance_count: 1}]
            autoscaling: {min_capacity: 1, max_capacity: 2}
        """)
    with pytest.raises(ConfigError) as info:
        parse_config(delivery(GOOD_STAGES) + endpoint)
    problems = [(p.path, p.message) for p in info.value.problems]
    cidr = [m for path, m in problems if path == "network.cidr"]
    assert len(cidr) == 1 and "is not a valid IPv4 network" in cidr[0]  # once, not again per stage
    staged = {path for path, m in problems if m.startswith("in delivery stage 'prod' (prod in eu-west-1): ")}
    assert staged == {
        "endpoints.0.allow_single_instance",
        "endpoints.0.variants.0.instance_count",
        "endpoints.0.autoscaling.min_capacity",
    }
