"""The Bedrock access proofs on config/demo.yaml's assembly (synthesized once per session): the
Bedrock-enabled persona (data-scientist) invokes the allow-listed model through the VPC endpoint with the
guardrail, and nothing else; the other personas are refused (docs/bedrock.md)."""

from __future__ import annotations

import pytest

from cdk_secure_ml.policies.access import derive, load_assembly, run


@pytest.fixture(scope="module")
def results(demo_app):
    _, _, assembly = demo_app
    loaded = load_assembly(assembly.directory)
    return [(s, d) for s, d in run(loaded, derive(loaded)) if s.group == "bedrock"]


@pytest.mark.aws_behaviour("bedrock.guardrail-identifier-condition", "bedrock.runtime-endpoint-service")
def test_every_bedrock_scenario_as_expected(results):
    assert results
    differ = [(s.name, s.expected, d.decision) for s, d in results if s.expected != d.decision]
    assert differ == []


def test_the_promises_covered(results):
    by_name = {s.name: d.decision for s, d in results}
    allowed = sorted(n for n, d in by_name.items() if d == "allow")
    assert allowed[0].startswith("a Studio notebook of fraud's data-scientist execution role invokes")
    assert any(n.startswith("data-scientist invokes the allow-listed") for n in allowed)
    model = "anthropic.claude-3-5-sonnet-20240620-v1:0"
    assert by_name[f"ml-engineer (not Bedrock-enabled) invokes {model}"] == "deny"
    assert by_name[f"model-consumer (not Bedrock-enabled) invokes {model}"] == "deny"
    outside = f"data-scientist invokes {model} from outside the VPC (no endpoint)"
    assert by_name[outside] == "deny"
    other = "data-scientist invokes meta.llama3-70b-instruct-v1:0, which is not allow-listed"
    assert by_name[other] == "deny"
    unguarded = f"data-scientist invokes {model} without the platform's guardrail"
    assert by_name[unguarded] == "deny"
    assert next(d for s, d in results if s.name == unguarded).reason == "an explicit Deny applies"
    # an encrypted guardrail's users decrypt with its key (review finding 2); a persona that is not
    # Bedrock-enabled does not
    assert by_name["data-scientist decrypts with the guardrail's key during inference"] == "allow"
    assert by_name["model-consumer (not Bedrock-enabled) decrypts with the guardrail's key"] == "deny"
    # the grant pins the guardrail's current version (second AWS review, finding 1)
    assert by_name[f"data-scientist invokes {model} naming the guardrail's DRAFT"] == "deny"
