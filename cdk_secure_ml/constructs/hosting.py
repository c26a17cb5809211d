"""SecureEndpoint: a SageMaker real-time (or async) endpoint with the platform's hosting defaults.

Model → endpoint config → endpoint, plus autoscaling, alarms to a KMS-encrypted SNS topic, guarded
blue/green rollouts with automatic rollback, data capture and an optional Model Monitor schedule.

aws-cdk-lib has no stable L2 for SageMaker hosting and ``aws-cdk.aws-sagemaker-alpha`` has no data
capture and no deployment guardrails (aws/aws-cdk#23152), so the SageMaker resources here are the L1s
``CfnModel``, ``CfnEndpointConfig``, ``CfnEndpoint``, ``CfnDataQualityJobDefinition`` and
``CfnMonitoringSchedule``. Everything around them (roles, keys, log group, topics, alarms, scaling)
uses the aws-cdk-lib L2s.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import jsii
from aws_cdk import (
    Annotations,
    ArnFormat,
    CfnMapping,
    CfnResource,
    Duration,
    Fn,
    IResolveContext,
    IStringProducer,
    Lazy,
    RemovalPolicy,
    Stack,
    TagManager,
    Token,
)
from aws_cdk import aws_applicationautoscaling as appscaling
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sagemaker as sagemaker
from aws_cdk import aws_sns as sns
from constructs import Construct

from cdk_secure_ml.constructs.encryption import allow_cloudwatch_logs
from cdk_secure_ml.constructs.network import MlNetwork
from cdk_secure_ml.constructs.studio import SAGEMAKER_NAME_RE
from cdk_secure_ml.core.instance_types import has_instance_storage
from cdk_secure_ml.core.instance_vcpus import vcpus
from cdk_secure_ml.core.model_monitor_images import MODEL_MONITOR_IMAGE_ACCOUNTS, MODEL_MONITOR_REPOSITORY
from cdk_secure_ml.core.names import DIGEST_RE, IMAGE_TAG_RE, INSTANCE_TYPE_RE
from cdk_secure_ml.policies.acknowledgements import acknowledge, acknowledge_wildcards, in_regulatory_packs
from cdk_secure_ml.policies.plugin import ack_id

#: Namespace of the per-instance metrics (CPU, memory, disk, GPU) of an endpoint. The invocation
#: metrics (errors, latency, invocations) are in ``AWS/SageMaker``.
INSTANCE_METRICS_NAMESPACE = "/aws/sagemaker/Endpoints"
INVOCATION_METRICS_NAMESPACE = "AWS/SageMaker"
DEFAULT_INSTANCE_TYPE = "ml.m5.large"
#: Target tracking default when neither a target nor a load-test result is given (REQUIREMENTS.md).
DEFAULT_INVOCATIONS_TARGET = 70.0

# MODEL_MONITOR_IMAGE_ACCOUNTS (imported above, re-exported): the account publishing the Model Monitor image
# in each region, generated from the SageMaker SDK's table (tools/model_monitor_images.py). Other regions:
# ModelMonitor(image_uri=...).

_S3_URL_RE = re.compile(r"^s3://([^/]+)/(.+)$")
_MODEL_PACKAGE_ARN_RE = re.compile(
    r"^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:model-package/[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}/\d+$")
_HASH_LENGTH = 8
_MAX_ROLLBACK_ALARMS = 10  # AutoRollbackConfiguration.Alarms holds at most 10
#: SageMaker's limit for endpoint, endpoint config, model and monitoring schedule names
#: (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateMonitoringSchedule.html).
SAGEMAKER_NAME_MAX = 63
#: ``endpoint_name`` + ``-<8 hex>`` (the endpoint, its configs and models) stays within 63 characters.
MAX_ENDPOINT_NAME = SAGEMAKER_NAME_MAX - 1 - _HASH_LENGTH
MONITORING_SCHEDULE_SUFFIX = "-data-quality"
TrafficRouting = Literal["ALL_AT_ONCE", "CANARY", "LINEAR"]


def invocations_target(max_rps: float, safety_factor: float = 0.5) -> float:
    """Target for ``SageMakerVariantInvocationsPerInstance`` from a load test:
    ``max_rps * safety_factor * 60`` (invocations per instance per minute).

    :param max_rps: the highest requests per second one instance sustained in the load test.
    :param safety_factor: headroom, 0 < factor <= 1; 0.5 scales out at half the tested maximum.
    """
    problems = []
    if not max_rps > 0:
        problems.append(f"max_rps is {max_rps}; use the requests per second one instance sustained (> 0)")
    if not 0 < safety_factor <= 1:
        problems.append(f"safety_factor is {safety_factor}; use a value in (0, 1], e.g. 0.5")
    if problems:
        raise ValueError("invocations_target: " + "; ".join(problems))
    return max_rps * safety_factor * 60


def endpoint_physical_name(endpoint_name: str, variants: Sequence[EndpointVariant | tuple[str, str]],
                           serverless: bool = False) -> str:
    """The endpoint's physical name: ``<endpoint_name>-<8 hex>`` of its variant names and instance types.

    SageMaker cannot update those in place: an UpdateEndpoint that changes the instance type of (or removes)
    an auto-scaled variant fails (https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-scaling-update.html),
    and a blue/green update must keep the variant names
    (https://docs.aws.amazon.com/sagemaker/latest/dg/deployment-guardrails-exclusions.html). With the name
    derived from them, such a change renames the endpoint, which CloudFormation carries out as a replacement
    (``EndpointName`` is create-only): the new endpoint is created first, the old one deleted in the cleanup
    phase. Every other change (model, image, counts, weights, capture) keeps the name and updates the endpoint
    in place, blue/green.

    :param variants: :class:`EndpointVariant` objects or ``(name, instance type)`` pairs.
    """
    parts = sorted((v.name, "serverless" if serverless else v.instance_type) if isinstance(v, EndpointVariant)
                   else (v[0], "serverless" if serverless else v[1]) for v in variants)
    return f"{endpoint_name}-{hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:_HASH_LENGTH]}"


# --------------------------------------------------------------------------------------------------
# Options


@dataclass(frozen=True)
class EndpointVariant:
    """One production variant. Several variants split traffic by ``weight`` (A/B tests).

    :param model_data: a different model for this variant (same rules as ``SecureEndpoint.model_data``).
    :param image: a different image (digest or tag) of the same repository for this variant.
    :param model_package: a model package version ARN for this variant (same rules as
        ``SecureEndpoint.model_package``).
    """

    name: str = "AllTraffic"
    instance_type: str = DEFAULT_INSTANCE_TYPE
    instance_count: int = 2
    weight: float = 1.0
    model_data: str | None = None
    image: str | None = None
    volume_size_gb: int | None = None
    model_package: str | None = None


@dataclass(frozen=True)
class AutoScaling:
    """Target tracking on ``SageMakerVariantInvocationsPerInstance`` for every variant.

    :param target_invocations_per_instance: invocations per instance per minute; see
        :func:`invocations_target`. Default 70.
    :param cpu_target_percent: add a second target-tracking policy on the variant's average
        ``CPUUtilization`` (namespace ``/aws/sagemaker/Endpoints``; 100 per vCPU).
    :param disable_scale_in: the policies only add instances (scale in by hand or on a schedule).
    """

    min_capacity: int = 2
    max_capacity: int = 4
    target_invocations_per_instance: float = DEFAULT_INVOCATIONS_TARGET
    scale_in_cooldown: Duration = field(default_factory=lambda: Duration.seconds(300))
    scale_out_cooldown: Duration = field(default_factory=lambda: Duration.seconds(300))
    disable_scale_in: bool = False
    cpu_target_percent: float | None = None


@dataclass(frozen=True)
class DataCapture:
    """Capture requests and responses to ``bucket`` (``s3://bucket/prefix/<endpoint>/<variant>/...``),
    encrypted with ``key`` (default: the bucket's key). The inference audit trail: InvokeEndpoint is
    not in CloudTrail management events."""

    bucket: s3.IBucket
    prefix: str = "data-capture"
    sampling_percentage: int = 100
    key: kms.IKey | None = None
    capture_request: bool = True
    capture_response: bool = True


@dataclass(frozen=True)
class AlarmThresholds:
    """Per-variant alarm thresholds. Each alarm fires after ``datapoints_to_alarm`` of
    ``evaluation_periods`` one-minute periods breach. ``None`` turns an alarm off."""

    invocation_5xx_errors: float | None = 1
    invocation_4xx_errors: float | None = 10
    model_latency_p99: Duration | None = field(default_factory=lambda: Duration.seconds(1))
    cpu_utilization_percent: float | None = 80
    memory_utilization_percent: float | None = 80
    disk_utilization_percent: float | None = 80
    evaluation_periods: int = 3
    datapoints_to_alarm: int = 2


@dataclass(frozen=True)
class Rollout:
    """Blue/green deployment of a changed endpoint config, with automatic rollback on the error and
    latency alarms. Use :meth:`all_at_once`, :meth:`canary` or :meth:`linear`.

    :param size_percent: canary size, or linear step, in percent of the new fleet (1-100).
    :param wait: baking time after each traffic shift.
    :param termination_wait: how long the old fleet is kept after all traffic moved.
    """

    traffic_routing: TrafficRouting = "ALL_AT_ONCE"
    size_percent: float | None = None
    wait: Duration = field(default_factory=lambda: Duration.minutes(5))
    termination_wait: Duration = field(default_factory=lambda: Duration.minutes(5))
    maximum_execution_timeout: Duration | None = None
    auto_rollback: bool = True

    @classmethod
    def all_at_once(cls, *, wait: Duration | None = None, **kwargs: Any) -> Rollout:
        return cls("ALL_AT_ONCE", None, wait or Duration.minutes(5), **kwargs)

    @classmethod
    def canary(cls, percent: float = 10, *, wait: Duration | None = None, **kwargs: Any) -> Rollout:
        return cls("CANARY", percent, wait or Duration.minutes(10), **kwargs)

    @classmethod
    def linear(cls, step_percent: float = 20, *, wait: Duration | None = None, **kwargs: Any) -> Rollout:
        return cls("LINEAR", step_percent, wait or Duration.minutes(5), **kwargs)


@dataclass(frozen=True)
class ModelMonitor:
    """A Model Monitor data-quality schedule over the captured data (needs ``data_capture``).

    The baseline (``constraints.json``, ``statistics.json``) is produced by a baselining job over the
    training data (e.g. the SageMaker SDK's ``DefaultModelMonitor.suggest_baseline``); pass the keys
    of its two files in ``output_bucket``. Without them the job reports statistics only.
    The job runs in the endpoint's subnets and security groups, network-isolated, with
    inter-container traffic encryption and KMS keys for its volume and output.
    """

    output_bucket: s3.IBucket
    output_prefix: str = "model-monitor"
    schedule_expression: str = "cron(0 * ? * * *)"
    instance_type: str = "ml.m5.xlarge"
    volume_size_gb: int = 20
    baseline_constraints_key: str | None = None
    baseline_statistics_key: str | None = None
    max_runtime: Duration = field(default_factory=lambda: Duration.minutes(30))
    output_key: kms.IKey | None = None
    volume_key: kms.IKey | None = None
    image_uri: str | None = None


@dataclass(frozen=True)
class AsyncInference:
    """Asynchronous inference: requests are read from ``bucket`` (``input_prefix``), results written
    to ``output_prefix`` and failures to ``failure_prefix``, encrypted with ``key`` (default: the
    bucket's key); success and error notifications go to SNS topics (created, KMS-encrypted, unless
    given). With ``scale_to_zero`` the variants scale in to 0 instances and back out on a backlog.
    """

    bucket: s3.IBucket
    input_prefix: str = "async/input"
    output_prefix: str = "async/output"
    failure_prefix: str = "async/failures"
    key: kms.IKey | None = None
    success_topic: sns.ITopic | None = None
    error_topic: sns.ITopic | None = None
    max_concurrent_invocations_per_instance: int | None = None
    scale_to_zero: bool = True
    backlog_target_per_instance: float = 5


@dataclass(frozen=True)
class Serverless:
    """Serverless inference. It cannot run in a VPC and takes no volume key, so ``strict`` endpoints
    refuse it."""

    memory_size_mb: int = 2048
    max_concurrency: int = 5


# --------------------------------------------------------------------------------------------------


def new_alarm_topic(scope: Construct, construct_id: str, *, key: kms.IKey | None = None) -> sns.Topic:
    """A KMS-encrypted, TLS-only SNS topic CloudWatch alarms can publish to.

    Creates a rotated, retained key unless ``key`` is given; the key policy lets CloudWatch of this
    account use it (an encrypted topic silently drops alarm notifications otherwise).

    The topic policy (``AWS::SNS::TopicPolicy``, created for ``enforce_ssl``) replaces SNS's default policy,
    which let the account's principals publish. CloudWatch publishes an alarm action only when the topic
    policy allows ``cloudwatch.amazonaws.com`` ``sns:Publish``; otherwise the alarm history shows "is not
    authorized to perform: SNS:Publish" and nobody is notified
    (https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger). The Allow is limited with
    ``ArnLike aws:SourceArn`` to this account's alarms in this region, as that article shows; the alarm ARN
    carries the account, so no ``aws:SourceAccount`` condition is added (a ``StringEquals`` on a key the
    request might not carry would deny everything again).
    """
    group = Construct(scope, construct_id)
    if key is None:
        key = kms.Key(group, "Key", description=f"SNS alarm topic {group.node.path}", enable_key_rotation=True,
                      removal_policy=RemovalPolicy.RETAIN)
    key.add_to_resource_policy(
        iam.PolicyStatement(
            sid="AllowCloudWatchAlarmsToPublishEncrypted",
            principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
            actions=["kms:GenerateDataKey*", "kms:Decrypt"],
            resources=["*"],
            conditions={"StringEquals": {"aws:SourceAccount": Stack.of(group).account}},
        )
    )
    topic = sns.Topic(group, "Resource", master_key=key, enforce_ssl=True, display_name="ML endpoint alarms")
    stack = Stack.of(group)
    topic.add_to_resource_policy(iam.PolicyStatement(
        sid="AllowCloudWatchAlarmsOfThisAccount",
        principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
        actions=["sns:Publish"],
        resources=[topic.topic_arn],
        conditions={"ArnLike": {"aws:SourceArn": stack.format_arn(
            service="cloudwatch", resource="alarm", resource_name="*", arn_format=ArnFormat.COLON_RESOURCE_NAME)}},
    ))
    return topic


def _content_hash(resolved: Any) -> str:
    return hashlib.sha256(json.dumps(resolved, sort_keys=True, default=str).encode()).hexdigest()[:_HASH_LENGTH]


@jsii.implements(IStringProducer)
class _HashedName:
    """``<prefix>-<hash>`` of a resource's resolved properties and tags, computed at synth time (after
    tags are applied), so any change to the immutable resource gives it a new name."""

    def __init__(self, prefix: str, props: Mapping[str, Any], resource: CfnResource) -> None:
        self._prefix, self._props, self._resource = prefix, props, resource

    def produce(self, context: IResolveContext) -> str:
        tags = self._resource.tags.render_tags() if TagManager.is_taggable(self._resource) else None
        return f"{self._prefix}-{_content_hash(context.resolve({'properties': self._props, 'tags': tags}))}"


def _camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[-_]", name) if part)


def _subnet_az(subnet: ec2.ISubnet) -> str | None:
    try:
        az = subnet.availability_zone
    except RuntimeError:  # imported subnet without an AZ
        return None
    return None if az is None or Token.is_unresolved(az) else az


class SecureEndpoint(Construct):
    """A SageMaker endpoint with the platform's hosting defaults.

    - **Model** (``"Model"``; ``Model<Variant>`` for variants with their own model): an image from a
      private ECR repository (pin a digest; a tag gives a warning), model data in the artifacts
      bucket, ``VpcConfig`` on subnets in at least 2 AZs, network isolation, and an execution role
      (``"ExecutionRole"``) that can only read the model's prefix, decrypt with the artifacts key, pull
      from its repository, write its log group, create its ENIs in this VPC and put metrics, plus
      write data capture / async results when those are on. The log group
      ``/aws/sagemaker/Endpoints/<name>`` is created up front with KMS and retention (RETAIN).
    - **Endpoint config** (``"EndpointConfig"``): ``KmsKeyId`` for the instance volume, variants with
      weights, names ``<endpoint>-<hash of content>`` so that a changed config (configs are
      immutable) gets a new name and is rolled out; data capture with KMS.
    - **Endpoint** (``"Resource"``, so ``node.default_child``): blue/green rollouts with all-at-once,
      canary or linear traffic shifting and automatic rollback on the alarms.
    - **Autoscaling** per variant, **alarms** to a KMS-encrypted SNS topic, optional **Model
      Monitor**, **async inference**; serverless only with ``strict=False``.

    :param endpoint_name: the endpoint's base name (1-54 letters, digits, hyphens; 1-50 with
        ``model_monitor``). The endpoint itself is named ``<endpoint_name>-<8 hex>`` of its variant names
        and instance types (:func:`endpoint_physical_name`, attribute ``endpoint_name``), so a change
        SageMaker cannot update in place replaces it under a new name; models and configs are named
        ``<endpoint_name>-<content hash>``, the monitoring schedule ``<endpoint_name>-data-quality``.
    :param repository: the private ECR repository of the inference image.
    :param image: ``sha256:<digest>`` (recommended: what is tested is what runs) or a tag (a warning:
        a tag can be moved to another image).
    :param artifacts_bucket: the bucket with the model data; the role may read only the model's prefix.
    :param model_data: key of the model's ``.tar.gz`` in ``artifacts_bucket`` (``models/churn/model.tar.gz``)
        or its ``s3://<bucket>/<key>.tar.gz`` URL when the bucket's name is known at synth time.
    :param model_package: instead of ``image`` and ``model_data``: a model package version ARN
        (``arn:aws:sagemaker:<region>:<account>:model-package/<group>/<version>``, e.g. the approved
        version of the delivery's model registry). The model's container is then the package's
        (``ModelPackageName``), with the same VPC, network isolation and execution role, which may
        ``sagemaker:DescribeModelPackage`` on that ARN only. A new version changes the model and
        config names, so it rolls out blue/green. A variant's own ``image``/``model_data`` wins.
    :param network: an :class:`MlNetwork`: its subnets, and a new workload security group unless
        ``security_groups`` is given. Or pass ``vpc`` (+ ``subnets``, ``security_groups``) instead.
    :param subnets: at least 2 subnets in distinct AZs (checked when the AZs are known).
    :param artifacts_key: key of the model data. Default ``artifacts_bucket.encryption_key``.
    :param volume_key: endpoint config ``KmsKeyId``. Default: a new rotated key (RETAIN).
    :param logs_key: key of the log group. Default: a new rotated key CloudWatch Logs may use.
    :param production: production endpoints need >= 2 instances per variant and autoscaling min >= 2.
    :param allow_single_instance: a non-production endpoint may then run 1 instance (with a warning).
    :param autoscaling: default :class:`AutoScaling` (2-4 instances, target 70); ``None`` turns it off
        (a warning).
    :param data_capture: default off, with a warning; pass :class:`DataCapture` for the inference audit.
    :param alarm_topic: SNS topic of the alarms. Default: a new KMS-encrypted topic.
    :param rollout: default :meth:`Rollout.all_at_once` (blue/green, automatic rollback).
    :param role_path: IAM path of the execution role (a delivery account's registry admits roles by
        path, ``/<platform>/execution/...``).
    :param model_source_account: the account model packages come from (the delivery account); the
        role may then read its S3 objects and decrypt through S3 with its keys, and pull its images.
    :param strict: refuse what escapes the network and encryption controls (serverless). Default True.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        endpoint_name: str,
        repository: ecr.IRepository,
        image: str | None = None,
        artifacts_bucket: s3.IBucket,
        model_data: str | None = None,
        model_package: str | None = None,
        network: MlNetwork | None = None,
        vpc: ec2.IVpc | None = None,
        subnets: Sequence[ec2.ISubnet] | None = None,
        security_groups: Sequence[ec2.ISecurityGroup] | None = None,
        artifacts_key: kms.IKey | None = None,
        volume_key: kms.IKey | None = None,
        logs_key: kms.IKey | None = None,
        log_retention: logs.RetentionDays = logs.RetentionDays.ONE_YEAR,
        variants: Sequence[EndpointVariant] = (EndpointVariant(),),
        environment: Mapping[str, str] | None = None,
        production: bool = True,
        allow_single_instance: bool = False,
        network_isolation: bool = True,
        autoscaling: AutoScaling | None = AutoScaling(),
        data_capture: DataCapture | None = None,
        alarm_topic: sns.ITopic | None = None,
        alarms: AlarmThresholds = AlarmThresholds(),
        rollout: Rollout = Rollout(),
        model_monitor: ModelMonitor | None = None,
        async_inference: AsyncInference | None = None,
        serverless: Serverless | None = None,
        strict: bool = True,
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
        role_path: str | None = None,
        model_source_account: str | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        variants = list(variants)
        self.model_source_account = model_source_account
        if network is not None and vpc is None:
            vpc = network.vpc
        if subnets is None:
            if network is not None:
                subnets = list(network.subnets)
            elif vpc is not None:
                subnets = list(vpc.isolated_subnets) or list(vpc.private_subnets)
        subnets = list(subnets or [])
        specs = {v.name: _model_spec(v, image, model_data, model_package) for v in variants}
        self._validate(
            endpoint_name=endpoint_name, image=image, artifacts_bucket=artifacts_bucket, model_data=model_data,
            model_package=model_package, specs=specs,
            vpc=vpc, subnets=subnets, variants=variants, production=production,
            allow_single_instance=allow_single_instance, autoscaling=autoscaling, data_capture=data_capture,
            alarms=alarms, rollout=rollout, model_monitor=model_monitor, async_inference=async_inference,
            serverless=serverless, strict=strict,
        )
        #: The base name given; :attr:`endpoint_name` is the endpoint's physical name.
        self.name = endpoint_name
        self.endpoint_name = endpoint_physical_name(endpoint_name, variants, serverless is not None)
        self.variant_names = [v.name for v in variants]
        self.variants = {v.name: v for v in variants}
        self.autoscaled = autoscaling is not None and serverless is None
        self.production = production
        self.serverless = serverless is not None
        self.async_inference = async_inference
        self.network = network
        self.repository = repository
        self.artifacts_bucket = artifacts_bucket
        self.artifacts_key: kms.IKey | None = artifacts_key or artifacts_bucket.encryption_key

        if serverless is not None:
            Annotations.of(self).add_warning_v2(
                "secure-ml:serverless-endpoint",
                f"endpoint {endpoint_name} uses serverless inference: it runs outside your VPC and its "
                "storage is not encrypted with your key (strict=False)",
            )
        self._tag_warnings([spec[1] for spec in specs.values() if spec[0] is None and spec[1]])

        # --- keys and log group
        if volume_key is None and serverless is None:
            volume_key = kms.Key(self, "VolumeKey", description=f"SageMaker endpoint {endpoint_name} volumes",
                                 enable_key_rotation=True, removal_policy=removal_policy)
        self.volume_key = volume_key
        if logs_key is None:
            logs_key = kms.Key(self, "LogsKey", description=f"SageMaker endpoint {endpoint_name} logs",
                               enable_key_rotation=True, removal_policy=removal_policy)
            allow_cloudwatch_logs(logs_key)
        self.logs_key = logs_key
        # SageMaker writes to /aws/sagemaker/Endpoints/<endpoint name>: the physical name, so a replaced
        # endpoint gets a new log group (the old one is retained).
        self.log_group = logs.LogGroup(
            self, "LogGroup", log_group_name=f"/aws/sagemaker/Endpoints/{self.endpoint_name}",
            encryption_key=logs_key, retention=log_retention, removal_policy=removal_policy,
        )

        # --- network
        self.vpc = vpc if serverless is None else None
        self.subnets = subnets if serverless is None else []
        self.security_groups: list[ec2.ISecurityGroup] = []
        if serverless is None:
            if security_groups:
                self.security_groups = list(security_groups)
            elif network is not None:
                self.security_groups = [network.new_workload_security_group(
                    self, "SecurityGroup", description=f"SageMaker endpoint {endpoint_name}")]
            else:
                group = ec2.SecurityGroup(self, "SecurityGroup", vpc=vpc, allow_all_outbound=False,
                                          description=f"SageMaker endpoint {endpoint_name}")
                # S3 (gateway endpoint), ECR, CloudWatch and KMS (interface endpoints) over HTTPS only.
                group.add_egress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(443), "HTTPS to AWS service endpoints")
                self.security_groups = [group]

        # --- execution role
        self.role = iam.Role(
            self, "ExecutionRole",
            assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com", conditions={
                "StringEquals": {"aws:SourceAccount": stack.account}}),
            description=f"Execution role of SageMaker endpoint {endpoint_name}",
            # A delivery account's model registry admits execution roles by path (constructs/delivery.py).
            path=role_path,
        )
        self._policy = iam.ManagedPolicy(self, "ExecutionPolicy", roles=[self.role],
                                         description=f"SageMaker endpoint {endpoint_name}: least privilege")
        model_keys = list(dict.fromkeys(self._model_key(key) for package, _, key in specs.values()
                                        if package is None and key))
        self.model_packages = list(dict.fromkeys(package for package, _, _ in specs.values() if package))
        self._grant_execution_basics(model_keys, self.model_packages)

        # --- models: one per distinct (image, model data) or model package
        self.models: dict[str, sagemaker.CfnModel] = {}
        self._model_of_variant: dict[str, sagemaker.CfnModel] = {}
        for index, variant in enumerate(variants):
            package, spec_image, spec_key = specs[variant.name]
            key = f"package|{package}" if package else f"{spec_image}|{self._model_key(spec_key or '')}"
            if key not in self.models:
                self.models[key] = self._new_model("Model" if index == 0 else f"Model{_camel(variant.name)}",
                                                   spec_image or "", self._model_key(spec_key or ""), environment,
                                                   network_isolation, package=package)
            self._model_of_variant[variant.name] = self.models[key]
        self.model = next(iter(self.models.values()))

        # --- endpoint config
        self.data_capture_key: kms.IKey | None = None
        self.success_topic: sns.ITopic | None = None
        self.error_topic: sns.ITopic | None = None
        capture_config = self._data_capture_config(data_capture) if data_capture else None
        async_config = self._async_config(async_inference) if async_inference else None
        production_variants = [self._variant_property(v, serverless) for v in variants]
        instance_storage = serverless is None and any(has_instance_storage(v.instance_type) for v in variants)
        config_props: dict[str, Any] = {
            "production_variants": production_variants,
            "kms_key_id": volume_key.key_arn if volume_key is not None and not instance_storage else None,
            "data_capture_config": capture_config,
            "async_inference_config": async_config,
        }
        self.endpoint_config = sagemaker.CfnEndpointConfig(self, "EndpointConfig", **config_props)
        # Endpoint configs are immutable: the name changes with the content (the model names included,
        # which change with the models' content), so CloudFormation creates a new config and rolls it out.
        self.endpoint_config.endpoint_config_name = Lazy.uncached_string(_HashedName(
            self.name, {**config_props, "models": [m.model_name for m in self.models.values()]},
            self.endpoint_config))
        for cfn_model in self.models.values():
            self.endpoint_config.node.add_dependency(cfn_model)
        if instance_storage:
            reason = ("The instance types of this endpoint have local NVMe instance storage, which is "
                      "always hardware-encrypted; SageMaker rejects an endpoint config KmsKeyId for them.")
            acknowledge(self.endpoint_config, reason, ack_id("SML-ENC-3"),
                        *in_regulatory_packs("SageMakerEndpointConfigurationKMSKeyConfigured"))
        if serverless is not None:
            acknowledge(self.endpoint_config,
                        "Serverless inference was chosen with strict=False: it takes no volume key and no VPC.",
                        ack_id("SML-HOST-2"), ack_id("SML-ENC-3"),
                        *in_regulatory_packs("SageMakerEndpointConfigurationKMSKeyConfigured"))
        if data_capture is None:
            Annotations.of(self).add_warning_v2(
                "secure-ml:endpoint-no-data-capture",
                f"endpoint {endpoint_name} captures no inference data: InvokeEndpoint is not in CloudTrail "
                "management events, so there is no inference audit trail; pass data_capture=DataCapture(...)",
            )
        if not production and any(v.instance_count < 2 for v in variants) and serverless is None:
            acknowledge(self.endpoint_config,
                        "A non-production endpoint with allow_single_instance=True: one instance is accepted "
                        "outside production to save cost.", ack_id("SML-HOST-1"))

        # --- alarms (before the endpoint: its rollout configuration names them)
        self.alarm_topic: sns.ITopic = alarm_topic or new_alarm_topic(self, "AlarmTopic")
        self.alarms: dict[str, cloudwatch.Alarm] = {}
        self._rollback_alarms: list[cloudwatch.Alarm] = []
        for variant in variants:
            self._add_alarms(variant, alarms, instance_metrics=serverless is None)

        # --- endpoint
        # The physical name changes with the variant names and instance types (endpoint_physical_name):
        # CloudFormation replaces the endpoint for those; everything else updates it in place, blue/green.
        # An auto-scaled endpoint keeps the instance counts Application Auto Scaling set: without
        # RetainAllVariantProperties, UpdateEndpoint would start the new fleet at the config's
        # InitialInstanceCount. Weights still come from the config (ExcludeRetainedVariantProperties).
        # Without autoscaling the config's counts apply (the default, RetainAllVariantProperties false).
        # https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_UpdateEndpoint.html
        retain = self.autoscaled
        self.endpoint = sagemaker.CfnEndpoint(
            self, "Resource", endpoint_name=self.endpoint_name,
            endpoint_config_name=self.endpoint_config.attr_endpoint_config_name,
            deployment_config=self._deployment_config(rollout),
            retain_all_variant_properties=True if retain else None,
            exclude_retained_variant_properties=[sagemaker.CfnEndpoint.VariantPropertyProperty(
                variant_property_type="DesiredWeight")] if retain else None,
        )
        self.endpoint.node.add_dependency(self.log_group)
        self.endpoint.node.add_dependency(self._policy)

        # --- autoscaling
        self.scalable_targets: dict[str, appscaling.ScalableTarget] = {}
        if serverless is None:
            if autoscaling is not None:
                for variant in variants:
                    self._add_autoscaling(variant, autoscaling, async_inference)
            else:
                Annotations.of(self).add_warning_v2(
                    "secure-ml:endpoint-no-autoscaling",
                    f"endpoint {endpoint_name} does not autoscale (autoscaling=None): throttling at peaks",
                )
                acknowledge(self.endpoint, "Autoscaling was turned off explicitly (autoscaling=None).",
                            ack_id("SML-HOST-3"))
        else:
            acknowledge(self.endpoint, "Serverless inference scales itself; Application Auto Scaling does not "
                        "apply to it.", ack_id("SML-HOST-3"))

        # --- Model Monitor
        self.monitoring_schedule: sagemaker.CfnMonitoringSchedule | None = None
        self.data_quality_job: sagemaker.CfnDataQualityJobDefinition | None = None
        if model_monitor is not None:
            self._add_model_monitor(model_monitor, data_capture)  # type: ignore[arg-type]

        self._acknowledge_policy()

    # ------------------------------------------------------------------------------------------
    # Public API

    @property
    def endpoint_arn(self) -> str:
        """The endpoint's ARN (``Ref`` of ``AWS::SageMaker::Endpoint``)."""
        return self.endpoint.ref

    def grant_invoke(
        self,
        grantee: iam.IGrantable,
        *,
        only_via_vpc_endpoint: bool = False,
        vpc_endpoint: ec2.IVpcEndpoint | None = None,
    ) -> iam.Grant:
        """Let ``grantee`` invoke this endpoint (and only this one: the grant names its ARN).

        :param only_via_vpc_endpoint: allow calls only through the ``sagemaker.runtime`` interface
            endpoint (``aws:SourceVpce``): ``vpc_endpoint``, or the network's when it has one.
        """
        actions = ["sagemaker:InvokeEndpoint", "sagemaker:InvokeEndpointWithResponseStream"]
        if self.async_inference is not None:
            actions.append("sagemaker:InvokeEndpointAsync")
        conditions = None
        if only_via_vpc_endpoint or vpc_endpoint is not None:
            if vpc_endpoint is None and self.network is not None:
                vpc_endpoint = self.network.interface_endpoints.get("sagemaker.runtime")
            if vpc_endpoint is None:
                raise ValueError(
                    f"SecureEndpoint {self.endpoint_name}: grant_invoke(only_via_vpc_endpoint=True) needs the "
                    "sagemaker.runtime interface endpoint; pass vpc_endpoint=... or build the endpoint on an "
                    "MlNetwork that has it"
                )
            conditions = {"StringEquals": {"aws:SourceVpce": vpc_endpoint.vpc_endpoint_id}}
        return iam.Grant.add_to_principal(grantee=grantee, actions=actions, resource_arns=[self.endpoint_arn],
                                          conditions=conditions)

    def grant_async_io(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let an async client write requests under the input prefix and read results and failures, with
        the bucket key through S3 only. With it, :meth:`grant_invoke` (``InvokeEndpointAsync``).

        The platform's buckets deny object access from outside the VPC's S3 gateway endpoint, so the client
        must run in the VPC, or its role must be listed in ``storage.vpc_endpoint_exception_role_arns``
        (docs/hosting.md, "Async clients").

        :raises ValueError: the endpoint has no ``async_inference``.
        """
        config = self.async_inference
        if config is None:
            raise ValueError(f"SecureEndpoint {self.name} has no async_inference; grant_async_io applies to async "
                             "endpoints only")
        bucket = config.bucket
        inp, out, fail = (p.strip("/") for p in (config.input_prefix, config.output_prefix, config.failure_prefix))
        grant = iam.Grant.add_to_principal(grantee=grantee, actions=["s3:PutObject"],
                                           resource_arns=[bucket.arn_for_objects(f"{inp}/*")])
        iam.Grant.add_to_principal(grantee=grantee, actions=["s3:GetObject"],
                                   resource_arns=[bucket.arn_for_objects(f"{out}/*"),
                                                  bucket.arn_for_objects(f"{fail}/*")])
        key = config.key or bucket.encryption_key
        if key is not None:
            stack = Stack.of(self)
            iam.Grant.add_to_principal(
                grantee=grantee, actions=["kms:Decrypt", "kms:GenerateDataKey"], resource_arns=[key.key_arn],
                conditions={"StringEquals": {"kms:ViaService": f"s3.{stack.region}.{stack.url_suffix}"}})
        return grant

    def metric(self, metric_name: str, *, variant: str | None = None, namespace: str = INVOCATION_METRICS_NAMESPACE,
               statistic: str = "Sum", period: Duration | None = None, **kwargs: Any) -> cloudwatch.Metric:
        """A metric of one variant (default: the first) of this endpoint."""
        variant = variant or self.variant_names[0]
        if variant not in self.variant_names:
            raise ValueError(f"SecureEndpoint {self.endpoint_name} has no variant {variant!r}; it has "
                             f"{self.variant_names}")
        return cloudwatch.Metric(
            namespace=namespace, metric_name=metric_name, statistic=statistic, period=period or Duration.minutes(1),
            dimensions_map={"EndpointName": self.endpoint_name, "VariantName": variant}, **kwargs)

    def metric_invocation_5xx_errors(self, *, variant: str | None = None) -> cloudwatch.Metric:
        return self.metric("Invocation5XXErrors", variant=variant)

    def metric_invocation_4xx_errors(self, *, variant: str | None = None) -> cloudwatch.Metric:
        return self.metric("Invocation4XXErrors", variant=variant)

    def metric_invocations(self, *, variant: str | None = None) -> cloudwatch.Metric:
        return self.metric("Invocations", variant=variant)

    def metric_invocations_per_instance(self, *, variant: str | None = None) -> cloudwatch.Metric:
        return self.metric("InvocationsPerInstance", variant=variant)

    def metric_model_latency(self, *, variant: str | None = None, statistic: str = "p99") -> cloudwatch.Metric:
        """``ModelLatency`` in **microseconds**, p99 by default."""
        return self.metric("ModelLatency", variant=variant, statistic=statistic,
                           unit=cloudwatch.Unit.MICROSECONDS)

    def metric_cpu_utilization(self, *, variant: str | None = None) -> cloudwatch.Metric:
        """Average ``CPUUtilization`` (namespace ``/aws/sagemaker/Endpoints``; 100 per vCPU)."""
        return self.metric("CPUUtilization", variant=variant, namespace=INSTANCE_METRICS_NAMESPACE,
                           statistic="Average")

    def metric_memory_utilization(self, *, variant: str | None = None) -> cloudwatch.Metric:
        return self.metric("MemoryUtilization", variant=variant, namespace=INSTANCE_METRICS_NAMESPACE,
                           statistic="Average")

    def metric_disk_utilization(self, *, variant: str | None = None) -> cloudwatch.Metric:
        return self.metric("DiskUtilization", variant=variant, namespace=INSTANCE_METRICS_NAMESPACE,
                           statistic="Average")

    # ------------------------------------------------------------------------------------------
    # Validation

    @staticmethod
    def _validate(
        *, endpoint_name: str, image: str | None, artifacts_bucket: s3.IBucket, model_data: str | None,
        model_package: str | None, specs: Mapping[str, tuple[str | None, str | None, str | None]], vpc: ec2.IVpc | None,
        subnets: list[ec2.ISubnet], variants: list[EndpointVariant], production: bool, allow_single_instance: bool,
        autoscaling: AutoScaling | None, data_capture: DataCapture | None, alarms: AlarmThresholds,
        rollout: Rollout, model_monitor: ModelMonitor | None, async_inference: AsyncInference | None,
        serverless: Serverless | None, strict: bool,
    ) -> None:
        problems: list[str] = []
        # SageMaker names are at most 63 characters
        # (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateMonitoringSchedule.html): the
        # endpoint, its configs and models are <endpoint_name>-<8 hex>, the schedule <endpoint_name>-data-quality.
        if Token.is_unresolved(endpoint_name) or not SAGEMAKER_NAME_RE.match(endpoint_name):
            problems.append(
                f"endpoint_name {endpoint_name!r} is invalid; use 1-{MAX_ENDPOINT_NAME} letters, digits and hyphens "
                "(a literal string: the endpoint, log group, model and config names derive from it)")
        elif len(endpoint_name) > MAX_ENDPOINT_NAME:
            problems.append(
                f"endpoint_name {endpoint_name!r} has {len(endpoint_name)} characters; the endpoint, its configs and "
                f"models are named <endpoint_name>-<8 hex>, at most {SAGEMAKER_NAME_MAX} characters: shorten it to "
                f"{MAX_ENDPOINT_NAME} or fewer")
        elif model_monitor is not None and len(endpoint_name) + len(MONITORING_SCHEDULE_SUFFIX) > SAGEMAKER_NAME_MAX:
            limit = SAGEMAKER_NAME_MAX - len(MONITORING_SCHEDULE_SUFFIX)
            problems.append(
                f"endpoint_name {endpoint_name!r} has {len(endpoint_name)} characters; its monitoring schedule "
                f"{endpoint_name + MONITORING_SCHEDULE_SUFFIX!r} would exceed SageMaker's {SAGEMAKER_NAME_MAX}: shorten "
                f"the name to {limit} characters or fewer, or turn model_monitor off")
        if image is not None:
            problems += _image_problems("image", image)
        if model_data is not None:
            problems += _model_data_problems("model_data", model_data, artifacts_bucket)
        if model_package is not None:
            problems += _model_package_problems("model_package", model_package)
        for name, (package, spec_image, spec_key) in specs.items():
            if package is None and (spec_image is None or spec_key is None):
                missing = " and ".join(m for m, v in (("image", spec_image), ("model_data", spec_key)) if v is None)
                problems.append(f"variant {name!r} has no {missing}; give image and model_data, or model_package "
                                "(a model package version ARN)")

        # variants
        if not variants:
            problems.append("variants is empty; give at least one EndpointVariant")
        names = [v.name for v in variants]
        if len(set(names)) != len(names):
            problems.append(f"variant names {names} repeat a name; name each variant once")
        for v in variants:
            label = f"variant {v.name!r}"
            if not SAGEMAKER_NAME_RE.match(v.name):
                problems.append(f"{label}: name is invalid; use letters, digits and hyphens")
            if not INSTANCE_TYPE_RE.match(v.instance_type):
                problems.append(f"{label}: instance_type {v.instance_type!r} is not a SageMaker instance type; "
                                "use an ml.* type such as ml.m5.large")
            if v.weight < 0:
                problems.append(f"{label}: weight {v.weight} is negative; use 0 or more")
            if v.model_data is not None:
                problems += _model_data_problems(f"{label}: model_data", v.model_data, artifacts_bucket)
            if v.image is not None:
                problems += _image_problems(f"{label}: image", v.image)
            if v.model_package is not None:
                problems += _model_package_problems(f"{label}: model_package", v.model_package)
            if serverless is None:
                if v.instance_count < 1:
                    problems.append(f"{label}: instance_count {v.instance_count} must be at least 1")
                elif v.instance_count < 2:
                    if production:
                        problems.append(
                            f"{label}: instance_count is {v.instance_count}; production endpoints need 2 or more "
                            "(SageMaker spreads them across AZs). For a dev stage pass production=False and "
                            "allow_single_instance=True")
                    elif not allow_single_instance:
                        problems.append(
                            f"{label}: instance_count is {v.instance_count}; pass allow_single_instance=True to "
                            "accept a single instance outside production")
        if variants and all(v.weight == 0 for v in variants):
            problems.append(f"all variant weights are 0 ({names}); give at least one variant a weight > 0")

        # network
        if serverless is None:
            if vpc is None:
                problems.append("no network: pass network=MlNetwork(...) or vpc=... with subnets (hosting runs "
                                "in your VPC)")
            if len(subnets) < 2:
                problems.append(f"{len(subnets)} subnet(s) given; hosting needs at least 2 subnets in distinct AZs")
            else:
                zones = [_subnet_az(s) for s in subnets]
                known = [z for z in zones if z is not None]
                if len(known) == len(zones) and len(set(known)) < 2:
                    problems.append(f"all subnets are in {sorted(set(known))}; hosting needs subnets in at least "
                                    "2 distinct AZs")
        elif strict:
            problems.append(
                "serverless inference cannot run in a VPC (and takes no volume KMS key), so strict mode refuses "
                "it; use instance-based variants, or pass strict=False for a model whose data may leave the "
                "VPC controls")

        # autoscaling
        if autoscaling is not None and serverless is None:
            a = autoscaling
            scale_to_zero = async_inference is not None and async_inference.scale_to_zero
            if a.min_capacity > a.max_capacity:
                problems.append(f"autoscaling min_capacity {a.min_capacity} > max_capacity {a.max_capacity}; "
                                "make min <= max")
            if a.target_invocations_per_instance <= 0:
                problems.append(f"autoscaling target_invocations_per_instance is {a.target_invocations_per_instance}"
                                "; use a positive number, e.g. invocations_target(max_rps, 0.5)")
            if a.max_capacity < 1:
                problems.append(f"autoscaling max_capacity {a.max_capacity} must be at least 1")
            if a.min_capacity < 0:
                problems.append(f"autoscaling min_capacity {a.min_capacity} must be 0 or more")
            elif production and a.min_capacity < 2 and not scale_to_zero:
                problems.append(f"autoscaling min_capacity is {a.min_capacity}; production endpoints keep 2 or more")
            elif not production and a.min_capacity < 1 and not scale_to_zero:
                problems.append("autoscaling min_capacity 0 is only for async endpoints with scale_to_zero")
            for label, cooldown in (("scale_in_cooldown", a.scale_in_cooldown),
                                    ("scale_out_cooldown", a.scale_out_cooldown)):
                if cooldown.to_seconds() < 0:
                    problems.append(f"autoscaling {label} must not be negative")

        # data capture
        if data_capture is not None:
            if not 0 <= data_capture.sampling_percentage <= 100:
                problems.append(f"data_capture sampling_percentage {data_capture.sampling_percentage} is outside "
                                "0-100; give a percentage of requests to capture")
            if not (data_capture.capture_request or data_capture.capture_response):
                problems.append("data_capture captures neither requests nor responses; enable at least one")

        # alarms (CPU thresholds are a percentage of the instance, scaled by its vCPUs)
        cpu_percents = [("alarms cpu_utilization_percent", alarms.cpu_utilization_percent)]
        if autoscaling is not None and serverless is None:
            cpu_percents.append(("autoscaling cpu_target_percent", autoscaling.cpu_target_percent))
        for label, percent in cpu_percents:
            if percent is None or serverless is not None:
                continue
            if not 0 < percent <= 100:
                problems.append(f"{label} {percent} is outside (0, 100]; give a percentage of the whole instance "
                                "(it is multiplied by the instance's vCPUs)")
            for v in variants:
                try:
                    vcpus(v.instance_type)
                except ValueError as exc:
                    problems.append(f"{label}: variant {v.name!r}: {exc}")
        if not 1 <= alarms.datapoints_to_alarm <= alarms.evaluation_periods:
            problems.append(f"alarms datapoints_to_alarm {alarms.datapoints_to_alarm} must be 1 to "
                            f"evaluation_periods ({alarms.evaluation_periods})")

        # rollout
        if rollout.traffic_routing not in ("ALL_AT_ONCE", "CANARY", "LINEAR"):
            problems.append(f"rollout traffic_routing {rollout.traffic_routing!r} is not ALL_AT_ONCE, CANARY or "
                            "LINEAR")
        elif rollout.traffic_routing != "ALL_AT_ONCE":
            size = rollout.size_percent
            what = "canary size" if rollout.traffic_routing == "CANARY" else "linear step"
            if size is None or not 1 <= size <= 100:
                problems.append(f"rollout {what} {size}% is outside 1-100 %; use e.g. Rollout.canary(10)")
        if rollout.auto_rollback:
            # 5XX and latency roll back; 4XX only notifies (see _add_alarms)
            per_variant = sum(x is not None for x in (alarms.invocation_5xx_errors, alarms.model_latency_p99))
            if per_variant * len(variants) > _MAX_ROLLBACK_ALARMS:
                problems.append(f"{per_variant * len(variants)} rollback alarms exceed the {_MAX_ROLLBACK_ALARMS} "
                                "SageMaker allows; use at most 5 variants or turn some alarms off")

        # model monitor
        if model_monitor is not None:
            if data_capture is None:
                problems.append("model_monitor needs data_capture: Model Monitor analyses the captured data")
            if serverless is not None:
                problems.append("model_monitor is not available for serverless endpoints")
            if not INSTANCE_TYPE_RE.match(model_monitor.instance_type):
                problems.append(f"model_monitor instance_type {model_monitor.instance_type!r} is not an ml.* type")
            if (model_monitor.baseline_constraints_key is None) != (model_monitor.baseline_statistics_key is None):
                problems.append("model_monitor needs both baseline_constraints_key and baseline_statistics_key "
                                "(or neither)")
            if not re.match(r"^(cron|rate)\(.+\)$", model_monitor.schedule_expression):
                problems.append(f"model_monitor schedule_expression {model_monitor.schedule_expression!r} is not "
                                "cron(...) (e.g. cron(0 * ? * * *) for hourly)")

        # other modes
        if async_inference is not None:
            if serverless is not None:
                problems.append("async_inference and serverless exclude each other; choose one")
            mci = async_inference.max_concurrent_invocations_per_instance
            if mci is not None and not 1 <= mci <= 1000:
                problems.append(f"async_inference max_concurrent_invocations_per_instance {mci} is outside 1-1000")
            if async_inference.backlog_target_per_instance <= 0:
                problems.append("async_inference backlog_target_per_instance must be > 0")
        if serverless is not None:
            if serverless.memory_size_mb not in (1024, 2048, 3072, 4096, 5120, 6144):
                problems.append(f"serverless memory_size_mb {serverless.memory_size_mb} is not one of 1024, 2048, "
                                "... 6144")
            if not 1 <= serverless.max_concurrency <= 200:
                problems.append(f"serverless max_concurrency {serverless.max_concurrency} is outside 1-200")
        if problems:
            raise ValueError(f"SecureEndpoint {endpoint_name}: " + "; ".join(problems))

    def _tag_warnings(self, images: list[str]) -> None:
        tags = [i for i in dict.fromkeys(images) if not DIGEST_RE.match(i)]
        if tags:
            Annotations.of(self).add_warning_v2(
                "secure-ml:image-tag",
                f"image tag(s) {tags} are mutable: the tag can be moved to another image after review; pin "
                "the image by digest (sha256:...)",
            )

    # ------------------------------------------------------------------------------------------
    # Building blocks

    def _model_key(self, model_data: str) -> str:
        match = _S3_URL_RE.match(model_data)
        return match.group(2) if match else model_data.lstrip("/")

    def _statement(self, **kwargs: Any) -> None:
        self._policy.add_statements(iam.PolicyStatement(**kwargs))

    def _grant_execution_basics(self, model_keys: list[str], model_packages: list[str]) -> None:
        stack = Stack.of(self)
        bucket = self.artifacts_bucket
        prefixes = [k.rsplit("/", 1)[0] + "/" if "/" in k else k for k in model_keys]
        if prefixes:
            self._statement(sid="ReadModelData", actions=["s3:GetObject", "s3:GetObjectVersion"],
                            resources=[bucket.arn_for_objects(p + "*" if p.endswith("/") else p) for p in prefixes])
            self._statement(sid="ListModelPrefix", actions=["s3:ListBucket"], resources=[bucket.bucket_arn],
                            conditions={"StringLike": {"s3:prefix": [p + "*" if p.endswith("/") else p
                                                                     for p in prefixes]}})
        if model_packages:
            self._statement(sid="DescribeModelPackage", actions=["sagemaker:DescribeModelPackage"],
                            resources=model_packages)
            if self.model_source_account:
                # The package's image and artifacts live in the delivery account; its registry's
                # repository, bucket and key policies name this role's path (the other side).
                source = self.model_source_account
                self._statement(sid="ReadPromotedModels", actions=["s3:GetObject", "s3:GetObjectVersion"],
                                resources=[f"arn:{stack.partition}:s3:::*"],
                                conditions={"StringEquals": {"s3:ResourceAccount": source}})
                self._statement(sid="DecryptPromotedModelsThroughS3AndEcr", actions=["kms:Decrypt"],
                                resources=[f"arn:{stack.partition}:kms:{stack.region}:{source}:key/*"],
                                conditions={"StringEquals": {"kms:ViaService": [
                                    f"s3.{stack.region}.amazonaws.com", f"ecr.{stack.region}.amazonaws.com"]}})
                self._statement(sid="PullPromotedImages",
                                actions=["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer",
                                         "ecr:BatchCheckLayerAvailability"],
                                resources=[f"arn:{stack.partition}:ecr:{stack.region}:{source}:repository/*"])
        if self.artifacts_key is not None:
            self._statement(sid="DecryptModelData", actions=["kms:Decrypt"], resources=[self.artifacts_key.key_arn])
        self._statement(sid="PullImage", resources=[self.repository.repository_arn],
                        actions=["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"])
        self._statement(sid="EcrAuthorizationToken", actions=["ecr:GetAuthorizationToken"], resources=["*"])
        self._statement(sid="WriteLogGroup", actions=["logs:CreateLogStream", "logs:PutLogEvents",
                                                      "logs:DescribeLogStreams"],
                        resources=[self.log_group.log_group_arn,
                                   f"{self.log_group.log_group_arn.removesuffix(':*')}:log-stream:*"])
        self._statement(sid="PutEndpointMetrics", actions=["cloudwatch:PutMetricData"], resources=["*"],
                        conditions={"StringLike": {"cloudwatch:namespace": ["/aws/sagemaker/Endpoints*",
                                                                            "AWS/SageMaker"]}})
        if self.vpc is not None and not self.serverless:
            self._statement(sid="DescribeNetwork", resources=["*"], actions=[
                "ec2:DescribeNetworkInterfaces", "ec2:DescribeVpcs", "ec2:DescribeDhcpOptions",
                "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups"])
            vpc_arn = stack.format_arn(service="ec2", resource="vpc", resource_name=self.vpc.vpc_id)
            self._statement(sid="ManageEnisInThisVpc", resources=["*"], actions=[
                "ec2:CreateNetworkInterface", "ec2:CreateNetworkInterfacePermission",
                "ec2:DeleteNetworkInterface", "ec2:DeleteNetworkInterfacePermission"],
                conditions={"ArnEquals": {"ec2:Vpc": vpc_arn}})

    def _new_model(self, construct_id: str, image: str, model_key: str, environment: Mapping[str, str] | None,
                   network_isolation: bool, *, package: str | None = None) -> sagemaker.CfnModel:
        if package is not None:
            # The package names its image and model data; the name hash changes with the version ARN.
            container = sagemaker.CfnModel.ContainerDefinitionProperty(
                model_package_name=package, environment=dict(environment) if environment else None)
        else:
            uri = (self.repository.repository_uri_for_digest(image) if DIGEST_RE.match(image)
                   else self.repository.repository_uri_for_tag(image))
            container = sagemaker.CfnModel.ContainerDefinitionProperty(
                image=uri, model_data_url=self.artifacts_bucket.s3_url_for_object(model_key), mode="SingleModel",
                environment=dict(environment) if environment else None)
        props: dict[str, Any] = {
            "execution_role_arn": self.role.role_arn,
            "primary_container": container,
            "enable_network_isolation": network_isolation,
            "vpc_config": sagemaker.CfnModel.VpcConfigProperty(
                subnets=[s.subnet_id for s in self.subnets],
                security_group_ids=[g.security_group_id for g in self.security_groups],
            ) if not self.serverless else None,
        }
        model = sagemaker.CfnModel(self, construct_id, **props)
        model.model_name = Lazy.uncached_string(_HashedName(self.name, props, model))
        name = f"{self.name}-<content hash>"
        model.node.add_dependency(self._policy)
        if not network_isolation:
            Annotations.of(self).add_warning_v2(
                "secure-ml:model-network-isolation-off",
                f"model {name}: network isolation is off; the container may make outbound calls")
            acknowledge(model, "Network isolation was turned off explicitly (network_isolation=False).",
                        ack_id("SML-NET-7"))
        if self.serverless:
            acknowledge(model, "Serverless inference (strict=False) cannot run in a VPC.", ack_id("SML-NET-5"), ack_id("SML-NET-6"))
        return model

    def _variant_property(self, v: EndpointVariant,
                          serverless: Serverless | None) -> sagemaker.CfnEndpointConfig.ProductionVariantProperty:
        model = self._model_of_variant[v.name]
        if serverless is not None:
            return sagemaker.CfnEndpointConfig.ProductionVariantProperty(
                variant_name=v.name, model_name=model.attr_model_name, initial_variant_weight=v.weight,
                serverless_config=sagemaker.CfnEndpointConfig.ServerlessConfigProperty(
                    max_concurrency=serverless.max_concurrency, memory_size_in_mb=serverless.memory_size_mb))
        return sagemaker.CfnEndpointConfig.ProductionVariantProperty(
            variant_name=v.name, model_name=model.attr_model_name, initial_variant_weight=v.weight,
            instance_type=v.instance_type, initial_instance_count=v.instance_count,
            volume_size_in_gb=v.volume_size_gb)

    def _data_capture_config(self, capture: DataCapture) -> sagemaker.CfnEndpointConfig.DataCaptureConfigProperty:
        key = capture.key or capture.bucket.encryption_key
        self.data_capture_key = key
        prefix = capture.prefix.strip("/")
        self._statement(sid="WriteDataCapture", actions=["s3:PutObject"],
                        resources=[capture.bucket.arn_for_objects(f"{prefix}/{self.endpoint_name}/*")])
        if key is not None:
            self._statement(sid="EncryptDataCapture", actions=["kms:GenerateDataKey", "kms:Encrypt"],
                            resources=[key.key_arn])
        modes = [m for m, on in (("Input", capture.capture_request), ("Output", capture.capture_response)) if on]
        return sagemaker.CfnEndpointConfig.DataCaptureConfigProperty(
            enable_capture=True,
            initial_sampling_percentage=capture.sampling_percentage,
            destination_s3_uri=capture.bucket.s3_url_for_object(prefix),
            kms_key_id=key.key_arn if key is not None else None,
            capture_options=[sagemaker.CfnEndpointConfig.CaptureOptionProperty(capture_mode=m) for m in modes],
            capture_content_type_header=sagemaker.CfnEndpointConfig.CaptureContentTypeHeaderProperty(
                json_content_types=["application/json"], csv_content_types=["text/csv"]),
        )

    def _async_config(self, config: AsyncInference) -> sagemaker.CfnEndpointConfig.AsyncInferenceConfigProperty:
        key = config.key or config.bucket.encryption_key
        topics_key = None
        if config.success_topic is None or config.error_topic is None:
            topics_key = kms.Key(self, "AsyncTopicsKey", description=f"Async notifications of {self.endpoint_name}",
                                 enable_key_rotation=True, removal_policy=RemovalPolicy.RETAIN)
        self.success_topic = config.success_topic or sns.Topic(
            self, "AsyncSuccessTopic", master_key=topics_key, enforce_ssl=True,
            display_name=f"{self.endpoint_name} async inference succeeded")
        self.error_topic = config.error_topic or sns.Topic(
            self, "AsyncErrorTopic", master_key=topics_key, enforce_ssl=True,
            display_name=f"{self.endpoint_name} async inference failed")
        bucket = config.bucket
        inp, out, fail = (p.strip("/") for p in (config.input_prefix, config.output_prefix, config.failure_prefix))
        self._statement(sid="ReadAsyncInput", actions=["s3:GetObject"], resources=[bucket.arn_for_objects(f"{inp}/*")])
        self._statement(sid="WriteAsyncResults", actions=["s3:PutObject", "s3:AbortMultipartUpload"],
                        resources=[bucket.arn_for_objects(f"{out}/*"), bucket.arn_for_objects(f"{fail}/*")])
        if key is not None:
            self._statement(sid="AsyncDataKey", actions=["kms:Decrypt", "kms:GenerateDataKey", "kms:Encrypt"],
                            resources=[key.key_arn])
        self._statement(sid="PublishAsyncNotifications", actions=["sns:Publish"],
                        resources=[self.success_topic.topic_arn, self.error_topic.topic_arn])
        if topics_key is not None:
            self._statement(sid="EncryptAsyncNotifications", actions=["kms:GenerateDataKey", "kms:Decrypt"],
                            resources=[topics_key.key_arn])
        return sagemaker.CfnEndpointConfig.AsyncInferenceConfigProperty(
            output_config=sagemaker.CfnEndpointConfig.AsyncInferenceOutputConfigProperty(
                s3_output_path=bucket.s3_url_for_object(out),
                s3_failure_path=bucket.s3_url_for_object(fail),
                kms_key_id=key.key_arn if key is not None else None,
                notification_config=sagemaker.CfnEndpointConfig.AsyncInferenceNotificationConfigProperty(
                    success_topic=self.success_topic.topic_arn, error_topic=self.error_topic.topic_arn),
            ),
            client_config=sagemaker.CfnEndpointConfig.AsyncInferenceClientConfigProperty(
                max_concurrent_invocations_per_instance=config.max_concurrent_invocations_per_instance)
            if config.max_concurrent_invocations_per_instance else None,
        )

    def _add_alarms(self, v: EndpointVariant, t: AlarmThresholds, *, instance_metrics: bool) -> None:
        variant = v.name
        # Rollback on server errors and latency only: 4XX are the callers' errors, and any rollback alarm
        # that trips during a baking period rolls the whole deployment back
        # (https://docs.aws.amazon.com/sagemaker/latest/dg/deployment-guardrails-blue-green.html), so a client
        # sending bad payloads would roll back a healthy model. The 4XX alarm still notifies.
        specs: list[tuple[str, cloudwatch.Metric, float | None, str, bool]] = [
            ("Invocation5xx", self.metric_invocation_5xx_errors(variant=variant), t.invocation_5xx_errors,
             "server errors (5XX)", True),
            ("Invocation4xx", self.metric_invocation_4xx_errors(variant=variant), t.invocation_4xx_errors,
             "client errors (4XX)", False),
            ("ModelLatencyP99", self.metric_model_latency(variant=variant),
             t.model_latency_p99.to_seconds() * 1_000_000 if t.model_latency_p99 else None,
             "p99 model latency (microseconds)", True),
        ]
        if instance_metrics:
            # CPUUtilization is summed over the instance's vCPUs (0-100 % each), memory and disk are 0-100 %
            # (https://docs.aws.amazon.com/sagemaker/latest/dg/monitoring-cloudwatch.html): the CPU threshold,
            # a percentage of the whole instance, is scaled by the vCPUs.
            cpu = t.cpu_utilization_percent
            cpus = vcpus(v.instance_type) if cpu is not None else 1
            specs += [
                ("CpuUtilization", self.metric_cpu_utilization(variant=variant),
                 cpu * cpus if cpu is not None else None,
                 f"CPU utilisation ({cpu:g} % of {cpus} vCPUs, summed over vCPUs)" if cpu is not None else "", False),
                ("MemoryUtilization", self.metric_memory_utilization(variant=variant), t.memory_utilization_percent,
                 "memory utilisation (%)", False),
                ("DiskUtilization", self.metric_disk_utilization(variant=variant), t.disk_utilization_percent,
                 "disk utilisation (%)", False),
            ]
        action = cw_actions.SnsAction(self.alarm_topic)
        for kind, metric, threshold, what, rollback in specs:
            if threshold is None:
                continue
            alarm = cloudwatch.Alarm(
                self, f"{_camel(variant)}{kind}Alarm", metric=metric, threshold=threshold,
                evaluation_periods=t.evaluation_periods, datapoints_to_alarm=t.datapoints_to_alarm,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
                alarm_description=f"SageMaker endpoint {self.endpoint_name} variant {variant}: {what} >= {threshold:g}",
            )
            alarm.add_alarm_action(action)
            alarm.add_ok_action(action)
            self.alarms[f"{variant}/{kind}"] = alarm
            if rollback:
                self._rollback_alarms.append(alarm)

    def _deployment_config(self, rollout: Rollout) -> sagemaker.CfnEndpoint.DeploymentConfigProperty:
        size = None
        if rollout.traffic_routing != "ALL_AT_ONCE":
            size = sagemaker.CfnEndpoint.CapacitySizeProperty(type="CAPACITY_PERCENT", value=rollout.size_percent)
        routing = sagemaker.CfnEndpoint.TrafficRoutingConfigProperty(
            type=rollout.traffic_routing,
            wait_interval_in_seconds=int(rollout.wait.to_seconds()),
            canary_size=size if rollout.traffic_routing == "CANARY" else None,
            linear_step_size=size if rollout.traffic_routing == "LINEAR" else None,
        )
        rollback = None
        if rollout.auto_rollback and self._rollback_alarms:
            rollback = sagemaker.CfnEndpoint.AutoRollbackConfigProperty(alarms=[
                sagemaker.CfnEndpoint.AlarmProperty(alarm_name=a.alarm_name) for a in self._rollback_alarms])
        return sagemaker.CfnEndpoint.DeploymentConfigProperty(
            blue_green_update_policy=sagemaker.CfnEndpoint.BlueGreenUpdatePolicyProperty(
                traffic_routing_configuration=routing,
                termination_wait_in_seconds=int(rollout.termination_wait.to_seconds()),
                maximum_execution_timeout_in_seconds=int(rollout.maximum_execution_timeout.to_seconds())
                if rollout.maximum_execution_timeout else None,
            ),
            auto_rollback_configuration=rollback,
        )

    def _add_autoscaling(self, v: EndpointVariant, a: AutoScaling, async_inference: AsyncInference | None) -> None:
        variant = v.name
        scale_to_zero = async_inference is not None and async_inference.scale_to_zero
        target = appscaling.ScalableTarget(
            self, f"{_camel(variant)}ScalableTarget",
            service_namespace=appscaling.ServiceNamespace.SAGEMAKER,
            resource_id=f"endpoint/{self.endpoint.attr_endpoint_name}/variant/{variant}",
            scalable_dimension="sagemaker:variant:DesiredInstanceCount",
            min_capacity=0 if scale_to_zero else a.min_capacity,
            max_capacity=a.max_capacity,
            # The service-linked role Application Auto Scaling creates for SageMaker, not a new role.
            role=self._autoscaling_role(),
        )
        target.node.add_dependency(self.endpoint)
        self.scalable_targets[variant] = target
        common = {"scale_in_cooldown": a.scale_in_cooldown, "scale_out_cooldown": a.scale_out_cooldown,
                  "disable_scale_in": a.disable_scale_in}
        if async_inference is None:
            target.scale_to_track_metric(
                "InvocationsPerInstance", target_value=a.target_invocations_per_instance,
                predefined_metric=appscaling.PredefinedMetric.SAGEMAKER_VARIANT_INVOCATIONS_PER_INSTANCE, **common)
        else:
            # Async requests queue; AWS recommends tracking the backlog per instance instead of invocations.
            target.scale_to_track_metric(
                "BacklogPerInstance", target_value=async_inference.backlog_target_per_instance,
                custom_metric=cloudwatch.Metric(
                    namespace=INVOCATION_METRICS_NAMESPACE, metric_name="ApproximateBacklogSizePerInstance",
                    dimensions_map={"EndpointName": self.endpoint_name}, statistic="Average"), **common)
        if a.cpu_target_percent is not None:
            # A percentage of the whole instance; CPUUtilization is summed over its vCPUs (see _add_alarms).
            target.scale_to_track_metric(
                "CpuUtilization", target_value=a.cpu_target_percent * vcpus(v.instance_type),
                custom_metric=self.metric_cpu_utilization(variant=variant), **common)
        if scale_to_zero:
            # From 0 instances no per-instance metric exists: scale out on HasBacklogWithoutCapacity.
            target.scale_on_metric(
                "ScaleOutFromZero",
                metric=cloudwatch.Metric(namespace=INVOCATION_METRICS_NAMESPACE, metric_name="HasBacklogWithoutCapacity",
                                         dimensions_map={"EndpointName": self.endpoint_name}, statistic="Average",
                                         period=Duration.minutes(1)),
                scaling_steps=[appscaling.ScalingInterval(upper=0.5, change=0),
                               appscaling.ScalingInterval(lower=0.5, change=1)],
                adjustment_type=appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
                cooldown=a.scale_out_cooldown,
            )
            acknowledge(target, "An async inference endpoint with scale_to_zero: it runs no instance while the "
                        "queue is empty and scales out on HasBacklogWithoutCapacity.", ack_id("SML-HOST-5"))
        elif not self.production and a.min_capacity < 2:
            acknowledge(target, "A non-production endpoint with allow_single_instance=True.", ack_id("SML-HOST-5"))

    def _autoscaling_role(self) -> iam.IRole:
        existing = self.node.try_find_child("AutoScalingRole")
        if existing is not None:
            return existing  # type: ignore[return-value]
        stack = Stack.of(self)
        return iam.Role.from_role_arn(
            self, "AutoScalingRole",
            f"arn:{stack.partition}:iam::{stack.account}:role/aws-service-role/"
            "sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint",
            mutable=False,
        )

    def _add_model_monitor(self, mm: ModelMonitor, capture: DataCapture) -> None:
        stack = Stack.of(self)
        prefix = mm.output_prefix.strip("/")
        output_key = mm.output_key or mm.output_bucket.encryption_key or self.data_capture_key
        volume_key = mm.volume_key or self.volume_key
        role = iam.Role(
            self, "MonitorRole",
            assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com", conditions={
                "StringEquals": {"aws:SourceAccount": stack.account}}),
            description=f"Model Monitor of SageMaker endpoint {self.endpoint_name}",
        )
        self.monitor_role = role
        capture_prefix = capture.prefix.strip("/")
        statements = [
            iam.PolicyStatement(sid="ReadCapturedData", actions=["s3:GetObject"],
                                resources=[capture.bucket.arn_for_objects(f"{capture_prefix}/{self.endpoint_name}/*")]),
            iam.PolicyStatement(sid="ListCapturedData", actions=["s3:ListBucket"],
                                resources=[capture.bucket.bucket_arn],
                                conditions={"StringLike": {"s3:prefix": [f"{capture_prefix}/{self.endpoint_name}/*"]}}),
            iam.PolicyStatement(sid="WriteReports", actions=["s3:PutObject"],
                                resources=[mm.output_bucket.arn_for_objects(f"{prefix}/{self.endpoint_name}/*")]),
            iam.PolicyStatement(sid="PutMonitoringMetrics", actions=["cloudwatch:PutMetricData"], resources=["*"],
                                conditions={"StringLike": {"cloudwatch:namespace": ["aws/sagemaker/Endpoints/*",
                                                                                    "/aws/sagemaker/Endpoints/*"]}}),
            iam.PolicyStatement(sid="WriteJobLogs", actions=["logs:CreateLogGroup", "logs:CreateLogStream",
                                                             "logs:PutLogEvents", "logs:DescribeLogStreams"],
                                resources=[stack.format_arn(service="logs", resource="log-group",
                                                            resource_name="/aws/sagemaker/ProcessingJobs:*",
                                                            arn_format=ArnFormat.COLON_RESOURCE_NAME)]),
            iam.PolicyStatement(sid="DescribeNetwork", resources=["*"], actions=[
                "ec2:DescribeNetworkInterfaces", "ec2:DescribeVpcs", "ec2:DescribeDhcpOptions",
                "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups"]),
            iam.PolicyStatement(sid="ManageEnisInThisVpc", resources=["*"], actions=[
                "ec2:CreateNetworkInterface", "ec2:CreateNetworkInterfacePermission",
                "ec2:DeleteNetworkInterface", "ec2:DeleteNetworkInterfacePermission"],
                conditions={"ArnEquals": {"ec2:Vpc": stack.format_arn(service="ec2", resource="vpc",
                                                                      resource_name=self.vpc.vpc_id)}}),
        ]
        keys = [k for k in (self.data_capture_key, output_key, volume_key) if k is not None]
        if keys:
            statements.append(iam.PolicyStatement(
                sid="UseMonitoringKeys", actions=["kms:Decrypt", "kms:GenerateDataKey", "kms:Encrypt",
                                                  "kms:CreateGrant", "kms:DescribeKey"],
                resources=list(dict.fromkeys(k.key_arn for k in keys))))
        if mm.baseline_constraints_key:
            statements.append(iam.PolicyStatement(
                sid="ReadBaseline", actions=["s3:GetObject"],
                resources=[mm.output_bucket.arn_for_objects(mm.baseline_constraints_key),
                           mm.output_bucket.arn_for_objects(mm.baseline_statistics_key)]))
        policy = iam.ManagedPolicy(self, "MonitorPolicy", roles=[role], statements=statements,
                                   description=f"Model Monitor of {self.endpoint_name}: least privilege")
        image_uri = mm.image_uri or self._monitor_image_uri()
        baseline = None
        if mm.baseline_constraints_key:
            baseline = sagemaker.CfnDataQualityJobDefinition.DataQualityBaselineConfigProperty(
                constraints_resource=sagemaker.CfnDataQualityJobDefinition.ConstraintsResourceProperty(
                    s3_uri=mm.output_bucket.s3_url_for_object(mm.baseline_constraints_key)),
                statistics_resource=sagemaker.CfnDataQualityJobDefinition.StatisticsResourceProperty(
                    s3_uri=mm.output_bucket.s3_url_for_object(mm.baseline_statistics_key)),
            )
        job = sagemaker.CfnDataQualityJobDefinition(
            self, "DataQualityJob",
            role_arn=role.role_arn,
            data_quality_app_specification=sagemaker.CfnDataQualityJobDefinition.DataQualityAppSpecificationProperty(
                image_uri=image_uri),
            data_quality_baseline_config=baseline,
            data_quality_job_input=sagemaker.CfnDataQualityJobDefinition.DataQualityJobInputProperty(
                endpoint_input=sagemaker.CfnDataQualityJobDefinition.EndpointInputProperty(
                    endpoint_name=self.endpoint.attr_endpoint_name, local_path="/opt/ml/processing/input/endpoint",
                    s3_input_mode="File", s3_data_distribution_type="FullyReplicated")),
            data_quality_job_output_config=sagemaker.CfnDataQualityJobDefinition.MonitoringOutputConfigProperty(
                kms_key_id=output_key.key_arn if output_key is not None else None,
                monitoring_outputs=[sagemaker.CfnDataQualityJobDefinition.MonitoringOutputProperty(
                    s3_output=sagemaker.CfnDataQualityJobDefinition.S3OutputProperty(
                        local_path="/opt/ml/processing/output", s3_upload_mode="EndOfJob",
                        s3_uri=mm.output_bucket.s3_url_for_object(f"{prefix}/{self.endpoint_name}")))]),
            job_resources=sagemaker.CfnDataQualityJobDefinition.MonitoringResourcesProperty(
                cluster_config=sagemaker.CfnDataQualityJobDefinition.ClusterConfigProperty(
                    instance_count=1, instance_type=mm.instance_type, volume_size_in_gb=mm.volume_size_gb,
                    volume_kms_key_id=volume_key.key_arn if volume_key is not None else None)),
            network_config=sagemaker.CfnDataQualityJobDefinition.NetworkConfigProperty(
                enable_network_isolation=True, enable_inter_container_traffic_encryption=True,
                vpc_config=sagemaker.CfnDataQualityJobDefinition.VpcConfigProperty(
                    subnets=[s.subnet_id for s in self.subnets],
                    security_group_ids=[g.security_group_id for g in self.security_groups])),
            stopping_condition=sagemaker.CfnDataQualityJobDefinition.StoppingConditionProperty(
                max_runtime_in_seconds=int(mm.max_runtime.to_seconds())),
        )
        job.node.add_dependency(policy)
        job.node.add_dependency(self.endpoint)
        schedule = sagemaker.CfnMonitoringSchedule(
            self, "MonitoringSchedule",
            # The base name: the schedule keeps its name when the endpoint is replaced; its job definition
            # (generated name) follows the endpoint. At most 63 characters (checked in _validate).
            monitoring_schedule_name=f"{self.name}{MONITORING_SCHEDULE_SUFFIX}",
            monitoring_schedule_config=sagemaker.CfnMonitoringSchedule.MonitoringScheduleConfigProperty(
                # Ref is the ARN (…:data-quality-job-definition/<name>); the schedule wants the generated name.
                monitoring_job_definition_name=Fn.select(1, Fn.split("/", job.attr_job_definition_arn)),
                monitoring_type="DataQuality",
                schedule_config=sagemaker.CfnMonitoringSchedule.ScheduleConfigProperty(
                    schedule_expression=mm.schedule_expression)),
        )
        self.data_quality_job = job
        self.monitoring_schedule = schedule
        self._monitor_policy = policy

    def _monitor_image_uri(self) -> str:
        """``<account>.dkr.ecr.<region>.<domain>/sagemaker-model-monitor-analyzer``, the account per region
        (https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-pre-built-container.html)."""
        stack = Stack.of(self)
        suffix = MODEL_MONITOR_REPOSITORY
        if not Token.is_unresolved(stack.region):
            account = MODEL_MONITOR_IMAGE_ACCOUNTS.get(stack.region)
            if account is None:
                raise ValueError(
                    f"SecureEndpoint {self.name}: no Model Monitor image account is known for region "
                    f"{stack.region}; pass ModelMonitor(image_uri=...) (config: model_monitor.image_uri), see "
                    "https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-pre-built-container.html")
            return f"{account}.dkr.ecr.{stack.region}.{stack.url_suffix}/{suffix}"
        mapping = stack.node.try_find_child("SecureMlModelMonitorImageAccounts")
        if mapping is None:
            mapping = CfnMapping(stack, "SecureMlModelMonitorImageAccounts", mapping={
                region: {"account": account} for region, account in MODEL_MONITOR_IMAGE_ACCOUNTS.items()})
        account = mapping.find_in_map(stack.region, "account")  # type: ignore[union-attr]
        return f"{account}.dkr.ecr.{stack.region}.{stack.url_suffix}/{suffix}"

    def _acknowledge_policy(self) -> None:
        policies = [self._policy] + ([self._monitor_policy] if self.monitoring_schedule is not None else [])
        for policy in policies:
            acknowledge_wildcards(
                policy,
                "Each wildcard is scoped to this endpoint: object keys under its own S3 prefixes and log streams "
                "of its own log group; ecr:GetAuthorizationToken, cloudwatch:PutMetricData (conditioned on the "
                "namespace) and the ec2 ENI actions (conditioned on ec2:Vpc = this VPC) have no resource-level "
                "permissions.",
            )


def _model_spec(v: EndpointVariant, image: str | None, model_data: str | None,
                model_package: str | None) -> tuple[str | None, str | None, str | None]:
    """(model package ARN, image, model data) of a variant: its own package, else its own image/model
    data (completed by the endpoint's), else the endpoint's package, else the endpoint's image/model data."""
    if v.model_package:
        return v.model_package, None, None
    if v.image is None and v.model_data is None and model_package:
        return model_package, None, None
    return None, v.image or image, v.model_data or model_data


def _model_package_problems(label: str, arn: str) -> list[str]:
    if Token.is_unresolved(arn) or _MODEL_PACKAGE_ARN_RE.match(arn):
        return []
    return [(f"{label} {arn!r} is not a model package version ARN "
             "(arn:aws:sagemaker:<region>:<account>:model-package/<group>/<version>)")]


def _image_problems(label: str, image: str) -> list[str]:
    if Token.is_unresolved(image) or DIGEST_RE.match(image) or IMAGE_TAG_RE.match(image):
        return []
    if image.startswith("sha256:"):
        return [f"{label} {image!r} is not a digest; a digest is sha256: followed by 64 hex digits"]
    return [f"{label} {image!r} is neither a digest (sha256:<64 hex>) nor an image tag"]


def _model_data_problems(label: str, model_data: str, bucket: s3.IBucket) -> list[str]:
    if Token.is_unresolved(model_data):
        return [f"{label} is a token; pass a literal key so the role can be scoped to its prefix"]
    hint = ("give the key of a .tar.gz in the artifacts bucket (models/churn/model.tar.gz) or its "
            "s3://<artifacts bucket>/<key>.tar.gz URL")
    if not model_data.endswith(".tar.gz"):
        return [f"{label} {model_data!r} is not an s3://…tar.gz; {hint}"]
    match = _S3_URL_RE.match(model_data)
    if match:
        name = bucket.bucket_name
        if Token.is_unresolved(name):
            return [(f"{label} {model_data!r}: the artifacts bucket's name is only known at deploy time, so the "
                     "URL cannot be checked against it; give the key inside the bucket instead")]
        if match.group(1) != name:
            return [f"{label} {model_data!r} is not in the artifacts bucket {name!r}; {hint}"]
        return []
    if "://" in model_data or model_data.startswith("arn:"):
        return [f"{label} {model_data!r} is not an s3://…tar.gz; {hint}"]
    return []
