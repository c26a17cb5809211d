"""SageMaker Pipelines rules (SML-NET-22, SML-ENC-24): the steps of an inline pipeline definition run in
the VPC and encrypt their volumes and outputs, as the jobs they start would be required to on their own.

A definition is JSON (``PipelineDefinition.PipelineDefinitionBody``): ``Steps`` is a list of
``{"Name", "Type", "Arguments"}``, where ``Arguments`` is the request of the API the step calls
(CreateTrainingJob, CreateProcessingJob, ...); a Condition step nests steps in ``IfSteps``/``ElseSteps``
(https://aws-sagemaker-mlops.github.io/sagemaker-model-building-pipeline-definition-JSON-schema/).
A value computed when the pipeline runs (``{"Get": "Parameters.X"}``, ``{"Std:Join": ...}``) cannot be
judged from the template, nor can a definition kept in S3 (``PipelineDefinitionS3Location``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from ...core.instance_types import has_instance_storage
from ..intrinsics import Unresolved
from ..rule import MISSING, Violation, as_list, cannot_verify, fail, get, is_empty, rule
from ..template import Resource, Template
from ._types import PIPELINE

SCHEMA = "https://aws-sagemaker-mlops.github.io/sagemaker-model-building-pipeline-definition-JSON-schema/"

#: Step type -> paths (in the step's Arguments) that must name the VPC.
VPC_PATHS: dict[str, tuple[str, ...]] = {
    "Training": ("VpcConfig.Subnets", "VpcConfig.SecurityGroupIds"),
    "Processing": ("NetworkConfig.VpcConfig.Subnets", "NetworkConfig.VpcConfig.SecurityGroupIds"),
    "Tuning": ("TrainingJobDefinition.VpcConfig.Subnets", "TrainingJobDefinition.VpcConfig.SecurityGroupIds"),
    "Model": ("VpcConfig.Subnets", "VpcConfig.SecurityGroupIds"),
}
#: Step type -> the config holding VolumeKmsKeyId and InstanceType, and the output key paths (checked
#: when their parent config is present).
KEY_PATHS: dict[str, tuple[str | None, tuple[str, ...]]] = {
    "Training": ("ResourceConfig", ("OutputDataConfig.KmsKeyId",)),
    "Processing": ("ProcessingResources.ClusterConfig", ("ProcessingOutputConfig.KmsKeyId",)),
    "Tuning": ("TrainingJobDefinition.ResourceConfig", ("TrainingJobDefinition.OutputDataConfig.KmsKeyId",)),
    "Transform": ("TransformResources", ("TransformOutput.KmsKeyId",)),
}


def _runtime_value(value: Any) -> bool:
    """A pipeline expression resolved only when the pipeline runs (``Get``, ``Std:Join``, ...)."""
    return isinstance(value, dict) and any(k == "Get" or k.startswith("Std:") for k in value)


def pipeline_steps(resource: Resource) -> tuple[list[dict[str, Any]], str | None]:
    """The steps of the inline definition (Condition steps' nested steps included), or why they cannot
    be read."""
    definition = get(resource.properties, "PipelineDefinition")
    if isinstance(definition, Unresolved):
        return [], f"PipelineDefinition is {definition.expr}"
    if get(definition, "PipelineDefinitionS3Location") is not MISSING:
        return [], "the definition is in S3 (PipelineDefinitionS3Location)"
    body = get(definition, "PipelineDefinitionBody")
    if isinstance(body, Unresolved):
        # Fn::Sub/Fn::Join over a JSON text: the ${...} placeholders of the template's values sit inside
        # JSON strings, so the text still parses and each placeholder counts as a value that is set.
        if body.text is None:
            return [], f"PipelineDefinitionBody is {body.expr}"
        body = body.text
    try:
        document = json.loads(body) if isinstance(body, str) else body
    except ValueError as error:
        return [], f"PipelineDefinitionBody is not JSON ({error})"
    if not isinstance(document, dict):
        return [], "PipelineDefinitionBody is not a JSON object"
    steps: list[dict[str, Any]] = []
    pending = list(as_list(document.get("Steps")))
    while pending:
        step = pending.pop(0)
        if not isinstance(step, dict):
            continue
        steps.append(step)
        arguments = step.get("Arguments")
        if step.get("Type") == "Condition" and isinstance(arguments, dict):
            pending.extend(as_list(arguments.get("IfSteps")) + as_list(arguments.get("ElseSteps")))
    return steps, None


def _check(step: dict[str, Any], path: str) -> Violation | None:
    label = f"step {step.get('Name', '?')} ({step.get('Type')}) Arguments.{path}"
    value = get(step.get("Arguments"), path)
    if _runtime_value(value) or (isinstance(value, list) and any(_runtime_value(v) for v in value)):
        return cannot_verify(f"{label} is set when the pipeline runs")
    if is_empty(value):
        return fail(f"{label} is not set")
    return None


def _steps_or_unverified(resource: Resource) -> Iterator[dict[str, Any] | Violation]:
    steps, why = pipeline_steps(resource)
    if why:
        yield cannot_verify(f"{why}: its steps cannot be checked")
    yield from steps


@rule(
    "SML-NET-22", "error", "Pipeline steps run their jobs and models in the VPC",
    types=(PIPELINE,),
    rationale="""A pipeline step starts the same jobs as the API (training, processing, tuning, models):
    without a VpcConfig in the step's arguments they run outside your VPC, even where the SCPs and
    SML-NET rules keep direct calls inside it. Steps of a definition in S3, or set when the pipeline
    runs, cannot be checked.""",
    remediation="""Give Training and Model steps VpcConfig, Processing steps NetworkConfig.VpcConfig, and
    Tuning steps TrainingJobDefinition.VpcConfig (Subnets and SecurityGroupIds).""",
    references=(SCHEMA, "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sagemaker-pipeline.html"),
)  # fmt: skip
def pipeline_steps_in_vpc(resource: Resource, template: Template) -> Iterator[Violation]:
    for step in _steps_or_unverified(resource):
        if isinstance(step, Violation):
            yield step
            continue
        for path in VPC_PATHS.get(str(step.get("Type")), ()):
            if (found := _check(step, path)) is not None:
                yield found


@rule(
    "SML-ENC-24", "error", "Pipeline steps encrypt their volumes and outputs with customer-managed keys",
    types=(PIPELINE,),
    rationale="""Training, processing, tuning and transform steps write volumes and S3 outputs like the
    jobs they start; without VolumeKmsKeyId and the output KmsKeyId they use AWS-managed keys.
    Instance types with local NVMe storage refuse a volume key (core/instance_types.py).""",
    remediation="""Set the volume key (ResourceConfig.VolumeKmsKeyId, ClusterConfig.VolumeKmsKeyId,
    TransformResources.VolumeKmsKeyId) and the output key (OutputDataConfig.KmsKeyId,
    ProcessingOutputConfig.KmsKeyId, TransformOutput.KmsKeyId) in each step's arguments.""",
    references=(SCHEMA, "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ResourceConfig.html"),
)  # fmt: skip
def pipeline_steps_encrypted(resource: Resource, template: Template) -> Iterator[Violation]:
    for step in _steps_or_unverified(resource):
        if isinstance(step, Violation):
            yield step
            continue
        volume, outputs = KEY_PATHS.get(str(step.get("Type")), (None, ()))
        arguments = step.get("Arguments")
        instance_type = get(arguments, f"{volume}.InstanceType") if volume else None
        local = isinstance(instance_type, str) and has_instance_storage(instance_type)
        if volume and not local and (found := _check(step, f"{volume}.VolumeKmsKeyId")) is not None:
            yield found
        for path in outputs:
            if get(arguments, path.rsplit(".", 1)[0]) is not MISSING and (found := _check(step, path)):
                yield found
