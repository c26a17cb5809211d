"""Encryption rules (SML-ENC-*): customer-managed KMS keys everywhere, TLS-only S3, key hygiene."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...core.instance_types import has_instance_storage
from ..iam_document import (
    action_grants,
    action_patterns,
    is_wildcard_principal,
    statements,
    unconditioned_wildcard_principals,
)
from ..intrinsics import Unresolved, describe
from ..rule import (
    MISSING,
    Violation,
    as_list,
    cannot_verify,
    fail,
    get,
    refers_to,
    require_set,
    require_true,
    rule,
    truth,
    warn,
)
from ..template import Resource, Template
from ._types import (
    DOMAIN,
    ENDPOINT_CONFIG,
    JOB_DEFINITIONS,
    JOB_TYPES,
    NOTEBOOK,
    SCHEDULE,
    is_serverless,
    job_definition,
    production_variants,
)

BUCKET = "AWS::S3::Bucket"
BUCKET_POLICY = "AWS::S3::BucketPolicy"
KMS_ALGORITHMS = ("aws:kms", "aws:kms:dsse")


@rule(
    "SML-ENC-1", "error", "Studio domain encrypts its home EFS with a customer-managed key",
    types=(DOMAIN,),
    rationale="""The domain's EFS volume holds every user's notebooks and data; without KmsKeyId it uses
    an AWS-managed key.""",
    remediation="Set KmsKeyId to the volumes key (EncryptionKeys.volumes).",
)  # fmt: skip
def domain_kms(resource: Resource, template: Template) -> Iterator[Violation]:
    yield from require_set(resource.properties, "KmsKeyId")


@rule(
    "SML-ENC-2", "error", "Notebook instance volume uses a customer-managed key",
    types=(NOTEBOOK,),
    rationale="Without KmsKeyId the notebook's ML storage volume is encrypted with an AWS-managed key only.",
    remediation="Set KmsKeyId to the volumes key.",
)  # fmt: skip
def notebook_kms(resource: Resource, template: Template) -> Iterator[Violation]:
    yield from require_set(resource.properties, "KmsKeyId")


@rule(
    "SML-ENC-3", "error", "Endpoint config encrypts instance storage with a customer-managed key",
    types=(ENDPOINT_CONFIG,),
    rationale="""KmsKeyId encrypts the ML storage volume of every hosting instance (model artifacts,
    temporary data).""",
    remediation="""Set KmsKeyId to the volumes key. Instance types with local NVMe storage (ml.g5, ml.p4d,
    ml.m5d …: core/instance_types.py) refuse KmsKeyId, their instance store being encrypted by the
    hardware: leave it unset there (this rule then passes), and give EBS-backed variants their own
    endpoint config.""",
    references=("https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateEndpointConfig.html",),
)  # fmt: skip
def endpoint_config_kms(resource: Resource, template: Template) -> Iterator[Violation]:
    variants = production_variants(resource)
    if isinstance(variants, list) and variants and all(is_serverless(v) for v in variants):
        return  # serverless endpoints take no volume key (SML-HOST-2 reports them)
    hosted = [v for v in variants if not is_serverless(v)] if isinstance(variants, list) else []
    local = [t for v in hosted if isinstance(t := get(v, "InstanceType"), str) and has_instance_storage(t)]
    if not local:
        yield from require_set(resource.properties, "KmsKeyId")
    elif get(resource.properties, "KmsKeyId") is not MISSING:
        yield fail(
            f"KmsKeyId is set, but {local[0]} has local NVMe instance storage (encrypted by the hardware): "
            "CreateEndpointConfig refuses a volume key there and the deployment fails; remove KmsKeyId"
        )
    elif len(local) < len(hosted):
        yield warn(
            f"KmsKeyId cannot be set because {local[0]} has local instance storage, so the EBS volumes of "
            "the other variants get no customer-managed key; give them their own endpoint config"
        )


@rule(
    "SML-ENC-4", "error", "Data capture and async inference output use a customer-managed key",
    types=(ENDPOINT_CONFIG,),
    rationale="Captured requests/responses and async results are inference data written to S3.",
    remediation="""Set DataCaptureConfig.KmsKeyId and AsyncInferenceConfig.OutputConfig.KmsKeyId to the
    data key.""",
)  # fmt: skip
def capture_kms(resource: Resource, template: Template) -> Iterator[Violation]:
    props = resource.properties
    capture = get(props, "DataCaptureConfig")
    if isinstance(capture, Unresolved):
        yield cannot_verify(f"DataCaptureConfig is {capture.expr}")
    elif capture is not MISSING and truth(get(capture, "EnableCapture")) is not False:
        yield from require_set(props, "DataCaptureConfig.KmsKeyId")
    output = get(props, "AsyncInferenceConfig.OutputConfig")
    if isinstance(output, Unresolved):
        yield cannot_verify(f"AsyncInferenceConfig.OutputConfig is {output.expr}")
    elif output is not MISSING:
        yield from require_set(props, "AsyncInferenceConfig.OutputConfig.KmsKeyId")


def _job_paths(resource: Resource) -> tuple[str, str, str]:
    """(prefix, volume key path, output key path) of a job definition or an inline schedule definition."""
    if resource.type == SCHEDULE:
        return (
            "MonitoringScheduleConfig.MonitoringJobDefinition.",
            "MonitoringResources.ClusterConfig.VolumeKmsKeyId",
            "MonitoringOutputConfig.KmsKeyId",
        )
    return "", "JobResources.ClusterConfig.VolumeKmsKeyId", f"{JOB_DEFINITIONS[resource.type]}.KmsKeyId"


def _job_key(resource: Resource, volume: bool) -> Iterator[Violation]:
    body = job_definition(resource)
    if body is None:
        return
    prefix, volume_path, output_path = _job_paths(resource)
    if isinstance(body, Unresolved):
        yield cannot_verify(f"{prefix.rstrip('.')} is {body.expr}")
        return
    path = volume_path if volume else output_path
    instance_type = get(body, volume_path.rsplit(".", 1)[0] + ".InstanceType")
    if volume and isinstance(instance_type, str) and has_instance_storage(instance_type):
        # https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProcessingClusterConfig.html
        if get(body, path) is not MISSING:
            yield fail(
                f"{prefix + path} is set, but {instance_type} has local NVMe instance storage (encrypted by "
                "the hardware): SageMaker refuses a volume key there; remove it"
            )
        return
    yield from require_set(body, path, prefix + path)


@rule(
    "SML-ENC-5", "error", "Monitoring job volumes use a customer-managed key",
    types=JOB_TYPES,
    rationale="""Processing volumes hold the captured inference data the job analyses. Instance types with
    local NVMe storage refuse a volume key (their instance store is encrypted by the hardware).""",
    remediation="""Set ClusterConfig.VolumeKmsKeyId to the volumes key; on an instance-store type
    (core/instance_types.py) leave it unset.""",
    references=("https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProcessingClusterConfig.html",),
)  # fmt: skip
def job_volume_kms(resource: Resource, template: Template) -> Iterator[Violation]:
    yield from _job_key(resource, volume=True)


@rule(
    "SML-ENC-6", "error", "Monitoring job output uses a customer-managed key",
    types=JOB_TYPES,
    rationale="Monitoring reports and constraint violations are written to S3 and describe the data.",
    remediation="Set the job output config's KmsKeyId to the data or artifacts key.",
)  # fmt: skip
def job_output_kms(resource: Resource, template: Template) -> Iterator[Violation]:
    yield from _job_key(resource, volume=False)


# -- S3 ----------------------------------------------------------------------------------------------


def bucket_policies(template: Template) -> dict[str, list[Resource]]:
    """Bucket logical id -> the bucket policies in the template that apply to it."""
    if "bucket_policies" not in template.cache:
        names = {
            b.properties.get("BucketName"): b.logical_id
            for b in template.of_type(BUCKET)
            if isinstance(b.properties.get("BucketName"), str)
        }
        index: dict[str, list[Resource]] = {}
        for policy in template.of_type(BUCKET_POLICY):
            target = policy.properties.get("Bucket")
            ids = (
                set(target.refs)
                if isinstance(target, Unresolved)
                else {names.get(target)}
                if isinstance(target, str)
                else set()
            )
            for logical_id in ids:
                if logical_id is not None:
                    index.setdefault(logical_id, []).append(policy)
        template.cache["bucket_policies"] = index
    return template.cache["bucket_policies"]


def is_access_log_target(bucket: Resource, template: Template) -> bool:
    """Another bucket of the template delivers its server access logs to this one."""
    name = bucket.properties.get("BucketName")
    for other in template.of_type(BUCKET):
        destination = get(other.properties, "LoggingConfiguration.DestinationBucketName")
        if destination is MISSING or other is bucket:
            continue
        if refers_to(destination, bucket.logical_id) or (isinstance(name, str) and destination == name):
            return True
    return False


def _sse_rules(bucket: Resource) -> list[Any] | Unresolved | None:
    rules = get(bucket.properties, "BucketEncryption.ServerSideEncryptionConfiguration")
    if rules is MISSING:
        return None
    return rules if isinstance(rules, Unresolved) else as_list(rules)


@rule(
    "SML-ENC-7", "error", "S3 buckets use SSE-KMS with a customer-managed key",
    types=(BUCKET,),
    rationale="""SSE-S3 (the default) cannot be audited or revoked per key. Exception: S3 server access
    logs can only be delivered to SSE-S3 buckets, so SSE-S3 on an access-log target bucket of the same
    template is reported as a warning.""",
    remediation="""Set BucketEncryption with SSEAlgorithm aws:kms (or aws:kms:dsse) and KMSMasterKeyID
    set to a customer-managed key (SecureBucket does this).""",
)  # fmt: skip
def bucket_sse_kms(resource: Resource, template: Template) -> Iterator[Violation]:
    rules = _sse_rules(resource)
    if isinstance(rules, Unresolved):
        yield cannot_verify(f"BucketEncryption.ServerSideEncryptionConfiguration is {rules.expr}")
        return
    log_target = is_access_log_target(resource, template)
    if not rules:
        message = "no BucketEncryption: S3 applies SSE-S3 (AES256), not a customer-managed KMS key"
        yield warn(message + " (accepted on a server-access-log target)") if log_target else fail(message)
        return
    for index, entry in enumerate(rules):
        algorithm = get(entry, "ServerSideEncryptionByDefault.SSEAlgorithm")
        where = f"ServerSideEncryptionConfiguration[{index}]"
        if isinstance(algorithm, Unresolved):
            yield cannot_verify(f"{where} SSEAlgorithm is {algorithm.expr}")
        elif algorithm in KMS_ALGORITHMS:
            if get(entry, "ServerSideEncryptionByDefault.KMSMasterKeyID") is MISSING:
                yield fail(f"{where} uses {algorithm} with the AWS-managed key aws/s3; set KMSMasterKeyID")
        elif log_target and algorithm == "AES256":
            yield warn(
                f"{where} uses SSE-S3 (AES256): accepted because this bucket receives server access logs, "
                "which S3 delivers only to SSE-S3 buckets"
            )
        else:
            yield fail(f"{where} SSEAlgorithm is {describe(algorithm)}; expected aws:kms or aws:kms:dsse")


@rule(
    "SML-ENC-18", "warning", "SSE-KMS buckets use an S3 bucket key",
    types=(BUCKET,),
    rationale="""Without a bucket key every object operation calls KMS: cost and throttling at ML data
    volumes.""",
    remediation="Set BucketKeyEnabled: true in the server-side encryption rule.",
)  # fmt: skip
def bucket_key(resource: Resource, template: Template) -> Iterator[Violation]:
    rules = _sse_rules(resource)
    if not isinstance(rules, list):
        return
    for index, entry in enumerate(rules):
        if get(entry, "ServerSideEncryptionByDefault.SSEAlgorithm") == "aws:kms":
            enabled = truth(get(entry, "BucketKeyEnabled"))
            if enabled is None and get(entry, "BucketKeyEnabled") is not MISSING:
                yield cannot_verify(
                    f"ServerSideEncryptionConfiguration[{index}].BucketKeyEnabled is unresolved"
                )
            elif not enabled:
                yield fail(f"ServerSideEncryptionConfiguration[{index}] has no bucket key")


def _deny_statements(resource: Resource, template: Template) -> Iterator[dict[str, Any] | Unresolved]:
    for policy in bucket_policies(template).get(resource.logical_id, ()):
        for _, statement in statements(policy.properties.get("PolicyDocument")):
            if isinstance(statement, Unresolved) or statement.get("Effect") == "Deny":
                yield statement


def _covers_objects(statement: dict[str, Any]) -> bool:
    patterns = action_patterns(statement)
    return any(action_grants(p, "s3:GetObject") for p in patterns) and any(
        action_grants(p, "s3:PutObject") for p in patterns
    )


def _condition_value(statement: dict[str, Any], operators: tuple[str, ...], key: str) -> Any:
    condition = statement.get("Condition")
    if not isinstance(condition, dict):
        return MISSING
    for operator, block in condition.items():
        if operator in operators and isinstance(block, dict):
            for name, value in block.items():
                if name.lower() == key.lower():
                    return value
    return MISSING


def _tls_check(resource: Resource, template: Template, matches) -> tuple[bool, bool]:
    found = unresolved = False
    for statement in _deny_statements(resource, template):
        if isinstance(statement, Unresolved):
            unresolved = True
        elif (
            is_wildcard_principal(statement.get("Principal"))
            and _covers_objects(statement)
            and matches(statement)
        ):
            found = True
    return found, unresolved


@rule(
    "SML-ENC-8", "error", "Bucket policy denies requests without TLS",
    types=(BUCKET,),
    rationale="""Without a deny on aws:SecureTransport=false, clients can read and write ML data over
    plain HTTP.""",
    remediation="""Add a bucket policy statement: Effect Deny, Principal *, Action s3:*, Condition
    Bool aws:SecureTransport "false" (enforceSSL in CDK; SecureBucket does this).""",
)  # fmt: skip
def bucket_tls(resource: Resource, template: Template) -> Iterator[Violation]:
    def insecure_transport(statement: dict[str, Any]) -> bool:
        value = _condition_value(statement, ("Bool", "BoolIfExists"), "aws:SecureTransport")
        return any(truth(v) is False for v in as_list(value))

    found, unresolved = _tls_check(resource, template, insecure_transport)
    if found:
        return
    if unresolved:
        yield cannot_verify(
            "a bucket policy statement is not resolvable; no deny on aws:SecureTransport=false found"
        )
    else:
        yield fail("no bucket policy in this template denies s3 access when aws:SecureTransport is false")


@rule(
    "SML-ENC-17", "warning", "Bucket policy requires TLS 1.2 or later",
    types=(BUCKET,),
    rationale="TLS 1.0/1.1 are deprecated; ML data in transit should use TLS 1.2 at least.",
    remediation="""Add a bucket policy statement: Effect Deny, Principal *, Action s3:*, Condition
    NumericLessThan s3:TlsVersion 1.2 (minimumTLSVersion in CDK).""",
)  # fmt: skip
def bucket_tls_version(resource: Resource, template: Template) -> Iterator[Violation]:
    def old_tls(statement: dict[str, Any]) -> bool:
        value = _condition_value(statement, ("NumericLessThan",), "s3:TlsVersion")
        try:
            return any(float(v) >= 1.2 for v in as_list(value))
        except (TypeError, ValueError):
            return False

    found, unresolved = _tls_check(resource, template, old_tls)
    if found:
        return
    if unresolved:
        yield cannot_verify(
            "a bucket policy statement is not resolvable; no deny on s3:TlsVersion < 1.2 found"
        )
    else:
        yield fail("no bucket policy in this template denies s3:TlsVersion below 1.2")


PUBLIC_ACCESS_FLAGS = ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")


@rule(
    "SML-ENC-9", "error", "S3 Block Public Access is fully on",
    types=(BUCKET,),
    rationale="Any of the four flags off lets an ACL or policy change make ML data public.",
    remediation="Set PublicAccessBlockConfiguration with all four flags true (BlockPublicAccess.BLOCK_ALL).",
)  # fmt: skip
def bucket_public_access(resource: Resource, template: Template) -> Iterator[Violation]:
    config = get(resource.properties, "PublicAccessBlockConfiguration")
    if config is MISSING:
        yield fail("PublicAccessBlockConfiguration is not set")
        return
    if isinstance(config, Unresolved):
        yield cannot_verify(f"PublicAccessBlockConfiguration is {config.expr}")
        return
    for flag in PUBLIC_ACCESS_FLAGS:
        yield from require_true(config, flag, f"PublicAccessBlockConfiguration.{flag}")


@rule(
    "SML-ENC-10", "error", "S3 versioning is enabled",
    types=(BUCKET,),
    rationale="Datasets and model artifacts must be recoverable and their history traceable.",
    remediation="""Set VersioningConfiguration.Status: Enabled (with a lifecycle rule for noncurrent
    versions).""",
)  # fmt: skip
def bucket_versioning(resource: Resource, template: Template) -> Iterator[Violation]:
    status = get(resource.properties, "VersioningConfiguration.Status")
    if status is MISSING:
        yield fail("VersioningConfiguration is not set")
    elif isinstance(status, Unresolved):
        yield cannot_verify(f"VersioningConfiguration.Status is {status.expr}")
    elif status != "Enabled":
        yield fail(f"VersioningConfiguration.Status is {describe(status)}")


# -- KMS ---------------------------------------------------------------------------------------------


@rule(
    "SML-ENC-11", "error", "Symmetric KMS keys rotate automatically",
    types=("AWS::KMS::Key",),
    rationale="Rotation limits the data encrypted under one key version; CloudFormation defaults it to off.",
    remediation="Set EnableKeyRotation: true (asymmetric, HMAC and imported-material keys are exempt).",
)  # fmt: skip
def key_rotation(resource: Resource, template: Template) -> Iterator[Violation]:
    props = resource.properties
    spec, usage, origin = (get(props, k) for k in ("KeySpec", "KeyUsage", "Origin"))
    for name, value in (("KeySpec", spec), ("KeyUsage", usage), ("Origin", origin)):
        if isinstance(value, Unresolved):
            yield cannot_verify(f"{name} is {value.expr}")
            return
    if spec not in (MISSING, "SYMMETRIC_DEFAULT") or usage not in (MISSING, "ENCRYPT_DECRYPT"):
        return
    if origin in ("EXTERNAL", "EXTERNAL_KEY_STORE"):
        return
    yield from require_true(props, "EnableKeyRotation")


@rule(
    "SML-ENC-12", "error", "KMS key policies grant to everyone only with conditions",
    types=("AWS::KMS::Key",),
    rationale="""An Allow to Principal * (or with NotPrincipal) without conditions lets any AWS account use or
    manage the key; so do conditions that restrict nobody: kms:CallerAccount "*" under StringLike,
    aws:SecureTransport alone, an ...IfExists or ForAllValues operator (true when the key is missing), a
    negated operator (StringNotEquals lets every other value in) or Null "true".""",
    remediation="""Name the principals, or restrict the statement with conditions (aws:PrincipalOrgID,
    kms:CallerAccount, kms:ViaService).""",
)  # fmt: skip
def key_policy_principals(resource: Resource, template: Template) -> Iterator[Violation]:
    yield from unconditioned_wildcard_principals(get(resource.properties, "KeyPolicy"), "KeyPolicy")


# -- Logs, SNS, EFS, CloudTrail ----------------------------------------------------------------------


@rule(
    "SML-ENC-13", "error", "Log groups are encrypted with a customer-managed key",
    types=("AWS::Logs::LogGroup",),
    rationale="SageMaker logs (training, endpoints, notebooks) can contain data and model details.",
    remediation="Set KmsKeyId to the logs key (its policy must allow logs.<region>.amazonaws.com).",
)  # fmt: skip
def log_group_kms(resource: Resource, template: Template) -> Iterator[Violation]:
    yield from require_set(resource.properties, "KmsKeyId")


@rule(
    "SML-ENC-14", "error", "SNS topics are encrypted with a KMS key",
    types=("AWS::SNS::Topic",),
    rationale="""Alarm and event topics carry resource names and status details; SNS stores messages
    unencrypted by default.""",
    remediation="""Set KmsMasterKeyId (a customer-managed key whose policy allows CloudWatch/EventBridge
    to use it).""",
)  # fmt: skip
def topic_kms(resource: Resource, template: Template) -> Iterator[Violation]:
    yield from require_set(resource.properties, "KmsMasterKeyId")


@rule(
    "SML-ENC-15", "error", "EFS file systems are encrypted",
    types=("AWS::EFS::FileSystem",),
    rationale="""EFS file systems hold notebook home directories and shared data; CloudFormation defaults
    Encrypted to false.""",
    remediation="Set Encrypted: true and KmsKeyId to the volumes key.",
)  # fmt: skip
def efs_encrypted(resource: Resource, template: Template) -> Iterator[Violation]:
    yield from require_true(resource.properties, "Encrypted")


@rule(
    "SML-ENC-16", "error", "CloudTrail logs are encrypted with a customer-managed key",
    types=("AWS::CloudTrail::Trail",),
    rationale="Trail logs describe every API call in the account; SSE-KMS restricts who can read them.",
    remediation="Set KMSKeyId to a key whose policy allows cloudtrail.amazonaws.com to encrypt.",
)  # fmt: skip
def trail_kms(resource: Resource, template: Template) -> Iterator[Violation]:
    yield from require_set(resource.properties, "KMSKeyId")
