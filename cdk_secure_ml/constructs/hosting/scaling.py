"""Application Auto Scaling of an endpoint's variants: :class:`EndpointAutoScaling`.

Per variant a ``ScalableTarget`` on ``sagemaker:variant:DesiredInstanceCount`` (with the SageMaker
service-linked role, not a new role) and target tracking on ``SageMakerVariantInvocationsPerInstance``, or on
``ApproximateBacklogSizePerInstance`` for async endpoints, as AWS recommends for queues
(https://docs.aws.amazon.com/sagemaker/latest/dg/async-inference-autoscale.html); optionally a second policy
on CPU. An async endpoint with ``scale_to_zero`` scales in to 0 and out again on
``HasBacklogWithoutCapacity``.

**Construct paths.** The targets are created in ``resource_scope`` (default: this construct) as
``<Variant>ScalableTarget``, the imported service-linked role as ``AutoScalingRole``. ``SecureEndpoint``
passes itself, so its scalable targets keep the paths (and logical ids) they had before this construct
existed; see :mod:`.alarms` for why a construct in between would replace them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aws_cdk import Annotations, Duration, Stack
from aws_cdk import aws_applicationautoscaling as appscaling
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from cdk_secure_ml.constructs.hosting.metrics import INVOCATION_METRICS_NAMESPACE, EndpointMetrics
from cdk_secure_ml.constructs.hosting.naming import camel, deployed_endpoint_name, endpoint_dependency
from cdk_secure_ml.constructs.hosting.options import (
    AsyncInferenceSettings,
    AutoScalingOptions,
    EndpointVariantOptions,
    duration,
    raise_for_problems,
)
from cdk_secure_ml.core.hosting import checks
from cdk_secure_ml.core.instance_vcpus import vcpus
from cdk_secure_ml.policies.acknowledgements import acknowledge
from cdk_secure_ml.policies.ids import ack_id

_SERVICE_LINKED_ROLE = (
    "aws-service-role/sagemaker.application-autoscaling.amazonaws.com/"
    "AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint"
)


class EndpointAutoScaling(Construct):
    """Target tracking for every variant of ``endpoint``.

    :param endpoint: any ``aws_sagemaker.IEndpoint``. When its ``AWS::SageMaker::Endpoint`` is in this app
        (its ``node.default_child``), the targets name it with ``Fn::GetAtt`` and depend on it.
    :param variants: the variants to scale (names; instance types for the CPU target). Default: a
        ``SecureEndpoint``'s own.
    :param options: default :class:`AutoScalingOptions` (2-4 instances, 70 invocations per instance per
        minute).
    :param async_inference: the endpoint's async settings: track the backlog instead, and scale to zero.
    :param production: production endpoints keep at least 2 instances.
    :param allow_single_instance: a non-production endpoint may scale in to 1 (acknowledged).
    :param resource_scope: where the targets are created. Default this construct.
    :raises ValueError: bad options, a minimum below 2 in production, or a CPU target for an instance type
        whose vCPUs are unknown.

    Attributes:

    - ``scalable_targets`` (``dict[str, appscaling.ScalableTarget]``): variant name -> scalable target.
    - ``metrics`` (``EndpointMetrics``): the endpoint's metrics the targets track.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        endpoint: sagemaker.IEndpoint,
        variants: Sequence[EndpointVariantOptions] | None = None,
        options: AutoScalingOptions | None = None,
        async_inference: AsyncInferenceSettings | None = None,
        production: bool = True,
        allow_single_instance: bool = False,
        resource_scope: Construct | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        variants = list(variants if variants is not None else getattr(endpoint, "variant_options", []))
        options = options or AutoScalingOptions()
        self._production, self._async = production, async_inference
        self._validate(variants, options, allow_single_instance)
        self._scope = resource_scope or self
        self._endpoint = endpoint
        if resource_scope is None and getattr(endpoint, "autoscaled", None) is False:
            # https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_UpdateEndpoint.html
            Annotations.of(self).add_warning_v2(
                "secure-ml:scaling-added-afterwards",
                "the SecureEndpoint was built with autoscaling=False, so its updates do not keep the scaled "
                "instance counts (RetainAllVariantProperties): each blue/green update starts from "
                "instance_count; pass autoscaling=AutoScalingOptions(...) to the SecureEndpoint instead",
            )
        self.metrics = (
            endpoint
            if isinstance(endpoint, EndpointMetrics)
            else EndpointMetrics.of(endpoint.endpoint_name, [v.name for v in variants])
        )
        self.scalable_targets: dict[str, appscaling.ScalableTarget] = {}
        for variant in variants:
            self._add(variant, options)

    def _validate(
        self, variants: list[EndpointVariantOptions], options: AutoScalingOptions, allow_single_instance: bool
    ) -> None:
        scale_to_zero = self._async is not None and self._async.scale_to_zero
        problems = checks.nested(("autoscaling",), options.problems())
        problems += checks.capacity_problems(
            instance_counts=[],
            production=self._production,
            allow_single_instance=allow_single_instance,
            min_capacity=options.min_capacity,
            scale_to_zero=scale_to_zero,
        )
        if not variants:
            problems.append((("variants",), "variants is empty; give the endpoint's variants"))
        if options.cpu_target_percent is not None:
            problems += checks.nested(
                ("autoscaling",),
                checks.vcpu_problems("cpu_target_percent", {v.name: v.instance_type for v in variants}),
            )
        raise_for_problems(f"EndpointAutoScaling {self.node.path}", problems)

    def _add(self, v: EndpointVariantOptions, a: AutoScalingOptions) -> None:
        variant = v.name
        scale_to_zero = self._async is not None and self._async.scale_to_zero
        target = appscaling.ScalableTarget(
            self._scope,
            f"{camel(variant)}ScalableTarget",
            service_namespace=appscaling.ServiceNamespace.SAGEMAKER,
            resource_id=f"endpoint/{deployed_endpoint_name(self._endpoint)}/variant/{variant}",
            scalable_dimension="sagemaker:variant:DesiredInstanceCount",
            min_capacity=0 if scale_to_zero else a.min_capacity,
            max_capacity=a.max_capacity,
            # The service-linked role Application Auto Scaling creates for SageMaker, not a new role.
            role=self._service_linked_role(),
        )
        target.node.add_dependency(endpoint_dependency(self._endpoint))
        self.scalable_targets[variant] = target
        common: dict[str, Any] = {
            "scale_in_cooldown": duration(a.scale_in_cooldown),
            "scale_out_cooldown": duration(a.scale_out_cooldown),
            "disable_scale_in": a.disable_scale_in,
        }
        endpoint_name = self.metrics.endpoint_name
        if self._async is None:
            target.scale_to_track_metric(
                "InvocationsPerInstance",
                target_value=a.target_invocations_per_instance,
                predefined_metric=appscaling.PredefinedMetric.SAGEMAKER_VARIANT_INVOCATIONS_PER_INSTANCE,
                **common,
            )
        else:
            # Async requests queue; AWS recommends tracking the backlog per instance instead of invocations.
            target.scale_to_track_metric(
                "BacklogPerInstance",
                target_value=self._async.backlog_target_per_instance,
                custom_metric=cloudwatch.Metric(
                    namespace=INVOCATION_METRICS_NAMESPACE,
                    metric_name="ApproximateBacklogSizePerInstance",
                    dimensions_map={"EndpointName": endpoint_name},
                    statistic="Average",
                ),
                **common,
            )
        if a.cpu_target_percent is not None:
            # A percentage of the whole instance; CPUUtilization is summed over its vCPUs (see .metrics).
            target.scale_to_track_metric(
                "CpuUtilization",
                target_value=a.cpu_target_percent * vcpus(v.instance_type),
                custom_metric=self.metrics.metric_cpu_utilization(variant=variant),
                **common,
            )
        if scale_to_zero:
            # From 0 instances no per-instance metric exists: scale out on HasBacklogWithoutCapacity.
            target.scale_on_metric(
                "ScaleOutFromZero",
                metric=cloudwatch.Metric(
                    namespace=INVOCATION_METRICS_NAMESPACE,
                    metric_name="HasBacklogWithoutCapacity",
                    dimensions_map={"EndpointName": endpoint_name},
                    statistic="Average",
                    period=Duration.minutes(1),
                ),
                scaling_steps=[
                    appscaling.ScalingInterval(upper=0.5, change=0),
                    appscaling.ScalingInterval(lower=0.5, change=1),
                ],
                adjustment_type=appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
                cooldown=duration(a.scale_out_cooldown),
            )
            acknowledge(
                target,
                "An async inference endpoint with scale_to_zero: it runs no instance while the "
                "queue is empty and scales out on HasBacklogWithoutCapacity.",
                ack_id("SML-HOST-5"),
            )
        elif not self._production and a.min_capacity < 2:
            acknowledge(
                target, "A non-production endpoint with allow_single_instance=True.", ack_id("SML-HOST-5")
            )

    def _service_linked_role(self) -> iam.IRole:
        existing = self._scope.node.try_find_child("AutoScalingRole")
        if existing is not None:
            return existing  # type: ignore[return-value]
        stack = Stack.of(self._scope)
        return iam.Role.from_role_arn(
            self._scope,
            "AutoScalingRole",
            f"arn:{stack.partition}:iam::{stack.account}:role/{_SERVICE_LINKED_ROLE}",
            mutable=False,
        )
