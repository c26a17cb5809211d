"""The IAM actions of the live audit's calls: its read-only policy (docs/audit.md).

Kept apart from :mod:`.audit` so the checks, spread over the package's modules, share one list.
"""

from __future__ import annotations

__all__ = ["AUDIT_IAM_ACTIONS"]

#: The IAM action of every call the auditor makes (in :mod:`.audit` and the modules it delegates to): the
#: read-only policy of docs/audit.md and of the delivery pipeline's stage audit role
#: (``PipelineAuditRole``). tests/policies_live/test_audit.py derives the calls from the package's modules
#: (their source and a full recorded run) and fails when the audit calls an action missing here, or when
#: an action here is no longer called. Model Monitor's
#: List/Describe actions authorize the monitoring checks; without them those checks come back "not
#: verified" (review finding S3). Most API operations authorize the IAM action of the same name; the
#: S3 ones that do not are mapped as S3's API reference states (ListBuckets: s3:ListAllMyBuckets,
#: GetBucketEncryption: s3:GetEncryptionConfiguration, GetPublicAccessBlock:
#: s3:GetBucketPublicAccessBlock; e.g. https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketEncryption.html).
AUDIT_IAM_ACTIONS: tuple[str, ...] = (
    "application-autoscaling:DescribeScalableTargets",
    "application-autoscaling:DescribeScalingPolicies",
    "bedrock:GetModelInvocationLoggingConfiguration",
    "cloudtrail:DescribeTrails",
    "cloudtrail:GetTrailStatus",
    "config:DescribeConfigurationRecorderStatus",
    "config:DescribeConfigurationRecorders",
    "ec2:DescribeFlowLogs",
    "ec2:DescribeInternetGateways",
    "ec2:DescribeRouteTables",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeSubnets",
    "ec2:DescribeTransitGatewayVpcAttachments",
    "ec2:DescribeVpcEndpoints",
    "guardduty:GetDetector",
    "guardduty:ListDetectors",
    "iam:GetRole",
    "kms:DescribeKey",
    "kms:GetKeyRotationStatus",
    "kms:ListKeys",
    "logs:DescribeLogGroups",
    "route53:ListHostedZonesByVPC",
    "route53:ListResourceRecordSets",
    "route53profiles:ListProfileAssociations",
    "s3:GetBucketLocation",
    "s3:GetBucketLogging",
    "s3:GetBucketPolicy",
    "s3:GetBucketPublicAccessBlock",
    "s3:GetBucketVersioning",
    "s3:GetEncryptionConfiguration",
    "s3:ListAllMyBuckets",
    "sagemaker:DescribeDataQualityJobDefinition",
    "sagemaker:DescribeDomain",
    "sagemaker:DescribeEndpoint",
    "sagemaker:DescribeEndpointConfig",
    "sagemaker:DescribeFeatureGroup",
    "sagemaker:DescribeModel",
    "sagemaker:DescribeModelBiasJobDefinition",
    "sagemaker:DescribeModelExplainabilityJobDefinition",
    "sagemaker:DescribeMlflowTrackingServer",
    "sagemaker:DescribeModelQualityJobDefinition",
    "sagemaker:DescribeMonitoringSchedule",
    "sagemaker:DescribeNotebookInstance",
    "sagemaker:DescribeSpace",
    "sagemaker:ListDataQualityJobDefinitions",
    "sagemaker:ListDomains",
    "sagemaker:ListEndpointConfigs",
    "sagemaker:ListEndpoints",
    "sagemaker:ListFeatureGroups",
    "sagemaker:ListInferenceComponents",
    "sagemaker:ListMlflowTrackingServers",
    "sagemaker:ListModelBiasJobDefinitions",
    "sagemaker:ListModelExplainabilityJobDefinitions",
    "sagemaker:ListModelQualityJobDefinitions",
    "sagemaker:ListModels",
    "sagemaker:ListMonitoringSchedules",
    "sagemaker:ListNotebookInstances",
    "sagemaker:ListSpaces",
    "sagemaker:ListTags",
)
