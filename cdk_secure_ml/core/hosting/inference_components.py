"""Inference components: the plain option types of an endpoint built on them, and every check of them.

CDK-free (nothing here imports aws_cdk or jsii), so the construct
(:mod:`cdk_secure_ml.constructs.hosting.inference_components`) and a config can run the same checks. Each
check returns ``(path, message)`` pairs, the message naming the value, the key and the fix.

What AWS states, and these checks rely on:

- an inference component's name, like every SageMaker name, is 1-63 letters, digits and hyphens
  (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateInferenceComponent.html);
- ``NumberOfCpuCoresRequired`` is at least 0.25 and ``MinMemoryRequiredInMb`` at least 128
  (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_InferenceComponentComputeResourceRequirements.html);
- a rolling update's batch is 5 % to 50 % of the component's copies
  (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_InferenceComponentRollingUpdatePolicy.html),
  its baking period 0-3600 s;
- managed instance scaling: ``MinInstanceCount`` >= 0, ``MaxInstanceCount`` >= 1
  (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProductionVariantManagedInstanceScaling.html).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from cdk_secure_ml.core.hosting.model_source import ModelSource
from cdk_secure_ml.core.hosting.naming import endpoint_physical_name
from cdk_secure_ml.core.instance_vcpus import vcpus
from cdk_secure_ml.core.names import INSTANCE_TYPE_RE, SAGEMAKER_NAME_RE
from cdk_secure_ml.core.problems import Problem

#: SageMaker's routing strategies of a variant (``RoutingConfig.RoutingStrategy``) that apply to any model
#: (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProductionVariantRoutingConfig.html).
ROUTING_STRATEGIES = ("LEAST_OUTSTANDING_REQUESTS", "RANDOM")
#: The smallest CPU share and memory a copy may reserve (API_InferenceComponentComputeResourceRequirements).
MIN_CPU_CORES = 0.25
MIN_MEMORY_MB = 128
#: Names are ``<physical endpoint name>-<component name>``, at most 63 characters.
MAX_COMPONENT_NAME = 63


@dataclass(frozen=True)
class InferenceComponentOptions:
    """One model on an inference-component endpoint.

    :param name: letters, digits, hyphens; the component is named ``<physical endpoint name>-<name>``
        (at most 63 characters) and a client invokes it with ``InferenceComponentName`` of that name.
    :param source: its :class:`ModelSource` (image + model data, image URI, or model package).
    :param copies: ``RuntimeConfig.CopyCount``, the copies deployed (and autoscaling's starting point).
        Default 1; production needs 2 (one per instance of the two-AZ minimum).
    :param cpu_cores: ``NumberOfCpuCoresRequired`` per copy (>= 0.25). Default 1.
    :param memory_mb: ``MinMemoryRequiredInMb`` per copy (>= 128). Default 1024.
    :param accelerators: ``NumberOfAcceleratorDevicesRequired`` per copy (GPU/Inferentia instances); None
        leaves it out.
    :param min_copies: autoscaling's minimum copies. Default ``copies``.
    :param max_copies: autoscaling's maximum copies. Default ``2 * copies``; equal to ``min_copies`` turns
        copy autoscaling off.
    :param invocations_per_copy: target of ``SageMakerInferenceComponentInvocationsPerCopy`` (invocations
        per copy per minute). Default 70.
    :param environment: the model container's environment variables.
    """

    name: str
    source: ModelSource
    copies: int = 1
    cpu_cores: float = 1.0
    memory_mb: int = 1024
    accelerators: int | None = None
    min_copies: int | None = None
    max_copies: int | None = None
    invocations_per_copy: float = 70.0
    environment: Mapping[str, str] = field(default_factory=dict)

    @property
    def scaling_range(self) -> tuple[int, int]:
        """``(min_copies, max_copies)`` with their defaults."""
        low = self.copies if self.min_copies is None else self.min_copies
        high = max(2 * self.copies, low) if self.max_copies is None else self.max_copies
        return low, high

    def problems(self) -> list[Problem]:
        """Every problem of this component alone (paths relative to it)."""
        problems: list[Problem] = []
        if not SAGEMAKER_NAME_RE.match(self.name):
            problems.append(
                (
                    (("name",)),
                    f"name {self.name!r} is not a SageMaker name; use 1-63 letters, "
                    "digits and hyphens, starting with a letter or digit",
                )
            )
        if not isinstance(self.source, ModelSource):
            problems.append(
                (
                    ("source",),
                    f"source {self.source!r} is not a ModelSource; give "
                    "ModelSource.from_image(image, model_data) or another ModelSource",
                )
            )
        if self.copies < 1:
            problems.append((("copies",), f"copies {self.copies} must be at least 1"))
        if self.cpu_cores < MIN_CPU_CORES:
            problems.append(
                (
                    ("cpu_cores",),
                    f"cpu_cores {self.cpu_cores:g} is below SageMaker's minimum "
                    f"{MIN_CPU_CORES:g}; reserve at least {MIN_CPU_CORES:g} core",
                )
            )
        if self.memory_mb < MIN_MEMORY_MB:
            problems.append(
                (
                    ("memory_mb",),
                    f"memory_mb {self.memory_mb} is below SageMaker's minimum "
                    f"{MIN_MEMORY_MB}; reserve at least {MIN_MEMORY_MB} MB",
                )
            )
        if self.accelerators is not None and self.accelerators < 1:
            problems.append(
                (
                    ("accelerators",),
                    f"accelerators {self.accelerators} must be at least 1, or "
                    "left out (None) for a CPU model",
                )
            )
        low, high = self.scaling_range
        if low < 1:
            problems.append(
                (
                    ("min_copies",),
                    f"min_copies {low} must be at least 1 (a component with no copy cannot serve)",
                )
            )
        if low > high:
            problems.append((("max_copies",), f"max_copies {high} < min_copies {low}; make max >= min"))
        elif not low <= self.copies <= high:
            problems.append(
                (
                    ("copies",),
                    f"copies {self.copies} is outside min_copies..max_copies "
                    f"({low}..{high}); start within the scaling range",
                )
            )
        if self.invocations_per_copy <= 0:
            problems.append(
                (
                    ("invocations_per_copy",),
                    f"invocations_per_copy {self.invocations_per_copy:g} "
                    "must be positive (invocations per copy per minute)",
                )
            )
        return problems


@dataclass(frozen=True)
class ManagedInstanceScalingOptions:
    """The instances of an inference-component endpoint (``ManagedInstanceScaling`` of its variant):
    SageMaker adds instances when copies do not fit and removes idle ones, within the range.

    :param min_instances: ``MinInstanceCount``. Default 2 (two AZs); 1 only with ``allow_single_instance``.
    :param max_instances: ``MaxInstanceCount``. Default 4.
    """

    min_instances: int = 2
    max_instances: int = 4

    def problems(self) -> list[Problem]:
        problems: list[Problem] = []
        if self.min_instances < 1:
            problems.append(
                (
                    ("min_instances",),
                    f"min_instances {self.min_instances} must be at least 1 "
                    "(components need an instance to run on)",
                )
            )
        if self.max_instances < self.min_instances:
            problems.append(
                (
                    ("max_instances",),
                    f"max_instances {self.max_instances} < min_instances "
                    f"{self.min_instances}; make max >= min",
                )
            )
        return problems


def inference_component_endpoint_problems(
    *,
    endpoint_name: str,
    components: Sequence[InferenceComponentOptions],
    instance_type: str,
    scaling: ManagedInstanceScalingOptions,
    routing_strategy: str,
    rollout_batch_percent: int,
    rollout_wait: float,
    production: bool,
    allow_single_instance: bool,
) -> list[Problem]:
    """Every problem of an inference-component endpoint, paths as the construct's keyword arguments
    (``components``, index, key).

    Beyond each component's :meth:`InferenceComponentOptions.problems`: at least one component, unique
    names, ``<physical endpoint name>-<name>`` within 63 characters, a known instance type, the CPU cores all
    components' copies reserve (at their maximum) within the instances' vCPUs at ``max_instances``, the
    two-instance production minimum, a known routing strategy, and the rolling-update batch (5-50 %) and
    baking period (0-3600 s).
    """
    problems: list[Problem] = []
    if not components:
        problems.append(
            (
                ("components",),
                "components is empty; give at least one InferenceComponentOptions(name=..., source=...)",
            )
        )
    seen: set[str] = set()
    for index, component in enumerate(components):
        problems += [(("components", index, *path), message) for path, message in component.problems()]
        if component.name in seen:
            problems.append(
                (
                    ("components", index, "name"),
                    f"name {component.name!r} is used twice; give each component its own name",
                )
            )
        seen.add(component.name)
        full = f"{endpoint_physical_name(endpoint_name, [('AllTraffic', instance_type)])}-{component.name}"
        if len(full) > MAX_COMPONENT_NAME:
            problems.append(
                (
                    ("components", index, "name"),
                    f"name {component.name!r} makes the component "
                    f"name {full!r} {len(full)} characters long; SageMaker allows "
                    f"{MAX_COMPONENT_NAME}: shorten the endpoint or component name",
                )
            )
    problems += [((("scaling", *path)), message) for path, message in scaling.problems()]
    if not INSTANCE_TYPE_RE.match(instance_type):
        problems.append(
            (
                ("instance_type",),
                f"instance_type {instance_type!r} is not a SageMaker instance "
                "type; use an ml.* type such as ml.m5.xlarge",
            )
        )
    else:
        problems += _capacity_problems(components, instance_type, scaling)
    if production and scaling.min_instances < 2:
        problems.append(
            (
                ("scaling", "min_instances"),
                f"min_instances {scaling.min_instances}: a "
                "production endpoint runs 2 instances or more (two AZs); set min_instances=2",
            )
        )
    elif scaling.min_instances < 2 and not allow_single_instance:
        problems.append(
            (
                ("scaling", "min_instances"),
                f"min_instances {scaling.min_instances} needs "
                "allow_single_instance=True (a non-production endpoint on one instance)",
            )
        )
    if routing_strategy not in ROUTING_STRATEGIES:
        problems.append(
            (
                ("routing_strategy",),
                f"routing_strategy {routing_strategy!r} is not one of {', '.join(ROUTING_STRATEGIES)}",
            )
        )
    if not 5 <= rollout_batch_percent <= 50:
        problems.append(
            (
                ("rollout_batch_percent",),
                f"rollout_batch_percent {rollout_batch_percent} is "
                "outside 5-50; SageMaker's rolling update takes 5 to 50 % of the copies per step",
            )
        )
    if not 0 <= rollout_wait <= 3600:
        problems.append((("rollout_wait",), f"rollout_wait {rollout_wait:g} is outside 0-3600 seconds"))
    return problems


def _capacity_problems(
    components: Sequence[InferenceComponentOptions],
    instance_type: str,
    scaling: ManagedInstanceScalingOptions,
) -> list[Problem]:
    """SageMaker places each copy on an instance with the cores it reserves free; copies beyond what
    ``max_instances`` instances hold never start. Only CPU cores are compared (memory per type is not
    tabled here)."""
    try:
        cores = vcpus(instance_type)
    except ValueError:
        return []  # an unknown size: nothing to compare
    problems: list[Problem] = []
    for index, component in enumerate(components):
        if component.cpu_cores > cores:
            problems.append(
                (
                    ("components", index, "cpu_cores"),
                    f"cpu_cores {component.cpu_cores:g} is more "
                    f"than one {instance_type} has ({cores} vCPUs): a copy never fits; reserve less "
                    "or choose a larger instance_type",
                )
            )
    needed = sum(c.cpu_cores * c.scaling_range[1] for c in components)
    available = cores * scaling.max_instances
    if needed > available:
        problems.append(
            (
                ("scaling", "max_instances"),
                f"the components' copies at max_copies reserve "
                f"{needed:g} CPU cores, but {scaling.max_instances} x {instance_type} have "
                f"{available}: raise max_instances, or lower max_copies or cpu_cores",
            )
        )
    return problems
