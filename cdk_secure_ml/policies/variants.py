"""Variants of a template: the same template with a parameter set to another of its ``AllowedValues``,
or a condition the engine cannot evaluate taken as true and as false, so the rules judge every value a
deployment may choose, not only the default.

A parameter's ``AllowedValues`` are the values CloudFormation accepts for it at deploy time
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html), and
``Fn::If`` picks one branch by its condition
(https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-conditions.html).
A rule that passes on the default but fails for another allowed value reports it, naming the parameter.

A parameter without ``AllowedValues`` (free-form, or constrained by ``AllowedPattern``, lengths or
bounds only) accepts values no list names, so its ``Default`` is only the value a deployer who passes
nothing gets. Its variant (:attr:`Variant.deploy_time`) leaves it unresolved: a rule that passes on the
default but needs the value reports "cannot verify" naming the parameter, instead of trusting a secure
default the deployer may override (``EnableNetworkIsolation: !Ref P`` with ``Default: "true"``).

Template layer: imports :mod:`.template` and :mod:`.intrinsics` only; the runner uses it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from .intrinsics import ATTRIBUTE_IS_PROPERTY, NO_VALUE, Resolver, mapping
from .template import Resource, Template

__all__ = ["MAX_VARIANTS", "Variant", "dependencies", "variants_of"]

#: At most this many variants per template (parameters × values + 2 × conditions): beyond it the first
#: ones are judged and SML-META-4 says the rest were not.
MAX_VARIANTS = 64
_SUB_NAME = re.compile(r"\$\{([^}!][^}.]*)")
#: ``${LogicalId.Attribute}`` in an ``Fn::Sub`` string (the resolver's reading of a GetAtt there).
_SUB_GET_ATT = re.compile(r"\$\{([^}!][^}.]*\.[^}]+)\}")


@dataclass(frozen=True)
class Variant:
    """One variant: ``label`` for messages (``parameter Env is 'prod'``), the ``parameter`` or
    ``condition`` it changes, and the template as that variant sees it. ``deploy_time``: the parameter
    has no ``AllowedValues`` and is left unresolved (its "cannot verify" findings are reported)."""

    label: str
    parameter: str | None
    condition: str | None
    template: Template
    deploy_time: bool = False


def _rebind(template: Template, resolver: Resolver, changed: frozenset[tuple[str, str]]) -> Template:
    """A copy of ``template`` that resolves with ``resolver`` (own resources, index and cache).

    ``changed``: the ``("ref", parameter)`` and ``("condition", name)`` whose values differ in this
    variant; each resource of the copy resolves again only the properties that name one of them. The copy's
    resources are made when first looked up: the runner looks up only those a variant changes."""
    new = object.__new__(_TwinTemplate)
    new.__dict__.update((k, v) for k, v in template.__dict__.items() if k != "by_type")
    new._resolver = resolver
    new.parameters = resolver.parameters
    new.resources = _TwinResources(new, template.resources, changed)  # type: ignore[assignment]
    new.cache = {}
    return new


class _TwinTemplate(Template):
    """A variant's template: its resource index is built when a rule first asks for resources by type."""

    @cached_property
    def by_type(self) -> dict[str, list[Resource]]:  # type: ignore[override]
        index: dict[str, list[Resource]] = {}
        for resource in self.resources.values():
            index.setdefault(resource.type, []).append(resource)
        return index


class _TwinResources(Mapping[str, Resource]):
    """A variant's resources by logical id, each made from the base template's on first lookup."""

    def __init__(self, template: Template, base: dict[str, Resource], changed: frozenset[tuple[str, str]]):
        self._template, self._base, self._changed = template, base, changed
        self._made: dict[str, Resource] = {}

    def __getitem__(self, logical_id: str) -> Resource:
        made = self._made.get(logical_id)
        if made is None:
            made = _TwinResource.of(self._template, self._base[logical_id], self._changed)
            self._made[logical_id] = made
        return made

    def __iter__(self) -> Iterator[str]:
        return iter(self._base)

    def __len__(self) -> int:
        return len(self._base)

    def __contains__(self, logical_id: object) -> bool:
        return logical_id in self._base


class _TwinResource(Resource):
    """A resource of a variant. Its ``properties`` are the base resource's, except the top-level properties
    whose raw value names a parameter or condition the variant changes, itself or through ``Fn::GetAtt`` of
    an attribute read from another resource's property (:func:`_touched_names`): those are resolved again. A
    value that names none of them resolves the same in both (resolution reads only the template, its
    parameters' values and its conditions' values), and resolving every property of every variant again was
    half of ``secure-ml check``'s time on AWS's sample templates."""

    _base: Resource
    _changed: frozenset[tuple[str, str]]

    @classmethod
    def of(cls, template: Template, base: Resource, changed: frozenset[tuple[str, str]]) -> _TwinResource:
        twin = object.__new__(cls)
        twin.__dict__.update(
            template=template, logical_id=base.logical_id, raw=base.raw, type=base.type,
            metadata=base.metadata, _base=base, _changed=changed,
        )  # fmt: skip
        return twin

    @cached_property
    def properties(self) -> dict[str, Any]:
        raw = self.raw.get("Properties")
        base = self._base.properties
        if not isinstance(raw, dict) or "__unresolved__" in base or _is_intrinsic(raw):
            return Resource.properties.func(self)  # type: ignore[attr-defined]
        names = _touched_names(self._base)
        out: dict[str, Any] = {}
        for key, value in raw.items():
            if names[key] & self._changed:
                resolved = self.template.resolve(value, 1)  # the depth Template.resolve gives a property
                if resolved is not NO_VALUE:
                    out[key] = resolved
            elif key in base:
                out[key] = base[key]
        return out


def _is_intrinsic(value: dict[str, Any]) -> bool:
    return len(value) == 1 and next(iter(value)).startswith(("Ref", "Fn::"))


def _top_level_names(resource: Resource) -> dict[str, frozenset[tuple[str, str]]]:
    """``{property: the ("ref" | "condition", name) its raw value names}``, memoised per base resource."""
    key = "names:" + resource.logical_id
    cache = resource.template.cache
    if key not in cache:
        raw = resource.raw.get("Properties")
        cache[key] = {k: frozenset(_names({k: v})) for k, v in raw.items()} if isinstance(raw, dict) else {}
    return cache[key]


def _touched_names(resource: Resource) -> dict[str, frozenset[tuple[str, str]]]:
    """:func:`_top_level_names`, plus what a property reaches through ``Fn::GetAtt`` of an attribute the
    resolver reads from the target's properties (``Vpc.CidrBlock``, ``Subnet.AvailabilityZone``:
    intrinsics.ATTRIBUTE_IS_PROPERTY): such a property resolves to the target's value, which may name a
    parameter the property itself does not (memoised per base resource)."""
    if not _attribute_targets(resource.template):
        return _top_level_names(resource)  # no GetAtt in the template can reach another property
    key = "touched:" + resource.logical_id
    cache = resource.template.cache
    if key not in cache:
        raw = resource.raw.get("Properties")
        properties = raw if isinstance(raw, dict) else {}
        resources = resource.template.data.get("Resources") or {}
        cache[key] = {
            name: names | _through_attributes(resources, properties.get(name), set())
            for name, names in _top_level_names(resource).items()
        }
    return cache[key]


def _attribute_targets(template: Template) -> frozenset[str]:
    """``"LogicalId.Attribute"`` of the template's resources whose attribute the resolver reads from a
    property they set (memoised)."""
    if "attribute-targets" not in template.cache:
        found: set[str] = set()
        for logical_id, raw in (template.data.get("Resources") or {}).items():
            props = raw.get("Properties") if isinstance(raw, dict) else None
            if isinstance(props, dict):
                found.update(
                    f"{logical_id}.{attribute}" for (kind, attribute), prop in ATTRIBUTE_IS_PROPERTY.items()
                    if kind == raw.get("Type") and prop in props
                )
        template.cache["attribute-targets"] = frozenset(found)
    return template.cache["attribute-targets"]


def _through_attributes(resources: dict[str, Any], value: Any, seen: set[str]) -> frozenset[tuple[str, str]]:
    """The names of the properties ``value`` reaches through ``Fn::GetAtt`` (long form, ``A.B`` string, or
    ``${A.B}`` in ``Fn::Sub``) of an attribute read from a property, following chains once each."""
    found: set[tuple[str, str]] = set()
    for target in _get_att_targets(value):
        if target in seen:
            continue
        seen.add(target)
        logical_id, _, attribute = target.partition(".")
        raw = resources.get(logical_id)
        props = raw.get("Properties") if isinstance(raw, dict) else None
        prop = ATTRIBUTE_IS_PROPERTY.get((str(raw.get("Type")), attribute)) if isinstance(raw, dict) else None
        if prop and isinstance(props, dict) and prop in props:
            found |= _names({prop: props[prop]}) | _through_attributes(resources, props[prop], seen)
    return frozenset(found)


def _get_att_targets(value: Any) -> set[str]:
    """``"LogicalId.Attribute"`` of every ``Fn::GetAtt`` in a raw value (and ``${A.B}`` of ``Fn::Sub``)."""
    found: set[str] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, inner in item.items():
                if key == "Fn::GetAtt":
                    if isinstance(inner, str):
                        found.add(inner)
                    elif isinstance(inner, list) and [type(i) for i in inner] == [str, str]:
                        found.add(".".join(inner))
                elif key == "Fn::Sub":
                    text = inner[0] if isinstance(inner, list) and inner else inner
                    if isinstance(text, str):
                        found.update(_SUB_GET_ATT.findall(text))
                if isinstance(inner, (dict, list)):
                    stack.append(inner)
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _changed_by(
    template: Template, parameter: str | None, condition: str | None
) -> frozenset[tuple[str, str]]:
    """What a variant changes: the parameter or condition itself, and every condition whose definition
    depends on it (directly or through other conditions)."""
    closure = _condition_closure(template)
    if parameter is not None:
        found = {("ref", parameter)}
        found |= {("condition", c) for c, (params, _) in closure.items() if parameter in params}
    else:
        assert condition is not None
        found = {("condition", condition)}
        found |= {("condition", c) for c, (_, conds) in closure.items() if condition in conds}
    return frozenset(found)


def _condition_closure(template: Template) -> dict[str, tuple[set[str], set[str]]]:
    """``{condition: (parameters, conditions)}`` its definition depends on, transitively (memoised)."""
    if "condition-closure" in template.cache:
        return template.cache["condition-closure"]
    closure: dict[str, tuple[set[str], set[str]]] = {}
    for name in template.conditions:
        refs: set[str] = set()
        conditions: set[str] = set()
        queue: list[Any] = [template.conditions.get(name)]
        while queue:
            for kind, found in _names(queue.pop()):
                if kind == "ref":
                    refs.add(found)
                elif found not in conditions:
                    conditions.add(found)
                    queue.append(template.conditions.get(found))
        closure[name] = (refs, conditions)
    template.cache["condition-closure"] = closure
    return closure


def variants_of(template: Template) -> tuple[list[Variant], int]:
    """``(variants, how many were left out)`` of a template, computed once and memoised in its cache."""
    if "variants" in template.cache:
        return template.cache["variants"]
    found: list[Variant] = []
    for name, raw in template.parameters.items():
        param = mapping(raw)
        allowed = param.get("AllowedValues")
        if not isinstance(allowed, list) or len(allowed) < 2 and "Default" in param:
            continue
        for value in allowed:
            if "Default" in param and str(value) == str(param["Default"]):
                continue
            parameters = {**template.parameters, name: {**param, "Default": value}}
            resolver = Resolver({**template.data, "Parameters": parameters})
            twin = _rebind(template, resolver, _changed_by(template, name, None))
            found.append(Variant(f"parameter {name} is {value!r}", name, None, twin))
    for name in template.conditions:
        if template.condition(name) is None:
            for value in (True, False):
                resolver = Resolver(template.data, conditions={name: value})
                label = f"condition {name} is {'true' if value else 'false'}"
                twin = _rebind(template, resolver, _changed_by(template, None, name))
                found.append(Variant(label, None, name, twin))
    # Last, so that the variants of known values come first when there are too many.
    for name, raw in template.parameters.items():
        if _is_free_form(mapping(raw)):
            resolver = Resolver(template.data, deploy_time=frozenset({name}))
            label = f"parameter {name} is set at deploy time"
            twin = _rebind(template, resolver, _changed_by(template, name, None))
            found.append(Variant(label, name, None, twin, deploy_time=True))
    result = (found[:MAX_VARIANTS], max(0, len(found) - MAX_VARIANTS))
    template.cache["variants"] = result
    return result


def _is_free_form(param: dict[str, Any]) -> bool:
    """A parameter with a ``Default`` and no ``AllowedValues``, whose value the template resolves to the
    default (SSM parameter types and parameters without a default are unresolved anyway)."""
    allowed = param.get("AllowedValues")
    return (
        "Default" in param
        and not (isinstance(allowed, list) and allowed)
        and not str(param.get("Type", "")).startswith("AWS::SSM::Parameter::Value")
    )


def _names(value: Any) -> set[tuple[str, str]]:
    """``("ref" | "condition", name)`` of what a raw template value refers to."""
    found: set[tuple[str, str]] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, inner in item.items():
                if key == "Ref" and isinstance(inner, str):
                    found.add(("ref", inner))
                elif key == "Fn::If" and isinstance(inner, list) and inner and isinstance(inner[0], str):
                    found.add(("condition", inner[0]))
                elif key == "Condition" and isinstance(inner, str):
                    found.add(("condition", inner))
                elif key == "Fn::Sub":
                    text = inner[0] if isinstance(inner, list) and inner else inner
                    found.update(("ref", n) for n in _SUB_NAME.findall(text if isinstance(text, str) else ""))
                if isinstance(inner, (dict, list)):
                    stack.append(inner)
        elif isinstance(item, list):
            stack.extend(item)
    return found


def dependencies(template: Template, resource: Resource) -> tuple[set[str], set[str]]:
    """``(parameters, conditions)`` a resource's ``Properties`` and ``Condition`` depend on, following
    the conditions' own definitions and ``Fn::GetAtt`` of attributes read from another resource's
    properties."""
    key = "deps:" + resource.logical_id
    if key in template.cache:
        return template.cache[key]
    # What a property reaches through GetAtt of an attribute read from another resource's property counts
    # too (CidrIp: !GetAtt Vpc.CidrBlock, the VPC's CidrBlock behind a parameter).
    names = set().union(*_touched_names(resource).values())
    names |= _names({"Condition": resource.raw.get("Condition")})
    refs = {name for kind, name in names if kind == "ref"}
    conditions = {name for kind, name in names if kind == "condition"}
    closure = _condition_closure(template)
    for name in list(conditions):
        parameters, inner = closure.get(name, ((), ()))
        refs.update(parameters)
        conditions.update(inner)
    result = ({r for r in refs if r in template.parameters}, conditions)
    template.cache[key] = result
    return result
