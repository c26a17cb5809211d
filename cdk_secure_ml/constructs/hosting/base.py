"""What ``SecureEndpoint`` is to other code: ``aws_sagemaker.IEndpoint``, ``ec2.IConnectable``, grants,
metrics.

:class:`EndpointBase` is the interface half of ``SecureEndpoint`` (:mod:`.endpoint` builds the resources): the
attributes and methods of aws-cdk-lib's stable ``aws_sagemaker.IEndpoint`` (``endpoint_arn``,
``endpoint_name``, ``endpoint_ref``, ``grant_invoke``, and ``IResource``'s ``stack``, ``env``,
``apply_removal_policy``), ``ec2.IConnectable`` (``connections``), the async grants and the ``metric_*``
methods (:class:`~.metrics.EndpointMetrics`). So a ``SecureEndpoint`` plugs into any API typed
``IEndpoint``, e.g. ``apigateway.SagemakerIntegration``.

**Why a Construct, not a ``Resource``.** ``EndpointBase`` implements ``IResource`` itself. As a ``Resource``
subclass the endpoint would be reported in the stack's ``AWS::CDK::Metadata`` analytics as
``aws-cdk-lib.Resource`` without metadata, which drops the metadata of every other ``Resource`` construct of
the stack from that string: every template with an endpoint would change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import jsii
from aws_cdk import RemovalPolicy, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sagemaker as sagemaker
from aws_cdk.interfaces import ResourceEnvironment
from aws_cdk.interfaces import aws_sagemaker as sagemaker_refs
from constructs import Construct

from cdk_secure_ml.constructs.encryption import allow_cloudwatch_logs
from cdk_secure_ml.constructs.hosting.metrics import EndpointMetrics
from cdk_secure_ml.constructs.hosting.options import AsyncInferenceOptions, EndpointVariantOptions
from cdk_secure_ml.constructs.principals import sagemaker_principal

if TYPE_CHECKING:
    from cdk_secure_ml.constructs.hosting.network import EndpointNetwork


@jsii.implements(sagemaker.IEndpoint, ec2.IConnectable)
class EndpointBase(EndpointMetrics, Construct):
    """The ``IEndpoint`` / ``IConnectable`` surface of ``SecureEndpoint``; not built on its own.

    The subclass sets ``name``, ``variants``, ``endpoint`` (the ``CfnEndpoint``), ``security_groups``,
    ``async_inference``, ``network`` and the physical name.

    Attributes: ``endpoint_name`` (``str``, the physical name), ``endpoint_arn`` (``str``), ``endpoint_ref``
    (``EndpointReference``), ``stack`` (``Stack``), ``env`` (``ResourceEnvironment``), ``connections``
    (``ec2.Connections`` of its security groups), ``variant_options`` (``list[EndpointVariantOptions]``),
    ``role`` (``iam.Role``, the execution role), ``volume_key`` (``kms.IKey | None``: the instances' volume
    key; None on a serverless endpoint), ``logs_key`` (``kms.IKey``), ``log_group`` (``logs.LogGroup``,
    ``/aws/sagemaker/Endpoints/<name>``), and the ``metric_*`` methods of ``EndpointMetrics``.
    """

    name: str
    variants: dict[str, EndpointVariantOptions]
    endpoint: sagemaker.CfnEndpoint
    security_groups: list[ec2.ISecurityGroup]
    async_inference: AsyncInferenceOptions | None
    network: EndpointNetwork | None
    _physical_name: str
    _connections: ec2.Connections | None = None

    # ------------------------------------------------------------------------------------------
    # aws_sagemaker.IEndpoint, ec2.IConnectable

    @property
    def endpoint_name(self) -> str:
        """The endpoint's physical name, ``<name>-<8 hex>`` (a literal; it changes on a replacement)."""
        return self._physical_name

    @property
    def endpoint_arn(self) -> str:
        """The endpoint's ARN (``Ref`` of ``AWS::SageMaker::Endpoint``)."""
        return self.endpoint.ref

    @property
    def endpoint_ref(self) -> sagemaker_refs.EndpointReference:
        """A reference to the endpoint (``IEndpointRef``)."""
        return sagemaker_refs.EndpointReference(endpoint_arn=self.endpoint_arn)

    @property
    def stack(self) -> Stack:
        """The stack the endpoint is in."""
        return Stack.of(self)

    @property
    def env(self) -> ResourceEnvironment:
        """The account and region of the endpoint: its stack's."""
        return ResourceEnvironment(account=self.stack.account, region=self.stack.region)

    def apply_removal_policy(self, policy: RemovalPolicy) -> None:
        """Apply ``policy`` to the ``AWS::SageMaker::Endpoint`` (keys and log group take
        ``removal_policy``)."""
        self.endpoint.apply_removal_policy(policy)

    @property
    def connections(self) -> ec2.Connections:
        """The endpoint's security groups (none for serverless). Inference requests arrive through the
        SageMaker runtime API, not these ENIs: use ``connections.allow_to(...)`` for what the model's
        container may reach in the VPC (with ``network_isolation=False``), ``allow_from`` for peers of the
        ENIs."""
        if self._connections is None:
            self._connections = ec2.Connections(security_groups=self.security_groups)
        return self._connections

    @property
    def variant_options(self) -> list[EndpointVariantOptions]:
        """The variants, in order (what the feature constructs default to)."""
        return list(self.variants.values())

    def grant_invoke(
        self,
        grantee: iam.IGrantable,
        *,
        only_via_vpc_endpoint: bool = False,
        vpc_endpoint: ec2.IVpcEndpoint | None = None,
    ) -> iam.Grant:
        """Let ``grantee`` invoke this endpoint (and only this one: the grant names its ARN).

        ``sagemaker:InvokeEndpoint``, ``InvokeEndpointWithResponseStream``, and ``InvokeEndpointAsync`` for
        async endpoints.

        :param only_via_vpc_endpoint: allow calls only through the ``sagemaker.runtime`` interface
            endpoint (``aws:SourceVpce``): ``vpc_endpoint``, or the network's when it has one.
        :raises ValueError: ``only_via_vpc_endpoint`` without a ``sagemaker.runtime`` endpoint.
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
                    f"SecureEndpoint {self.endpoint_name}: grant_invoke(only_via_vpc_endpoint=True) needs "
                    "the sagemaker.runtime interface endpoint; pass vpc_endpoint=... or build the endpoint "
                    "on an MlNetwork that has it"
                )
            conditions = {"StringEquals": {"aws:SourceVpce": vpc_endpoint.vpc_endpoint_id}}
        return iam.Grant.add_to_principal(
            grantee=grantee, actions=actions, resource_arns=[self.endpoint_arn], conditions=conditions
        )

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
            raise ValueError(
                f"SecureEndpoint {self.name} has no async_inference; grant_async_io applies to async "
                "endpoints only"
            )
        bucket = config.bucket
        inp, out, fail = (
            p.strip("/") for p in (config.input_prefix, config.output_prefix, config.failure_prefix)
        )
        grant = iam.Grant.add_to_principal(
            grantee=grantee, actions=["s3:PutObject"], resource_arns=[bucket.arn_for_objects(f"{inp}/*")]
        )
        iam.Grant.add_to_principal(
            grantee=grantee,
            actions=["s3:GetObject"],
            resource_arns=[bucket.arn_for_objects(f"{out}/*"), bucket.arn_for_objects(f"{fail}/*")],
        )
        key = config.key or bucket.encryption_key
        if key is not None:
            stack = Stack.of(self)
            iam.Grant.add_to_principal(
                grantee=grantee,
                actions=["kms:Decrypt", "kms:GenerateDataKey"],
                resource_arns=[key.key_arn],
                conditions={"StringEquals": {"kms:ViaService": f"s3.{stack.region}.{stack.url_suffix}"}},
            )
        return grant

    def _describe(self) -> str:
        return f"SecureEndpoint {self.endpoint_name}"

    def _new_execution_role(self, role_path: str | None, description: str) -> None:
        """``self.role`` (``ExecutionRole``, trusted by SageMaker of this account only) and ``self._policy``
        (``ExecutionPolicy``, its empty least-privilege managed policy, which the subclass fills)."""
        self.role = iam.Role(
            self,
            "ExecutionRole",
            assumed_by=sagemaker_principal(self),
            description=description,
            # A delivery account's model registry admits execution roles by path (constructs/delivery.py).
            path=role_path,
        )
        self._policy = iam.ManagedPolicy(
            self,
            "ExecutionPolicy",
            roles=[self.role],
            description=f"SageMaker endpoint {self.name}: least privilege",
        )

    def _keys_and_log_group(
        self,
        volume_key: kms.IKey | None,
        logs_key: kms.IKey | None,
        log_retention: logs.RetentionDays,
        removal_policy: RemovalPolicy,
        *,
        volume_key_needed: bool = True,
    ) -> None:
        """``self.volume_key`` (``VolumeKey`` when none is given and ``volume_key_needed``; a serverless
        endpoint has no volume), ``self.logs_key`` (``LogsKey`` when none is given) and ``self.log_group``
        (``LogGroup``), created in that order (the template lists them so)."""
        if volume_key is None and volume_key_needed:
            volume_key = kms.Key(
                self,
                "VolumeKey",
                description=f"SageMaker endpoint {self.name} volumes",
                enable_key_rotation=True,
                removal_policy=removal_policy,
            )
        self.volume_key = volume_key
        if logs_key is None:
            logs_key = kms.Key(
                self,
                "LogsKey",
                description=f"SageMaker endpoint {self.name} logs",
                enable_key_rotation=True,
                removal_policy=removal_policy,
            )
            allow_cloudwatch_logs(logs_key)
        self.logs_key = logs_key
        # SageMaker writes to /aws/sagemaker/Endpoints/<endpoint name>: the physical name, so a replaced
        # endpoint gets a new log group (the old one is retained).
        self.log_group = logs.LogGroup(
            self,
            "LogGroup",
            log_group_name=f"/aws/sagemaker/Endpoints/{self.endpoint_name}",
            encryption_key=logs_key,
            retention=log_retention,
            removal_policy=removal_policy,
        )
