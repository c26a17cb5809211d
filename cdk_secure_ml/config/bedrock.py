"""``bedrock``: private Amazon Bedrock for the platform's personas (docs/bedrock.md, ``PrivateBedrock``).

The personas it names may invoke the allow-listed models and inference profiles, only through the
platform VPC's ``bedrock-runtime`` endpoint; every invocation is logged to a KMS-encrypted log group; an
optional guardrail is required on every request.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator

from cdk_secure_ml.config._section import NestedProblems, Problem, Section
from cdk_secure_ml.config._types import Region, RetentionDays
from cdk_secure_ml.core.bedrock import (
    CONTENT_FILTER_TYPES,
    DEFAULT_CONTENT_FILTERS,
    ENDPOINT_SERVICE,
    FILTER_STRENGTHS,
    guardrail_model_problem,
    inference_profile_id_problem,
    model_id_problem,
)
from cdk_secure_ml.core.names import PERSONAS

__all__ = ["BedrockConfig", "BedrockGuardrailConfig", "BedrockInferenceProfileConfig",
           "BedrockInvocationLoggingConfig", "bedrock_platform_problems"]


class BedrockInferenceProfileConfig(Section):
    """A cross-Region (system-defined) inference profile and the Regions it routes to."""

    id: str = Field(description="The profile id, <geography>.<model id>, e.g. "
                                "us.anthropic.claude-3-5-sonnet-20240620-v1:0.")
    regions: list[Region] = Field(
        min_length=1, description="The profile's destination Regions (aws bedrock get-inference-profile): "
                                  "the grant names the model in each of them, as Bedrock requires.")

    @field_validator("id")
    @classmethod
    def _id(cls, profile_id: str) -> str:
        problem = inference_profile_id_problem(profile_id)
        if problem:
            raise ValueError(problem)
        return profile_id


class BedrockInvocationLoggingConfig(Section):
    """Model invocation logging: the account and Region's one configuration, set by the platform."""

    enabled: bool = Field(True, description="Set the account and Region's model invocation logging to the "
                                            "platform's log group (replaces an existing configuration; "
                                            "false leaves the account's own alone, docs/bedrock.md).")
    retention_days: RetentionDays = Field(365, description="Retention of the invocation log group, in days.")
    text_data: bool = Field(True, description="Log prompts and responses of text models.")
    image_data: bool = Field(False, description="Log images of prompts and responses.")
    embedding_data: bool = Field(False, description="Log embeddings of prompts and responses.")


class BedrockGuardrailConfig(Section):
    """A guardrail (``AWS::Bedrock::Guardrail``, encrypted with the data key) every invocation must name."""

    content_filters: dict[str, list[str]] = Field(
        default_factory=lambda: {k: list(v) for k, v in DEFAULT_CONTENT_FILTERS.items()},
        description="Filter type -> [input strength, output strength]; types SEXUAL, VIOLENCE, HATE, "
                    "INSULTS, MISCONDUCT, PROMPT_ATTACK; strengths NONE, LOW, MEDIUM, HIGH. Default: all "
                    "HIGH, PROMPT_ATTACK [HIGH, NONE].")
    blocked_input_message: str = Field(
        "This request is blocked by the platform's guardrail.", min_length=1, max_length=500,
        description="What a blocked prompt returns (1-500 characters).")
    blocked_output_message: str = Field(
        "This response is blocked by the platform's guardrail.", min_length=1, max_length=500,
        description="What a blocked response returns (1-500 characters).")

    @field_validator("content_filters")
    @classmethod
    def _filters(cls, filters: dict[str, list[str]]) -> dict[str, list[str]]:
        problems: list[Problem] = []
        for kind, strengths in filters.items():
            if kind not in CONTENT_FILTER_TYPES:
                problems.append(((kind,), f"unknown content filter type {kind!r}; use one of "
                                           f"{list(CONTENT_FILTER_TYPES)}"))
            elif len(strengths) != 2 or any(s not in FILTER_STRENGTHS for s in strengths):
                problems.append(((kind,), f"{kind}: {strengths!r} is not [input strength, output strength]; "
                                          f"each one of {list(FILTER_STRENGTHS)}, e.g. [HIGH, HIGH]"))
        if not filters:
            problems.append(((), "content_filters is empty; a guardrail without filters blocks nothing: "
                                 "leave the key out for the defaults"))
        if problems:
            raise NestedProblems(problems)
        return filters


class BedrockConfig(Section):
    """Private Bedrock: who may invoke which models, through the VPC endpoint, logged and guarded."""

    models: list[str] = Field(
        default_factory=list, description="Foundation model ids the personas may invoke in the platform's "
                                          "Region, e.g. anthropic.claude-3-5-sonnet-20240620-v1:0.")
    inference_profiles: list[BedrockInferenceProfileConfig] = Field(
        default_factory=list, description="Cross-Region inference profiles the personas may invoke.")
    personas: list[str] = Field(
        default_factory=lambda: ["data-scientist"],
        description="The Bedrock-enabled personas: their human role and (data-scientist, ml-engineer) "
                    "their teams' execution roles get the invoke grant.")
    require_vpc_endpoint: bool = Field(
        True, description="Grant only requests through the platform VPC (aws:SourceVpc): needs "
                          "bedrock-runtime in network.interface_endpoints.extra.")
    invocation_logging: BedrockInvocationLoggingConfig = Field(
        default_factory=BedrockInvocationLoggingConfig, description="Model invocation logging.")
    guardrail: BedrockGuardrailConfig | None = Field(
        None, description="A guardrail every invocation must name (bedrock:GuardrailIdentifier); none "
                          "by default.")

    @field_validator("models")
    @classmethod
    def _models(cls, models: list[str]) -> list[str]:
        problems: list[Problem] = [((index,), problem) for index, model in enumerate(models)
                                   if (problem := model_id_problem(model)) is not None]
        if problems:
            raise NestedProblems(problems)
        return models

    @field_validator("personas")
    @classmethod
    def _personas(cls, personas: list[str]) -> list[str]:
        unknown = [p for p in personas if p not in PERSONAS]
        if unknown:
            raise ValueError(f"unknown persona(s) {unknown}; use some of {list(PERSONAS)}")
        if not personas:
            raise ValueError("personas is empty: nobody could invoke a model; name at least one persona "
                             "(e.g. [data-scientist]) or remove the bedrock section")
        return personas

    rules = (
        lambda bedrock: [] if bedrock.models or bedrock.inference_profiles else [(("models",), (
            "bedrock lists no models and no inference_profiles: the personas could invoke nothing; add a "
            "model id (e.g. models: [anthropic.claude-3-5-sonnet-20240620-v1:0])"))],
        lambda bedrock: [] if bedrock.guardrail is None else [
            (("models", index), problem) for index, model in enumerate(bedrock.models)
            if (problem := guardrail_model_problem(model)) is not None] + [
            (("inference_profiles", index, "id"), problem)
            for index, profile in enumerate(bedrock.inference_profiles)
            if (problem := guardrail_model_problem(profile.id)) is not None],
    )


def bedrock_platform_problems(platform: Any) -> list[Problem]:
    """``bedrock`` against the rest of the platform: the bedrock-runtime endpoint exists in the platform VPC
    when requests must come through it, the hub layout is not used (its endpoints are in the hub VPC,
    whose id the spoke's grant cannot name), and each inference profile routes from the platform's Region
    (a profile serves only the Regions it includes,
    https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-use.html)."""
    bedrock = platform.bedrock
    if bedrock is None:
        return []
    problems: list[Problem] = []
    endpoints = platform.network.interface_endpoints
    if endpoints.mode == "hub":
        problems.append((("bedrock",), "bedrock is not supported in the hub layout yet "
                                       "(network.interface_endpoints.mode: hub); use mode: per-account"))
    elif bedrock.require_vpc_endpoint and ENDPOINT_SERVICE not in endpoints.services():
        problems.append((("network", "interface_endpoints", "extra"), (
            f"bedrock.require_vpc_endpoint needs the {ENDPOINT_SERVICE} interface endpoint: add "
            f"{ENDPOINT_SERVICE} to network.interface_endpoints.extra")))
    region = platform.region
    for index, profile in enumerate(bedrock.inference_profiles):
        if region not in profile.regions:
            problems.append((("bedrock", "inference_profiles", index, "regions"), (
                f"inference profile {profile.id} does not list the platform's region {region}; a profile "
                f"is invoked from one of its own Regions: add {region} or drop the profile")))
    return problems
