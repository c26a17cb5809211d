"""A cloud assembly as the evaluator needs it: roles as principals, resources by logical id, construct
path or ARN, and the policies attached to each. CDK-free, pure.

Intrinsics are resolved into concrete strings: ``Ref``/``Fn::GetAtt`` of a resource into the name or ARN
CloudFormation would return (a generated name is ``<stack>-<logical id>``, deterministic), ``Fn::Join``,
``Fn::Sub``, ``Fn::Select``, ``Fn::Split``, ``Fn::If`` (its condition from :mod:`..intrinsics`), and
``Fn::ImportValue`` (CDK's cross-stack references) through the exports of every stack of the assembly
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html). A stack
with no account or region (environment-agnostic) gets :data:`PLACEHOLDER_ACCOUNT` and ``us-east-1``.

Which property holds each policy: ``AWS::IAM::Role`` (``Policies``, ``ManagedPolicyArns``,
``PermissionsBoundary``, ``Tags``), ``AWS::IAM::Policy``/``ManagedPolicy`` (``Roles``), and the resource
policies ``AWS::S3::BucketPolicy``, ``AWS::KMS::Key`` (``KeyPolicy``), ``AWS::SNS::TopicPolicy``,
``AWS::SageMaker::ModelPackageGroup`` (``ModelPackageGroupPolicy``), ``AWS::ECR::Repository``
(``RepositoryPolicyText``) and ``AWS::EC2::VPCEndpoint`` (``PolicyDocument``), as the CloudFormation
template reference names them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..intrinsics import Resolver
from ..template import InputError, discover
from .bootstrap import assumption, bootstrap_stacks
from .evaluator import Policy, Principal
from .grants import Grant
from .managed import AWS_MANAGED_PREFIX, aws_managed_policy

__all__ = ["PLACEHOLDER_ACCOUNT", "Assembly", "Role", "Stack", "load_assembly"]

#: Resource type → (the property holding its resource policy, the attribute that names it).
_RESOURCE_POLICY = {
    "AWS::KMS::Key": ("KeyPolicy", "Arn"),
    "AWS::SageMaker::ModelPackageGroup": ("ModelPackageGroupPolicy", "ModelPackageGroupArn"),
    "AWS::ECR::Repository": ("RepositoryPolicyText", "Arn"),
}

#: The account id given to an environment-agnostic stack (AWS's documentation example account).
PLACEHOLDER_ACCOUNT = "111122223333"
PLACEHOLDER_REGION = "us-east-1"
_ACCOUNT = re.compile(r"^\d{12}$")


@dataclass
class Stack:
    """One stack of the assembly: its template (parsed), name, account and region."""

    name: str
    file: str
    account: str
    region: str
    data: dict[str, Any]
    resolver: Resolver = field(init=False)

    def __post_init__(self) -> None:
        self.resolver = Resolver(self.data)

    @property
    def resources(self) -> dict[str, Any]:
        value = self.data.get("Resources")
        return value if isinstance(value, dict) else {}

    def path_of(self, logical_id: str) -> str:
        return str(self.resources.get(logical_id, {}).get("Metadata", {}).get("aws:cdk:path", ""))


@dataclass
class Role:
    """An IAM role of the assembly and what applies to its sessions."""

    arn: str
    stack: Stack
    logical_id: str
    trust: Policy
    identity: list[Policy] = field(default_factory=list)
    boundary: Policy | None = None
    tags: dict[str, str] = field(default_factory=dict)
    aws_managed: list[str] = field(default_factory=list)  # ARNs of attached AWS managed policies

    @property
    def path(self) -> str:
        return self.stack.path_of(self.logical_id)

    def principal(
        self,
        session_tags: Mapping[str, str] | None = None,
        scps: tuple[Policy, ...] = (),
        session_policies: tuple[Policy, ...] = (),
    ) -> Principal:
        """The role's session; session tags override the role's tags (AWS: id_session-tags);
        ``session_policies``: those passed to AssumeRole (they narrow the session, :mod:`.evaluator`)."""
        tags = {**self.tags, **(session_tags or {})}
        identity = (*self.identity, *(aws_managed_policy(arn) for arn in self.aws_managed))
        account, boundary = self.stack.account, self.boundary
        return Principal(self.arn, account, identity, boundary, scps, tags, session_policies=session_policies)


def _lower_name(stack: Stack, logical_id: str) -> str:
    return f"{stack.name}-{logical_id}".lower()[:63]


class _Names:
    """Names and ARNs of resources, as Ref and Fn::GetAtt return them."""

    def __init__(self, stack: Stack, resolve: Any):
        self.stack, self.resolve = stack, resolve

    def _prop(self, logical_id: str, name: str) -> Any:
        props = self.stack.resources.get(logical_id, {}).get("Properties") or {}
        return self.resolve(props[name]) if name in props else None

    def _prefix(self, service: str, *, regional: bool = True) -> str:
        region = self.stack.region if regional else ""
        return f"arn:aws:{service}:{region}:{self.stack.account}:"

    def value(self, logical_id: str, attribute: str | None) -> str:  # noqa: C901 - one case per type
        stack = self.stack
        rtype = str(stack.resources.get(logical_id, {}).get("Type", ""))
        lid = logical_id.lower()
        if rtype == "AWS::IAM::Role":
            name = self._prop(logical_id, "RoleName") or f"{stack.name}-{logical_id}"[:64]
            path = self._prop(logical_id, "Path") or "/"
            return (
                f"arn:aws:iam::{stack.account}:role{path}{name}"
                if attribute == "Arn"
                else ("AROA" + lid.upper()[:17] if attribute == "RoleId" else name)
            )
        if rtype == "AWS::IAM::ManagedPolicy":
            name = self._prop(logical_id, "ManagedPolicyName") or f"{stack.name}-{logical_id}"
            return f"arn:aws:iam::{stack.account}:policy{self._prop(logical_id, 'Path') or '/'}{name}"
        if rtype == "AWS::S3::Bucket":
            name = self._prop(logical_id, "BucketName") or _lower_name(stack, logical_id)
            return f"arn:aws:s3:::{name}" if attribute == "Arn" else name
        if rtype == "AWS::KMS::Key":
            return self._prefix("kms") + f"key/{lid}" if attribute == "Arn" else lid
        if rtype == "AWS::SNS::Topic":
            arn = self._prefix("sns") + str(
                self._prop(logical_id, "TopicName") or f"{stack.name}-{logical_id}"
            )
            return arn.rsplit(":", 1)[1] if attribute == "TopicName" else arn
        if rtype == "AWS::SageMaker::Endpoint":
            name = self._prop(logical_id, "EndpointName") or _lower_name(stack, logical_id)
            return (
                name
                if attribute == "EndpointName"
                else self._prefix("sagemaker") + f"endpoint/{name.lower()}"
            )
        if rtype == "AWS::SageMaker::Domain":
            domain_id = f"d-{lid[:12]}"
            return (
                self._prefix("sagemaker") + f"domain/{domain_id}" if attribute == "DomainArn" else domain_id
            )
        if rtype == "AWS::SageMaker::UserProfile":
            name = self._prop(logical_id, "UserProfileName") or lid
            domain = self._prop(logical_id, "DomainId") or "d-unknown"
            return self._prefix("sagemaker") + f"user-profile/{domain}/{name}" if attribute else name
        if rtype == "AWS::SageMaker::FeatureGroup":
            name = self._prop(logical_id, "FeatureGroupName") or lid
            return self._prefix("sagemaker") + f"feature-group/{str(name).lower()}" if attribute else name
        if rtype == "AWS::SageMaker::MlflowTrackingServer":
            name = self._prop(logical_id, "TrackingServerName") or lid
            arn = self._prefix("sagemaker") + f"mlflow-tracking-server/{name}"
            return arn if attribute in ("Arn", "TrackingServerArn") else name
        if rtype == "AWS::SageMaker::ModelPackageGroup":
            name = self._prop(logical_id, "ModelPackageGroupName") or lid
            return self._prefix("sagemaker") + f"model-package-group/{str(name).lower()}"
        if rtype == "AWS::ECR::Repository":
            name = self._prop(logical_id, "RepositoryName") or _lower_name(stack, logical_id)
            return self._prefix("ecr") + f"repository/{name}" if attribute == "Arn" else name
        if rtype == "AWS::CloudTrail::Trail":
            name = self._prop(logical_id, "TrailName") or f"{stack.name}-{logical_id}"
            return self._prefix("cloudtrail") + f"trail/{name}" if attribute == "Arn" else name
        if rtype == "AWS::Logs::LogGroup":
            name = self._prop(logical_id, "LogGroupName") or f"{stack.name}-{logical_id}"
            return self._prefix("logs") + f"log-group:{name}:*" if attribute == "Arn" else name
        short = {
            "AWS::EC2::VPCEndpoint": "vpce",
            "AWS::EC2::Subnet": "subnet",
            "AWS::EC2::VPC": "vpc",
            "AWS::EC2::SecurityGroup": "sg",
        }.get(rtype)
        if short:
            return f"{short}-{lid}"
        if attribute in (None, "Arn") and "::" in rtype:
            return self._prefix(rtype.split("::")[1].lower()) + f"{lid}"
        return f"{lid}.{attribute}" if attribute else lid


class Assembly:
    """The stacks of a cloud assembly (nested stage assemblies included), resolved.

    :param stacks: the stacks; exports are shared among stacks of the same account and region.
    """

    def __init__(self, stacks: list[Stack]):
        self.stacks = stacks
        self._exports: dict[tuple[str, str, str], tuple[Stack, Any]] = {}
        for stack in stacks:
            for output in (stack.data.get("Outputs") or {}).values():
                name = output.get("Export", {}).get("Name") if isinstance(output, dict) else None
                if isinstance(name, str):
                    self._exports[(stack.account, stack.region, name)] = (stack, output.get("Value"))
        self.roles: dict[str, Role] = {}
        self.resource_policies: dict[str, list[Policy]] = {}
        self.endpoint_policies: dict[tuple[str, str], Policy] = {}  # (account, endpoint id) → policy
        self.ids: dict[str, str] = {}  # logical id / construct path / ARN → ARN (or name)
        self.tags: dict[str, dict[str, str]] = {}  # ARN → the resource's tags
        self.accounts: dict[str, str] = {}  # ARN → the account of the stack that defines it
        self.managed: dict[str, Policy] = {}  # managed policy ARN → document
        self.grants: list[Grant] = []  # the KMS grants that exist at run time (:mod:`.kms_grants`)
        self.notes: list[str] = []  # what the model assumes beyond the templates (:mod:`.bootstrap`)
        for stack in stacks:
            self._index(stack)
        for stack in stacks:
            for lid, res in stack.resources.items():
                self._attach(stack, lid, res.get("Type"), res.get("Properties") or {})

    # -- resolution ------------------------------------------------------------------------------

    def resolve(self, stack: Stack, value: Any, depth: int = 0) -> Any:  # noqa: C901 - one case per function
        """``value`` with its intrinsics replaced by strings (see the module docstring)."""
        if depth > 40:
            return "${nesting}"
        if isinstance(value, list):
            return [self.resolve(stack, v, depth + 1) for v in value]
        if not isinstance(value, dict):
            return value
        if len(value) != 1 or not next(iter(value)).startswith(("Ref", "Fn::")):
            return {k: self.resolve(stack, v, depth + 1) for k, v in value.items()}
        ((key, args),) = value.items()
        again = lambda v: self.resolve(stack, v, depth + 1)  # noqa: E731
        if key == "Ref":
            return self._ref(stack, str(args))
        if key == "Fn::GetAtt":
            lid, attr = args.split(".", 1) if isinstance(args, str) else args
            return _Names(stack, again).value(str(lid), str(again(attr)))
        if key == "Fn::Join":
            return str(again(args[0])).join(str(again(v)) for v in as_items(again(args[1])))
        if key == "Fn::Sub":
            text, variables = (args, {}) if isinstance(args, str) else (args[0], args[1])
            return re.sub(
                r"\$\{([^!}][^}]*)\}", lambda m: self._sub(stack, m.group(1), variables, again), text
            )
        if key == "Fn::Select":
            items = as_items(again(args[1]))
            index = int(again(args[0]))
            return items[index] if 0 <= index < len(items) else "${select}"
        if key == "Fn::Split":
            return str(again(args[1])).split(str(args[0]))
        if key == "Fn::If":
            return again(args[2] if stack.resolver.condition(str(args[0])) is False else args[1])
        if key == "Fn::ImportValue":
            found = self._exports.get((stack.account, stack.region, str(again(args))))
            return (
                self.resolve(found[0], found[1], depth + 1) if found else "${import " + str(again(args)) + "}"
            )
        if key == "Fn::GetAZs":
            return [f"{stack.region}{z}" for z in "abc"]
        return "${" + key + "}"

    def _sub(self, stack: Stack, name: str, variables: Mapping[str, Any], again: Any) -> str:
        if name in variables:
            return str(again(variables[name]))
        if "." in name and not name.startswith("AWS::"):
            lid, attr = name.split(".", 1)
            return _Names(stack, again).value(lid, attr)
        return str(self._ref(stack, name))

    def _ref(self, stack: Stack, name: str) -> Any:
        pseudo = {
            "AWS::AccountId": stack.account,
            "AWS::Region": stack.region,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::StackName": stack.name,
            "AWS::NoValue": None,
        }
        if name in pseudo:
            return pseudo[name]
        parameter = (stack.data.get("Parameters") or {}).get(name)
        if isinstance(parameter, dict):
            return parameter.get("Default", "${" + name + "}")
        if name in stack.resources:
            rtype = stack.resources[name].get("Type")
            attr = (
                "Arn"
                if rtype
                in ("AWS::SNS::Topic", "AWS::SageMaker::Endpoint", "AWS::SageMaker::ModelPackageGroup")
                else None
            )
            return _Names(stack, lambda v: self.resolve(stack, v)).value(name, attr)
        return "${" + name + "}"

    # -- indexing --------------------------------------------------------------------------------

    def _policy(self, stack: Stack, logical_id: str, document: Any, kind: Any) -> Policy:
        resolved = self.resolve(stack, document)
        if isinstance(resolved, str):
            resolved = json.loads(resolved)
        return Policy(resolved if isinstance(resolved, dict) else {}, kind, Path(stack.file).name, logical_id)

    def _index(self, stack: Stack) -> None:
        names = _Names(stack, lambda v: self.resolve(stack, v))
        for lid, res in stack.resources.items():
            props, rtype = res.get("Properties") or {}, res.get("Type")
            arn = names.value(lid, "Arn")
            self.accounts.setdefault(arn, stack.account)
            for key in (lid, f"{stack.name}/{lid}", stack.path_of(lid), arn):
                if key:
                    self.ids.setdefault(key, arn)
            tags = props.get("Tags")
            if isinstance(tags, list):
                self.tags[arn] = {
                    str(t.get("Key")): str(t.get("Value"))
                    for t in self.resolve(stack, tags)
                    if isinstance(t, dict)
                }
            if rtype == "AWS::IAM::ManagedPolicy":
                self.managed[arn] = self._policy(stack, lid, props.get("PolicyDocument"), "identity")
            elif rtype == "AWS::IAM::Role":
                self._role(stack, lid, props, arn)

    def _role(self, stack: Stack, lid: str, props: dict[str, Any], arn: str) -> None:
        role = Role(
            arn, stack, lid, self._policy(stack, lid, props.get("AssumeRolePolicyDocument"), "resource")
        )
        for inline in props.get("Policies") or []:
            role.identity.append(self._policy(stack, lid, inline.get("PolicyDocument"), "identity"))
        tags = self.resolve(stack, props.get("Tags") or [])
        role.tags = {str(t["Key"]): str(t["Value"]) for t in tags if isinstance(t, dict)}
        self.roles[arn] = role

    def _attach(self, stack: Stack, lid: str, rtype: Any, props: dict[str, Any]) -> None:
        def resolve(value: Any) -> Any:
            return self.resolve(stack, value)

        if rtype == "AWS::IAM::Role":
            self._attach_role(self.roles[_Names(stack, resolve).value(lid, "Arn")], props, resolve)
        elif rtype in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            policy = self._policy(stack, lid, props.get("PolicyDocument"), "identity")
            for name in resolve(props.get("Roles") or []):
                for role in self.roles.values():
                    if role.arn.rsplit("/", 1)[-1] == name and role.stack.account == stack.account:
                        role.identity.append(policy)
        elif rtype == "AWS::S3::BucketPolicy":
            bucket = f"arn:aws:s3:::{resolve(props.get('Bucket'))}"
            self._add(bucket, self._policy(stack, lid, props.get("PolicyDocument"), "resource"))
        elif rtype == "AWS::SNS::TopicPolicy":
            policy = self._policy(stack, lid, props.get("PolicyDocument"), "resource")
            for topic in resolve(props.get("Topics") or []):
                self._add(str(topic), policy)
        elif rtype == "AWS::EC2::VPCEndpoint" and "PolicyDocument" in props:
            endpoint = (stack.account, _Names(stack, resolve).value(lid, None))
            self.endpoint_policies[endpoint] = self._policy(stack, lid, props["PolicyDocument"], "endpoint")
        elif rtype in _RESOURCE_POLICY and _RESOURCE_POLICY[rtype][0] in props:
            prop, attribute = _RESOURCE_POLICY[rtype]
            arn = _Names(stack, resolve).value(lid, attribute)
            self._add(arn, self._policy(stack, lid, props[prop], "resource"))

    def _attach_role(self, role: Role, props: dict[str, Any], resolve: Any) -> None:
        for ref in resolve(props.get("ManagedPolicyArns") or []):
            if ref in self.managed:
                role.identity.append(self.managed[ref])
            elif str(ref).startswith(AWS_MANAGED_PREFIX):
                role.aws_managed.append(str(ref))
        found = (
            self.managed.get(resolve(props["PermissionsBoundary"]))
            if "PermissionsBoundary" in props
            else None
        )
        if found:
            role.boundary = Policy(found.document, "boundary", found.template, found.logical_id)

    def _add(self, arn: str, policy: Policy) -> None:
        self.resource_policies.setdefault(arn, []).append(policy)

    # -- lookups ---------------------------------------------------------------------------------

    def find(self, name: str) -> str:
        """The ARN of a logical id, construct path (with or without ``/Resource``) or ARN.

        :raises InputError: naming ``name`` when nothing matches, with close matches.
        """
        for candidate in (name, name.removesuffix("/Resource"), name + "/Resource"):
            if candidate in self.ids:
                return self.ids[candidate]
        if name.startswith("arn:") or name == "*":
            return name
        tails = {
            self.ids[k] for k in self.ids if k.endswith(("/" + name, "/" + name + "/Resource")) and "/" in k
        }
        if len(tails) == 1:
            return tails.pop()
        close = sorted(k for k in self.ids if name.lower() in k.lower())[:5]
        hint = f"; close: {', '.join(close)}" if close else "; give a logical id, a construct path or an ARN"
        raise InputError(f"{name!r} is no resource of the assembly{hint}")

    def knows(self, arn: str) -> bool:
        """True when ``arn`` (or, for an S3 object, its bucket) is a resource of the assembly."""
        known = set(self.ids.values())
        return arn in known or arn.split("/", 1)[0] in known

    def role(self, name: str) -> Role:
        arn = self.find(name)
        if arn not in self.roles:
            raise InputError(f"{name!r} is not an IAM role of the assembly (it resolves to {arn})")
        return self.roles[arn]

    def owner(self, resource: str) -> str | None:
        """The account that owns ``resource``: its stack's, else the account field of its ARN, else None."""
        bucket = resource.split("/", 1)[0] if resource.startswith("arn:aws:s3:::") else resource
        if bucket in self.accounts:
            return self.accounts[bucket]
        parts = resource.split(":")
        return parts[4] if len(parts) > 4 and _ACCOUNT.match(parts[4]) else None

    def policies_for(self, resource: str) -> tuple[Policy, ...]:
        """The resource policies that apply to ``resource``: a bucket's to its objects, a role's trust
        policy to sts:AssumeRole on it."""
        found = list(self.resource_policies.get(resource, ()))
        if resource in self.roles:
            found.append(self.roles[resource].trust)
        if resource.startswith("arn:aws:s3:::") and "/" in resource:
            found += self.resource_policies.get(resource.split("/", 1)[0], [])
        return tuple(found)

    def grants_for(self, resource: str) -> tuple[Grant, ...]:
        """The KMS grants on ``resource`` (a key's ARN) recorded in :attr:`grants`."""
        return tuple(grant for grant in self.grants if grant.key == resource)

    def roles_where(self, predicate: Any) -> Iterator[Role]:
        return (role for role in self.roles.values() if predicate(role))


def as_items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _manifest_stacks(directory: Path) -> Iterator[Stack]:
    manifest = json.loads((directory / "manifest.json").read_text())
    for artifact_id, artifact in (manifest.get("artifacts") or {}).items():
        kind = artifact.get("type")
        props = artifact.get("properties") or {}
        if kind == "cdk:cloud-assembly":
            yield from _manifest_stacks(directory / props["directoryName"])
        elif kind == "aws:cloudformation:stack":
            env = str(artifact.get("environment", "aws://unknown-account/unknown-region"))
            account, _, region = env.removeprefix("aws://").partition("/")
            file = directory / props["templateFile"]
            yield Stack(
                str(props.get("stackName", artifact_id)),
                str(file),
                account if _ACCOUNT.match(account) else PLACEHOLDER_ACCOUNT,
                region if region and not region.startswith("unknown") else PLACEHOLDER_REGION,
                json.loads(file.read_text()),
            )


def load_assembly(path: str | Path) -> Assembly:
    """The assembly at ``path``: a cdk.out directory (its manifest.json, nested stages included), or
    templates (a directory of them, or one file) without a manifest.

    :raises InputError: the path is missing or holds no template.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file or directory; give a cdk.out directory (run 'make synth')")
    if path.is_dir() and (path / "manifest.json").is_file():
        stacks = list(_manifest_stacks(path))
    else:
        stacks = [
            Stack(
                Path(t.file).stem.removesuffix(".template"),
                t.file,
                PLACEHOLDER_ACCOUNT,
                PLACEHOLDER_REGION,
                t.data,
            )
            for t in discover([path])
        ]
    if not stacks:
        raise InputError(f"{path}: no CloudFormation stack in it; give a cdk.out directory")
    notes = [note for note in (assumption(stacks),) if note]
    stacks += [Stack(*instance) for instance in bootstrap_stacks(stacks)]
    assembly = Assembly(stacks)
    assembly.notes = notes
    return assembly
