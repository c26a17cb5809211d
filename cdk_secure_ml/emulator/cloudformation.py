"""CloudFormation itself: how a stack operation creates, updates, replaces, deletes and fails, as AWS
documents it, where moto 5.2 does something simpler.

What moto does, and what the emulator does instead (each AWS behaviour is a line of
:mod:`cdk_secure_ml.core.aws_behaviours`):

- **A resource that fails.** moto lets the exception escape the API call and leaves the stack
  ``*_IN_PROGRESS``. Here the failed resource gets a ``CREATE_FAILED`` / ``UPDATE_FAILED`` /
  ``DELETE_FAILED`` event with the error as its reason, and the stack ends ``ROLLBACK_COMPLETE`` (a
  failed create is rolled back: what was created is deleted), ``UPDATE_ROLLBACK_COMPLETE`` (the stack
  keeps its previous template; resources already changed are not restored, the one simplification) or
  ``DELETE_FAILED``. The cdk CLI then fails the deploy and prints the reason, as against AWS.
- **Updates.** moto compares raw templates, so a resource whose properties only *refer* to a
  replaced resource is not updated, and it deletes removed resources before it creates new ones. Here
  every resource is compared by its resolved properties, in dependency order; removed and replaced
  resources are deleted in a cleanup phase after every create and update, and ``DeletionPolicy`` /
  ``UpdateReplacePolicy: Retain`` keep them.
- **Replacement.** A change to a create-only property (the resource type's provider schema, as shipped
  with cfn-lint) replaces the resource: the new one is created first. An update that would replace a
  resource whose custom name stays the same is refused, as CloudFormation refuses it.
- **Exports.** moto registers exports only for CreateStack; here change sets register them too, and a
  stack whose export another stack imports cannot be deleted, nor can the export be removed or changed.
- ``Fn::GetStackOutput`` (CDK's weak cross-stack references) is resolved from the named stack's
  outputs (same account and region).

The replaced logical ids of the last update of a stack are kept on its resource map
(:func:`replaced_resources`), and what a delete or cleanup retained (:func:`retained_resources`), so
the demo can report them.

Longer than 600 lines because every patch of moto's stack operations (create, update, cleanup,
rollback, delete, exports, change sets) shares the same private helpers and per-stack state; split,
they would import each other's internals.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import logging
from dataclasses import dataclass, field
from typing import Any

from .refusals import refuse

KEY = "Fn::GetStackOutput"
#: moto's number of passes over resources whose deletion failed on a dependency.
_DELETE_PASSES = 5


class ResourceFailed(Exception):
    """A resource of a stack operation failed: which one, in which operation, and why."""

    def __init__(self, logical_id: str, resource_type: str, operation: str, cause: BaseException) -> None:
        self.logical_id = logical_id
        self.resource_type = resource_type
        self.operation = operation
        self.cause = cause
        super().__init__(f"{operation} {logical_id} ({resource_type}): {reason_of(cause)}")

    @property
    def reason(self) -> str:
        return reason_of(self.cause)


def reason_of(error: BaseException) -> str:
    """The text CloudFormation would show as ResourceStatusReason."""
    if isinstance(error, ResourceFailed):
        return error.reason
    code = getattr(error, "code", None) or getattr(error, "error_type", None)
    message = getattr(error, "message", None) or str(error)
    return (
        f"{message} (Service: {code})"
        if isinstance(code, str) and code
        else f"{type(error).__name__}: {message}"
    )


@dataclass
class StackOperation:
    """What one stack operation did, by logical id (kept on the resource map and in :data:`OPERATIONS`).

    ``kind``: ``UPDATE`` (a create through a change set is an update of an empty stack) or ``DELETE``.
    ``retained``: (logical id, type, physical id) kept by DeletionPolicy / UpdateReplacePolicy Retain.
    """

    stack: str
    kind: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    retained: list[tuple[str, str, str]] = field(default_factory=list)
    #: Cleanup-phase deletes that failed: they leave the old resource behind but do not fail the update.
    cleanup_failed: list[ResourceFailed] = field(default_factory=list)


#: Every stack operation of this process, in order (the demo reports an update and a teardown from it).
OPERATIONS: list[StackOperation] = []


def _operation(resources_map: Any, kind: str) -> StackOperation:
    operation = StackOperation(str(resources_map["AWS::StackName"]), kind)
    resources_map._emulator_operation = operation
    OPERATIONS.append(operation)
    return operation


# --------------------------------------------------------------------------------------------------
# Resource provider schemas: create-only properties and the custom-name property


@functools.cache
def _schema(resource_type: str) -> dict[str, Any]:
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

    try:
        return PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", resource_type).schema
    except Exception:  # noqa: BLE001 - no schema (CDK metadata, custom types): nothing is create-only
        return {}


@functools.cache
def create_only_paths(resource_type: str) -> tuple[tuple[str, ...], ...]:
    """The create-only properties of ``resource_type`` as property paths (``("VpcConfig", "Subnets")``)."""
    paths = []
    for pointer in _schema(resource_type).get("createOnlyProperties", []):
        parts = pointer.split("/")[2:]  # "/properties/A/B" -> ["A", "B"]
        if parts and "*" not in parts:
            paths.append(tuple(parts))
    return tuple(paths)


@functools.cache
def name_property(resource_type: str) -> str | None:
    """The property that gives ``resource_type`` a custom physical name, if it has one.

    The create-only top-level property ``<Type>Name`` (``EndpointName``, ``RoleName``,
    ``StudioLifecycleConfigName``), else ``Name`` or the one create-only ``...Name`` that is the
    primary identifier (``AliasName``, ``LogGroupName``, ``BucketName``).
    """
    create_only = {p[0] for p in create_only_paths(resource_type) if len(p) == 1}
    type_name = resource_type.rsplit("::", 1)[-1]
    for candidate in (f"{type_name}Name", "Name"):
        if candidate in create_only:
            return candidate
    primary = [p.split("/")[2:] for p in _schema(resource_type).get("primaryIdentifier", [])]
    names = [p[0] for p in primary if len(p) == 1 and p[0] in create_only and p[0].endswith("Name")]
    # Nothing else: a name unique only within a parent (a scaling policy's PolicyName per scalable target)
    # does not collide when the parent changes, so it is no custom physical name.
    return names[0] if len(names) == 1 else None


def _at(properties: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        if not isinstance(properties, dict):
            return None
        properties = properties.get(part)
    return properties


def changed_create_only(resource_type: str, old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """The create-only properties whose value differs between ``old`` and ``new`` (resolved) properties."""
    return ["/".join(p) for p in create_only_paths(resource_type) if _at(old, p) != _at(new, p)]


# --------------------------------------------------------------------------------------------------
# Resources: create (remembering resolved properties), update (in place or replace)


def _properties(resource: Any) -> dict[str, Any] | None:
    return getattr(resource, "_emulator_properties", None)


def _remember(resource: Any, resource_json: dict[str, Any]) -> None:
    # str or slotted objects (moto's parameters): nothing to remember
    with contextlib.suppress(AttributeError, TypeError):
        resource._emulator_properties = copy.deepcopy(resource_json.get("Properties") or {})


def _create(
    logical_id: str, resource_json: dict[str, Any], resources_map: Any, account_id: str, region_name: str
) -> Any:
    """moto's parse_and_create_resource, remembering the resolved properties and naming a failure."""
    from moto.cloudformation import parsing

    condition = resource_json.get("Condition")
    if condition and not resources_map.lazy_condition_map[condition]:
        return None
    resource_type = resource_json["Type"]
    try:
        parsed = parsing.parse_resource_and_generate_name(logical_id, resource_json, resources_map)
        if not parsed:
            return None
        resource_class, cleaned, physical_name = parsed
        resource = resource_class.create_from_cloudformation_json(
            physical_name,
            cleaned,
            account_id,
            region_name,
            LogicalId=logical_id,
            StackId=resources_map.stack_id,
            ResourceType=resource_type,
        )
    except ResourceFailed:
        raise
    except Exception as error:
        raise ResourceFailed(logical_id, resource_type, "CREATE", error) from error
    return _settle(resource, resource_type, logical_id, cleaned)


def _settle(resource: Any, resource_type: str, logical_id: str, cleaned: dict[str, Any]) -> Any:
    """What moto's parser records on a created or updated resource, and the resolved properties it had."""
    resource.cf_resource_type = resource_type
    resource.logical_resource_id = logical_id
    _remember(resource, cleaned)
    return resource


def _update(
    logical_id: str,
    resources_map: Any,
    operation: StackOperation,
    cleanup: list[tuple[str, Any, dict[str, Any]]],
) -> None:
    """Update one resource whose resolved properties changed: in place, or by replacement."""
    from moto.cloudformation import parsing

    raw = resources_map._resource_json_map[logical_id]
    resource_type = raw["Type"]
    original = resources_map._parsed_resources[logical_id]
    old_properties = _properties(original)
    try:
        parsed = parsing.parse_resource_and_generate_name(logical_id, raw, resources_map)
        if not parsed:
            return
        resource_class, cleaned, new_name = parsed
        new_properties = cleaned.get("Properties") or {}
        if old_properties is not None and new_properties == old_properties:
            return
        changed = changed_create_only(resource_type, old_properties or {}, new_properties)
        if changed:
            name = name_property(resource_type)
            if name and name in new_properties and new_properties[name] == (old_properties or {}).get(name):
                refuse(
                    "cloudformation.custom-name-replacement",
                    "CloudFormation cannot update a stack when a custom-named resource requires replacing. "
                    f"Rename {new_properties[name]} and update the stack again (create-only properties "
                    f"changed: {', '.join(changed)})",
                )
            replacement = resource_class.create_from_cloudformation_json(
                new_name,
                cleaned,
                resources_map._account_id,
                resources_map._region_name,
                LogicalId=logical_id,
                StackId=resources_map.stack_id,
                ResourceType=resource_type,
            )
            # The updated template's UpdateReplacePolicy decides the old copy's fate.
            cleanup.append((logical_id, original, raw))
            operation.replaced.append(logical_id)
            new = replacement
        elif not getattr(resource_class.update_from_cloudformation_json, "__isabstractmethod__", False):
            new = resource_class.update_from_cloudformation_json(
                original_resource=original,
                new_resource_name=new_name,
                cloudformation_json=cleaned,
                account_id=resources_map._account_id,
                region_name=resources_map._region_name,
            )
            if new is None:
                new = original
            operation.updated.append(logical_id)
        else:
            operation.updated.append(logical_id)
            new = original  # moto models no update for this type: the properties are remembered only
    except ResourceFailed:
        raise
    except Exception as error:
        raise ResourceFailed(logical_id, resource_type, "UPDATE", error) from error
    resources_map._parsed_resources[logical_id] = _settle(new, resource_type, logical_id, cleaned)


def _references(value: Any) -> set[str]:
    """Logical ids (or parameters) that ``value`` refers to through Ref, Fn::GetAtt and Fn::Sub."""
    import re

    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "Ref" and isinstance(item, str):
                found.add(item)
            elif key == "Fn::GetAtt":
                target = item[0] if isinstance(item, list) else str(item).split(".", 1)[0]
                found.add(target)
            elif key == "Fn::Sub":
                text = item[0] if isinstance(item, list) else item
                if isinstance(text, str):
                    found |= {m.split(".", 1)[0] for m in re.findall(r"\$\{([^!}][^}]*)\}", text)}
                if isinstance(item, list) and len(item) > 1:
                    found |= _references(item[1])
            else:
                found |= _references(item)
    elif isinstance(value, list):
        for item in value:
            found |= _references(item)
    return found


def dependency_order(resources: dict[str, Any]) -> list[str]:
    """Logical ids of ``resources`` with every resource after what it refers to or DependsOn."""
    deps: dict[str, set[str]] = {}
    for logical_id, resource in resources.items():
        depends = resource.get("DependsOn", [])
        depends = [depends] if isinstance(depends, str) else list(depends)
        refs = _references({k: v for k, v in resource.items() if k != "DependsOn"})
        deps[logical_id] = {d for d in [*depends, *refs] if d in resources and d != logical_id}
    ordered: list[str] = []
    done: set[str] = set()

    def visit(logical_id: str, path: frozenset[str]) -> None:
        if logical_id in done or logical_id in path:
            return
        for dep in sorted(deps[logical_id]):
            visit(dep, path | {logical_id})
        done.add(logical_id)
        ordered.append(logical_id)

    for logical_id in resources:
        visit(logical_id, frozenset())
    return ordered


def _delete_all(
    resources_map: Any,
    items: list[tuple[str, Any, dict[str, Any]]],
    operation: StackOperation,
    policy_key: str,
) -> None:
    """Delete ``items`` (logical id, resource, its template JSON), retrying on dependency errors; keep
    those whose ``policy_key`` (DeletionPolicy or UpdateReplacePolicy) is Retain."""
    remaining = []
    for logical_id, resource, resource_json in items:
        if resource_json.get(policy_key) == "Retain":
            operation.retained.append((logical_id, resource_json["Type"], _physical_id(resource)))
        elif resource is not None and not isinstance(resource, str):
            remaining.append((logical_id, resource, resource_json))
    errors: dict[str, ResourceFailed] = {}
    for _ in range(_DELETE_PASSES):
        if not remaining:
            return
        failed = []
        errors = {}
        for logical_id, resource, resource_json in remaining:
            try:
                resources_map._delete_resource(resource, resource_json)
            except Exception as error:  # noqa: BLE001 - a dependency may go first; retried
                failed.append((logical_id, resource, resource_json))
                errors[logical_id] = ResourceFailed(logical_id, resource_json["Type"], "DELETE", error)
        remaining = failed
    if remaining:
        # CloudFormation names every resource that failed; the first carries the event.
        first = next(iter(errors.values()))
        if len(errors) > 1:
            others = "; ".join(f"{e.logical_id}: {e.reason}" for e in list(errors.values())[1:])
            first = ResourceFailed(
                first.logical_id,
                first.resource_type,
                "DELETE",
                RuntimeError(f"{first.reason} (also failed: {others})"),
            )
        raise first


def _physical_id(resource: Any) -> str:
    return str(getattr(resource, "physical_resource_id", "") or "")


def update_resource_map(
    self: Any, template: dict[str, Any], parameters: dict[str, Any] | None = None
) -> None:
    """ResourceMap.update as CloudFormation orders it: create and update in dependency order, then the
    cleanup phase (replaced and removed resources, Retain kept)."""
    operation = _operation(self, "UPDATE")
    previous_json = dict(self._resource_json_map)
    self._emulator_previous_json = previous_json
    diff = self.build_resource_diff(template, parameters)

    self._template = template
    if parameters:
        self.input_parameters = parameters
    self.load_mapping()
    self.load_parameters()
    self.load_conditions()
    self._resource_json_map = template["Resources"]

    cleanup: list[tuple[str, Any, dict[str, Any]]] = []
    for logical_id in dependency_order(template["Resources"]):
        condition = template["Resources"][logical_id].get("Condition")
        if condition and not self.lazy_condition_map[condition]:
            continue
        if self._parsed_resources.get(logical_id) is None:
            self._parsed_resources.pop(logical_id, None)
            _ = self[logical_id]  # new (or not created before): created through _create (moto's lazy map)
            operation.added.append(logical_id)
        else:
            _update(logical_id, self, operation, cleanup)

    # Cleanup phase: the old copies of replaced resources, then the resources left out of the template. A
    # failure here leaves the resource behind and is reported, but the update stands (as in CloudFormation).
    removed = [(name, self._parsed_resources.pop(name, None), previous_json[name]) for name in diff["Remove"]]
    operation.removed.extend(diff["Remove"])
    for items, policy in ((cleanup, "UpdateReplacePolicy"), (removed, "DeletionPolicy")):
        try:
            _delete_all(self, items, operation, policy)
        except ResourceFailed as error:
            operation.cleanup_failed.append(error)


def delete_resource_map(self: Any) -> None:
    """ResourceMap.delete: every resource but the retained ones, dependents first (retried)."""
    operation = _operation(self, "DELETE")
    items = []
    for logical_id in reversed(dependency_order(self._resource_json_map)):
        resource = self._parsed_resources.get(logical_id)
        if resource is None:
            continue
        items.append((logical_id, resource, self._resource_json_map[logical_id]))
    _delete_all(self, items, operation, "DeletionPolicy")
    for logical_id, _, resource_json in items:
        if resource_json.get("DeletionPolicy") != "Retain":
            self._parsed_resources.pop(logical_id, None)


def replaced_resources(stack: Any) -> list[str]:
    """Logical ids the last update of ``stack`` replaced."""
    operation = getattr(stack.resource_map, "_emulator_operation", None)
    return list(operation.replaced) if operation else []


def retained_resources(stack: Any) -> list[tuple[str, str, str]]:
    """(logical id, type, physical id) that the last update's cleanup or the delete of ``stack`` kept."""
    operation = getattr(stack.resource_map, "_emulator_operation", None)
    return list(operation.retained) if operation else []


# --------------------------------------------------------------------------------------------------
# Stack operations: failure, rollback, exports


def _event(
    stack: Any, logical_id: str, physical_id: str, resource_type: str, status: str, reason: str | None
) -> None:
    from moto.cloudformation.models import Event

    stack.events.append(
        Event(
            stack_id=stack.stack_id,
            stack_name=stack.name,
            logical_resource_id=logical_id,
            physical_resource_id=physical_id,
            resource_type=resource_type,
            resource_status=status,
            resource_status_reason=reason,
            resource_properties=None,
        )
    )


def _fail(stack: Any, operation: str, error: BaseException, previous: tuple[Any, Any] | None = None) -> None:
    """Record ``error`` on ``stack`` as CloudFormation would, and roll back."""
    from moto.core.exceptions import ServiceException

    cause = error.cause if isinstance(error, ResourceFailed) else error
    if not isinstance(cause, ServiceException):
        # Not an AWS error but a fault of moto or of an adapter: keep the traceback for whoever debugs it.
        logging.getLogger("emulator").warning("%s of stack %s failed", operation, stack.name, exc_info=error)
    if isinstance(error, ResourceFailed):
        _event(stack, error.logical_id, "", error.resource_type, f"{error.operation}_FAILED", error.reason)
        summary = (
            f"The following resource(s) failed to {operation.lower()}: [{error.logical_id}]. {error.reason}"
        )
    else:
        summary = reason_of(error)
    stack.stack_status_reason = summary
    if operation == "CREATE":
        stack._add_stack_event("ROLLBACK_IN_PROGRESS", resource_status_reason=summary)
        try:
            delete_resource_map(stack.resource_map)
        except Exception:  # noqa: BLE001 - CloudFormation would end ROLLBACK_FAILED
            stack.status = "ROLLBACK_FAILED"
            stack._add_stack_event("ROLLBACK_FAILED")
            return
        stack.status = "ROLLBACK_COMPLETE"
        stack._add_stack_event("ROLLBACK_COMPLETE")
    elif operation == "UPDATE":
        stack._add_stack_event("UPDATE_ROLLBACK_IN_PROGRESS", resource_status_reason=summary)
        if previous is not None:
            stack.template, json_map = previous
            stack._parse_template()
            stack.resource_map._template = stack.template_dict
            stack.resource_map._resource_json_map = json_map
        stack.status = "UPDATE_ROLLBACK_COMPLETE"
        stack._add_stack_event("UPDATE_ROLLBACK_COMPLETE")
    else:
        stack.status = "DELETE_FAILED"
        stack._add_stack_event("DELETE_FAILED", resource_status_reason=summary)


def _report_cleanup(stack: Any) -> None:
    """DELETE_FAILED events for what the update's cleanup phase could not delete."""
    operation = getattr(stack.resource_map, "_emulator_operation", None)
    for failure in getattr(operation, "cleanup_failed", []):
        _event(stack, failure.logical_id, "", failure.resource_type, "DELETE_FAILED", failure.reason)


def _importers(backend: Any, export_name: str, exclude: Any = None) -> list[str]:
    """Names of the stacks (other than ``exclude``) whose template imports ``export_name``."""
    import json

    needle = json.dumps({"Fn::ImportValue": export_name})
    names = []
    for stack in backend.stacks.values():
        if (
            stack is exclude
            or stack.status.startswith("DELETE_COMPLETE")
            or stack.status == "REVIEW_IN_PROGRESS"
        ):
            continue
        if needle in json.dumps(getattr(stack, "template_dict", {}) or {}):
            names.append(stack.name)
    return names


def _exports(stack: Any) -> dict[str, Any]:
    return {e.name: e.value for e in getattr(stack, "exports", []) or []}


def _check_exports(backend: Any, stack: Any, before: dict[str, Any], after: dict[str, Any] | None) -> None:
    """Refuse removing or changing an export that another stack imports (``after`` None: a delete)."""
    for name, value in before.items():
        users = _importers(backend, name, exclude=stack)
        if not users:
            continue
        if after is None or name not in after:
            refuse(
                "cloudformation.export-in-use",
                f"Export {name} cannot be deleted as it is in use by {', '.join(sorted(users))}",
            )
        if after[name] != value:
            refuse(
                "cloudformation.export-in-use",
                f"Cannot update export {name} as it is in use by {', '.join(sorted(users))}",
            )


def _register_exports(backend: Any, stack: Any) -> None:
    for name in [
        n for n, e in backend.exports.items() if getattr(e, "exporting_stack_id", None) == stack.stack_id
    ]:
        backend.exports.pop(name)
    for export in stack.exports:
        backend.exports[export.name] = export


def install() -> None:  # noqa: C901 (one small patch of moto per branch, in order)
    """Called once by :func:`emulator.server.install_adapters`."""
    from moto.cloudformation import models, parsing

    moto_clean_json = parsing.clean_json

    def clean_json(resource_json: Any, resources_map: Any) -> Any:
        if isinstance(resource_json, dict) and KEY in resource_json and len(resource_json) == 1:
            return _stack_output(resources_map, resource_json[KEY])
        return moto_clean_json(resource_json, resources_map)

    parsing.clean_json = clean_json
    parsing.parse_and_create_resource = _create
    parsing.ResourceMap.update = update_resource_map
    parsing.ResourceMap.delete = delete_resource_map

    def apply(self: models.ChangeSet) -> None:
        stack = self.stack
        backend = models.cloudformation_backends[stack.account_id][stack.region_name]
        before = _exports(stack)
        # moto builds a CREATE change set's stack without the region's exports: Fn::ImportValue would fail.
        stack.cross_stack_resources = stack.resource_map.cross_stack_resources = backend.exports
        stack.resource_map.update(
            self.template_dict, _previous_values(stack, self.template_dict, self.parameters)
        )
        stack.template = self.template
        stack._parse_template()
        stack.output_map = stack._create_output_map()
        _check_exports(backend, stack, before, _exports(stack))
        _register_exports(backend, stack)

    models.ChangeSet.apply = apply

    def create_resources(self: models.Stack) -> None:
        self.status = "CREATE_IN_PROGRESS"
        try:
            self.resource_map.create(self.template_dict)
        except Exception as error:  # noqa: BLE001 - the stack fails, the API call does not
            _fail(self, "CREATE", error)
            return
        self.description = self.template_dict.get("Description")
        self.mark_creation_complete()

    models.Stack.create_resources = create_resources

    def update(
        self: models.Stack,
        template: str,
        role_arn: str | None = None,
        parameters: dict[str, Any] | None = None,
        tags: dict[str, str] | None = None,
    ) -> None:
        backend = models.cloudformation_backends[self.account_id][self.region_name]
        previous = (self.template, dict(self.resource_map._resource_json_map))
        self._add_stack_event("UPDATE_IN_PROGRESS", resource_status_reason="User Initiated")
        try:
            before = _exports(self)
            self.template = template
            self._parse_template()
            self.resource_map.update(self.template_dict, parameters)
            self.output_map = self._create_output_map()
            _check_exports(backend, self, before, _exports(self))
            _register_exports(backend, self)
        except Exception as error:  # noqa: BLE001
            _fail(self, "UPDATE", error, previous)
            return
        _report_cleanup(self)
        self._add_stack_event("UPDATE_COMPLETE")
        self.status = "UPDATE_COMPLETE"
        self.role_arn = role_arn
        if parameters:
            self.parameters = parameters
        if tags is not None:
            self.tags = tags

    models.Stack.update = update

    def execute_change_set(
        self: models.CloudFormationBackend, change_set_name: str, stack_name: str | None = None
    ) -> None:
        change_set = _change_set(self, change_set_name, stack_name)
        stack = self.stacks[change_set.stack_id]
        operation = change_set.change_set_type  # CREATE | UPDATE
        previous = (stack.template, dict(stack.resource_map._resource_json_map))
        stack._add_stack_event(f"{operation}_IN_PROGRESS", resource_status_reason="User Initiated")
        stack.status = f"{operation}_IN_PROGRESS"
        change_set.execution_status = "EXECUTE_COMPLETE"
        try:
            change_set.apply()
        except Exception as error:  # noqa: BLE001 - the stack fails, ExecuteChangeSet does not
            change_set.execution_status = "EXECUTE_FAILED"
            _fail(stack, operation, error, previous)
            return
        _report_cleanup(stack)
        stack._add_stack_event(f"{operation}_COMPLETE")
        stack.status = f"{operation}_COMPLETE"
        stack.template = change_set.template
        # "After you execute a change set, CloudFormation removes all change sets associated with the stack."
        for key in [k for k, c in self.change_sets.items() if c.stack_id == stack.stack_id]:
            del self.change_sets[key]

    models.CloudFormationBackend.execute_change_set = execute_change_set
    _scope_change_sets_by_stack()

    def delete_stack(self: models.CloudFormationBackend, name_or_stack_id: str) -> None:
        stack = self.stacks.get(name_or_stack_id) or next(
            (s for s in self.stacks.values() if s.name == name_or_stack_id), None
        )
        if stack is None:
            return  # deleting a stack that does not exist succeeds
        stack._add_stack_event("DELETE_IN_PROGRESS", resource_status_reason="User Initiated")
        try:
            _check_exports(self, stack, _exports(stack), None)
            stack.resource_map.delete()
        except Exception as error:  # noqa: BLE001
            _fail(stack, "DELETE", error)
            return
        stack._add_stack_event("DELETE_COMPLETE")
        stack.status = "DELETE_COMPLETE"
        self.stacks.pop(stack.stack_id, None)
        self.deleted_stacks[stack.stack_id] = stack
        for export in stack.exports:
            self.exports.pop(export.name, None)

    models.CloudFormationBackend.delete_stack = delete_stack


def _previous_values(
    stack: Any, template: dict[str, Any], parameters: dict[str, Any] | None
) -> dict[str, Any] | None:
    """A change set's parameters with UsePreviousValue as CloudFormation means it: moto stores the previous
    *resolved* value, which for an ``AWS::SSM::Parameter::Value`` parameter (the cdk bootstrap version) is
    the parameter's value, not its name."""
    if not parameters:
        return parameters
    resolved = stack.resource_map.resolved_parameters
    previous = stack.resource_map.input_parameters or {}
    fixed = dict(parameters)
    for key, value in parameters.items():
        slot = (template.get("Parameters") or {}).get(key, {})
        if slot.get("Type", "").startswith("AWS::SSM::Parameter::") and value == resolved.get(key):
            # The previous input, or the default the previous deploy used.
            fixed[key] = previous.get(key, slot.get("Default", value))
    return fixed


def _change_set(backend: Any, name_or_arn: str, stack_name: str | None) -> Any:
    """The change set ``name_or_arn`` of ``stack_name`` (a name is unique per stack; moto ignores the stack
    and would return another stack's change set of the same name, e.g. ``cdk-deploy-change-set``)."""
    from moto.cloudformation.exceptions import CloudFormationError

    if name_or_arn in backend.change_sets:
        return backend.change_sets[name_or_arn]
    for change_set in backend.change_sets.values():
        if change_set.change_set_name == name_or_arn and (
            stack_name is None or stack_name in (change_set.stack.name, change_set.stack_id)
        ):
            return change_set
    # AWS: ChangeSetNotFoundException (code ChangeSetNotFound); the cdk CLI tells it from other errors.
    raise CloudFormationError("ChangeSetNotFoundException", f"ChangeSet [{name_or_arn}] does not exist")


def _scope_change_sets_by_stack() -> None:
    from moto.cloudformation.exceptions import CloudFormationError
    from moto.cloudformation.responses import CloudFormationResponse
    from moto.core.responses import ActionResult, EmptyResult

    def describe_change_set(self: CloudFormationResponse) -> Any:
        return ActionResult(
            _change_set(
                self.cloudformation_backend, self._get_param("ChangeSetName"), self._get_param("StackName")
            )
        )

    def delete_change_set(self: CloudFormationResponse) -> Any:
        # The cdk CLI deletes its previous change set before creating one; once executed it is gone.
        backend = self.cloudformation_backend
        try:
            change_set = _change_set(backend, self._get_param("ChangeSetName"), self._get_param("StackName"))
        except CloudFormationError:
            return EmptyResult()
        backend.change_sets.pop(change_set.change_set_id, None)
        return EmptyResult()

    def list_change_sets(self: CloudFormationResponse) -> Any:
        stack_name = self._get_param("StackName")
        summaries = [
            c
            for c in self.cloudformation_backend.change_sets.values()
            if stack_name in (c.stack.name, c.stack_id)
        ]
        return ActionResult({"Summaries": summaries})

    CloudFormationResponse.describe_change_set = describe_change_set
    CloudFormationResponse.delete_change_set = delete_change_set
    CloudFormationResponse.list_change_sets = list_change_sets


def _stack_output(resources_map: Any, spec: dict[str, Any]) -> Any:
    from moto.cloudformation import cloudformation_backends, parsing
    from moto.cloudformation.exceptions import ValidationError

    spec = parsing.clean_json(spec, resources_map)
    name, output = spec["StackName"], spec["OutputName"]
    region = spec.get("Region") or resources_map._region_name
    backend = cloudformation_backends[resources_map._account_id][region]
    for stack in backend.stacks.values():
        if stack.name == name and not stack.status.startswith("DELETE"):
            for item in stack.outputs or []:
                if item["OutputKey"] == output:
                    return item["OutputValue"]
            raise ValidationError(name, f"Stack {name} has no output {output}")
    raise ValidationError(name, f"Stack {name} does not exist (Fn::GetStackOutput)")
