"""Rules for the newer SageMaker resources that hold data or compute (issue 14 kind 5): Feature Store
(SML-ENC-19, SML-ENC-20), model cards (SML-ENC-21), HyperPod clusters (SML-NET-21, SML-ENC-22) and
managed MLflow's artifact store (SML-ENC-23)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..intrinsics import Unresolved, describe
from ..rule import (
    MISSING,
    Violation,
    as_list,
    cannot_verify,
    cfn_reference_url,
    fail,
    get,
    refers_to,
    require_set,
    rule,
    truth,
)
from ..template import Resource, Template
from ._types import CLUSTER, FEATURE_GROUP, MLFLOW, MODEL_CARD

API = "https://docs.aws.amazon.com/sagemaker/latest/APIReference/"
CONFIG_GUIDE = "https://docs.aws.amazon.com/config/latest/developerguide/"

# -- Feature Store -----------------------------------------------------------------------------------


@rule(
    "SML-ENC-19", "error", "Feature group online stores use a customer-managed key",
    types=(FEATURE_GROUP,),
    rationale="""The online store holds the latest feature values of every record. Without
    OnlineStoreConfig.SecurityConfig.KmsKeyId it is encrypted with an AWS-owned key. AWS Config's
    sagemaker-featuregroup-online-store-encryption checks the same for the Standard storage type, so an
    InMemory online store is not judged here.""",
    remediation="Set OnlineStoreConfig.SecurityConfig.KmsKeyId to the data key.",
    references=(
        f"{CONFIG_GUIDE}sagemaker-featuregroup-online-store-encryption.html",
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-sagemaker-featuregroup-onlinestoresecurityconfig.html",
    ),
)  # fmt: skip
def online_store_key(resource: Resource, template: Template) -> Iterator[Violation]:
    online = get(resource.properties, "OnlineStoreConfig")
    if online is MISSING:
        return  # no online store (EnableOnlineStore defaults to false)
    if isinstance(online, Unresolved):
        yield cannot_verify(f"OnlineStoreConfig is {online.expr}")
        return
    enabled, storage = get(online, "EnableOnlineStore"), get(online, "StorageType")
    if enabled is not MISSING and truth(enabled) is None:
        yield cannot_verify(f"OnlineStoreConfig.EnableOnlineStore is {describe(enabled)}")
    elif truth(enabled) and storage != "InMemory":
        if isinstance(storage, Unresolved):
            yield cannot_verify(f"OnlineStoreConfig.StorageType is {storage.expr}")
        else:
            label = "OnlineStoreConfig.SecurityConfig.KmsKeyId"
            yield from require_set(online, "SecurityConfig.KmsKeyId", label)


@rule(
    "SML-ENC-20", "error", "Feature group offline stores use a customer-managed key",
    types=(FEATURE_GROUP,),
    rationale="""The offline store is the history of every feature value, written to S3. Without
    OfflineStoreConfig.S3StorageConfig.KmsKeyId its objects get the bucket's default encryption only
    (AWS Config: sagemaker-featuregroup-encryption-at-rest).""",
    remediation="""Set OfflineStoreConfig.S3StorageConfig.KmsKeyId to the data key, and S3Uri to the team's
    prefix of the data bucket.""",
    references=(
        f"{CONFIG_GUIDE}sagemaker-featuregroup-encryption-at-rest.html",
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-sagemaker-featuregroup-s3storageconfig.html",
    ),
)  # fmt: skip
def offline_store_key(resource: Resource, template: Template) -> Iterator[Violation]:
    offline = get(resource.properties, "OfflineStoreConfig")
    if isinstance(offline, Unresolved):
        yield cannot_verify(f"OfflineStoreConfig is {offline.expr}")
    elif offline is not MISSING:
        yield from require_set(
            offline, "S3StorageConfig.KmsKeyId", "OfflineStoreConfig.S3StorageConfig.KmsKeyId"
        )


# -- Model cards -------------------------------------------------------------------------------------


@rule(
    "SML-ENC-21", "error", "Model cards are encrypted with a customer-managed key",
    types=(MODEL_CARD,),
    rationale="""A model card describes the model's data, intended use, risks and evaluation results;
    SecurityConfig.KmsKeyId is the key that encrypts it.""",
    remediation="Set SecurityConfig.KmsKeyId to the artifacts key.",
    references=(f"{API}API_ModelCardSecurityConfig.html",),
)  # fmt: skip
def model_card_key(resource: Resource, template: Template) -> Iterator[Violation]:
    yield from require_set(resource.properties, "SecurityConfig.KmsKeyId")


# -- HyperPod ----------------------------------------------------------------------------------------


def _instance_groups(resource: Resource) -> Iterator[tuple[str, Any]]:
    groups = get(resource.properties, "InstanceGroups")
    if isinstance(groups, Unresolved):
        yield "InstanceGroups", groups
        return
    for index, group in enumerate(as_list(groups)):
        name = get(group, "InstanceGroupName")
        yield f"InstanceGroups[{index}]" + (f" ({name})" if isinstance(name, str) else ""), group


@rule(
    "SML-NET-21", "error", "HyperPod clusters run in your VPC",
    types=(CLUSTER,),
    rationale="""Without VpcConfig the cluster's instances are not placed in your subnets: your security
    groups, VPC endpoints and flow logs do not apply to them. An instance group's OverrideVpcConfig must
    name subnets and security groups too.""",
    remediation="""Set VpcConfig with Subnets (private) and SecurityGroupIds; give every
    OverrideVpcConfig both as well.""",
    references=(f"{API}API_CreateCluster.html", f"{API}API_VpcConfig.html"),
)  # fmt: skip
def cluster_in_vpc(resource: Resource, template: Template) -> Iterator[Violation]:
    props = resource.properties
    if get(props, "VpcConfig") is MISSING:
        yield fail("VpcConfig is not set: the cluster's instances run outside your VPC")
    else:
        yield from require_set(props, "VpcConfig.Subnets")
        yield from require_set(props, "VpcConfig.SecurityGroupIds")
    for label, group in _instance_groups(resource):
        if isinstance(group, Unresolved):
            yield cannot_verify(f"{label} is {group.expr}")
            continue
        if get(group, "OverrideVpcConfig") is not MISSING:
            yield from require_set(group, "OverrideVpcConfig.Subnets", f"{label}.OverrideVpcConfig.Subnets")
            yield from require_set(
                group, "OverrideVpcConfig.SecurityGroupIds", f"{label}.OverrideVpcConfig.SecurityGroupIds"
            )


def _group_volume_keys(label: str, group: Any) -> Iterator[Violation]:
    configs = get(group, "InstanceStorageConfigs")
    if isinstance(configs, Unresolved):
        yield cannot_verify(f"{label}.InstanceStorageConfigs is {configs.expr}")
        return
    root_key = False
    for index, config in enumerate(as_list(configs)):
        ebs = get(config, "EbsVolumeConfig")
        if ebs is MISSING:
            continue  # FSx configs: their file systems carry their own keys
        where = f"{label}.InstanceStorageConfigs[{index}].EbsVolumeConfig"
        if isinstance(ebs, Unresolved):
            yield cannot_verify(f"{where} is {ebs.expr}")
            root_key = True  # do not also report the root volume
            continue
        root = truth(get(ebs, "RootVolume"))
        if get(ebs, "VolumeKmsKeyId") is MISSING:
            yield fail(f"{where} has no VolumeKmsKeyId ({'root' if root else 'secondary'} volume)")
        elif root:
            root_key = True
    if not root_key:
        yield fail(
            f"{label} has no EbsVolumeConfig with RootVolume: true and a VolumeKmsKeyId: the root volume "
            "is encrypted with an AWS owned key"
        )


@rule(
    "SML-ENC-22", "error", "HyperPod instance volumes use a customer-managed key",
    types=(CLUSTER,),
    rationale="""Each instance group's EBS volumes hold training data, checkpoints and code. A secondary
    volume takes VolumeKmsKeyId; the root volume is encrypted with an AWS owned key unless an
    EbsVolumeConfig with RootVolume true names a VolumeKmsKeyId.""",
    remediation="""In every instance group's InstanceStorageConfigs, give each EbsVolumeConfig a
    VolumeKmsKeyId (the volumes key) and add one with RootVolume: true and the same key.""",
    references=(f"{API}API_ClusterEbsVolumeConfig.html",),
)  # fmt: skip
def cluster_volume_keys(resource: Resource, template: Template) -> Iterator[Violation]:
    for label, group in _instance_groups(resource):
        if isinstance(group, Unresolved):
            yield cannot_verify(f"{label} is {group.expr}")
        else:
            yield from _group_volume_keys(label, group)


# -- Managed MLflow ----------------------------------------------------------------------------------

_S3_URI = re.compile(r"^s3://([^/]+)")
_KMS_ALGORITHMS = ("aws:kms", "aws:kms:dsse")
_PUBLIC_ACCESS_FLAGS = ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")


def artifact_bucket(uri: Any, template: Template) -> Resource | None:
    """The bucket of the template an ``s3://bucket/prefix`` URI names: by a reference inside it
    (``Fn::Sub``/``Fn::Join`` over the bucket) or by the bucket's literal BucketName."""
    buckets = template.of_type("AWS::S3::Bucket")
    for bucket in buckets:
        if refers_to(uri, bucket.logical_id):
            return bucket
    match = _S3_URI.match(uri) if isinstance(uri, str) else None
    if match:
        for bucket in buckets:
            if bucket.properties.get("BucketName") == match.group(1):
                return bucket
    return None


def _bucket_problems(bucket: Resource) -> list[str]:
    problems = []
    rules = get(bucket.properties, "BucketEncryption.ServerSideEncryptionConfiguration")
    listed = rules if isinstance(rules, list) else []
    defaults = [get(r, "ServerSideEncryptionByDefault") for r in listed]
    customer_key = any(
        get(d, "SSEAlgorithm") in _KMS_ALGORITHMS and get(d, "KMSMasterKeyID") is not MISSING
        for d in defaults
    )
    if not isinstance(rules, Unresolved) and not customer_key:
        problems.append("no SSE-KMS with a customer-managed key")
    block = get(bucket.properties, "PublicAccessBlockConfiguration")
    if not isinstance(block, Unresolved) and not all(truth(get(block, f)) for f in _PUBLIC_ACCESS_FLAGS):
        problems.append("Block Public Access not fully on")
    return problems


@rule(
    "SML-ENC-23", "error", "MLflow artifact stores are in a private, KMS-encrypted bucket",
    types=(MLFLOW,),
    rationale="""The tracking server writes every run's artifacts (models, data samples, plots) to
    ArtifactStoreUri, a general purpose S3 bucket; the server itself takes no KMS key, so the bucket's
    default encryption and Block Public Access are the controls. A bucket outside the template cannot be
    checked.""",
    remediation="""Point ArtifactStoreUri at the team's prefix of the artifacts bucket of the same template
    (SSE-KMS with a customer-managed key, all four Block Public Access flags on).""",
    references=(
        cfn_reference_url(MLFLOW),
        f"{API}API_CreateMlflowTrackingServer.html",
    ),
)  # fmt: skip
def mlflow_artifact_store(resource: Resource, template: Template) -> Iterator[Violation]:
    props = resource.properties
    yield from require_set(props, "RoleArn")
    uri = get(props, "ArtifactStoreUri")
    if uri is MISSING:
        yield fail("ArtifactStoreUri is not set")
        return
    bucket = artifact_bucket(uri, template)
    if bucket is None:
        yield cannot_verify(
            f"ArtifactStoreUri {describe(uri)} is not in a bucket of this template: its encryption and "
            "public access cannot be checked"
        )
        return
    problems = _bucket_problems(bucket)
    if problems:
        yield fail(f"artifact store bucket {bucket.logical_id} has {' and '.join(problems)}")
