"""The emulator's Bedrock: the invocation logging calls of the platform's AwsCustomResource, made on moto's
backend (refusing a destination of another Region, as Bedrock does), and the guardrail stand-ins."""

from __future__ import annotations

import json

import pytest

from cdk_secure_ml.emulator import bedrock
from tests.emulator.conftest import deploy

ACCOUNT = "123456789012"


def _logging_call(action: str, group: str | None = None) -> str:
    call: dict = {"service": "Bedrock", "action": action,
                  "physicalResourceId": {"id": "model-invocation-logging"}}
    if group is not None:
        call["parameters"] = {"loggingConfig": {
            "cloudWatchConfig": {"logGroupName": group, "roleArn": f"arn:aws:iam::{ACCOUNT}:role/x"},
            "textDataDeliveryEnabled": True}}
    return json.dumps(call)


@pytest.mark.aws_behaviour("bedrock.invocation-logging-one-per-account-region")
def test_logging_custom_resource_sets_and_deletes_the_configuration(aws):
    resources = {
        "Log": {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": "bedrock-invocations"}},
        "Logging": {"Type": "Custom::AWS", "DependsOn": ["Log"], "Properties": {
            "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:handler",
            "Create": _logging_call("putModelInvocationLoggingConfiguration", "bedrock-invocations"),
            "Delete": _logging_call("deleteModelInvocationLoggingConfiguration")}},
    }
    deploy(aws, resources)
    config = aws("bedrock").get_model_invocation_logging_configuration()["loggingConfig"]
    assert config["cloudWatchConfig"]["logGroupName"] == "bedrock-invocations"
    aws("cloudformation").delete_stack(StackName="adapter-test")
    assert not aws("bedrock").get_model_invocation_logging_configuration().get("loggingConfig")


def test_logging_to_a_missing_log_group_fails_the_stack(aws):
    cloudformation = aws("cloudformation")
    cloudformation.create_stack(StackName="bad", TemplateBody=json.dumps({"Resources": {
        "Logging": {"Type": "Custom::AWS", "Properties": {
            "ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:handler",
            "Create": _logging_call("putModelInvocationLoggingConfiguration", "elsewhere")}}}}))
    stack = cloudformation.describe_stacks(StackName="bad")["Stacks"][0]
    assert stack["StackStatus"] == "ROLLBACK_COMPLETE"


def test_put_logging_refuses_a_group_of_another_region(aws):
    from cdk_secure_ml.emulator.refusals import Refused

    aws("logs").create_log_group(logGroupName="bedrock-invocations")
    with pytest.raises(Refused, match="bedrock.logging-destination-same-account-region"):
        bedrock.put_logging(ACCOUNT, "eu-west-1", {"loggingConfig": {"cloudWatchConfig": {
            "logGroupName": "bedrock-invocations", "roleArn": "arn:aws:iam::123456789012:role/x"}}})


def test_guardrail_stand_ins(aws):
    outputs = deploy(aws, {
        "Key": {"Type": "AWS::KMS::Key", "Properties": {}},
        "Guardrail": {"Type": "AWS::Bedrock::Guardrail", "Properties": {
            "Name": "demo-guardrail", "BlockedInputMessaging": "no", "BlockedOutputsMessaging": "no",
            "KmsKeyArn": {"Fn::GetAtt": ["Key", "Arn"]},
            "ContentPolicyConfig": {"FiltersConfig": [
                {"Type": "HATE", "InputStrength": "HIGH", "OutputStrength": "HIGH"}]}}},
        "Version": {"Type": "AWS::Bedrock::GuardrailVersion", "Properties": {
            "GuardrailIdentifier": {"Fn::GetAtt": ["Guardrail", "GuardrailId"]}}},
    }, outputs={"Arn": {"Value": {"Fn::GetAtt": ["Guardrail", "GuardrailArn"]}},
                "Version": {"Value": {"Fn::GetAtt": ["Version", "Version"]}}})
    guardrail = bedrock.GUARDRAILS[outputs["Arn"].rsplit("/", 1)[-1]]
    assert guardrail["KmsKeyArn"].startswith("arn:aws:kms:")
    assert guardrail["Filters"][0]["Type"] == "HATE"
    assert outputs["Version"] == "1"


# ------------------------------------------------------------------------------------- live audit


def _audit(aws):
    import boto3

    from cdk_secure_ml.policies.live.audit import run_audit

    return run_audit(boto3.session.Session(region_name="us-east-1"), "us-east-1")


def _findings(result) -> list[str]:
    return [f.message for f in result.findings if f.rule == "SML-AUD-104"]


@pytest.mark.aws_behaviour("bedrock.invocation-logging-one-per-account-region")
def test_audit_reads_the_logging_configuration(aws):
    assert _findings(_audit(aws)) == []  # no configuration: no verdict
    logs = aws("logs")
    key = aws("kms").create_key()["KeyMetadata"]["Arn"]
    logs.create_log_group(logGroupName="encrypted", kmsKeyId=key)
    logs.create_log_group(logGroupName="plain")
    bedrock_client = aws("bedrock")

    def configure(group: str) -> None:
        bedrock_client.put_model_invocation_logging_configuration(loggingConfig={
            "cloudWatchConfig": {"logGroupName": group, "roleArn": f"arn:aws:iam::{ACCOUNT}:role/x"}})

    configure("encrypted")
    passed = _audit(aws)
    assert _findings(passed) == []
    configure("plain")
    assert _findings(_audit(aws)) == ["the invocation log group plain is not encrypted with a KMS key"]
    configure("gone")
    assert _findings(_audit(aws)) == [
        "the invocation log group gone does not exist in this account and Region"]


def test_a_log_group_keeps_its_template_kms_key(aws):
    """moto's LogGroup model reads only the API's kmsKeyId; the emulator passes the template's KmsKeyId on."""
    deploy(aws, {
        "Key": {"Type": "AWS::KMS::Key", "Properties": {}},
        "Log": {"Type": "AWS::Logs::LogGroup", "Properties": {
            "LogGroupName": "encrypted-by-template", "KmsKeyId": {"Fn::GetAtt": ["Key", "Arn"]}}},
    })
    (group,) = aws("logs").describe_log_groups(logGroupNamePrefix="encrypted-by-template")["logGroups"]
    assert group["kmsKeyId"].startswith("arn:aws:kms:us-east-1:")
