"""Alarms of an endpoint's variants, to a KMS-encrypted SNS topic: :class:`EndpointAlarms`,
:func:`new_alarm_topic`.

``EndpointAlarms`` works on any ``aws_sagemaker.IEndpoint`` (give its variants); ``SecureEndpoint`` builds one
for itself (``alarms=``). Per variant: 5XX and 4XX errors, p99 model latency, and on instances CPU, memory and
disk utilisation. 5XX and latency are the *rollback* alarms a blue/green deployment watches; 4XX (the callers'
errors) only notifies, because any rollback alarm that trips during a baking period rolls the whole deployment
back (https://docs.aws.amazon.com/sagemaker/latest/dg/deployment-guardrails-blue-green.html).

**Construct paths.** The alarms are created in ``resource_scope`` (default: this construct) with the ids
``<Variant><Kind>Alarm``, the topic as ``AlarmTopic``. ``SecureEndpoint`` passes itself as ``resource_scope``:
its alarms keep the paths ``<endpoint>/<Variant><Kind>Alarm`` they had before this construct existed, and so
their logical ids (CDK derives those from the path; only a component named ``Default`` is left out, so a new
construct between the endpoint and the alarms would rename, and replace, every alarm).
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Annotations, ArnFormat, RemovalPolicy, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sagemaker as sagemaker
from aws_cdk import aws_sns as sns
from constructs import Construct

from cdk_secure_ml.constructs.hosting.metrics import EndpointMetrics
from cdk_secure_ml.constructs.hosting.naming import camel
from cdk_secure_ml.constructs.hosting.options import (
    AlarmOptions,
    EndpointVariantOptions,
    raise_for_problems,
    seconds,
)
from cdk_secure_ml.core.hosting import checks
from cdk_secure_ml.core.instance_vcpus import vcpus


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
        key = kms.Key(
            group,
            "Key",
            description=f"SNS alarm topic {group.node.path}",
            enable_key_rotation=True,
            removal_policy=RemovalPolicy.RETAIN,
        )
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
    topic.add_to_resource_policy(
        iam.PolicyStatement(
            sid="AllowCloudWatchAlarmsOfThisAccount",
            principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
            actions=["sns:Publish"],
            resources=[topic.topic_arn],
            conditions={
                "ArnLike": {
                    "aws:SourceArn": stack.format_arn(
                        service="cloudwatch",
                        resource="alarm",
                        resource_name="*",
                        arn_format=ArnFormat.COLON_RESOURCE_NAME,
                    )
                }
            },
        )
    )
    return topic


class EndpointAlarms(Construct):
    """Per-variant alarms of ``endpoint`` to ``topic``, alarm and OK actions both.

    :param endpoint: any ``aws_sagemaker.IEndpoint``; its ``endpoint_name`` is the alarms' ``EndpointName``
        dimension.
    :param variants: the endpoint's variants (names, and instance types for the CPU threshold). Default: a
        ``SecureEndpoint``'s own.
    :param thresholds: default :class:`AlarmOptions` (5XX >= 1, 4XX >= 10, p99 latency >= 1 s, CPU, memory and
        disk >= 80 %, 2 of 3 one-minute periods); ``None`` in a field leaves that alarm out.
    :param topic: default a new topic (:func:`new_alarm_topic`, id ``AlarmTopic``).
    :param instance_metrics: False for serverless endpoints (no CPU, memory, disk metrics).
    :param resource_scope: where the alarms and the topic are created. Default this construct.
    :raises ValueError: bad thresholds, or a CPU threshold for an instance type whose vCPUs are unknown.

    Attributes: ``alarms`` (``"<variant>/<kind>"`` -> alarm, kinds ``Invocation5xx``, ``Invocation4xx``,
    ``ModelLatencyP99``, ``CpuUtilization``, ``MemoryUtilization``, ``DiskUtilization``), ``rollback_alarms``
    (5XX and latency, for a deployment's ``AutoRollbackConfiguration``), ``topic`` (``sns.ITopic``),
    ``metrics`` (``EndpointMetrics`` of the endpoint).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        endpoint: sagemaker.IEndpoint,
        variants: Sequence[EndpointVariantOptions] | None = None,
        thresholds: AlarmOptions | None = None,
        topic: sns.ITopic | None = None,
        instance_metrics: bool = True,
        resource_scope: Construct | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        variants = list(variants if variants is not None else getattr(endpoint, "variant_options", []))
        thresholds = thresholds or AlarmOptions()
        self._validate(variants, thresholds, instance_metrics)
        target = resource_scope or self
        if resource_scope is None and hasattr(endpoint, "autoscaled"):  # added to a SecureEndpoint afterwards
            Annotations.of(self).add_warning_v2(
                "secure-ml:alarms-without-rollback",
                "these alarms notify but do not roll back the endpoint's blue/green deployments (its "
                "AutoRollbackConfiguration is written by SecureEndpoint); pass alarms=AlarmOptions(...) to "
                "the SecureEndpoint instead for both",
            )
        self.topic: sns.ITopic = topic or new_alarm_topic(target, "AlarmTopic")
        self.metrics = (
            endpoint
            if isinstance(endpoint, EndpointMetrics)
            else EndpointMetrics.of(endpoint.endpoint_name, [v.name for v in variants])
        )
        self.alarms: dict[str, cloudwatch.Alarm] = {}
        self.rollback_alarms: list[cloudwatch.Alarm] = []
        for variant in variants:
            self._add(target, variant, thresholds, instance_metrics)

    def _validate(
        self, variants: list[EndpointVariantOptions], thresholds: AlarmOptions, instance_metrics: bool
    ) -> None:
        problems = thresholds.problems()
        if not variants:
            problems.append((("variants",), "variants is empty; give the endpoint's variants"))
        if instance_metrics and thresholds.cpu_utilization_percent is not None:
            problems += checks.vcpu_problems(
                "cpu_utilization_percent", {v.name: v.instance_type for v in variants}
            )
        elif not instance_metrics:
            problems = [p for p in problems if p[0] != ("cpu_utilization_percent",)]
        raise_for_problems(f"EndpointAlarms {self.node.path}", problems)

    def _add(
        self, scope: Construct, v: EndpointVariantOptions, t: AlarmOptions, instance_metrics: bool
    ) -> None:
        variant, m = v.name, self.metrics
        specs: list[tuple[str, cloudwatch.Metric, float | None, str, bool]] = [
            (
                "Invocation5xx",
                m.metric_invocation_5xx_errors(variant=variant),
                t.invocation_5xx_errors,
                "server errors (5XX)",
                True,
            ),
            (
                "Invocation4xx",
                m.metric_invocation_4xx_errors(variant=variant),
                t.invocation_4xx_errors,
                "client errors (4XX)",
                False,
            ),
            (
                "ModelLatencyP99",
                m.metric_model_latency(variant=variant),
                seconds(t.model_latency_p99) * 1_000_000 if t.model_latency_p99 is not None else None,
                "p99 model latency (microseconds)",
                True,
            ),
        ]
        if instance_metrics:
            # CPUUtilization is summed over the instance's vCPUs (0-100 % each), memory and disk are 0-100 %
            # (https://docs.aws.amazon.com/sagemaker/latest/dg/monitoring-cloudwatch.html): the CPU threshold,
            # a percentage of the whole instance, is scaled by the vCPUs.
            cpu = t.cpu_utilization_percent
            cpus = vcpus(v.instance_type) if cpu is not None else 1
            specs += [
                (
                    "CpuUtilization",
                    m.metric_cpu_utilization(variant=variant),
                    cpu * cpus if cpu is not None else None,
                    f"CPU utilisation ({cpu:g} % of {cpus} vCPUs, summed over vCPUs)"
                    if cpu is not None
                    else "",
                    False,
                ),
                (
                    "MemoryUtilization",
                    m.metric_memory_utilization(variant=variant),
                    t.memory_utilization_percent,
                    "memory utilisation (%)",
                    False,
                ),
                (
                    "DiskUtilization",
                    m.metric_disk_utilization(variant=variant),
                    t.disk_utilization_percent,
                    "disk utilisation (%)",
                    False,
                ),
            ]
        action = cw_actions.SnsAction(self.topic)
        for kind, metric, threshold, what, rollback in specs:
            if threshold is None:
                continue
            alarm = cloudwatch.Alarm(
                scope,
                f"{camel(variant)}{kind}Alarm",
                metric=metric,
                threshold=threshold,
                evaluation_periods=t.evaluation_periods,
                datapoints_to_alarm=t.datapoints_to_alarm,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
                alarm_description=(
                    f"SageMaker endpoint {m.endpoint_name} variant {variant}: {what} >= {threshold:g}"
                ),
            )
            alarm.add_alarm_action(action)
            alarm.add_ok_action(action)
            self.alarms[f"{variant}/{kind}"] = alarm
            if rollback:
                self.rollback_alarms.append(alarm)
