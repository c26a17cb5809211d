"""CloudWatch metrics of an endpoint's variants: one factory for ``SecureEndpoint.metric_*``, the alarms and
the scaling policies (cdk-monitoring-constructs' metric-factory split).

Two namespaces (https://docs.aws.amazon.com/sagemaker/latest/dg/monitoring-cloudwatch.html):

- ``AWS/SageMaker``: invocations, errors, latency (``ModelLatency`` in **microseconds**).
- ``/aws/sagemaker/Endpoints``: per-instance utilisation. ``CPUUtilization`` and ``GPUUtilization`` /
  ``GPUMemoryUtilization`` are summed over the instance's vCPUs or GPUs, 0-100 % each (0-400 % on four;
  https://repost.aws/knowledge-center/sagemaker-cpu-gpu-utilization-100); memory and disk are 0-100 %.

Every ``metric_*`` method takes ``variant`` (default: the first) and passes other keyword arguments through to
``cloudwatch.Metric`` (the ``cloudwatch.MetricOptions`` fields: ``period``, ``statistic``, ``label``,
``unit``, ``color``, ``account``, ``region``, extra ``dimensions_map`` entries, ...). The period defaults to 1
minute.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch

#: Namespace of the per-instance metrics (CPU, memory, disk, GPU) of an endpoint.
INSTANCE_METRICS_NAMESPACE = "/aws/sagemaker/Endpoints"
#: Namespace of the invocation metrics (errors, latency, invocations).
INVOCATION_METRICS_NAMESPACE = "AWS/SageMaker"


class EndpointMetrics:
    """Metrics of one endpoint's variants. ``SecureEndpoint`` is one; for any other endpoint use
    :meth:`of`.

    Subclasses provide ``endpoint_name`` (the physical name, the ``EndpointName`` dimension) and
    ``variant_names``.
    """

    @property
    def endpoint_name(self) -> str:
        """The endpoint's name, the ``EndpointName`` dimension of its metrics."""
        raise NotImplementedError
    variant_names: list[str]

    @staticmethod
    def of(endpoint_name: str, variant_names: Sequence[str]) -> EndpointMetrics:
        """Metrics of the endpoint named ``endpoint_name`` (a token is fine) with these variants."""
        return _NamedEndpointMetrics(endpoint_name, list(variant_names))

    def metric(
        self,
        metric_name: str,
        *,
        variant: str | None = None,
        namespace: str = INVOCATION_METRICS_NAMESPACE,
        statistic: str = "Sum",
        period: Duration | None = None,
        **options: Any,
    ) -> cloudwatch.Metric:
        """``metric_name`` of one variant (default: the first) of this endpoint.

        :raises ValueError: the endpoint has no such variant.
        """
        variant = variant or self.variant_names[0]
        if variant not in self.variant_names:
            raise ValueError(f"{self._describe()} has no variant {variant!r}; it has {self.variant_names}")
        dimensions = {
            "EndpointName": self.endpoint_name,
            "VariantName": variant,
            **(options.pop("dimensions_map", None) or {}),
        }
        return cloudwatch.Metric(
            namespace=namespace,
            metric_name=metric_name,
            statistic=statistic,
            period=period or Duration.minutes(1),
            dimensions_map=dimensions,
            **options,
        )

    def metric_invocations(self, *, variant: str | None = None, **options: Any) -> cloudwatch.Metric:
        """``Invocations``, sum per minute."""
        return self.metric("Invocations", variant=variant, **options)

    def metric_invocations_per_instance(
        self, *, variant: str | None = None, **options: Any
    ) -> cloudwatch.Metric:
        """``InvocationsPerInstance``, sum per minute (what target tracking follows)."""
        return self.metric("InvocationsPerInstance", variant=variant, **options)

    def metric_invocation_5xx_errors(
        self, *, variant: str | None = None, **options: Any
    ) -> cloudwatch.Metric:
        """``Invocation5XXErrors``, sum per minute."""
        return self.metric("Invocation5XXErrors", variant=variant, **options)

    def metric_invocation_4xx_errors(
        self, *, variant: str | None = None, **options: Any
    ) -> cloudwatch.Metric:
        """``Invocation4XXErrors``, sum per minute."""
        return self.metric("Invocation4XXErrors", variant=variant, **options)

    def metric_model_latency(self, *, variant: str | None = None, **options: Any) -> cloudwatch.Metric:
        """``ModelLatency`` in **microseconds**, p99 by default."""
        options = {"statistic": "p99", "unit": cloudwatch.Unit.MICROSECONDS, **options}
        return self.metric("ModelLatency", variant=variant, **options)

    def metric_cpu_utilization(self, *, variant: str | None = None, **options: Any) -> cloudwatch.Metric:
        """Average ``CPUUtilization``: 0-100 % per vCPU, summed over the instance's vCPUs."""
        return self._instance_metric("CPUUtilization", variant, options)

    def metric_memory_utilization(self, *, variant: str | None = None, **options: Any) -> cloudwatch.Metric:
        """Average ``MemoryUtilization``, 0-100 %."""
        return self._instance_metric("MemoryUtilization", variant, options)

    def metric_disk_utilization(self, *, variant: str | None = None, **options: Any) -> cloudwatch.Metric:
        """Average ``DiskUtilization``, 0-100 %."""
        return self._instance_metric("DiskUtilization", variant, options)

    def metric_gpu_utilization(self, *, variant: str | None = None, **options: Any) -> cloudwatch.Metric:
        """Average ``GPUUtilization``: 0-100 % per GPU, summed over the instance's GPUs (GPU instances
        only)."""
        return self._instance_metric("GPUUtilization", variant, options)

    def metric_gpu_memory_utilization(
        self, *, variant: str | None = None, **options: Any
    ) -> cloudwatch.Metric:
        """Average ``GPUMemoryUtilization``: 0-100 % per GPU, summed over the instance's GPUs."""
        return self._instance_metric("GPUMemoryUtilization", variant, options)

    def _instance_metric(self, name: str, variant: str | None, options: dict[str, Any]) -> cloudwatch.Metric:
        options = {"namespace": INSTANCE_METRICS_NAMESPACE, "statistic": "Average", **options}
        return self.metric(name, variant=variant, **options)

    def _describe(self) -> str:
        return f"endpoint {self.endpoint_name}"


class _NamedEndpointMetrics(EndpointMetrics):
    def __init__(self, endpoint_name: str, variant_names: list[str]) -> None:
        self._endpoint_name = endpoint_name
        self.variant_names = variant_names

    @property
    def endpoint_name(self) -> str:
        return self._endpoint_name
