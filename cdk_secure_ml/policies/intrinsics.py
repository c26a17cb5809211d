"""Intrinsic functions: resolve a template's values as far as the template alone allows.

Resolution happens within one template. A value that cannot be computed (a ``Ref`` to a resource or
pseudo parameter, most ``Fn::GetAtt``, ``Fn::ImportValue``, a condition that depends on the region, …)
becomes an :class:`Unresolved`; rules that need such a value report a warning "cannot verify: …",
never a pass. Functions follow the CloudFormation reference
(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html).

Pure Python, no import of the rest of the package: :mod:`.template` builds a :class:`Resolver` per
template.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable
from typing import Any

__all__ = ["ATTRIBUTE_IS_PROPERTY", "NO_VALUE", "PSEUDO_PARAMETERS", "Resolver", "Unresolved", "describe"]

_MAX_DEPTH = 64


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
# The resolver

PSEUDO_PARAMETERS = {
    "AWS::AccountId", "AWS::NotificationARNs", "AWS::Partition", "AWS::Region", "AWS::StackId",
    "AWS::StackName", "AWS::URLSuffix",
}  # fmt: skip
#: ``Fn::GetAtt`` attributes that are just a property of the resource.
#: ``(resource type, attribute)`` -> the property ``Fn::GetAtt`` of that attribute resolves to.
ATTRIBUTE_IS_PROPERTY = {
    ("AWS::EC2::Subnet", "AvailabilityZone"): "AvailabilityZone",
    ("AWS::EC2::VPC", "CidrBlock"): "CidrBlock",
}
_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")


class Resolver:
    """Resolves values and conditions of one template (its ``data``, as parsed).

    Reads ``Parameters`` (defaults), ``Mappings``, ``Conditions`` and, for ``Ref``/``Fn::GetAtt`` of
    a resource, ``Resources``. Conditions are evaluated once and memoised.
    """

    def __init__(
        self,
        data: dict[str, Any],
        conditions: dict[str, bool] | None = None,
        deploy_time: frozenset[str] = frozenset(),
    ):
        """``conditions``: values to take for named conditions instead of evaluating them (a variant of
        the template where a condition that cannot be evaluated is taken as true, or false).
        ``deploy_time``: parameters to leave unresolved whatever their ``Default`` (a variant of the
        template where a parameter without ``AllowedValues`` holds a value the deployer chose)."""
        self.deploy_time = deploy_time
        self.parameters: dict[str, Any] = mapping(data.get("Parameters"))
        self.mappings: dict[str, Any] = mapping(data.get("Mappings"))
        self.conditions: dict[str, Any] = mapping(data.get("Conditions"))
        self.resources: dict[str, Any] = mapping(data.get("Resources"))
        self._condition_values: dict[str, bool | None] = dict(conditions or {})
        self._evaluating: set[str] = set()

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
            return _and_or(key, [self._evaluate(arg, depth + 1) for arg in args])
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
            param = mapping(self.parameters[name])
            ptype = str(param.get("Type", ""))
            if ptype.startswith("AWS::SSM::Parameter::Value") or "Default" not in param:
                return Unresolved(f"Ref {name}", text="${" + name + "}")
            if name in self.deploy_time:
                return Unresolved(
                    f"Ref {name} (a deploy-time parameter without AllowedValues)", text="${" + name + "}"
                )
            default = param["Default"]
            if (ptype == "CommaDelimitedList" or ptype.startswith("List<")) and isinstance(default, str):
                return [item.strip() for item in default.split(",")]
            return default
        if isinstance(self.resources.get(name), dict):
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
        if isinstance(resource, dict):
            prop = ATTRIBUTE_IS_PROPERTY.get((str(resource.get("Type")), attribute))
            raw = resource.get("Properties")
            if prop and isinstance(raw, dict) and prop in raw:
                return self.resolve(raw[prop], depth)
        refs = {logical_id} if isinstance(resource, dict) else set()
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
            position = int(index)
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

    def _fn_Length(self, args: Any, depth: int) -> Any:
        """``Fn::Length`` (AWS::LanguageExtensions): the number of items of a list.
        https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-length.html
        """
        value = self.resolve(args, depth)
        if isinstance(value, list):
            return len(value)
        return Unresolved(f"Fn::Length {describe(value)}", _refs_of(value))

    def _fn_ToJsonString(self, args: Any, depth: int) -> Any:
        """``Fn::ToJsonString`` (AWS::LanguageExtensions): a mapping or list as a JSON string.
        https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-ToJsonString.html
        """
        value = self.resolve(args, depth)
        if isinstance(value, (dict, list)) and not _contains_unresolved(value):
            return json.dumps(value, separators=(",", ":"))
        return Unresolved(f"Fn::ToJsonString {describe(value)}", _refs_of(value))

    def _fn_ImportValue(self, args: Any, depth: int) -> Any:
        value = self.resolve(args, depth)
        return Unresolved(f"Fn::ImportValue {describe(value)}", _refs_of(value))


def _and_or(key: str, values: list[bool | None]) -> bool | None:
    """``Fn::And`` / ``Fn::Or`` over condition values, None standing for "cannot tell"."""
    decisive = key == "Fn::Or"  # the value that settles the result whatever the others are
    if decisive in values:
        return decisive
    return None if None in values else not decisive


def mapping(value: Any) -> dict[str, Any]:
    """``value`` when it is a mapping, else an empty one (sections of a malformed template)."""
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
