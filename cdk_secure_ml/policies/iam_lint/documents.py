"""Policy documents in templates: where each kind lives (:data:`DOCUMENT_LOCATIONS`), and each document
made concrete for parliament (:class:`PolicyDocument`, :func:`extract_documents`).

Intrinsics the engine could not resolve become placeholders (:mod:`.placeholders`) that keep the ARN
shape; what cannot be derived is noted on the document ("cannot verify"), never silently passed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ..intrinsics import NO_VALUE, Unresolved
from ..template import Resource, Template
from .placeholders import (
    ACCOUNT,
    ARN_SHAPE,
    IAM_VARIABLE,
    PARAMETER_VALUES,
    PARTITION,
    PSEUDO_VALUES,
    RESOURCE_VALUES,
    hex_id,
    slug,
    tokens,
)

__all__ = ["DOCUMENT_LOCATIONS", "IAM_ORGANIZATIONS_TYPES", "PolicyDocument", "extract_documents"]

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

#: A part that cannot be linted at all (an unresolvable action, statement or document): left out, noted.
_DROP = object()


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
        if not name or ("::" not in name and IAM_VARIABLE.match(name)):
            return "${" + name + "}", True  # an IAM policy variable such as ${aws:username}: keep it
        if "::" in name or " " in name:  # an intrinsic the engine could not resolve (Fn::ImportValue …)
            return f"placeholder-{slug(name.split(' ')[0].removeprefix('Fn::'))}", False
        logical_id, _, attribute = name.partition(".")
        target = self.template.resources.get(logical_id)
        if target is not None:
            spec = RESOURCE_VALUES.get(target.type)
            if spec is not None:
                name_property, values = spec
                make = values.get(attribute or "Ref")
                if make is not None:
                    return make(self._resource_name(target, name_property), logical_id), True
            return f"placeholder-{slug(name)}", False
        if logical_id in self.template.parameters:
            param = self.template.parameters[logical_id]
            ptype = str(param.get("Type", "")) if isinstance(param, dict) else ""
            prefix = PARAMETER_VALUES.get(ptype)
            if prefix:
                return hex_id(prefix, logical_id), True
            return f"placeholder-{slug(logical_id)}", False
        return f"placeholder-{slug(name)}", False

    def _resource_name(self, target: Resource, name_property: str | None) -> str:
        if name_property:
            value = target.properties.get(name_property)
            if isinstance(value, str) and value:
                return value
        return slug(target.logical_id)

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
        found = tokens(value.text)
        whole = len(found) == 1 and found[0][:2] == (0, len(value.text))
        if whole or (element in ("Resource", "NotResource") and not ARN_SHAPE.match(text)):
            # Nothing derived, or the unknown part breaks the ARN shape (``${Fn::ImportValue X}/*``).
            return self._fallback(value, where, statement, text if whole else None)
        return text  # a placeholder name inside an ARN that keeps its shape

    def substitute(self, text: str) -> tuple[str, bool]:
        """``text`` with each token replaced; True when every value was derived."""
        out, last, derived = [], 0, True
        for start, end, name in tokens(text):
            value, known = self.token(name)
            out += [text[last:start], value]
            last, derived = end, derived and known
        out.append(text[last:])
        return "".join(out), derived

    def _fallback(self, value: Unresolved, where: str, statement: int | None, name: str | None = None) -> Any:
        """A value nothing can be derived for: "*" as a Resource, a placeholder role as a Principal, a
        placeholder name elsewhere."""
        name = name or f"placeholder-{slug(value.expr)}"
        element = where.split(".")[0]
        if element in ("Resource", "NotResource"):
            if statement is not None and element == "Resource":
                self.doc.star_placeholders.add(statement)
            self.doc.unverified.append((statement, f"{element} {value.expr} linted as '*'"))
            return "*"
        if element in ("Principal", "NotPrincipal"):
            placeholder = f"arn:{PARTITION}:iam::{ACCOUNT}:role/{name}"
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
            out[key] = self.statements(item)  # one statement or a list: the same to IAM
        return out

    def statements(self, item: Any) -> list[Any]:
        """The concrete statements of a ``Statement`` value, as a list (a list maps back to findings);
        a statement that cannot be linted is left out, and its notes name its position in the template."""
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
            if dropped:
                self.doc.unverified[notes:] = [
                    (None, f"Statement[{position}] not linted: {note}")
                    for _, note in self.doc.unverified[notes:]
                ]
                self.doc.star_placeholders.discard(index)
                continue
            concrete.append(statement)
            self.doc.positions.append(position)
        return concrete


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
    name = name if isinstance(name, str) and name else slug(resource.logical_id)
    path = path if isinstance(path, str) and path.startswith("/") and path.endswith("/") else "/"
    return f"arn:{PARTITION}:iam::{ACCOUNT}:role{path}{name}"


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
