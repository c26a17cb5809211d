"""Placeholder values for what CloudFormation returns: syntactically valid stand-ins for the intrinsics
the engine cannot resolve, keeping the shape parliament checks (an ARN stays an ARN).

Data only, plus the small helpers that build it: pseudo parameters (:data:`PSEUDO_VALUES`), what
``Ref`` / ``Fn::GetAtt`` return per resource type (:data:`RESOURCE_VALUES`, from each type's "Return
values" in the CloudFormation reference,
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-template-resource-type-ref.html),
and ids for parameters of AWS-specific types (:data:`PARAMETER_VALUES`).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

__all__ = ["ACCOUNT", "PARAMETER_VALUES", "PARTITION", "PSEUDO_VALUES", "REGION", "RESOURCE_VALUES"]

PARTITION, REGION, ACCOUNT = "aws", "us-east-1", "123456789012"
PSEUDO_VALUES = {
    "AWS::Partition": PARTITION,
    "AWS::Region": REGION,
    "AWS::AccountId": ACCOUNT,
    "AWS::URLSuffix": "amazonaws.com",
    "AWS::StackName": "placeholder-stack",
    "AWS::StackId": f"arn:{PARTITION}:cloudformation:{REGION}:{ACCOUNT}:stack/placeholder-stack/"
    "00000000-0000-4000-8000-000000000000",
    "AWS::NotificationARNs": f"arn:{PARTITION}:sns:{REGION}:{ACCOUNT}:placeholder-notifications",
}

#: An ARN with its six parts (the resource part non-empty).
ARN_SHAPE = re.compile(r"^arn:[^:]*:[^:]*:[^:]*:[^:]*:.+$")
IAM_VARIABLE = re.compile(r"^([\w-]+:\S+|[*?$])$")  # ${aws:username}, ${aws:PrincipalTag/team}, ${*}


def tokens(text: str) -> list[tuple[int, int, str]]:
    """``[(start, end, name)]`` of the ``${...}`` tokens in ``text``; braces nest, because the engine
    writes an intrinsic it cannot resolve as ``${Fn::GetStackOutput {"StackName": …}}``."""
    found: list[tuple[int, int, str]] = []
    start = text.find("${")
    while start != -1:
        depth, end = 0, start + 1
        while end < len(text):
            depth += {"{": 1, "}": -1}.get(text[end], 0)
            if depth == 0:
                break
            end += 1
        if depth:  # the engine shortens long expressions ("…"), which can cut a brace
            cut = text.find("…}", start)
            end = cut + 1 if cut != -1 else len(text)
        found.append((start, end + 1, text[start + 2 : end]))
        start = text.find("${", end + 1)
    return found


def _uuid(seed: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "cdk-secure-ml:" + seed))


def hex_id(prefix: str, seed: str) -> str:
    return prefix + uuid.uuid5(uuid.NAMESPACE_URL, "cdk-secure-ml:" + seed).hex[:17]


_P, _R, _A = PARTITION, REGION, ACCOUNT
_ARN = f"arn:{_P}:{{service}}:{_R}:{_A}:"


def _arn(service: str, rest: str, regional: bool = True) -> Callable[[str, str], str]:
    prefix = _ARN.format(service=service) if regional else f"arn:{_P}:{service}::{_A}:"
    return lambda name, lid: prefix + rest.format(name=name, uuid=_uuid(lid))


def _const(template_: str) -> Callable[[str, str], str]:
    return lambda name, lid: template_.format(name=name, uuid=_uuid(lid))


def _id(prefix: str) -> Callable[[str, str], str]:
    return lambda name, lid: hex_id(prefix, lid)


_NAME = _const("{name}")
_KEY_ID = _const("{uuid}")

#: Resource type → (name property, {"Ref" | attribute: value(name, logical id)}). Values follow the
#: CloudFormation reference ("Return values") for each type, with our partition, region and account.
RESOURCE_VALUES: dict[str, tuple[str | None, dict[str, Callable[[str, str], str]]]] = {
    "AWS::S3::Bucket": ("BucketName", {
        "Ref": _NAME, "Arn": _const(f"arn:{_P}:s3:::{{name}}"),
        "DomainName": _const("{name}.s3.amazonaws.com"),
        "RegionalDomainName": _const(f"{{name}}.s3.{_R}.amazonaws.com"),
    }),
    "AWS::KMS::Key": (None, {"Ref": _KEY_ID, "KeyId": _KEY_ID, "Arn": _arn("kms", "key/{uuid}")}),
    "AWS::KMS::Alias": ("AliasName", {"Ref": _const("alias/{name}")}),
    "AWS::SNS::Topic": ("TopicName", {
        "Ref": _arn("sns", "{name}"), "TopicArn": _arn("sns", "{name}"), "TopicName": _NAME,
    }),
    "AWS::SQS::Queue": ("QueueName", {
        "Ref": _const(f"https://sqs.{_R}.amazonaws.com/{_A}/{{name}}"), "Arn": _arn("sqs", "{name}"),
        "QueueName": _NAME, "QueueUrl": _const(f"https://sqs.{_R}.amazonaws.com/{_A}/{{name}}"),
    }),
    "AWS::IAM::Role": ("RoleName", {
        "Ref": _NAME, "Arn": _arn("iam", "role/{name}", regional=False), "RoleId": _id("AROA"),
    }),
    "AWS::IAM::User": ("UserName", {"Ref": _NAME, "Arn": _arn("iam", "user/{name}", regional=False)}),
    "AWS::IAM::Group": ("GroupName", {"Ref": _NAME, "Arn": _arn("iam", "group/{name}", regional=False)}),
    "AWS::IAM::ManagedPolicy": ("ManagedPolicyName", {
        "Ref": _arn("iam", "policy/{name}", regional=False), "PolicyArn": _arn("iam", "policy/{name}", False),
    }),
    "AWS::IAM::InstanceProfile": ("InstanceProfileName", {
        "Ref": _NAME, "Arn": _arn("iam", "instance-profile/{name}", regional=False),
    }),
    "AWS::IAM::OIDCProvider": (None, {
        "Ref": _arn("iam", "oidc-provider/{name}", False), "Arn": _arn("iam", "oidc-provider/{name}", False),
    }),
    "AWS::IAM::SAMLProvider": ("Name", {
        "Ref": _arn("iam", "saml-provider/{name}", False), "Arn": _arn("iam", "saml-provider/{name}", False),
    }),
    "AWS::Logs::LogGroup": ("LogGroupName", {"Ref": _NAME, "Arn": _arn("logs", "log-group:{name}:*")}),
    "AWS::Lambda::Function": ("FunctionName", {"Ref": _NAME, "Arn": _arn("lambda", "function:{name}")}),
    "AWS::DynamoDB::Table": ("TableName", {
        "Ref": _NAME, "Arn": _arn("dynamodb", "table/{name}"),
        "StreamArn": _arn("dynamodb", "table/{name}/stream/2024-01-01T00:00:00.000"),
    }),
    "AWS::Kinesis::Stream": ("Name", {"Ref": _NAME, "Arn": _arn("kinesis", "stream/{name}")}),
    "AWS::ECR::Repository": ("RepositoryName", {"Ref": _NAME, "Arn": _arn("ecr", "repository/{name}")}),
    "AWS::SecretsManager::Secret": ("Name", {
        "Ref": _arn("secretsmanager", "secret:{name}-AbCdEf"),
        "Id": _arn("secretsmanager", "secret:{name}-AbCdEf"),
    }),
    "AWS::SSM::Parameter": ("Name", {"Ref": _NAME}),
    "AWS::CloudTrail::Trail": ("TrailName", {"Ref": _NAME, "Arn": _arn("cloudtrail", "trail/{name}")}),
    "AWS::Events::Rule": ("Name", {"Ref": _NAME, "Arn": _arn("events", "rule/{name}")}),
    "AWS::Events::EventBus": ("Name", {"Ref": _NAME, "Arn": _arn("events", "event-bus/{name}")}),
    "AWS::StepFunctions::StateMachine": ("StateMachineName", {
        "Ref": _arn("states", "stateMachine:{name}"), "Arn": _arn("states", "stateMachine:{name}"),
    }),
    "AWS::CodeBuild::Project": ("Name", {"Ref": _NAME, "Arn": _arn("codebuild", "project/{name}")}),
    "AWS::CodePipeline::Pipeline": ("Name", {"Ref": _NAME}),
    "AWS::CodeCommit::Repository": ("RepositoryName", {"Arn": _arn("codecommit", "{name}"), "Name": _NAME}),
    "AWS::EFS::FileSystem": (None, {
        "Ref": _id("fs-"), "FileSystemId": _id("fs-"),
        "Arn": lambda name, lid: (
            _ARN.format(service="elasticfilesystem") + "file-system/" + hex_id("fs-", lid)
        ),
    }),
    "AWS::EC2::VPC": (None, {
        "Ref": _id("vpc-"), "VpcId": _id("vpc-"),
        "DefaultSecurityGroup": lambda name, lid: hex_id("sg-", lid + ".DefaultSecurityGroup"),
    }),
    "AWS::EC2::Subnet": (None, {"Ref": _id("subnet-"), "SubnetId": _id("subnet-")}),
    "AWS::EC2::SecurityGroup": (None, {"Ref": _id("sg-"), "GroupId": _id("sg-")}),
    "AWS::EC2::VPCEndpoint": (None, {"Ref": _id("vpce-"), "Id": _id("vpce-")}),
    "AWS::SageMaker::Domain": (None, {
        "DomainId": lambda name, lid: "d-" + hex_id("", lid)[:12],
        "DomainArn": lambda name, lid: _ARN.format(service="sagemaker") + "domain/d-" + hex_id("", lid)[:12],
    }),
    "AWS::SageMaker::UserProfile": ("UserProfileName", {
        "UserProfileArn": _arn("sagemaker", "user-profile/d-placeholder/{name}"),
    }),
    "AWS::SageMaker::ModelPackageGroup": ("ModelPackageGroupName", {
        "Ref": _arn("sagemaker", "model-package-group/{name}"),
        "ModelPackageGroupArn": _arn("sagemaker", "model-package-group/{name}"),
    }),
    "AWS::SageMaker::Model": ("ModelName", {
        "Ref": _arn("sagemaker", "model/{name}"), "ModelName": _NAME,
    }),
    "AWS::SageMaker::Endpoint": ("EndpointName", {
        "Ref": _arn("sagemaker", "endpoint/{name}"), "EndpointName": _NAME,
    }),
    "AWS::SageMaker::EndpointConfig": ("EndpointConfigName", {
        "Ref": _arn("sagemaker", "endpoint-config/{name}"), "EndpointConfigName": _NAME,
    }),
    "AWS::SageMaker::NotebookInstance": ("NotebookInstanceName", {"Ref": _NAME}),
    "AWS::Bedrock::Guardrail": (None, {
        "GuardrailId": lambda name, lid: hex_id("", lid)[:12],
        "GuardrailArn": lambda name, lid: (_ARN.format(service="bedrock") + "guardrail/"
                                           + hex_id("", lid)[:12]),
    }),
}  # fmt: skip

#: Parameter types (``Ref`` of a parameter without a default) → placeholder value.
PARAMETER_VALUES = {
    "AWS::EC2::VPC::Id": "vpc-",
    "AWS::EC2::Subnet::Id": "subnet-",
    "AWS::EC2::SecurityGroup::Id": "sg-",
}


def slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")
    return (slug or "placeholder")[:60]
