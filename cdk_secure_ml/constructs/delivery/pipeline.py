"""MlPlatformPipeline: the self-mutating CDK pipeline of the tooling account that deploys the platform's
stages, gated by policy, with approvals and a read-only audit after each deploy.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import jsii
from aws_cdk import Duration, RemovalPolicy, Stack, Stage, Token, pipelines
from aws_cdk import aws_codebuild as codebuild
from aws_cdk import aws_codepipeline as codepipeline
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct, IValidation

from cdk_secure_ml.constructs.delivery.naming import audit_step_role_name
from cdk_secure_ml.constructs.storage import AccessLogsBucket
from cdk_secure_ml.delivery_context import RESOLVED_GROUPS_CONTEXT
from cdk_secure_ml.policies.acknowledgements import (
    acknowledge,
    in_regulatory_packs,
    justify_iam_lint,
    justify_tls_version,
    skip_checkov,
    wildcard_finding_ids,
)

#: Runtimes every CodeBuild project of the pipeline pins: the project needs Python >= 3.11 and a
#: Node.js that jsii supports; ``aws/codebuild/standard:7.0`` offers both
#: (https://docs.aws.amazon.com/codebuild/latest/userguide/available-runtimes.html).
DEFAULT_RUNTIME_VERSIONS: Mapping[str, str] = {"python": "3.12", "nodejs": "22"}

#: Why the pipeline's artifact bucket has no cross-region replication (the acknowledgement's reason).
REPLICATION_REASON = (
    "Pipeline artifacts are rebuilt from the repository on every run; cross-region replication of this "
    "bucket would add a second region's key and bucket for nothing the source cannot restore."
)


@dataclass(frozen=True)
class DeliveryStage:
    """One deployment of the pipeline: an app stage with an explicit account and region.

    :param group: stages of one group (e.g. the stage kind) that follow each other deploy in one
        parallel wave once the pipeline has more stages than its ``wave_threshold``.
    :param audit_role_arn: the target's :class:`PipelineAuditRole`; None: no post-deploy audit.
    """

    stage: Stage
    requires_approval: bool = False
    group: str | None = None
    audit_role_arn: str | None = None


def wave_groups(stages: Sequence[DeliveryStage], threshold: int) -> list[list[DeliveryStage]]:
    """Stages in order; above ``threshold`` stages, consecutive stages of one group share a wave."""
    if len(stages) <= threshold:
        return [[s] for s in stages]
    groups: list[list[DeliveryStage]] = []
    for stage in stages:
        if groups and stage.group is not None and groups[-1][0].group == stage.group:
            groups[-1].append(stage)
        else:
            groups.append([stage])
    return groups


class MlPlatformPipeline(Construct):
    """A self-mutating CDK pipeline that deploys app stages to their accounts, gated by policy.

    - Source: ``source`` (e.g. ``CodePipelineSource.connection`` through AWS CodeConnections).
    - Synth (CodeBuild): ``install_commands``, then ``check_commands`` (default ``make check
      CONFIG=<config_path>``: tests-as-policy, cfn-lint, checkov, IAM lint: the gates CI runs),
      then ``npx cdk synth``. A failing gate stops the run before any deploy.
    - ``model_package_groups``: before ``cdk synth``, the synth step resolves the latest Approved
      version of each group in this (tooling) account (``python -m cdk_secure_ml.delivery_context``)
      and passes them as ``-c approved-model-packages=<JSON>``, with
      ``-c resolved-model-package-groups=<groups>``: the endpoints deploy the approved packages, and
      an endpoint whose group has no approved version yet waits (its stage deploys without it), so
      the first run with an empty registry still deploys Foundation, Studio and Governance. Its role
      may ``sagemaker:ListModelPackages`` on ``*``: the action has no ``model-package-group``
      resource type, and AWS's own model-registry policy grants it on ``*``
      (https://docs.aws.amazon.com/sagemaker/latest/dg/security-iam-awsmanpol-model-registry.html).
    - Self-mutation, asset publishing, then the stages in order. A stage that requires approval gets
      a ``ManualApprovalStep`` before it; with an ``audit_role_arn`` it gets a post-deploy
      ``CodeBuildStep`` that assumes that role and runs ``secure-ml audit --region <region>
      --fail-on-not-verified``: error-level drift, and any check the audit role could not perform,
      fail the run.
    - ``runtime_versions``: the CodeBuild runtimes every project pins (buildspec
      ``runtime-versions``; default Python 3.12 and Node.js 22, both on ``standard:7.0``). Without
      them CodeBuild picks the image's default, which changes when a version reaches end of life
      (https://docs.aws.amazon.com/codebuild/latest/userguide/available-runtimes.html). None for a
      custom image, where runtime selection is not supported.
    - ``cross_account_keys`` and key rotation on: the artifact bucket is encrypted with the
      pipeline's customer-managed key, which the target accounts' deploy roles may use.
    - ``notification_emails``: an encrypted SNS topic told about approvals waiting and failed runs.

    :param platform: platform name (pipeline and role names).
    :param stages: the deployments, in order; each stage's env names an account and a region.
    :param wave_threshold: with more stages than this, consecutive stages of a group deploy in parallel.

    Attributes:

    - ``pipeline`` (``pipelines.CodePipeline``): the CDK Pipelines pipeline.
    - ``code_pipeline`` (``codepipeline.Pipeline``): the CodePipeline underneath it.
    - ``synth_step`` (``pipelines.ShellStep``): the synth step, which also runs the checks.
    - ``approvals`` (``dict[str, pipelines.ManualApprovalStep]``): stage name -> manual approval before it.
    - ``audits`` (``dict[str, pipelines.CodeBuildStep]``): stage name -> the audit step after it.
    - ``audit_step_role`` (``iam.Role | None``): the role the audit steps run as.
    - ``waves`` (``list[list[str]]``): the stage names of each wave, in order.
    - ``topic`` (``sns.Topic | None``): pipeline notifications, when e-mails are given.
    - ``access_logs`` (``AccessLogsBucket``): the access-log bucket of the pipeline's artifact bucket.
    - ``platform`` (``str``): as given.
    - ``model_package_groups`` (``tuple[str, ...]``): as given, without repeats.
    - ``runtime_versions`` (``dict[str, str]``): the CodeBuild runtime versions.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        platform: str,
        source: pipelines.CodePipelineSource,
        stages: Sequence[DeliveryStage],
        config_path: str = "config/default.yaml",
        install_commands: Sequence[str] = ("make setup",),
        check_commands: Sequence[str] | None = None,
        wave_threshold: int = 3,
        notification_emails: Sequence[str] = (),
        pipeline_name: str | None = None,
        build_image: codebuild.IBuildImage = codebuild.LinuxBuildImage.STANDARD_7_0,
        model_package_groups: Sequence[str] = (),
        runtime_versions: Mapping[str, str] | None = DEFAULT_RUNTIME_VERSIONS,
    ) -> None:
        super().__init__(scope, construct_id)
        problems = _problems(stages, wave_threshold)
        if problems:
            raise ValueError("MlPlatformPipeline: " + "; ".join(problems))
        self.platform = platform
        checks = list(check_commands) if check_commands is not None else [f"make check CONFIG={config_path}"]
        self.model_package_groups = tuple(dict.fromkeys(model_package_groups))
        self.synth_step: pipelines.ShellStep = self._synth_step(source, install_commands, checks, config_path)
        self.runtime_versions = dict(runtime_versions) if runtime_versions else {}
        partial_build_spec = codebuild.BuildSpec.from_object(
            {"phases": {"install": {"runtime-versions": self.runtime_versions}}}
        ) if self.runtime_versions else None
        self.pipeline = pipelines.CodePipeline(
            self,
            "Resource",
            pipeline_name=pipeline_name or f"{platform}-delivery",
            synth=self.synth_step,
            self_mutation=True,
            cross_account_keys=True,
            enable_key_rotation=True,
            code_build_defaults=pipelines.CodeBuildOptions(
                build_environment=codebuild.BuildEnvironment(build_image=build_image, privileged=False),
                timeout=Duration.minutes(60),
                partial_build_spec=partial_build_spec,
            ),
        )
        self.audit_step_role = self._audit_step_role(platform, [s for s in stages if s.audit_role_arn])
        self.approvals: dict[str, pipelines.ManualApprovalStep] = {}
        self.audits: dict[str, pipelines.CodeBuildStep] = {}
        self.waves: list[list[str]] = []
        for group in wave_groups(stages, wave_threshold):
            self._add_wave(group, source)

        self.pipeline.build_pipeline()
        self.code_pipeline: codepipeline.Pipeline = self.pipeline.pipeline

        self.topic: sns.Topic | None = None
        if notification_emails:
            self.topic = self._notifications(platform, notification_emails)

        self._harden_artifact_bucket()
        # At validation time, so roles added later (an EventBridge target's role) are covered too.
        self.node.add_validation(_AcknowledgeGenerated(self))

    # ------------------------------------------------------------------------------------------

    def _synth_step(
        self, source: pipelines.CodePipelineSource, install_commands: Sequence[str], checks: list[str],
        config_path: str,
    ) -> pipelines.ShellStep:
        """The gates, then ``cdk synth`` (after resolving the approved model packages of the groups)."""
        synth = f"npx cdk synth --quiet -c config={config_path}"
        if not self.model_package_groups:
            return pipelines.ShellStep(
                "Synth",
                input=source,
                install_commands=list(install_commands),
                commands=[*checks, synth],
                primary_output_directory="cdk.out",
            )
        # Buildspec 0.2 runs the commands in one shell. The resolver exits 0 when a group has no
        # approved version (it is left out of the JSON and its endpoints wait); it fails the build
        # only when the registry cannot be read (e.g. AccessDenied).
        groups = " ".join(f"--group {g}" for g in self.model_package_groups)
        resolve = f"APPROVED_MODEL_PACKAGES=$(.venv/bin/python -m cdk_secure_ml.delivery_context {groups})"
        return pipelines.CodeBuildStep(
            "Synth",
            input=source,
            install_commands=list(install_commands),
            commands=[*checks, resolve,
                      (f'{synth} -c approved-model-packages="$APPROVED_MODEL_PACKAGES" '
                       f'-c {RESOLVED_GROUPS_CONTEXT}={",".join(self.model_package_groups)}')],
            primary_output_directory="cdk.out",
            role_policy_statements=[iam.PolicyStatement(
                sid="ListApprovedModelPackages",
                # A List action authorized on "*": the Service Authorization Reference gives it
                # only the (optional) model-package resource type, so a grant on the group ARN
                # matches nothing; AWS's AmazonSageMakerModelRegistryFullAccess grants it on "*"
                # (https://docs.aws.amazon.com/sagemaker/latest/dg/security-iam-awsmanpol-model-registry.html).
                actions=["sagemaker:ListModelPackages"],
                resources=["*"],
            )],
        )

    def _audit_step_role(self, platform: str, audited: list[DeliveryStage]) -> iam.Role | None:
        """The CodeBuild role of the audit steps: it may only assume the stages' audit roles."""
        if not audited:
            return None
        role = iam.Role(
            self,
            "AuditStepRole",
            role_name=audit_step_role_name(platform),
            assumed_by=iam.ServicePrincipal("codebuild.amazonaws.com").with_conditions(
                {"StringEquals": {"aws:SourceAccount": Stack.of(self).account}}
            ),
            description=(
                f"{platform}: post-deploy audit steps; may only assume the stages' read-only audit roles"
            ),
        )
        role.add_to_policy(
            iam.PolicyStatement(
                sid="AssumeStageAuditRoles",
                actions=["sts:AssumeRole"],
                resources=list(dict.fromkeys(s.audit_role_arn for s in audited if s.audit_role_arn)),
            )
        )
        return role

    def _add_wave(self, group: list[DeliveryStage], source: pipelines.CodePipelineSource) -> None:
        """One stage, or a wave of stages, with an approval before it when one of them requires it."""
        names = [s.stage.stage_name for s in group]
        self.waves.append([s.stage.node.id for s in group])
        pre: list[pipelines.Step] = []
        if any(s.requires_approval for s in group):
            approval = pipelines.ManualApprovalStep(
                "Approve",
                comment=(
                    f"Deploy {', '.join(names)}: review the change set and the audit of the previous stage"
                ),
            )
            pre.append(approval)
            for s in group:
                self.approvals[s.stage.node.id] = approval
        if len(group) == 1:
            item = group[0]
            self.pipeline.add_stage(item.stage, pre=pre, post=self._post(item, source))
        else:
            wave = self.pipeline.add_wave(group[0].group or group[0].stage.node.id, pre=pre)
            for item in group:
                wave.add_stage(item.stage, post=self._post(item, source))

    def _post(self, item: DeliveryStage, source: pipelines.CodePipelineSource) -> list[pipelines.Step]:
        if not item.audit_role_arn or self.audit_step_role is None:
            return []
        region = item.stage.region
        step = pipelines.CodeBuildStep(
            "Audit",
            input=source,
            role=self.audit_step_role,
            install_commands=["python3 -m venv /tmp/audit", "/tmp/audit/bin/pip install --quiet ."],
            commands=[
                # A profile that assumes the target's read-only role from the CodeBuild credentials.
                f"aws configure set profile.audit.role_arn {item.audit_role_arn}",
                "aws configure set profile.audit.credential_source EcsContainer",
                # "not verified" (the role could not read a service) fails the run too: a drift check
                # that was not performed is not a pass (docs/delivery.md, "Post-deploy audit").
                f"/tmp/audit/bin/secure-ml audit --profile audit --region {region} --fail-on-not-verified",
            ],
        )
        self.audits[item.stage.node.id] = step
        return [step]

    def _notifications(self, platform: str, emails: Sequence[str]) -> sns.Topic:
        key = kms.Key(
            self,
            "NotificationsKey",
            description=f"{platform}: delivery pipeline notifications",
            enable_key_rotation=True,
            removal_policy=RemovalPolicy.RETAIN,
        )
        # CodeStar Notifications publishes to the encrypted topic.
        key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CodeStarNotificationsPublish",
                principals=[iam.ServicePrincipal("codestar-notifications.amazonaws.com")],
                actions=["kms:GenerateDataKey*", "kms:Decrypt"],
                resources=["*"],
                conditions={"StringEquals": {"kms:ViaService": f"sns.{Stack.of(self).region}.amazonaws.com"}},
            )
        )
        topic = sns.Topic(self, "Notifications", master_key=key, enforce_ssl=True,
                          display_name=f"{platform} delivery pipeline")
        for email in emails:
            topic.add_subscription(subscriptions.EmailSubscription(email))
        self.code_pipeline.notify_on(
            "Notify",
            topic,
            events=[
                codepipeline.PipelineNotificationEvents.MANUAL_APPROVAL_NEEDED,
                codepipeline.PipelineNotificationEvents.PIPELINE_EXECUTION_FAILED,
                codepipeline.PipelineNotificationEvents.PIPELINE_EXECUTION_SUCCEEDED,
            ],
        )
        return topic

    def _harden_artifact_bucket(self) -> None:
        """CDK Pipelines creates the artifact bucket (KMS with the pipeline's rotated key, Block Public
        Access, TLS); add what the platform's buckets have on top: versioning, an S3 bucket key,
        server access logs, and TLS 1.2 or later."""
        bucket = self.code_pipeline.artifact_bucket
        cfn = bucket.node.default_child
        if not isinstance(cfn, s3.CfnBucket):  # an imported bucket: the owner configures it
            return
        self.access_logs = AccessLogsBucket(self, "ArtifactsAccessLogs")
        prefix = "pipeline-artifacts/"
        cfn.versioning_configuration = s3.CfnBucket.VersioningConfigurationProperty(status="Enabled")
        cfn.add_property_override(
            "BucketEncryption.ServerSideEncryptionConfiguration.0.BucketKeyEnabled", True
        )
        cfn.add_property_override("LifecycleConfiguration.Rules", [
            {"Id": "ExpireOldArtifactVersions", "Status": "Enabled",
             "NoncurrentVersionExpiration": {"NoncurrentDays": 90}},
        ])
        cfn.logging_configuration = s3.CfnBucket.LoggingConfigurationProperty(
            destination_bucket_name=self.access_logs.bucket.bucket_name, log_file_prefix=prefix
        )
        self.access_logs.bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid="S3ServerAccessLogsPolicy",
                principals=[iam.ServicePrincipal("logging.s3.amazonaws.com")],
                actions=["s3:PutObject"],
                resources=[self.access_logs.bucket.arn_for_objects(f"{prefix}*")],
                conditions={"ArnLike": {"aws:SourceArn": bucket.bucket_arn},
                            "StringEquals": {"aws:SourceAccount": Stack.of(self).account}},
            )
        )
        bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid="DenyTlsBelow12",
                effect=iam.Effect.DENY,
                principals=[iam.AnyPrincipal()],
                actions=["s3:*"],
                resources=[bucket.bucket_arn, bucket.arn_for_objects("*")],
                conditions={"NumericLessThan": {"s3:TlsVersion": 1.2}},
            )
        )
        acknowledge(bucket, REPLICATION_REASON, *in_regulatory_packs("S3BucketReplicationEnabled"))
        justify_tls_version(bucket.policy)  # type: ignore[arg-type]

    def acknowledge_generated(self) -> None:
        """CDK Pipelines writes the roles and projects of its actions; acknowledge, per resource, what
        a reviewer accepts there (everything else must pass like the library's own resources)."""
        inline_reason = (
            "CDK Pipelines attaches each generated grant as the role's own default policy, scoped to this "
            "pipeline's artifact bucket, key, projects and log groups; a shared managed policy would widen "
            "every role to the union of the grants. The policy lives and dies with its role."
        )
        wildcard_reason = (
            "Grants CDK Pipelines generates with CDK's grant methods: object wildcards inside the "
            "pipeline's own artifact bucket, kms:*Encrypt*/GenerateDataKey* on the pipeline's key, the "
            "project's own log group and report groups, and sts:AssumeRole on the CDK bootstrap roles "
            "(aws-cdk:bootstrap-role tag condition). Each names this pipeline's resources; none reaches "
            "another workload."
        )
        list_packages_reason = (
            " The synth role's sagemaker:ListModelPackages is on '*': a List action whose only resource "
            "type is model-package (never the group), which AWS's own model registry policy grants on '*' "
            "(https://docs.aws.amazon.com/sagemaker/latest/dg/security-iam-awsmanpol-model-registry.html); "
            "it reads package metadata, never model data."
        )
        source_reason = (
            "The project's source type is CODEPIPELINE: it receives the code as an encrypted pipeline "
            "artifact, never a repository URL or credentials; the repository is reached only through the "
            "CodeConnections connection of the source action."
        )
        assets_reason = (
            "CDK Pipelines' asset-publishing role is both the CodeBuild project role and the action role "
            "of the asset actions, so it gets codebuild:StartBuild/StopBuild/BatchGetBuilds on '*' "
            "(aws-cdk-lib pipelines); its only other rights are reading this pipeline's artifacts and "
            "assuming the targets' CDK file-publishing roles."
        )
        for child in self.node.find_all():
            if isinstance(child, iam.Policy):
                acknowledge(child, inline_reason, *in_regulatory_packs("IAMNoInlinePolicy"))
                cfn = child.node.default_child
                if "/Assets/FileRole/" in child.node.path and not cfn.get_metadata("checkov"):  # type: ignore[union-attr]
                    skip_checkov(child, assets_reason, "CKV_AWS_111")
                document = Stack.of(child).resolve(cfn.policy_document)  # type: ignore[union-attr]
                ids = wildcard_finding_ids(document)
                if ids:
                    sids = {st.get("Sid") for st in document.get("Statement", [])}
                    extra = list_packages_reason if "ListApprovedModelPackages" in sids else ""
                    acknowledge(child, wildcard_reason + extra, *ids)
                _grant_connection_under_its_prefix(child, document)
                _justify_generated_grants(cfn, document)  # type: ignore[arg-type]
            elif isinstance(child, s3.CfnBucketPolicy):
                _justify_generated_grants(child, Stack.of(child).resolve(child.policy_document))
            elif isinstance(child, codebuild.CfnProject):
                acknowledge(child, source_reason, *in_regulatory_packs("CodeBuildProjectSourceRepoUrl"))


_GRANT_READ_REASON = (
    "aws-cdk-lib's Bucket.grantRead/grantReadWrite writes s3:GetObject*, s3:GetBucket* and s3:List* on the "
    "pipeline's artifact bucket and its objects (CDK Pipelines' roles for source, synth, self-mutation, "
    "assets and the audit step, and the cross-account read grant on the bucket for the stage accounts' "
    "CDK deploy roles). parliament expands the wildcards to every matching S3 action and reports those that "
    "take other resource types (access points, access grants, jobs, Storage Lens); on the bucket ARNs of "
    "the statement they grant nothing."
)
_CONNECTION_REASON = (
    "aws-cdk-lib's source action grants codestar-connections:UseConnection on the configured connection. "
    "AWS CodeConnections kept both service prefixes, but an IAM policy's action prefix must match the "
    "resource's (https://docs.aws.amazon.com/dtconsole/latest/userguide/rename.html): for a connection "
    "whose ARN is arn:aws:codeconnections:... this statement grants nothing, and the construct adds "
    "codeconnections:UseConnection on the same connection (Sid UseConnectionUnderItsPrefix)."
)


def _grant_connection_under_its_prefix(policy: iam.Policy, document: Mapping[str, Any]) -> None:
    """Grant ``codeconnections:UseConnection`` on the connections aws-cdk-lib grants only under the old
    ``codestar-connections`` prefix while their ARN has the new one (the prefixes must match, see
    :data:`_CONNECTION_REASON`)."""
    statements = [st for st in document.get("Statement", []) if isinstance(st, dict)]
    arns: dict[str, str] = {}
    for statement in statements:
        if statement.get("Action") != "codestar-connections:UseConnection":
            continue
        resources = statement.get("Resource")
        for resource in resources if isinstance(resources, list) else [resources]:
            if isinstance(resource, str) and resource.split(":")[2:3] == ["codeconnections"]:
                arns[resource] = resource
            elif isinstance(resource, dict):
                # An ARN known only at deploy time (a parameter, an import) may have either prefix:
                # grant the new one too, on the same value.
                arns[json.dumps(resource, sort_keys=True)] = Token.as_string(resource)
    if arns and not any(st.get("Sid") == "UseConnectionUnderItsPrefix" for st in statements):
        policy.add_statements(iam.PolicyStatement(
            sid="UseConnectionUnderItsPrefix", actions=["codeconnections:UseConnection"],
            resources=[arns[key] for key in sorted(arns)],
        ))


_LIST_BUCKET_REASON = (
    "CDK Pipelines' self-mutation role lists the CDK bootstrap buckets of the target accounts to publish "
    "and read the pipeline's own assets; aws-cdk-lib writes s3:ListBucket on '*' there, as it cannot know "
    "the bootstrap bucket names of other accounts. It writes no object."
)
_ASSETS_BUILD_REASON = (
    "CDK Pipelines' asset-publishing role is both the CodeBuild project role and the action role of the "
    "asset actions, so aws-cdk-lib grants it codebuild:StartBuild/StopBuild/BatchGetBuilds on '*'."
)


def _actions(document: Mapping[str, Any]) -> set[str]:
    statements = document.get("Statement", [])
    found: set[str] = set()
    for statement in statements if isinstance(statements, list) else []:
        actions = statement.get("Action", []) if isinstance(statement, dict) else []
        found.update(actions if isinstance(actions, list) else [actions])
    return found


def _justify_generated_grants(
    cfn: iam.CfnPolicy | s3.CfnBucketPolicy, document: Mapping[str, Any]
) -> None:
    """Justify parliament's findings on the grants aws-cdk-lib writes for CDK Pipelines, on the policy
    that holds them (so whatever the construct ids; docs/iam-lint.md)."""
    actions = _actions(document)
    if {"s3:GetBucket*", "s3:List*"} <= actions:
        justify_iam_lint(
            cfn, _GRANT_READ_REASON, "RESOURCE_MISMATCH", policy="PolicyDocument",
            detail="*No resources match for the given action: s3:GetObjectAttributes needs "
            "arn:*:s3:*:*:accesspoint/*, s3:ListAccessGrants *",
        )
    if "codestar-connections:UseConnection" in actions:
        justify_iam_lint(
            cfn, _CONNECTION_REASON, "RESOURCE_MISMATCH", policy="PolicyDocument",
            detail="*codestar-connections:UseConnection needs arn:*:codestar-connections:*:*:connection/*",
        )
    if "/UpdatePipeline/SelfMutation/" in cfn.node.path and "s3:ListBucket" in actions:
        justify_iam_lint(cfn, _LIST_BUCKET_REASON, "RESOURCE_STAR", policy="PolicyDocument",
                         detail="*Unnecessary use of Resource [*]: s3:ListBucket")
    if "/Assets/FileRole/" in cfn.node.path and "codebuild:StartBuild" in actions:
        justify_iam_lint(cfn, _ASSETS_BUILD_REASON, "RESOURCE_STAR", policy="PolicyDocument",
                         detail="*Unnecessary use of Resource [*]: codebuild:BatchGetBuilds, "
                         "codebuild:StartBuild*")


def _problems(stages: Sequence[DeliveryStage], wave_threshold: int) -> list[str]:
    problems = []
    if not stages:
        problems.append("stages is empty; give at least one stage to deploy")
    if wave_threshold < 1:
        problems.append(f"wave_threshold is {wave_threshold}; use 1 or more")
    for item in stages:
        account, region = item.stage.account, item.stage.region
        if account is None or region is None or Token.is_unresolved(account) or Token.is_unresolved(region):
            problems.append(f"stage {item.stage.node.id!r} has no explicit account and region (env); the "
                            "pipeline deploys each stage to a known account")
    return problems


@jsii.implements(IValidation)
class _AcknowledgeGenerated:
    # Node validation runs after every construct exists and references are resolved, and before the
    # validation plugins read the acknowledgements.
    def __init__(self, pipeline: MlPlatformPipeline) -> None:
        self._pipeline = pipeline

    def validate(self) -> list[str]:
        self._pipeline.acknowledge_generated()
        return []
