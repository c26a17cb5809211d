"""``secure-ml iam-lint``: parliament over every IAM policy document in CloudFormation templates.

The CI gate of issue 3, item 5: 0 findings above LOW, or each justified.

Steps, per template (loaded and resolved by :mod:`.engine`):

1. **Extract** every policy document (:data:`DOCUMENT_LOCATIONS`): identity policies (IAM roles' inline
   ``Policies``, ``AWS::IAM::Policy``, ``AWS::IAM::ManagedPolicy`` …), trust policies
   (``AssumeRolePolicyDocument``), resource policies (S3, SNS, SQS, SageMaker model package groups),
   KMS key policies and Organizations SCPs / RCPs.
2. **Make it concrete.** Intrinsics the engine cannot resolve become syntactically valid placeholders
   that keep the ARN shape: pseudo parameters → ``aws`` / ``us-east-1`` / ``123456789012``; a ``Ref`` or
   ``Fn::GetAtt`` of a resource → what CloudFormation would return for that resource type
   (:data:`RESOURCE_VALUES`: ``Fn::GetAtt Bucket.Arn`` → ``arn:aws:s3:::<name>``, a KMS key's ``Arn`` →
   ``arn:aws:kms:us-east-1:123456789012:key/<uuid>``); a value that cannot be derived → a placeholder
   name inside a longer string, ``"*"`` as a whole ``Resource`` (with a "cannot verify" warning, and
   parliament's ``RESOURCE_STAR`` for that statement dropped: it would be about our ``"*"``).
3. **Adapt** what parliament (1.6.4, which has no resource-policy or trust-policy mode) cannot read:
   a trust policy's statements get their implicit ``Resource``, the role's own ARN, so parliament checks
   principals, actions and condition keys; numbers in conditions become strings (IAM compares strings;
   parliament crashes on a JSON number). ``RESOURCE_STAR`` is not applicable to key policies (there
   ``"*"`` means "this key" and is the only valid value) and SCPs / RCPs (guardrails, which grant
   nothing); such findings are reported as acknowledged with that reason, never hidden.
4. **Run** ``parliament.analyze_policy_string`` (private and community auditors off), deduplicate (it
   reports one finding per expanded action), map each finding back to its statement, and report
   :class:`~.findings.Finding` objects: rule ``PARLIAMENT-<ISSUE>``, severity CRITICAL / HIGH / MEDIUM →
   error, LOW / INFO → warning.
5. **Justify** from a checked-in YAML file (:data:`DEFAULT_JUSTIFICATIONS`): a matching entry turns a
   finding into an acknowledged one; an entry without a reason is itself an error.

parliament is a dev / CI dependency: this module imports it only inside :func:`lint_templates`.
"""

from __future__ import annotations

import fnmatch
import json
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .template import NO_VALUE, InputError, Resource, Template, TemplateError, Unresolved, discover
from .findings import CANNOT_VERIFY, Finding, Report

__all__ = [
    "DEFAULT_JUSTIFICATIONS",
    "DOCUMENT_LOCATIONS",
    "Justification",
    "ParliamentMissing",
    "PolicyDocument",
    "extract_documents",
    "lint_paths",
    "lint_templates",
    "load_justifications",
    "require_parliament",
]

RULE_PREFIX = "PARLIAMENT-"
#: Our own findings: a value linted through a placeholder that hides what parliament would check.
UNRESOLVED_RULE = "PARLIAMENT-UNRESOLVED"
#: Problems of the justifications file (an entry without a reason, one that matches nothing).
JUSTIFICATION_RULE = "PARLIAMENT-JUSTIFICATION"
DEFAULT_JUSTIFICATIONS = Path(__file__).resolve().parent / "data" / "parliament_justifications.yaml"
INSTALL_HINT = "pip install parliament"

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

_SEVERITY = {"CRITICAL": "error", "HIGH": "error", "MEDIUM": "error", "LOW": "warning", "INFO": "warning"}
#: Issues raised above parliament's LOW: an action or service prefix that does not exist grants nothing in
#: an Allow and, worse, denies nothing in a Deny or an SCP; it is a typo or a stale name, never intended.
SEVERITY_OVERRIDES = {"UNKNOWN_ACTION": "error", "UNKNOWN_PREFIX": "error"}
_ARN_SHAPE = re.compile(r"^arn:[^:]*:[^:]*:[^:]*:[^:]*:.+$")
_IAM_VARIABLE = re.compile(r"^([\w-]+:\S+|[*?$])$")  # ${aws:username}, ${aws:PrincipalTag/team}, ${*}


def _tokens(text: str) -> list[tuple[int, int, str]]:
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


#: A part that cannot be linted at all (an unresolvable action, statement or document): left out, noted.
_DROP = object()


class ParliamentMissing(InputError):
    """parliament is not installed (it is a dev / CI dependency, not a library one)."""


def require_parliament() -> Any:
    """Import parliament, or raise :class:`ParliamentMissing` with the install command."""
    try:
        import parliament  # lazy on purpose: a dev / CI dependency only
    except ImportError:
        raise ParliamentMissing(
            f"iam-lint needs parliament, which is not installed: {INSTALL_HINT}"
        ) from None
    return parliament


# --------------------------------------------------------------------------------------------------
# Where policy documents live

#: Resource type → [(property path, kind)]. ``Policies[]`` is a list of ``{PolicyName, PolicyDocument}``.
#: kind: identity | trust | resource | key | scp.
DOCUMENT_LOCATIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "AWS::IAM::Role": (("AssumeRolePolicyDocument", "trust"), ("Policies[].PolicyDocument", "identity")),
    "AWS::IAM::User": (("Policies[].PolicyDocument", "identity"),),
    "AWS::IAM::Group": (("Policies[].PolicyDocument", "identity"),),
    "AWS::IAM::Policy": (("PolicyDocument", "identity"),),
    "AWS::IAM::ManagedPolicy": (("PolicyDocument", "identity"),),
    "AWS::IAM::RolePolicy": (("PolicyDocument", "identity"),),
    "AWS::IAM::UserPolicy": (("PolicyDocument", "identity"),),
    "AWS::IAM::GroupPolicy": (("PolicyDocument", "identity"),),
    "AWS::S3::BucketPolicy": (("PolicyDocument", "resource"),),
    "AWS::KMS::Key": (("KeyPolicy", "key"),),
    "AWS::SNS::TopicPolicy": (("PolicyDocument", "resource"),),
    "AWS::SQS::QueuePolicy": (("PolicyDocument", "resource"),),
    "AWS::Organizations::Policy": (("Content", "scp"),),
    "AWS::SageMaker::ModelPackageGroup": (("ModelPackageGroupPolicy", "resource"),),
}
#: Organizations policy types whose Content is an IAM policy document (tag, backup, AI opt-out … are not).
IAM_ORGANIZATIONS_TYPES = {"SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"}
#: Issues that do not apply to a kind of document: the reason is reported with the acknowledged finding.
NOT_APPLICABLE: dict[tuple[str, str], str] = {
    ("key", "RESOURCE_STAR"): "not applicable: in a KMS key policy Resource must be '*' (it means this key)",
    ("scp", "RESOURCE_STAR"): "not applicable: an SCP / RCP grants nothing, it only limits what others grant",
    ("scp", "RESOURCE_EFFECTIVELY_STAR"): "not applicable: an SCP / RCP grants nothing, it only limits",
}


# --------------------------------------------------------------------------------------------------
# Placeholder values for what CloudFormation returns


def _uuid(seed: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "cdk-secure-ml:" + seed))


def _hex_id(prefix: str, seed: str) -> str:
    return prefix + uuid.uuid5(uuid.NAMESPACE_URL, "cdk-secure-ml:" + seed).hex[:17]


_P, _R, _A = PARTITION, REGION, ACCOUNT
_ARN = f"arn:{_P}:{{service}}:{_R}:{_A}:"


def _arn(service: str, rest: str, regional: bool = True) -> Callable[[str, str], str]:
    prefix = _ARN.format(service=service) if regional else f"arn:{_P}:{service}::{_A}:"
    return lambda name, lid: prefix + rest.format(name=name, uuid=_uuid(lid))


def _const(template_: str) -> Callable[[str, str], str]:
    return lambda name, lid: template_.format(name=name, uuid=_uuid(lid))


def _id(prefix: str) -> Callable[[str, str], str]:
    return lambda name, lid: _hex_id(prefix, lid)


_NAME = _const("{name}")
_KEY_ID = _const("{uuid}")

#: Resource type → (name property, {"Ref" | attribute: value(name, logical id)}). Values follow the
#: CloudFormation reference ("Return values") for each type, with our partition, region and account.
RESOURCE_VALUES: dict[str, tuple[str | None, dict[str, Callable[[str, str], str]]]] = {
    "AWS::S3::Bucket": ("BucketName", {
        "Ref": _NAME, "Arn": _const(f"arn:{_P}:s3:::{{name}}"), "DomainName": _const("{name}.s3.amazonaws.com"),
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
        "Ref": _arn("secretsmanager", "secret:{name}-AbCdEf"), "Id": _arn("secretsmanager", "secret:{name}-AbCdEf"),
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
        "Arn": lambda name, lid: _ARN.format(service="elasticfilesystem") + "file-system/" + _hex_id("fs-", lid),
    }),
    "AWS::EC2::VPC": (None, {
        "Ref": _id("vpc-"), "VpcId": _id("vpc-"),
        "DefaultSecurityGroup": lambda name, lid: _hex_id("sg-", lid + ".DefaultSecurityGroup"),
    }),
    "AWS::EC2::Subnet": (None, {"Ref": _id("subnet-"), "SubnetId": _id("subnet-")}),
    "AWS::EC2::SecurityGroup": (None, {"Ref": _id("sg-"), "GroupId": _id("sg-")}),
    "AWS::EC2::VPCEndpoint": (None, {"Ref": _id("vpce-"), "Id": _id("vpce-")}),
    "AWS::SageMaker::Domain": (None, {
        "DomainId": lambda name, lid: "d-" + _hex_id("", lid)[:12],
        "DomainArn": lambda name, lid: _ARN.format(service="sagemaker") + "domain/d-" + _hex_id("", lid)[:12],
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
}  # fmt: skip

#: Parameter types (``Ref`` of a parameter without a default) → placeholder value.
_PARAMETER_VALUES = {
    "AWS::EC2::VPC::Id": "vpc-",
    "AWS::EC2::Subnet::Id": "subnet-",
    "AWS::EC2::SecurityGroup::Id": "sg-",
}


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")
    return (slug or "placeholder")[:60]


# --------------------------------------------------------------------------------------------------
# Documents


@dataclass
class PolicyDocument:
    """One IAM policy document of a template, made concrete for parliament."""

    template: Template
    resource: Resource
    #: Property path, e.g. ``Policies[0].PolicyDocument`` or ``KeyPolicy``.
    path: str
    #: identity | trust | resource | key | scp
    kind: str
    #: The document with placeholders, JSON-serialisable (None when it is not a document at all).
    document: Any
    #: ``(statement index or None, message)``: values linted through a placeholder that hides a check.
    unverified: list[tuple[int | None, str]] = field(default_factory=list)
    #: Statements whose Resource holds our "*" placeholder (RESOURCE_STAR there is about the placeholder).
    star_placeholders: set[int] = field(default_factory=set)
    #: Position in the template of each statement of ``document`` (statements that cannot be linted are
    #: left out, so the two can differ). Statement indexes elsewhere are into ``document``.
    positions: list[int] = field(default_factory=list)

    def position(self, statement: int | None) -> int | None:
        """The template position of statement ``statement`` of ``document``."""
        if statement is None:
            return None
        return self.positions[statement] if statement < len(self.positions) else statement

    @property
    def statements(self) -> list[Any]:
        doc = self.document
        if not isinstance(doc, dict):
            return []
        statements = doc.get("Statement")
        return (
            statements
            if isinstance(statements, list)
            else [statements]
            if isinstance(statements, dict)
            else []
        )


class _Concretizer:
    """Turns a resolved document (with :class:`Unresolved` values) into plain JSON with placeholders."""

    def __init__(self, template: Template, resource: Resource, doc: PolicyDocument):
        self.template = template
        self.resource = resource
        self.doc = doc

    # -- one token (``${AWS::Region}``, ``${Bucket}``, ``${Bucket.Arn}``, ``${Param}``) ----------------

    def token(self, name: str) -> tuple[str, bool]:
        """``(value, derived)``: derived is False when the value is a mere placeholder name."""
        if name in PSEUDO_VALUES:
            return PSEUDO_VALUES[name], True
        if not name or ("::" not in name and _IAM_VARIABLE.match(name)):
            return "${" + name + "}", True  # an IAM policy variable such as ${aws:username}: keep it
        if "::" in name or " " in name:  # an intrinsic the engine could not resolve (Fn::ImportValue …)
            return f"placeholder-{_slug(name.split(' ')[0].removeprefix('Fn::'))}", False
        logical_id, _, attribute = name.partition(".")
        target = self.template.resources.get(logical_id)
        if target is not None:
            spec = RESOURCE_VALUES.get(target.type)
            if spec is not None:
                name_property, values = spec
                make = values.get(attribute or "Ref")
                if make is not None:
                    return make(self._resource_name(target, name_property), logical_id), True
            return f"placeholder-{_slug(name)}", False
        if logical_id in self.template.parameters:
            param = self.template.parameters[logical_id]
            ptype = str(param.get("Type", "")) if isinstance(param, dict) else ""
            prefix = _PARAMETER_VALUES.get(ptype)
            if prefix:
                return _hex_id(prefix, logical_id), True
            return f"placeholder-{_slug(logical_id)}", False
        return f"placeholder-{_slug(name)}", False

    def _resource_name(self, target: Resource, name_property: str | None) -> str:
        if name_property:
            value = target.properties.get(name_property)
            if isinstance(value, str) and value:
                return value
        return _slug(target.logical_id)

    # -- values ------------------------------------------------------------------------------------

    def value(self, value: Unresolved, where: str, statement: int | None) -> Any:
        if value.alternatives:
            chosen = next((alt for alt in value.alternatives if alt is not NO_VALUE), None)
            self.doc.unverified.append(
                (statement, f"{value.expr}: only the first branch that is not AWS::NoValue was linted")
            )
            return self.walk(chosen, where, statement) if chosen is not None else None
        if value.text is None:
            return self._fallback(value, where, statement)
        text, derived = self.substitute(value.text)
        if derived:
            return text
        element = where.split(".")[0]
        tokens = _tokens(value.text)
        whole = len(tokens) == 1 and tokens[0][:2] == (0, len(value.text))
        if whole or (element in ("Resource", "NotResource") and not _ARN_SHAPE.match(text)):
            # Nothing derived, or the unknown part breaks the ARN shape (``${Fn::ImportValue X}/*``).
            return self._fallback(value, where, statement, text if whole else None)
        return text  # a placeholder name inside an ARN that keeps its shape

    def substitute(self, text: str) -> tuple[str, bool]:
        """``text`` with each token replaced; True when every value was derived."""
        out, last, derived = [], 0, True
        for start, end, name in _tokens(text):
            value, known = self.token(name)
            out += [text[last:start], value]
            last, derived = end, derived and known
        out.append(text[last:])
        return "".join(out), derived

    def _fallback(self, value: Unresolved, where: str, statement: int | None, name: str | None = None) -> Any:
        """A value nothing can be derived for: "*" as a Resource, a placeholder role as a Principal, a
        placeholder name elsewhere."""
        name = name or f"placeholder-{_slug(value.expr)}"
        element = where.split(".")[0]
        if element in ("Resource", "NotResource"):
            if statement is not None and element == "Resource":
                self.doc.star_placeholders.add(statement)
            self.doc.unverified.append((statement, f"{element} {value.expr} linted as '*'"))
            return "*"
        if element in ("Principal", "NotPrincipal"):
            placeholder = f"arn:{_P}:iam::{_A}:role/{name}"
            self.doc.unverified.append((statement, f"{element} {value.expr} linted as {placeholder}"))
            return placeholder
        if element == "Condition":
            return name
        # An action, a whole statement or document: nothing sensible to lint, so it is left out.
        label = where or ("statement" if statement is not None else "document")
        self.doc.unverified.append((statement, f"{label} {value.expr} cannot be linted, left out"))
        return _DROP

    def walk(self, value: Any, where: str, statement: int | None) -> Any:
        if isinstance(value, Unresolved):
            return self.value(value, where, statement)
        if isinstance(value, dict):
            out = {}
            for key, item in value.items():
                if item is NO_VALUE:
                    continue
                out[key] = self.walk(item, f"{where}.{key}" if where else key, statement)
            return out
        if isinstance(value, list):
            items = (self.walk(item, where, statement) for item in value if item is not NO_VALUE)
            return [item for item in items if item is not _DROP]
        if where.startswith("Condition.") and isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)  # IAM compares condition values as strings; parliament crashes on numbers
        return value

    def document(self, raw: Any) -> Any:
        """The concrete document; None when it cannot be linted at all (a note says why)."""
        if isinstance(raw, Unresolved) and raw.text is not None and not raw.alternatives:
            raw = self.substitute(raw.text)[0]  # a JSON string built by Fn::Sub
        elif isinstance(raw, Unresolved):
            raw = self.value(raw, "", None)
        if raw is _DROP or raw is None:
            return None
        if isinstance(raw, str):
            try:
                raw = json.loads(raw)
            except ValueError:
                return raw  # parliament reports MALFORMED_JSON
        if not isinstance(raw, dict):
            return raw
        out: dict[str, Any] = {}
        for key, item in raw.items():
            if key != "Statement":
                out[key] = self.walk(item, key, None)
                continue
            if isinstance(item, Unresolved):
                item = self.value(item, "Statement", None)
            if item is _DROP:
                return None
            concrete: list[Any] = []
            for position, statement in enumerate(item if isinstance(item, list) else [item]):
                index, notes = len(concrete), len(self.doc.unverified)
                if isinstance(statement, Unresolved):
                    statement = self.value(statement, "", index)
                if statement is None or statement is NO_VALUE:
                    continue
                if isinstance(statement, dict):
                    statement = {k: self.walk(v, k, index) for k, v in statement.items() if v is not NO_VALUE}
                    dropped = any(
                        v is _DROP or (k in ("Action", "NotAction") and v == []) for k, v in statement.items()
                    )
                else:
                    dropped = statement is _DROP
                if dropped:  # the statement is left out: its notes name its position in the template
                    self.doc.unverified[notes:] = [
                        (None, f"Statement[{position}] not linted: {note}")
                        for _, note in self.doc.unverified[notes:]
                    ]
                    self.doc.star_placeholders.discard(index)
                    continue
                concrete.append(statement)
                self.doc.positions.append(position)
            out[key] = concrete  # one statement or a list: the same to IAM, a list maps back to findings
        return out


def _property(resource: Resource, path: str) -> list[tuple[str, Any]]:
    """``[(concrete path, resolved value)]`` for a property path such as ``Policies[].PolicyDocument``."""
    props = resource.properties
    if "[]." not in path:
        return [(path, props[path])] if path in props else []
    list_name, _, inner = path.partition("[].")
    items = props.get(list_name)
    if not isinstance(items, list):
        return []
    return [
        (f"{list_name}[{i}].{inner}", item[inner])
        for i, item in enumerate(items)
        if isinstance(item, dict) and inner in item
    ]


def _role_arn(resource: Resource) -> str:
    name = resource.properties.get("RoleName")
    path = resource.properties.get("Path")
    name = name if isinstance(name, str) and name else _slug(resource.logical_id)
    path = path if isinstance(path, str) and path.startswith("/") and path.endswith("/") else "/"
    return f"arn:{_P}:iam::{_A}:role{path}{name}"


def extract_documents(template: Template) -> list[PolicyDocument]:
    """Every IAM policy document of ``template``, concrete (placeholders for what stays unresolved)."""
    documents: list[PolicyDocument] = []
    for resource in template.resources.values():
        locations = DOCUMENT_LOCATIONS.get(resource.type)
        if not locations or template.is_created(resource) is False:
            continue
        if resource.type == "AWS::Organizations::Policy":
            ptype = resource.properties.get("Type")
            if isinstance(ptype, str) and ptype not in IAM_ORGANIZATIONS_TYPES:
                continue  # a tag / backup / AI opt-out policy: not an IAM policy language document
        for spec, kind in locations:
            for path, raw in _property(resource, spec):
                doc = PolicyDocument(template, resource, path, kind, None)
                doc.document = _Concretizer(template, resource, doc).document(raw)
                if kind == "trust":
                    _add_trust_resource(doc, _role_arn(resource))
                documents.append(doc)
    return documents


def _add_trust_resource(doc: PolicyDocument, role_arn: str) -> None:
    """A trust policy's implicit resource is the role itself: make it explicit for parliament."""
    for statement in doc.statements:
        if isinstance(statement, dict) and "Resource" not in statement and "NotResource" not in statement:
            statement["Resource"] = role_arn


# --------------------------------------------------------------------------------------------------
# Justifications


@dataclass(frozen=True)
class Justification:
    """One entry of the justifications file."""

    index: int
    issue: str
    resource: str
    policy: str
    detail: str
    reason: str

    def matches(
        self, finding: Finding, construct_path: str, policy_path: str, statement: int | None, sid: str | None
    ) -> bool:
        """Issue, resource (logical id or construct path), policy (``KeyPolicy``, ``KeyPolicy/Statement[1]``
        or ``KeyPolicy/<Sid>``) and detail (the message) all match; empty policy / detail match anything."""
        if _rule_id(self.issue) != finding.rule:
            return False
        if not any(fnmatch.fnmatchcase(name, self.resource) for name in (finding.resource, construct_path)):
            return False
        if self.policy:
            candidates = [policy_path]
            if statement is not None:
                candidates.append(f"{policy_path}/Statement[{statement}]")
            if sid:
                candidates.append(f"{policy_path}/{sid}")
            if not any(fnmatch.fnmatchcase(candidate, self.policy) for candidate in candidates):
                return False
        return not self.detail or fnmatch.fnmatchcase(finding.message, self.detail)


def _rule_id(issue: str) -> str:
    issue = issue.strip()
    return issue if issue.startswith(RULE_PREFIX) else RULE_PREFIX + issue


def load_justifications(
    path: Path | str, known_issues: set[str] | None = None
) -> tuple[list[Justification], list[Finding]]:
    """Entries of a justifications file, plus findings for invalid entries (no reason: error)."""
    path = Path(path)
    name = str(path)
    if not path.exists():
        raise InputError(f"{name}: no such justifications file")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        raise TemplateError(name, f"invalid YAML: {error.problem}", mark.line + 1 if mark else None) from None
    except (OSError, yaml.YAMLError) as error:
        raise TemplateError(name, f"cannot read: {error}") from None
    entries = (data or {}).get("justifications", []) if isinstance(data, dict) or data is None else None
    if not isinstance(entries, list):
        raise TemplateError(name, "expected a mapping with a 'justifications' list")
    valid: list[Justification] = []
    problems: list[Finding] = []

    def problem(index: int, message: str) -> None:
        problems.append(
            Finding(JUSTIFICATION_RULE, "error", name, f"justifications[{index}]", "justification", message)
        )

    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            problem(index, "an entry must be a mapping with issue, resource and reason")
            continue
        values = {key: entry.get(key) for key in ("issue", "resource", "policy", "detail", "reason")}
        unknown = set(entry) - set(values)
        if unknown:
            problem(index, f"unknown key(s) {', '.join(sorted(map(str, unknown)))}")
            continue
        for key, value in values.items():
            if value is not None and not isinstance(value, str):
                problem(index, f"{key} must be a string, got {value!r}")
                break
        else:
            issue, resource = (values["issue"] or "").strip(), (values["resource"] or "").strip()
            reason = (values["reason"] or "").strip()
            label = f"{issue or '?'} on {resource or '?'}"
            if not issue or not resource:
                problem(index, f"justification {label} must name an issue and a resource pattern")
            elif known_issues is not None and issue.removeprefix(RULE_PREFIX) not in known_issues:
                problem(index, f"justification {label}: unknown parliament issue {issue!r}")
            elif not reason:
                problem(index, f"justification of {label} has no reason: give one a reviewer can judge")
            else:
                valid.append(
                    Justification(
                        index,
                        issue,
                        resource,
                        (values["policy"] or "").strip(),
                        (values["detail"] or "").strip(),
                        reason,
                    )
                )
    return valid, problems


# --------------------------------------------------------------------------------------------------
# Running parliament


def _render(doc: PolicyDocument) -> tuple[str, list[tuple[int, int]]]:
    """The document as JSON text, plus the (first, last) line of each statement."""
    document = doc.document
    if not (isinstance(document, dict) and isinstance(document.get("Statement"), list)):
        return json.dumps(document, indent=2), []
    lines = ["{"]
    ranges: list[tuple[int, int]] = []
    items = list(document.items())
    for position, (key, value) in enumerate(items):
        comma = "," if position < len(items) - 1 else ""
        if key != "Statement":
            lines.append(f"  {json.dumps(key)}: {json.dumps(value)}{comma}")
            continue
        lines.append('  "Statement": [')
        for index, statement in enumerate(value):
            block = json.dumps(statement, indent=2).splitlines()
            if index < len(value) - 1:
                block[-1] += ","
            start = len(lines) + 1
            lines.extend("    " + line for line in block)
            ranges.append((start, len(lines)))
        lines.append("  ]" + comma)
    lines.append("}")
    return "\n".join(lines), ranges


def _statement_of(location: Any, ranges: list[tuple[int, int]]) -> int | None:
    line = location.get("line") if isinstance(location, dict) else None
    if not isinstance(line, int):
        return None
    for index, (first, last) in enumerate(ranges):
        if first <= line <= last:
            return index
    return None


def _detail_text(detail: Any) -> str:
    if detail in (None, ""):
        return ""
    if isinstance(detail, list) and detail and all(isinstance(d, dict) and "action" in d for d in detail):
        parts = [f"{d['action']} needs {d.get('required_format', '?')}" for d in detail]
    elif isinstance(detail, list):
        parts = [str(d) for d in detail]
        if len(parts) > 6:
            parts = [*parts[:5], f"… ({len(parts)} in all)"]
    else:
        return str(detail)
    return ", ".join(parts)


_UNKNOWN_CONDITION = re.compile(r"^Unknown condition (\S+) for action (\S+)$")


def _merge_details(details: list[str]) -> list[str]:
    """One message per condition key for UNKNOWN_CONDITION_FOR_ACTION (parliament gives one per action)."""
    merged: dict[str, list[str]] = {}
    out: list[str] = []
    for detail in details:
        match = _UNKNOWN_CONDITION.match(detail)
        if match:
            if match.group(1) not in merged:
                merged[match.group(1)] = []
                out.append(match.group(1))
            merged[match.group(1)].append(match.group(2))
        else:
            out.append(detail)
    return [
        f"unknown condition {item} for action(s) {', '.join(merged[item])}" if item in merged else item
        for item in out
    ]


def _lint_document(parliament: Any, doc: PolicyDocument) -> list[tuple[Finding, int | None, str | None]]:
    """Findings for one document, each with its statement's position in the template and its Sid."""
    statements = doc.statements
    if doc.document is None:
        return [
            (
                _finding(doc, None, "warning", CANNOT_VERIFY + note, None, None, rule=UNRESOLVED_RULE),
                None,
                None,
            )
            for _, note in doc.unverified
        ]
    text, ranges = _render(doc)
    try:
        policy = parliament.analyze_policy_string(
            text, filepath=doc.path, ignore_private_auditors=True, include_community_auditors=False
        )
        raw = list(policy.findings)
    except Exception as error:  # noqa: BLE001 - parliament raises bare Exceptions on odd input
        return [(_finding(doc, "EXCEPTION", "error", f"parliament failed: {error}", None, None), None, None)]
    grouped: dict[tuple[str, int | None], dict[str, Any]] = {}
    for item in raw:
        parliament.enhance_finding(item)
        severity = SEVERITY_OVERRIDES.get(item.issue) or _SEVERITY.get(str(item.severity).upper())
        if severity is None:  # MUTE
            continue
        if item.issue == "UNKNOWN_CONDITION_FOR_ACTION" and _key_of_resource_type(
            parliament, str(item.detail)
        ):
            continue
        statement = _statement_of(item.location, ranges)
        if (
            item.issue in ("RESOURCE_STAR", "RESOURCE_EFFECTIVELY_STAR")
            and statement in doc.star_placeholders
        ):
            continue  # about our "*" placeholder; the PARLIAMENT-UNRESOLVED warning says so
        title = str(item.title).strip().rstrip(".")
        group = grouped.setdefault(
            (item.issue, statement), {"severity": severity, "title": title, "details": []}
        )
        detail = _detail_text(item.detail)
        if detail and detail not in group["details"]:
            group["details"].append(detail)
    # From here on a statement is named by its position in the template.
    results = []
    for (issue, statement), group in grouped.items():
        sid, position = _sid(statements, statement), doc.position(statement)
        for detail in _merge_details(group["details"]) or [""]:
            message = f"{group['title']}: {detail}" if detail else group["title"]
            results.append((_finding(doc, issue, group["severity"], message, position, sid), position, sid))
    for statement, note in doc.unverified:
        sid, position = _sid(statements, statement), doc.position(statement)
        finding = _finding(doc, None, "warning", CANNOT_VERIFY + note, position, sid, rule=UNRESOLVED_RULE)
        results.append((finding, position, sid))
    return results


def _key_of_resource_type(parliament: Any, detail: str) -> bool:
    """True when parliament's "Unknown condition K for action S:A" is wrong by its own database.

    parliament 1.6.4 only looks at the condition keys of the action's row in the service authorization
    reference; keys of the resource types the action acts on (such as ``sagemaker:ResourceTag/${TagKey}``
    on a SageMaker endpoint) are listed with the resource type instead, and apply just the same."""
    match = re.match(r"^Unknown condition (\S+) for action ([^:\s]+):(\S+)$", detail)
    if not match:
        return False
    key, prefix, action = match.groups()
    from parliament.statement import is_condition_key_match

    for service in parliament.iam_definition:
        if service["prefix"] != prefix:
            continue
        resources = {r["resource"]: r.get("condition_keys", []) for r in service.get("resources", [])}
        for privilege in service["privileges"]:
            if privilege["privilege"] != action:
                continue
            for resource_type in privilege["resource_types"]:
                name = resource_type["resource_type"].rstrip("*")
                if any(is_condition_key_match(documented, key) for documented in resources.get(name, [])):
                    return True
    return False


def _sid(statements: list[Any], index: int | None) -> str | None:
    if index is None or index >= len(statements) or not isinstance(statements[index], dict):
        return None
    sid = statements[index].get("Sid")
    return sid if isinstance(sid, str) and sid else None


def _location(doc: PolicyDocument, statement: int | None) -> str:
    return doc.path if statement is None else f"{doc.path}/Statement[{statement}]"


def _finding(
    doc: PolicyDocument,
    issue: str | None,
    severity: Any,
    message: str,
    statement: int | None,
    sid: str | None,
    rule: str | None = None,
) -> Finding:
    where = _location(doc, statement) + (f" (Sid {sid})" if sid else "")
    return Finding(
        rule or RULE_PREFIX + str(issue),
        severity,
        doc.template.file,
        doc.resource.logical_id,
        doc.resource.type,
        f"{where}: {message}",
    )


def lint_templates(
    templates: Sequence[Template], justifications: Path | str | None = DEFAULT_JUSTIFICATIONS
) -> Report:
    """Run parliament over every policy document of ``templates``.

    ``justifications``: a YAML file (default: the checked-in one); None for no justifications.
    Raises :class:`ParliamentMissing` when parliament is not installed."""
    parliament = require_parliament()
    entries: list[Justification] = []
    findings: list[Finding] = []
    acknowledged: list[Finding] = []
    if justifications is not None:
        entries, problems = load_justifications(justifications, set(parliament.config) | {"UNRESOLVED"})
        findings.extend(problems)
    used: set[int] = set()
    resources: set[tuple[str, str]] = set()
    for template in templates:
        for doc in extract_documents(template):
            resources.add((template.file, doc.resource.logical_id))
            construct_path = doc.resource.path
            for finding, statement, sid in _lint_document(parliament, doc):
                issue = finding.rule.removeprefix(RULE_PREFIX)
                not_applicable = NOT_APPLICABLE.get((doc.kind, issue))
                if not_applicable:
                    acknowledged.append(_acknowledge(finding, not_applicable))
                    continue
                entry = next(
                    (e for e in entries if e.matches(finding, construct_path, doc.path, statement, sid)), None
                )
                if entry is not None:
                    used.add(entry.index)
                    acknowledged.append(_acknowledge(finding, entry.reason))
                else:
                    findings.append(finding)
    for entry in entries:
        if entry.index not in used:
            findings.append(
                Finding(
                    JUSTIFICATION_RULE,
                    "warning",
                    str(justifications),
                    f"justifications[{entry.index}]",
                    "justification",
                    f"justification of {entry.issue} on {entry.resource} matches no finding: "
                    "remove it if the policy changed",
                )
            )
    return Report(
        findings=findings,
        acknowledged=acknowledged,
        files=[t.file for t in templates],
        resources=len(resources),
    )


def _acknowledge(finding: Finding, reason: str) -> Finding:
    return Finding(**{**finding.__dict__, "acknowledged": True, "reason": reason})


def lint_paths(
    paths: Sequence[Path | str], justifications: Path | str | None = DEFAULT_JUSTIFICATIONS
) -> Report:
    """Discover templates under ``paths`` (as ``secure-ml check`` does) and lint their policies."""
    require_parliament()
    return lint_templates(discover(paths), justifications)
