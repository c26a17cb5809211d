"""Hosting rules for the newer SageMaker shapes (SML-HOST-6, SML-HOST-7): inference components and the
production variants' SSM access (issue 14 kind 5)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..intrinsics import Unresolved, describe
from ..rule import MISSING, Violation, as_list, cannot_verify, fail, get, refers_to, rule, truth
from ..template import Resource, Template
from ._types import ENDPOINT, ENDPOINT_CONFIG, INFERENCE_COMPONENT, inference_component_config

CREATE_ENDPOINT_CONFIG = "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateEndpointConfig.html"


def _named(value: Any, candidates: list[Resource], name_key: str) -> Resource | None:
    """The resource of ``candidates`` that ``value`` refers to (``Ref``/``Fn::GetAtt``), or whose literal
    ``name_key`` property equals ``value``."""
    for candidate in candidates:
        if refers_to(value, candidate.logical_id):
            return candidate
        if isinstance(value, str) and candidate.properties.get(name_key) == value:
            return candidate
    return None


def hosting_config(component: Resource, template: Template) -> tuple[Resource | None, str]:
    """The endpoint config an inference component is placed on, through its endpoint, or None and why
    not (both must be in the template)."""
    name = get(component.properties, "EndpointName")
    endpoint = _named(name, template.of_type(ENDPOINT), "EndpointName")
    if endpoint is None:
        return None, f"EndpointName {describe(name)} is not an endpoint of this template"
    config_name = get(endpoint.properties, "EndpointConfigName")
    config = _named(config_name, template.of_type(ENDPOINT_CONFIG), "EndpointConfigName")
    if config is None:
        where = f"endpoint {endpoint.logical_id} uses {describe(config_name)}"
        return None, f"{where}, not a config of this template"
    return config, ""


@rule(
    "SML-HOST-6", "error", "Inference components run on an endpoint config in the VPC, network-isolated",
    types=(INFERENCE_COMPONENT,),
    rationale="""An inference component has no network settings of its own: it runs on the instances of
    its endpoint, whose endpoint config (variants without ModelName) carries VpcConfig and
    EnableNetworkIsolation. A component placed on a config without them runs outside your VPC and can
    call out.""",
    remediation="""Set VpcConfig (Subnets, SecurityGroupIds) and EnableNetworkIsolation: true on the
    endpoint config of the component's endpoint, in the same template (SecureEndpoint's
    inference-component option does this).""",
    references=(
        CREATE_ENDPOINT_CONFIG,
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sagemaker-inferencecomponent.html",
    ),
)  # fmt: skip
def component_host(resource: Resource, template: Template) -> Iterator[Violation]:
    config, why = hosting_config(resource, template)
    if config is None:
        yield cannot_verify(f"{why}: the VpcConfig and isolation it runs with cannot be checked")
        return
    shape = inference_component_config(config)
    if shape is None:
        yield cannot_verify(f"the ProductionVariants of {config.logical_id} are not resolvable")
        return
    if not shape:
        return  # a config whose variants name models: SML-NET-5/7 judge the models
    where = f"runs on {config.logical_id}"
    if get(config.properties, "VpcConfig") is MISSING:
        yield fail(f"{where}, which has no VpcConfig: the component's containers run outside your VPC")
    isolation = get(config.properties, "EnableNetworkIsolation")
    if isolation is MISSING:
        yield fail(f"{where}, which does not set EnableNetworkIsolation (default false)")
    elif truth(isolation) is None:
        yield cannot_verify(f"EnableNetworkIsolation of {config.logical_id} is {describe(isolation)}")
    elif not truth(isolation):
        yield fail(f"{where}, whose EnableNetworkIsolation is {describe(isolation)}")


@rule(
    "SML-HOST-7", "error", "Production variants do not open SSM sessions into model containers",
    types=(ENDPOINT_CONFIG,),
    rationale="""EnableSSMAccess turns on AWS Systems Manager access to the containers of a production
    variant (off by default): an interactive way into the model, its artifacts and the inference data,
    outside the endpoint's API and its audit trail. Debug in a non-production account.""",
    remediation="""Remove EnableSSMAccess (or set it false) on every production and shadow variant;
    acknowledge this rule only for a time-boxed investigation, with the reason.""",
    references=("https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProductionVariant.html",),
)  # fmt: skip
def no_ssm_access(resource: Resource, template: Template) -> Iterator[Violation]:
    for key in ("ProductionVariants", "ShadowProductionVariants"):
        variants = get(resource.properties, key)
        if isinstance(variants, Unresolved):
            yield cannot_verify(f"{key} is {variants.expr}")
            continue
        for index, variant in enumerate(as_list(variants)):
            if isinstance(variant, Unresolved):
                yield cannot_verify(f"{key}[{index}] is {variant.expr}")
                continue
            value = get(variant, "EnableSSMAccess")
            if value is MISSING:
                continue
            name = get(variant, "VariantName")
            label = f"{key}[{index}]" + (f" ({name})" if isinstance(name, str) else "")
            verdict = truth(value)
            if verdict is None:
                yield cannot_verify(f"{label} EnableSSMAccess is {describe(value)}")
            elif verdict:
                yield fail(f"{label} sets EnableSSMAccess: SSM sessions reach the model container")
