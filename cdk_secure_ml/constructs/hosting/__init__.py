"""SageMaker hosting: ``SecureEndpoint`` and the constructs around an endpoint.

One module, one job (docs/hosting.md describes the API):

- :mod:`.endpoint`: :class:`SecureEndpoint`, which builds the model, endpoint config and endpoint.
- :mod:`.base`: :class:`EndpointBase`, its ``aws_sagemaker.IEndpoint`` / ``ec2.IConnectable`` surface and
  grants.
- :mod:`.endpoint_config`: its endpoint config (variants, data capture, async) and deployment configuration.
- :mod:`.network`: :class:`EndpointNetwork` (what it takes of a network), subnets and security groups.
- :mod:`.model_source`: :class:`ModelSource` (image + model data, or a model package) as container and grants.
- :mod:`.alarms`: :class:`EndpointAlarms`, :func:`new_alarm_topic`.
- :mod:`.scaling`: :class:`EndpointAutoScaling`.
- :mod:`.monitor`: :class:`DataQualityMonitor` (Model Monitor).
- :mod:`.metrics`: :class:`EndpointMetrics`, the ``metric_*`` factory.
- :mod:`.options`: the option types (``...Options``; the old names are aliases) and how problems read.
- :mod:`.naming`, :mod:`.images`: derived names, construct ids, the Model Monitor image of a region.

The option types' checks and the naming rules are CDK-free, in :mod:`cdk_secure_ml.core.hosting`.
"""

from cdk_secure_ml.constructs.hosting.alarms import EndpointAlarms, new_alarm_topic
from cdk_secure_ml.constructs.hosting.base import EndpointBase
from cdk_secure_ml.constructs.hosting.endpoint import SecureEndpoint
from cdk_secure_ml.constructs.hosting.inference_components import InferenceComponentEndpoint
from cdk_secure_ml.constructs.hosting.metrics import (
    INSTANCE_METRICS_NAMESPACE,
    INVOCATION_METRICS_NAMESPACE,
    EndpointMetrics,
)
from cdk_secure_ml.constructs.hosting.model_source import ModelSource
from cdk_secure_ml.constructs.hosting.monitor import DataQualityMonitor
from cdk_secure_ml.constructs.hosting.network import EndpointNetwork
from cdk_secure_ml.constructs.hosting.options import (
    DEFAULT_INSTANCE_TYPE,
    DEFAULT_INVOCATIONS_TARGET,
    AlarmOptions,
    AlarmThresholds,
    AsyncInference,
    AsyncInferenceOptions,
    AutoScaling,
    AutoScalingOptions,
    DataCapture,
    DataCaptureOptions,
    EndpointVariant,
    EndpointVariantOptions,
    ModelMonitor,
    ModelMonitorOptions,
    Rollout,
    RolloutOptions,
    Serverless,
    ServerlessOptions,
    TrafficRouting,
    invocations_target,
)
from cdk_secure_ml.constructs.hosting.scaling import EndpointAutoScaling
from cdk_secure_ml.core.hosting.inference_components import (
    InferenceComponentOptions,
    ManagedInstanceScalingOptions,
)
from cdk_secure_ml.core.hosting.naming import (
    MAX_ENDPOINT_NAME,
    MONITORING_SCHEDULE_SUFFIX,
    SAGEMAKER_NAME_MAX,
    endpoint_physical_name,
)
from cdk_secure_ml.core.model_monitor_images import MODEL_MONITOR_IMAGE_ACCOUNTS

__all__ = [
    "DEFAULT_INSTANCE_TYPE",
    "DEFAULT_INVOCATIONS_TARGET",
    "INSTANCE_METRICS_NAMESPACE",
    "INVOCATION_METRICS_NAMESPACE",
    "MAX_ENDPOINT_NAME",
    "MODEL_MONITOR_IMAGE_ACCOUNTS",
    "MONITORING_SCHEDULE_SUFFIX",
    "SAGEMAKER_NAME_MAX",
    "AlarmOptions",
    "AlarmThresholds",
    "AsyncInference",
    "AsyncInferenceOptions",
    "AutoScaling",
    "AutoScalingOptions",
    "DataCapture",
    "DataCaptureOptions",
    "DataQualityMonitor",
    "EndpointAlarms",
    "EndpointAutoScaling",
    "EndpointBase",
    "EndpointMetrics",
    "EndpointNetwork",
    "EndpointVariant",
    "EndpointVariantOptions",
    "InferenceComponentEndpoint",
    "InferenceComponentOptions",
    "ManagedInstanceScalingOptions",
    "ModelMonitor",
    "ModelMonitorOptions",
    "ModelSource",
    "Rollout",
    "RolloutOptions",
    "SecureEndpoint",
    "Serverless",
    "ServerlessOptions",
    "TrafficRouting",
    "endpoint_physical_name",
    "invocations_target",
    "new_alarm_topic",
]
