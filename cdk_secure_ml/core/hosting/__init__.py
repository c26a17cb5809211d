"""CDK-free hosting vocabulary: a SageMaker endpoint's option types, names and checks.

- :mod:`.problem`: the ``(path, message)`` shape of every check's result.
- :mod:`.values`: the checks of one value each (a weight, a schedule expression, a prefix), which the
  config runs as each key's validator.
- :mod:`.checks`: the checks that compare values (min and max capacity, instance counts in production,
  features that exclude each other) and each option's checks together; the config validators and the
  hosting constructs both call them.
- :mod:`.options`: the option types without AWS resources (variants, autoscaling, alarms, rollout,
  serverless, and the plain settings of data capture, Model Monitor and async inference), durations in
  seconds.
- :mod:`.model_source`: :class:`ModelSource`, an image + model data or a model package version.
- :mod:`.naming`: the endpoint's physical name and SageMaker's name limits.
- :mod:`.endpoint`: every check of one endpoint together (:func:`endpoint_problems`).

Nothing here imports aws_cdk or jsii (``tests/core/test_hosting_checks.py`` checks it).
"""

from cdk_secure_ml.core.hosting.endpoint import EndpointFeatures, endpoint_problems
from cdk_secure_ml.core.hosting.model_source import ModelSource
from cdk_secure_ml.core.hosting.naming import (
    MAX_ENDPOINT_NAME,
    MONITORING_SCHEDULE_SUFFIX,
    SAGEMAKER_NAME_MAX,
    endpoint_physical_name,
)
from cdk_secure_ml.core.hosting.options import (
    DEFAULT_INSTANCE_TYPE,
    DEFAULT_INVOCATIONS_TARGET,
    AlarmOptions,
    AsyncInferenceSettings,
    AutoScalingOptions,
    DataCaptureSettings,
    EndpointVariantOptions,
    ModelMonitorSettings,
    RolloutOptions,
    Seconds,
    ServerlessOptions,
    TrafficRouting,
    invocations_target,
    seconds,
)
from cdk_secure_ml.core.problems import Path, Problem, is_unresolved, nested

__all__ = [
    "DEFAULT_INSTANCE_TYPE",
    "DEFAULT_INVOCATIONS_TARGET",
    "MAX_ENDPOINT_NAME",
    "MONITORING_SCHEDULE_SUFFIX",
    "SAGEMAKER_NAME_MAX",
    "AlarmOptions",
    "AsyncInferenceSettings",
    "AutoScalingOptions",
    "DataCaptureSettings",
    "EndpointFeatures",
    "EndpointVariantOptions",
    "ModelMonitorSettings",
    "ModelSource",
    "Path",
    "Problem",
    "RolloutOptions",
    "Seconds",
    "ServerlessOptions",
    "TrafficRouting",
    "endpoint_physical_name",
    "endpoint_problems",
    "invocations_target",
    "is_unresolved",
    "nested",
    "seconds",
]
