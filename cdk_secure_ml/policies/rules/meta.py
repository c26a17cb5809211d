"""Rules about the check itself (SML-META-*): acknowledgements and what was not checked.

SML-META-1 and SML-META-2 are evaluated by the engine (they read resource Metadata, whatever the
resource type); they are catalogued here so they are documented and reported like every rule.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from ..engine import METADATA_KEY, Resource, Template
from ._base import Violation, fail, rule


@rule(
    "SML-META-1", "error", "Acknowledgements give a reason",
    types=(),
    rationale=f"""An acknowledgement (Metadata.{METADATA_KEY}.acknowledge) without a reason cannot be
    reviewed; it does not suppress anything and is reported itself.""",
    remediation='Write {"rule": "SML-…", "reason": "why this deviation is acceptable"}.',
)  # fmt: skip
def acknowledgement_reason(resource: Resource, template: Template) -> Iterator[Violation]:
    return iter(())  # evaluated by the engine


@rule(
    "SML-META-2", "warning", "Acknowledgements name known rules",
    types=(),
    rationale="An acknowledgement of an unknown rule id is usually a typo: the finding it meant to accept still fails.",
    remediation="Use a rule id from `secure-ml rules`.",
)  # fmt: skip
def acknowledgement_known(resource: Resource, template: Template) -> Iterator[Violation]:
    return iter(())  # evaluated by the engine


@rule(
    "SML-META-3", "warning", "Nested stack templates are checked too",
    types=("AWS::CloudFormation::Stack",),
    rationale="A nested stack's resources are in its own template; unless that template is checked, its resources are not.",
    remediation="Pass the nested template to the check as well (a cdk.out directory includes CDK's *.nested.template.json).",
)  # fmt: skip
def nested_stack(resource: Resource, template: Template) -> Iterator[Violation]:
    checked = {os.path.basename(f) for f in template.cache.get("input_files", ())}
    asset = resource.metadata.get("aws:asset:path")
    if isinstance(asset, str) and os.path.basename(asset) in checked:
        return
    yield fail("the nested stack's template is not among the checked files: its resources were not checked")
