"""The base of every config section: strict keys, and cross-field rules reported in one pass.

A config section is a pydantic model. Checks of one value live on the field (its type, see
:mod:`cdk_secure_ml.config._types`, or a field validator). Checks that compare values (``min_capacity``
with ``max_capacity``, a user's team with ``identity.teams``) are *rules*: functions listed in the
section's :attr:`Section.rules` that return ``(path, message)`` pairs, the path relative to the section.
Each problem is reported at its own path (and so at its own line of the YAML file).

Why rules and not pydantic model validators: pydantic skips a model's ``after`` validators as soon as one
of its fields failed (pydantic/pydantic#7476), so a file would report its problems in waves. A section
instead runs its rules either on the validated section or, when some field failed, on a
:class:`Partial` view of the input in which every value that validated reads as it would on the model
and every value that failed raises :class:`Unknown`: a rule that reads a failed value is skipped (it
cannot judge), every other rule runs. ``Section.model_validate`` therefore reports every problem it can
in one pass, whether called by :func:`cdk_secure_ml.config.parse_config` or directly.
"""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Callable, Mapping
from functools import cache
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError, model_validator
from pydantic_core import ErrorDetails, InitErrorDetails, PydanticCustomError
from pydantic_core.core_schema import ErrorType

# A problem is core's (path, message) pair; a path in the config is keys and list indexes, relative to the
# validated section, e.g. ("endpoints", 0, "variants", 1, "weight").
from cdk_secure_ml.core.problems import Problem

#: A cross-field rule: the section (validated, or a :class:`Partial` view) → its problems.
Rule = Callable[[Any], list[Problem]]

#: The pydantic error type of a rule's problem. Unlike a field's own error, it does not make the values
#: it names unknown to other rules (a repeated team name is still a team name).
CROSS_FIELD = "cross_field"
_KNOWN_ERROR_TYPES = frozenset(typing.get_args(ErrorType))


class NestedProblems(ValueError):
    """Several problems found by one validator, each with its path relative to the validated value.

    Raise it from a field validator (or return the pairs from a rule); :class:`Section` turns each pair
    into its own error, at its own path.
    """

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("; ".join(message for _, message in self.problems))


class Unknown(Exception):  # noqa: N818 - a signal, not an error
    """Raised when a rule reads a value that failed its own validation: the rule is skipped."""


def error_message(error: ErrorDetails) -> str:
    """The message of one pydantic error as the config reports it (today's wording, not pydantic's)."""
    kind = error["type"]
    message = error["msg"].removeprefix("Value error, ")
    if kind == "extra_forbidden":
        return "unknown key; check the spelling against docs/config.md"
    if kind == "missing":
        return "required key is missing"
    if "input" in error and kind not in ("value_error", "assertion_error", CROSS_FIELD):
        return f"{message} (got {error['input']!r})"
    return message


# --------------------------------------------------------------------------------------------------
# Values of a section that failed validation


class Partial:
    """What validated of a section's input, read like the section model.

    An attribute that validated returns its value as the model would hold it (defaults filled in,
    ``222222222222`` read as ``"222222222222"``); a nested section returns a ``Partial`` of it, a list
    of sections a list of them. An attribute that failed validation (its own check, or its type)
    raises :class:`Unknown`. Methods and properties of the model run on the view, so a rule may call
    ``values.network.azs()``.
    """

    __slots__ = ("_data", "_errors", "_failed", "_model")

    def __init__(self, model: type[BaseModel], data: Mapping[str, Any], errors: list[ErrorDetails]):
        self._model = model
        self._data = data
        #: Every error below this section (loc, message), rule problems included.
        self._errors = errors
        #: Paths whose own validation failed (not rule problems).
        self._failed = {tuple(e["loc"]) for e in errors if e["type"] != CROSS_FIELD}

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        field = self._model.model_fields.get(name)
        if field is None:
            return self._method(name)
        if (name,) in self._failed:
            raise Unknown(name)
        if name not in self._data:
            if field.is_required():
                raise Unknown(name)
            return field.get_default(call_default_factory=True)
        below = [_below(e, 1) for e in self._errors if tuple(e["loc"])[:1] == (name,)]
        return _value(self._model, name, self._data[name], below)

    def _method(self, name: str) -> Any:
        # Only what the config's own section classes define, never pydantic's BaseModel API.
        for klass in self._model.__mro__:
            if klass in (Section, BaseModel, object) or name not in vars(klass):
                continue
            attribute = inspect.getattr_static(klass, name)
            if isinstance(attribute, property) and attribute.fget is not None:
                return attribute.fget(self)
            if isinstance(attribute, types.FunctionType):
                return types.MethodType(attribute, self)
            if isinstance(attribute, (staticmethod, classmethod)):
                return getattr(self._model, name)
            break
        raise AttributeError(f"{self._model.__name__} has no attribute {name!r}")

    def raw(self) -> Mapping[str, Any]:
        """The section's input as given."""
        return self._data

    def errors(self) -> list[ErrorDetails]:
        """The section's problems so far, with paths relative to it."""
        return list(self._errors)


def _below(error: ErrorDetails, depth: int) -> ErrorDetails:
    moved = dict(error)
    moved["loc"] = tuple(error["loc"])[depth:]
    return typing.cast(ErrorDetails, moved)


def section_class(annotation: Any) -> tuple[str, type[BaseModel]] | None:
    """("one", M) for ``M`` or ``M | None``, ("list", M) for ``list[M]``, where M is a section."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "one", annotation
    origin = typing.get_origin(annotation)
    if origin is list and args and isinstance(args[0], type) and issubclass(args[0], BaseModel):
        return "list", args[0]
    if origin in (typing.Union, types.UnionType) and len(args) == 1:
        return section_class(args[0])
    return None


@cache
def _adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any]:
    field = model.model_fields[name]
    annotation: Any = Annotated[(field.annotation, *field.metadata)] if field.metadata else field.annotation
    return TypeAdapter(annotation)


def _value(model: type[BaseModel], name: str, raw: Any, errors: list[ErrorDetails]) -> Any:
    nested = section_class(model.model_fields[name].annotation)
    if nested is not None and raw is not None:
        kind, section = nested
        if kind == "one" and isinstance(raw, Mapping):
            return Partial(section, raw, errors)
        if kind == "list" and isinstance(raw, list):
            return [_item(section, item, [_below(e, 1) for e in errors if tuple(e["loc"])[:1] == (index,)])
                    for index, item in enumerate(raw)]
        raise Unknown(name)
    if any(e["type"] != CROSS_FIELD for e in errors):
        raise Unknown(name)
    try:
        return _adapter(model, name).validate_python(raw)
    except ValidationError:  # e.g. a nested value whose own rules failed; the error is reported already
        raise Unknown(name) from None


class _Unreadable:
    """A list item that is not a mapping: every read is unknown."""

    def __getattr__(self, name: str) -> Any:
        raise Unknown(name)


def _item(section: type[BaseModel], item: Any, errors: list[ErrorDetails]) -> Any:
    if not isinstance(item, Mapping) or any(tuple(e["loc"]) == () for e in errors):
        return _Unreadable()
    return Partial(section, item, errors)


def each_item(items: list[Any], check: Callable[[int, Any], list[Problem]]) -> list[Problem]:
    """``check(index, item)`` for every item of a list; an item whose values are unknown is skipped alone
    (one broken entry does not silence a rule for the others)."""
    problems: list[Problem] = []
    for index, item in enumerate(items):
        try:
            problems += check(index, item)
        except Unknown:
            continue
    return problems


# --------------------------------------------------------------------------------------------------
# The base class


def _detail(error: ErrorDetails) -> InitErrorDetails:
    """A pydantic error as it can be raised again."""
    kind = error["type"]
    if kind not in _KNOWN_ERROR_TYPES:
        custom = PydanticCustomError(kind, "{message}", {"message": error["msg"]})
        return InitErrorDetails(type=custom, loc=tuple(error["loc"]), input=error.get("input"))
    detail = InitErrorDetails(type=typing.cast(ErrorType, kind), loc=tuple(error["loc"]),
                              input=error.get("input"))
    if "ctx" in error:
        detail["ctx"] = error["ctx"]
    return detail


def _expanded(error: ErrorDetails) -> list[InitErrorDetails]:
    """A :class:`NestedProblems` error becomes one error per problem, at its own path."""
    nested = (error.get("ctx") or {}).get("error")
    if error["type"] != "value_error" or not isinstance(nested, NestedProblems):
        return [_detail(error)]
    loc = tuple(error["loc"])
    return [InitErrorDetails(type="value_error", loc=loc + tuple(path), input=error.get("input"),
                             ctx={"error": ValueError(message)})
            for path, message in nested.problems]


def problem_details(problems: list[Problem], data: Any) -> list[InitErrorDetails]:
    """Rule problems as pydantic errors of type :data:`CROSS_FIELD`."""
    return [InitErrorDetails(type=PydanticCustomError(CROSS_FIELD, "{message}", {"message": message}),
                             loc=tuple(path), input=data)
            for path, message in problems]


class Section(BaseModel):
    """A config section: unknown keys are refused (they are typos more often than not), values are
    frozen, and :attr:`rules` run on every validation, also when a field failed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: The section's cross-field rules; each returns ``(path relative to the section, message)`` pairs.
    rules: ClassVar[tuple[Rule, ...]] = ()
    #: Keys that were removed or renamed → the message that says what to write instead. Reported at
    #: the key, while the rest of the section is still validated.
    removed_keys: ClassVar[Mapping[str, str]] = {}

    @classmethod
    def problems(cls, values: Any) -> list[Problem]:
        """Run :attr:`rules` on ``values`` (the section, or a :class:`Partial`); a rule that reads an
        unknown value is skipped."""
        found: list[Problem] = []
        for rule in cls.rules:
            try:
                found += rule(values)
            except Unknown:
                continue
        return list(dict.fromkeys(found))

    @model_validator(mode="wrap")
    @classmethod
    def _check_section(cls, data: Any, handler: Callable[[Any], Section]) -> Section:
        removed: list[Problem] = []
        if isinstance(data, Mapping) and cls.removed_keys and any(k in data for k in cls.removed_keys):
            removed = [((key,), message) for key, message in cls.removed_keys.items() if key in data]
            data = {k: v for k, v in data.items() if k not in cls.removed_keys}
        try:
            section = handler(data)
        except ValidationError as error:
            errors = error.errors()
            details = [d for e in errors for d in _expanded(e)] + problem_details(removed, data)
            if isinstance(data, Mapping):
                flat = ValidationError.from_exception_data(cls.__name__, details).errors()
                details += problem_details(cls.problems(Partial(cls, data, flat)), data)
            raise ValidationError.from_exception_data(cls.__name__, details) from None
        found = removed + cls.problems(section)
        if found:
            raise ValidationError.from_exception_data(cls.__name__, problem_details(found, data))
        return section
