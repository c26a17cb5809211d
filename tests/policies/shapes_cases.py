"""Fixtures of the rules for the newer SageMaker shapes (issue 14 kind 5): a compliant twin, a failing
fixture and a "cannot verify" case per rule, in the form of ``test_policy_rule_cases.CASES`` (which runs
them and checks every rule has both a compliant and a non-compliant case)."""

from __future__ import annotations

import copy
import json
from typing import Any

from .sml_helpers import add, mod, res

FREE = {"Parameters": {"Free": {"Type": "String"}}}
SG = ["sg-0123456789abcdef0"]
SUBNETS = ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"]
KEY = "arn:aws:kms:eu-west-1:111122223333:key/11111111-2222-3333-4444-555555555555"
ROLE = "arn:aws:iam::111122223333:role/ml"
DIGEST = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/chat@sha256:" + "ab" * 32

# -- hosting: inference components, SSM access ------------------------------------------------------
IC_VARIANT = {"VariantName": "AllTraffic", "InstanceType": "ml.m5.xlarge", "InitialInstanceCount": 2}
IC_HOSTING = {
    "IcConfig": res(
        "AWS::SageMaker::EndpointConfig", ExecutionRoleArn=ROLE, KmsKeyId=KEY, EnableNetworkIsolation=True,
        VpcConfig={"Subnets": SUBNETS, "SecurityGroupIds": SG}, ProductionVariants=[IC_VARIANT],
    ),
    "IcEndpoint": res("AWS::SageMaker::Endpoint", EndpointConfigName={"Fn::GetAtt": ["IcConfig", "EndpointConfigName"]}),
    "Component": res(
        "AWS::SageMaker::InferenceComponent", EndpointName={"Fn::GetAtt": ["IcEndpoint", "EndpointName"]},
        VariantName="AllTraffic", RuntimeConfig={"CopyCount": 1},
        Specification={"Container": {"Image": DIGEST}, "ComputeResourceRequirements": {"MinMemoryRequiredInMb": 1024}},
    ),
}  # fmt: skip
MODEL_VARIANT = {**IC_VARIANT, "ModelName": "m"}
SSM_CONFIG = {"Config": res("AWS::SageMaker::EndpointConfig", KmsKeyId=KEY, ProductionVariants=[MODEL_VARIANT])}

# -- Studio: domain default space settings, Docker, spaces ------------------------------------------
DOMAIN = {
    "Domain": res(
        "AWS::SageMaker::Domain", DomainName="d", AuthMode="SSO", VpcId="vpc-1", AppNetworkAccessType="VpcOnly",
        SubnetIds=SUBNETS, KmsKeyId=KEY, DefaultUserSettings={"SecurityGroups": SG, "ExecutionRole": ROLE},
        DefaultSpaceSettings={"ExecutionRole": ROLE, "SecurityGroups": SG},
    )
}  # fmt: skip
SPACE = {
    "Space": res(
        "AWS::SageMaker::Space", DomainId={"Fn::GetAtt": ["Domain", "DomainId"]}, SpaceName="alice-lab",
        SpaceSharingSettings={"SharingType": "Private"}, OwnershipSettings={"OwnerUserProfileName": "alice"},
        SpaceSettings={"AppType": "JupyterLab", "RemoteAccess": "DISABLED"},
    )
}  # fmt: skip
SHARED_SPACE = mod(mod(SPACE, "Space", "SpaceSharingSettings.SharingType", "Shared"), "Space", "OwnershipSettings")
DOCKER = mod(DOMAIN, "Domain", "DomainSettings", {"DockerSettings": {"EnableDockerAccess": "DISABLED"}})
IMAGE_VERSION = {"Version": res("AWS::SageMaker::ImageVersion", ImageName="team-image", BaseImage=DIGEST)}

# -- data: Feature Store, model cards, HyperPod, MLflow ---------------------------------------------
FEATURE_GROUP = {
    "Features": res(
        "AWS::SageMaker::FeatureGroup", FeatureGroupName="f", RecordIdentifierFeatureName="id",
        EventTimeFeatureName="t", FeatureDefinitions=[{"FeatureName": "id", "FeatureType": "String"}], RoleArn=ROLE,
        OnlineStoreConfig={"EnableOnlineStore": True, "SecurityConfig": {"KmsKeyId": KEY}},
        OfflineStoreConfig={"S3StorageConfig": {"S3Uri": "s3://data/team/features", "KmsKeyId": KEY}},
    )
}  # fmt: skip
MODEL_CARD = {
    "Card": res(
        "AWS::SageMaker::ModelCard", ModelCardName="c", ModelCardStatus="Draft", Content={},
        SecurityConfig={"KmsKeyId": KEY},
    )
}  # fmt: skip
EBS_ROOT = {"EbsVolumeConfig": {"RootVolume": True, "VolumeKmsKeyId": KEY}}
EBS_DATA = {"EbsVolumeConfig": {"VolumeSizeInGB": 500, "VolumeKmsKeyId": KEY}}
CLUSTER = {
    "Cluster": res(
        "AWS::SageMaker::Cluster", ClusterName="hp", VpcConfig={"Subnets": SUBNETS, "SecurityGroupIds": SG},
        InstanceGroups=[{
            "InstanceGroupName": "workers", "InstanceType": "ml.g5.8xlarge", "InstanceCount": 2, "ExecutionRole": ROLE,
            "LifeCycleConfig": {"SourceS3Uri": "s3://b/lc", "OnCreate": "on_create.sh"},
            "InstanceStorageConfigs": [EBS_ROOT, EBS_DATA],
        }],
    )
}  # fmt: skip
BLOCK_ALL = dict.fromkeys(("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"), True)
KMS_RULE = {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": KEY}}
MLFLOW = {
    "Artifacts": res(
        "AWS::S3::Bucket", BucketEncryption={"ServerSideEncryptionConfiguration": [KMS_RULE]},
        PublicAccessBlockConfiguration=BLOCK_ALL,
    ),
    "Tracking": res(
        "AWS::SageMaker::MlflowTrackingServer", TrackingServerName="team", RoleArn=ROLE,
        ArtifactStoreUri={"Fn::Sub": "s3://${Artifacts}/mlflow/team"},
    ),
}  # fmt: skip

# -- pipelines ----------------------------------------------------------------------------------------
TRAINING_STEP = {
    "Name": "Train", "Type": "Training",
    "Arguments": {
        "RoleArn": ROLE, "VpcConfig": {"Subnets": SUBNETS, "SecurityGroupIds": SG},
        "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 30, "VolumeKmsKeyId": KEY},
        "OutputDataConfig": {"S3OutputPath": "s3://b/out", "KmsKeyId": KEY},
    },
}  # fmt: skip
PROCESSING_STEP = {
    "Name": "Prep", "Type": "Processing",
    "Arguments": {
        "NetworkConfig": {"VpcConfig": {"Subnets": SUBNETS, "SecurityGroupIds": SG}, "EnableNetworkIsolation": True},
        "ProcessingResources": {"ClusterConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1,
                                                  "VolumeSizeInGB": 30, "VolumeKmsKeyId": KEY}},
        "ProcessingOutputConfig": {"Outputs": [], "KmsKeyId": KEY},
    },
}  # fmt: skip
CONDITION_STEP = {"Name": "Check", "Type": "Condition", "Arguments": {"IfSteps": [TRAINING_STEP], "ElseSteps": []}}


def pipeline(*steps: dict[str, Any]) -> dict[str, Any]:
    body = json.dumps({"Version": "2020-12-01", "Steps": list(steps)})
    return {"Pipe": res("AWS::SageMaker::Pipeline", PipelineName="p", RoleArn=ROLE,
                        PipelineDefinition={"PipelineDefinitionBody": body})}  # fmt: skip


def step_without(step: dict[str, Any], path: str) -> dict[str, Any]:
    out = copy.deepcopy(step)
    node = out["Arguments"]
    *parents, last = path.split(".")
    for key in parents:
        node = node[key]
    del node[last]
    return out


# -- resource policies --------------------------------------------------------------------------------
ORG_READ = {
    "Effect": "Allow", "Principal": "*", "Action": ["sagemaker:DescribeModelPackage"], "Resource": "*",
    "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}},
}  # fmt: skip
PACKAGE_GROUP = {"Group": res("AWS::SageMaker::ModelPackageGroup", ModelPackageGroupName="g",
                              ModelPackageGroupPolicy={"Version": "2012-10-17", "Statement": [ORG_READ]})}  # fmt: skip
REPO = {"Repo": res("AWS::ECR::Repository", RepositoryPolicyText=json.dumps({"Statement": [
    {**ORG_READ, "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]}]}))}  # fmt: skip

# (id, rule, resources, resource, expected verdict, extra template sections)
# fmt: off
SHAPES_CASES: list[tuple[str, str, dict[str, Any], str, str, dict[str, Any]]] = [
    # SML-HOST-6: inference components
    ("host6-ok", "SML-HOST-6", IC_HOSTING, "Component", "pass", {}),
    ("host6-config-no-vpc", "SML-HOST-6", mod(IC_HOSTING, "IcConfig", "VpcConfig"), "Component", "error", {}),
    ("host6-config-not-isolated", "SML-HOST-6", mod(IC_HOSTING, "IcConfig", "EnableNetworkIsolation", False), "Component", "error", {}),
    ("host6-endpoint-by-name", "SML-HOST-6", mod(mod(IC_HOSTING, "IcEndpoint", "EndpointName", "llm"), "Component", "EndpointName", "llm"), "Component", "pass", {}),
    ("host6-foreign-endpoint", "SML-HOST-6", mod(IC_HOSTING, "Component", "EndpointName", "shared-llm"), "Component", "unverified", {}),
    ("host6-variants-unresolved", "SML-HOST-6", mod(IC_HOSTING, "IcConfig", "ProductionVariants", {"Ref": "Free"}), "Component", "unverified", FREE),
    # SML-NET-5/7 on inference-component endpoint configs whose variants cannot be read
    ("net5-ic-variants-unresolved", "SML-NET-5", mod(IC_HOSTING, "IcConfig", "ProductionVariants", [{"Ref": "Free"}]), "IcConfig", "unverified", FREE),
    ("net7-ic-variants-unresolved", "SML-NET-7", mod(IC_HOSTING, "IcConfig", "ProductionVariants", {"Ref": "Free"}), "IcConfig", "unverified", FREE),
    # SML-HOST-7: SSM access
    ("host7-ok", "SML-HOST-7", SSM_CONFIG, "Config", "pass", {}),
    ("host7-explicit-off", "SML-HOST-7", mod(SSM_CONFIG, "Config", "ProductionVariants.0.EnableSSMAccess", False), "Config", "pass", {}),
    ("host7-ssm-on", "SML-HOST-7", mod(SSM_CONFIG, "Config", "ProductionVariants.0.EnableSSMAccess", True), "Config", "error", {}),
    ("host7-shadow-ssm-on", "SML-HOST-7", mod(SSM_CONFIG, "Config", "ShadowProductionVariants", [{**MODEL_VARIANT, "EnableSSMAccess": "true"}]), "Config", "error", {}),
    ("host7-param", "SML-HOST-7", mod(SSM_CONFIG, "Config", "ProductionVariants.0.EnableSSMAccess", {"Ref": "Free"}), "Config", "unverified", FREE),
    # SML-NET-18: default space settings
    ("net18-ok", "SML-NET-18", add(DOMAIN, **SHARED_SPACE), "Domain", "pass", {}),
    ("net18-no-settings-no-shared", "SML-NET-18", add(mod(DOMAIN, "Domain", "DefaultSpaceSettings"), **SPACE), "Domain", "pass", {}),
    ("net18-shared-without-settings", "SML-NET-18", add(mod(DOMAIN, "Domain", "DefaultSpaceSettings"), **SHARED_SPACE), "Domain", "error", {}),
    ("net18-no-security-groups", "SML-NET-18", mod(DOMAIN, "Domain", "DefaultSpaceSettings.SecurityGroups"), "Domain", "error", {}),
    ("net18-param", "SML-NET-18", mod(DOMAIN, "Domain", "DefaultSpaceSettings", {"Ref": "Free"}), "Domain", "unverified", FREE),
    # SML-NET-19: Docker access
    ("net19-ok", "SML-NET-19", DOCKER, "Domain", "pass", {}),
    ("net19-enabled", "SML-NET-19", mod(DOCKER, "Domain", "DomainSettings.DockerSettings.EnableDockerAccess", "ENABLED"), "Domain", "warning", {}),
    ("net19-param", "SML-NET-19", mod(DOCKER, "Domain", "DomainSettings.DockerSettings.EnableDockerAccess", {"Ref": "Free"}), "Domain", "unverified", FREE),
    # SML-NET-20: remote access
    ("net20-ok", "SML-NET-20", add(DOMAIN, **SPACE), "Space", "pass", {}),
    ("net20-enabled", "SML-NET-20", mod(add(DOMAIN, **SPACE), "Space", "SpaceSettings.RemoteAccess", "ENABLED"), "Space", "error", {}),
    ("net20-param", "SML-NET-20", mod(add(DOMAIN, **SPACE), "Space", "SpaceSettings.RemoteAccess", {"Ref": "Free"}), "Space", "unverified", FREE),
    # SML-IAM-11: private spaces
    ("iam11-ok", "SML-IAM-11", add(DOMAIN, **SPACE), "Space", "pass", {}),
    ("iam11-shared", "SML-IAM-11", add(DOMAIN, **SHARED_SPACE), "Space", "warning", {}),
    ("iam11-unset", "SML-IAM-11", mod(add(DOMAIN, **SPACE), "Space", "SpaceSharingSettings"), "Space", "warning", {}),
    ("iam11-private-no-owner", "SML-IAM-11", mod(add(DOMAIN, **SPACE), "Space", "OwnershipSettings"), "Space", "warning", {}),
    ("iam11-param", "SML-IAM-11", mod(add(DOMAIN, **SPACE), "Space", "SpaceSharingSettings.SharingType", {"Ref": "Free"}), "Space", "unverified", FREE),
    # SML-AUD-6: images pinned by digest
    ("aud6-ok", "SML-AUD-6", IMAGE_VERSION, "Version", "pass", {}),
    ("aud6-tag", "SML-AUD-6", mod(IMAGE_VERSION, "Version", "BaseImage", "111122223333.dkr.ecr.eu-west-1.amazonaws.com/team:latest"), "Version", "warning", {}),
    ("aud6-component-tag", "SML-AUD-6", mod(IC_HOSTING, "Component", "Specification.Container.Image", "repo/chat:v1"), "Component", "warning", {}),
    ("aud6-component-model", "SML-AUD-6", mod(IC_HOSTING, "Component", "Specification", {"ModelName": "m"}), "Component", "pass", {}),
    ("aud6-param", "SML-AUD-6", mod(IMAGE_VERSION, "Version", "BaseImage", {"Ref": "Free"}), "Version", "unverified", FREE),
    # SML-ENC-19/20: Feature Store
    ("enc19-ok", "SML-ENC-19", FEATURE_GROUP, "Features", "pass", {}),
    ("enc19-no-key", "SML-ENC-19", mod(FEATURE_GROUP, "Features", "OnlineStoreConfig.SecurityConfig"), "Features", "error", {}),
    ("enc19-online-off", "SML-ENC-19", mod(mod(FEATURE_GROUP, "Features", "OnlineStoreConfig.SecurityConfig"), "Features", "OnlineStoreConfig.EnableOnlineStore", False), "Features", "pass", {}),
    ("enc19-in-memory", "SML-ENC-19", mod(mod(FEATURE_GROUP, "Features", "OnlineStoreConfig.SecurityConfig"), "Features", "OnlineStoreConfig.StorageType", "InMemory"), "Features", "pass", {}),
    ("enc19-param", "SML-ENC-19", mod(FEATURE_GROUP, "Features", "OnlineStoreConfig.EnableOnlineStore", {"Ref": "Free"}), "Features", "unverified", FREE),
    ("enc20-ok", "SML-ENC-20", FEATURE_GROUP, "Features", "pass", {}),
    ("enc20-no-key", "SML-ENC-20", mod(FEATURE_GROUP, "Features", "OfflineStoreConfig.S3StorageConfig.KmsKeyId"), "Features", "error", {}),
    ("enc20-param", "SML-ENC-20", mod(FEATURE_GROUP, "Features", "OfflineStoreConfig", {"Ref": "Free"}), "Features", "unverified", FREE),
    # SML-ENC-21: model cards
    ("enc21-ok", "SML-ENC-21", MODEL_CARD, "Card", "pass", {}),
    ("enc21-no-key", "SML-ENC-21", mod(MODEL_CARD, "Card", "SecurityConfig"), "Card", "error", {}),
    ("enc21-param", "SML-ENC-21", mod(MODEL_CARD, "Card", "SecurityConfig", {"Ref": "Free"}), "Card", "pass", FREE),
    # SML-NET-21 / SML-ENC-22: HyperPod
    ("net21-ok", "SML-NET-21", CLUSTER, "Cluster", "pass", {}),
    ("net21-no-vpc", "SML-NET-21", mod(CLUSTER, "Cluster", "VpcConfig"), "Cluster", "error", {}),
    ("net21-override-no-sg", "SML-NET-21", mod(CLUSTER, "Cluster", "InstanceGroups.0.OverrideVpcConfig", {"Subnets": SUBNETS}), "Cluster", "error", {}),
    ("net21-groups-param", "SML-NET-21", mod(CLUSTER, "Cluster", "InstanceGroups", {"Ref": "Free"}), "Cluster", "unverified", FREE),
    ("enc22-ok", "SML-ENC-22", CLUSTER, "Cluster", "pass", {}),
    ("enc22-no-root-key", "SML-ENC-22", mod(CLUSTER, "Cluster", "InstanceGroups.0.InstanceStorageConfigs", [EBS_DATA]), "Cluster", "error", {}),
    ("enc22-data-no-key", "SML-ENC-22", mod(CLUSTER, "Cluster", "InstanceGroups.0.InstanceStorageConfigs.1.EbsVolumeConfig.VolumeKmsKeyId"), "Cluster", "error", {}),
    ("enc22-param", "SML-ENC-22", mod(CLUSTER, "Cluster", "InstanceGroups.0.InstanceStorageConfigs", {"Ref": "Free"}), "Cluster", "unverified", FREE),
    # SML-ENC-23: MLflow artifact store
    ("enc23-ok", "SML-ENC-23", MLFLOW, "Tracking", "pass", {}),
    ("enc23-ok-by-name", "SML-ENC-23", mod(mod(MLFLOW, "Artifacts", "BucketName", "team-artifacts"), "Tracking", "ArtifactStoreUri", "s3://team-artifacts/mlflow"), "Tracking", "pass", {}),
    ("enc23-sse-s3", "SML-ENC-23", mod(MLFLOW, "Artifacts", "BucketEncryption.ServerSideEncryptionConfiguration", [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]), "Tracking", "error", {}),
    ("enc23-public", "SML-ENC-23", mod(MLFLOW, "Artifacts", "PublicAccessBlockConfiguration"), "Tracking", "error", {}),
    ("enc23-foreign-bucket", "SML-ENC-23", mod(MLFLOW, "Tracking", "ArtifactStoreUri", "s3://somewhere-else/mlflow"), "Tracking", "unverified", {}),
    # SML-NET-22 / SML-ENC-24: pipelines
    ("net22-ok", "SML-NET-22", pipeline(PROCESSING_STEP, CONDITION_STEP), "Pipe", "pass", {}),
    ("net22-training-no-vpc", "SML-NET-22", pipeline(step_without(TRAINING_STEP, "VpcConfig")), "Pipe", "error", {}),
    ("net22-nested-no-vpc", "SML-NET-22", pipeline({**CONDITION_STEP, "Arguments": {"IfSteps": [step_without(PROCESSING_STEP, "NetworkConfig.VpcConfig")]}}), "Pipe", "error", {}),
    ("net22-runtime-subnets", "SML-NET-22", pipeline({**TRAINING_STEP, "Arguments": {**TRAINING_STEP["Arguments"], "VpcConfig": {"Subnets": {"Get": "Parameters.Subnets"}, "SecurityGroupIds": SG}}}), "Pipe", "unverified", {}),
    ("net22-s3-definition", "SML-NET-22", mod(pipeline(), "Pipe", "PipelineDefinition", {"PipelineDefinitionS3Location": {"Bucket": "b", "Key": "k"}}), "Pipe", "unverified", {}),
    ("net22-sub-body", "SML-NET-22", mod(pipeline(), "Pipe", "PipelineDefinition.PipelineDefinitionBody", {"Fn::Sub": json.dumps({"Steps": [step_without(TRAINING_STEP, "VpcConfig")], "Role": "${AWS::AccountId}"})}), "Pipe", "error", {}),
    ("enc24-ok", "SML-ENC-24", pipeline(TRAINING_STEP, PROCESSING_STEP), "Pipe", "pass", {}),
    ("enc24-no-volume-key", "SML-ENC-24", pipeline(step_without(TRAINING_STEP, "ResourceConfig.VolumeKmsKeyId")), "Pipe", "error", {}),
    ("enc24-nvme-no-volume-key", "SML-ENC-24", pipeline({**step_without(TRAINING_STEP, "ResourceConfig.VolumeKmsKeyId"), "Arguments": {**step_without(TRAINING_STEP, "ResourceConfig.VolumeKmsKeyId")["Arguments"], "ResourceConfig": {"InstanceType": "ml.g5.xlarge", "InstanceCount": 1}}}), "Pipe", "pass", {}),
    ("enc24-no-output-key", "SML-ENC-24", pipeline(step_without(PROCESSING_STEP, "ProcessingOutputConfig.KmsKeyId")), "Pipe", "error", {}),
    ("enc24-param", "SML-ENC-24", mod(pipeline(), "Pipe", "PipelineDefinition", {"Ref": "Free"}), "Pipe", "unverified", FREE),
    # SML-IAM-12: model registry and ECR repository policies
    ("iam12-ok", "SML-IAM-12", add(PACKAGE_GROUP, **REPO), "Group", "pass", {}),
    ("iam12-repo-ok", "SML-IAM-12", REPO, "Repo", "pass", {}),
    ("iam12-public-group", "SML-IAM-12", mod(PACKAGE_GROUP, "Group", "ModelPackageGroupPolicy.Statement.0.Condition"), "Group", "error", {}),
    ("iam12-org-star", "SML-IAM-12", mod(PACKAGE_GROUP, "Group", "ModelPackageGroupPolicy.Statement.0.Condition", {"StringLike": {"aws:PrincipalOrgID": "*"}}), "Group", "error", {}),
    ("iam12-public-repo", "SML-IAM-12", mod(REPO, "Repo", "RepositoryPolicyText", {"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "ecr:*"}]}), "Repo", "error", {}),
    ("iam12-notprincipal", "SML-IAM-12", mod(REPO, "Repo", "RepositoryPolicyText", {"Statement": [{"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "ecr:BatchGetImage"}]}), "Repo", "error", {}),
    ("iam12-cross-account", "SML-IAM-12", mod(PACKAGE_GROUP, "Group", "ModelPackageGroupPolicy.Statement.0", {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "sagemaker:DescribeModelPackage", "Resource": "*"}), "Group", "warning", {}),
    ("iam12-own-account", "SML-IAM-12", mod(PACKAGE_GROUP, "Group", "ModelPackageGroupPolicy.Statement.0", {"Effect": "Allow", "Principal": {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}}, "Action": "sagemaker:DescribeModelPackage", "Resource": "*"}), "Group", "pass", {}),
    ("iam12-param", "SML-IAM-12", mod(REPO, "Repo", "RepositoryPolicyText", {"Ref": "Free"}), "Repo", "unverified", FREE),
    ("iam12-not-json", "SML-IAM-12", mod(REPO, "Repo", "RepositoryPolicyText", "{not json"), "Repo", "unverified", {}),
]
# fmt: on
