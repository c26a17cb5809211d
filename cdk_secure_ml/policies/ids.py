"""Rule ids and acknowledgement ids, importable without the policy engine, the rules or aws_cdk.

A construct that acknowledges one of our rules needs only the id: importing this module loads nothing
else (``tests/policies/test_policy_ids.py`` checks it in a fresh interpreter). The catalogue
(:mod:`cdk_secure_ml.policies.rules`) must define exactly :data:`RULE_IDS`; a test compares the two.

Rule ids are ``SML-<AREA>-<n>`` and never change meaning once published: acknowledgements refer to them.
"""

from __future__ import annotations

__all__ = ["AREAS", "AREA_NAMES", "PLUGIN_NAME", "RULE_IDS", "ack_id"]

#: The areas of the catalogue, in the order the catalogue and docs/rules.md list them.
AREA_NAMES: dict[str, str] = {
    "NET": "Network isolation",
    "ENC": "Encryption",
    "IAM": "Identity and access",
    "AUD": "Audit",
    "HOST": "Model hosting",
    "META": "Acknowledgements and coverage",
}
AREAS: tuple[str, ...] = tuple(AREA_NAMES)

#: Every rule id of the catalogue (live-only checks of ``secure-ml audit``, numbered from 101, are not
#: catalogue rules and are not here).
RULE_IDS: frozenset[str] = frozenset({
    "SML-NET-1", "SML-NET-2", "SML-NET-3", "SML-NET-4", "SML-NET-5", "SML-NET-6", "SML-NET-7", "SML-NET-8",
    "SML-NET-9", "SML-NET-10", "SML-NET-11", "SML-NET-12", "SML-NET-13", "SML-NET-14", "SML-NET-15",
    "SML-NET-16", "SML-NET-17", "SML-NET-18", "SML-NET-19", "SML-NET-20", "SML-NET-21", "SML-NET-22",
    "SML-NET-23", "SML-NET-24",
    "SML-ENC-1", "SML-ENC-2", "SML-ENC-3", "SML-ENC-4", "SML-ENC-5", "SML-ENC-6", "SML-ENC-7", "SML-ENC-8",
    "SML-ENC-9", "SML-ENC-10", "SML-ENC-11", "SML-ENC-12", "SML-ENC-13", "SML-ENC-14", "SML-ENC-15",
    "SML-ENC-16", "SML-ENC-17", "SML-ENC-18", "SML-ENC-19", "SML-ENC-20", "SML-ENC-21", "SML-ENC-22",
    "SML-ENC-23", "SML-ENC-24",
    "SML-IAM-1", "SML-IAM-2", "SML-IAM-3", "SML-IAM-4", "SML-IAM-5", "SML-IAM-6", "SML-IAM-7", "SML-IAM-8",
    "SML-IAM-9", "SML-IAM-10", "SML-IAM-11", "SML-IAM-12",
    "SML-AUD-1", "SML-AUD-2", "SML-AUD-3", "SML-AUD-4", "SML-AUD-5", "SML-AUD-6",
    "SML-HOST-1", "SML-HOST-2", "SML-HOST-3", "SML-HOST-4", "SML-HOST-5", "SML-HOST-6", "SML-HOST-7",
    "SML-META-1", "SML-META-2", "SML-META-3", "SML-META-4",
})  # fmt: skip

#: The name of the CDK validation plugin (``SecureMlChecks``). CDK matches an acknowledgement against
#: ``<plugin name>::<rule name>``, so CDK acknowledgement ids are ``cdk-secure-ml::SML-…``.
PLUGIN_NAME = "cdk-secure-ml"


def ack_id(rule_id: str) -> str:
    """The id to pass to ``aws_cdk.Acknowledgment`` for one of our rules: ``cdk-secure-ml::SML-…``.

    Raises ``ValueError`` for an id that is not in the catalogue (a typo would suppress nothing).
    """
    if rule_id not in RULE_IDS:
        raise ValueError(f"unknown rule id {rule_id!r}; see `secure-ml rules`")
    return f"{PLUGIN_NAME}::{rule_id}"
