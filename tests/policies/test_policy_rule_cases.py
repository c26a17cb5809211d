"""A compliant and a non-compliant fixture for every rule of the catalogue (and cannot-verify cases)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from cdk_secure_ml.policies.rules import CATALOGUE, RULES_BY_ID

from .shapes_cases import SHAPES_CASES
from .sml_helpers import add, check, findings, mod, res, template, verdict

# -- building blocks -------------------------------------------------------------------------------

def AZ(i):
    return {"Fn::Select": [i, {"Fn::GetAZs": ""}]}



NETWORK = {
    "Vpc": res("AWS::EC2::VPC", CidrBlock="10.0.0.0/16"),
    "VpcFlowLog": res("AWS::EC2::FlowLog", ResourceId={"Ref": "Vpc"}, ResourceType="VPC", TrafficType="ALL"),
    "SubA": res("AWS::EC2::Subnet", VpcId={"Ref": "Vpc"}, CidrBlock="10.0.0.0/24", AvailabilityZone=AZ(0)),
    "SubB": res("AWS::EC2::Subnet", VpcId={"Ref": "Vpc"}, CidrBlock="10.0.1.0/24", AvailabilityZone=AZ(1)),
    "Sg": res("AWS::EC2::SecurityGroup", GroupDescription="ml", VpcId={"Ref": "Vpc"}),
    # Members of Sg reach each other (Studio's self rules; the endpoints share the group): SML-NET-23/24
    "SgSelf": res("AWS::EC2::SecurityGroupIngress", GroupId={"Fn::GetAtt": ["Sg", "GroupId"]}, IpProtocol="-1",
                  SourceSecurityGroupId={"Fn::GetAtt": ["Sg", "GroupId"]}),
}
SG = [{"Fn::GetAtt": ["Sg", "GroupId"]}]
SUBNETS = [{"Ref": "SubA"}, {"Ref": "SubB"}]

DOMAIN = {
    "Domain": res(
        "AWS::SageMaker::Domain", DomainName="d", AuthMode="SSO", VpcId={"Ref": "Vpc"},
        AppNetworkAccessType="VpcOnly", SubnetIds=SUBNETS, DefaultUserSettings={"SecurityGroups": SG},
        KmsKeyId={"Fn::GetAtt": ["Key", "Arn"]},
    )
}  # fmt: skip
NOTEBOOK = {
    "Notebook": res(
        "AWS::SageMaker::NotebookInstance", InstanceType="ml.t3.medium", RoleArn="arn:aws:iam::1:role/r",
        SubnetId={"Ref": "SubA"}, SecurityGroupIds=SG, DirectInternetAccess="Disabled", RootAccess="Disabled",
        InstanceMetadataServiceConfiguration={"MinimumInstanceMetadataServiceVersion": "2"}, KmsKeyId="alias/k",
    )
}  # fmt: skip
MODEL = {
    "Model": res(
        "AWS::SageMaker::Model", ExecutionRoleArn="arn:aws:iam::1:role/r", PrimaryContainer={"Image": "x"},
        VpcConfig={"Subnets": SUBNETS, "SecurityGroupIds": SG}, EnableNetworkIsolation=True,
    )
}  # fmt: skip
NETWORK_CONFIG = {
    "VpcConfig": {"Subnets": SUBNETS, "SecurityGroupIds": SG},
    "EnableNetworkIsolation": True,
    "EnableInterContainerTrafficEncryption": True,
}
CLUSTER = {"InstanceCount": 1, "InstanceType": "ml.m5.large", "VolumeSizeInGB": 20, "VolumeKmsKeyId": "k"}
JOB = {
    "Job": res(
        "AWS::SageMaker::DataQualityJobDefinition", RoleArn="arn:aws:iam::1:role/r",
        JobResources={"ClusterConfig": CLUSTER},
        DataQualityJobOutputConfig={"KmsKeyId": "k", "MonitoringOutputs": []},
        NetworkConfig=NETWORK_CONFIG,
    )
}  # fmt: skip
SCHEDULE = {
    "Schedule": res(
        "AWS::SageMaker::MonitoringSchedule", MonitoringScheduleName="s",
        MonitoringScheduleConfig={
            "MonitoringJobDefinition": {
                "MonitoringResources": {"ClusterConfig": CLUSTER},
                "MonitoringOutputConfig": {"KmsKeyId": "k", "MonitoringOutputs": []},
                "NetworkConfig": NETWORK_CONFIG,
            }
        },
    )
}  # fmt: skip
SCHEDULE_BY_NAME = {
    "Schedule": res(
        "AWS::SageMaker::MonitoringSchedule",
        MonitoringScheduleName="s",
        MonitoringScheduleConfig={"MonitoringJobDefinitionName": "dq", "MonitoringType": "DataQuality"},
    )
}
CAPTURE = {
    "EnableCapture": True, "InitialSamplingPercentage": 100, "DestinationS3Uri": "s3://b/capture",
    "KmsKeyId": "k", "CaptureOptions": [{"CaptureMode": "Input"}],
}  # fmt: skip
VARIANT = {
    "VariantName": "AllTraffic",
    "ModelName": "m",
    "InitialInstanceCount": 2,
    "InstanceType": "ml.m5.large",
}
SERVERLESS = {
    "VariantName": "Sl",
    "ModelName": "m",
    "ServerlessConfig": {"MemorySizeInMB": 2048, "MaxConcurrency": 5},
}
HOSTING = {
    "Config": res("AWS::SageMaker::EndpointConfig", KmsKeyId="k", ProductionVariants=[VARIANT], DataCaptureConfig=CAPTURE),
    "Endpoint": res("AWS::SageMaker::Endpoint", EndpointConfigName={"Fn::GetAtt": ["Config", "EndpointConfigName"]}),
    "Target": res(
        "AWS::ApplicationAutoScaling::ScalableTarget", ServiceNamespace="sagemaker",
        ScalableDimension="sagemaker:variant:DesiredInstanceCount", MinCapacity=2, MaxCapacity=4,
        ResourceId={"Fn::Join": ["", ["endpoint/", {"Fn::GetAtt": ["Endpoint", "EndpointName"]}, "/variant/AllTraffic"]]},
    ),
    "Scaling": res(
        "AWS::ApplicationAutoScaling::ScalingPolicy", PolicyName="p", PolicyType="TargetTrackingScaling",
        ScalingTargetId={"Ref": "Target"},
        TargetTrackingScalingPolicyConfiguration={"TargetValue": 70, "PredefinedMetricSpecification": {
            "PredefinedMetricType": "SageMakerVariantInvocationsPerInstance"}},
    ),
}  # fmt: skip
HOSTING_BY_NAME = add(
    mod(
        mod(HOSTING, "Endpoint", "EndpointName", "fraud"),
        "Target",
        "ResourceId",
        "endpoint/fraud/variant/AllTraffic",
    )
)
BUCKET_ARN = {"Fn::GetAtt": ["Bucket", "Arn"]}
TLS_DENY = {
    "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "s3:*",
    "Resource": [BUCKET_ARN, {"Fn::Join": ["", [BUCKET_ARN, "/*"]]}],
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}  # fmt: skip
TLS12_DENY = {**TLS_DENY, "Condition": {"NumericLessThan": {"s3:TlsVersion": 1.2}}}
KMS_SSE = {
    "BucketKeyEnabled": True,
    "ServerSideEncryptionByDefault": {
        "SSEAlgorithm": "aws:kms",
        "KMSMasterKeyID": {"Fn::GetAtt": ["Key", "Arn"]},
    },
}
BLOCK_ALL = {
    "BlockPublicAcls": True,
    "BlockPublicPolicy": True,
    "IgnorePublicAcls": True,
    "RestrictPublicBuckets": True,
}
STORAGE = {
    "Bucket": res(
        "AWS::S3::Bucket", BucketEncryption={"ServerSideEncryptionConfiguration": [KMS_SSE]},
        PublicAccessBlockConfiguration=BLOCK_ALL, VersioningConfiguration={"Status": "Enabled"},
    ),
    "BucketPolicy": res("AWS::S3::BucketPolicy", Bucket={"Ref": "Bucket"}, PolicyDocument={"Version": "2012-10-17", "Statement": [TLS_DENY, TLS12_DENY]}),
}  # fmt: skip
ROOT = {
    "AWS": {
        "Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::", {"Ref": "AWS::AccountId"}, ":root"]]
    }
}
KEY = {
    "Key": res(
        "AWS::KMS::Key", EnableKeyRotation=True,
        KeyPolicy={"Statement": [{"Effect": "Allow", "Principal": ROOT, "Action": "kms:*", "Resource": "*"}]},
    )
}  # fmt: skip
TRUST = {
    "Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "sts:AssumeRole",
    "Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}},
}  # fmt: skip
PASS_ROLE = {
    "Effect": "Allow", "Action": "iam:PassRole", "Resource": {"Fn::GetAtt": ["Role", "Arn"]},
    "Condition": {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
}  # fmt: skip
READ = {"Effect": "Allow", "Action": ["s3:GetObject", "ec2:Describe*"], "Resource": "*"}
IDENTITY = {
    "Role": res(
        "AWS::IAM::Role", AssumeRolePolicyDocument={"Statement": [TRUST]},
        PermissionsBoundary={"Ref": "Boundary"},
        ManagedPolicyArns=[{"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/AmazonSageMakerReadOnly"}, {"Ref": "Boundary"}],
        Policies=[{"PolicyName": "inline", "PolicyDocument": {"Statement": [PASS_ROLE, READ]}}],
    ),
    "Boundary": res("AWS::IAM::ManagedPolicy", PolicyDocument={"Statement": [READ]}),
    "Policy": res("AWS::IAM::Policy", PolicyName="p", Roles=[{"Ref": "Role"}], PolicyDocument={"Statement": [READ]}),
}  # fmt: skip
TRAIL = {
    "Trail": res(
        "AWS::CloudTrail::Trail", IsLogging=True, S3BucketName={"Ref": "TrailBucket"}, IsMultiRegionTrail=True,
        EnableLogFileValidation=True, KMSKeyId={"Fn::GetAtt": ["Key", "Arn"]},
        CloudWatchLogsLogGroupArn={"Fn::GetAtt": ["TrailLogs", "Arn"]}, CloudWatchLogsRoleArn="arn:aws:iam::1:role/t",
    ),
    "TrailBucket": {**STORAGE["Bucket"], "Properties": {**STORAGE["Bucket"]["Properties"], "ObjectLockEnabled": True}},
    "TrailBucketPolicy": res(
        "AWS::S3::BucketPolicy", Bucket={"Ref": "TrailBucket"},
        PolicyDocument={"Statement": [TLS_DENY, TLS12_DENY]},
    ),
}  # fmt: skip
LOGS = {"Logs": res("AWS::Logs::LogGroup", KmsKeyId={"Fn::GetAtt": ["Key", "Arn"]}, RetentionInDays=365)}
ENDPOINT_SERVICES = [
    "com.amazonaws.eu-west-1.sagemaker.api", "com.amazonaws.eu-west-1.sagemaker.runtime",
    "aws.sagemaker.eu-west-1.notebook", "aws.sagemaker.eu-west-1.studio", "com.amazonaws.eu-west-1.sts",
    {"Fn::Sub": "com.amazonaws.${AWS::Region}.logs"}, "com.amazonaws.eu-west-1.monitoring",
    "com.amazonaws.eu-west-1.ecr.api", "com.amazonaws.eu-west-1.ecr.dkr", "com.amazonaws.eu-west-1.kms",
    "com.amazonaws.eu-west-1.ssm",
]  # fmt: skip
ENDPOINTS = {
    f"Endpoint{i}": res(
        "AWS::EC2::VPCEndpoint", VpcId={"Ref": "Vpc"}, VpcEndpointType="Interface", ServiceName=name,
        PrivateDnsEnabled=True, SecurityGroupIds=SG, SubnetIds=SUBNETS,
    )
    for i, name in enumerate(ENDPOINT_SERVICES)
}  # fmt: skip
ENDPOINTS["S3"] = res(
    "AWS::EC2::VPCEndpoint", VpcId={"Ref": "Vpc"}, VpcEndpointType="Gateway",
    ServiceName={"Fn::Join": ["", ["com.amazonaws.", {"Ref": "AWS::Region"}, ".s3"]]},
)  # fmt: skip
ML_NETWORK = add(NETWORK, **ENDPOINTS)
META = {"Topic": {**res("AWS::SNS::Topic"), "Metadata": {}}}


def with_metadata(resources: dict[str, Any], lid: str, acks: Any) -> dict[str, Any]:
    out = copy.deepcopy(resources)
    out[lid]["Metadata"] = {"cdk_secure_ml": {"acknowledge": acks}}
    return out


NO_PARAM = {"Parameters": {"Free": {"Type": "String"}}}

# (rule, resources, resource, expected verdict, extra template sections)
# fmt: off
CASES: list[tuple[str, str, dict[str, Any], str, str, dict[str, Any]]] = [
    # NET
    ("net1-ok", "SML-NET-1", add(NETWORK, **DOMAIN), "Domain", "pass", {}),
    ("net1-public", "SML-NET-1", mod(add(NETWORK, **DOMAIN), "Domain", "AppNetworkAccessType"), "Domain", "error", {}),
    ("net1-no-sg", "SML-NET-1", mod(add(NETWORK, **DOMAIN), "Domain", "DefaultUserSettings.SecurityGroups"), "Domain", "error", {}),
    ("net1-param", "SML-NET-1", mod(add(NETWORK, **DOMAIN), "Domain", "AppNetworkAccessType", {"Ref": "Free"}), "Domain", "unverified", NO_PARAM),
    ("net2-ok", "SML-NET-2", add(NETWORK, **NOTEBOOK), "Notebook", "pass", {}),
    ("net2-internet", "SML-NET-2", mod(add(NETWORK, **NOTEBOOK), "Notebook", "DirectInternetAccess", "Enabled"), "Notebook", "error", {}),
    ("net2-no-subnet", "SML-NET-2", mod(add(NETWORK, **NOTEBOOK), "Notebook", "SubnetId"), "Notebook", "error", {}),
    ("net3-ok", "SML-NET-3", add(NETWORK, **NOTEBOOK), "Notebook", "pass", {}),
    ("net3-default", "SML-NET-3", mod(add(NETWORK, **NOTEBOOK), "Notebook", "RootAccess"), "Notebook", "error", {}),
    ("net4-ok", "SML-NET-4", add(NETWORK, **NOTEBOOK), "Notebook", "pass", {}),
    ("net4-v1", "SML-NET-4", mod(add(NETWORK, **NOTEBOOK), "Notebook", "InstanceMetadataServiceConfiguration.MinimumInstanceMetadataServiceVersion", "1"), "Notebook", "error", {}),
    ("net5-ok", "SML-NET-5", add(NETWORK, **MODEL), "Model", "pass", {}),
    ("net5-no-vpc", "SML-NET-5", mod(add(NETWORK, **MODEL), "Model", "VpcConfig"), "Model", "error", {}),
    ("net6-ok-azs-index", "SML-NET-6", add(NETWORK, **MODEL), "Model", "pass", {}),
    ("net6-ok-azs-literal", "SML-NET-6", mod(mod(add(NETWORK, **MODEL), "SubA", "AvailabilityZone", "eu-west-1a"), "SubB", "AvailabilityZone", "eu-west-1b"), "Model", "pass", {}),
    ("net6-one-subnet", "SML-NET-6", mod(add(NETWORK, **MODEL), "Model", "VpcConfig.Subnets", [{"Ref": "SubA"}]), "Model", "error", {}),
    ("net6-same-az", "SML-NET-6", mod(add(NETWORK, **MODEL), "SubB", "AvailabilityZone", AZ(0)), "Model", "error", {}),
    ("net6-foreign-subnets", "SML-NET-6", mod(add(NETWORK, **MODEL), "Model", "VpcConfig.Subnets", ["subnet-1", "subnet-2"]), "Model", "unverified", {}),
    ("net5-ic-config-no-vpc", "SML-NET-5", {"Ic": res("AWS::SageMaker::EndpointConfig", ProductionVariants=[{"VariantName": "v", "InstanceType": "ml.m5.large"}])}, "Ic", "error", {}),
    ("net5-ic-config-vpc", "SML-NET-5", add(NETWORK, Ic=res("AWS::SageMaker::EndpointConfig", VpcConfig={"Subnets": SUBNETS, "SecurityGroupIds": SG}, ProductionVariants=[{"VariantName": "v", "InstanceType": "ml.m5.large"}])), "Ic", "pass", {}),
    ("net7-ok", "SML-NET-7", add(NETWORK, **MODEL), "Model", "pass", {}),
    ("net7-ic-config-not-isolated", "SML-NET-7", {"Ic": res("AWS::SageMaker::EndpointConfig", ProductionVariants=[{"VariantName": "v", "InstanceType": "ml.m5.large"}])}, "Ic", "error", {}),
    ("net7-off", "SML-NET-7", mod(add(NETWORK, **MODEL), "Model", "EnableNetworkIsolation", False), "Model", "error", {}),
    ("net8-ok", "SML-NET-8", add(NETWORK, **JOB), "Job", "pass", {}),
    ("net8-no-vpc", "SML-NET-8", mod(add(NETWORK, **JOB), "Job", "NetworkConfig.VpcConfig"), "Job", "error", {}),
    ("net8-schedule-ok", "SML-NET-8", add(NETWORK, **SCHEDULE), "Schedule", "pass", {}),
    ("net8-schedule-by-name", "SML-NET-8", SCHEDULE_BY_NAME, "Schedule", "pass", {}),
    ("net8-schedule-no-network", "SML-NET-8", mod(SCHEDULE, "Schedule", "MonitoringScheduleConfig.MonitoringJobDefinition.NetworkConfig"), "Schedule", "error", {}),
    ("net9-ok", "SML-NET-9", add(NETWORK, **JOB), "Job", "pass", {}),
    ("net9-off", "SML-NET-9", mod(add(NETWORK, **JOB), "Job", "NetworkConfig.EnableNetworkIsolation"), "Job", "error", {}),
    ("net10-ok", "SML-NET-10", add(NETWORK, **SCHEDULE), "Schedule", "pass", {}),
    ("net10-off", "SML-NET-10", mod(add(NETWORK, **SCHEDULE), "Schedule", "MonitoringScheduleConfig.MonitoringJobDefinition.NetworkConfig.EnableInterContainerTrafficEncryption", "false"), "Schedule", "error", {}),
    ("net11-ok", "SML-NET-11", mod(NETWORK, "Sg", "SecurityGroupIngress", [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "SourceSecurityGroupId": "sg-1"}]), "Sg", "pass", {}),
    ("net11-open-v4", "SML-NET-11", mod(NETWORK, "Sg", "SecurityGroupIngress", [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "0.0.0.0/0"}]), "Sg", "error", {}),
    ("net11-open-v6", "SML-NET-11", add(NETWORK, In=res("AWS::EC2::SecurityGroupIngress", GroupId="sg-1", IpProtocol="-1", CidrIpv6="::/0")), "In", "error", {}),
    ("net11-narrow", "SML-NET-11", add(NETWORK, In=res("AWS::EC2::SecurityGroupIngress", GroupId="sg-1", IpProtocol="-1", CidrIp="10.0.0.0/16")), "In", "pass", {}),
    ("net12-igw-ml", "SML-NET-12", add(NETWORK, **MODEL, Igw=res("AWS::EC2::InternetGateway")), "Igw", "error", {}),
    ("net12-igw-not-ml", "SML-NET-12", add(NETWORK, Igw=res("AWS::EC2::InternetGateway")), "Igw", "pass", {}),
    ("net12-nat", "SML-NET-12", add(ML_NETWORK, Nat=res("AWS::EC2::NatGateway", SubnetId={"Ref": "SubA"})), "Nat", "error", {}),
    ("net12-private-nat", "SML-NET-12", add(ML_NETWORK, Nat=res("AWS::EC2::NatGateway", SubnetId={"Ref": "SubA"}, ConnectivityType="private")), "Nat", "pass", {}),
    ("net12-attach-igw", "SML-NET-12", add(ML_NETWORK, Att=res("AWS::EC2::VPCGatewayAttachment", VpcId={"Ref": "Vpc"}, InternetGatewayId="igw-1")), "Att", "error", {}),
    ("net12-attach-vpn", "SML-NET-12", add(ML_NETWORK, Att=res("AWS::EC2::VPCGatewayAttachment", VpcId={"Ref": "Vpc"}, VpnGatewayId="vgw-1")), "Att", "pass", {}),
    ("net13-ok", "SML-NET-13", mod(NETWORK, "SubA", "MapPublicIpOnLaunch", False), "SubA", "pass", {}),
    ("net13-public", "SML-NET-13", mod(NETWORK, "SubA", "MapPublicIpOnLaunch", "true"), "SubA", "error", {}),
    ("net14-ok", "SML-NET-14", ML_NETWORK, "Endpoint0", "pass", {}),
    ("net14-gateway", "SML-NET-14", ML_NETWORK, "S3", "pass", {}),
    ("net14-no-dns", "SML-NET-14", mod(ML_NETWORK, "Endpoint0", "PrivateDnsEnabled"), "Endpoint0", "error", {}),
    ("net15-ok", "SML-NET-15", ML_NETWORK, "Endpoint1", "pass", {}),
    ("net15-default-sg", "SML-NET-15", mod(ML_NETWORK, "Endpoint1", "SecurityGroupIds"), "Endpoint1", "error", {}),
    ("net16-ok", "SML-NET-16", NETWORK, "Vpc", "pass", {}),
    ("net16-no-flow-log", "SML-NET-16", {k: v for k, v in NETWORK.items() if k != "VpcFlowLog"}, "Vpc", "error", {}),
    ("net16-other-vpc", "SML-NET-16", add(NETWORK, Vpc2=res("AWS::EC2::VPC", CidrBlock="10.1.0.0/16")), "Vpc2", "error", {}),
    ("net23-ok", "SML-NET-23", add(ML_NETWORK, **DOMAIN), "Domain", "pass", {}),
    ("net23-no-ingress", "SML-NET-23", {k: v for k, v in add(ML_NETWORK, **DOMAIN).items() if k != "SgSelf"}, "Domain", "error", {}),
    ("net23-model-no-ingress", "SML-NET-23", {k: v for k, v in add(ML_NETWORK, **MODEL).items() if k != "SgSelf"}, "Model", "warning", {}),
    ("net23-imported", "SML-NET-23", mod(add(ML_NETWORK, **DOMAIN), "Domain", "DefaultUserSettings.SecurityGroups", ["sg-0123456789abcdef0"]), "Domain", "unverified", {}),
    ("net24-ok", "SML-NET-24", add(NETWORK, **DOMAIN), "Domain", "pass", {}),
    ("net24-no-self", "SML-NET-24", {k: v for k, v in add(NETWORK, **DOMAIN).items() if k != "SgSelf"}, "Domain", "error", {}),
    ("net24-single-job", "SML-NET-24", {k: v for k, v in add(NETWORK, **JOB).items() if k != "SgSelf"}, "Job", "pass", {}),
    ("net17-ok", "SML-NET-17", ML_NETWORK, "Vpc", "pass", {}),
    ("net17-missing-sts", "SML-NET-17", {k: v for k, v in ML_NETWORK.items() if k != "Endpoint4"}, "Vpc", "warning", {}),
    ("net17-no-s3", "SML-NET-17", {k: v for k, v in ML_NETWORK.items() if k != "S3"}, "Vpc", "warning", {}),
    ("net17-unresolvable", "SML-NET-17", mod({k: v for k, v in ML_NETWORK.items() if k != "Endpoint4"}, "Endpoint3", "ServiceName", {"Fn::ImportValue": "x"}), "Vpc", "unverified", {}),
    # ENC
    ("enc1-ok", "SML-ENC-1", add(NETWORK, **DOMAIN), "Domain", "pass", {}),
    ("enc1-no-key", "SML-ENC-1", mod(add(NETWORK, **DOMAIN), "Domain", "KmsKeyId"), "Domain", "error", {}),
    ("enc2-ok", "SML-ENC-2", add(NETWORK, **NOTEBOOK), "Notebook", "pass", {}),
    ("enc2-no-key", "SML-ENC-2", mod(add(NETWORK, **NOTEBOOK), "Notebook", "KmsKeyId", ""), "Notebook", "error", {}),
    ("enc3-ok", "SML-ENC-3", HOSTING, "Config", "pass", {}),
    ("enc3-no-key", "SML-ENC-3", mod(HOSTING, "Config", "KmsKeyId"), "Config", "error", {}),
    ("enc3-serverless-only", "SML-ENC-3", mod(mod(HOSTING, "Config", "KmsKeyId"), "Config", "ProductionVariants", [SERVERLESS]), "Config", "pass", {}),
    ("enc4-ok", "SML-ENC-4", HOSTING, "Config", "pass", {}),
    ("enc4-capture-no-key", "SML-ENC-4", mod(HOSTING, "Config", "DataCaptureConfig.KmsKeyId"), "Config", "error", {}),
    ("enc4-async-no-key", "SML-ENC-4", mod(HOSTING, "Config", "AsyncInferenceConfig", {"OutputConfig": {"S3OutputPath": "s3://b/o"}}), "Config", "error", {}),
    ("enc5-ok", "SML-ENC-5", JOB, "Job", "pass", {}),
    ("enc5-no-key", "SML-ENC-5", mod(JOB, "Job", "JobResources.ClusterConfig.VolumeKmsKeyId"), "Job", "error", {}),
    ("enc5-schedule-no-key", "SML-ENC-5", mod(SCHEDULE, "Schedule", "MonitoringScheduleConfig.MonitoringJobDefinition.MonitoringResources.ClusterConfig.VolumeKmsKeyId"), "Schedule", "error", {}),
    ("enc6-ok", "SML-ENC-6", SCHEDULE, "Schedule", "pass", {}),
    ("enc6-no-key", "SML-ENC-6", mod(JOB, "Job", "DataQualityJobOutputConfig.KmsKeyId"), "Job", "error", {}),
    ("enc7-ok", "SML-ENC-7", STORAGE, "Bucket", "pass", {}),
    ("enc7-default", "SML-ENC-7", mod(STORAGE, "Bucket", "BucketEncryption"), "Bucket", "error", {}),
    ("enc7-sse-s3", "SML-ENC-7", mod(STORAGE, "Bucket", "BucketEncryption.ServerSideEncryptionConfiguration", [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]), "Bucket", "error", {}),
    ("enc7-aws-managed", "SML-ENC-7", mod(STORAGE, "Bucket", "BucketEncryption.ServerSideEncryptionConfiguration", [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]), "Bucket", "error", {}),
    ("enc7-log-target", "SML-ENC-7", add(mod(STORAGE, "Bucket", "BucketEncryption.ServerSideEncryptionConfiguration", [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]), Source=res("AWS::S3::Bucket", LoggingConfiguration={"DestinationBucketName": {"Ref": "Bucket"}})), "Bucket", "warning", {}),
    ("enc8-ok", "SML-ENC-8", STORAGE, "Bucket", "pass", {}),
    ("enc8-no-policy", "SML-ENC-8", {"Bucket": STORAGE["Bucket"]}, "Bucket", "error", {}),
    ("enc8-allow-only", "SML-ENC-8", mod(STORAGE, "BucketPolicy", "PolicyDocument.Statement", [TLS12_DENY]), "Bucket", "error", {}),
    ("enc8-if-unknown", "SML-ENC-8", mod(STORAGE, "BucketPolicy", "PolicyDocument.Statement", {"Fn::If": ["Unknown", [TLS_DENY], []]}), "Bucket", "unverified", {"Conditions": {"Unknown": {"Fn::Equals": [{"Ref": "AWS::Region"}, "eu-west-1"]}}}),
    ("enc9-ok", "SML-ENC-9", STORAGE, "Bucket", "pass", {}),
    ("enc9-one-off", "SML-ENC-9", mod(STORAGE, "Bucket", "PublicAccessBlockConfiguration.RestrictPublicBuckets", False), "Bucket", "error", {}),
    ("enc9-missing", "SML-ENC-9", mod(STORAGE, "Bucket", "PublicAccessBlockConfiguration"), "Bucket", "error", {}),
    ("enc10-ok", "SML-ENC-10", STORAGE, "Bucket", "pass", {}),
    ("enc10-suspended", "SML-ENC-10", mod(STORAGE, "Bucket", "VersioningConfiguration.Status", "Suspended"), "Bucket", "error", {}),
    ("enc11-ok", "SML-ENC-11", KEY, "Key", "pass", {}),
    ("enc11-off", "SML-ENC-11", mod(KEY, "Key", "EnableKeyRotation"), "Key", "error", {}),
    ("enc11-asymmetric", "SML-ENC-11", mod(mod(KEY, "Key", "EnableKeyRotation"), "Key", "KeySpec", "RSA_2048"), "Key", "pass", {}),
    ("enc12-ok", "SML-ENC-12", KEY, "Key", "pass", {}),
    ("enc12-star", "SML-ENC-12", mod(KEY, "Key", "KeyPolicy.Statement.0.Principal", {"AWS": "*"}), "Key", "error", {}),
    ("enc12-star-with-condition", "SML-ENC-12", mod(mod(KEY, "Key", "KeyPolicy.Statement.0.Principal", "*"), "Key", "KeyPolicy.Statement.0.Condition", {"StringEquals": {"kms:CallerAccount": "1"}}), "Key", "pass", {}),
    ("enc12-caller-account-star", "SML-ENC-12", mod(mod(KEY, "Key", "KeyPolicy.Statement.0.Principal", "*"), "Key", "KeyPolicy.Statement.0.Condition", {"StringLike": {"kms:CallerAccount": "*"}}), "Key", "error", {}),
    ("enc12-param-principal", "SML-ENC-12", mod(KEY, "Key", "KeyPolicy.Statement.0.Principal", {"AWS": {"Ref": "Free"}}), "Key", "unverified", NO_PARAM),
    ("enc13-ok", "SML-ENC-13", LOGS, "Logs", "pass", {}),
    ("enc13-no-key", "SML-ENC-13", mod(LOGS, "Logs", "KmsKeyId"), "Logs", "error", {}),
    ("enc14-ok", "SML-ENC-14", {"Topic": res("AWS::SNS::Topic", KmsMasterKeyId="alias/k")}, "Topic", "pass", {}),
    ("enc14-plain", "SML-ENC-14", {"Topic": res("AWS::SNS::Topic")}, "Topic", "error", {}),
    ("enc15-ok", "SML-ENC-15", {"Fs": res("AWS::EFS::FileSystem", Encrypted=True)}, "Fs", "pass", {}),
    ("enc15-plain", "SML-ENC-15", {"Fs": res("AWS::EFS::FileSystem")}, "Fs", "error", {}),
    ("enc16-ok", "SML-ENC-16", TRAIL, "Trail", "pass", {}),
    ("enc16-no-key", "SML-ENC-16", mod(TRAIL, "Trail", "KMSKeyId"), "Trail", "error", {}),
    ("enc17-ok", "SML-ENC-17", STORAGE, "Bucket", "pass", {}),
    ("enc17-no-tls12", "SML-ENC-17", mod(STORAGE, "BucketPolicy", "PolicyDocument.Statement", [TLS_DENY]), "Bucket", "warning", {}),
    ("enc18-ok", "SML-ENC-18", STORAGE, "Bucket", "pass", {}),
    ("enc18-no-bucket-key", "SML-ENC-18", mod(STORAGE, "Bucket", "BucketEncryption.ServerSideEncryptionConfiguration.0.BucketKeyEnabled"), "Bucket", "warning", {}),
    # IAM
    ("iam1-ok", "SML-IAM-1", IDENTITY, "Role", "pass", {}),
    ("iam1-star", "SML-IAM-1", mod(IDENTITY, "Policy", "PolicyDocument.Statement", [{"Effect": "Allow", "Action": "*", "Resource": "*"}]), "Policy", "error", {}),
    ("iam1-not-action", "SML-IAM-1", mod(IDENTITY, "Boundary", "PolicyDocument.Statement", [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]), "Boundary", "error", {}),
    ("iam1-deny-star", "SML-IAM-1", mod(IDENTITY, "Policy", "PolicyDocument.Statement", [READ, {"Effect": "Deny", "Action": "*", "Resource": "*"}]), "Policy", "pass", {}),
    ("iam2-ok", "SML-IAM-2", IDENTITY, "Policy", "pass", {}),
    ("iam2-service-star", "SML-IAM-2", mod(IDENTITY, "Policy", "PolicyDocument.Statement", [{"Effect": "Allow", "Action": ["sagemaker:*"], "Resource": "*"}]), "Policy", "error", {}),
    ("iam2-scoped", "SML-IAM-2", mod(IDENTITY, "Policy", "PolicyDocument.Statement", [{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"}]), "Policy", "pass", {}),
    ("iam2-arn-pattern", "SML-IAM-2", mod(IDENTITY, "Policy", "PolicyDocument.Statement", [{"Effect": "Allow", "Action": "sagemaker:*", "Resource": {"Fn::Sub": "arn:${AWS::Partition}:sagemaker:*:*:*"}}]), "Policy", "error", {}),
    ("iam2-own-account-pattern", "SML-IAM-2", mod(IDENTITY, "Policy", "PolicyDocument.Statement", [{"Effect": "Allow", "Action": "sagemaker:*", "Resource": {"Fn::Sub": "arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:*"}}]), "Policy", "error", {}),
    ("iam2-one-type", "SML-IAM-2", mod(IDENTITY, "Policy", "PolicyDocument.Statement", [{"Effect": "Allow", "Action": "sagemaker:*", "Resource": {"Fn::Sub": "arn:${AWS::Partition}:sagemaker:*:*:endpoint/team-*"}}]), "Policy", "pass", {}),
    ("iam2-notresource", "SML-IAM-2", mod(IDENTITY, "Policy", "PolicyDocument.Statement", [{"Effect": "Allow", "Action": "sagemaker:*", "NotResource": ["arn:aws:sagemaker:*:*:domain/*"]}]), "Policy", "error", {}),
    ("iam2-deny-notresource", "SML-IAM-2", mod(IDENTITY, "Policy", "PolicyDocument.Statement", [{"Effect": "Deny", "Action": "sagemaker:*", "NotResource": ["arn:aws:sagemaker:*:*:domain/*"]}]), "Policy", "pass", {}),
    ("iam3-ok", "SML-IAM-3", IDENTITY, "Role", "pass", {}),
    ("iam3-notresource", "SML-IAM-3", mod(IDENTITY, "Role", "Policies.0.PolicyDocument.Statement.0", {"Effect": "Allow", "Action": "iam:PassRole", "NotResource": "arn:aws:iam::1:role/admin", "Condition": {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}}), "Role", "error", {}),
    ("iam3-star", "SML-IAM-3", mod(IDENTITY, "Role", "Policies.0.PolicyDocument.Statement.0.Resource", "*"), "Role", "error", {}),
    ("iam3-any-role", "SML-IAM-3", mod(IDENTITY, "Role", "Policies.0.PolicyDocument.Statement.0.Resource", {"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:role/*"}), "Role", "error", {}),
    ("iam4-ok", "SML-IAM-4", IDENTITY, "Role", "pass", {}),
    ("iam4-no-condition", "SML-IAM-4", mod(IDENTITY, "Role", "Policies.0.PolicyDocument.Statement.0.Condition"), "Role", "error", {}),
    ("iam5-ok", "SML-IAM-5", IDENTITY, "Role", "pass", {}),
    ("iam5-full-access", "SML-IAM-5", mod(IDENTITY, "Role", "ManagedPolicyArns", [{"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::aws:policy/AmazonSageMakerFullAccess"]]}]), "Role", "error", {}),
    ("iam5-admin", "SML-IAM-5", mod(IDENTITY, "Role", "ManagedPolicyArns", ["arn:aws:iam::aws:policy/AdministratorAccess"]), "Role", "error", {}),
    ("iam5-imported", "SML-IAM-5", mod(IDENTITY, "Role", "ManagedPolicyArns", [{"Fn::ImportValue": "shared-policy"}]), "Role", "unverified", {}),
    ("iam6-ok", "SML-IAM-6", IDENTITY, "Role", "pass", {}),
    ("iam6-user", "SML-IAM-6", add(IDENTITY, User=res("AWS::IAM::User")), "User", "error", {}),
    ("iam6-key", "SML-IAM-6", add(IDENTITY, AccessKey=res("AWS::IAM::AccessKey", UserName="u")), "AccessKey", "error", {}),
    ("iam7-ok", "SML-IAM-7", IDENTITY, "Role", "pass", {}),
    ("iam7-star", "SML-IAM-7", mod(IDENTITY, "Role", "AssumeRolePolicyDocument.Statement.0.Principal", {"AWS": "*"}), "Role", "error", {}),
    ("iam8-ok", "SML-IAM-8", mod(STORAGE, "BucketPolicy", "PolicyDocument.Statement", [TLS_DENY, {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1"}}}]), "BucketPolicy", "pass", {}),
    ("iam8-https-only-public", "SML-IAM-8", mod(STORAGE, "BucketPolicy", "PolicyDocument.Statement", [TLS_DENY, {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}]), "BucketPolicy", "error", {}),
    ("iam8-org-star", "SML-IAM-8", mod(STORAGE, "BucketPolicy", "PolicyDocument.Statement", [TLS_DENY, {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringLike": {"aws:PrincipalOrgID": ["*"]}}}]), "BucketPolicy", "error", {}),
    ("iam8-org-named", "SML-IAM-8", mod(STORAGE, "BucketPolicy", "PolicyDocument.Statement", [TLS_DENY, {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}, "Bool": {"aws:SecureTransport": "true"}}}]), "BucketPolicy", "pass", {}),
    ("iam8-notprincipal", "SML-IAM-8", mod(STORAGE, "BucketPolicy", "PolicyDocument.Statement", [TLS_DENY, {"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::1:root"}, "Action": "s3:GetObject", "Resource": "*"}]), "BucketPolicy", "error", {}),
    ("iam8-public", "SML-IAM-8", mod(STORAGE, "BucketPolicy", "PolicyDocument.Statement", [TLS_DENY, {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]), "BucketPolicy", "error", {}),
    ("iam8-topic-public", "SML-IAM-8", {"Tp": res("AWS::SNS::TopicPolicy", Topics=["t"], PolicyDocument={"Statement": [{"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": "sns:Publish", "Resource": "*"}]})}, "Tp", "error", {}),
    ("iam9-ok", "SML-IAM-9", IDENTITY, "Role", "pass", {}),
    ("iam9-no-source", "SML-IAM-9", mod(IDENTITY, "Role", "AssumeRolePolicyDocument.Statement.0.Condition"), "Role", "warning", {}),
    ("iam9-other-service", "SML-IAM-9", mod(mod(IDENTITY, "Role", "AssumeRolePolicyDocument.Statement.0.Condition"), "Role", "AssumeRolePolicyDocument.Statement.0.Principal", {"Service": "lambda.amazonaws.com"}), "Role", "pass", {}),
    ("iam10-ok", "SML-IAM-10", IDENTITY, "Role", "pass", {}),
    ("iam10-no-boundary", "SML-IAM-10", mod(IDENTITY, "Role", "PermissionsBoundary"), "Role", "warning", {}),
    # AUD
    ("aud1-ok", "SML-AUD-1", TRAIL, "Trail", "pass", {}),
    ("aud1-single", "SML-AUD-1", mod(TRAIL, "Trail", "IsMultiRegionTrail", False), "Trail", "error", {}),
    ("aud2-ok", "SML-AUD-2", TRAIL, "Trail", "pass", {}),
    ("aud2-off", "SML-AUD-2", mod(TRAIL, "Trail", "EnableLogFileValidation"), "Trail", "error", {}),
    ("aud3-ok", "SML-AUD-3", TRAIL, "Trail", "pass", {}),
    ("aud3-off", "SML-AUD-3", mod(TRAIL, "Trail", "CloudWatchLogsLogGroupArn"), "Trail", "error", {}),
    ("aud4-ok", "SML-AUD-4", LOGS, "Logs", "pass", {}),
    ("aud4-forever", "SML-AUD-4", mod(LOGS, "Logs", "RetentionInDays"), "Logs", "error", {}),
    ("aud5-ok", "SML-AUD-5", TRAIL, "Trail", "pass", {}),
    ("aud5-external-bucket", "SML-AUD-5", mod(TRAIL, "Trail", "S3BucketName", "central-log-archive"), "Trail", "pass", {}),
    ("aud5-no-lock", "SML-AUD-5", mod(TRAIL, "TrailBucket", "ObjectLockEnabled"), "Trail", "warning", {}),
    # HOST
    ("host1-ok", "SML-HOST-1", HOSTING, "Config", "pass", {}),
    ("host1-single", "SML-HOST-1", mod(HOSTING, "Config", "ProductionVariants.0.InitialInstanceCount", 1), "Config", "error", {}),
    ("host1-param-default", "SML-HOST-1", mod(HOSTING, "Config", "ProductionVariants.0.InitialInstanceCount", {"Ref": "Count"}), "Config", "error", {"Parameters": {"Count": {"Type": "Number", "Default": 1}}}),
    ("host1-param-free", "SML-HOST-1", mod(HOSTING, "Config", "ProductionVariants.0.InitialInstanceCount", {"Ref": "Count"}), "Config", "unverified", {"Parameters": {"Count": {"Type": "Number"}}}),
    ("host2-ok", "SML-HOST-2", HOSTING, "Config", "pass", {}),
    ("host2-serverless", "SML-HOST-2", mod(HOSTING, "Config", "ProductionVariants", [VARIANT, SERVERLESS]), "Config", "error", {}),
    ("host3-ok", "SML-HOST-3", HOSTING, "Endpoint", "pass", {}),
    ("host3-ok-by-name", "SML-HOST-3", HOSTING_BY_NAME, "Endpoint", "pass", {}),
    ("host3-no-target", "SML-HOST-3", {k: v for k, v in HOSTING.items() if k not in ("Target", "Scaling")}, "Endpoint", "error", {}),
    ("host3-no-policy", "SML-HOST-3", {k: v for k, v in HOSTING.items() if k != "Scaling"}, "Endpoint", "error", {}),
    ("host4-ok", "SML-HOST-4", HOSTING, "Config", "pass", {}),
    ("host4-no-capture", "SML-HOST-4", mod(HOSTING, "Config", "DataCaptureConfig"), "Config", "warning", {}),
    ("host4-disabled", "SML-HOST-4", mod(HOSTING, "Config", "DataCaptureConfig.EnableCapture", False), "Config", "warning", {}),
    ("host5-ok", "SML-HOST-5", HOSTING, "Target", "pass", {}),
    ("host5-min-one", "SML-HOST-5", mod(HOSTING, "Target", "MinCapacity", 1), "Target", "error", {}),
    # META
    ("meta1-ok", "SML-META-1", with_metadata({"Topic": res("AWS::SNS::Topic")}, "Topic", [{"rule": "SML-ENC-14", "reason": "public announcements only"}]), "Topic", "pass", {}),
    ("meta1-no-reason", "SML-META-1", with_metadata({"Topic": res("AWS::SNS::Topic")}, "Topic", [{"rule": "SML-ENC-14"}]), "Topic", "error", {}),
    ("meta1-blank-reason", "SML-META-1", with_metadata({"Topic": res("AWS::SNS::Topic")}, "Topic", [{"rule": "SML-ENC-14", "reason": "  "}]), "Topic", "error", {}),
    ("meta1-not-a-list", "SML-META-1", with_metadata({"Topic": res("AWS::SNS::Topic")}, "Topic", {"rule": "SML-ENC-14"}), "Topic", "error", {}),
    ("meta2-ok", "SML-META-2", with_metadata({"Topic": res("AWS::SNS::Topic")}, "Topic", [{"rule": "SML-ENC-14", "reason": "r"}]), "Topic", "pass", {}),
    ("meta2-typo", "SML-META-2", with_metadata({"Topic": res("AWS::SNS::Topic")}, "Topic", [{"rule": "SML-ENC-41", "reason": "r"}]), "Topic", "warning", {}),
    ("meta3-unchecked", "SML-META-3", {"Child": res("AWS::CloudFormation::Stack", TemplateURL="https://x/child.json")}, "Child", "warning", {}),
    ("meta3-in-input", "SML-META-3", {"Child": {**res("AWS::CloudFormation::Stack", TemplateURL="https://x"), "Metadata": {"aws:asset:path": "inline.json"}}}, "Child", "pass", {}),
    ("meta4-ok", "SML-META-4", {"Topic": res("AWS::SNS::Topic")}, "", "pass", {}),
    ("meta4-macro", "SML-META-4", {"Topic": res("AWS::SNS::Topic")}, "", "unverified", {"Transform": "TeamMacro"}),
    ("meta4-include", "SML-META-4", {"Topic": res("AWS::SNS::Topic")}, "", "unverified", {"Transform": [{"Name": "AWS::Include", "Parameters": {"Location": "s3://b/k"}}]}),
    ("meta4-foreach-no-transform", "SML-META-4", {"Fn::ForEach::Topics": ["T", ["A", "B"], {"Topic${T}": res("AWS::SNS::Topic")}]}, "", "unverified", {}),
    ("meta4-not-a-mapping", "SML-META-4", {"Topic": res("AWS::SNS::Topic"), "Broken": "AWS::SNS::Topic"}, "Broken", "unverified", {}),
]
# fmt: on
CASES += SHAPES_CASES  # the newer SageMaker shapes (issue 14 kind 5), kept in their own module


@pytest.mark.parametrize(
    ("rule", "resources", "resource", "expected", "sections"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_rule_case(rule: str, resources: dict, resource: str, expected: str, sections: dict) -> None:
    found = findings(template(resources, **sections), rule, resource)
    assert verdict(found) == expected, [f.message for f in found]


#: Rules whose every finding is a "cannot verify" warning (what the check could not read).
CANNOT_VERIFY_RULES = {"SML-META-4"}


def test_every_rule_has_a_compliant_and_a_non_compliant_case() -> None:
    passing = {case[1] for case in CASES if case[4] == "pass"}
    failing = {
        case[1]
        for case in CASES
        if case[4] == RULES_BY_ID[case[1]].severity or (case[1] in CANNOT_VERIFY_RULES and case[4] == "unverified")
    }
    missing = [
        (r.id, r.id in passing, r.id in failing)
        for r in CATALOGUE
        if r.id not in passing or r.id not in failing
    ]
    assert not missing, f"rules without a (compliant, non-compliant) fixture: {missing}"


def test_compliant_building_blocks_have_no_errors() -> None:
    """The good fixtures together are clean (apart from warnings that need cross-template context)."""
    parts = (DOMAIN, NOTEBOOK, MODEL, JOB, SCHEDULE, HOSTING, STORAGE, KEY, IDENTITY, TRAIL, LOGS)
    everything = add(ML_NETWORK, **{k: v for part in parts for k, v in part.items()})
    report = check(template(everything))
    assert report.errors == [], [(f.rule, f.resource, f.message) for f in report.errors]
    assert [(f.rule, f.resource) for f in report.warnings] == [], [f.message for f in report.warnings]
