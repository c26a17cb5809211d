"""Resource types more than one rule module reads, and small accessors for their shapes.

Rule modules import these from here, never from each other, so each area stays independent.
"""

from __future__ import annotations

from typing import Any

from ..intrinsics import Unresolved
from ..rule import MISSING, as_list, get, text_of
from ..template import Resource, Template

SAGEMAKER_PREFIX = "AWS::SageMaker::"
DOMAIN = "AWS::SageMaker::Domain"
NOTEBOOK = "AWS::SageMaker::NotebookInstance"
MODEL = "AWS::SageMaker::Model"
ENDPOINT_CONFIG = "AWS::SageMaker::EndpointConfig"
ENDPOINT = "AWS::SageMaker::Endpoint"
#: Monitoring job definitions and the key of their output config.
JOB_DEFINITIONS = {
    "AWS::SageMaker::DataQualityJobDefinition": "DataQualityJobOutputConfig",
    "AWS::SageMaker::ModelQualityJobDefinition": "ModelQualityJobOutputConfig",
    "AWS::SageMaker::ModelBiasJobDefinition": "ModelBiasJobOutputConfig",
    "AWS::SageMaker::ModelExplainabilityJobDefinition": "ModelExplainabilityJobOutputConfig",
}
SCHEDULE = "AWS::SageMaker::MonitoringSchedule"
JOB_TYPES = (*JOB_DEFINITIONS, SCHEDULE)
#: The newer SageMaker shapes (issue 14 kind 5): Studio spaces, managed MLflow, HyperPod, Feature Store,
#: model cards, pipelines, inference components.
SPACE = "AWS::SageMaker::Space"
MLFLOW = "AWS::SageMaker::MlflowTrackingServer"
CLUSTER = "AWS::SageMaker::Cluster"
FEATURE_GROUP = "AWS::SageMaker::FeatureGroup"
MODEL_CARD = "AWS::SageMaker::ModelCard"
PIPELINE = "AWS::SageMaker::Pipeline"
INFERENCE_COMPONENT = "AWS::SageMaker::InferenceComponent"
IMAGE_VERSION = "AWS::SageMaker::ImageVersion"


def job_definition(resource: Resource) -> dict[str, Any] | Unresolved | None:
    """The job definition body of a monitoring job definition, or the inline definition of a
    schedule. None for a schedule that names a separate job definition (checked on its own)."""
    if resource.type != SCHEDULE:
        return resource.properties
    inline = get(resource.properties, "MonitoringScheduleConfig.MonitoringJobDefinition")
    if inline is MISSING:
        return None
    return inline


def production_variants(resource: Resource) -> list[Any] | Unresolved:
    """``ProductionVariants`` of an endpoint config, as a list (or the unresolvable value)."""
    variants = get(resource.properties, "ProductionVariants")
    return variants if isinstance(variants, Unresolved) else as_list(variants)


def hosts_inference_components(resource: Resource) -> bool:
    """An endpoint config whose production variants name no model: its models come as
    ``AWS::SageMaker::InferenceComponent`` resources, and the config itself carries the endpoint's
    ``VpcConfig``, ``EnableNetworkIsolation`` and ``ExecutionRoleArn`` (CreateEndpointConfig:
    https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateEndpointConfig.html)."""
    if resource.type != ENDPOINT_CONFIG:
        return False
    variants = production_variants(resource)
    return (
        isinstance(variants, list)
        and bool(variants)
        and all(isinstance(v, dict) and "ModelName" not in v and not is_serverless(v) for v in variants)
    )


def inference_component_config(resource: Resource) -> bool | None:
    """:func:`hosts_inference_components`, but None when the variants cannot be read (ProductionVariants
    or one of its entries is unresolvable): the rules that key on the shape then cannot verify, never
    pass silently."""
    if resource.type != ENDPOINT_CONFIG:
        return False
    variants = production_variants(resource)
    if isinstance(variants, Unresolved) or any(isinstance(v, Unresolved) for v in variants):
        return None
    return hosts_inference_components(resource)


def is_serverless(variant: Any) -> bool:
    """A production variant with ``ServerlessConfig`` (no instances, no VPC, no volume key)."""
    return isinstance(variant, dict) and "ServerlessConfig" in variant


def is_ml_template(template: Template) -> bool:
    """A template that hosts SageMaker resources, or the network built for them (a VPC endpoint
    to a SageMaker service)."""
    if "is_ml" not in template.cache:
        ml = any(t.startswith(SAGEMAKER_PREFIX) for t in template.by_type)
        if not ml:
            for endpoint in template.of_type("AWS::EC2::VPCEndpoint"):
                name = text_of(endpoint.properties.get("ServiceName")) or ""
                if "sagemaker" in name.lower():
                    ml = True
                    break
        template.cache["is_ml"] = ml
    return template.cache["is_ml"]
