"""FoundationStack: the isolated network, the platform's keys and its data and artifact buckets."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aws_cdk import CfnOutput, Duration, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from constructs import Construct

from cdk_secure_ml.config import LOG_RETENTION_DAYS, PlatformConfig
from cdk_secure_ml.config.feature_store import feature_store_endpoints
from cdk_secure_ml.config.mlflow import mlflow_interface_endpoints
from cdk_secure_ml.constructs.bedrock import PrivateBedrock
from cdk_secure_ml.constructs.encryption import EncryptionKeys
from cdk_secure_ml.constructs.endpoint_hub import EndpointHubSpoke
from cdk_secure_ml.constructs.identity import MlPersonas, PlatformPermissionsBoundary
from cdk_secure_ml.constructs.network import MlNetwork
from cdk_secure_ml.constructs.storage import AccessLogsBucket, SecureBucket
from cdk_secure_ml.core.feature_store import offline_store_role_arn_pattern
from cdk_secure_ml.core.mlflow import mlflow_role_path

__all__ = ["FoundationStack", "retention_days"]


def retention_days(days: int) -> logs.RetentionDays:
    """The ``logs.RetentionDays`` member for a number of days (validated in config)."""
    by_days = {value: name for name, value in LOG_RETENTION_DAYS.items()}
    if days not in by_days:
        raise ValueError(f"{days} is not a CloudWatch Logs retention period; use one of {sorted(by_days)}")
    return logs.RetentionDays[by_days[days]]


def _human_trust(scope: Construct, config: PlatformConfig) -> iam.IPrincipal:
    """Who may assume the persona roles: a SAML provider, another (identity) account, or this account."""
    identity = config.identity
    if identity.saml_provider_arn:
        provider = iam.SamlProvider.from_saml_provider_arn(scope, "SamlProvider", identity.saml_provider_arn)
        return iam.SamlConsolePrincipal(provider)
    if identity.trusted_account_id:
        return iam.AccountPrincipal(identity.trusted_account_id)
    return iam.AccountRootPrincipal()


class FoundationStack(Stack):
    """Network, keys, buckets, the permissions boundary and the persona roles the other stacks build on.

    Attributes:

    - ``keys`` (``EncryptionKeys``).
    - ``network`` (``MlNetwork``).
    - ``workload_security_group`` (``ec2.SecurityGroup``): from ``network.new_workload_security_group``.
    - ``access_logs`` (``AccessLogsBucket``).
    - ``data_bucket`` (``SecureBucket``).
    - ``artifacts_bucket`` (``SecureBucket``).
    - ``permissions_boundary`` (``PlatformPermissionsBoundary``).
    - ``personas`` (``MlPersonas | None``): None when the config has no teams.
    - ``endpoint_hub_spoke`` (``EndpointHubSpoke | None``): the spoke's side of the hub layout, None in the
      per-account layout.
    - ``bedrock`` (``PrivateBedrock | None``): None without ``bedrock:`` (or without teams).
    """

    def __init__(
        self, scope: Construct, construct_id: str, *, config: PlatformConfig,
        human_personas: Sequence[str] | None = None, model_source_account: str | None = None, **kwargs: Any,
    ) -> None:
        """:param human_personas: personas that get a human role (default all; see MlPersonas).
        :param model_source_account: the delivery account execution roles read promoted models from."""
        super().__init__(scope, construct_id, **kwargs)
        net = config.network
        enc = config.encryption
        # The hub layout: the interface endpoints live in the hub VPC; this VPC keeps the gateway ones.
        hub = net.hub if net.interface_endpoints.mode == "hub" else None

        self.keys = EncryptionKeys(
            self,
            "Keys",
            data_classes=enc.data_classes,
            shared_key=enc.shared_key,
            alias_prefix=config.key_alias_prefix,
            pending_window=Duration.days(enc.pending_window_days),
        )
        self.network = MlNetwork(
            self,
            "Network",
            cidr=net.cidr,
            max_azs=net.az_count,
            availability_zones=net.availability_zones or None,
            availability_zone_ids=net.availability_zone_ids or None,
            subnet_cidr_mask=net.subnet_cidr_mask,
            reserved_cidrs=net.reserved_cidrs,
            interface_endpoints=feature_store_endpoints(config) if hub is None else (),
            extra_interface_endpoints=mlflow_interface_endpoints(config),
            endpoint_hub_cidr=hub.cidr if hub is not None else None,
            dynamodb_gateway_endpoint=net.dynamodb_gateway_endpoint,
            endpoint_access_from_vpc_cidr=net.endpoint_access_from_vpc_cidr,
            s3_prefix_list_id=net.s3_prefix_list_id,
            flow_log_key=self.keys.logs,
            flow_log_retention=retention_days(net.flow_logs_retention_days),
            restrict_endpoints=net.endpoint_policy.restrict,
            organization_id=net.endpoint_policy.organization_id,
            trusted_accounts=net.endpoint_policy.trusted_accounts,
            # SageMaker downloads promoted models from the delivery account's bucket through the S3
            # gateway endpoint (https://docs.aws.amazon.com/sagemaker/latest/dg/host-vpc.html).
            trusted_resource_accounts=[model_source_account] if model_source_account else [],
            allowed_s3_objects=net.endpoint_policy.allowed_s3_objects,
        )
        self.endpoint_hub_spoke: EndpointHubSpoke | None = None
        if hub is not None:
            self.endpoint_hub_spoke = EndpointHubSpoke(
                self,
                "EndpointHubSpoke",
                network=self.network,
                hub_cidr=hub.cidr,
                transit_gateway_id=hub.transit_gateway_id,
                route53_profile_id=hub.route53_profile_id,
                name=f"{config.name}-{config.stage}-endpoint-hub",
            )
        self.workload_security_group = self.network.new_workload_security_group(
            self, "WorkloadSecurityGroup", description="ML workloads: Studio apps, jobs and endpoints"
        )

        self.access_logs = AccessLogsBucket(self, "AccessLogs")
        storage = config.storage
        endpoints = [self.network.s3_endpoint] if storage.restrict_to_vpc_endpoint else []
        exceptions = storage.vpc_endpoint_exception_role_arns if endpoints else []
        # Feature Store writes offline stores from SageMaker's network as the offline store roles
        # (docs/feature-store.md): no aws:SourceVpce, so the data bucket's VPC endpoint deny exempts them.
        offline_groups = endpoints and any(g.offline for g in config.feature_store.groups)
        feature_store_roles = [offline_store_role_arn_pattern(self.partition, self.account, config.name)
                               ] if offline_groups else []
        self.data_bucket = SecureBucket(
            self,
            "DataBucket",
            encryption_key=self.keys.data,
            server_access_logs_bucket=self.access_logs.bucket,
            allowed_vpc_endpoints=endpoints,
            vpc_endpoint_exceptions=[*exceptions, *feature_store_roles],
        )
        lock = storage.object_lock_retention_days
        self.artifacts_bucket = SecureBucket(
            self,
            "ArtifactsBucket",
            encryption_key=self.keys.artifacts,
            server_access_logs_bucket=self.access_logs.bucket,
            allowed_vpc_endpoints=endpoints,
            vpc_endpoint_exceptions=[*exceptions, *self._mlflow_role_arns(config, endpoints)],
            object_lock_retention=Duration.days(lock) if lock else None,
            object_lock_mode=storage.object_lock_mode,
        )

        self.permissions_boundary = PlatformPermissionsBoundary(
            self, "PermissionsBoundary", platform=config.name
        )
        self.personas: MlPersonas | None = None
        identity = config.identity
        if identity.teams:
            self.personas = MlPersonas(
                self,
                "Personas",
                platform=config.name,
                teams=[team.name for team in identity.teams],
                vpc=self.network.vpc,
                subnets=self.network.subnets,
                security_groups=[self.workload_security_group],
                data_bucket=self.data_bucket.bucket,
                artifacts_bucket=self.artifacts_bucket.bucket,
                data_key=self.keys.data,
                artifacts_key=self.keys.artifacts,
                volumes_key=self.keys.volumes,
                instance_types=identity.instance_types,
                trusted_principal=_human_trust(self, config),
                team_tag_key=identity.team_tag_key,
                user_tag_key=identity.user_tag_key,
                consumer_endpoint_names=identity.consumer_endpoint_names,
                human_personas=human_personas,
                model_source_account=model_source_account,
                image_accounts=identity.trusted_image_accounts,
                feature_store=bool(config.feature_store.groups),
                mlflow_mode=_mlflow_mode(config),
            )

        self.bedrock: PrivateBedrock | None = None
        if config.bedrock is not None and self.personas is not None:
            self.bedrock = _private_bedrock(self, config, self.personas)

        CfnOutput(self, "VpcId", value=self.network.vpc.vpc_id)
        CfnOutput(self, "DataBucketName", value=self.data_bucket.bucket_name)
        CfnOutput(self, "ArtifactsBucketName", value=self.artifacts_bucket.bucket_name)

    def _mlflow_role_arns(self, config: PlatformConfig, endpoints: Sequence[Any]) -> list[str]:
        """The MLflow tracking servers' roles (path ``/<platform>/mlflow/``), exempt from the artifacts
        bucket's VPC endpoint restriction: the server reaches S3 from SageMaker's network, not the platform
        VPC (an ``AWS::SageMaker::MlflowTrackingServer`` has no VPC configuration,
        https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sagemaker-mlflowtrackingserver.html).
        Only IAM administrators can create roles under that path (the boundary denies IAM changes)."""
        if not endpoints or _mlflow_mode(config) is None:
            return []
        return [f"arn:{self.partition}:iam::{self.account}:role{mlflow_role_path(config.name)}*"]


def _mlflow_mode(config: PlatformConfig) -> str | None:
    """``studio.mlflow.mode`` when the platform runs MLflow (Studio on), else None."""
    mlflow = config.studio.mlflow
    return mlflow.mode if mlflow is not None and config.studio.enabled else None


def _private_bedrock(stack: FoundationStack, config: PlatformConfig, personas: MlPersonas) -> PrivateBedrock:
    """The ``bedrock`` section as a :class:`PrivateBedrock` (docs/bedrock.md)."""
    section = config.bedrock
    assert section is not None
    logging, guardrail = section.invocation_logging, section.guardrail
    return PrivateBedrock(
        stack,
        "Bedrock",
        personas=personas,
        enabled_personas=section.personas,
        models=section.models,
        inference_profiles=[(p.id, p.regions) for p in section.inference_profiles],
        vpc=stack.network.vpc,
        require_vpc_endpoint=section.require_vpc_endpoint,
        endpoint=stack.network.interface_endpoints.get("bedrock-runtime"),
        logs_key=stack.keys.logs if logging.enabled else None,
        log_retention=retention_days(logging.retention_days),
        log_text=logging.text_data,
        log_images=logging.image_data,
        log_embeddings=logging.embedding_data,
        guardrail_filters=({k: (v[0], v[1]) for k, v in guardrail.content_filters.items()}
                           if guardrail is not None else None),
        guardrail_messages=((guardrail.blocked_input_message, guardrail.blocked_output_message)
                            if guardrail is not None else
                            ("This request is blocked by the platform's guardrail.",
                             "This response is blocked by the platform's guardrail.")),
        name=config.name,
    )
