"""Reading a config file: YAML parsed once, every problem reported with its path and line.

A bad file fails with one :class:`ConfigError` that lists every problem with its dotted path in the
file and, where it can be found, the line number, so a user fixes everything in one pass.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from cdk_secure_ml.config._section import NestedProblems, error_message, section_class
from cdk_secure_ml.config.platform import PlatformConfig

#: Plain scalars YAML 1.1 reads as booleans and YAML 1.2 as text: PyYAML (like CloudFormation's and many
#: tools' YAML 1.1 parsers) turns ``off`` into false, so ``mode: off`` silently means something else.
_YAML11_BOOLEAN_RE = re.compile(r"^(yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF)$")

__all__ = ["ConfigError", "ConfigProblem", "NestedProblems", "load_config", "parse_config"]


@dataclass(frozen=True)
class ConfigProblem:
    """One problem of a config file.

    :param path: dotted path of the key (``endpoints.0.variants.1.weight``); empty for the whole file.
    :param message: what is wrong, with the value and the fix.
    :param line: 1-based line of the key (or of its closest parent present in the file), if known.
    """

    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.path or "(top level)"
        if self.line is not None:
            where += f" (line {self.line})"
        return f"{where}: {self.message}"


class ConfigError(ValueError):
    """Raised when a config file cannot be used; ``problems`` lists every problem found."""

    def __init__(self, source: str, problems: list[ConfigProblem]):
        self.source = source
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        noun = "problem" if len(problems) == 1 else "problems"
        super().__init__(f"{source}: {len(problems)} {noun} in the platform config:\n{lines}")


def _line_of(root: yaml.Node | None, path: tuple[Any, ...]) -> int | None:
    """1-based line of the YAML node at ``path`` (or of its deepest existing ancestor)."""
    node = root
    line = node.start_mark.line + 1 if node is not None else None
    for part in path:
        child = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == str(part):
                    child = value
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            child = node.value[part]
        if child is None:
            break
        node = child
        line = node.start_mark.line + 1
    return line


def _keys_at(path: tuple[Any, ...]) -> list[str]:
    """The keys the config section at ``path`` accepts (empty when ``path`` is not a section)."""
    model: type[BaseModel] = PlatformConfig
    for part in path:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(str(part))
        nested = section_class(field.annotation) if field is not None else None
        if nested is None:
            return []
        model = nested[1]
    return list(model.model_fields)


def _message(err: Any) -> str:
    message = error_message(err)
    if err["type"] == "extra_forbidden" and err["loc"]:
        keys = _keys_at(tuple(err["loc"][:-1]))
        close = difflib.get_close_matches(str(err["loc"][-1]), keys, n=1, cutoff=0.7)
        if close:
            message = f"unknown key; did you mean {close[0]!r}? (docs/config.md lists the keys)"
    return message


def _problems_from(error: ValidationError, root: yaml.Node | None) -> list[ConfigProblem]:
    problems = []
    for err in error.errors():
        loc = tuple(err["loc"])
        problem = ConfigProblem(".".join(str(p) for p in loc), _message(err), _line_of(root, loc))
        if problem not in problems:
            problems.append(problem)
    return problems


def _strict_yaml_problems(node: yaml.Node | None, path: tuple[Any, ...] = ()) -> Iterator[ConfigProblem]:
    """What YAML accepts but a config must not: a key given twice (YAML keeps the last value silently), and
    YAML 1.1 booleans (``yes``/``no``/``on``/``off``, which PyYAML reads as true/false), as keys or values."""
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key, value in node.value:
            name = str(key.value)
            line = key.start_mark.line + 1
            if name in seen:
                yield ConfigProblem(
                    _dotted((*path, name)),
                    f"key {name!r} is given twice (first at line {seen[name]}); YAML would keep only the "
                    "last value: remove one",
                    line,
                )
            seen.setdefault(name, line)
            yield from _yaml11_boolean(key, (*path, name))
            yield from _strict_yaml_problems(value, (*path, name))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _strict_yaml_problems(item, (*path, index))
    else:
        yield from _yaml11_boolean(node, path)


def _yaml11_boolean(node: yaml.Node | None, path: tuple[Any, ...]) -> Iterator[ConfigProblem]:
    if isinstance(node, yaml.ScalarNode) and node.style is None and _YAML11_BOOLEAN_RE.match(node.value):
        meaning = "true" if node.value.lower() in ("yes", "on") else "false"
        yield ConfigProblem(
            _dotted(path),
            f"{node.value!r} is a YAML 1.1 boolean (read as {meaning}); write {meaning}, or quote it "
            f"('{node.value}') for the text",
            node.start_mark.line + 1,
        )


def _dotted(path: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in path)


def _parse_yaml(text: str, source: str) -> tuple[yaml.Node | None, Any]:
    """The YAML node tree (for line numbers) and the data built from it: one parse."""
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise ConfigError(source, [ConfigProblem("", f"not valid YAML: {exc}", line)]) from None
    finally:
        loader.dispose()
    return root, data


def parse_config(text: str, source: str = "<config>") -> PlatformConfig:
    """Parse and validate YAML text.

    :param source: the file name used in the error.
    :raises ConfigError: listing every problem, each with its path and line.
    """
    root, data = _parse_yaml(text, source)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(source, [ConfigProblem("", "the config must be a YAML mapping (key: value)", 1)])
    strict = list(_strict_yaml_problems(root))
    try:
        config = PlatformConfig.model_validate(data)
    except ValidationError as exc:
        # a YAML 1.1 boolean explains the type error pydantic reports at the same key: keep the explanation
        problems = strict + [p for p in _problems_from(exc, root) if p.path not in {s.path for s in strict}]
        raise ConfigError(source, sorted(problems, key=lambda p: p.line or 0)) from None
    if strict:
        raise ConfigError(source, strict)
    return config


def load_config(path: str | Path) -> PlatformConfig:
    """Load and validate the config file at ``path``.

    :raises ConfigError: when the file cannot be read, is not YAML, or does not validate.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        problem = ConfigProblem("", f"cannot read the config file: {exc.strerror}")
        raise ConfigError(str(path), [problem]) from None
    return parse_config(text, source=str(path))
