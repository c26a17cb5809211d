"""Reading a config file: YAML parsed once, every problem reported with its path and line.

A bad file fails with one :class:`ConfigError` that lists every problem with its dotted path in the
file and, where it can be found, the line number, so a user fixes everything in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from cdk_secure_ml.config._section import NestedProblems, error_message
from cdk_secure_ml.config.platform import PlatformConfig

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


def _problems_from(error: ValidationError, root: yaml.Node | None) -> list[ConfigProblem]:
    problems = []
    for err in error.errors():
        loc = tuple(err["loc"])
        problem = ConfigProblem(".".join(str(p) for p in loc), error_message(err), _line_of(root, loc))
        if problem not in problems:
            problems.append(problem)
    return problems


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
    try:
        return PlatformConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(source, _problems_from(exc, root)) from None


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
