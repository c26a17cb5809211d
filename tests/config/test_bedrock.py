"""Config: the bedrock section (docs/bedrock.md): defaults, options and every error path."""

from __future__ import annotations

import textwrap

import pytest

from cdk_secure_ml.config import ConfigError, parse_config
from cdk_secure_ml.core.bedrock import (
    DEFAULT_CONTENT_FILTERS,
    foundation_model_arn,
    inference_profile_id_problem,
    invoke_resource_arns,
    model_id_problem,
    profile_model_id,
)

BASE = ("name: ml-dev\nregion: us-east-1\n"
        "network: {interface_endpoints: {extra: [bedrock-runtime]}}\n")
MODEL = "anthropic.claude-3-5-sonnet-20240620-v1:0"
PROFILE = "us." + MODEL


def _parse(text: str, base: str = BASE):
    return parse_config(base + textwrap.dedent(text))


def _problems(text: str, base: str = BASE) -> dict[str, list[str]]:
    with pytest.raises(ConfigError) as info:
        _parse(text, base)
    found: dict[str, list[str]] = {}
    for problem in info.value.problems:
        found.setdefault(problem.path, []).append(problem.message)
    return found


def test_no_section_no_bedrock():
    assert parse_config("name: ml-dev\nregion: us-east-1\n").bedrock is None


def test_defaults():
    bedrock = _parse(f"bedrock: {{models: [{MODEL}]}}\n").bedrock
    assert bedrock is not None
    assert bedrock.personas == ["data-scientist"]
    assert bedrock.require_vpc_endpoint is True
    assert bedrock.inference_profiles == []
    assert bedrock.guardrail is None
    logging = bedrock.invocation_logging
    assert (logging.enabled, logging.retention_days, logging.text_data, logging.image_data,
            logging.embedding_data) == (True, 365, True, False, False)


def test_options():
    bedrock = _parse(f"""\
        bedrock:
          models: [{MODEL}, meta.llama3-8b-instruct-v1:0]
          inference_profiles: [{{id: {PROFILE}, regions: [us-east-1, us-west-2]}}]
          personas: [data-scientist, ml-engineer, model-consumer]
          invocation_logging: {{enabled: false, retention_days: 731, image_data: true, embedding_data: true}}
          guardrail:
            content_filters: {{HATE: [MEDIUM, LOW]}}
            blocked_input_message: stop
            blocked_output_message: nope
        """).bedrock
    assert bedrock.inference_profiles[0].regions == ["us-east-1", "us-west-2"]
    assert bedrock.personas == ["data-scientist", "ml-engineer", "model-consumer"]
    assert bedrock.invocation_logging.enabled is False and bedrock.invocation_logging.retention_days == 731
    assert bedrock.guardrail.content_filters == {"HATE": ["MEDIUM", "LOW"]}
    assert bedrock.guardrail.blocked_input_message == "stop"


def test_guardrail_defaults_filter_every_category():
    guardrail = _parse(f"bedrock: {{models: [{MODEL}], guardrail: {{}}}}\n").bedrock.guardrail
    assert guardrail.content_filters == {k: list(v) for k, v in DEFAULT_CONTENT_FILTERS.items()}
    assert guardrail.content_filters["PROMPT_ATTACK"] == ["HIGH", "NONE"]


def test_bad_model_ids_are_named_at_their_item():
    arn = "'arn:aws:bedrock:us-east-1::foundation-model/x.y'"
    found = _problems(f"bedrock: {{models: [{MODEL}, Claude-3, {arn}]}}\n")
    assert "is not a foundation model id" in found["bedrock.models.1"][0]
    assert "'Claude-3'" in found["bedrock.models.1"][0]
    assert "bedrock.models.2" in found
    assert "bedrock.models.0" not in found


def test_bad_profile_id_and_regions():
    found = _problems(f"""\
        bedrock:
          inference_profiles:
            - {{id: {MODEL}, regions: [us-east-1]}}
            - {{id: {PROFILE}, regions: [mars-1]}}
            - {{id: {PROFILE}, regions: []}}
        """)
    assert "not a cross-Region inference profile id" in found["bedrock.inference_profiles.0.id"][0]
    assert "unknown region 'mars-1'" in found["bedrock.inference_profiles.1.regions.0"][0]
    assert "bedrock.inference_profiles.2.regions" in found


def test_profile_must_include_the_platform_region():
    found = _problems(f"bedrock: {{inference_profiles: [{{id: {PROFILE}, regions: [us-west-2]}}]}}\n")
    assert found == {"bedrock.inference_profiles.0.regions": [
        f"inference profile {PROFILE} does not list the platform's region us-east-1; a profile is invoked "
        "from one of its own Regions: add us-east-1 or drop the profile"]}


def test_personas_unknown_or_empty():
    assert "unknown persona(s) ['analyst']" in _problems(
        f"bedrock: {{models: [{MODEL}], personas: [analyst]}}\n")["bedrock.personas"][0]
    assert "personas is empty" in _problems(
        f"bedrock: {{models: [{MODEL}], personas: []}}\n")["bedrock.personas"][0]


def test_nothing_to_invoke():
    assert "lists no models and no inference_profiles" in _problems("bedrock: {}\n")["bedrock.models"][0]


def test_endpoint_required_unless_waived():
    base = "name: ml-dev\nregion: us-east-1\n"
    found = _problems(f"bedrock: {{models: [{MODEL}]}}\n", base)
    assert found == {"network.interface_endpoints.extra": [
        "bedrock.require_vpc_endpoint needs the bedrock-runtime interface endpoint: add bedrock-runtime to "
        "network.interface_endpoints.extra"]}
    assert _parse(f"bedrock: {{models: [{MODEL}], require_vpc_endpoint: false}}\n", base).bedrock is not None


def test_hub_layout_refused():
    base = ("name: ml-dev\nregion: us-east-1\nnetwork:\n  interface_endpoints: {mode: hub}\n"
            "  hub: {account: '111122223333', spokes: [{account: '222233334444', cidr: 10.20.0.0/16}]}\n")
    found = _problems(f"bedrock: {{models: [{MODEL}]}}\n", base)
    assert "not supported in the hub layout" in found["bedrock"][0]


def test_guardrail_errors():
    found = _problems(f"""\
        bedrock:
          models: [{MODEL}]
          guardrail:
            content_filters: {{HATRED: [HIGH, HIGH], VIOLENCE: [HIGH], SEXUAL: [HIGH, EXTREME]}}
            blocked_input_message: ''
        """)
    assert "unknown content filter type 'HATRED'" in found["bedrock.guardrail.content_filters.HATRED"][0]
    assert "VIOLENCE: ['HIGH'] is not [input strength, output strength]" in (
        found["bedrock.guardrail.content_filters.VIOLENCE"][0])
    assert "bedrock.guardrail.content_filters.SEXUAL" in found
    assert "bedrock.guardrail.blocked_input_message" in found
    empty = _problems(f"bedrock: {{models: [{MODEL}], guardrail: {{content_filters: {{}}}}}}\n")
    assert "content_filters is empty" in empty["bedrock.guardrail.content_filters"][0]


def test_unknown_key_refused():
    assert "unknown key" in _problems(f"bedrock: {{models: [{MODEL}], model: x}}\n")["bedrock.model"][0]


# ------------------------------------------------------------------------------------------------ core


def test_model_id_shapes():
    for good in (MODEL, "amazon.titan-embed-text-v2:0", "meta.llama3-8b-instruct-v1:0",
                 "amazon.nova-micro-v1:0"):
        assert model_id_problem(good) is None
    for bad in ("claude", "Anthropic.claude", ".x", "x." + "a" * 300, ""):
        assert model_id_problem(bad) is not None
    assert inference_profile_id_problem(PROFILE) is None
    assert inference_profile_id_problem("us.") is not None
    assert profile_model_id(PROFILE) == MODEL


@pytest.mark.aws_behaviour("bedrock.foundation-model-arn-has-no-account",
                           "bedrock.cross-region-profile-needs-destination-models")
def test_invoke_resource_arns():
    arns = invoke_resource_arns(partition="aws", region="us-east-1", account="111122223333",
                                models=[MODEL], profiles=[(PROFILE, ["us-east-1", "us-west-2"])])
    assert arns == [
        foundation_model_arn("aws", "us-east-1", MODEL),
        f"arn:aws:bedrock:us-east-1:111122223333:inference-profile/{PROFILE}",
        f"arn:aws:bedrock:us-west-2::foundation-model/{MODEL}",
    ]
    assert foundation_model_arn("aws", "us-east-1", MODEL) == (
        f"arn:aws:bedrock:us-east-1::foundation-model/{MODEL}")


def test_an_embedding_model_is_refused_with_a_guardrail():
    """Guardrails do not support embedding models, and the grant requires the guardrail: such a model could
    never be invoked (review of 2026-11-30, finding 3)."""
    with pytest.raises(ConfigError) as info:
        parse_config(BASE + textwrap.dedent(f"""\
            bedrock:
              models: [{MODEL}, amazon.titan-embed-text-v2:0, cohere.embed-english-v3]
              guardrail: {{}}
            """), source="t.yaml")
    problems = {p.path: p.message for p in info.value.problems}
    assert set(problems) == {"bedrock.models.1", "bedrock.models.2"}
    assert problems["bedrock.models.1"].startswith(
        "amazon.titan-embed-text-v2:0 is an embedding model, which Bedrock guardrails do not support")
    assert "remove the model or the guardrail" in problems["bedrock.models.2"]


def test_an_embedding_model_is_accepted_without_a_guardrail():
    text = BASE + f"bedrock:\n  models: [{MODEL}, amazon.titan-embed-text-v2:0]\n"
    config = parse_config(text, source="t.yaml")
    assert config.bedrock.models[1] == "amazon.titan-embed-text-v2:0"


@pytest.mark.parametrize("model", ["amazon.nova-2-multimodal-embeddings-v1:0", "cohere.rerank-v3-5:0",
                                   "amazon.rerank-v1:0"])
def test_embedding_and_rerank_models_are_refused_with_a_guardrail(model):
    with pytest.raises(ConfigError, match=f"{model} is an embedding model"):
        parse_config(BASE + f"bedrock:\n  models: [{MODEL}, {model}]\n  guardrail: {{}}\n", source="t.yaml")


def test_an_embedding_inference_profile_is_refused_with_a_guardrail():
    with pytest.raises(ConfigError) as info:
        parse_config(BASE + textwrap.dedent(f"""\
            bedrock:
              models: [{MODEL}]
              inference_profiles: [{{id: us.cohere.embed-v4:0, regions: [us-east-1]}}]
              guardrail: {{}}
            """), source="t.yaml")
    assert [p.path for p in info.value.problems] == ["bedrock.inference_profiles.0.id"]
