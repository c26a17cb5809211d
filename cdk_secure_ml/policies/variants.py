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
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .intrinsics import Resolver, mapping
from .template import Resource, Template

__all__ = ["MAX_VARIANTS", "Variant", "dependencies", "variants_of"]

#: At most this many variants per template (parameters × values + 2 × conditions): beyond it the first
#: ones are judged and SML-META-4 says the rest were not.
MAX_VARIANTS = 64
_SUB_NAME = re.compile(r"\$\{([^}!][^}.]*)")


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


def _rebind(template: Template, resolver: Resolver) -> Template:
    """A copy of ``template`` that resolves with ``resolver`` (own resources, index and cache)."""
    new = object.__new__(Template)
    new.__dict__.update(template.__dict__)
    new._resolver = resolver
    new.parameters = resolver.parameters
    new.resources = {lid: Resource(new, lid, r.raw) for lid, r in template.resources.items()}
    new.by_type = {}
    for resource in new.resources.values():
        new.by_type.setdefault(resource.type, []).append(resource)
    new.cache = {}
    return new


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
            found.append(Variant(f"parameter {name} is {value!r}", name, None, _rebind(template, resolver)))
    for name in template.conditions:
        if template.condition(name) is None:
            for value in (True, False):
                resolver = Resolver(template.data, conditions={name: value})
                label = f"condition {name} is {'true' if value else 'false'}"
                found.append(Variant(label, None, name, _rebind(template, resolver)))
    # Last, so that the variants of known values come first when there are too many.
    for name, raw in template.parameters.items():
        if _is_free_form(mapping(raw)):
            resolver = Resolver(template.data, deploy_time=frozenset({name}))
            label = f"parameter {name} is set at deploy time"
            found.append(Variant(label, name, None, _rebind(template, resolver), deploy_time=True))
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


def _names(value: Any) -> Iterator[tuple[str, str]]:
    """``("ref" | "condition", name)`` of what a raw template value refers to."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, inner in item.items():
                if key == "Ref" and isinstance(inner, str):
                    yield "ref", inner
                elif key == "Fn::If" and isinstance(inner, list) and inner and isinstance(inner[0], str):
                    yield "condition", inner[0]
                elif key == "Condition" and isinstance(inner, str):
                    yield "condition", inner
                elif key == "Fn::Sub":
                    text = inner[0] if isinstance(inner, list) and inner else inner
                    yield from (("ref", n) for n in _SUB_NAME.findall(text if isinstance(text, str) else ""))
                stack.append(inner)
        elif isinstance(item, list):
            stack.extend(item)


def dependencies(template: Template, resource: Resource) -> tuple[set[str], set[str]]:
    """``(parameters, conditions)`` a resource's ``Properties`` and ``Condition`` depend on, following
    the conditions' own definitions."""
    key = "deps:" + resource.logical_id
    if key in template.cache:
        return template.cache[key]
    refs: set[str] = set()
    conditions: set[str] = set()
    raw = resource.raw
    queue: list[Any] = [{"Properties": raw.get("Properties"), "Condition": raw.get("Condition")}]
    while queue:
        for kind, name in _names(queue.pop()):
            if kind == "ref":
                refs.add(name)
            elif name not in conditions:
                conditions.add(name)
                queue.append(template.conditions.get(name))
    result = ({r for r in refs if r in template.parameters}, conditions)
    template.cache[key] = result
    return result
