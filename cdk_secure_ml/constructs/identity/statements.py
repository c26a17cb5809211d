"""The persona statements: what each persona and execution role may do, and the Deny statements that
separate their duties.

Pure builders: each takes a :class:`~cdk_secure_ml.constructs.identity.context.PlatformContext` and
returns ``iam.PolicyStatement`` objects (an empty list when the context gives it nothing to grant), so
:class:`~cdk_secure_ml.constructs.identity.personas.MlPersonas` and the tests read the same documents.
Attribute-based access control: SageMaker actions on existing resources require
``sagemaker:ResourceTag/<key>`` to equal ``aws:PrincipalTag/<key>``; creation requires the request to
carry the caller's team.
"""

from __future__ import annotations

from aws_cdk import aws_iam as iam

from cdk_secure_ml.constructs.identity.actions import (
    CICD_ACTIONS,
    DATA_SCIENCE_JOB_ACTIONS,
    DEPLOYMENT_ACTIONS,
)
from cdk_secure_ml.constructs.identity.context import PlatformContext
from cdk_secure_ml.core.names import EXECUTION_PERSONAS


def _team_match(ctx: PlatformContext) -> dict[str, dict[str, str]]:
    return {"StringEquals": {f"sagemaker:ResourceTag/{ctx.team_tag_key}": ctx.team}}


def _request_team(ctx: PlatformContext) -> dict[str, dict[str, str]]:
    return {"StringEquals": {f"aws:RequestTag/{ctx.team_tag_key}": ctx.team}}


def team_data_statements(ctx: PlatformContext, *, write: bool = True) -> list[iam.PolicyStatement]:
    """S3 access to the caller's team prefix of the data and artifacts buckets, decrypting through S3."""
    object_actions = ["s3:GetObject", "s3:GetObjectVersion"]
    if write:
        object_actions += ["s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"]
    team_prefix = ctx.team
    key_actions = ["kms:Decrypt", "kms:DescribeKey"]
    if write:
        key_actions += ["kms:Encrypt", "kms:GenerateDataKey"]
    return [
        iam.PolicyStatement(
            sid="TeamObjects",
            actions=object_actions,
            resources=[f"{ctx.data_bucket_arn}/{team_prefix}/*",
                       f"{ctx.artifacts_bucket_arn}/{team_prefix}/*"],
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
                     "sagemaker:DescribeExperiment", "sagemaker:DescribeTrial",
                     "sagemaker:DescribeTrialComponent",
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
                     "sagemaker:DescribeModel", "sagemaker:DescribeEndpointConfig",
                     "sagemaker:DescribeEndpoint",
                     "sagemaker:InvokeEndpoint", "sagemaker:UpdatePipeline",
                     "sagemaker:StartPipelineExecution",
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
                     "application-autoscaling:PutScalingPolicy",
                     "application-autoscaling:DeleteScalingPolicy"],
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
            actions=["sagemaker:CreateUserProfile", "sagemaker:UpdateUserProfile",
                     "sagemaker:DeleteUserProfile",
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
            # A SecureEndpoint's physical name is <name>-<8 hex> (docs/hosting.md); "?" matches one
            # character. Names are lower-cased: SageMaker ARNs carry resource names in lower case (seen in
            # practice: https://github.com/philschmid/cdk-samples/issues/2).
            resources=[ctx.sagemaker(f"endpoint/{name.lower()}-????????")
                       for name in ctx.consumer_endpoint_names],
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
#: The policy variable of the caller's Studio user profile (see STUDIO_DOMAIN_VARIABLE).
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
            # The platform account's repositories (and the shared image accounts named below), no others:
            # a role that may pull any account's image runs what the platform never vetted (an image
            # another account shares with everyone). SageMaker's prebuilt images: PullSageMakerImages.
            # The delivery account's images: promoted_model_statements; a shared image account:
            # identity.trusted_image_accounts (MlPersonas image_accounts).
            resources=[f"arn:{ctx.partition}:ecr:{ctx.region}:{account}:repository/*"
                       for account in dict.fromkeys([ctx.account, *ctx.image_accounts])],
        ),
        *_sagemaker_image_statements(ctx),
        iam.PolicyStatement(
            # SageMaker writes job, endpoint and Studio logs as the execution role, creating
            # /aws/sagemaker/<Kind>Jobs on first use
            # (https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html).
            sid="WriteSageMakerLogs",
            actions=["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents",
                     "logs:DescribeLogStreams"],
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


def _sagemaker_image_statements(ctx: PlatformContext) -> list[iam.PolicyStatement]:
    """Pull SageMaker's prebuilt images (Deep Learning Containers, built-in algorithms, processing, Clarify,
    Model Monitor) from the accounts that publish them in the region: SageMaker pulls a job's or model's
    image with the execution role (constructs/identity/sagemaker_images.py has the sources). A statement
    of its own: in an environment-agnostic stack the list is one ``Fn::FindInMap``."""
    if not ctx.sagemaker_image_repositories:
        return []
    return [
        iam.PolicyStatement(
            sid="PullSageMakerImages",
            actions=["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
            resources=list(ctx.sagemaker_image_repositories),
        )
    ]


def promoted_model_statements(ctx: PlatformContext) -> list[iam.PolicyStatement]:
    """Read promoted models from the delivery (tooling) account's model-artifacts bucket and pull their
    images from its registry.

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
        iam.PolicyStatement(
            # The images of promoted models, in the delivery account's registry; its repository policy
            # names these roles (constructs/delivery/registry.py, StageExecutionRolesPullImages).
            sid="PullPromotedImages",
            actions=["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
            resources=[f"arn:{ctx.partition}:ecr:{ctx.region}:{account}:repository/*"],
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

