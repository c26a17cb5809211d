"""PrivateBedrock in config/demo.yaml's platform (synthesized once, every pack) and its error paths."""

from __future__ import annotations

import json
import re

import pytest
from aws_cdk import Stack
from aws_cdk.assertions import Match, Template

from cdk_secure_ml.constructs.bedrock import PrivateBedrock
from cdk_secure_ml.constructs.identity.bedrock import bedrock_invoke_statements
from tests.conftest import new_app

MODEL = "anthropic.claude-3-5-sonnet-20240620-v1:0"


@pytest.fixture(scope="module")
def foundation(demo_app):
    _, stage, _ = demo_app
    return stage.foundation, Template.from_stack(stage.foundation)


def _resources(template: Template, kind: str) -> dict:
    return template.find_resources(kind)


def _only(template: Template, kind: str) -> dict:
    found = _resources(template, kind)
    assert len(found) == 1, found.keys()
    return next(iter(found.values()))


def _text(value: object) -> str:
    return json.dumps(value)


@pytest.mark.aws_behaviour("bedrock.runtime-endpoint-service")
def test_runtime_endpoint_policy_admits_only_invoke_of_allow_listed_models(foundation):
    _, template = foundation
    endpoints = [r for r in _resources(template, "AWS::EC2::VPCEndpoint").values()
                 if "bedrock-runtime" in _text(r["Properties"]["ServiceName"])]
    assert len(endpoints) == 1
    statements = endpoints[0]["Properties"]["PolicyDocument"]["Statement"]
    assert [s["Sid"] for s in statements] == ["InvokeAllowListedModels", "ApplyPlatformGuardrail"]
    invoke = statements[0]
    assert invoke["Action"] == ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]
    assert invoke["Condition"] == {"StringEquals": {"aws:PrincipalAccount": {"Ref": "AWS::AccountId"}}}
    assert "*" not in _text(invoke["Resource"]).replace(":*", "")
    assert MODEL in _text(invoke["Resource"])


@pytest.mark.aws_behaviour("bedrock.converse-authorized-by-invoke-actions",
                           "bedrock.guardrail-identifier-condition",
                           "bedrock.cross-region-profile-needs-destination-models")
def test_invoke_policy(foundation):
    stack, template = foundation
    policy = stack.bedrock.invoke_policy.node.default_child
    document = template.to_json()["Resources"][stack.get_logical_id(policy)]["Properties"]["PolicyDocument"]
    allow, apply, decrypt, deny = document["Statement"]
    assert allow["Sid"] == "InvokeAllowListedModels" and allow["Effect"] == "Allow"
    assert allow["Action"] == ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]
    assert allow["Condition"]["StringEquals"] == {"aws:SourceVpc": {"Ref": stack.get_logical_id(
        stack.network.vpc.node.default_child)}}
    (identifier,) = allow["Condition"]["StringLike"]["bedrock:GuardrailIdentifier"]
    # exactly the current version: not the DRAFT, not an older, weaker version (second review, finding 1)
    version_id = stack.get_logical_id(stack.bedrock.guardrail_version)
    assert {"Fn::GetAtt": [version_id, "Version"]} in identifier["Fn::Join"][1]
    resources = _text(allow["Resource"])
    for region in ("us-east-1", "us-east-2", "us-west-2"):  # the profile's destination Regions
        assert f":bedrock:{region}::foundation-model/{MODEL}" in resources
    assert f"inference-profile/us.{MODEL}" in resources
    assert apply["Action"] == "bedrock:ApplyGuardrail"
    # users of a guardrail encrypted with a customer managed key decrypt with it, the guardrail's own key
    assert decrypt == {"Sid": "DecryptPlatformGuardrail", "Effect": "Allow", "Action": "kms:Decrypt",
                       "Resource": {"Fn::GetAtt": [stack.get_logical_id(
                           stack.bedrock.guardrail_key.node.default_child), "Arn"]}}
    assert deny["Effect"] == "Deny" and "StringNotLike" in deny["Condition"]


def test_invoke_policy_on_enabled_personas_only(foundation):
    stack, template = foundation
    policy_id = stack.get_logical_id(stack.bedrock.invoke_policy.node.default_child)
    roles = template.to_json()["Resources"]

    def has_policy(role) -> bool:
        return policy_id in _text(roles[stack.get_logical_id(role.node.default_child)]["Properties"]
                                  .get("ManagedPolicyArns"))

    personas = stack.personas
    assert has_policy(personas.human_role("data-scientist"))
    assert all(has_policy(personas.execution_role("data-scientist", t)) for t in personas.teams)
    assert not has_policy(personas.human_role("ml-engineer"))
    assert not any(has_policy(personas.execution_role("ml-engineer", t)) for t in personas.teams)
    assert not has_policy(personas.human_role("model-consumer"))


@pytest.mark.aws_behaviour("bedrock.invocation-logging-one-per-account-region",
                           "bedrock.invocation-logging-no-cloudformation-type")
def test_invocation_logging_custom_resource(foundation):
    stack, template = foundation
    custom = [r for r in _resources(template, "Custom::AWS").values()
              if "putModelInvocationLoggingConfiguration" in _text(r["Properties"]["Create"])]
    assert len(custom) == 1
    create, delete = _text(custom[0]["Properties"]["Create"]), _text(custom[0]["Properties"]["Delete"])
    assert '\\"service\\":\\"Bedrock\\"' in create
    assert "cloudWatchConfig" in create and "textDataDeliveryEnabled\\\":true" in create
    assert "imageDataDeliveryEnabled\\\":false" in create
    assert "deleteModelInvocationLoggingConfiguration" in delete
    assert stack.get_logical_id(stack.bedrock.log_group.node.default_child) in create
    # the call checks the role's rights on the log group: it waits for the role's policy too (review)
    policy = next(lid for lid, r in _resources(template, "AWS::IAM::ManagedPolicy").items()
                  if lid.startswith("BedrockInvocationLoggingPolicy"))
    assert policy in custom[0]["DependsOn"]


def test_invocation_log_group_encrypted_and_retained(foundation):
    stack, template = foundation
    group_id = stack.get_logical_id(stack.bedrock.log_group.node.default_child)
    group = template.to_json()["Resources"][group_id]
    assert group["DeletionPolicy"] == "Retain"
    assert group["Properties"]["RetentionInDays"] == 365
    assert stack.get_logical_id(stack.keys.logs.node.default_child) in _text(group["Properties"]["KmsKeyId"])


@pytest.mark.aws_behaviour("bedrock.logging-destination-same-account-region")
def test_logging_role_trusts_bedrock_of_this_account_only(foundation):
    stack, template = foundation
    role_id = stack.get_logical_id(stack.bedrock.logging_role.node.default_child)
    role = template.to_json()["Resources"][role_id]
    (statement,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": "bedrock.amazonaws.com"}
    assert statement["Condition"]["StringEquals"] == {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
    assert "aws:SourceArn" in statement["Condition"]["ArnLike"]
    template.has_resource_properties("AWS::IAM::ManagedPolicy", {
        "Roles": [{"Ref": stack.get_logical_id(stack.bedrock.logging_role.node.default_child)}],
        "PolicyDocument": {"Statement": [Match.object_like({
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"]})]},
    })


def test_logging_handler_may_pass_only_the_logging_role(foundation):
    stack, template = foundation
    policy = stack.bedrock.logging.node.find_child("CustomResourcePolicy").node.default_child
    statements = template.to_json()["Resources"][stack.get_logical_id(policy)]["Properties"][
        "PolicyDocument"]["Statement"]
    assert statements[1]["Action"] == "iam:PassRole"
    assert statements[1]["Condition"] == {"StringEquals": {"iam:PassedToService": "bedrock.amazonaws.com"}}


def test_guardrail_encrypted_with_its_own_key_and_versioned(foundation):
    stack, template = foundation
    guardrail = _only(template, "AWS::Bedrock::Guardrail")
    assert guardrail["DeletionPolicy"] == "Retain"
    props = guardrail["Properties"]
    key_id = stack.get_logical_id(stack.bedrock.guardrail_key.node.default_child)
    assert key_id in _text(props["KmsKeyArn"])
    assert stack.get_logical_id(stack.keys.data.node.default_child) not in _text(props["KmsKeyArn"])
    key = template.to_json()["Resources"][key_id]
    assert key["DeletionPolicy"] == "Retain" and key["Properties"]["EnableKeyRotation"] is True
    filters = {f["Type"]: (f["InputStrength"], f["OutputStrength"])
               for f in props["ContentPolicyConfig"]["FiltersConfig"]}
    assert filters["PROMPT_ATTACK"] == ("HIGH", "NONE") and filters["HATE"] == ("HIGH", "HIGH")
    version = _only(template, "AWS::Bedrock::GuardrailVersion")
    assert "GuardrailId" in _text(version["Properties"]["GuardrailIdentifier"])
    # the filters' digest: another set of filters gives another description, so a new version
    assert re.search(r"\(filters [0-9a-f]{12}\)$", version["Properties"]["Description"])


def test_default_config_has_no_bedrock(reference_app):
    _, stage, _ = reference_app
    assert stage.foundation.bedrock is None


# ------------------------------------------------------------------------------------------- errors


def test_statements_need_a_resource():
    with pytest.raises(ValueError, match="resource_arns is empty"):
        bedrock_invoke_statements(resource_arns=[])


def test_statements_without_vpc_or_guardrail_have_no_condition():
    arn = "arn:aws:bedrock:us-east-1::foundation-model/a.b"
    (statement,) = bedrock_invoke_statements(resource_arns=[arn])
    assert statement.to_statement_json().get("Condition") is None


def test_construct_errors(demo_app):
    _, stage, _ = demo_app
    foundation = stage.foundation
    stack = Stack(new_app(), "Errors")
    with pytest.raises(ValueError, match=(
            r"PrivateBedrock: 'Claude' is not a foundation model id.*'us\.' is not a cross-Region inference "
            r"profile id.*enabled_personas \['analyst'\] must name.*amazon\.titan-embed-text-v2:0 is an "
            r"embedding model, which Bedrock guardrails do not support")):
        PrivateBedrock(stack, "Bedrock", personas=foundation.personas, enabled_personas=["analyst"],
                       models=["Claude", "amazon.titan-embed-text-v2:0"],
                       inference_profiles=[("us.", ["us-east-1"])],
                       vpc=foundation.network.vpc, guardrail_filters={"HATE": ("HIGH", "HIGH")})
    with pytest.raises(ValueError, match="models and inference_profiles are empty"):
        PrivateBedrock(stack, "Bedrock2", personas=foundation.personas, enabled_personas=["data-scientist"],
                       vpc=foundation.network.vpc)
