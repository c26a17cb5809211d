"""Scenarios of private Bedrock (docs/bedrock.md): a Bedrock-enabled persona invokes an allow-listed model
through the VPC's bedrock-runtime endpoint with the platform's guardrail (allow), and is refused another
model, a request from outside the VPC, and a request without the guardrail; a persona that is not
Bedrock-enabled is refused the allow-listed model (see :mod:`.catalogue`).

The allow-listed model and the enabled personas are read from the ``PrivateBedrock`` resources of the
assembly (the invoke policy's first foundation model, the persona roles it is attached to). What the
scenarios prove is everything around them: no other policy of any persona grants Bedrock, and the endpoint
policy, the VPC condition and the guardrail requirement each refuse what they must.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .facts import Facts
from .scenarios import Scenario

__all__ = ["bedrock"]

_INVOKE = "bedrock:InvokeModel"
_OTHER_MODEL = "meta.llama3-70b-instruct-v1:0"


def _find(facts: Facts, prefix: str, rtype: str) -> tuple[Any, str] | None:
    for lid, res in facts.stack.resources.items():
        if lid.startswith(prefix) and res.get("Type") == rtype and lid[len(prefix):].isalnum():
            return facts.stack, lid
    return None


def _inside(facts: Facts) -> dict[str, Any] | None:
    """The request context of a call from the platform VPC through its bedrock-runtime endpoint, with the
    platform's guardrail (when there is one), or None when the platform has no Bedrock."""
    assembly = facts.assembly
    found = {name: _find(facts, prefix, rtype) for name, prefix, rtype in (
        ("endpoint", "NetworkBedrockRuntimeEndpoint", "AWS::EC2::VPCEndpoint"),
        ("vpc", "NetworkVpc", "AWS::EC2::VPC"),
        ("guardrail", "BedrockGuardrail", "AWS::Bedrock::Guardrail"),
        ("version", "BedrockGuardrailVersion", "AWS::Bedrock::GuardrailVersion"),
    )}
    if found["endpoint"] is None or found["vpc"] is None:
        return None
    context = {key: assembly.resolve(stack, {"Ref": lid}) for key, (stack, lid) in
               (("aws:SourceVpce", found["endpoint"]), ("aws:SourceVpc", found["vpc"]))}
    if found["guardrail"] is not None:
        stack, lid = found["guardrail"]
        arn = assembly.resolve(stack, {"Fn::GetAtt": [lid, "GuardrailArn"]})
        version = "1"
        if found["version"] is not None:  # the version the grant pins
            version = assembly.resolve(found["version"][0], {"Fn::GetAtt": [found["version"][1], "Version"]})
        context["bedrock:GuardrailIdentifier"] = f"{arn}:{version}"
    return context


def _allow_listed_model(facts: Facts) -> str | None:
    found = _find(facts, "BedrockInvokePolicy", "AWS::IAM::ManagedPolicy")
    if found is None:
        return None
    stack, lid = found
    document = facts.assembly.resolve(stack, stack.resources[lid]["Properties"]["PolicyDocument"])
    resources = [r for s in document["Statement"] if s.get("Effect") == "Allow"
                 for r in (s.get("Resource") if isinstance(s.get("Resource"), list) else [s.get("Resource")])]
    return next((str(r) for r in resources if ":foundation-model/" in str(r)), None)


def _guardrail_key(facts: Facts) -> str | None:
    """The ARN of the guardrail's own key, which its users decrypt with during inference."""
    found = _find(facts, "BedrockGuardrailKey", "AWS::KMS::Key")
    if found is None:
        return None
    stack, lid = found
    return str(facts.assembly.resolve(stack, {"Fn::GetAtt": [lid, "Arn"]}))


def bedrock(facts: Facts) -> Iterator[Scenario]:
    inside, model = _inside(facts), _allow_listed_model(facts)
    if inside is None or model is None:
        return
    key = _guardrail_key(facts)
    other = model.rsplit("/", 1)[0] + "/" + _OTHER_MODEL
    outside = {k: v for k, v in inside.items() if k not in ("aws:SourceVpce", "aws:SourceVpc")}
    unguarded = {k: v for k, v in inside.items() if k != "bedrock:GuardrailIdentifier"}
    model_id = model.rsplit("/", 1)[-1]
    for persona, role in sorted(facts.persona_roles.items()):
        enabled = any(p.logical_id.startswith("BedrockInvokePolicy") for p in role.identity)
        user = next((u for u in facts.users if u["persona"] == persona), None)
        tags = facts.session(user) if user else {}
        if not enabled:
            yield Scenario(f"{persona} (not Bedrock-enabled) invokes {model_id}", role.arn, _INVOKE, model,
                           "deny", inside, tags, "bedrock")
            if key is not None and persona == "model-consumer":
                yield Scenario(f"{persona} (not Bedrock-enabled) decrypts with the guardrail's key", role.arn,
                               "kms:Decrypt", key, "deny", {}, tags, "bedrock")
            continue
        yield Scenario(f"{persona} invokes the allow-listed {model_id} through the VPC endpoint", role.arn,
                       _INVOKE, model, "allow", inside, tags, "bedrock")
        yield Scenario(f"{persona} invokes {_OTHER_MODEL}, which is not allow-listed", role.arn, _INVOKE,
                       other, "deny", inside, tags, "bedrock")
        yield Scenario(f"{persona} invokes {model_id} from outside the VPC (no endpoint)", role.arn, _INVOKE,
                       model, "deny", outside, tags, "bedrock")
        if "bedrock:GuardrailIdentifier" in inside:
            yield Scenario(f"{persona} invokes {model_id} without the platform's guardrail", role.arn,
                           _INVOKE, model, "deny", unguarded, tags, "bedrock")
            # the grant pins the current version: the DRAFT (or an older version) is refused
            draft = {**inside, "bedrock:GuardrailIdentifier":
                     str(inside["bedrock:GuardrailIdentifier"]).rsplit(":", 1)[0] + ":DRAFT"}
            yield Scenario(f"{persona} invokes {model_id} naming the guardrail's DRAFT", role.arn,
                           _INVOKE, model, "deny", draft, tags, "bedrock")
        if key is not None:  # an encrypted guardrail's users need kms:Decrypt on its key
            yield Scenario(f"{persona} decrypts with the guardrail's key during inference", role.arn,
                           "kms:Decrypt", key, "allow", {}, tags, "bedrock")
    for (persona, team), role in sorted(facts.execution_roles.items()):
        if any(p.logical_id.startswith("BedrockInvokePolicy") for p in role.identity):
            name = f"a Studio notebook of {team}'s {persona} execution role invokes {model_id}"
            yield Scenario(name + " through the VPC endpoint", role.arn, _INVOKE, model, "allow", inside, {},
                           "bedrock")
