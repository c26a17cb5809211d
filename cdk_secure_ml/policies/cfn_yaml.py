"""YAML with CloudFormation's short forms (``!Ref``, ``!GetAtt``, ``!Sub`` …), parsed once into the data and
the node tree (which keeps each value's line).

PyYAML's C composer (``CSafeLoader``, when PyYAML was built with libyaml) builds the node tree; the data is
then built from the nodes by :func:`construct`, which handles the tags a CloudFormation template uses
(strings, mappings, sequences and the short forms) itself and leaves every other tag (numbers, booleans,
null, ``<<`` merges, and unknown tags, which it refuses) to PyYAML's constructor, and the composer asks a
shorter tag resolver than PyYAML's. On AWS's sample templates (bench/samples) PyYAML's constructor took
almost half of the load and its resolver a tenth; these give the same data, which
``tests/policies/test_cfn_yaml.py`` checks against PyYAML's own on every YAML file of the repository.

Template layer: imports PyYAML only.
"""

from __future__ import annotations

from typing import Any

import yaml

__all__ = ["SHORT_FORMS", "CfnYamlLoader", "child_node", "construct", "load_yaml", "resource_lines"]

SHORT_FORMS = (
    "Base64", "Cidr", "FindInMap", "GetAZs", "ImportValue", "Join", "Select", "Split", "Sub",
    "Transform", "If", "Equals", "Not", "And", "Or", "Contains", "Length", "ToJsonString",
)  # fmt: skip

#: ``{short-form tag: the long form's key}``; ``!GetAtt`` is separate (``A.B`` splits into a list).
_SHORT_KEYS = {f"!{name}": f"Fn::{name}" for name in SHORT_FORMS} | {"!Ref": "Ref", "!Condition": "Condition"}
_GET_ATT = "!GetAtt"
_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


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
_IMPLICIT = CfnYamlLoader.yaml_implicit_resolvers


def _resolve(self: Any, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
    """PyYAML's ``Resolver.resolve`` without the path resolvers (the loader has none and no wildcard
    resolvers): the tag of a node without an explicit one. The composer calls it for every node; PyYAML's
    is a tenth of the parse."""
    if kind is yaml.ScalarNode:
        if implicit[0]:
            for tag, regexp in _IMPLICIT.get(value[:1], ()):
                if regexp.match(value):
                    return tag
        return _STR
    return _SEQ if kind is yaml.SequenceNode else _MAP


assert not CfnYamlLoader.yaml_path_resolvers and None not in _IMPLICIT
CfnYamlLoader.resolve = _resolve


def _construct_node(loader: yaml.Loader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    assert isinstance(node, yaml.MappingNode)
    return loader.construct_mapping(node, deep=True)


def _make_constructor(key: str):
    def construct_short_form(loader: yaml.Loader, node: yaml.Node) -> dict[str, Any]:
        return {key: _construct_node(loader, node)}

    return construct_short_form


def _get_att(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        logical_id, _, attribute = value.partition(".")
        return {"Fn::GetAtt": [logical_id, attribute]}
    return {"Fn::GetAtt": value}


def _construct_getatt(loader: yaml.Loader, node: yaml.Node) -> dict[str, Any]:
    return _get_att(_construct_node(loader, node))


# PyYAML's own constructors for the short forms: what `construct` must agree with, and what a loader
# subclass or PyYAML's generic path (a node `construct` hands over, such as a `<<` merge) uses.
for _tag, _key in _SHORT_KEYS.items():
    CfnYamlLoader.add_constructor(_tag, _make_constructor(_key))
CfnYamlLoader.add_constructor(_GET_ATT, _construct_getatt)


def construct(loader: yaml.Loader, node: yaml.Node, memo: dict[int, Any] | None = None) -> Any:
    """The Python value of a composed node: what ``loader.construct_document(node)`` gives for a
    :class:`CfnYamlLoader`, faster. Mappings and sequences reached twice through YAML aliases are built
    once and shared (as PyYAML does), so alias-heavy input stays linear. Raises
    ``yaml.constructor.ConstructorError`` (with the node's line) for a tag no constructor knows and for a
    recursive alias (CloudFormation reads neither)."""
    memo = {} if memo is None else memo
    return _value(loader, node, node.tag, memo)


def _value(loader: yaml.Loader, node: yaml.Node, tag: str, memo: dict[int, Any]) -> Any:
    kind = type(node)
    if kind is yaml.ScalarNode:
        if tag == _STR:
            return node.value
        if tag in _SHORT_KEYS:
            return {_SHORT_KEYS[tag]: node.value}
        if tag == _GET_ATT:
            return _get_att(node.value)
        return loader.construct_object(node, deep=True)
    key = id(node)
    if key in memo:
        if memo[key] is _BUILDING:
            raise yaml.constructor.ConstructorError(
                None, None, "found a recursive alias (CloudFormation cannot read it)", node.start_mark
            )
        return memo[key]
    memo[key] = _BUILDING
    value = _collection(loader, node, kind, tag, memo)
    memo[key] = value
    return value


_BUILDING = object()


def _collection(loader: yaml.Loader, node: yaml.Node, kind: type, tag: str, memo: dict[int, Any]) -> Any:
    if tag in _SHORT_KEYS or tag == _GET_ATT:
        if kind is yaml.SequenceNode or _plain_keys(node):
            inner = _collection(loader, node, kind, _SEQ if kind is yaml.SequenceNode else _MAP, memo)
        else:
            inner = _construct_node(loader, node)
        return {_SHORT_KEYS[tag]: inner} if tag in _SHORT_KEYS else _get_att(inner)
    if kind is yaml.SequenceNode and tag == _SEQ:
        return [_value(loader, item, item.tag, memo) for item in node.value]
    if kind is yaml.MappingNode and tag == _MAP and _plain_keys(node):
        return {key.value: _value(loader, item, item.tag, memo) for key, item in node.value}
    # Merge keys, keys that are not strings, other tags: PyYAML's generic path (it raises on unknown tags).
    return loader.construct_object(node, deep=True)


def _plain_keys(node: yaml.Node) -> bool:
    """Every key is a string scalar (no ``<<`` merge, no number or collection as a key)."""
    return all(type(key) is yaml.ScalarNode and key.tag == _STR for key, _ in node.value)


def load_yaml(text: str, loader: type = CfnYamlLoader) -> tuple[Any, yaml.Node | None]:
    """Parse YAML ``text`` once into ``(data, root node)``; the node tree keeps each value's line.

    ``loader``: a PyYAML loader class; :class:`CfnYamlLoader` (the default) and its subclasses get the fast
    :func:`construct`, any other class PyYAML's own constructor. Raises ``yaml.YAMLError`` (a
    ``MarkedYAMLError`` carries the line) on invalid input.
    """
    parser = loader(text)
    try:
        node = parser.get_single_node()
        if node is None:
            return None, None
        # A subclass that added constructors has its own table: PyYAML builds its data.
        fast = getattr(loader, "yaml_constructors", None) is CfnYamlLoader.yaml_constructors
        return (construct(parser, node) if fast else parser.construct_document(node)), node
    finally:
        parser.dispose()


def resource_lines(root: yaml.Node | None) -> dict[str, int]:
    """``{logical id: 1-based line of its key}`` under ``Resources`` of a composed template.

    A duplicate key maps to its last occurrence, the one the parsers keep."""
    resources = child_node(root, "Resources")
    if not isinstance(resources, yaml.MappingNode):
        return {}
    return {
        key.value: key.start_mark.line + 1 for key, _ in resources.value if isinstance(key, yaml.ScalarNode)
    }


def child_node(node: yaml.Node | None, key: str) -> yaml.Node | None:
    """The value node under ``key`` of a mapping node (the last one, as in the data), or None."""
    if not isinstance(node, yaml.MappingNode):
        return None
    found = [v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == key]
    return found[-1] if found else None
