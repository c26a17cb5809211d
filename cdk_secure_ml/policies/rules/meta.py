"""Rules about the check itself (SML-META-*): acknowledgements and what was not checked.

SML-META-1 and SML-META-2 read every resource's acknowledgements (:mod:`..acks`), whatever its type.
Their findings are never suppressed by an acknowledgement themselves (the runner sees to that).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from ..acks import METADATA_KEY, acknowledgements_of
from ..rule import RunContext, Violation, cannot_verify, fail, rule, warn
from ..template import Resource, Template, nested_template_path


@rule(
    "SML-META-1", "error", "Acknowledgements give a reason",
    any_resource=True, context=True, reads_properties=False,
    rationale=f"""An acknowledgement (Metadata.{METADATA_KEY}.acknowledge) without a reason cannot be
    reviewed; it does not suppress anything and is reported itself.""",
    remediation='Write {"rule": "SML-…", "reason": "why this deviation is acceptable"}.',
)  # fmt: skip
def acknowledgement_reason(resource: Resource, template: Template, run: RunContext) -> Iterator[Violation]:
    for problem in acknowledgements_of(resource, cdk=run.cdk_acknowledgements).problems:
        yield fail(problem)


@rule(
    "SML-META-2", "warning", "Acknowledgements name known rules",
    any_resource=True, context=True, reads_properties=False,
    rationale="""An acknowledgement of an unknown rule id is usually a typo: the finding it meant to
    accept still fails.""",
    remediation="Use a rule id from `secure-ml rules`.",
)  # fmt: skip
def acknowledgement_known(resource: Resource, template: Template, run: RunContext) -> Iterator[Violation]:
    for rule_id in acknowledgements_of(resource, cdk=run.cdk_acknowledgements).reasons:
        if rule_id not in run.known_rule_ids:
            yield warn(f"acknowledges unknown rule {rule_id!r}")


@rule(
    "SML-META-3", "warning", "Nested stack templates are checked too",
    types=("AWS::CloudFormation::Stack",), context=True,
    rationale="""A nested stack's resources are in its own template; unless that template is checked, its
    resources are not.""",
    remediation="""Pass the nested template to the check as well (a cdk.out directory includes CDK's
    *.nested.template.json).""",
)  # fmt: skip
def nested_stack(resource: Resource, template: Template, run: RunContext) -> Iterator[Violation]:
    asset = resource.metadata.get("aws:asset:path")
    if isinstance(asset, str) and os.path.basename(asset) in run.input_names:
        return
    local = nested_template_path(template, resource)
    if local is not None and os.path.normpath(str(local)) in run.input_files:
        return
    yield fail("the nested stack's template is not among the checked files: its resources were not checked")


@rule(
    "SML-META-4", "warning", "Every part of the template was read",
    any_resource=True, reads_properties=False,
    references=(
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/transform-aws-languageextensions.html",
        "https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-specification.html",
    ),
    rationale="""What the check cannot read it cannot judge: a transform it does not expand (a macro,
    AWS::Include, Fn::ForEach or SAM without the optional expanders), a resource that is not a mapping.
    Each is reported as "cannot verify", never passed in silence.""",
    remediation="""Install the expanders (pip install 'cdk-secure-ml[transforms]') for Fn::ForEach and
    SAM; for a macro or AWS::Include, check the processed template (aws cloudformation get-template
    --template-stage Processed).""",
)  # fmt: skip
def template_read(resource: Resource, template: Template) -> Iterator[Violation]:
    for logical_id, message in template.notes:
        if logical_id == resource.logical_id:
            yield cannot_verify(message)
