"""Model hosting rules (SML-HOST-*): instance count, serverless, autoscaling, data capture."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..intrinsics import Unresolved, describe
from ..rule import (
    MISSING,
    Violation,
    cannot_verify,
    fail,
    get,
    refers_to,
    rule,
    text_of,
    truth,
    warn,
)
from ..template import Resource, Template
from ._types import ENDPOINT, ENDPOINT_CONFIG, is_serverless, production_variants

SCALABLE_TARGET = "AWS::ApplicationAutoScaling::ScalableTarget"
SCALING_POLICY = "AWS::ApplicationAutoScaling::ScalingPolicy"
VARIANT_DIMENSION = "sagemaker:variant:DesiredInstanceCount"


def _count(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@rule(
    "SML-HOST-1", "error", "Instance-based production variants run two instances or more",
    types=(ENDPOINT_CONFIG,),
    rationale="SageMaker spreads instances across AZs; a single instance is a single point of failure.",
    remediation="""Set InitialInstanceCount >= 2 on every production variant (and autoscaling MinCapacity
    >= 2).""",
)  # fmt: skip
def variant_instance_count(resource: Resource, template: Template) -> Iterator[Violation]:
    variants = production_variants(resource)
    if isinstance(variants, Unresolved):
        yield cannot_verify(f"ProductionVariants is {variants.expr}")
        return
    for index, variant in enumerate(variants):
        if isinstance(variant, Unresolved):
            yield cannot_verify(f"ProductionVariants[{index}] is {variant.expr}")
            continue
        if is_serverless(variant):
            continue
        name = get(variant, "VariantName")
        label = f"variant {name}" if isinstance(name, str) else f"ProductionVariants[{index}]"
        value = get(variant, "InitialInstanceCount")
        count = _count(value)
        if value is MISSING:
            yield fail(f"{label} has no InitialInstanceCount")
        elif count is None:
            yield cannot_verify(f"{label} InitialInstanceCount is {describe(value)}")
        elif count < 2:
            yield fail(f"{label} InitialInstanceCount is {count}; production needs 2 or more")


@rule(
    "SML-HOST-2", "error", "No serverless production variants",
    types=(ENDPOINT_CONFIG,),
    rationale="""Serverless inference cannot attach to your VPC and takes no volume KMS key, so it escapes
    the network-isolation and encryption controls of the platform.""",
    remediation="""Use instance-based variants, or acknowledge this rule for a non-sensitive model with
    the reason.""",
)  # fmt: skip
def no_serverless(resource: Resource, template: Template) -> Iterator[Violation]:
    variants = production_variants(resource)
    if isinstance(variants, Unresolved):
        return  # reported by SML-HOST-1
    for index, variant in enumerate(variants):
        if is_serverless(variant):
            name = get(variant, "VariantName")
            yield fail(
                f"variant {name if isinstance(name, str) else index} is serverless (no VPC, no volume key)"
            )


def _endpoint_names(endpoint: Resource) -> set[str]:
    name = endpoint.properties.get("EndpointName")
    return {name} if isinstance(name, str) else set()


def _targets_endpoint(target: Resource, endpoint: Resource) -> bool:
    resource_id = target.properties.get("ResourceId")
    if refers_to(resource_id, endpoint.logical_id):
        return True
    text = text_of(resource_id) or ""
    return any(f"endpoint/{name}/" in text for name in _endpoint_names(endpoint))


@rule(
    "SML-HOST-3", "error", "Endpoints autoscale",
    types=(ENDPOINT,),
    rationale="""Without Application Auto Scaling an endpoint cannot follow load: throttling at peaks,
    cost at night.""",
    remediation="""Add a ScalableTarget (ServiceNamespace sagemaker, ScalableDimension
    sagemaker:variant:DesiredInstanceCount, ResourceId endpoint/<name>/variant/<variant>) and a
    target-tracking ScalingPolicy on SageMakerVariantInvocationsPerInstance (SecureEndpoint does this).""",
)  # fmt: skip
def endpoint_autoscaling(resource: Resource, template: Template) -> Iterator[Violation]:
    targets = [
        t for t in template.of_type(SCALABLE_TARGET)
        if t.properties.get("ServiceNamespace") == "sagemaker" and _targets_endpoint(t, resource)
    ]  # fmt: skip
    if not targets:
        yield fail("no sagemaker ScalableTarget in this template refers to this endpoint")
        return
    for policy in template.of_type(SCALING_POLICY):
        props = policy.properties
        if any(refers_to(props.get("ScalingTargetId"), t.logical_id) for t in targets) or (
            props.get("ServiceNamespace") == "sagemaker" and _targets_endpoint(policy, resource)
        ):
            return
    yield fail("the endpoint's ScalableTarget has no ScalingPolicy")


@rule(
    "SML-HOST-4", "warning", "Endpoint configs capture inference data",
    types=(ENDPOINT_CONFIG,),
    rationale="""InvokeEndpoint is not in CloudTrail management events; data capture is the inference
    audit trail and Model Monitor's input.""",
    remediation="""Set DataCaptureConfig (EnableCapture true, a sampling percentage, KmsKeyId, an S3
    destination).""",
)  # fmt: skip
def data_capture(resource: Resource, template: Template) -> Iterator[Violation]:
    capture = get(resource.properties, "DataCaptureConfig")
    if capture is MISSING:
        yield warn("DataCaptureConfig is not set")
        return
    if isinstance(capture, Unresolved):
        yield cannot_verify(f"DataCaptureConfig is {capture.expr}")
        return
    enabled = get(capture, "EnableCapture")
    if enabled is not MISSING and truth(enabled) is None:
        yield cannot_verify(f"DataCaptureConfig.EnableCapture is {describe(enabled)}")
    elif truth(enabled) is False:
        yield warn("DataCaptureConfig.EnableCapture is false")


@rule(
    "SML-HOST-5", "error", "Endpoint autoscaling keeps two instances or more",
    types=(SCALABLE_TARGET,),
    rationale="A MinCapacity of 1 lets autoscaling undo the two-instance (two-AZ) minimum of SML-HOST-1.",
    remediation="Set MinCapacity >= 2 on sagemaker variant scalable targets.",
)  # fmt: skip
def autoscaling_minimum(resource: Resource, template: Template) -> Iterator[Violation]:
    props = resource.properties
    namespace, dimension = props.get("ServiceNamespace"), props.get("ScalableDimension")
    if namespace != "sagemaker" or dimension != VARIANT_DIMENSION:
        if isinstance(namespace, Unresolved) or (
            namespace == "sagemaker" and isinstance(dimension, Unresolved)
        ):
            yield cannot_verify("ServiceNamespace/ScalableDimension are not resolvable")
        return
    value = props.get("MinCapacity")
    count = _count(value)
    if count is None:
        yield cannot_verify(f"MinCapacity is {describe(value)}")
    elif count < 2:
        yield fail(f"MinCapacity is {count}; production endpoints keep 2 or more instances")
