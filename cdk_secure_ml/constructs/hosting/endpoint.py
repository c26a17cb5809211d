"""SecureEndpoint: a SageMaker real-time (or async) endpoint with the platform's hosting defaults.

Model → endpoint config → endpoint, plus autoscaling, alarms to a KMS-encrypted SNS topic, guarded blue/green
rollouts with automatic rollback, data capture and an optional Model Monitor schedule. The endpoint implements
aws-cdk-lib's stable ``aws_sagemaker.IEndpoint`` (so it plugs into ``apigateway.SagemakerIntegration`` and any
API typed ``IEndpoint``) and ``ec2.IConnectable`` (its security groups).

aws-cdk-lib has no stable L2 for SageMaker hosting and ``aws-cdk.aws-sagemaker-alpha`` has no data capture and
no deployment guardrails (aws/aws-cdk#23152), so the SageMaker resources are the L1s ``CfnModel``,
``CfnEndpointConfig`` and ``CfnEndpoint``; everything around them uses the aws-cdk-lib L2s.

The interface half (``IEndpoint``, ``IConnectable``, grants, metrics) is :class:`~.base.EndpointBase`, which
also says why this is a ``Construct`` and not a ``Resource``.

Longer than 600 lines because the class docstring lists its thirty-odd attributes, as aws-cdk-lib documents
its constructs' attributes; the code itself is under 600 lines.

**Features as constructs.** Alarms (:class:`~.alarms.EndpointAlarms`), autoscaling
(:class:`~.scaling.EndpointAutoScaling`) and Model Monitor (:class:`~.monitor.DataQualityMonitor`) are
constructs of their own that take an endpoint. The endpoint builds them as its children ``Alarms``,
``AutoScaling`` and ``DataQualityMonitor`` with ``resource_scope=self``: their resources are created in the
endpoint's scope under the ids they always had (``<Variant><Kind>Alarm``, ``<Variant>ScalableTarget``,
``MonitoringSchedule``, ...), so construct paths and logical ids are unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from aws_cdk import Annotations, Lazy, RemovalPolicy, Stack, Token
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sagemaker as sagemaker
from aws_cdk import aws_sns as sns
from constructs import Construct

from cdk_secure_ml.constructs.hosting.alarms import EndpointAlarms
from cdk_secure_ml.constructs.hosting.base import EndpointBase
from cdk_secure_ml.constructs.hosting.endpoint_config import _EndpointConfigBuilder
from cdk_secure_ml.constructs.hosting.model_source import (
    ModelSource,
    container_definition,
    model_access_statements,
)
from cdk_secure_ml.constructs.hosting.monitor import DataQualityMonitor, acknowledge_policy
from cdk_secure_ml.constructs.hosting.naming import _HashedName, camel
from cdk_secure_ml.constructs.hosting.network import (
    DESCRIBE_NETWORK_ACTIONS,
    EndpointNetwork,
    acknowledge_cross_stack_azs,
    endpoint_security_groups,
    eni_statement,
    justify_eni_statement,
    placement,
    public_subnet_problems,
    subnet_az,
)
from cdk_secure_ml.constructs.hosting.options import (
    DEFAULT,
    AlarmOptions,
    AsyncInferenceOptions,
    AutoScalingOptions,
    DataCaptureOptions,
    EndpointVariantOptions,
    Feature,
    ModelMonitorOptions,
    RolloutOptions,
    ServerlessOptions,
    _Default,
    feature,
    raise_for_problems,
    removed_arguments,
)
from cdk_secure_ml.constructs.hosting.scaling import EndpointAutoScaling
from cdk_secure_ml.core.hosting import EndpointFeatures, endpoint_physical_name, endpoint_problems
from cdk_secure_ml.core.hosting.naming import monitoring_schedule_name
from cdk_secure_ml.core.names import DIGEST_RE
from cdk_secure_ml.policies.acknowledgements import acknowledge
from cdk_secure_ml.policies.ids import ack_id

_MODEL_SOURCE_FIX = (
    "give model_source=ModelSource.from_image(image, model_data) or ModelSource.from_model_package(arn)"
)


@removed_arguments(image=_MODEL_SOURCE_FIX, model_data=_MODEL_SOURCE_FIX, model_package=_MODEL_SOURCE_FIX)
class SecureEndpoint(EndpointBase):
    """A SageMaker endpoint with the platform's hosting defaults.

    - **Model** (``"Model"``; ``Model<Variant>`` for variants with their own source): ``model_source`` (an
      image of a private ECR repository, pinned by digest, with model data in the artifacts bucket; or a
      model package version), ``VpcConfig`` on subnets in at least 2 AZs, network isolation, and an execution
      role (``"ExecutionRole"``) that can only read the model's prefix, decrypt with the artifacts key, pull
      from its repository, write its log group, create its ENIs in this VPC and put metrics, plus write data
      capture / async results when those are on. The log group ``/aws/sagemaker/Endpoints/<name>`` is created
      up front with KMS and retention (RETAIN).
    - **Endpoint config** (``"EndpointConfig"``): ``KmsKeyId`` for the instance volume, variants with weights,
      names ``<endpoint>-<hash of content>`` so that a changed config (configs are immutable) gets a new name
      and is rolled out; data capture with KMS.
    - **Endpoint** (``"Resource"``, so ``node.default_child``): blue/green rollouts with all-at-once, canary
      or linear traffic shifting and automatic rollback on the alarms.
    - **Autoscaling** per variant, **alarms** to a KMS-encrypted SNS topic, optional **Model Monitor**,
      **async inference**; serverless only with ``strict=False``.

    Features: ``None`` is the default, ``False`` turns a feature off (``autoscaling=False``,
    ``alarms=False``); data capture, Model Monitor, async and serverless are off by default.

    :param endpoint_name: the endpoint's base name (1-54 letters, digits, hyphens; 1-50 with
        ``model_monitor``). The endpoint itself is named ``<endpoint_name>-<8 hex>`` of its variant names and
        instance types (:func:`endpoint_physical_name`, attribute ``endpoint_name``), so a change SageMaker
        cannot update in place replaces it under a new name; models and configs are named
        ``<endpoint_name>-<content hash>``, the monitoring schedule ``<endpoint_name>-data-quality``.
    :param repository: the private ECR repository of ``from_image`` sources (``from_image_uri`` needs none).
    :param artifacts_bucket: the bucket with the model data; the role may read only the models' prefixes.
    :param model_source: :class:`ModelSource`: ``from_image(image, model_data)`` or
        ``from_model_package(arn)``. Required unless every variant has its own ``source``.
    :param network: an ``MlNetwork`` (or anything with ``vpc``, ``subnets``, ``interface_endpoints`` and
        ``new_workload_security_group``): its subnets, and a new workload security group unless
        ``security_groups`` is given. Or pass ``vpc`` (+ ``subnets``, ``security_groups``) instead.
    :param subnets: at least 2 subnets in distinct AZs (checked when the AZs are known); never public ones.
    :param artifacts_key: key of the model data. Default ``artifacts_bucket.encryption_key``.
    :param volume_key: endpoint config ``KmsKeyId``. Default: a new rotated key (RETAIN).
    :param logs_key: key of the log group. Default: a new rotated key CloudWatch Logs may use.
    :param variants: default one ``EndpointVariantOptions()`` (``AllTraffic``, 2 x ``ml.m5.large``).
    :param production: production endpoints need >= 2 instances per variant and autoscaling min >= 2.
    :param allow_single_instance: a non-production endpoint may then run 1 instance (with a warning).
    :param autoscaling: default ``AutoScalingOptions()`` (2-4 instances, target 70); ``False``: off (a
        warning).
    :param data_capture: default off, with a warning; pass :class:`DataCaptureOptions` for the inference
        audit.
    :param alarm_topic: SNS topic of the alarms. Default: a new KMS-encrypted topic.
    :param alarms: default ``AlarmOptions()``; ``False``: no alarms and no automatic rollback (a warning).
    :param rollout: default :meth:`RolloutOptions.all_at_once` (blue/green, automatic rollback).
    :param model_monitor: :class:`ModelMonitorOptions`, needs ``data_capture``. Default off (existing Model
        Monitor customers only, see :mod:`.monitor`).
    :param async_inference: :class:`AsyncInferenceOptions`. Default off.
    :param serverless: :class:`ServerlessOptions`, only with ``strict=False``. Default off.
    :param role_path: IAM path of the execution role (a delivery account's registry admits roles by path).
    :param model_source_account: the account model packages come from (the delivery account); the
        role may then read its S3 objects and decrypt through S3 with its keys, and pull its images.
    :param strict: refuse what escapes the network and encryption controls (serverless). Default True.
    :raises ValueError: every problem of the arguments at once, each naming the value, key and fix.
    :raises TypeError: ``image``, ``model_data`` or ``model_package`` (replaced by ``model_source``).

    Attributes (besides :class:`~.base.EndpointBase`'s ``endpoint_name``, ``endpoint_arn``, ``connections``,
    ...):

    - resources: ``endpoint`` (``sagemaker.CfnEndpoint``), ``endpoint_config``
      (``sagemaker.CfnEndpointConfig``), ``models`` (variant -> ``sagemaker.CfnModel``) and ``model`` (the
      first), ``role`` (``iam.Role``, the execution role), ``log_group`` (``logs.LogGroup``),
      ``security_groups`` (``list[ec2.ISecurityGroup]``);
    - features, None or empty when off: ``endpoint_alarms`` (``EndpointAlarms``), ``alarms``
      (``"<variant>/<kind>"`` -> ``cloudwatch.Alarm``), ``alarm_topic`` (``sns.ITopic``), ``auto_scaling``
      (``EndpointAutoScaling``), ``scalable_targets`` (variant -> ``appscaling.ScalableTarget``),
      ``data_quality_monitor`` (``DataQualityMonitor``), ``monitoring_schedule``, ``data_quality_job``,
      ``monitor_role`` (``iam.Role``), ``data_capture_key`` (``kms.IKey``), ``success_topic`` and
      ``error_topic`` (``sns.ITopic``, async);
    - inputs as resolved: ``name`` (the base name), ``variants`` (name -> ``EndpointVariantOptions``),
      ``variant_names``, ``model_source``, ``model_packages`` (ARNs), ``model_source_account``, ``network``,
      ``vpc``, ``subnets``, ``repository``, ``artifacts_bucket``, ``artifacts_key``, ``volume_key``,
      ``logs_key``, ``production``, ``autoscaled``, ``serverless``, ``async_inference``.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        endpoint_name: str,
        repository: ecr.IRepository | None = None,
        artifacts_bucket: s3.IBucket,
        model_source: ModelSource | None = None,
        network: EndpointNetwork | None = None,
        vpc: ec2.IVpc | None = None,
        subnets: Sequence[ec2.ISubnet] | None = None,
        security_groups: Sequence[ec2.ISecurityGroup] | None = None,
        artifacts_key: kms.IKey | None = None,
        volume_key: kms.IKey | None = None,
        logs_key: kms.IKey | None = None,
        log_retention: logs.RetentionDays = logs.RetentionDays.ONE_YEAR,
        variants: Sequence[EndpointVariantOptions] | None = None,
        environment: Mapping[str, str] | None = None,
        production: bool = True,
        allow_single_instance: bool = False,
        network_isolation: bool = True,
        autoscaling: Feature[AutoScalingOptions] | _Default = DEFAULT,
        data_capture: Feature[DataCaptureOptions] = None,
        alarm_topic: sns.ITopic | None = None,
        alarms: Feature[AlarmOptions] = None,
        rollout: RolloutOptions | None = None,
        model_monitor: Feature[ModelMonitorOptions] = None,
        async_inference: Feature[AsyncInferenceOptions] = None,
        serverless: Feature[ServerlessOptions] = None,
        strict: bool = True,
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
        role_path: str | None = None,
        model_source_account: str | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        variant_list = list(variants) if variants is not None else [EndpointVariantOptions()]
        features = EndpointFeatures(
            autoscaling=feature(
                autoscaling,
                AutoScalingOptions(),
                name="autoscaling",
                kind=AutoScalingOptions,
                none_was_off=True,
            ),
            data_capture=feature(data_capture, None, name="data_capture", kind=DataCaptureOptions),
            alarms=feature(alarms, AlarmOptions(), name="alarms", kind=AlarmOptions),
            model_monitor=feature(model_monitor, None, name="model_monitor", kind=ModelMonitorOptions),
            async_inference=feature(
                async_inference, None, name="async_inference", kind=AsyncInferenceOptions
            ),
            serverless=feature(serverless, None, name="serverless", kind=ServerlessOptions),
        )
        if model_source is not None and not isinstance(model_source, ModelSource):
            raise TypeError(
                f"model_source={model_source!r} is not a ModelSource; {_MODEL_SOURCE_FIX}"
            )
        rollout = rollout or RolloutOptions.all_at_once()
        vpc, subnet_list = placement(network, vpc, subnets)
        self._validate(
            endpoint_name,
            model_source,
            variant_list,
            features,
            rollout,
            artifacts_bucket,
            vpc,
            subnet_list,
            production=production,
            allow_single_instance=allow_single_instance,
            strict=strict,
        )
        is_serverless = features.serverless is not None
        #: The base name given; :attr:`endpoint_name` is the endpoint's physical name.
        self.name = endpoint_name
        self._physical_name = endpoint_physical_name(endpoint_name, variant_list, is_serverless)
        self.variant_names = [v.name for v in variant_list]
        self.variants = {v.name: v for v in variant_list}
        self.model_source = model_source
        self.autoscaled = features.autoscaling is not None and not is_serverless
        self.production = production
        self.serverless = is_serverless
        self.async_inference = features.async_inference  # type: ignore[assignment]
        self.network = network
        self.repository = repository
        self.artifacts_bucket = artifacts_bucket
        self.artifacts_key: kms.IKey | None = artifacts_key or artifacts_bucket.encryption_key
        self.model_source_account = model_source_account
        self._connections: ec2.Connections | None = None
        sources = [v.source or model_source for v in variant_list]
        self._warn(features, sources)  # type: ignore[arg-type]

        self._keys_and_log_group(
            volume_key, logs_key, log_retention, removal_policy, volume_key_needed=not self.serverless
        )
        self.vpc = vpc if not is_serverless else None
        self.subnets = subnet_list if not is_serverless else []
        self.security_groups: list[ec2.ISecurityGroup] = (
            []
            if is_serverless
            else endpoint_security_groups(
                self,
                network=network,
                vpc=vpc,
                security_groups=security_groups,
                description=f"SageMaker endpoint {endpoint_name}",
            )
        )
        self._execution_role(role_path, sources)  # type: ignore[arg-type]
        self._models(variant_list, sources, environment, network_isolation)  # type: ignore[arg-type]
        acknowledge_cross_stack_azs(network, self.subnets, list(self.models.values()))

        config = _EndpointConfigBuilder(self, features)
        self.endpoint_config = config.build(variant_list, self._model_of_variant, production, self._statement)
        self.data_capture_key, self.success_topic, self.error_topic = (
            config.data_capture_key,
            config.success_topic,
            config.error_topic,
        )

        # alarms before the endpoint: its rollout configuration names them
        self.endpoint_alarms: EndpointAlarms | None = None
        self.alarm_topic: sns.ITopic | None = alarm_topic
        self.alarms: dict[str, Any] = {}
        if features.alarms is not None:
            self.endpoint_alarms = EndpointAlarms(
                self,
                "Alarms",
                endpoint=self,
                variants=variant_list,
                thresholds=features.alarms,
                topic=alarm_topic,
                instance_metrics=not is_serverless,
                resource_scope=self,
            )
            self.alarm_topic, self.alarms = self.endpoint_alarms.topic, self.endpoint_alarms.alarms

        self.endpoint = self._endpoint(rollout)
        self._scaling(features, variant_list, production, allow_single_instance)
        self._monitor(features, subnet_list)
        acknowledge_policy(self._policy)

    # ------------------------------------------------------------------------------------------
    # Validation and warnings

    def _validate(
        self,
        endpoint_name: str,
        model_source: ModelSource | None,
        variants: list[EndpointVariantOptions],
        features: EndpointFeatures,
        rollout: RolloutOptions,
        bucket: s3.IBucket,
        vpc: ec2.IVpc | None,
        subnets: list[ec2.ISubnet],
        *,
        production: bool,
        allow_single_instance: bool,
        strict: bool,
    ) -> None:
        region = Stack.of(self).region
        problems = endpoint_problems(
            endpoint_name=endpoint_name,
            model_source=model_source,
            variants=variants,
            features=features,
            rollout=rollout,
            production=production,
            allow_single_instance=allow_single_instance,
            strict=strict,
            artifacts_bucket_name=bucket.bucket_name,
            network=(vpc is not None, [subnet_az(s) for s in subnets]),
            region=None if Token.is_unresolved(region) else region,
        )
        problems += public_subnet_problems(vpc, subnets, serverless=features.serverless is not None)
        raise_for_problems(f"SecureEndpoint {endpoint_name}", problems, [v.name for v in variants])

    def _warn(self, features: EndpointFeatures, sources: list[ModelSource]) -> None:
        if features.serverless is not None:
            Annotations.of(self).add_warning_v2(
                "secure-ml:serverless-endpoint",
                f"endpoint {self.name} uses serverless inference: it runs outside your VPC and its "
                "storage is not encrypted with your key (strict=False)",
            )
        images = [s.image for s in sources if s.kind == "image" and s.image]
        tags = [i for i in dict.fromkeys(images) if not DIGEST_RE.match(i)]
        if tags:
            Annotations.of(self).add_warning_v2(
                "secure-ml:image-tag",
                f"image tag(s) {tags} are mutable: the tag can be moved to another image after review; pin "
                "the image by digest (sha256:...)",
            )
        if features.alarms is None:
            Annotations.of(self).add_warning_v2(
                "secure-ml:endpoint-no-alarms",
                f"endpoint {self.name} has no alarms (alarms=False): nothing notifies on errors or latency "
                "and a deployment does not roll back automatically; pass alarms=AlarmOptions(...) "
                "(EndpointAlarms added afterwards notify but do not roll back)",
            )

    # ------------------------------------------------------------------------------------------
    # Building blocks, in the order they are created (the template lists resources in that order)

    def _statement(self, **kwargs: Any) -> None:
        self._policy.add_statements(iam.PolicyStatement(**kwargs))

    def _execution_role(self, role_path: str | None, sources: list[ModelSource]) -> None:
        stack = Stack.of(self)
        self._new_execution_role(role_path, f"Execution role of SageMaker endpoint {self.name}")
        self.model_packages = list(dict.fromkeys(s.model_package_arn for s in sources if s.model_package_arn))
        for statement in model_access_statements(
            sources,
            scope=self,
            bucket=self.artifacts_bucket,
            artifacts_key=self.artifacts_key,
            repository=self.repository,
            model_source_account=self.model_source_account,
        ):
            self._statement(**statement)
        self._statement(
            sid="WriteLogGroup",
            actions=["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            resources=[
                self.log_group.log_group_arn,
                f"{self.log_group.log_group_arn.removesuffix(':*')}:log-stream:*",
            ],
        )
        self._statement(
            sid="PutEndpointMetrics",
            actions=["cloudwatch:PutMetricData"],
            resources=["*"],
            conditions={
                "StringLike": {"cloudwatch:namespace": ["/aws/sagemaker/Endpoints*", "AWS/SageMaker"]}
            },
        )
        if self.vpc is not None and not self.serverless:
            self._statement(
                sid="DescribeNetwork",
                resources=["*"],
                actions=list(DESCRIBE_NETWORK_ACTIONS),
            )
            self._policy.add_statements(eni_statement(stack, self.vpc))
            justify_eni_statement(self._policy)

    def _models(
        self,
        variants: list[EndpointVariantOptions],
        sources: list[ModelSource],
        environment: Mapping[str, str] | None,
        network_isolation: bool,
    ) -> None:
        """One ``AWS::SageMaker::Model`` per distinct source: ``Model`` for the first variant's,
        ``Model<Variant>`` for another variant's own."""
        self.models: dict[str, sagemaker.CfnModel] = {}
        self._model_of_variant: dict[str, sagemaker.CfnModel] = {}
        for index, (variant, source) in enumerate(zip(variants, sources, strict=True)):
            if source.identity not in self.models:
                construct_id = "Model" if index == 0 else f"Model{camel(variant.name)}"
                self.models[source.identity] = self._new_model(
                    construct_id, source, environment, network_isolation
                )
            self._model_of_variant[variant.name] = self.models[source.identity]
        self.model = next(iter(self.models.values()))

    def _new_model(
        self,
        construct_id: str,
        source: ModelSource,
        environment: Mapping[str, str] | None,
        network_isolation: bool,
    ) -> sagemaker.CfnModel:
        props: dict[str, Any] = {
            "execution_role_arn": self.role.role_arn,
            "primary_container": container_definition(
                source, repository=self.repository, bucket=self.artifacts_bucket, environment=environment
            ),
            "enable_network_isolation": network_isolation,
            "vpc_config": sagemaker.CfnModel.VpcConfigProperty(
                subnets=[s.subnet_id for s in self.subnets],
                security_group_ids=[g.security_group_id for g in self.security_groups],
            )
            if not self.serverless
            else None,
        }
        model = sagemaker.CfnModel(self, construct_id, **props)
        # Models are immutable: the name changes with the content (the package version ARN included).
        model.model_name = Lazy.uncached_string(_HashedName(self.name, props, model))
        model.node.add_dependency(self._policy)
        if not network_isolation:
            Annotations.of(self).add_warning_v2(
                "secure-ml:model-network-isolation-off",
                f"model {self.name}-<content hash>: network isolation is off; the container may make "
                "outbound calls",
            )
            acknowledge(
                model,
                "Network isolation was turned off explicitly (network_isolation=False).",
                ack_id("SML-NET-7"),
            )
        if self.serverless:
            acknowledge(
                model,
                "Serverless inference (strict=False) cannot run in a VPC.",
                ack_id("SML-NET-5"),
                ack_id("SML-NET-6"),
            )
        return model

    def _endpoint(self, rollout: RolloutOptions) -> sagemaker.CfnEndpoint:
        # The physical name changes with the variant names and instance types (endpoint_physical_name):
        # CloudFormation replaces the endpoint for those; everything else updates it in place, blue/green.
        # An auto-scaled endpoint keeps the instance counts Application Auto Scaling set: without
        # RetainAllVariantProperties, UpdateEndpoint would start the new fleet at the config's
        # InitialInstanceCount. Weights still come from the config (ExcludeRetainedVariantProperties).
        # Without autoscaling the config's counts apply (the default, RetainAllVariantProperties false).
        # https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_UpdateEndpoint.html
        retain = self.autoscaled
        rollback = self.endpoint_alarms.rollback_alarms if self.endpoint_alarms is not None else []
        endpoint = sagemaker.CfnEndpoint(
            self,
            "Resource",
            endpoint_name=self.endpoint_name,
            endpoint_config_name=self.endpoint_config.attr_endpoint_config_name,
            deployment_config=_EndpointConfigBuilder.deployment_config(rollout, rollback),
            retain_all_variant_properties=True if retain else None,
            exclude_retained_variant_properties=[
                sagemaker.CfnEndpoint.VariantPropertyProperty(variant_property_type="DesiredWeight")
            ]
            if retain
            else None,
        )
        endpoint.node.add_dependency(self.log_group)
        endpoint.node.add_dependency(self._policy)
        return endpoint

    def _scaling(
        self,
        features: EndpointFeatures,
        variants: list[EndpointVariantOptions],
        production: bool,
        allow_single_instance: bool,
    ) -> None:
        self.auto_scaling: EndpointAutoScaling | None = None
        self.scalable_targets: dict[str, Any] = {}
        if self.serverless:
            acknowledge(
                self.endpoint,
                "Serverless inference scales itself; Application Auto Scaling does not apply to it.",
                ack_id("SML-HOST-3"),
            )
        elif features.autoscaling is not None:
            self.auto_scaling = EndpointAutoScaling(
                self,
                "AutoScaling",
                endpoint=self,
                variants=variants,
                options=features.autoscaling,
                async_inference=features.async_inference,
                production=production,
                allow_single_instance=allow_single_instance,
                resource_scope=self,
            )
            self.scalable_targets = self.auto_scaling.scalable_targets
        else:
            Annotations.of(self).add_warning_v2(
                "secure-ml:endpoint-no-autoscaling",
                f"endpoint {self.name} does not autoscale (autoscaling=False): throttling at peaks",
            )
            acknowledge(
                self.endpoint,
                "Autoscaling was turned off explicitly (autoscaling=False).",
                ack_id("SML-HOST-3"),
            )

    def _monitor(self, features: EndpointFeatures, subnets: list[ec2.ISubnet]) -> None:
        self.data_quality_monitor: DataQualityMonitor | None = None
        self.monitoring_schedule: sagemaker.CfnMonitoringSchedule | None = None
        self.data_quality_job: sagemaker.CfnDataQualityJobDefinition | None = None
        if features.model_monitor is None or self.vpc is None:
            return
        monitor = DataQualityMonitor(
            self,
            "DataQualityMonitor",
            endpoint=self,
            options=features.model_monitor,  # type: ignore[arg-type]
            data_capture=cast(DataCaptureOptions, features.data_capture),
            vpc=self.vpc,
            subnets=subnets,
            security_groups=self.security_groups,
            schedule_name=monitoring_schedule_name(self.name),
            volume_key=self.volume_key,
            resource_scope=self,
        )
        self.data_quality_monitor = monitor
        self.monitoring_schedule, self.data_quality_job = monitor.schedule, monitor.job
        self.monitor_role, self._monitor_policy = monitor.role, monitor.policy
