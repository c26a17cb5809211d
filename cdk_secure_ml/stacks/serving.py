"""ServingStack: the config's SageMaker endpoints, on the Foundation stack's network, keys and buckets."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from aws_cdk import Annotations, CfnOutput, Stack, Tags
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_ssm as ssm
from constructs import Construct

from cdk_secure_ml.config import EndpointConfig, EndpointRolloutConfig, EndpointVariantConfig
from cdk_secure_ml.config.inference_components import InferenceComponentEndpointConfig
from cdk_secure_ml.constructs.encryption import EncryptionKeys
from cdk_secure_ml.constructs.hosting import (
    AlarmOptions,
    AsyncInferenceOptions,
    AutoScalingOptions,
    DataCaptureOptions,
    EndpointVariantOptions,
    ModelMonitorOptions,
    ModelSource,
    RolloutOptions,
    SecureEndpoint,
    ServerlessOptions,
    new_alarm_topic,
)
from cdk_secure_ml.constructs.identity import execution_role_path
from cdk_secure_ml.constructs.naming import pascal_case
from cdk_secure_ml.constructs.network import MlNetwork
from cdk_secure_ml.constructs.storage import SecureBucket
from cdk_secure_ml.stacks.inference_components import add_inference_component_endpoints

__all__ = ["ServingStack", "endpoint_options", "approved_model_packages", "APPROVED_MODEL_PACKAGES_CONTEXT"]

#: CDK context: {model package group name: approved model package version ARN}, a JSON object (the
#: pipeline's synth step passes the output of ``python -m cdk_secure_ml.delivery_context``).
APPROVED_MODEL_PACKAGES_CONTEXT = "approved-model-packages"


def approved_model_packages(scope: Construct) -> dict[str, str]:
    """The ``approved-model-packages`` context of ``scope``: a dict, or its JSON text (``-c`` values
    are strings)."""
    value = scope.node.try_get_context(APPROVED_MODEL_PACKAGES_CONTEXT)
    if value in (None, ""):
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            example = f"""-c {APPROVED_MODEL_PACKAGES_CONTEXT}='{{"<group>": "<model package ARN>"}}'"""
            raise ValueError(f"context {APPROVED_MODEL_PACKAGES_CONTEXT} is not JSON ({exc}); pass "
                             f"{example}") from None
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                              for k, v in value.items()):
        raise ValueError(f"context {APPROVED_MODEL_PACKAGES_CONTEXT} must be a JSON object "
                         "{model package group name: model package version ARN}")
    return dict(value)


def _package_of(endpoint: str, where: str, group: str | None, approved: Mapping[str, str],
                has_fallback: bool, fallbacks: list[str]) -> str | None:
    """The approved version ARN of ``group``; None without a group, or (recorded in ``fallbacks``)
    when the context has none and the config's image + model_data stand in for it."""
    if group is None:
        return None
    if group in approved:
        return approved[group]
    if has_fallback:
        fallbacks.append(f"{where}: {group}")
        return None
    raise ValueError(
        f"endpoint {endpoint}: {where} deploys model package group {group!r}, but no approved version of it "
        f"was passed; pass -c {APPROVED_MODEL_PACKAGES_CONTEXT}='{{\"{group}\": \"<model package version "
        f"ARN>\"}}' (the pipeline runs python -m cdk_secure_ml.delivery_context --group {group}), or give "
        "image and model_data as the offline fallback")


def _construct_id(name: str) -> str:
    # "churn-v2" -> "ChurnV2Endpoint". Construct ids are public API: never change this.
    return pascal_case(name) + "Endpoint"


def _image_source(image: str | None, model_data: str | None) -> ModelSource | None:
    return ModelSource.from_image(image, model_data) if image is not None and model_data is not None else None


def _variant_source(config: EndpointConfig, variant: EndpointVariantConfig, approved: Mapping[str, str],
                    fallbacks: list[str]) -> ModelSource | None:
    """A variant's own model: its approved package, else its own image and/or model data completed by the
    endpoint's; None (the endpoint's model) when it names neither."""
    image, model_data = variant.image or config.image, variant.model_data or config.model_data
    package = _package_of(config.name, f"variant {variant.name}", variant.model_package_group, approved,
                          image is not None and model_data is not None, fallbacks)
    if package is not None:
        return ModelSource.from_model_package(package)
    if variant.image is None and variant.model_data is None:
        return None
    return _image_source(image, model_data)


def _rollout(config: EndpointRolloutConfig) -> RolloutOptions:
    common: dict[str, Any] = {"wait": config.wait_minutes * 60,
                              "termination_wait": config.termination_wait_minutes * 60,
                              "auto_rollback": config.auto_rollback}
    if config.traffic_routing == "CANARY":
        return RolloutOptions.canary(config.size_percent or 10, **common)
    if config.traffic_routing == "LINEAR":
        return RolloutOptions.linear(config.size_percent or 20, **common)
    return RolloutOptions.all_at_once(**common)


def endpoint_options(config: EndpointConfig, approved: Mapping[str, str] | None = None,
                     fallbacks: list[str] | None = None) -> dict[str, Any]:
    """The :class:`SecureEndpoint` keyword arguments a config entry maps to (resources excluded).

    ``model_package_group`` (endpoint or variant) becomes ``ModelSource.from_model_package(approved[group])``.
    Without an approved version the config's image + model_data are used (listed in ``fallbacks``);
    without those either, ValueError names the group and the context to pass. Durations become seconds;
    ``autoscaling: null`` becomes ``autoscaling=False``."""
    approved = approved or {}
    fallbacks = fallbacks if fallbacks is not None else []
    endpoint_fallback = config.image is not None and config.model_data is not None
    endpoint_package = _package_of(config.name, "model_package_group", config.model_package_group, approved,
                                   endpoint_fallback or all(v.model_package_group or v.image or v.model_data
                                                            for v in config.variants), fallbacks)
    scaling = config.autoscaling
    alarms = config.alarms
    return {
        "endpoint_name": config.name,
        "model_source": ModelSource.from_model_package(endpoint_package) if endpoint_package is not None
        else _image_source(config.image, config.model_data),
        "environment": dict(config.environment) or None,
        "variants": [
            EndpointVariantOptions(name=v.name, instance_type=v.instance_type,
                                   instance_count=v.instance_count, weight=v.weight,
                                   source=_variant_source(config, v, approved, fallbacks))
            for v in config.variants
        ],
        "allow_single_instance": config.allow_single_instance,
        "network_isolation": config.network_isolation,
        "autoscaling": AutoScalingOptions(
            min_capacity=scaling.min_capacity, max_capacity=scaling.max_capacity,
            target_invocations_per_instance=scaling.target(),
            scale_in_cooldown=scaling.scale_in_cooldown_seconds,
            scale_out_cooldown=scaling.scale_out_cooldown_seconds,
            disable_scale_in=scaling.disable_scale_in, cpu_target_percent=scaling.cpu_target_percent,
        ) if scaling is not None else False,
        "alarms": AlarmOptions(
            invocation_5xx_errors=alarms.invocation_5xx_errors,
            invocation_4xx_errors=alarms.invocation_4xx_errors,
            # seconds; config milliseconds
            model_latency_p99=alarms.model_latency_p99_ms / 1000 if alarms.model_latency_p99_ms is not None
            else None,
            cpu_utilization_percent=alarms.cpu_utilization_percent,
            memory_utilization_percent=alarms.memory_utilization_percent,
            disk_utilization_percent=alarms.disk_utilization_percent,
        ),
        "rollout": _rollout(config.rollout),
        "serverless": ServerlessOptions(memory_size_mb=config.serverless.memory_size_mb,
                                        max_concurrency=config.serverless.max_concurrency)
        if config.serverless else None,
        "strict": config.strict,
    }


class ServingStack(Stack):
    """One :class:`SecureEndpoint` per ``endpoints`` entry of the config.

    Images come from existing private ECR repositories of this account, referenced by name
    (``image_repository``): CI builds and pushes them before the endpoint is deployed, and the
    repository outlives any one endpoint, so this stack never creates or deletes one.
    Model data is read from the artifacts bucket under the endpoint's team prefix; data capture, async
    inference and Model Monitor write to the data bucket under ``<team>/`` (encrypted with the data key),
    where the team's personas can read them. All endpoints share one KMS-encrypted alarm topic.

    An endpoint's physical name is ``<name>-<8 hex>`` (it changes when a variant is renamed, added,
    removed or changes instance type, which replaces the endpoint). Clients find it in the SSM parameter
    ``/<platform>/endpoints/<name>/endpoint-name`` and in the stack output ``<Name>EndpointName``.

    :param production: production endpoints need >= 2 instances (every stage but dev).
    :param platform: puts the execution roles under ``/<platform>/execution/serving/``, the path a
        delivery account's model registry admits, and prefixes the SSM parameters.
    :param model_source_account: the delivery account approved model packages come from.
    :param team_tag_key: endpoints with a ``team`` are tagged ``<team_tag_key>=<team>`` (ABAC).
    :param consumer_role: the model-consumer role (``iam.IRole``); it may invoke the endpoints named in
        ``consumer_endpoint_names`` (their physical ARNs, so the grant follows a replacement), through the
        managed policy ``ModelConsumerInvoke``.
    :param consumer_role_arn: the same role by ARN, when ``consumer_role`` is not given. An ARN token of a
        role with a path (``role/<platform>/people/...``) yields the wrong role name: CDK takes the first
        path component (https://github.com/aws/aws-cdk/issues/26175); pass ``consumer_role`` then.

    Attributes:

    - ``endpoints`` (``dict[str, SecureEndpoint]``): endpoint name -> endpoint.
    - ``alarm_topic`` (``sns.Topic``): the topic of every endpoint's alarms (``new_alarm_topic``).
    - ``name_parameters`` (``dict[str, ssm.StringParameter]``): endpoint name -> SSM parameter holding its
      physical name.
    - ``inference_component_endpoints`` (``dict[str, InferenceComponentEndpoint]``): the
      ``inference_component_endpoints`` of the config by name (stacks/inference_components.py).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        endpoints: Sequence[EndpointConfig],
        network: MlNetwork,
        security_group: ec2.ISecurityGroup,
        keys: EncryptionKeys,
        artifacts_bucket: SecureBucket,
        data_bucket: SecureBucket,
        production: bool,
        log_retention: logs.RetentionDays = logs.RetentionDays.ONE_YEAR,
        platform: str | None = None,
        model_source_account: str | None = None,
        team_tag_key: str = "team",
        consumer_role_arn: str | None = None,
        consumer_endpoint_names: Sequence[str] = (),
        consumer_role: iam.IRole | None = None,
        inference_component_endpoints: Sequence[InferenceComponentEndpointConfig] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.alarm_topic = new_alarm_topic(self, "AlarmTopic")
        self.endpoints: dict[str, SecureEndpoint] = {}
        self.name_parameters: dict[str, ssm.StringParameter] = {}
        approved = approved_model_packages(self)
        consumer = consumer_role
        if consumer is None and consumer_role_arn:
            consumer = iam.Role.from_role_arn(self, "ModelConsumerRole", consumer_role_arn, mutable=True)
        if not consumer_endpoint_names:
            consumer = None
        consumer_policy: iam.ManagedPolicy | None = None
        for config in endpoints:
            cid = _construct_id(config.name)
            repository = ecr.Repository.from_repository_name(self, f"{cid}Repository",
                                                              config.image_repository)
            fallbacks: list[str] = []
            options = endpoint_options(config, approved, fallbacks)
            if fallbacks:
                Annotations.of(self).add_warning_v2(
                    "secure-ml:model-package-fallback",
                    f"endpoint {config.name}: no approved model package version was passed for {fallbacks}; "
                    "it deploys the config's image and model_data instead (pass -c "
                    f"{APPROVED_MODEL_PACKAGES_CONTEXT}=..., as the delivery pipeline's synth step does)")
            capture = config.data_capture
            monitor = config.model_monitor
            async_config = config.async_inference
            # Everything the endpoint writes goes under its team's prefix, where the team's personas (Studio
            # execution roles, inside the VPC) can read it; without a team the config has none of these.
            team = f"{config.team}/" if config.team else ""
            endpoint = SecureEndpoint(
                self, cid,
                repository=repository,
                artifacts_bucket=artifacts_bucket.bucket,
                artifacts_key=keys.artifacts,
                network=network,
                security_groups=[security_group],
                volume_key=keys.volumes,
                logs_key=keys.logs,
                log_retention=log_retention,
                alarm_topic=self.alarm_topic,
                production=production,
                role_path=execution_role_path(platform, "serving") if platform else None,
                model_source_account=model_source_account,
                data_capture=DataCaptureOptions(bucket=data_bucket.bucket, key=keys.data,
                                                prefix=f"{team}{capture.prefix}",
                                                sampling_percentage=capture.sampling_percentage)
                if capture else None,
                model_monitor=ModelMonitorOptions(
                    output_bucket=data_bucket.bucket, output_prefix=f"{team}{monitor.output_prefix}",
                    schedule_expression=monitor.schedule_expression, instance_type=monitor.instance_type,
                    baseline_constraints_key=monitor.baseline_constraints,
                    baseline_statistics_key=monitor.baseline_statistics,
                    output_key=keys.data, volume_key=keys.volumes, image_uri=monitor.image_uri,
                ) if monitor else None,
                # Per endpoint (its base name, stable across replacements) under the team prefix.
                async_inference=AsyncInferenceOptions(
                    bucket=data_bucket.bucket, key=keys.data,
                    input_prefix=f"{team}{async_config.prefix}/{config.name}/input",
                    output_prefix=f"{team}{async_config.prefix}/{config.name}/output",
                    failure_prefix=f"{team}{async_config.prefix}/{config.name}/failures",
                    max_concurrent_invocations_per_instance=(
                        async_config.max_concurrent_invocations_per_instance),
                    scale_to_zero=async_config.scale_to_zero,
                ) if async_config else None,
                **options,
            )
            self.endpoints[config.name] = endpoint
            if config.team:
                Tags.of(endpoint).add(team_tag_key, config.team, priority=300)
            # The physical name changes on a replacement: clients look it up here, never hard-code it.
            CfnOutput(self, f"{cid}Name", value=endpoint.endpoint.attr_endpoint_name,
                      description=f"Physical name of endpoint {config.name} (<name>-<8 hex>; changes on "
                                  "replacement)")
            if platform:
                self.name_parameters[config.name] = ssm.StringParameter(
                    self, f"{cid}NameParameter",
                    parameter_name=f"/{platform}/endpoints/{config.name}/endpoint-name",
                    string_value=endpoint.endpoint.attr_endpoint_name,
                    description=f"{platform}: physical name of SageMaker endpoint {config.name} "
                                "(cdk-secure-ml)")
            if consumer is not None and config.name in consumer_endpoint_names:
                if consumer_policy is None:
                    # A managed policy, not the inline one grant_invoke(consumer) would add to the role: the
                    # HIPAA, NIST 800-53 and PCI packs refuse inline policies (IAMNoInlinePolicy).
                    consumer_policy = iam.ManagedPolicy(
                        self, "ModelConsumerInvoke", roles=[consumer],
                        description="Model consumer: invoke its endpoints by physical ARN (cdk-secure-ml)")
                endpoint.grant_invoke(consumer_policy)
        # Endpoints whose models are inference components (stacks/inference_components.py).
        self.inference_component_endpoints, consumer_policy = add_inference_component_endpoints(
            self, inference_component_endpoints, network=network, security_group=security_group, keys=keys,
            artifacts_bucket=artifacts_bucket, alarm_topic=self.alarm_topic, production=production,
            log_retention=log_retention, platform=platform, team_tag_key=team_tag_key,
            consumer_policy=consumer_policy, consumer=consumer,
            consumer_endpoint_names=consumer_endpoint_names)
        CfnOutput(self, "AlarmTopicArn", value=self.alarm_topic.topic_arn)
