"""Amazon Bedrock facts and checks: model and inference profile ids, the ARNs a grant names, the invoke
actions, the guardrail content filters (docs/bedrock.md).

CDK-free: the config validators and the constructs call the same checks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = [
    "INVOKE_ACTIONS", "GUARDRAIL_ACTIONS", "CONTENT_FILTER_TYPES", "FILTER_STRENGTHS",
    "DEFAULT_CONTENT_FILTERS",
    "model_id_problem", "inference_profile_id_problem", "profile_model_id", "foundation_model_arn",
    "inference_profile_arn", "invoke_resource_arns", "LOGGING_SOURCE", "ENDPOINT_SERVICE",
]

#: The IAM actions that authorize model inference. Converse and ConverseStream have no action of their own:
#: AWS authorizes them with bedrock:InvokeModel and bedrock:InvokeModelWithResponseStream
#: (https://docs.aws.amazon.com/bedrock/latest/userguide/inference-prereq.html).
INVOKE_ACTIONS: tuple[str, ...] = ("bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream")

#: What a caller needs on the guardrail it names in an inference request
#: (https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-permissions-id.html).
GUARDRAIL_ACTIONS: tuple[str, ...] = ("bedrock:ApplyGuardrail",)

#: The interface endpoint service of inference calls (``com.amazonaws.<region>.bedrock-runtime``); the
#: control plane is ``bedrock``, which the personas do not call
#: (https://docs.aws.amazon.com/bedrock/latest/userguide/vpc-interface-endpoints.html).
ENDPOINT_SERVICE = "bedrock-runtime"

#: Where model invocation logging is documented: one configuration per account and Region, destinations
#: in the same account and Region, a role Bedrock assumes to write to CloudWatch Logs.
LOGGING_SOURCE = "https://docs.aws.amazon.com/bedrock/latest/userguide/model-invocation-logging.html"

#: Guardrail content filter types and strengths (AWS::Bedrock::Guardrail ContentFilterConfig,
#: https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-bedrock-guardrail-contentfilterconfig.html).
CONTENT_FILTER_TYPES: tuple[str, ...] = (
    "SEXUAL", "VIOLENCE", "HATE", "INSULTS", "MISCONDUCT", "PROMPT_ATTACK")
FILTER_STRENGTHS: tuple[str, ...] = ("NONE", "LOW", "MEDIUM", "HIGH")

#: The platform's default filters: every category at HIGH on prompts and responses, except prompt attacks,
#: which are a property of user prompts only
#: (https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-prompt-attack.html).
DEFAULT_CONTENT_FILTERS: dict[str, tuple[str, str]] = {
    **{t: ("HIGH", "HIGH") for t in CONTENT_FILTER_TYPES if t != "PROMPT_ATTACK"},
    "PROMPT_ATTACK": ("HIGH", "NONE"),
}

# <provider>.<model>[:<version>], e.g. anthropic.claude-3-5-sonnet-20240620-v1:0, amazon.titan-embed-text-v2:0
# (the model ids of https://docs.aws.amazon.com/bedrock/latest/userguide/models-supported.html).
_MODEL_ID_RE = re.compile(r"^[a-z][a-z0-9-]*\.[a-z0-9][a-z0-9._-]*(:[a-z0-9._-]+)*$")
# <geography>.<model id>, e.g. us.anthropic.claude-3-5-sonnet-20240620-v1:0, eu..., apac..., global...
_PROFILE_ID_RE = re.compile(r"^(?P<geo>[a-z][a-z-]{1,9})\.(?P<model>.+)$")
_MAX_ID = 200


def model_id_problem(model_id: str) -> str | None:
    """What is wrong with ``model_id`` as a foundation model id (``<provider>.<model>[:<version>]``),
    or None."""
    if not isinstance(model_id, str) or len(model_id) > _MAX_ID or not _MODEL_ID_RE.match(model_id):
        return (f"{model_id!r} is not a foundation model id; use the id Bedrock lists, "
                "<provider>.<model>[:<version>] in lower case, e.g. "
                "anthropic.claude-3-5-sonnet-20240620-v1:0 (aws bedrock list-foundation-models)")
    if model_id.startswith("arn:"):
        return f"{model_id!r} is an ARN; give the model id (the part after foundation-model/)"
    return None


#: Guardrails apply to text generation; Bedrock's list of the models guardrails support has no embedding
#: model (https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-supported.html).
GUARDRAILS_SUPPORTED_URL = "https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-supported.html"


def is_embedding_model(model_id: str) -> bool:
    """Whether ``model_id`` names an embedding or reranking model (``amazon.titan-embed-text-v2:0``,
    ``cohere.embed-english-v3``, ``amazon.nova-2-multimodal-embeddings-v1:0``, ``cohere.rerank-v3-5:0``):
    the providers name them ``embed`` or ``rerank``. A cross-Region profile id (``us.<model id>``) is judged
    by its model."""
    model = model_id.split(".", 1)[-1]
    if "." in model and model.split(".", 1)[0] in {"anthropic", "amazon", "cohere", "meta", "mistral",
                                                   "ai21", "deepseek", "writer", "stability", "twelvelabs"}:
        model = model.split(".", 1)[1]  # <geography>.<provider>.<model>
    return (model.startswith(("embed", "rerank", "titan-embed")) or "-embed" in model
            or "rerank" in model)


def guardrail_model_problem(model_id: str) -> str | None:
    """Why ``model_id`` cannot be allow-listed with a required guardrail, or None."""
    if not is_embedding_model(model_id):
        return None
    return (f"{model_id} is an embedding model, which Bedrock guardrails do not support "
            f"({GUARDRAILS_SUPPORTED_URL}); with a guardrail every invocation must name it, so this model "
            "could never be invoked: remove the model or the guardrail")


def inference_profile_id_problem(profile_id: str) -> str | None:
    """What is wrong with ``profile_id`` as a cross-Region inference profile id
    (``<geography>.<model id>``), or None."""
    match = _PROFILE_ID_RE.match(profile_id) if isinstance(profile_id, str) else None
    if match is None or model_id_problem(match["model"]) is not None:
        return (f"{profile_id!r} is not a cross-Region inference profile id; use <geography>.<model id>, "
                "e.g. us.anthropic.claude-3-5-sonnet-20240620-v1:0 (aws bedrock list-inference-profiles)")
    return None


def profile_model_id(profile_id: str) -> str:
    """The foundation model id an inference profile id routes to (``us.x.y:0`` -> ``x.y:0``)."""
    return profile_id.split(".", 1)[1]


def foundation_model_arn(partition: str, region: str, model_id: str) -> str:
    """A foundation model's ARN: AWS owns it, so it names no account."""
    return f"arn:{partition}:bedrock:{region}::foundation-model/{model_id}"


def inference_profile_arn(partition: str, region: str, account: str, profile_id: str) -> str:
    """A system-defined inference profile's ARN in the caller's account and source Region."""
    return f"arn:{partition}:bedrock:{region}:{account}:inference-profile/{profile_id}"


def invoke_resource_arns(
    *, partition: str, region: str, account: str, models: Sequence[str],
    profiles: Sequence[tuple[str, Sequence[str]]],
) -> list[str]:
    """Every ARN an invoke grant must name: each model in ``region``; each inference profile in ``region``
    and its model in each of the profile's destination Regions, which Bedrock authorizes too
    (https://docs.aws.amazon.com/bedrock/latest/userguide/geographic-cross-region-inference.html).

    :param profiles: (profile id, destination Regions) pairs.
    """
    arns = [foundation_model_arn(partition, region, m) for m in models]
    for profile_id, regions in profiles:
        arns.append(inference_profile_arn(partition, region, account, profile_id))
        model = profile_model_id(profile_id)
        arns += [foundation_model_arn(partition, r, model) for r in dict.fromkeys([region, *regions])]
    return list(dict.fromkeys(arns))
