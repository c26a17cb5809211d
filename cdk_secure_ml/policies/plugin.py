"""``SecureMlChecks``: the rule catalogue as an AWS CDK policy validation plugin.

Register it once on the app; every synth then checks every template with the same engine and rules
as ``secure-ml check``::

    from aws_cdk import Validations
    from cdk_secure_ml.policies.plugin import SecureMlChecks

    Validations.of(app).add_plugins(SecureMlChecks())

With the app context ``@aws-cdk/core:failSynthOnValidationErrors`` true (and
``@aws-cdk/core:appMode`` ``inmemory`` for a Python app), ``app.synth()`` raises ``RuntimeError``
when an error-level finding is not acknowledged. Warning-level findings (including "cannot verify")
are reported but do not fail the synth on their own.

Acknowledging a finding: CDK matches acknowledgements against ``<plugin name>::<rule name>``, so the
id must be spelled with the plugin name ``cdk-secure-ml`` in front (verified with aws-cdk-lib 2.275:
a bare ``"SML-NET-1"`` suppresses nothing; CDK's report says "Acknowledge with
'cdk-secure-ml::SML-NET-1'")::

    Validations.of(construct).acknowledge(
        Acknowledgment(id="cdk-secure-ml::SML-NET-1", reason="why this deviation is acceptable")
    )

:func:`~cdk_secure_ml.policies.ids.ack_id` builds the id (it is re-exported here; import it from
:mod:`cdk_secure_ml.policies.ids`, which loads neither the rules nor the runner). An acknowledgement
applies to the construct and its children. CDK records it in the cloud assembly
(``aws:cdk:acknowledged-rules`` in ``<stack>.metadata.json``), and ``secure-ml check cdk.out`` honours
it there too (:mod:`.acks`), so CI and synth agree.
"""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
import jsii

from .findings import Report
from .ids import PLUGIN_NAME, ack_id
from .rules import CATALOGUE, RULES_BY_ID, Rule
from .runner import check_templates
from .template import Template, is_template, load_file


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("cdk-secure-ml")
    except Exception:  # noqa: BLE001 - not installed: report no version rather than fail synth
        return "0.0.0"


@jsii.implements(cdk.IPolicyValidationPlugin)
class SecureMlChecks:
    """The cdk-secure-ml rule catalogue (or ``rules``, a subset of it) as a CDK validation plugin."""

    def __init__(self, *, rules: Sequence[Rule] | None = None) -> None:
        self._rules: list[Rule] = list(CATALOGUE if rules is None else rules)

    @property
    def name(self) -> str:
        return PLUGIN_NAME

    @property
    def version(self) -> str:
        return _version()

    @property
    def rule_ids(self) -> list[str]:
        return [rule.id for rule in self._rules]

    def check(self, template_paths: Sequence[str]) -> Report:
        """Run the rules over templates, as ``validate`` does (without jsii types)."""
        templates = []
        for path in template_paths:
            data = load_file(path)
            if is_template(data):
                templates.append(Template(data, str(path)))
        return check_templates(templates, self._rules, cdk_acknowledgements=False)

    def validate(self, context: cdk.IPolicyValidationContext) -> cdk.PolicyValidationPluginReport:
        report = self.check(list(context.template_paths))
        # One violation per (rule, message): CDK prints each with the resources it applies to.
        grouped: dict[tuple[str, str, str], list[cdk.PolicyViolatingResource]] = {}
        for finding in report.findings:
            key = (finding.rule, finding.severity, finding.message)
            grouped.setdefault(key, []).append(
                cdk.PolicyViolatingResource(
                    resource_logical_id=finding.resource,
                    template_path=finding.file,
                    locations=[f"Resources/{finding.resource}/Properties"],
                )
            )
        violations = []
        for (rule_id, severity, message), resources in grouped.items():
            rule = RULES_BY_ID.get(rule_id)
            title = rule.title if rule else rule_id
            violations.append(
                cdk.PolicyViolation(
                    rule_name=rule_id,
                    description=f"[{rule_id}] {title}: {message}",
                    severity=severity,
                    fix=rule.remediation if rule else None,
                    violating_resources=resources,
                )
            )
        return cdk.PolicyValidationPluginReport(success=report.success, violations=violations)


__all__ = ["PLUGIN_NAME", "SecureMlChecks", "ack_id"]
