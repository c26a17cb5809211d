"""The ``inference_component_endpoints`` of the config, added to the ``ServingStack``.

One :class:`~cdk_secure_ml.constructs.hosting.InferenceComponentEndpoint` per entry, on the Foundation's
network, workload security group and keys, reading model data from the artifacts bucket, alarms to the
Serving stack's topic, tagged with the team. Like ``endpoints``, each publishes its physical name in the stack
output ``<Name>EndpointName`` and the SSM parameter ``/<platform>/endpoints/<name>/endpoint-name``, and the
model-consumer role may invoke those listed in ``identity.consumer_endpoint_names``.
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import CfnOutput, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_ssm as ssm

from cdk_secure_ml.config.inference_components import InferenceComponentEndpointConfig, component_options
from cdk_secure_ml.constructs.encryption import EncryptionKeys
from cdk_secure_ml.constructs.hosting import InferenceComponentEndpoint, ManagedInstanceScalingOptions
from cdk_secure_ml.constructs.identity import execution_role_path
from cdk_secure_ml.constructs.naming import pascal_case
from cdk_secure_ml.constructs.network import MlNetwork
from cdk_secure_ml.constructs.storage import SecureBucket

__all__ = ["add_inference_component_endpoints"]


def add_inference_component_endpoints(
    stack: Stack,
    configs: Sequence[InferenceComponentEndpointConfig],
    *,
    network: MlNetwork,
    security_group: ec2.ISecurityGroup,
    keys: EncryptionKeys,
    artifacts_bucket: SecureBucket,
    alarm_topic: sns.ITopic,
    production: bool,
    log_retention: logs.RetentionDays,
    platform: str | None,
    team_tag_key: str,
    consumer_policy: iam.ManagedPolicy | None,
    consumer: iam.IRole | None,
    consumer_endpoint_names: Sequence[str],
) -> tuple[dict[str, InferenceComponentEndpoint], iam.ManagedPolicy | None]:
    """Build the endpoints in ``stack``; returns them by name, and the consumer's invoke policy
    (``ModelConsumerInvoke``, created here when ``endpoints`` created none and one is needed)."""
    endpoints: dict[str, InferenceComponentEndpoint] = {}
    for config in configs:
        # Construct ids are public API: "<Name>Endpoint", as ServingStack names its endpoints.
        cid = pascal_case(config.name) + "Endpoint"
        endpoint = InferenceComponentEndpoint(
            stack, cid,
            endpoint_name=config.name,
            components=[component_options(c) for c in config.components],
            repository=ecr.Repository.from_repository_name(
                stack, f"{cid}Repository", config.image_repository),
            artifacts_bucket=artifacts_bucket.bucket,
            artifacts_key=keys.artifacts,
            network=network,
            security_groups=[security_group],
            volume_key=keys.volumes,
            logs_key=keys.logs,
            log_retention=log_retention,
            instance_type=config.instance_type,
            scaling=ManagedInstanceScalingOptions(config.min_instances, config.max_instances),
            routing_strategy=config.routing_strategy,
            production=production,
            allow_single_instance=config.allow_single_instance,
            alarm_topic=alarm_topic,
            rollout_batch_percent=config.rollout_batch_percent,
            rollout_wait=config.rollout_wait,
            tags={team_tag_key: config.team},
            role_path=execution_role_path(platform, "serving") if platform else None,
        )
        endpoints[config.name] = endpoint
        CfnOutput(stack, f"{cid}Name", value=endpoint.endpoint.attr_endpoint_name,
                  description=f"Physical name of endpoint {config.name} (<name>-<8 hex>; changes on "
                              "replacement); its components are <physical name>-<component>")
        if platform:
            ssm.StringParameter(
                stack, f"{cid}NameParameter",
                parameter_name=f"/{platform}/endpoints/{config.name}/endpoint-name",
                string_value=endpoint.endpoint.attr_endpoint_name,
                description=f"{platform}: physical name of SageMaker endpoint {config.name} (cdk-secure-ml)")
        if consumer is not None and config.name in consumer_endpoint_names:
            if consumer_policy is None:
                # A managed policy, as ServingStack's: the compliance packs refuse inline policies.
                consumer_policy = iam.ManagedPolicy(
                    stack, "ModelConsumerInvoke", roles=[consumer],
                    description="Model consumer: invoke its endpoints by physical ARN (cdk-secure-ml)")
            # InvokeEndpoint with InferenceComponentName is authorized on the endpoint's ARN.
            endpoint.grant_invoke(consumer_policy)
    return endpoints, consumer_policy
