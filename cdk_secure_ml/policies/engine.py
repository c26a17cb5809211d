"""The policy engine: load CloudFormation templates, resolve intrinsics, run rules, collect findings.

Pure Python (json, PyYAML): no AWS CDK import, so ``secure-ml check`` starts in milliseconds.

Resolution happens within one template. A value the engine cannot compute (a ``Ref`` to a resource or
pseudo parameter, most ``Fn::GetAtt``, ``Fn::ImportValue``, a condition it cannot evaluate, …) becomes
an :class:`Unresolved`; rules that need such a value report a warning "cannot verify: …", never a pass.
"""

from __future__ import annotations

import base64
import json
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from .findings import Finding, Report

if TYPE_CHECKING:  # pragma: no cover
    from .rules import Rule

__all__ = [
    "NO_VALUE",
    "InputError",
    "Resource",
    "Template",
    "TemplateError",
    "Unresolved",
    "check_paths",
    "check_templates",
    "discover",
    "load_file",
    "load_template",
]

#: Key under a resource's ``Metadata`` that holds plain-template acknowledgements.
METADATA_KEY = "cdk_secure_ml"
#: The CDK validation plugin's name; CDK acknowledgement ids are ``cdk-secure-ml::<rule id>``.
PLUGIN_NAME = "cdk-secure-ml"
CDK_ACK_TYPE = "aws:cdk:acknowledged-rules"
CDK_LOGICAL_ID_TYPE = "aws:cdk:logicalId"
TEMPLATE_SUFFIXES = (".json", ".yaml", ".yml", ".template")
#: Files a cloud assembly holds beside its templates; skipped without being parsed.
_NON_TEMPLATE_NAMES = re.compile(
    r"^(manifest\.json|tree\.json|cdk\.json|cdk\.context\.json|package(-lock)?\.json|tsconfig\.json|"
    r".*validation-report\.json|.*\.assets\.json|.*\.metadata\.json)$"
)
_SKIPPED_DIRS = {"node_modules", "__pycache__", ".git", ".venv", "venv", ".tox"}
_MAX_DEPTH = 64


class InputError(Exception):
    """Bad usage or input that cannot be checked (missing path, not a template, empty directory)."""


class TemplateError(InputError):
    """A file that cannot be read or parsed; the message names the file and line."""

    def __init__(self, file: str, message: str, line: int | None = None, column: int | None = None):
        self.file, self.line, self.column = file, line, column
        where = file if line is None else f"{file}:{line}" + (f":{column}" if column else "")
        super().__init__(f"{where}: {message}")


# --------------------------------------------------------------------------------------------------
# Unresolved values


class _NoValue:
    """``Ref: AWS::NoValue``: the property is removed."""

    _instance: _NoValue | None = None

    def __new__(cls) -> _NoValue:  # noqa: PYI034 - a singleton
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NO_VALUE"


NO_VALUE = _NoValue()


class Unresolved:
    """A value the engine cannot compute from the template alone.

    ``expr`` describes it for messages (``Fn::GetAtt Key.Arn``); ``refs`` holds the logical ids of
    the template's resources it depends on (so "does this refer to resource X" stays answerable);
    ``text`` is a best-effort string with ``${...}`` placeholders for the unknown parts
    (``arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess``), or None when not a string.
    ``az`` is ``(region, index)`` for ``Fn::Select [index, Fn::GetAZs region]``: two subnets with
    different indexes over the same region are in different availability zones.
    """

    __slots__ = ("alternatives", "az", "expr", "refs", "text")

    def __init__(
        self,
        expr: str,
        refs: Iterable[str] = (),
        text: str | None = None,
        az: tuple[str, int] | None = None,
        alternatives: tuple[Any, ...] = (),
    ):
        self.expr = expr
        self.refs = frozenset(refs)
        self.text = text
        self.az = az
        self.alternatives = alternatives

    def __repr__(self) -> str:
        return f"Unresolved({self.expr!r})"

    def __str__(self) -> str:
        return self.expr

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Unresolved) and other.expr == self.expr

    def __hash__(self) -> int:
        return hash(("Unresolved", self.expr))


def _short(value: Any, limit: int = 80) -> str:
    text = json.dumps(value, default=str, separators=(",", ":"))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe(value: Any) -> str:
    """A short human description of a (possibly unresolved) value for messages."""
    if isinstance(value, Unresolved):
        return value.expr
    return _short(value)


def _text_of(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, Unresolved):
        return value.text if value.text is not None else "${" + value.expr + "}"
    return None


def _refs_of(value: Any) -> set[str]:
    """Logical ids an (already resolved) value depends on."""
    found: set[str] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, Unresolved):
            found |= item.refs
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


# --------------------------------------------------------------------------------------------------
# Loading


def _yaml_loader_base() -> type:
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class CfnYamlLoader(_yaml_loader_base()):  # type: ignore[misc]
    """SafeLoader with CloudFormation's short-form intrinsics (``!Ref``, ``!GetAtt``, ``!Sub`` …).

    Timestamps are not converted (``Version: 2012-10-17`` stays a string, as CloudFormation reads it).
    """


CfnYamlLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in CfnYamlLoader.yaml_implicit_resolvers.items()
}


def _construct_node(loader: yaml.Loader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_mapping(node, deep=True)


def _make_constructor(key: str):
    def construct(loader: yaml.Loader, node: yaml.Node) -> dict[str, Any]:
        return {key: _construct_node(loader, node)}

    return construct


def _construct_getatt(loader: yaml.Loader, node: yaml.Node) -> dict[str, Any]:
    value = _construct_node(loader, node)
    if isinstance(value, str):
        logical_id, _, attribute = value.partition(".")
        return {"Fn::GetAtt": [logical_id, attribute]}
    return {"Fn::GetAtt": value}


SHORT_FORMS = (
    "Base64", "Cidr", "FindInMap", "GetAZs", "ImportValue", "Join", "Select", "Split", "Sub",
    "Transform", "If", "Equals", "Not", "And", "Or", "Contains", "Length", "ToJsonString",
)  # fmt: skip
for _name in SHORT_FORMS:
    CfnYamlLoader.add_constructor(f"!{_name}", _make_constructor(f"Fn::{_name}"))
CfnYamlLoader.add_constructor("!Ref", _make_constructor("Ref"))
CfnYamlLoader.add_constructor("!Condition", _make_constructor("Condition"))
CfnYamlLoader.add_constructor("!GetAtt", _construct_getatt)


def _is_json_text(path: Path, text: str) -> bool:
    if path.suffix.lower() == ".json":
        return True
    if path.suffix.lower() in (".yaml", ".yml"):
        return False
    return text.lstrip().startswith("{")


def load_file(path: Path | str, display: str | None = None) -> Any:
    """Parse a JSON or YAML file. Raises :class:`TemplateError` naming the file and line."""
    path = Path(path)
    name = display or str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise TemplateError(name, f"not UTF-8 text ({error.reason} at byte {error.start})") from None
    except OSError as error:
        raise TemplateError(name, f"cannot read: {error.strerror or error}") from None
    if _is_json_text(path, text):
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise TemplateError(name, f"invalid JSON: {error.msg}", error.lineno, error.colno) from None
    try:
        return yaml.load(text, Loader=CfnYamlLoader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = " ".join(part for part in (error.context, error.problem) if part) or "syntax error"
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        raise TemplateError(name, f"invalid YAML: {problem}", line, column) from None
    except yaml.YAMLError as error:
        raise TemplateError(name, f"invalid YAML: {error}") from None


def is_template(data: Any) -> bool:
    """A CloudFormation template is a mapping with a ``Resources`` mapping."""
    return isinstance(data, dict) and isinstance(data.get("Resources"), dict)


def load_template(path: Path | str, display: str | None = None) -> Template:
    """Load one template; a file that parses but is not a template is an :class:`InputError`."""
    name = display or str(path)
    data = load_file(path, name)
    if not is_template(data):
        raise InputError(f"{name}: not a CloudFormation template (no 'Resources' mapping)")
    return Template(data, name)


def _candidate_files(directory: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(directory):
        # asset.* folders of a cloud assembly hold Lambda code and the like, never templates.
        dirs[:] = sorted(
            d for d in dirs if d not in _SKIPPED_DIRS and not d.startswith(".") and not d.startswith("asset.")
        )
        for file in sorted(files):
            if file.lower().endswith(TEMPLATE_SUFFIXES) and not _NON_TEMPLATE_NAMES.match(file):
                yield Path(root, file)


def discover(paths: Sequence[Path | str]) -> list[Template]:
    """Load every template named by ``paths`` (files, or directories searched recursively).

    In a directory, files that parse but are not templates are skipped; a file named directly that
    is not a template, a missing path, a directory without templates, or unparsable input raise.
    """
    if not paths:
        raise InputError("no PATH given: name template files or directories (such as cdk.out)")
    templates: list[Template] = []
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise InputError(f"{raw}: no such file or directory")
        if path.is_dir():
            found = 0
            for file in _candidate_files(path):
                real = file.resolve()
                if real in seen:
                    found += 1
                    continue
                data = load_file(file)
                if is_template(data):
                    seen.add(real)
                    templates.append(Template(data, str(file)))
                    found += 1
            if not found:
                raise InputError(
                    f"{raw}: no CloudFormation templates found (looked for {', '.join(TEMPLATE_SUFFIXES)} "
                    "files with a 'Resources' mapping)"
                )
        else:
            real = path.resolve()
            if real in seen:
                continue
            seen.add(real)
            templates.append(load_template(path, str(raw)))
    return templates


# --------------------------------------------------------------------------------------------------
# Templates and intrinsic resolution

PSEUDO_PARAMETERS = {
    "AWS::AccountId", "AWS::NotificationARNs", "AWS::Partition", "AWS::Region", "AWS::StackId",
    "AWS::StackName", "AWS::URLSuffix",
}  # fmt: skip
#: ``Fn::GetAtt`` attributes that are just a property of the resource.
_ATTRIBUTE_IS_PROPERTY = {
    ("AWS::EC2::Subnet", "AvailabilityZone"): "AvailabilityZone",
    ("AWS::EC2::VPC", "CidrBlock"): "CidrBlock",
}
_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")


class Resource:
    """One resource of a template, with its properties resolved as far as the template allows."""

    def __init__(self, template: Template, logical_id: str, raw: dict[str, Any]):
        self.template = template
        self.logical_id = logical_id
        self.raw = raw
        self.type: str = raw.get("Type", "") if isinstance(raw.get("Type"), str) else ""
        metadata = raw.get("Metadata")
        self.metadata: dict[str, Any] = metadata if isinstance(metadata, dict) else {}

    @cached_property
    def properties(self) -> dict[str, Any]:
        raw = self.raw.get("Properties")
        if raw is None:
            return {}
        resolved = self.template.resolve(raw)
        if isinstance(resolved, dict):
            return resolved
        # Properties as a whole behind an unresolvable Fn::If and the like.
        return {"__unresolved__": resolved}

    @property
    def path(self) -> str:
        """The construct path for CDK-synthesized templates, else the logical id."""
        return str(self.metadata.get("aws:cdk:path", self.logical_id))

    def __repr__(self) -> str:
        return f"Resource({self.logical_id!r}, {self.type!r})"


class Template:
    """A parsed template plus the lookups rules need (resources by type, references, a shared cache)."""

    def __init__(self, data: dict[str, Any], file: str):
        self.data = data
        self.file = file
        self.parameters: dict[str, Any] = _mapping(data.get("Parameters"))
        self.mappings: dict[str, Any] = _mapping(data.get("Mappings"))
        self.conditions: dict[str, Any] = _mapping(data.get("Conditions"))
        self.resources: dict[str, Resource] = {
            lid: Resource(self, lid, raw) for lid, raw in data["Resources"].items() if isinstance(raw, dict)
        }
        self.by_type: dict[str, list[Resource]] = {}
        for resource in self.resources.values():
            self.by_type.setdefault(resource.type, []).append(resource)
        #: Free for rules to memoise cross-resource indexes in (key by rule id or purpose).
        self.cache: dict[str, Any] = {}
        self._condition_values: dict[str, bool | None] = {}
        self._evaluating: set[str] = set()
        self._logical_paths: dict[str, str] = {}

    @cached_property
    def cdk_acknowledgements(self) -> dict[str, dict[str, str]]:
        """``{construct path: {rule id: reason}}`` acknowledged with CDK's
        ``Validations.of(c).acknowledge(Acknowledgment(id="cdk-secure-ml::SML-…"))``, read from the
        cloud assembly beside the template (``<stack>.metadata.json``, or the artifact's metadata in
        ``manifest.json``). Empty for plain templates."""
        path = Path(self.file)
        if not path.name.endswith(".template.json"):
            return {}
        metadata: Any = None
        sidecar = path.with_name(path.name.removesuffix(".template.json") + ".metadata.json")
        try:
            if sidecar.is_file():
                metadata = json.loads(sidecar.read_text(encoding="utf-8"))
            elif path.with_name("manifest.json").is_file():
                manifest = json.loads(path.with_name("manifest.json").read_text(encoding="utf-8"))
                for artifact in _mapping(manifest.get("artifacts")).values():
                    if _mapping(artifact.get("properties")).get("templateFile") == path.name:
                        metadata = artifact.get("metadata")
        except (OSError, ValueError):
            return {}  # no acknowledgements: more findings, never fewer
        found: dict[str, dict[str, str]] = {}
        for construct_path, entries in _mapping(metadata).items():
            for entry in entries if isinstance(entries, list) else ():
                if isinstance(entry, dict) and entry.get("type") == CDK_LOGICAL_ID_TYPE:
                    # Apps synthesized without path metadata still record path -> logical id here.
                    self._logical_paths[str(entry.get("data"))] = construct_path.strip("/")
                if not (isinstance(entry, dict) and entry.get("type") == CDK_ACK_TYPE):
                    continue
                for ack_id, reason in _mapping(entry.get("data")).items():
                    plugin, _, rule_id = str(ack_id).partition("::")
                    if plugin == PLUGIN_NAME and rule_id:
                        found.setdefault(construct_path.strip("/"), {})[rule_id] = str(reason or "")
        return found

    def cdk_acknowledgements_for(self, resource: Resource) -> dict[str, str]:
        """CDK acknowledgements on the resource's construct or any of its parents."""
        acks = self.cdk_acknowledgements
        path = resource.metadata.get("aws:cdk:path") or self._logical_paths.get(resource.logical_id)
        if not acks or not isinstance(path, str):
            return {}
        merged: dict[str, str] = {}
        parts = path.strip("/").split("/")
        for end in range(1, len(parts) + 1):  # parents first, the closest acknowledgement wins
            merged.update(acks.get("/".join(parts[:end]), {}))
        return merged

    def of_type(self, *types: str) -> list[Resource]:
        return [r for t in types for r in self.by_type.get(t, ())]

    def is_created(self, resource: Resource) -> bool | None:
        """False when the resource's ``Condition`` is known false; None when it cannot be evaluated."""
        name = resource.raw.get("Condition")
        if name is None:
            return True
        return self.condition(name) if isinstance(name, str) else None

    # -- conditions --------------------------------------------------------------------------------

    def condition(self, name: str) -> bool | None:
        """The value of a named condition, or None when it depends on something unresolvable."""
        if name in self._condition_values:
            return self._condition_values[name]
        if name not in self.conditions or name in self._evaluating:
            return None
        self._evaluating.add(name)
        try:
            value = self._evaluate(self.conditions[name], 0)
        finally:
            self._evaluating.discard(name)
        self._condition_values[name] = value
        return value

    def _evaluate(self, expr: Any, depth: int) -> bool | None:
        if depth > _MAX_DEPTH:
            return None
        if isinstance(expr, bool):
            return expr
        if isinstance(expr, str) and expr.lower() in ("true", "false"):
            return expr.lower() == "true"
        if not (isinstance(expr, dict) and len(expr) == 1):
            return None
        ((key, args),) = expr.items()
        if key == "Condition" and isinstance(args, str):
            return self.condition(args)
        if key == "Fn::Equals" and isinstance(args, list) and len(args) == 2:
            left, right = (self.resolve(arg) for arg in args)
            if _contains_unresolved(left) or _contains_unresolved(right):
                return None
            return _scalar_key(left) == _scalar_key(right)
        if key == "Fn::Not" and isinstance(args, list) and len(args) == 1:
            inner = self._evaluate(args[0], depth + 1)
            return None if inner is None else not inner
        if key in ("Fn::And", "Fn::Or") and isinstance(args, list) and args:
            values = [self._evaluate(arg, depth + 1) for arg in args]
            if key == "Fn::And":
                if False in values:
                    return False
                return None if None in values else True
            if True in values:
                return True
            return None if None in values else False
        return None

    # -- intrinsics --------------------------------------------------------------------------------

    def resolve(self, value: Any, depth: int = 0) -> Any:
        """``value`` with intrinsics replaced by their values, or :class:`Unresolved` where unknown."""
        if depth > _MAX_DEPTH:
            return Unresolved("(nesting too deep)")
        if isinstance(value, dict):
            if len(value) == 1:
                ((key, args),) = value.items()
                if key == "Ref" or key.startswith("Fn::"):
                    return self._intrinsic(key, args, depth + 1)
            out = {}
            for key, item in value.items():
                resolved = self.resolve(item, depth + 1)
                if resolved is not NO_VALUE:
                    out[key] = resolved
            return out
        if isinstance(value, list):
            items = (self.resolve(item, depth + 1) for item in value)
            return [item for item in items if item is not NO_VALUE]
        return value

    def _intrinsic(self, key: str, args: Any, depth: int) -> Any:
        handler = getattr(self, "_fn_" + key.removeprefix("Fn::").replace("::", "_"), None)
        if key == "Ref":
            return self._ref(args, depth)
        if handler is None:
            return Unresolved(f"{key} {_short(args, 60)}", _refs_of(self.resolve(args, depth)))
        return handler(args, depth)

    def _ref(self, name: Any, depth: int) -> Any:
        if not isinstance(name, str):
            return Unresolved(f"Ref {_short(name)}")
        if name == "AWS::NoValue":
            return NO_VALUE
        if name in self.parameters:
            param = _mapping(self.parameters[name])
            ptype = str(param.get("Type", ""))
            if ptype.startswith("AWS::SSM::Parameter::Value") or "Default" not in param:
                return Unresolved(f"Ref {name}", text="${" + name + "}")
            default = param["Default"]
            if (ptype == "CommaDelimitedList" or ptype.startswith("List<")) and isinstance(default, str):
                return [item.strip() for item in default.split(",")]
            return default
        if name in self.resources:
            return Unresolved(f"Ref {name}", {name}, text="${" + name + "}")
        return Unresolved(f"Ref {name}", text="${" + name + "}")

    def _fn_GetAtt(self, args: Any, depth: int) -> Any:
        if isinstance(args, str):
            logical_id, _, attribute = args.partition(".")
        elif isinstance(args, list) and len(args) == 2:
            logical_id, attribute = args[0], self.resolve(args[1], depth)
        else:
            return Unresolved(f"Fn::GetAtt {_short(args)}")
        if not isinstance(logical_id, str) or not isinstance(attribute, str):
            return Unresolved(f"Fn::GetAtt {_short(args)}", _refs_of(logical_id))
        resource = self.resources.get(logical_id)
        if resource is not None:
            prop = _ATTRIBUTE_IS_PROPERTY.get((resource.type, attribute))
            raw = resource.raw.get("Properties")
            if prop and isinstance(raw, dict) and prop in raw:
                return self.resolve(raw[prop], depth)
        refs = {logical_id} if resource is not None else set()
        return Unresolved(
            f"Fn::GetAtt {logical_id}.{attribute}", refs, text="${" + f"{logical_id}.{attribute}" + "}"
        )

    def _fn_Join(self, args: Any, depth: int) -> Any:
        if not (isinstance(args, list) and len(args) == 2):
            return Unresolved(f"Fn::Join {_short(args)}")
        delimiter, items = self.resolve(args[0], depth), self.resolve(args[1], depth)
        if not isinstance(delimiter, str):
            return Unresolved(f"Fn::Join {_short(args)}", _refs_of(items))
        if isinstance(items, Unresolved):
            return Unresolved(f"Fn::Join [{delimiter!r}, {items.expr}]", items.refs)
        if not isinstance(items, list):
            return Unresolved(f"Fn::Join {_short(args)}")
        texts = [_text_of(item) for item in items]
        if all(isinstance(item, (str, int, float)) and not isinstance(item, bool) for item in items):
            return delimiter.join(str(item) for item in items)
        text = None if None in texts else delimiter.join(t for t in texts if t is not None)
        return Unresolved(f"Fn::Join {_short(text) if text else _short(args)}", _refs_of(items), text=text)

    def _fn_Sub(self, args: Any, depth: int) -> Any:
        if isinstance(args, str):
            source, variables = args, {}
        elif isinstance(args, list) and len(args) == 2 and isinstance(args[0], str):
            source, variables = args[0], args[1] if isinstance(args[1], dict) else {}
        else:
            return Unresolved(f"Fn::Sub {_short(args)}")
        parts: list[Any] = []

        def substitute(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):
                parts.append("${" + name[1:] + "}")
                return parts[-1]
            if name in variables:
                value = self.resolve(variables[name], depth)
            elif "." in name:
                value = self._fn_GetAtt(name, depth)
            else:
                value = self._ref(name, depth)
            parts.append(value)
            text = _text_of(value)
            return text if text is not None else "${" + name + "}"

        text = _SUB_VARIABLE.sub(substitute, source)
        if all(not isinstance(part, Unresolved) and _text_of(part) is not None for part in parts):
            return text
        return Unresolved(f"Fn::Sub {_short(text)}", _refs_of(parts), text=text)

    def _fn_Select(self, args: Any, depth: int) -> Any:
        if not (isinstance(args, list) and len(args) == 2):
            return Unresolved(f"Fn::Select {_short(args)}")
        index, items = self.resolve(args[0], depth), self.resolve(args[1], depth)
        try:
            position = int(index)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return Unresolved(f"Fn::Select {_short(args)}", _refs_of(items))
        if isinstance(items, list):
            if 0 <= position < len(items):
                return items[position]
            return Unresolved(f"Fn::Select index {position} out of range")
        if isinstance(items, Unresolved):
            az = (items.az[0], position) if items.az and items.az[1] == -1 else None
            return Unresolved(f"Fn::Select [{position}, {items.expr}]", items.refs, az=az)
        return Unresolved(f"Fn::Select {_short(args)}")

    def _fn_GetAZs(self, args: Any, depth: int) -> Any:
        region = self.resolve(args, depth)
        key = region if isinstance(region, str) else describe(region)
        return Unresolved(f"Fn::GetAZs {key!r}", _refs_of(region), az=(key or "AWS::Region", -1))

    def _fn_Split(self, args: Any, depth: int) -> Any:
        if not (isinstance(args, list) and len(args) == 2):
            return Unresolved(f"Fn::Split {_short(args)}")
        delimiter, source = self.resolve(args[0], depth), self.resolve(args[1], depth)
        if isinstance(delimiter, str) and delimiter and isinstance(source, str):
            return source.split(delimiter)
        return Unresolved(f"Fn::Split {_short(args)}", _refs_of(source))

    def _fn_If(self, args: Any, depth: int) -> Any:
        if not (isinstance(args, list) and len(args) == 3 and isinstance(args[0], str)):
            return Unresolved(f"Fn::If {_short(args)}")
        value = self.condition(args[0])
        if value is True:
            return self.resolve(args[1], depth)
        if value is False:
            return self.resolve(args[2], depth)
        branches = (self.resolve(args[1], depth), self.resolve(args[2], depth))
        return Unresolved(
            f"Fn::If {args[0]} (condition not resolvable)", _refs_of(list(branches)), alternatives=branches
        )

    def _fn_FindInMap(self, args: Any, depth: int) -> Any:
        if not (isinstance(args, list) and len(args) in (3, 4)):
            return Unresolved(f"Fn::FindInMap {_short(args)}")
        keys = [self.resolve(arg, depth) for arg in args[:3]]
        if all(isinstance(k, (str, int)) for k in keys):
            level: Any = self.mappings.get(str(keys[0]))
            for k in keys[1:]:
                level = level.get(str(k)) if isinstance(level, dict) else None
            if level is not None:
                return self.resolve(level, depth)
            if len(args) == 4 and isinstance(args[3], dict) and "DefaultValue" in args[3]:
                return self.resolve(args[3]["DefaultValue"], depth)
        return Unresolved(f"Fn::FindInMap {_short(args)}", _refs_of(keys))

    def _fn_Base64(self, args: Any, depth: int) -> Any:
        value = self.resolve(args, depth)
        if isinstance(value, str):
            return base64.b64encode(value.encode()).decode()
        return Unresolved(f"Fn::Base64 {describe(value)}", _refs_of(value))

    def _fn_ImportValue(self, args: Any, depth: int) -> Any:
        value = self.resolve(args, depth)
        return Unresolved(f"Fn::ImportValue {describe(value)}", _refs_of(value))


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _contains_unresolved(value: Any) -> bool:
    if isinstance(value, Unresolved):
        return True
    if isinstance(value, list):
        return any(_contains_unresolved(v) for v in value)
    if isinstance(value, dict):
        return any(_contains_unresolved(v) for v in value.values())
    return False


def _scalar_key(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        return str(value)
    return json.dumps(value, sort_keys=True, default=str)


# --------------------------------------------------------------------------------------------------
# Running rules


@dataclass(frozen=True)
class Acknowledgement:
    rule: str
    reason: str


def acknowledgements(resource: Resource, cdk: bool = True) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """The valid acknowledgements ``{rule: reason}`` of a resource, plus problems
    ``[(rule_id, message)]`` (missing reason, malformed entry).

    Sources: the resource's ``Metadata.cdk_secure_ml.acknowledge`` and, when ``cdk`` is true, CDK
    acknowledgements recorded in the cloud assembly for the resource's construct path.
    """
    valid: dict[str, str] = {}
    problems: list[tuple[str, str]] = []
    if cdk:
        for rule, reason in resource.template.cdk_acknowledgements_for(resource).items():
            if reason.strip():
                valid[rule] = reason.strip()
            else:
                problems.append(("SML-META-1", f"CDK acknowledgement of {rule} has no reason"))
    block = resource.metadata.get(METADATA_KEY)
    if block is None:
        return valid, problems
    entries = block.get("acknowledge") if isinstance(block, dict) else None
    if not isinstance(entries, list):
        problems.append(
            ("SML-META-1", f"Metadata.{METADATA_KEY}.acknowledge must be a list of {{rule, reason}}")
        )
        return valid, problems
    for entry in entries:
        rule = entry.get("rule") if isinstance(entry, dict) else None
        reason = entry.get("reason") if isinstance(entry, dict) else None
        if not isinstance(rule, str) or not rule.strip():
            problems.append(("SML-META-1", f"acknowledgement {_short(entry)} names no rule id"))
        elif not isinstance(reason, str) or not reason.strip():
            problems.append(
                ("SML-META-1", f"acknowledgement of {rule} has no reason: give one a reviewer can judge")
            )
        else:
            valid[rule.strip()] = reason.strip()
    return valid, problems


def check_templates(
    templates: Sequence[Template], rules: Sequence[Rule] | None = None, *, cdk_acknowledgements: bool = True
) -> Report:
    """Run ``rules`` (default: the whole catalogue) over ``templates``.

    ``cdk_acknowledgements=False`` ignores acknowledgements recorded in a cloud assembly (the CDK
    plugin leaves those to CDK, which reports them as suppressed)."""
    from .rules import CATALOGUE, RULES_BY_ID, rules_for_type

    catalogue = list(rules) if rules is not None else CATALOGUE
    known_ids = set(RULES_BY_ID) | {r.id for r in catalogue}
    by_type: dict[str, list[Rule]] = {}
    findings: list[Finding] = []
    acknowledged: list[Finding] = []
    resources = 0
    input_files = {os.path.normpath(t.file) for t in templates}
    for template in templates:
        template.cache.setdefault("input_files", input_files)
        for resource in template.resources.values():
            if template.is_created(resource) is False:
                continue
            resources += 1
            acks, problems = acknowledgements(resource, cdk_acknowledgements)
            found: list[Finding] = []
            for rule_id, message in problems:
                found.append(_finding(template, resource, rule_id, "error", message))
            for rule_id in acks:
                if rule_id not in known_ids:
                    found.append(
                        _finding(
                            template,
                            resource,
                            "SML-META-2",
                            "warning",
                            f"acknowledges unknown rule {rule_id!r}",
                        )
                    )
            if resource.type not in by_type:
                by_type[resource.type] = rules_for_type(resource.type, catalogue)
            for rule in by_type[resource.type]:
                for violation in rule.run(resource, template):
                    found.append(
                        _finding(
                            template,
                            resource,
                            rule.id,
                            violation.severity or rule.severity,
                            violation.message,
                        )
                    )
            for finding in found:
                reason = acks.get(finding.rule)
                if reason is not None and not finding.rule.startswith("SML-META-"):
                    acknowledged.append(
                        Finding(**{**finding.__dict__, "acknowledged": True, "reason": reason})
                    )
                else:
                    findings.append(finding)
    return Report(
        findings=findings, acknowledged=acknowledged, files=[t.file for t in templates], resources=resources
    )


def _finding(template: Template, resource: Resource, rule: str, severity: Any, message: str) -> Finding:
    return Finding(rule, severity, template.file, resource.logical_id, resource.type, message)


def check_paths(paths: Sequence[Path | str], rules: Sequence[Rule] | None = None) -> Report:
    """Discover templates under ``paths`` and check them. Raises :class:`InputError` on bad input."""
    return check_templates(discover(paths), rules)
