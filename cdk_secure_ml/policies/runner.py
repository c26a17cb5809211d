"""The runner: run rules over templates, apply acknowledgements, collect a :class:`~.findings.Report`.

The top layer of the policy engine: template loading (:mod:`.template`) → the rule type and the IAM
document model (:mod:`.rule`, :mod:`.iam_document`) → acknowledgement readers (:mod:`.acks`) → the
catalogue (:mod:`.rules`) → this module. ``secure-ml check``, the CDK plugin (:mod:`.plugin`) and the
tests call it; nothing below imports it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from .acks import acknowledgements_of
from .findings import CANNOT_VERIFY, Finding, ReadProblem, Report, Severity
from .ids import RULE_IDS
from .rule import Rule, RunContext
from .rules import CATALOGUE, rules_for_type
from .template import InputError, Resource, Template, TemplateError, discover
from .variants import Variant, dependencies, variants_of

__all__ = ["check_paths", "check_templates"]

#: The rule that reports what a template's reader could not read (:mod:`.rules.meta`).
TEMPLATE_READ = "SML-META-4"


def _run_order(rules: Sequence[Rule]) -> list[Rule]:
    """Rules that apply to any resource (the acknowledgement checks) first, then the others, each in
    the given order: a resource's findings list acknowledgement problems first."""
    return [r for r in rules if r.any_resource] + [r for r in rules if not r.any_resource]


def check_templates(
    templates: Sequence[Template], rules: Sequence[Rule] | None = None, *, cdk_acknowledgements: bool = True
) -> Report:
    """Run ``rules`` (default: the whole catalogue) over every resource of ``templates`` that is
    created (a resource whose ``Condition`` is known false is skipped).

    A finding whose rule the resource acknowledges with a reason goes to ``Report.acknowledged``; the
    SML-META findings (about acknowledgements themselves) are never suppressed. ``cdk_acknowledgements``
    False ignores acknowledgements recorded in a cloud assembly (the CDK plugin leaves those to CDK,
    which reports them as suppressed)."""
    selected = _run_order(CATALOGUE if rules is None else list(rules))
    context = RunContext(
        input_files=frozenset(os.path.normpath(t.file) for t in templates),
        known_rule_ids=RULE_IDS | {r.id for r in selected},
        cdk_acknowledgements=cdk_acknowledgements,
        templates=tuple(templates),
    )
    by_type: dict[str, list[Rule]] = {}
    findings: list[Finding] = []
    acknowledged: list[Finding] = []
    resources = 0
    for template in templates:
        findings += _template_notes(template, selected)
        for resource in template.resources.values():
            created = template.is_created(resource)
            variants = _variants_for(template, resource)
            if created is False and not variants:
                continue
            resources += 1
            if resource.type not in by_type:
                by_type[resource.type] = rules_for_type(resource.type, selected)
            reasons = acknowledgements_of(resource, cdk=cdk_acknowledgements).reasons
            found = [] if created is False else _check_resource(resource, by_type[resource.type], context)
            found += _variant_findings(
                resource, variants, by_type[resource.type], context, found, base_checked=created is not False
            )
            for finding in found:
                reason = reasons.get(finding.rule)
                if reason is not None and not finding.rule.startswith("SML-META-"):
                    acknowledged.append(finding.acknowledge(reason))
                else:
                    findings.append(finding)
    return Report(
        findings=findings, acknowledged=acknowledged, files=[t.file for t in templates], resources=resources
    )


def _template_notes(template: Template, rules: Sequence[Rule]) -> list[Finding]:
    """SML-META-4 findings for what could not be read that belongs to no resource of the template (a
    transform not expanded, an entry under Resources that is not a resource)."""
    if not any(r.id == TEMPLATE_READ for r in rules):
        return []
    return [
        Finding(
            TEMPLATE_READ, "warning", template.file, logical_id, "", CANNOT_VERIFY + message,
            line=template.resource_lines.get(logical_id),
        )  # fmt: skip
        for logical_id, message in template.notes
        if logical_id not in template.resources
    ]


def _variants_for(template: Template, resource: Resource) -> list[Variant]:
    """The variants of the template that change something this resource depends on."""
    variants, _ = variants_of(template)
    if not variants:
        return []
    parameters, conditions = dependencies(template, resource)
    return [v for v in variants if v.parameter in parameters or v.condition in conditions]


def _variant_findings(
    resource: Resource,
    variants: list[Variant],
    rules: list[Rule],
    context: RunContext,
    base: list[Finding],
    *,
    base_checked: bool = True,
) -> list[Finding]:
    """Findings the resource gets under a variant and not as written, each naming its variant; a base
    "cannot verify" that every variant settles is dropped from ``base`` (the variants judged the value).
    ``base_checked``: the rules ran on the resource as written (False: its condition is false there)."""
    if not variants:
        return []
    if base_checked:
        # A rule that reads no Properties (the acknowledgement and template-read checks) reads nothing a
        # variant changes: its findings on a variant are the base's, which the comparison below drops. It
        # still runs on the variants of a resource that exists only in them.
        rules = [r for r in rules if r.reads_properties]
    judged_by_variants = {r.id for r in rules}
    seen = {(f.rule, f.message) for f in base}
    judged = {f.rule for f in base}
    extra: list[Finding] = []
    deploy_time: list[Finding] = []
    unsettled: set[str] = set()
    for variant in variants:
        twin = variant.template.resources[resource.logical_id]
        if variant.template.is_created(twin) is False:
            continue
        for finding in _check_resource(twin, rules, context):
            if finding.message.startswith(CANNOT_VERIFY) and variant.condition:
                unsettled.add(finding.rule)
            if variant.deploy_time:
                # What a free-form parameter feeds: only its "cannot verify", and only for a rule the
                # default passed (a default that already fails is reported as it is).
                if finding.message.startswith(CANNOT_VERIFY) and finding.rule not in judged:
                    judged.add(finding.rule)
                    deploy_time.append(_naming(finding, variant))
            elif (finding.rule, finding.message) not in seen:
                seen.add((finding.rule, finding.message))
                extra.append(replace(finding, message=f"{finding.message} (when {variant.label})"))
    settled = [
        f for f in base if f.message.startswith(CANNOT_VERIFY) and f.rule not in unsettled
        and f.rule in judged_by_variants and any(v.condition for v in variants)
    ]  # fmt: skip
    for finding in settled:
        base.remove(finding)
    return [f for f in extra if not f.message.startswith(CANNOT_VERIFY)] + deploy_time


def _naming(finding: Finding, variant: Variant) -> Finding:
    """A deploy-time variant's finding, naming the parameter when the rule's message does not."""
    if f"Ref {variant.parameter} " in finding.message:
        return finding
    return replace(finding, message=f"{finding.message} (when {variant.label})")


def _check_resource(resource: Resource, rules: list[Rule], context: RunContext) -> list[Finding]:
    found = []
    for rule in rules:
        for violation in rule.run(resource, resource.template, context):
            found.append(_finding(resource, rule.id, violation.severity or rule.severity, violation.message))
    return found


def _finding(resource: Resource, rule: str, severity: Severity, message: str) -> Finding:
    return Finding(
        rule,
        severity,
        resource.template.file,
        resource.logical_id,
        resource.type,
        message,
        line=resource.line,
    )


def check_paths(
    paths: Sequence[Path | str], rules: Sequence[Rule] | None = None, *, keep_going: bool = False
) -> Report:
    """Discover templates under ``paths`` and check them (default: the whole catalogue).

    Raises :class:`~.template.InputError` on bad input (:class:`~.template.TemplateError` naming the
    file and line when a file cannot be parsed). With ``keep_going`` a path or file that cannot be read
    goes to ``Report.problems`` instead, and every other file is still checked (only an empty ``paths``
    raises)."""
    if not keep_going:
        return check_templates(discover(paths), rules)
    errors: list[InputError] = []
    report = check_templates(discover(paths, errors), rules)
    report.problems = [_problem(error) for error in errors]
    return report


def _problem(error: InputError) -> ReadProblem:
    if isinstance(error, TemplateError):
        return ReadProblem(error.file, str(error), error.line, error.column)
    return ReadProblem(str(error).split(": ", 1)[0], str(error))
