"""InferenceComponentEndpoint: several models on one SageMaker endpoint, as inference components.

An endpoint built on inference components has an endpoint config whose production variant names no model:
the config itself carries the execution role, ``VpcConfig`` and ``EnableNetworkIsolation``
(https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateEndpointConfig.html), the variant
carries ``ManagedInstanceScaling`` and ``RoutingConfig``
(https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProductionVariant.html), and each model is an
``AWS::SageMaker::InferenceComponent`` with its compute reservation and copy count
(https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sagemaker-inferencecomponent.html).

A construct of its own rather than an option of ``SecureEndpoint``: the two share the interface half
(:class:`~.base.EndpointBase`: ``IEndpoint``, grants, metrics) and the execution role's statements, but
nothing of the config, the rollout or the scaling, and ``SecureEndpoint``'s module is at its size limit.

Resources (construct ids are public API): ``ExecutionRole``/``ExecutionPolicy``, ``VolumeKey``/``LogsKey``
(unless given), ``LogGroup``, ``SecurityGroup`` (unless given), ``Model<Component>`` (one per component,
network-isolated, in the VPC), ``EndpointConfig``, ``Resource`` (the endpoint), ``Component<Component>``,
``AlarmTopic`` (unless given), ``<Component>Invocation5xxAlarm`` / ``Invocation4xxAlarm`` /
``ModelLatencyP99Alarm``, ``<Component>ScalableTarget`` (copy autoscaling) and ``AutoScalingRole`` (the
service-linked role, imported).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aws_cdk import Annotations, Duration, Lazy, RemovalPolicy, Stack, Tags
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

from cdk_secure_ml.constructs.hosting.alarms import new_alarm_topic
from cdk_secure_ml.constructs.hosting.base import EndpointBase
from cdk_secure_ml.constructs.hosting.model_source import container_definition, model_access_statements
from cdk_secure_ml.constructs.hosting.monitor import acknowledge_policy
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
from cdk_secure_ml.constructs.hosting.options import AlarmOptions, EndpointVariantOptions, raise_for_problems
from cdk_secure_ml.constructs.hosting.scaling import _SERVICE_LINKED_ROLE
from cdk_secure_ml.core.hosting.inference_components import (
    InferenceComponentOptions,
    ManagedInstanceScalingOptions,
    inference_component_endpoint_problems,
)
from cdk_secure_ml.core.hosting.naming import endpoint_physical_name
from cdk_secure_ml.core.hosting.options import seconds
from cdk_secure_ml.core.instance_types import has_instance_storage
from cdk_secure_ml.policies.acknowledgements import acknowledge, in_regulatory_packs
from cdk_secure_ml.policies.ids import ack_id

#: The one production variant the components are placed on.
VARIANT = "AllTraffic"
#: Application Auto Scaling's dimension for the copies of an inference component; its resource id is
#: ``inference-component/<name>``
#: (https://docs.aws.amazon.com/autoscaling/application/APIReference/API_RegisterScalableTarget.html).
COPY_COUNT_DIMENSION = "sagemaker:inference-component:DesiredCopyCount"
#: Invocation metrics of a component: ``AWS/SageMaker`` with the ``InferenceComponentName`` dimension
#: (https://docs.aws.amazon.com/sagemaker/latest/dg/monitoring-cloudwatch.html#cloudwatch-metrics-inference-component).
COMPONENT_DIMENSION = "InferenceComponentName"


class InferenceComponentEndpoint(EndpointBase):
    """A SageMaker endpoint whose models are inference components, with the platform's hosting defaults.

    - **Endpoint config** (``"EndpointConfig"``): ``ExecutionRoleArn``, ``VpcConfig`` (subnets in two AZs
      or more), ``EnableNetworkIsolation: true``, ``KmsKeyId`` (left out for instance-store families, which
      SageMaker refuses it for), one variant ``AllTraffic`` with ``ManagedInstanceScaling`` and
      ``RoutingConfig``; named ``<endpoint_name>-<content hash>``.
    - **Models** (``"Model<Component>"``): one per component, network-isolated, in the VPC, with the same
      execution role.
    - **Components** (``"Component<Component>"``): ``<physical endpoint name>-<name>``, ``Specification``
      (model, CPU cores, memory, accelerators), ``RuntimeConfig.CopyCount``, and a rolling
      ``DeploymentConfig`` that rolls back on the component's 5XX and latency alarms.
    - **Scaling**: instances by managed instance scaling (``scaling``), copies by Application Auto Scaling
      (``inference-component/<name>``, ``SageMakerInferenceComponentInvocationsPerCopy``).

    :param endpoint_name: base name (the endpoint is ``<endpoint_name>-<8 hex>`` of its variant and instance
        type, as ``SecureEndpoint``'s).
    :param components: ``InferenceComponentOptions`` (at least one).
    :param artifacts_bucket: the bucket of the models' data; the role may read only their prefixes.
    :param repository: the private ECR repository of ``from_image`` sources.
    :param network: an ``MlNetwork`` (or ``vpc`` + ``subnets`` + ``security_groups``).
    :param instance_type: default ``ml.m5.xlarge`` (4 vCPUs).
    :param scaling: ``ManagedInstanceScalingOptions`` (default 2-4 instances).
    :param routing_strategy: ``LEAST_OUTSTANDING_REQUESTS`` (default) or ``RANDOM``.
    :param production: production needs ``min_instances`` >= 2. Default True.
    :param allow_single_instance: outside production, accept 1 instance (acknowledges SML-HOST-1).
    :param alarms: ``AlarmOptions`` (its invocation thresholds apply per component); ``False``: no alarms
        and no automatic rollback (a warning).
    :param alarm_topic: SNS topic of the alarms. Default a new KMS-encrypted one.
    :param rollout_batch_percent: copies replaced per rolling-update step, 5-50 %. Default 50.
    :param rollout_wait: baking period per step, seconds (0-3600). Default 300.
    :param tags: tags of every resource (``ServingStack`` passes the team tag).
    :raises ValueError: every problem of the arguments at once, each naming the value, key and fix.

    Attributes: ``endpoint`` (``CfnEndpoint``), ``endpoint_config``, ``models`` and ``components`` (component
    name -> ``CfnModel`` / ``CfnInferenceComponent``), ``component_names`` (name -> the name clients pass as
    ``InferenceComponentName``), ``role``, ``log_group``, ``security_groups``, ``alarm_topic``, ``alarms``
    (``"<component>/<kind>"``), ``scalable_targets`` (component -> ``ScalableTarget``); inputs as resolved:
    ``name`` (the base name), ``variants`` and ``variant_names`` (the one ``AllTraffic`` variant),
    ``component_options`` (name -> ``InferenceComponentOptions``), ``scaling``, ``production``, ``network``,
    ``vpc``, ``subnets``, ``repository``, ``artifacts_bucket``, ``artifacts_key``, ``volume_key``,
    ``logs_key``, ``async_inference`` (always None).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        endpoint_name: str,
        components: Sequence[InferenceComponentOptions],
        artifacts_bucket: s3.IBucket,
        repository: ecr.IRepository | None = None,
        network: EndpointNetwork | None = None,
        vpc: ec2.IVpc | None = None,
        subnets: Sequence[ec2.ISubnet] | None = None,
        security_groups: Sequence[ec2.ISecurityGroup] | None = None,
        artifacts_key: kms.IKey | None = None,
        volume_key: kms.IKey | None = None,
        logs_key: kms.IKey | None = None,
        log_retention: logs.RetentionDays = logs.RetentionDays.ONE_YEAR,
        instance_type: str = "ml.m5.xlarge",
        scaling: ManagedInstanceScalingOptions | None = None,
        routing_strategy: str = "LEAST_OUTSTANDING_REQUESTS",
        production: bool = True,
        allow_single_instance: bool = False,
        alarms: AlarmOptions | bool | None = None,
        alarm_topic: sns.ITopic | None = None,
        rollout_batch_percent: int = 50,
        rollout_wait: float = 300,
        tags: Mapping[str, str] | None = None,
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
        role_path: str | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        scaling = scaling or ManagedInstanceScalingOptions()
        component_list = list(components)
        vpc, subnet_list = placement(network, vpc, subnets)
        problems = inference_component_endpoint_problems(
            endpoint_name=endpoint_name,
            components=component_list,
            instance_type=instance_type,
            scaling=scaling,
            routing_strategy=routing_strategy,
            rollout_batch_percent=rollout_batch_percent,
            rollout_wait=rollout_wait,
            production=production,
            allow_single_instance=allow_single_instance,
        )
        problems += _network_problems(vpc, subnet_list)
        raise_for_problems(f"InferenceComponentEndpoint {endpoint_name}", problems)
        alarm_options = AlarmOptions() if alarms is None or alarms is True else alarms or None

        self.name = endpoint_name
        self._physical_name = endpoint_physical_name(endpoint_name, [(VARIANT, instance_type)])
        self.variants = {
            VARIANT: EndpointVariantOptions(
                name=VARIANT, instance_type=instance_type, instance_count=scaling.min_instances
            )
        }
        self.variant_names = [VARIANT]
        self.async_inference = None
        self.network = network
        self.vpc, self.subnets = vpc, subnet_list
        self.repository, self.artifacts_bucket = repository, artifacts_bucket
        self.artifacts_key = artifacts_key or artifacts_bucket.encryption_key
        self.production, self.scaling = production, scaling
        self.component_options = {c.name: c for c in component_list}
        self.component_names = {c.name: f"{self._physical_name}-{c.name}" for c in component_list}

        self._keys_and_log_group(volume_key, logs_key, log_retention, removal_policy)
        self.security_groups = endpoint_security_groups(
            self,
            network=network,
            vpc=vpc,
            security_groups=security_groups,
            description=f"SageMaker inference-component endpoint {endpoint_name}",
        )
        self._execution_role(role_path, component_list)
        self.models = {c.name: self._model(c) for c in component_list}
        self.endpoint_config = self._endpoint_config(instance_type, scaling, routing_strategy, production)
        self.endpoint = self._endpoint()
        # The rule cannot see the AZs of another stack's subnets; MlNetwork knows they span two or more.
        acknowledge_cross_stack_azs(network, subnet_list, [*self.models.values(), self.endpoint_config])
        self.alarm_topic: sns.ITopic | None = None
        self.alarms: dict[str, cloudwatch.Alarm] = {}
        if alarm_options is not None:
            self.alarm_topic = alarm_topic or new_alarm_topic(self, "AlarmTopic")
        else:
            Annotations.of(self).add_warning_v2(
                "secure-ml:endpoint-no-alarms",
                f"endpoint {endpoint_name} has no alarms (alarms=False): nothing notifies on errors or "
                "latency and a component update does not roll back automatically",
            )
        self.components: dict[str, sagemaker.CfnInferenceComponent] = {}
        self.scalable_targets: dict[str, appscaling.ScalableTarget] = {}
        for component in component_list:
            rollback = self._alarms(component, alarm_options) if alarm_options is not None else []
            self.components[component.name] = self._component(
                component, rollback, rollout_batch_percent, rollout_wait
            )
            self._copy_scaling(component)
        Annotations.of(self).add_warning_v2(
            "secure-ml:endpoint-no-data-capture",
            f"endpoint {endpoint_name} captures no inference data (inference components are built without "
            "DataCaptureConfig): there is no inference audit trail",
        )
        acknowledge(
            self.endpoint_config,
            "Inference-component endpoints are built without DataCaptureConfig: AWS's documentation of data "
            "capture describes endpoints whose variants name a model, not inference components, so the "
            "platform does not set it until that is verified; each component's invocations are in CloudWatch "
            "(AWS/SageMaker, InferenceComponentName).",
            ack_id("SML-HOST-4"),
        )
        for key, value in (tags or {}).items():
            Tags.of(self).add(key, value)
        acknowledge_policy(self._policy)

    # ------------------------------------------------------------------------------------------

    def _execution_role(self, role_path: str | None, components: list[InferenceComponentOptions]) -> None:
        """The role of the endpoint config (SageMaker uses it for every component's model): read the models,
        pull their images, write the log group, put metrics, and create ENIs in this VPC."""
        stack = Stack.of(self)
        self._new_execution_role(
            role_path, f"Execution role of SageMaker inference-component endpoint {self.name}")
        statements = model_access_statements(
            [c.source for c in components],
            scope=self,
            bucket=self.artifacts_bucket,
            artifacts_key=self.artifacts_key,
            repository=self.repository,
            model_source_account=None,
        )
        statements += [
            {
                "sid": "WriteLogGroup",
                "actions": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                "resources": [
                    self.log_group.log_group_arn,
                    f"{self.log_group.log_group_arn.removesuffix(':*')}:log-stream:*",
                ],
            },
            {
                "sid": "PutEndpointMetrics",
                "actions": ["cloudwatch:PutMetricData"],
                "resources": ["*"],
                "conditions": {
                    "StringLike": {
                        "cloudwatch:namespace": [
                            "/aws/sagemaker/Endpoints*",
                            "/aws/sagemaker/InferenceComponents*",
                            "AWS/SageMaker",
                        ]
                    }
                },
            },
            {"sid": "DescribeNetwork", "resources": ["*"], "actions": list(DESCRIBE_NETWORK_ACTIONS)},
        ]
        for statement in statements:
            self._policy.add_statements(iam.PolicyStatement(**statement))
        if self.vpc is not None:
            self._policy.add_statements(eni_statement(stack, self.vpc))
            justify_eni_statement(self._policy)

    def _vpc_config(self) -> dict[str, list[str]]:
        return {
            "subnets": [s.subnet_id for s in self.subnets],
            "security_group_ids": [g.security_group_id for g in self.security_groups],
        }

    def _model(self, component: InferenceComponentOptions) -> sagemaker.CfnModel:
        props: dict[str, Any] = {
            "execution_role_arn": self.role.role_arn,
            "primary_container": container_definition(
                component.source,
                repository=self.repository,
                bucket=self.artifacts_bucket,
                environment=component.environment or None,
            ),
            "enable_network_isolation": True,
            "vpc_config": sagemaker.CfnModel.VpcConfigProperty(**self._vpc_config()),
        }
        model = sagemaker.CfnModel(self, f"Model{camel(component.name)}", **props)
        # Models are immutable: the name changes with the content, so a new image is a new model.
        model.model_name = Lazy.uncached_string(_HashedName(self.name, props, model))
        model.node.add_dependency(self._policy)
        return model

    def _endpoint_config(
        self,
        instance_type: str,
        scaling: ManagedInstanceScalingOptions,
        routing_strategy: str,
        production: bool,
    ) -> sagemaker.CfnEndpointConfig:
        EC = sagemaker.CfnEndpointConfig
        instance_storage = has_instance_storage(instance_type)
        props: dict[str, Any] = {
            # No ModelName: the models come as inference components; the config carries the role, the
            # VPC and the isolation for all of them (API_CreateEndpointConfig).
            "production_variants": [
                EC.ProductionVariantProperty(
                    variant_name=VARIANT,
                    instance_type=instance_type,
                    initial_instance_count=scaling.min_instances,
                    managed_instance_scaling=EC.ManagedInstanceScalingProperty(
                        status="ENABLED",
                        min_instance_count=scaling.min_instances,
                        max_instance_count=scaling.max_instances,
                    ),
                    routing_config=EC.RoutingConfigProperty(routing_strategy=routing_strategy),
                )
            ],
            "execution_role_arn": self.role.role_arn,
            "vpc_config": EC.VpcConfigProperty(**self._vpc_config()),
            "enable_network_isolation": True,
            "kms_key_id": None if instance_storage or self.volume_key is None else self.volume_key.key_arn,
        }
        config = EC(self, "EndpointConfig", **props)
        config.endpoint_config_name = Lazy.uncached_string(_HashedName(self.name, props, config))
        config.node.add_dependency(self._policy)
        if instance_storage:
            acknowledge(
                config,
                f"{instance_type} has local NVMe instance storage, always hardware-encrypted; SageMaker "
                "rejects an endpoint config KmsKeyId for it.",
                ack_id("SML-ENC-3"),
                *in_regulatory_packs("SageMakerEndpointConfigurationKMSKeyConfigured"),
            )
        if not production and scaling.min_instances < 2:
            acknowledge(
                config,
                "A non-production endpoint with allow_single_instance=True: one instance is accepted "
                "outside production to save cost.",
                ack_id("SML-HOST-1"),
            )
        return config

    def _endpoint(self) -> sagemaker.CfnEndpoint:
        endpoint = sagemaker.CfnEndpoint(
            self,
            "Resource",
            endpoint_name=self.endpoint_name,
            endpoint_config_name=self.endpoint_config.attr_endpoint_config_name,
        )
        endpoint.node.add_dependency(self.log_group)
        endpoint.node.add_dependency(self._policy)
        acknowledge(
            endpoint,
            "An inference-component endpoint scales its instances with managed instance scaling "
            "(ManagedInstanceScaling on the endpoint config's variant) and its components' copies with "
            "Application Auto Scaling targets inference-component/<name>, not "
            "endpoint/<name>/variant/<variant>.",
            ack_id("SML-HOST-3"),
        )
        return endpoint

    def _metric(self, component: InferenceComponentOptions, name: str, statistic: str) -> cloudwatch.Metric:
        return cloudwatch.Metric(
            namespace="AWS/SageMaker",
            metric_name=name,
            statistic=statistic,
            period=Duration.minutes(1),
            dimensions_map={COMPONENT_DIMENSION: self.component_names[component.name]},
        )

    def _alarms(self, component: InferenceComponentOptions, options: AlarmOptions) -> list[cloudwatch.Alarm]:
        """5XX and p99 latency (which roll an update back) and 4XX (which only notifies) of one component."""
        latency = options.model_latency_p99
        latency_us = None if latency is None else seconds(latency) * 1_000_000
        kinds = (
            ("Invocation5xx", "Invocation5XXErrors", "Sum", options.invocation_5xx_errors, True),
            ("Invocation4xx", "Invocation4XXErrors", "Sum", options.invocation_4xx_errors, False),
            ("ModelLatencyP99", "ModelLatency", "p99", latency_us, True),
        )
        rollback: list[cloudwatch.Alarm] = []
        for kind, metric, statistic, threshold, rolls_back in kinds:
            if threshold is None:
                continue
            alarm = self._metric(component, metric, statistic).create_alarm(
                self,
                f"{camel(component.name)}{kind}Alarm",
                threshold=threshold,
                evaluation_periods=options.evaluation_periods,
                datapoints_to_alarm=options.datapoints_to_alarm,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
                alarm_description=f"{metric} of inference component {self.component_names[component.name]}",
            )
            assert self.alarm_topic is not None
            alarm.add_alarm_action(cw_actions.SnsAction(self.alarm_topic))
            self.alarms[f"{component.name}/{kind}"] = alarm
            if rolls_back:
                rollback.append(alarm)
        return rollback

    def _component(
        self,
        component: InferenceComponentOptions,
        rollback: list[cloudwatch.Alarm],
        batch_percent: int,
        wait: float,
    ) -> sagemaker.CfnInferenceComponent:
        IC = sagemaker.CfnInferenceComponent
        requirements = IC.InferenceComponentComputeResourceRequirementsProperty(
            number_of_cpu_cores_required=component.cpu_cores,
            min_memory_required_in_mb=component.memory_mb,
            number_of_accelerator_devices_required=component.accelerators,
        )
        deployment = IC.InferenceComponentDeploymentConfigProperty(
            rolling_update_policy=IC.InferenceComponentRollingUpdatePolicyProperty(
                maximum_batch_size=IC.InferenceComponentCapacitySizeProperty(
                    type="CAPACITY_PERCENT", value=batch_percent
                ),
                wait_interval_in_seconds=int(wait),
            ),
            auto_rollback_configuration=IC.AutoRollbackConfigurationProperty(
                alarms=[IC.AlarmProperty(alarm_name=a.alarm_name) for a in rollback]
            )
            if rollback
            else None,
        )
        resource = IC(
            self,
            f"Component{camel(component.name)}",
            endpoint_name=self.endpoint.attr_endpoint_name,
            inference_component_name=self.component_names[component.name],
            variant_name=VARIANT,
            specification=IC.InferenceComponentSpecificationProperty(
                model_name=self.models[component.name].attr_model_name,
                compute_resource_requirements=requirements,
            ),
            runtime_config=IC.InferenceComponentRuntimeConfigProperty(copy_count=component.copies),
            deployment_config=deployment,
        )
        return resource

    def _copy_scaling(self, component: InferenceComponentOptions) -> None:
        low, high = component.scaling_range
        if low == high:
            return
        target = appscaling.ScalableTarget(
            self,
            f"{camel(component.name)}ScalableTarget",
            service_namespace=appscaling.ServiceNamespace.SAGEMAKER,
            resource_id=f"inference-component/{self.component_names[component.name]}",
            scalable_dimension=COPY_COUNT_DIMENSION,
            min_capacity=low,
            max_capacity=high,
            role=self._service_linked_role(),
        )
        target.node.add_dependency(self.components[component.name])
        target.scale_to_track_metric(
            "InvocationsPerCopy",
            target_value=component.invocations_per_copy,
            predefined_metric=appscaling.PredefinedMetric.SAGEMAKER_INFERENCE_COMPONENT_INVOCATIONS_PER_COPY,
        )
        self.scalable_targets[component.name] = target

    def _service_linked_role(self) -> iam.IRole:
        existing = self.node.try_find_child("AutoScalingRole")
        if existing is not None:
            return existing  # type: ignore[return-value]
        stack = Stack.of(self)
        return iam.Role.from_role_arn(
            self,
            "AutoScalingRole",
            f"arn:{stack.partition}:iam::{stack.account}:role/{_SERVICE_LINKED_ROLE}",
            mutable=False,
        )

    def _describe(self) -> str:
        return f"InferenceComponentEndpoint {self.endpoint_name}"


def _network_problems(vpc: ec2.IVpc | None, subnets: list[ec2.ISubnet]) -> list[tuple[tuple[Any, ...], str]]:
    problems: list[tuple[tuple[Any, ...], str]] = []
    if vpc is None:
        problems.append(
            (
                ("network",),
                "network is missing; pass network=MlNetwork(...) or vpc= and subnets= "
                "(an inference-component endpoint always runs in your VPC)",
            )
        )
        return problems
    azs = [subnet_az(s) for s in subnets]
    if len(subnets) < 2:
        problems.append(
            (("subnets",), f"subnets has {len(subnets)} subnet(s); give 2 or more in distinct AZs")
        )
    elif all(az is not None for az in azs) and len(set(azs)) < 2:
        problems.append((("subnets",), f"subnets are all in {azs[0]}; give subnets in 2 or more AZs"))
    problems += public_subnet_problems(vpc, subnets)
    return problems
