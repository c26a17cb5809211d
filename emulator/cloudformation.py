"""CloudFormation itself: two gaps of moto 5.2 that CDK apps hit, closed in the emulator process.

- ``Fn::GetStackOutput`` (what aws-cdk-lib emits for cross-stack references with
  ``@aws-cdk/core:defaultCrossStackReferences: weak``): moto leaves the intrinsic unresolved, so a
  role's PermissionsBoundary arrives as a dict and the deploy fails. Resolved here from the named
  stack's outputs (same account; ``Region``/``RoleArn`` of other accounts are not emulated).
- Change sets (the cdk CLI deploys through them): moto applies the resources of the new template
  but keeps the stack's old template and outputs, so a stack created by a change set has no outputs
  and ``Fn::GetStackOutput`` would find none. ``apply`` now also takes the template and rebuilds the
  outputs, as ``UpdateStack`` does.
"""

from __future__ import annotations

from typing import Any

KEY = "Fn::GetStackOutput"


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


def install() -> None:
    """Called once by :func:`emulator.server.install_adapters`."""
    from moto.cloudformation import models, parsing

    moto_clean_json = parsing.clean_json

    def clean_json(resource_json: Any, resources_map: Any) -> Any:
        if isinstance(resource_json, dict) and KEY in resource_json and len(resource_json) == 1:
            return _stack_output(resources_map, resource_json[KEY])
        return moto_clean_json(resource_json, resources_map)

    parsing.clean_json = clean_json

    def apply(self: models.ChangeSet) -> None:
        stack = self.stack
        stack.resource_map.update(self.template_dict, self.parameters)
        stack.template = self.template
        stack._parse_template()
        stack.output_map = stack._create_output_map()

    models.ChangeSet.apply = apply
