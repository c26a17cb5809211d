"""The policy packs the platform is held to, registered as CDK validation plugins: our rule pack
(:class:`~cdk_secure_ml.policies.plugin.SecureMlChecks`) and cdk-nag's four compliance packs."""

from __future__ import annotations

from aws_cdk import App, Validations
from cdk_nag import AwsSolutionsChecks, HIPAASecurityChecks, NagPack, NIST80053R5Checks, PCIDSS321Checks

#: Packs run on every synth of the reference app (docs/compliance.md).
COMPLIANCE_PACKS: tuple[type[NagPack], ...] = (
    AwsSolutionsChecks,
    HIPAASecurityChecks,
    NIST80053R5Checks,
    PCIDSS321Checks,
)


__all__ = ["add_compliance_packs", "compliance_packs"]


def compliance_packs(app: App) -> list[NagPack]:
    """New instances of every pack in :data:`COMPLIANCE_PACKS` for ``app``."""
    return [pack(app) for pack in COMPLIANCE_PACKS]


def add_compliance_packs(app: App, *, secure_ml_checks: bool = True) -> list[NagPack]:
    """Register the packs as synth-time validation plugins: ``cdk synth`` fails on a finding that is
    not acknowledged with ``Validations.of(construct).acknowledge(id=..., reason=...)``.

    :param secure_ml_checks: also register our rule pack, ``SecureMlChecks`` (default True; its findings are
        acknowledged with ``ack_id("SML-...")``, docs/rules.md). False registers cdk-nag's packs only.
    :returns: the cdk-nag packs registered.
    """
    if secure_ml_checks:
        from cdk_secure_ml.policies.plugin import SecureMlChecks  # the rule catalogue loads only when asked

        Validations.of(app).add_plugins(SecureMlChecks())
    packs = compliance_packs(app)
    Validations.of(app).add_plugins(*packs)
    return packs
