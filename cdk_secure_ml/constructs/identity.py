"""Identity: the permissions boundary, persona roles, SageMaker execution roles and their policies.

Personas (REQUIREMENTS.md, "Identity and access"):

- **data-scientist**: trains, processes and tunes in their team's space and opens their own Studio
  profile; cannot create or change endpoints and cannot touch CI/CD;
- **ml-engineer**: builds models, deploys and operates endpoints and pipelines; cannot create
  training or tuning jobs;
- **ml-admin**: runs the Studio domain, user profiles and spaces; no data access, no jobs;
- **model-consumer**: may only invoke named endpoints.

Every statement is built by a function of this module, so tests and the reference app read the same
documents. Attribute-based access control: a team tag (key configurable, ``team`` by default) is on
principals (session tags for people, role tags for execution roles) and on resources; SageMaker
actions on existing resources require ``sagemaker:ResourceTag/<key>`` to equal
``aws:PrincipalTag/<key>``; creation requires the request to carry the caller's team.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from aws_cdk import Duration, Stack, Tags
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from cdk_secure_ml.constructs.naming import pascal_case
from cdk_secure_ml.core.instance_types import instance_store_patterns
from cdk_secure_ml.core.names import EXECUTION_PERSONAS, PERSONAS, TEAM_NAME_RE
from cdk_secure_ml.core.names import TAG_KEY_RE as _TAG_KEY_RE
from cdk_secure_ml.policies.acknowledgements import (
    acknowledge,
    acknowledge_wildcards,
    in_regulatory_packs,
    skip_checkov,
)
from cdk_secure_ml.policies.plugin import ack_id

# --- SageMaker action groups (every name is checked against the IAM database in the tests)

#: Jobs data scientists launch.
DATA_SCIENCE_JOB_ACTIONS = (
    "sagemaker:CreateTrainingJob",
    "sagemaker:CreateProcessingJob",
    "sagemaker:CreateHyperParameterTuningJob",
)
#: What makes or changes a deployed model: the ML engineers' work.
DEPLOYMENT_ACTIONS = (
    "sagemaker:CreateModel",
    "sagemaker:CreateEndpointConfig",
    "sagemaker:CreateEndpoint",
    "sagemaker:UpdateEndpoint",
    "sagemaker:UpdateEndpointWeightsAndCapacities",
    "sagemaker:DeleteEndpoint",
    "sagemaker:DeleteEndpointConfig",
    "sagemaker:DeleteModel",
)
#: Jobs that run in the VPC (guardrail: subnets required).
VPC_JOB_ACTIONS = (
    "sagemaker:CreateTrainingJob",
    "sagemaker:CreateProcessingJob",
    "sagemaker:CreateHyperParameterTuningJob",
    "sagemaker:CreateModel",
)
#: Jobs whose volumes and outputs must be encrypted with our keys.
ENCRYPTED_JOB_ACTIONS = (
    "sagemaker:CreateTrainingJob",
    "sagemaker:CreateProcessingJob",
    "sagemaker:CreateHyperParameterTuningJob",
    "sagemaker:CreateTransformJob",
)
#: Distributed jobs whose inter-node traffic must be encrypted.
DISTRIBUTED_JOB_ACTIONS = ("sagemaker:CreateTrainingJob", "sagemaker:CreateHyperParameterTuningJob")
#: Containers that must run with network isolation.
ISOLATED_ACTIONS = (
    "sagemaker:CreateTrainingJob",
    "sagemaker:CreateHyperParameterTuningJob",
    "sagemaker:CreateModel",
)
#: Everything that starts instances of a type (guardrail: allow-list).
INSTANCE_ACTIONS = (
    "sagemaker:CreateTrainingJob",
    "sagemaker:CreateProcessingJob",
    "sagemaker:CreateHyperParameterTuningJob",
    "sagemaker:CreateTransformJob",
    "sagemaker:CreateNotebookInstance",
    "sagemaker:CreateEndpointConfig",
    "sagemaker:CreateApp",
)
#: CI/CD that data scientists must not touch.
CICD_ACTIONS = (
    "codepipeline:*",
    "codebuild:*",
    "codecommit:GitPush",
    "codecommit:Merge*",
    "codecommit:CreateCommit",
    "codecommit:Put*",
    "sagemaker:CreatePipeline",
    "sagemaker:UpdatePipeline",
    "sagemaker:DeletePipeline",
    "sagemaker:StartPipelineExecution",
    "sagemaker:UpdateModelPackage",
)


def execution_role_path(platform: str, persona: str | None = None, team: str | None = None) -> str:
    """IAM path of the platform's SageMaker execution roles, ``/<platform>/execution/[<persona>/[<team>/]]``.

    PassRole grants, the delivery account's model registry and the SSM settings all find execution
    roles by this path, so every execution role the library creates lives under it.
    """
    return f"/{platform}/execution/" + (f"{persona}/" if persona else "") + (f"{team}/" if persona and team else "")


@dataclass(frozen=True)
class PlatformContext:
    """What the persona statements refer to. Values may be CDK tokens."""

    partition: str
    region: str
    account: str
    platform: str
    subnet_ids: Sequence[str]
    security_group_ids: Sequence[str]
    data_bucket_arn: str
    artifacts_bucket_arn: str
    data_key_arn: str
    artifacts_key_arn: str
    volumes_key_arn: str
    instance_types: Sequence[str]
    team_tag_key: str = "team"
    user_tag_key: str = "user"
    consumer_endpoint_names: Sequence[str] = ()
    vpc_arn: str | None = None
    model_source_account: str | None = None

    # -- ARN helpers
    def sagemaker(self, resource: str) -> str:
        return f"arn:{self.partition}:sagemaker:{self.region}:{self.account}:{resource}"

    @property
    def team(self) -> str:
        """The caller's team as an IAM policy variable."""
        return "${aws:PrincipalTag/" + self.team_tag_key + "}"

    def execution_role_path(self, persona: str, team: str | None = None) -> str:
        return execution_role_path(self.platform, persona, team)

    def execution_role_arn_pattern(self, persona: str, team: str) -> str:
        path = self.execution_role_path(persona, team)
        return f"arn:{self.partition}:iam::{self.account}:role{path}*"

    @property
    def s3_service(self) -> str:
        return f"s3.{self.region}.amazonaws.com"


def _team_match(ctx: PlatformContext) -> dict[str, dict[str, str]]:
    return {"StringEquals": {f"sagemaker:ResourceTag/{ctx.team_tag_key}": ctx.team}}


def _request_team(ctx: PlatformContext) -> dict[str, dict[str, str]]:
    return {"StringEquals": {f"aws:RequestTag/{ctx.team_tag_key}": ctx.team}}


# ------------------------------------------------------------------------------------------------
# Statement builders


def boundary_statements(ctx: PlatformContext) -> list[iam.PolicyStatement]:
    """The permissions boundary: allows what identity policies grant, except what no platform role
    may ever do (change IAM, leave the organisation, blind the audit trail, open the network,
    destroy keys, loosen bucket security, remove the boundary)."""
    return [
        iam.PolicyStatement(
            sid="AllowWhatIdentityPoliciesGrant",
            actions=["*"],
            resources=["*"],
        ),
        iam.PolicyStatement(
            sid="DenyIamChanges",
            effect=iam.Effect.DENY,
            actions=[
                "iam:Create*", "iam:Delete*", "iam:Put*", "iam:Attach*", "iam:Detach*", "iam:Update*",
                "iam:Add*", "iam:Remove*", "iam:Set*", "iam:Tag*", "iam:Untag*", "iam:Upload*",
                "iam:ChangePassword", "iam:EnableMFADevice", "iam:DeactivateMFADevice", "iam:ResyncMFADevice",
            ],
            resources=["*"],
        ),
        iam.PolicyStatement(
            sid="DenyOrganizationAndAccountChanges",
            effect=iam.Effect.DENY,
            actions=["organizations:*", "account:*"],
            resources=["*"],
        ),
        iam.PolicyStatement(
            sid="DenyAuditTampering",
            effect=iam.Effect.DENY,
            actions=[
                "cloudtrail:StopLogging", "cloudtrail:DeleteTrail", "cloudtrail:UpdateTrail",
                "cloudtrail:PutEventSelectors", "config:StopConfigurationRecorder",
                "config:DeleteConfigurationRecorder", "config:DeleteDeliveryChannel", "config:DeleteConfigRule",
                "guardduty:DeleteDetector", "guardduty:UpdateDetector", "guardduty:DisassociateFromMasterAccount",
                "ec2:DeleteFlowLogs", "logs:DeleteLogGroup", "logs:PutRetentionPolicy",
            ],
            resources=["*"],
        ),
        iam.PolicyStatement(
            sid="DenyInternetPaths",
            effect=iam.Effect.DENY,
            actions=[
                "ec2:CreateInternetGateway", "ec2:AttachInternetGateway", "ec2:CreateEgressOnlyInternetGateway",
                "ec2:CreateNatGateway", "ec2:CreateVpcPeeringConnection", "ec2:AcceptVpcPeeringConnection",
                "ec2:AssociateAddress", "ec2:ModifySubnetAttribute",
            ],
            resources=["*"],
        ),
        iam.PolicyStatement(
            sid="DenyKeyDestruction",
            effect=iam.Effect.DENY,
            actions=["kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:DisableKeyRotation", "kms:PutKeyPolicy"],
            resources=["*"],
        ),
        iam.PolicyStatement(
            sid="DenyBucketSecurityChanges",
            effect=iam.Effect.DENY,
            actions=[
                "s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:PutBucketPublicAccessBlock",
                "s3:PutAccountPublicAccessBlock", "s3:PutBucketAcl", "s3:PutObjectAcl",
                "s3:PutEncryptionConfiguration", "s3:PutBucketObjectLockConfiguration",
            ],
            resources=["*"],
        ),
    ]


def guardrail_statements(ctx: PlatformContext) -> list[iam.PolicyStatement]:
    """Deny statements on SageMaker condition keys: work runs in our subnets and security groups,
    encrypted with our keys, isolated, on allowed instance types; no internet notebooks or domains."""
    statements = [
        iam.PolicyStatement(
            sid="DenyJobsOutsideTheVpc",
            effect=iam.Effect.DENY,
            actions=list(VPC_JOB_ACTIONS),
            resources=["*"],
            conditions={"Null": {"sagemaker:VpcSubnets": "true"}},
        ),
        iam.PolicyStatement(
            sid="DenyJobsInOtherSubnets",
            effect=iam.Effect.DENY,
            actions=list(VPC_JOB_ACTIONS),
            resources=["*"],
            conditions={"ForAnyValue:StringNotEquals": {"sagemaker:VpcSubnets": list(ctx.subnet_ids)}},
        ),
        iam.PolicyStatement(
            sid="DenyJobsWithOtherSecurityGroups",
            effect=iam.Effect.DENY,
            actions=list(VPC_JOB_ACTIONS),
            resources=["*"],
            conditions={
                "ForAnyValue:StringNotEquals": {"sagemaker:VpcSecurityGroupIds": list(ctx.security_group_ids)}
            },
        ),
        iam.PolicyStatement(
            # SageMaker refuses a volume key on instance-store types (their NVMe storage is encrypted
            # by the hardware; ResourceConfig / ProcessingClusterConfig VolumeKmsKeyId), so the deny
            # applies only when a requested type is not one of them. A negated operator with several
            # values matches a value that matches none of them (NOR), and ForAnyValue is true when at
            # least one requested type does:
            # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html
            sid="DenyUnencryptedJobVolumes",
            effect=iam.Effect.DENY,
            actions=list(ENCRYPTED_JOB_ACTIONS),
            resources=["*"],
            conditions={
                "Null": {"sagemaker:VolumeKmsKey": "true"},
                "ForAnyValue:StringNotLike": {"sagemaker:InstanceTypes": instance_store_patterns()},
            },
        ),
        iam.PolicyStatement(
            # ForAnyValue is false when the request carries no instance type at all, so that case
            # is denied on its own (https://docs.aws.amazon.com/IAM/latest/UserGuide/
            # reference_policies_condition-single-vs-multi-valued-context-keys.html).
            sid="DenyUnencryptedJobVolumesWithoutInstanceType",
            effect=iam.Effect.DENY,
            actions=list(ENCRYPTED_JOB_ACTIONS),
            resources=["*"],
            conditions={"Null": {"sagemaker:VolumeKmsKey": "true", "sagemaker:InstanceTypes": "true"}},
        ),
        iam.PolicyStatement(
            sid="DenyUnencryptedJobOutput",
            effect=iam.Effect.DENY,
            actions=list(ENCRYPTED_JOB_ACTIONS),
            resources=["*"],
            conditions={"Null": {"sagemaker:OutputKmsKey": "true"}},
        ),
        iam.PolicyStatement(
            # IAM cannot see the instance count, so every training job encrypts inter-node traffic.
            sid="DenyPlaintextInterContainerTraffic",
            effect=iam.Effect.DENY,
            actions=list(DISTRIBUTED_JOB_ACTIONS),
            resources=["*"],
            conditions={"BoolIfExists": {"sagemaker:InterContainerTrafficEncryption": "false"}},
        ),
        iam.PolicyStatement(
            sid="DenyContainersWithoutNetworkIsolation",
            effect=iam.Effect.DENY,
            actions=list(ISOLATED_ACTIONS),
            resources=["*"],
            conditions={"BoolIfExists": {"sagemaker:NetworkIsolation": "false"}},
        ),
        iam.PolicyStatement(
            sid="DenyInternetNotebooks",
            effect=iam.Effect.DENY,
            actions=["sagemaker:CreateNotebookInstance"],
            resources=["*"],
            conditions={"StringNotEqualsIfExists": {"sagemaker:DirectInternetAccess": "Disabled"}},
        ),
        iam.PolicyStatement(
            sid="DenyRootNotebooks",
            effect=iam.Effect.DENY,
            actions=["sagemaker:CreateNotebookInstance", "sagemaker:UpdateNotebookInstance"],
            resources=["*"],
            conditions={"StringEquals": {"sagemaker:RootAccess": "Enabled"}},
        ),
        iam.PolicyStatement(
            sid="DenyNotebooksWithoutRootSetting",
            effect=iam.Effect.DENY,
            actions=["sagemaker:CreateNotebookInstance"],
            resources=["*"],
            conditions={"Null": {"sagemaker:RootAccess": "true"}},
        ),
        iam.PolicyStatement(
            sid="DenyDomainsOutsideTheVpc",
            effect=iam.Effect.DENY,
            actions=["sagemaker:CreateDomain", "sagemaker:UpdateDomain"],
            resources=["*"],
            conditions={"StringEquals": {"sagemaker:AppNetworkAccessType": "PublicInternetOnly"}},
        ),
        iam.PolicyStatement(
            # A shared space runs with the domain's space default execution role, one role for every
            # team (https://docs.aws.amazon.com/sagemaker/latest/dg/execution-roles-and-spaces.html):
            # it would cross the team boundary ABAC draws, so only private spaces exist.
            sid="DenySharedSpaces",
            effect=iam.Effect.DENY,
            actions=["sagemaker:CreateSpace", "sagemaker:UpdateSpace", "sagemaker:CreateApp"],
            resources=["*"],
            conditions={"StringEquals": {"sagemaker:SpaceSharingType": "Shared"}},
        ),
        iam.PolicyStatement(
            sid="DenyDomainsWithoutNetworkMode",
            effect=iam.Effect.DENY,
            actions=["sagemaker:CreateDomain"],
            resources=["*"],
            conditions={"Null": {"sagemaker:AppNetworkAccessType": "true"}},
        ),
    ]
    if ctx.instance_types:
        statements.append(
            iam.PolicyStatement(
                sid="DenyInstanceTypesOutsideTheAllowList",
                effect=iam.Effect.DENY,
                actions=list(INSTANCE_ACTIONS),
                resources=["*"],
                # "system" is the instance type of Studio's own server apps.
                conditions={"ForAnyValue:StringNotLike": {"sagemaker:InstanceTypes": [*ctx.instance_types, "system"]}},
            )
        )
    return statements


def team_data_statements(ctx: PlatformContext, *, write: bool = True) -> list[iam.PolicyStatement]:
    """S3 access to the caller's team prefix of the data and artifacts buckets, decrypting through S3."""
    object_actions = ["s3:GetObject", "s3:GetObjectVersion"]
    if write:
        object_actions += ["s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"]
    team_prefix = ctx.team
    key_actions = ["kms:Decrypt", "kms:DescribeKey"] + (["kms:Encrypt", "kms:GenerateDataKey"] if write else [])
    return [
        iam.PolicyStatement(
            sid="TeamObjects",
            actions=object_actions,
            resources=[f"{ctx.data_bucket_arn}/{team_prefix}/*", f"{ctx.artifacts_bucket_arn}/{team_prefix}/*"],
        ),
        iam.PolicyStatement(
            sid="ListTeamPrefix",
            actions=["s3:ListBucket"],
            resources=[ctx.data_bucket_arn, ctx.artifacts_bucket_arn],
            conditions={"StringLike": {"s3:prefix": [f"{team_prefix}/*", team_prefix]}},
        ),
        iam.PolicyStatement(
            sid="TeamDataKeysThroughS3",
            actions=key_actions,
            resources=[ctx.data_key_arn, ctx.artifacts_key_arn],
            conditions={"StringEquals": {"kms:ViaService": ctx.s3_service}},
        ),
    ]


def data_scientist_statements(ctx: PlatformContext) -> list[iam.PolicyStatement]:
    """Create and operate the team's training, processing and tuning jobs and experiments."""
    job_resources = [
        ctx.sagemaker("training-job/*"),
        ctx.sagemaker("processing-job/*"),
        ctx.sagemaker("hyper-parameter-tuning-job/*"),
        ctx.sagemaker("experiment/*"),
        ctx.sagemaker("experiment-trial/*"),
        ctx.sagemaker("experiment-trial-component/*"),
    ]
    return [
        iam.PolicyStatement(
            sid="CreateTeamJobs",
            actions=[*DATA_SCIENCE_JOB_ACTIONS, "sagemaker:CreateExperiment", "sagemaker:CreateTrial",
                     "sagemaker:CreateTrialComponent"],
            resources=job_resources,
            conditions=_request_team(ctx),
        ),
        iam.PolicyStatement(
            sid="TagOnlyWithOwnTeam",
            actions=["sagemaker:AddTags"],
            resources=job_resources,
            conditions={**_request_team(ctx),
                        "StringEqualsIfExists": {f"sagemaker:ResourceTag/{ctx.team_tag_key}": ctx.team}},
        ),
        iam.PolicyStatement(
            sid="OperateTeamJobs",
            actions=["sagemaker:DescribeTrainingJob", "sagemaker:DescribeProcessingJob",
                     "sagemaker:DescribeHyperParameterTuningJob", "sagemaker:StopTrainingJob",
                     "sagemaker:StopProcessingJob", "sagemaker:StopHyperParameterTuningJob",
                     "sagemaker:DescribeExperiment", "sagemaker:DescribeTrial", "sagemaker:DescribeTrialComponent",
                     "sagemaker:UpdateTrialComponent", "sagemaker:AssociateTrialComponent"],
            resources=job_resources,
            conditions=_team_match(ctx),
        ),
        *_browse_statements(ctx),
        iam.PolicyStatement(
            sid="PassOwnTeamExecutionRole",
            actions=["iam:PassRole"],
            resources=[ctx.execution_role_arn_pattern("data-scientist", ctx.team)],
            conditions={"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
        ),
    ]


def data_scientist_denials(ctx: PlatformContext) -> list[iam.PolicyStatement]:
    """Separation of duties: no deployments, no CI/CD — whatever else a principal is granted."""
    return [
        iam.PolicyStatement(
            sid="DataScientistsDoNotDeploy",
            effect=iam.Effect.DENY,
            actions=list(DEPLOYMENT_ACTIONS),
            resources=["*"],
        ),
        iam.PolicyStatement(
            sid="DataScientistsDoNotChangeCiCd",
            effect=iam.Effect.DENY,
            actions=list(CICD_ACTIONS),
            resources=["*"],
        ),
    ]


def ml_engineer_statements(ctx: PlatformContext) -> list[iam.PolicyStatement]:
    """Build models, deploy and operate endpoints and pipelines of the team."""
    deploy_resources = [
        ctx.sagemaker("model/*"),
        ctx.sagemaker("endpoint-config/*"),
        ctx.sagemaker("endpoint/*"),
        ctx.sagemaker("pipeline/*"),
        ctx.sagemaker("model-package/*"),
        ctx.sagemaker("model-package-group/*"),
    ]
    return [
        iam.PolicyStatement(
            sid="CreateTeamDeployments",
            actions=["sagemaker:CreateModel", "sagemaker:CreateEndpointConfig", "sagemaker:CreateEndpoint",
                     "sagemaker:CreatePipeline", "sagemaker:CreateModelPackage",
                     "sagemaker:CreateModelPackageGroup"],
            resources=deploy_resources,
            conditions=_request_team(ctx),
        ),
        iam.PolicyStatement(
            sid="TagOnlyWithOwnTeam",
            actions=["sagemaker:AddTags"],
            resources=deploy_resources,
            conditions={**_request_team(ctx),
                        "StringEqualsIfExists": {f"sagemaker:ResourceTag/{ctx.team_tag_key}": ctx.team}},
        ),
        iam.PolicyStatement(
            sid="OperateTeamDeployments",
            actions=["sagemaker:UpdateEndpoint", "sagemaker:UpdateEndpointWeightsAndCapacities",
                     "sagemaker:DeleteEndpoint", "sagemaker:DeleteEndpointConfig", "sagemaker:DeleteModel",
                     "sagemaker:DescribeModel", "sagemaker:DescribeEndpointConfig", "sagemaker:DescribeEndpoint",
                     "sagemaker:InvokeEndpoint", "sagemaker:UpdatePipeline", "sagemaker:StartPipelineExecution",
                     "sagemaker:DescribePipeline",
                     "sagemaker:UpdateModelPackage", "sagemaker:DescribeModelPackage",
                     "sagemaker:DescribeModelPackageGroup"],
            resources=deploy_resources,
            conditions=_team_match(ctx),
        ),
        iam.PolicyStatement(
            # Pipeline executions carry no tags: a team's pipelines are named "<team>-...".
            sid="StopTeamPipelineExecutions",
            actions=["sagemaker:StopPipelineExecution"],
            resources=[ctx.sagemaker(f"pipeline/{ctx.team}-*/execution/*")],
        ),
        iam.PolicyStatement(
            sid="ScaleSageMakerEndpoints",
            actions=["application-autoscaling:RegisterScalableTarget",
                     "application-autoscaling:DeregisterScalableTarget",
                     "application-autoscaling:PutScalingPolicy", "application-autoscaling:DeleteScalingPolicy"],
            resources=[f"arn:{ctx.partition}:application-autoscaling:{ctx.region}:{ctx.account}:scalable-target/*"],
            conditions={"StringEquals": {"application-autoscaling:service-namespace": "sagemaker"}},
        ),
        iam.PolicyStatement(
            sid="ReadScaling",
            # The Describe actions support neither resources nor the service-namespace condition.
            actions=["application-autoscaling:DescribeScalableTargets",
                     "application-autoscaling:DescribeScalingPolicies"],
            resources=["*"],
        ),
        iam.PolicyStatement(
            sid="ReleaseThroughPlatformPipelines",
            actions=["codepipeline:StartPipelineExecution", "codepipeline:GetPipelineState",
                     "codepipeline:GetPipelineExecution", "codepipeline:PutApprovalResult"],
            resources=[f"arn:{ctx.partition}:codepipeline:{ctx.region}:{ctx.account}:{ctx.platform}-*"],
        ),
        *_browse_statements(ctx),
        iam.PolicyStatement(
            sid="PassOwnTeamExecutionRole",
            actions=["iam:PassRole"],
            resources=[ctx.execution_role_arn_pattern("ml-engineer", ctx.team)],
            conditions={"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
        ),
    ]


def ml_engineer_denials(ctx: PlatformContext) -> list[iam.PolicyStatement]:
    """Separation of duties: ML engineers deploy what data scientists trained; they do not train."""
    return [
        iam.PolicyStatement(
            sid="MlEngineersDoNotTrain",
            effect=iam.Effect.DENY,
            actions=["sagemaker:CreateTrainingJob", "sagemaker:CreateHyperParameterTuningJob"],
            resources=["*"],
        )
    ]


def ml_admin_statements(ctx: PlatformContext) -> list[iam.PolicyStatement]:
    """Run the Studio domain, user profiles, spaces and lifecycle configurations."""
    studio_resources = [
        ctx.sagemaker("domain/*"),
        ctx.sagemaker("user-profile/*"),
        ctx.sagemaker("space/*"),
        ctx.sagemaker("app/*"),
        ctx.sagemaker("studio-lifecycle-config/*"),
    ]
    return [
        iam.PolicyStatement(
            sid="ManageStudio",
            actions=["sagemaker:CreateUserProfile", "sagemaker:UpdateUserProfile", "sagemaker:DeleteUserProfile",
                     "sagemaker:CreateSpace", "sagemaker:UpdateSpace", "sagemaker:DeleteSpace",
                     "sagemaker:DeleteApp", "sagemaker:UpdateDomain", "sagemaker:DescribeDomain",
                     "sagemaker:DescribeUserProfile", "sagemaker:DescribeSpace", "sagemaker:DescribeApp",
                     "sagemaker:CreateStudioLifecycleConfig", "sagemaker:DeleteStudioLifecycleConfig",
                     "sagemaker:DescribeStudioLifecycleConfig", "sagemaker:AddTags"],
            resources=studio_resources,
        ),
        *_browse_statements(ctx),
        iam.PolicyStatement(
            sid="AssignExecutionRolesToProfiles",
            actions=["iam:PassRole"],
            resources=[f"arn:{ctx.partition}:iam::{ctx.account}:role{ctx.execution_role_path(p)}*"
                       for p in EXECUTION_PERSONAS],
            conditions={"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
        ),
    ]


def ml_admin_denials(ctx: PlatformContext) -> list[iam.PolicyStatement]:
    """Admins run the platform; they neither train nor deploy."""
    return [
        iam.PolicyStatement(
            sid="AdminsDoNotRunWorkloads",
            effect=iam.Effect.DENY,
            actions=[*DATA_SCIENCE_JOB_ACTIONS, *DEPLOYMENT_ACTIONS],
            resources=["*"],
        )
    ]


def model_consumer_statements(ctx: PlatformContext) -> list[iam.PolicyStatement]:
    """Invoke the named endpoints, nothing else."""
    if not ctx.consumer_endpoint_names:
        return []
    return [
        iam.PolicyStatement(
            sid="InvokeNamedEndpoints",
            actions=["sagemaker:InvokeEndpoint", "sagemaker:InvokeEndpointAsync",
                     "sagemaker:InvokeEndpointWithResponseStream"],
            resources=[ctx.sagemaker(f"endpoint/{name}") for name in ctx.consumer_endpoint_names],
        )
    ]


def studio_access_statements(ctx: PlatformContext) -> list[iam.PolicyStatement]:
    """People open Studio only through their own user profile (a presigned URL)."""
    own_profile = "${aws:PrincipalTag/" + ctx.user_tag_key + "}"
    return [
        iam.PolicyStatement(
            sid="OpenOwnStudioProfile",
            actions=["sagemaker:CreatePresignedDomainUrl"],
            resources=[ctx.sagemaker(f"user-profile/*/{own_profile}")],
            conditions=_team_match(ctx),
        )
    ]


#: Policy variables SageMaker sets on calls made from Studio: the caller's domain and user profile.
#: AWS's AmazonSageMakerFullAccess uses them to keep spaces to their owner
#: (https://docs.aws.amazon.com/sagemaker/latest/dg/security-iam-awsmanpol.html).
STUDIO_DOMAIN_VARIABLE = "${sagemaker:DomainId}"
STUDIO_PROFILE_VARIABLE = "${sagemaker:UserProfileName}"


def studio_user_statements(ctx: PlatformContext) -> list[iam.PolicyStatement]:
    """What the Studio UI does as the user's execution role in an IAM domain: describe the domain,
    profile, spaces and apps; create, update and delete the caller's own private JupyterLab and Code
    Editor spaces, start (CreateApp) and stop (DeleteApp) their apps; tag what it creates.

    AWS's policy for private spaces
    (https://docs.aws.amazon.com/sagemaker/latest/dg/studio-updated-jl-admin-guide-permissions.html)
    scopes these by ``sagemaker:OwnerUserProfileArn`` and ``sagemaker:SpaceSharingType``. Execution
    roles here are shared by a team's users, so the owner is the caller's own profile through the
    ``${sagemaker:DomainId}`` / ``${sagemaker:UserProfileName}`` policy variables, as in
    AmazonSageMakerFullAccess: nobody acts on anyone else's space. Shared spaces are denied by the
    guardrails (:func:`guardrail_statements`). Listing is in the persona's browse statement.
    """
    domain, profile = STUDIO_DOMAIN_VARIABLE, STUDIO_PROFILE_VARIABLE
    own_private = {
        "ArnLike": {"sagemaker:OwnerUserProfileArn": ctx.sagemaker(f"user-profile/{domain}/{profile}")},
        "StringEquals": {"sagemaker:SpaceSharingType": "Private"},
    }
    return [
        iam.PolicyStatement(
            sid="DescribeStudio",
            actions=["sagemaker:DescribeDomain", "sagemaker:DescribeUserProfile", "sagemaker:DescribeSpace",
                     "sagemaker:DescribeApp"],
            resources=[ctx.sagemaker("domain/*"), ctx.sagemaker("user-profile/*"), ctx.sagemaker("space/*"),
                       ctx.sagemaker("app/*")],
        ),
        iam.PolicyStatement(
            # The owner condition names the caller's domain, so the resource needs no domain.
            sid="ManageOwnPrivateSpaces",
            actions=["sagemaker:CreateSpace", "sagemaker:UpdateSpace", "sagemaker:DeleteSpace"],
            resources=[ctx.sagemaker("space/*/*")],
            conditions=own_private,
        ),
        iam.PolicyStatement(
            # Starting a space's app is CreateApp, stopping it DeleteApp.
            sid="RunAppsInOwnPrivateSpaces",
            actions=["sagemaker:CreateApp", "sagemaker:DeleteApp"],
            resources=[ctx.sagemaker("app/*/*/*/*")],
            conditions=own_private,
        ),
        iam.PolicyStatement(
            # Studio tags what it creates; without AddTags those creates fail. TaggingAction is set
            # only when the tags come with a create call.
            sid="TagSpacesAndAppsOnCreate",
            actions=["sagemaker:AddTags"],
            resources=[ctx.sagemaker(f"space/{domain}/*"), ctx.sagemaker(f"app/{domain}/*")],
            conditions={"Null": {"sagemaker:TaggingAction": "false"}},
        ),
    ]


def add_source_identity_trust(role: iam.Role, principal: iam.IPrincipal) -> None:
    """Let ``principal`` (SageMaker) set a source identity when it assumes ``role``.

    With the domain's ``ExecutionRoleIdentityConfig=USER_PROFILE_NAME``, every execution role must
    allow ``sts:SetSourceIdentity`` in its trust policy, or job creation fails with
    AccessDeniedException or ValidationError
    (https://docs.aws.amazon.com/sagemaker/latest/dg/monitor-user-access-how-to.html); training and
    processing jobs created from Studio assume their role with that source identity too
    (https://docs.aws.amazon.com/sagemaker/latest/dg/monitor-user-access.html).
    """
    role.assume_role_policy.add_statements(
        iam.PolicyStatement(actions=["sts:SetSourceIdentity"], principals=[principal])
    )


def execution_role_statements(ctx: PlatformContext) -> list[iam.PolicyStatement]:
    """What SageMaker needs on the role's behalf: ENIs in the VPC, images, logs, metrics, keys."""
    return [
        iam.PolicyStatement(
            sid="NetworkInterfacesForVpcJobs",
            actions=["ec2:CreateNetworkInterface", "ec2:CreateNetworkInterfacePermission",
                     "ec2:DeleteNetworkInterface", "ec2:DeleteNetworkInterfacePermission"],
            # No condition and no resource filter: SageMaker's validation of a processing job in a
            # VPC fails otherwise (https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html,
            # CreateProcessingJob). Where the ENIs go is bounded by the guardrails instead: jobs
            # must name the platform's subnets and security groups.
            resources=["*"],
        ),
        iam.PolicyStatement(
            sid="DescribeNetwork",
            actions=["ec2:DescribeNetworkInterfaces", "ec2:DescribeVpcs", "ec2:DescribeDhcpOptions",
                     "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups"],
            resources=["*"],  # Describe actions have no resource-level permissions
        ),
        iam.PolicyStatement(
            sid="EcrAuthorization",
            actions=["ecr:GetAuthorizationToken"],
            resources=["*"],  # the action has no resource-level permissions
        ),
        iam.PolicyStatement(
            sid="PullImages",
            actions=["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
            # Our private repositories and the SageMaker framework images AWS publishes per region.
            resources=[f"arn:{ctx.partition}:ecr:{ctx.region}:*:repository/*"],
        ),
        iam.PolicyStatement(
            # SageMaker writes job, endpoint and Studio logs as the execution role, creating
            # /aws/sagemaker/<Kind>Jobs on first use
            # (https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html).
            sid="WriteSageMakerLogs",
            actions=["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            resources=[f"arn:{ctx.partition}:logs:{ctx.region}:{ctx.account}:log-group:/aws/sagemaker/*"],
        ),
        iam.PolicyStatement(
            # estimator.fit(logs=True) and friends stream the job's log into the notebook with the
            # caller's credentials (DescribeLogStreams + GetLogEvents; FilterLogEvents for endpoints).
            sid="ReadSageMakerLogs",
            actions=["logs:GetLogEvents", "logs:FilterLogEvents"],
            resources=[f"arn:{ctx.partition}:logs:{ctx.region}:{ctx.account}:log-group:/aws/sagemaker/*"],
        ),
        iam.PolicyStatement(
            sid="PublishSageMakerMetrics",
            actions=["cloudwatch:PutMetricData"],
            resources=["*"],  # metrics have no ARN; the namespace condition narrows it
            conditions={"StringLike": {"cloudwatch:namespace": ["/aws/sagemaker/*", "aws/sagemaker/*"]}},
        ),
        iam.PolicyStatement(
            sid="EncryptVolumes",
            actions=["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
            resources=[ctx.volumes_key_arn],
        ),
        iam.PolicyStatement(
            sid="GrantVolumeKeyToAwsServices",
            actions=["kms:CreateGrant"],
            resources=[ctx.volumes_key_arn],
            conditions={"Bool": {"kms:GrantIsForAWSResource": "true"}},
        ),
        iam.PolicyStatement(
            sid="ReadPlatformSettings",
            actions=["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"],
            resources=[f"arn:{ctx.partition}:ssm:{ctx.region}:{ctx.account}:parameter/{ctx.platform}/*"],
        ),
    ]


def promoted_model_statements(ctx: PlatformContext) -> list[iam.PolicyStatement]:
    """Read promoted models from the delivery (tooling) account's model-artifacts bucket.

    Cross-account access needs both sides: the tooling account's bucket and key policies name these
    execution roles (constructs/delivery.py ModelRegistry); this is the identity side, limited to
    objects owned by that account and to decryption through S3 with that account's keys.
    """
    if not ctx.model_source_account:
        return []
    account = ctx.model_source_account
    return [
        iam.PolicyStatement(
            sid="ReadPromotedModels",
            actions=["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket"],
            resources=["arn:" + ctx.partition + ":s3:::*"],
            conditions={"StringEquals": {"s3:ResourceAccount": account}},
        ),
        iam.PolicyStatement(
            sid="DecryptPromotedModelsThroughS3",
            actions=["kms:Decrypt", "kms:DescribeKey"],
            resources=[f"arn:{ctx.partition}:kms:{ctx.region}:{account}:key/*"],
            conditions={"StringEquals": {"kms:ViaService": ctx.s3_service}},
        ),
    ]


def _browse_statements(ctx: PlatformContext) -> list[iam.PolicyStatement]:
    return [
        iam.PolicyStatement(
            sid="BrowseSageMaker",
            # List and search actions have no resource-level permissions.
            actions=["sagemaker:List*", "sagemaker:Search", "sagemaker:GetSearchSuggestions"],
            resources=["*"],
        )
    ]


# ------------------------------------------------------------------------------------------------
# Constructs


class PlatformPermissionsBoundary(Construct):
    """A managed policy that caps every role the platform creates (see :func:`boundary_statements`).

    Apply it to a scope with ``iam.PermissionsBoundary.of(scope).apply(boundary.policy)``;
    :class:`~cdk_secure_ml.stacks.stage.MlPlatformStage` does so for the whole stage.
    """

    def __init__(self, scope: Construct, construct_id: str, *, platform: str) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        ctx = _minimal_context(stack, platform)
        self.policy = iam.ManagedPolicy(
            self,
            "Resource",
            description=f"{platform}: permissions boundary of every platform role",
            statements=boundary_statements(ctx),
        )
        reason = (
            "A permissions boundary grants nothing by itself: its Allow * only lets the identity "
            "policies apply, and its Deny statements are the ceiling every platform role lives under."
        )
        acknowledge(
            self.policy,
            reason,
            "AwsSolutions-IAM5[Action::*]",
            "AwsSolutions-IAM5[Resource::*]",
            *[f"AwsSolutions-IAM5[Action::{a}]" for a in _wildcard_actions(boundary_statements(ctx))],
            *in_regulatory_packs("IAMPolicyNoStatementsWithAdminAccess"),
            *in_regulatory_packs("IAMPolicyNoStatementsWithFullAccess"),
            ack_id("SML-IAM-1"),
            ack_id("SML-IAM-2"),
            ack_id("SML-IAM-3"),
            ack_id("SML-IAM-4"),
        )
        skip_checkov(self.policy, reason, "CKV_AWS_107", "CKV_AWS_108", "CKV_AWS_109", "CKV_AWS_110", "CKV_AWS_111")


def _minimal_context(stack: Stack, platform: str) -> PlatformContext:
    return PlatformContext(
        partition=stack.partition, region=stack.region, account=stack.account, platform=platform,
        subnet_ids=(), security_group_ids=(), data_bucket_arn="", artifacts_bucket_arn="",
        data_key_arn="", artifacts_key_arn="", volumes_key_arn="", instance_types=(),
    )


def _wildcard_actions(statements: Sequence[iam.PolicyStatement]) -> list[str]:
    found: list[str] = []
    for statement in statements:
        if statement.effect != iam.Effect.ALLOW:
            continue
        for action in statement.actions:
            if "*" in action and action != "*" and action not in found:
                found.append(action)
    return found


class MlPersonas(Construct):
    """Human persona roles and per-team SageMaker execution roles, with least-privilege policies.

    :param teams: team names (lower-case words). Each gets a data-scientist and an ml-engineer
        execution role, tagged with ``team_tag_key`` = team, under the path
        ``/<platform>/execution/<persona>/<team>/`` (PassRole is granted by that path).
    :param network_subnet_ids / security_group_ids: the only subnets and groups jobs may use.
    :param data_bucket, artifacts_bucket, data_key, artifacts_key, volumes_key: what jobs read,
        write and encrypt with.
    :param instance_types: allow-list of instance types (``ml.*``); empty = no restriction.
    :param trusted_principal: who may assume the human roles: a SAML provider (federation) or an
        account (e.g. an identity account whose SSO roles assume these). Never IAM users.
    :param consumer_endpoint_names: endpoints the model-consumer role may invoke.
    :param vpc_id: the platform VPC (kept in :attr:`context`). ENI permissions are not scoped to it:
        SageMaker's processing-job validation fails on a conditioned ENI grant; the guardrails pin
        jobs to the platform's subnets instead.
    :param model_source_account: the delivery (tooling) account whose model-artifacts bucket the
        execution roles may read promoted models from (see :func:`promoted_model_statements`).
    :param human_personas: the personas that get a human role; default all of :data:`PERSONAS`. A
        production account managed only by its pipeline passes ``("model-consumer",)`` or ``()``:
        no human write roles (docs/delivery.md, break-glass access).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        platform: str,
        teams: Sequence[str],
        subnet_ids: Sequence[str],
        security_group_ids: Sequence[str],
        data_bucket: s3.IBucket,
        artifacts_bucket: s3.IBucket,
        data_key: kms.IKey,
        artifacts_key: kms.IKey,
        volumes_key: kms.IKey,
        instance_types: Sequence[str] = (),
        trusted_principal: iam.IPrincipal | None = None,
        team_tag_key: str = "team",
        user_tag_key: str = "user",
        consumer_endpoint_names: Sequence[str] = (),
        vpc_id: str | None = None,
        model_source_account: str | None = None,
        max_session_duration: Duration = Duration.hours(4),
        human_personas: Sequence[str] | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        problems = []
        if not teams:
            problems.append("teams is empty; name at least one team (execution roles are per team)")
        bad_teams = [t for t in teams if not TEAM_NAME_RE.match(t)]
        if bad_teams:
            problems.append(f"team names {bad_teams} must be lower-case words matching {TEAM_NAME_RE.pattern}")
        if len(set(teams)) != len(teams):
            problems.append(f"teams {list(teams)} repeat a name")
        bad_types = [t for t in instance_types if not str(t).startswith("ml.")]
        if bad_types:
            problems.append(f"instance types {bad_types} are not SageMaker types; use ml.* names such as ml.m5.xlarge")
        for name, key in (("team_tag_key", team_tag_key), ("user_tag_key", user_tag_key)):
            if not _TAG_KEY_RE.match(key):
                problems.append(f"{name} {key!r} is not a usable tag key")
        unknown_personas = [p for p in human_personas or () if p not in PERSONAS]
        if unknown_personas:
            problems.append(f"human_personas {unknown_personas} are not personas; use some of {list(PERSONAS)}")
        if not subnet_ids:
            problems.append("subnet_ids is empty; jobs must be pinned to the platform's subnets")
        if problems:
            raise ValueError("MlPersonas: " + "; ".join(problems))

        stack = Stack.of(self)
        self.context = PlatformContext(
            partition=stack.partition, region=stack.region, account=stack.account, platform=platform,
            subnet_ids=list(subnet_ids), security_group_ids=list(security_group_ids),
            data_bucket_arn=data_bucket.bucket_arn, artifacts_bucket_arn=artifacts_bucket.bucket_arn,
            data_key_arn=data_key.key_arn, artifacts_key_arn=artifacts_key.key_arn,
            volumes_key_arn=volumes_key.key_arn, instance_types=list(instance_types),
            team_tag_key=team_tag_key, user_tag_key=user_tag_key,
            consumer_endpoint_names=list(consumer_endpoint_names),
            vpc_arn=f"arn:{stack.partition}:ec2:{stack.region}:{stack.account}:vpc/{vpc_id}" if vpc_id else None,
            model_source_account=model_source_account,
        )
        ctx = self.context
        self.teams = tuple(teams)

        # Shared managed policies (one document serves every team through ${aws:PrincipalTag/...}).
        self.policies: dict[str, iam.ManagedPolicy] = {}

        def policy(construct_id: str, statements: list[iam.PolicyStatement], description: str) -> iam.ManagedPolicy:
            managed = iam.ManagedPolicy(self, construct_id, description=f"{platform}: {description}",
                                        statements=statements)
            self.policies[construct_id] = managed
            return managed

        guardrails = policy("Guardrails", guardrail_statements(ctx),
                            "SageMaker guardrails on condition keys (VPC, keys, isolation, instance types)")
        team_data = policy("TeamData", team_data_statements(ctx), "read and write the team's S3 prefixes")
        team_data_read = policy("TeamDataRead", team_data_statements(ctx, write=False),
                                "read the team's S3 prefixes")
        data_scientist = policy("DataScientist", data_scientist_statements(ctx) + data_scientist_denials(ctx),
                                "data scientists: the team's jobs and experiments, no deployments or CI/CD")
        ml_engineer = policy("MlEngineer", ml_engineer_statements(ctx) + ml_engineer_denials(ctx),
                             "ML engineers: the team's models, endpoints and pipelines, no training")
        ml_admin = policy("MlAdmin", ml_admin_statements(ctx) + ml_admin_denials(ctx),
                          "ML admins: Studio domain, profiles and spaces")
        studio_access = policy("StudioAccess", studio_access_statements(ctx), "open one's own Studio profile")
        studio_user = policy("StudioUser", studio_user_statements(ctx),
                             "what the Studio UI does as the execution role: the caller's own private spaces")
        execution = policy("SageMakerExecution", execution_role_statements(ctx) + promoted_model_statements(ctx),
                           "what SageMaker needs on an execution role's behalf")
        skip_checkov(
            execution,
            "The ENI permissions of SageMaker VPC jobs must carry no condition or resource filter, or SageMaker's "
            "processing-job validation fails (https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html); "
            "the guardrails deny jobs outside the platform's subnets and security groups.",
            "CKV_AWS_111", "CKV_AWS_109",
        )
        consumer_statements = model_consumer_statements(ctx)
        consumer = policy("ModelConsumer", consumer_statements, "invoke named endpoints") if consumer_statements else None

        # Human roles: one per persona; the team comes from the session's principal tag.
        principal = trusted_principal or iam.AccountRootPrincipal()
        human_policies: Mapping[str, list[iam.IManagedPolicy]] = {
            "data-scientist": [guardrails, team_data, data_scientist, studio_access],
            "ml-engineer": [guardrails, team_data_read, ml_engineer, studio_access],
            "ml-admin": [guardrails, ml_admin],
            "model-consumer": [consumer] if consumer else [],
        }
        self.human_roles: dict[str, iam.Role] = {}
        for persona in PERSONAS if human_personas is None else [p for p in PERSONAS if p in human_personas]:
            role = iam.Role(
                self,
                pascal_case(persona) + "Role",
                assumed_by=principal,
                description=f"{platform}: {persona} (assumed through federation with session tags)",
                path=f"/{platform}/people/",
                max_session_duration=max_session_duration,
                managed_policies=human_policies[persona],
            )
            # ABAC needs the team (and user) as session tags on the assumed role.
            role.assume_role_policy.add_statements(
                iam.PolicyStatement(actions=["sts:TagSession"], principals=[principal])
            )
            Tags.of(role).add("secure-ml:persona", persona)
            self.human_roles[persona] = role

        # Execution roles: per persona and team, tagged with the team (their principal tag).
        self.execution_roles: dict[tuple[str, str], iam.Role] = {}
        sagemaker_principal = iam.ServicePrincipal("sagemaker.amazonaws.com").with_conditions(
            {"StringEquals": {"aws:SourceAccount": stack.account}}
        )
        execution_policies = {
            "data-scientist": [guardrails, team_data, data_scientist, execution, studio_user],
            "ml-engineer": [guardrails, team_data, ml_engineer, execution, studio_user],
        }
        for persona in EXECUTION_PERSONAS:
            for team in teams:
                role = iam.Role(
                    self,
                    f"{pascal_case(persona)}{pascal_case(team)}ExecutionRole",
                    assumed_by=sagemaker_principal,
                    description=f"{platform}: SageMaker execution role of team {team} ({persona})",
                    path=ctx.execution_role_path(persona, team),
                    managed_policies=execution_policies[persona],
                )
                add_source_identity_trust(role, sagemaker_principal)
                # The team tag is the role's principal tag: it must win over any stage-wide tag.
                Tags.of(role).add(team_tag_key, team, priority=300)
                Tags.of(role).add("secure-ml:persona", persona)
                self.execution_roles[(persona, team)] = role

        self._acknowledge_wildcards()

    # ------------------------------------------------------------------------------------------

    def execution_role(self, persona: str, team: str) -> iam.Role:
        """The execution role of ``persona`` for ``team``; ValueError names what exists."""
        try:
            return self.execution_roles[(persona, team)]
        except KeyError:
            raise ValueError(
                f"no execution role for persona {persona!r} and team {team!r}; personas with execution "
                f"roles: {list(EXECUTION_PERSONAS)}, teams: {list(self.teams)}"
            ) from None

    def human_role(self, persona: str) -> iam.Role:
        try:
            return self.human_roles[persona]
        except KeyError:
            raise ValueError(f"unknown persona {persona!r}; use one of {list(PERSONAS)}") from None

    def _acknowledge_wildcards(self) -> None:
        reason = (
            "Least-privilege ABAC: wildcards stand for resources the team creates later (jobs, "
            "endpoints, its S3 prefix via ${aws:PrincipalTag}); tag conditions, the guardrail Deny "
            "statements and the permissions boundary bound them. Actions without resource-level "
            "permissions (List*, ecr:GetAuthorizationToken, EC2 ENI actions, PutMetricData) need '*'."
        )
        for managed in self.policies.values():
            acknowledge_wildcards(managed, reason)
