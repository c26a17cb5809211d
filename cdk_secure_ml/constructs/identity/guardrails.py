"""The ceilings: the permissions boundary's document and the guardrail Deny statements.

Pure builders: each takes a :class:`~cdk_secure_ml.constructs.identity.context.PlatformContext` and
returns ``iam.PolicyStatement`` objects, so the constructs and the tests read the same documents
(tests/constructs/test_identity.py evaluates them with conditions).
"""

from __future__ import annotations

from aws_cdk import aws_iam as iam

from cdk_secure_ml.constructs.identity.actions import (
    DISTRIBUTED_JOB_ACTIONS,
    ENCRYPTED_JOB_ACTIONS,
    INSTANCE_ACTIONS,
    ISOLATED_ACTIONS,
    VPC_JOB_ACTIONS,
)
from cdk_secure_ml.constructs.identity.context import PlatformContext
from cdk_secure_ml.core.instance_types import instance_store_patterns


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
                "config:DeleteConfigurationRecorder", "config:DeleteDeliveryChannel",
                "config:DeleteConfigRule",
                "guardduty:DeleteDetector", "guardduty:UpdateDetector",
                "guardduty:DisassociateFromMasterAccount",
                "ec2:DeleteFlowLogs", "logs:DeleteLogGroup", "logs:PutRetentionPolicy",
            ],
            resources=["*"],
        ),
        iam.PolicyStatement(
            sid="DenyInternetPaths",
            effect=iam.Effect.DENY,
            actions=[
                "ec2:CreateInternetGateway", "ec2:AttachInternetGateway",
                "ec2:CreateEgressOnlyInternetGateway",
                "ec2:CreateNatGateway", "ec2:CreateVpcPeeringConnection", "ec2:AcceptVpcPeeringConnection",
                "ec2:AssociateAddress", "ec2:ModifySubnetAttribute",
            ],
            resources=["*"],
        ),
        iam.PolicyStatement(
            sid="DenyKeyDestruction",
            effect=iam.Effect.DENY,
            actions=["kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:DisableKeyRotation",
                     "kms:PutKeyPolicy"],
            resources=["*"],
        ),
        iam.PolicyStatement(
            sid="DenyBucketSecurityChanges",
            effect=iam.Effect.DENY,
            actions=[
                "s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:PutBucketPublicAccessBlock",
                "s3:PutAccountPublicAccessBlock", "s3:PutBucketAcl",
                "s3:PutEncryptionConfiguration", "s3:PutBucketObjectLockConfiguration",
            ],
            resources=["*"],
        ),
        iam.PolicyStatement(
            # Object ACLs, except the canned bucket-owner-full-control, which gives the bucket owner (the
            # platform account) control and can make nothing public: SageMaker Feature Store writes the
            # offline store with s3:PutObjectAcl (AmazonSageMakerFeatureStoreAccess,
            # https://docs.aws.amazon.com/sagemaker/latest/dg/security-iam-awsmanpol-feature-store.html).
            # A request without the canned header lacks the key: StringNotEquals is then true and the Deny
            # applies.
            sid="DenyObjectAclChanges",
            effect=iam.Effect.DENY,
            actions=["s3:PutObjectAcl"],
            resources=["*"],
            conditions={"StringNotEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}},
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
                conditions={
                    "ForAnyValue:StringNotLike": {"sagemaker:InstanceTypes": [*ctx.instance_types, "system"]}
                },
            )
        )
    return statements
