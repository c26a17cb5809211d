"""The endpoint config of a ``SecureEndpoint`` and its deployment configuration (used by :mod:`.endpoint`).

``AWS::SageMaker::EndpointConfig`` (id ``EndpointConfig``): the variants, the volume key, data capture and
async inference, named ``<endpoint_name>-<hash of content>``: configs are immutable, so a changed config gets
a new name and CloudFormation rolls it out. Data capture and async inference add their statements to the
endpoint's execution policy; async inference creates its notification topics (``AsyncSuccessTopic``,
``AsyncErrorTopic``, ``AsyncTopicsKey``) unless given.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, cast

from aws_cdk import Annotations, Lazy, RemovalPolicy
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sagemaker as sagemaker
from aws_cdk import aws_sns as sns

from cdk_secure_ml.constructs.hosting.naming import _HashedName
from cdk_secure_ml.constructs.hosting.options import (
    AsyncInferenceOptions,
    DataCaptureOptions,
    EndpointVariantOptions,
    RolloutOptions,
    seconds,
)
from cdk_secure_ml.core.hosting.endpoint import EndpointFeatures
from cdk_secure_ml.core.instance_types import has_instance_storage
from cdk_secure_ml.policies.acknowledgements import acknowledge, in_regulatory_packs
from cdk_secure_ml.policies.ids import ack_id

if TYPE_CHECKING:
    from cdk_secure_ml.constructs.hosting.endpoint import SecureEndpoint

EC = sagemaker.CfnEndpointConfig
Statement = Callable[..., None]


class _EndpointConfigBuilder:
    """Builds the endpoint config of ``endpoint`` (its children, in the order the template lists them)."""

    def __init__(self, endpoint: SecureEndpoint, features: EndpointFeatures) -> None:
        self._endpoint, self._features = endpoint, features
        self.data_capture_key: kms.IKey | None = None
        self.success_topic: sns.ITopic | None = None
        self.error_topic: sns.ITopic | None = None

    def build(
        self,
        variants: Sequence[EndpointVariantOptions],
        model_of_variant: dict[str, sagemaker.CfnModel],
        production: bool,
        statement: Statement,
    ) -> sagemaker.CfnEndpointConfig:
        ep, features = self._endpoint, self._features
        capture = features.data_capture
        async_inference = features.async_inference
        capture_config = self._data_capture(capture, statement) if capture else None  # type: ignore[arg-type]
        async_config = (
            self._async(cast(AsyncInferenceOptions, async_inference), statement) if async_inference else None
        )
        production_variants = [self._variant(v, model_of_variant[v.name]) for v in variants]
        instance_storage = not ep.serverless and any(has_instance_storage(v.instance_type) for v in variants)
        volume_key = ep.volume_key
        props: dict[str, Any] = {
            "production_variants": production_variants,
            "kms_key_id": volume_key.key_arn if volume_key is not None and not instance_storage else None,
            "data_capture_config": capture_config,
            "async_inference_config": async_config,
        }
        config = EC(ep, "EndpointConfig", **props)
        # Endpoint configs are immutable: the name changes with the content (the model names included,
        # which change with the models' content), so CloudFormation creates a new config and rolls it out.
        config.endpoint_config_name = Lazy.uncached_string(
            _HashedName(ep.name, {**props, "models": [m.model_name for m in ep.models.values()]}, config)
        )
        for cfn_model in ep.models.values():
            config.node.add_dependency(cfn_model)
        self._acknowledge(config, instance_storage, production, variants)
        return config

    def _acknowledge(
        self,
        config: sagemaker.CfnEndpointConfig,
        instance_storage: bool,
        production: bool,
        variants: Sequence[EndpointVariantOptions],
    ) -> None:
        ep = self._endpoint
        if instance_storage:
            reason = (
                "The instance types of this endpoint have local NVMe instance storage, which is "
                "always hardware-encrypted; SageMaker rejects an endpoint config KmsKeyId for them."
            )
            acknowledge(
                config,
                reason,
                ack_id("SML-ENC-3"),
                *in_regulatory_packs("SageMakerEndpointConfigurationKMSKeyConfigured"),
            )
        if ep.serverless:
            acknowledge(
                config,
                "Serverless inference was chosen with strict=False: it takes no volume key and no VPC.",
                ack_id("SML-HOST-2"),
                ack_id("SML-ENC-3"),
                *in_regulatory_packs("SageMakerEndpointConfigurationKMSKeyConfigured"),
            )
        if self._features.data_capture is None:
            Annotations.of(ep).add_warning_v2(
                "secure-ml:endpoint-no-data-capture",
                f"endpoint {ep.name} captures no inference data: InvokeEndpoint is not in CloudTrail "
                "management events, so there is no inference audit trail; pass "
                "data_capture=DataCaptureOptions(...)",
            )
        if not production and any(v.instance_count < 2 for v in variants) and not ep.serverless:
            acknowledge(
                config,
                "A non-production endpoint with allow_single_instance=True: one instance is accepted "
                "outside production to save cost.",
                ack_id("SML-HOST-1"),
            )

    def _variant(self, v: EndpointVariantOptions, model: sagemaker.CfnModel) -> EC.ProductionVariantProperty:
        serverless = self._features.serverless
        if serverless is not None:
            return EC.ProductionVariantProperty(
                variant_name=v.name,
                model_name=model.attr_model_name,
                initial_variant_weight=v.weight,
                serverless_config=EC.ServerlessConfigProperty(
                    max_concurrency=serverless.max_concurrency, memory_size_in_mb=serverless.memory_size_mb
                ),
            )
        return EC.ProductionVariantProperty(
            variant_name=v.name,
            model_name=model.attr_model_name,
            initial_variant_weight=v.weight,
            instance_type=v.instance_type,
            initial_instance_count=v.instance_count,
            volume_size_in_gb=v.volume_size_gb,
        )

    def _data_capture(
        self, capture: DataCaptureOptions, statement: Statement
    ) -> EC.DataCaptureConfigProperty:
        key = capture.key or capture.bucket.encryption_key
        self.data_capture_key = key
        prefix = capture.prefix.strip("/")
        statement(
            sid="WriteDataCapture",
            actions=["s3:PutObject"],
            resources=[capture.bucket.arn_for_objects(f"{prefix}/{self._endpoint.endpoint_name}/*")],
        )
        if key is not None:
            statement(
                sid="EncryptDataCapture",
                actions=["kms:GenerateDataKey", "kms:Encrypt"],
                resources=[key.key_arn],
            )
        modes = [
            m for m, on in (("Input", capture.capture_request), ("Output", capture.capture_response)) if on
        ]
        return EC.DataCaptureConfigProperty(
            enable_capture=True,
            initial_sampling_percentage=capture.sampling_percentage,
            destination_s3_uri=capture.bucket.s3_url_for_object(prefix),
            kms_key_id=key.key_arn if key is not None else None,
            capture_options=[EC.CaptureOptionProperty(capture_mode=m) for m in modes],
            capture_content_type_header=EC.CaptureContentTypeHeaderProperty(
                json_content_types=["application/json"], csv_content_types=["text/csv"]
            ),
        )

    def _async(self, config: AsyncInferenceOptions, statement: Statement) -> EC.AsyncInferenceConfigProperty:
        ep = self._endpoint
        key = config.key or config.bucket.encryption_key
        topics_key = None
        if config.success_topic is None or config.error_topic is None:
            topics_key = kms.Key(
                ep,
                "AsyncTopicsKey",
                description=f"Async notifications of {ep.endpoint_name}",
                enable_key_rotation=True,
                removal_policy=RemovalPolicy.RETAIN,
            )
        self.success_topic = config.success_topic or sns.Topic(
            ep,
            "AsyncSuccessTopic",
            master_key=topics_key,
            enforce_ssl=True,
            display_name=f"{ep.endpoint_name} async inference succeeded",
        )
        self.error_topic = config.error_topic or sns.Topic(
            ep,
            "AsyncErrorTopic",
            master_key=topics_key,
            enforce_ssl=True,
            display_name=f"{ep.endpoint_name} async inference failed",
        )
        bucket = config.bucket
        inp, out, fail = (
            p.strip("/") for p in (config.input_prefix, config.output_prefix, config.failure_prefix)
        )
        statement(
            sid="ReadAsyncInput", actions=["s3:GetObject"], resources=[bucket.arn_for_objects(f"{inp}/*")]
        )
        statement(
            sid="WriteAsyncResults",
            actions=["s3:PutObject", "s3:AbortMultipartUpload"],
            resources=[bucket.arn_for_objects(f"{out}/*"), bucket.arn_for_objects(f"{fail}/*")],
        )
        if key is not None:
            statement(
                sid="AsyncDataKey",
                actions=["kms:Decrypt", "kms:GenerateDataKey", "kms:Encrypt"],
                resources=[key.key_arn],
            )
        statement(
            sid="PublishAsyncNotifications",
            actions=["sns:Publish"],
            resources=[self.success_topic.topic_arn, self.error_topic.topic_arn],
        )
        if topics_key is not None:
            statement(
                sid="EncryptAsyncNotifications",
                actions=["kms:GenerateDataKey", "kms:Decrypt"],
                resources=[topics_key.key_arn],
            )
        mci = config.max_concurrent_invocations_per_instance
        return EC.AsyncInferenceConfigProperty(
            output_config=EC.AsyncInferenceOutputConfigProperty(
                s3_output_path=bucket.s3_url_for_object(out),
                s3_failure_path=bucket.s3_url_for_object(fail),
                kms_key_id=key.key_arn if key is not None else None,
                notification_config=EC.AsyncInferenceNotificationConfigProperty(
                    success_topic=self.success_topic.topic_arn, error_topic=self.error_topic.topic_arn
                ),
            ),
            client_config=EC.AsyncInferenceClientConfigProperty(max_concurrent_invocations_per_instance=mci)
            if mci
            else None,
        )

    @staticmethod
    def deployment_config(
        rollout: RolloutOptions, rollback_alarms: Sequence[cloudwatch.Alarm]
    ) -> sagemaker.CfnEndpoint.DeploymentConfigProperty:
        """Blue/green with ``rollout``'s traffic shifting; automatic rollback on ``rollback_alarms``."""
        size = None
        if rollout.traffic_routing != "ALL_AT_ONCE":
            assert rollout.size_percent is not None  # the rollout's checks require it here
            size = sagemaker.CfnEndpoint.CapacitySizeProperty(
                type="CAPACITY_PERCENT", value=rollout.size_percent
            )
        routing = sagemaker.CfnEndpoint.TrafficRoutingConfigProperty(
            type=rollout.traffic_routing,
            wait_interval_in_seconds=int(seconds(rollout.wait)),
            canary_size=size if rollout.traffic_routing == "CANARY" else None,
            linear_step_size=size if rollout.traffic_routing == "LINEAR" else None,
        )
        rollback = None
        if rollout.auto_rollback and rollback_alarms:
            rollback = sagemaker.CfnEndpoint.AutoRollbackConfigProperty(
                alarms=[sagemaker.CfnEndpoint.AlarmProperty(alarm_name=a.alarm_name) for a in rollback_alarms]
            )
        timeout = rollout.maximum_execution_timeout
        return sagemaker.CfnEndpoint.DeploymentConfigProperty(
            blue_green_update_policy=sagemaker.CfnEndpoint.BlueGreenUpdatePolicyProperty(
                traffic_routing_configuration=routing,
                termination_wait_in_seconds=int(seconds(rollout.termination_wait)),
                maximum_execution_timeout_in_seconds=int(seconds(timeout)) if timeout is not None else None,
            ),
            auto_rollback_configuration=rollback,
        )
