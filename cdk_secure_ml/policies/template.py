"""Template loading: read CloudFormation templates (JSON or YAML), find them in directories, and model
them as :class:`Template` and :class:`Resource` for the rules.

The bottom layer of the policy engine: it imports only :mod:`.cfn_yaml` (YAML with the short forms),
:mod:`.intrinsics` (resolution), :mod:`.transforms`, json and PyYAML, never the rules or aws_cdk, so
``secure-ml check`` starts in milliseconds.

Line numbers: each resource knows the line of its logical id in its file (:attr:`Resource.line`), taken
from a parser, never from a text search. YAML templates are composed by PyYAML anyway, so their lines
come with the parse (the marks of the keys under ``Resources``). JSON is parsed with :func:`json.loads`;
its lines come from a second pass with :meth:`json.JSONDecoder.raw_decode` over the top-level members
and the keys under ``Resources`` (7 ms for the 31 templates, 1.4 MB, of the three reference configs;
composing the same text with PyYAML's C composer took 87 ms, which is why JSON does not go through it).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from .cfn_yaml import CfnYamlLoader, child_node, load_yaml, resource_lines
from .intrinsics import NO_VALUE, Resolver, Unresolved, describe
from .transforms import FOR_EACH_PREFIX, expand

__all__ = [
    "NO_VALUE",
    "CfnYamlLoader",
    "InputError",
    "Resource",
    "Template",
    "TemplateError",
    "Unresolved",
    "child_node",
    "describe",
    "discover",
    "is_template",
    "json_resource_lines",
    "load_file",
    "load_template",
    "load_yaml",
    "nested_template_path",
    "resource_lines",
]

TEMPLATE_SUFFIXES = (".json", ".yaml", ".yml", ".template")
#: Files a cloud assembly holds beside its templates; skipped without being parsed.
_NON_TEMPLATE_NAMES = re.compile(
    r"^(manifest\.json|tree\.json|cdk\.json|cdk\.context\.json|package(-lock)?\.json|tsconfig\.json|"
    r".*validation-report\.json|.*\.assets\.json|.*\.metadata\.json)$"
)
_SKIPPED_DIRS = {"node_modules", "__pycache__", ".git", ".venv", "venv", ".tox"}


class InputError(Exception):
    """Bad usage or input that cannot be checked (missing path, not a template, empty directory)."""


class TemplateError(InputError):
    """A file that cannot be read or parsed; the message names the file and line."""

    def __init__(self, file: str, message: str, line: int | None = None, column: int | None = None):
        self.file, self.line, self.column = file, line, column
        where = file if line is None else f"{file}:{line}" + (f":{column}" if column else "")
        super().__init__(f"{where}: {message}")


# --------------------------------------------------------------------------------------------------
# Line numbers of JSON templates (YAML's come with the nodes: .cfn_yaml.resource_lines)


_WHITESPACE_RE = re.compile(r"[ \t\n\r]*")  # JSON's insignificant whitespace


def _skip_whitespace(text: str, i: int) -> int:
    match = _WHITESPACE_RE.match(text, i)
    return match.end() if match else i
_JSON = json.JSONDecoder()


def _json_members(text: str, start: int) -> Iterator[tuple[str, int, int]]:
    """``(key, offset of the key, offset of the value)`` of the members of the JSON object at ``start``
    (valid JSON, as :func:`json.loads` accepted it); each value is skipped after it is yielded."""
    i = _skip_whitespace(text, start)
    if text[i] != "{":
        return
    i = _skip_whitespace(text, i + 1)
    while text[i] != "}":
        key, end = _JSON.raw_decode(text, i)
        value = _skip_whitespace(text, _skip_whitespace(text, end) + 1)  # past the ':'
        yield key, i, value
        i = _skip_whitespace(text, _JSON.raw_decode(text, value)[1])
        if text[i] == ",":
            i = _skip_whitespace(text, i + 1)


def json_resource_lines(text: str) -> dict[str, int]:
    """``{logical id: 1-based line of its key}`` under ``Resources`` of a JSON template's text.

    Duplicate keys map to their last occurrence, the one :func:`json.loads` keeps; text that is not a
    JSON object gives no lines."""
    try:
        starts = [value for key, _, value in _json_members(text, 0) if key == "Resources"]
        lines: dict[str, int] = {}
        line, last = 1, 0
        for logical_id, offset, _ in _json_members(text, starts[-1]) if starts else ():
            line, last = line + text.count("\n", last, offset), offset
            lines[logical_id] = line
        return lines
    except (ValueError, IndexError):
        return {}


# --------------------------------------------------------------------------------------------------
# Files


def _is_json_text(path: Path, text: str) -> bool:
    if path.suffix.lower() == ".json":
        return True
    if path.suffix.lower() in (".yaml", ".yml"):
        return False
    return text.lstrip().startswith("{")


def _read(path: Path, name: str) -> tuple[Any, dict[str, int]]:
    """``(data, {logical id: line})``. Raises :class:`TemplateError` naming the file and line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise TemplateError(name, f"not UTF-8 text ({error.reason} at byte {error.start})") from None
    except OSError as error:
        raise TemplateError(name, f"cannot read: {error.strerror or error}") from None
    if _is_json_text(path, text):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise TemplateError(name, f"invalid JSON: {error.msg}", error.lineno, error.colno) from None
        return data, json_resource_lines(text)
    try:
        data, node = load_yaml(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = " ".join(part for part in (error.context, error.problem) if part) or "syntax error"
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        raise TemplateError(name, f"invalid YAML: {problem}", line, column) from None
    except yaml.YAMLError as error:
        raise TemplateError(name, f"invalid YAML: {error}") from None
    return data, resource_lines(node)


def load_file(path: Path | str, display: str | None = None) -> Any:
    """Parse a JSON or YAML file. Raises :class:`TemplateError` naming the file and line."""
    return _read(Path(path), display or str(path))[0]


def is_template(data: Any) -> bool:
    """A CloudFormation template is a mapping with a ``Resources`` mapping."""
    return isinstance(data, dict) and isinstance(data.get("Resources"), dict)


def load_template(path: Path | str, display: str | None = None) -> Template:
    """Load one template; a file that parses but is not a template is an :class:`InputError`."""
    name = display or str(path)
    data, lines = _read(Path(path), name)
    if not is_template(data):
        raise InputError(f"{name}: not a CloudFormation template (no 'Resources' mapping)")
    return Template(data, name, lines=lines)


def _candidate_files(directory: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(directory):
        # asset.* folders of a cloud assembly hold Lambda code and the like, never templates.
        dirs[:] = sorted(
            d for d in dirs if d not in _SKIPPED_DIRS and not d.startswith(".") and not d.startswith("asset.")
        )
        for file in sorted(files):
            if file.lower().endswith(TEMPLATE_SUFFIXES) and not _NON_TEMPLATE_NAMES.match(file):
                yield Path(root, file)


def _discover_directory(
    directory: Path, raw: Path | str, seen: set[Path], problems: list[InputError] | None
) -> list[Template]:
    templates: list[Template] = []
    found = 0
    for file in _candidate_files(directory):
        real = file.resolve()
        if real in seen:
            found += 1
            continue
        try:
            data, lines = _read(file, str(file))
        except TemplateError as error:
            if problems is None:
                raise
            problems.append(error)  # reported; the other files are still checked
            found += 1
            continue
        if is_template(data):
            seen.add(real)
            templates.append(Template(data, str(file), lines=lines))
            found += 1
    if not found:
        raise InputError(
            f"{raw}: no CloudFormation templates found (looked for {', '.join(TEMPLATE_SUFFIXES)} "
            "files with a 'Resources' mapping)"
        )
    return templates


def discover(paths: Sequence[Path | str], problems: list[InputError] | None = None) -> list[Template]:
    """Load every template named by ``paths`` (files, or directories searched recursively).

    In a directory, files that parse but are not templates are skipped; a file named directly that
    is not a template, a missing path, a directory without templates, or unparsable input raise
    :class:`InputError` (:class:`TemplateError` when a file cannot be parsed). Nested stacks whose
    ``TemplateURL`` is a local file (a template before ``aws cloudformation package``) are followed:
    that file is loaded and checked too.

    ``problems``: when a list is given, a path or file that cannot be read is appended to it (as the
    :class:`InputError` it would raise) and discovery goes on with the others; only an empty ``paths``
    still raises.
    """
    if not paths:
        raise InputError("no PATH given: name template files or directories (such as cdk.out)")
    templates: list[Template] = []
    seen: set[Path] = set()
    for raw in paths:
        try:
            templates += _discover_path(raw, seen, problems)
        except InputError as error:
            if problems is None:
                raise
            problems.append(error)
    return _follow_nested(templates, seen, problems)


def _discover_path(raw: Path | str, seen: set[Path], problems: list[InputError] | None) -> list[Template]:
    path = Path(raw)
    if not path.exists():
        raise InputError(f"{raw}: no such file or directory")
    if path.is_dir():
        return _discover_directory(path, raw, seen, problems)
    real = path.resolve()
    if real in seen:
        return []
    seen.add(real)
    return [load_template(path, str(raw))]


def nested_template_path(template: Template, resource: Resource) -> Path | None:
    """The local file a nested stack's ``TemplateURL`` names (relative to its parent's file), or None
    for a URL (https://, s3://) or a value that is not a plain string."""
    properties = resource.raw.get("Properties")
    url = properties.get("TemplateURL") if isinstance(properties, dict) else None
    if not isinstance(url, str) or "://" in url or not url.strip():
        return None
    return Path(template.file).parent / url


def _follow_nested(
    templates: list[Template], seen: set[Path], problems: list[InputError] | None
) -> list[Template]:
    """``templates`` plus the local templates their nested stacks name, recursively (each file once)."""
    queue = list(templates)
    while queue:
        parent = queue.pop(0)
        for stack in parent.of_type("AWS::CloudFormation::Stack"):
            path = nested_template_path(parent, stack)
            if path is None or not path.is_file() or path.resolve() in seen:
                continue
            seen.add(path.resolve())
            try:
                child = load_template(path, os.path.normpath(str(path)))
            except InputError as error:
                if problems is None:
                    raise
                problems.append(error)
                continue
            templates.append(child)
            queue.append(child)
    return templates


# --------------------------------------------------------------------------------------------------
# The model


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
        """``Properties`` resolved (:meth:`Template.resolve`); ``{"__unresolved__": value}`` when the
        whole mapping is unresolvable (behind an ``Fn::If`` on an unknown condition, say)."""
        raw = self.raw.get("Properties")
        if raw is None:
            return {}
        resolved = self.template.resolve(raw)
        if isinstance(resolved, dict):
            return resolved
        return {"__unresolved__": resolved}

    @property
    def path(self) -> str:
        """The construct path for CDK-synthesized templates, else the logical id."""
        return str(self.metadata.get("aws:cdk:path", self.logical_id))

    @property
    def line(self) -> int | None:
        """The 1-based line of the logical id in the template's file (for a resource a transform
        generated, the line of the resource or loop it came from); None for an in-memory template."""
        lines = self.template.resource_lines
        line = lines.get(self.logical_id)
        if line is None and self.logical_id in self.template.origins:
            line = lines.get(self.template.origins[self.logical_id])
        return line

    def __repr__(self) -> str:
        return f"Resource({self.logical_id!r}, {self.type!r})"


class Template:
    """A parsed template plus the lookups rules need (resources by type, resolution, a shared cache).

    ``data`` is the parsed template (a mapping with a ``Resources`` mapping), ``file`` the name findings
    report, ``lines`` the 1-based line of each resource's logical id in the file (a template built from
    data alone has none).
    """

    def __init__(self, data: dict[str, Any], file: str, *, lines: Mapping[str, int] | None = None):
        #: ``(logical id or "", message)``: what could not be read or expanded (SML-META-4 reports each).
        self.notes: list[tuple[str, str]] = []
        #: ``{generated logical id: logical id in the file}`` for resources a transform created.
        self.origins: dict[str, str] = {}
        if "Transform" in data or any(str(k).startswith(FOR_EACH_PREFIX) for k in data["Resources"]):
            expansion = expand(data, file)
            data, self.notes, self.origins = expansion.data, expansion.notes, expansion.origins
        self.data = data
        self.file = file
        self.notes += [
            (str(lid), f"resource {lid!s} is not a mapping (it is {type(raw).__name__}); it was not checked")
            for lid, raw in data["Resources"].items()
            if not isinstance(raw, dict) and not str(lid).startswith(FOR_EACH_PREFIX)
        ]
        self.notes += [
            ("", f"{lid} was not expanded; the resources it generates were not checked")
            for lid in data["Resources"]
            if str(lid).startswith(FOR_EACH_PREFIX) and not any(lid in m for _, m in self.notes)
        ]
        self._resolver = Resolver(data)
        self.parameters: dict[str, Any] = self._resolver.parameters
        self.mappings: dict[str, Any] = self._resolver.mappings
        self.conditions: dict[str, Any] = self._resolver.conditions
        self.resources: dict[str, Resource] = {
            lid: Resource(self, lid, raw) for lid, raw in data["Resources"].items() if isinstance(raw, dict)
        }
        self.by_type: dict[str, list[Resource]] = {}
        for resource in self.resources.values():
            self.by_type.setdefault(resource.type, []).append(resource)
        #: Free for rules and readers to memoise cross-resource indexes in (key by rule id or purpose).
        self.cache: dict[str, Any] = {}
        #: ``{logical id: 1-based line}`` of the resources in the file (empty when unknown).
        self.resource_lines: dict[str, int] = dict(lines or {})

    def of_type(self, *types: str) -> list[Resource]:
        return [r for t in types for r in self.by_type.get(t, ())]

    def is_created(self, resource: Resource) -> bool | None:
        """False when the resource's ``Condition`` is known false; None when it cannot be evaluated."""
        name = resource.raw.get("Condition")
        if name is None:
            return True
        return self.condition(name) if isinstance(name, str) else None

    def condition(self, name: str) -> bool | None:
        """The value of a named condition, or None when it depends on something unresolvable."""
        return self._resolver.condition(name)

    def resolve(self, value: Any, depth: int = 0) -> Any:
        """``value`` with intrinsics replaced by their values, or :class:`Unresolved` where unknown."""
        return self._resolver.resolve(value, depth)
