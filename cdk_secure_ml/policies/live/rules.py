"""The rules of the live audit: catalogue rules where the check is the same against an account, plus
the checks that exist only against a deployed account (:data:`LIVE_RULES`, numbered from 101).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..findings import Severity
from ..rules import RULES_BY_ID

__all__ = ["LIVE_RULES", "NOT_VERIFIED", "LiveRule", "severity_of", "title_of"]


@dataclass(frozen=True)
class LiveRule:
    """A check of the live audit that no template rule makes (the others reuse catalogue rules)."""

    id: str
    severity: Severity
    title: str
    remediation: str


#: Checks that exist only against a deployed account (no template rule says the same). Numbered from
#: 101 so they never collide with the catalogue.
LIVE_RULES: dict[str, LiveRule] = {
    r.id: r
    for r in (
        LiveRule("SML-AUD-101", "error", "A CloudTrail trail is logging in the region",
                 "Create a multi-region trail (AuditTrail) and keep it logging (StartLogging)."),
        LiveRule("SML-AUD-102", "error", "AWS Config records configuration changes",
                 "Create a configuration recorder and a delivery channel and start the recorder "
                 "(ComplianceRules)."),
        LiveRule("SML-AUD-103", "error", "GuardDuty is enabled",
                 "Create a GuardDuty detector with Enable: true (ThreatDetection)."),
        LiveRule("SML-AUD-104", "error", "Bedrock model invocation logging goes to an encrypted log group",
                 "Point the account's model invocation logging at a KMS-encrypted log group of the account "
                 "and Region (PrivateBedrock, docs/bedrock.md)."),
        LiveRule("SML-STUDIO-101", "error", "Studio spaces are private",
                 "Delete the shared space (DeleteApp, then DeleteSpace): it runs as one role for every team; "
                 "users work in their private spaces (docs/studio.md, \"Spaces\")."),
        LiveRule("SML-STUDIO-102", "error", "A private Studio space has an owner user profile",
                 "Delete the space and create it again with OwnershipSettings.OwnerUserProfileName."),
        LiveRule("SML-STUDIO-103", "warning", "A Studio space's EBS volume is within the domain's maximum",
                 "Lower the space's EbsVolumeSizeInGb (UpdateSpace) or raise studio.spaces."
                 "max_ebs_volume_size_gib."),
        LiveRule("SML-AUD-141", "error",
                 "A feature group's online store is encrypted with a customer managed key",
                 "Set OnlineStoreConfig.SecurityConfig.KmsKeyId to the platform's data key "
                 "(SecureFeatureStore); the key is create-only: create the group again under a new name."),
        LiveRule("SML-AUD-142", "error",
                 "A feature group's offline store is in the account's bucket, under its team's prefix, "
                 "with KMS",
                 "Put the offline store in the data bucket under <team>/feature-store with the data key "
                 "(SecureFeatureStore); the offline store is create-only: a new group, under a new name."),
        LiveRule("SML-HOST-101", "error", "Inference components are tagged with their team",
                 "Tag each inference component with the team tag (InferenceComponentEndpoint(tags=...); "
                 "ServingStack tags them with the endpoint's team)."),
        LiveRule("SML-ENC-101", "error",
                 "An MLflow tracking server's artifact store is a prefix of a bucket encrypted with a "
                 "customer-managed KMS key",
                 "Point ArtifactStoreUri at s3://<artifacts bucket>/<team>/mlflow/ of a bucket with SSE-KMS "
                 "and a customer key (MlflowTrackingServers, docs/mlflow.md)."),
        LiveRule("SML-IAM-101", "error",
                 "An MLflow tracking server's role is trusted by SageMaker of this account only",
                 "Trust only sagemaker.amazonaws.com, with Condition StringEquals aws:SourceAccount "
                 "(MlflowTrackingServers, docs/mlflow.md)."),
        LiveRule("SML-META-101", "warning", "The auditor could verify the service",
                 "Grant the auditor the read-only actions of docs/audit.md, then run the audit again."),
    )
}  # fmt: skip
#: A service the auditor could not ask (access denied, or another error): a warning, never a pass.
NOT_VERIFIED = "SML-META-101"


def severity_of(rule_id: str) -> Severity:
    """The severity of a live rule or of a catalogue rule. Raises ``KeyError`` for an unknown id."""
    if rule_id in LIVE_RULES:
        return LIVE_RULES[rule_id].severity
    return RULES_BY_ID[rule_id].severity


def title_of(rule_id: str) -> str:
    """The title of a live rule or of a catalogue rule. Raises ``KeyError`` for an unknown id."""
    if rule_id in LIVE_RULES:
        return LIVE_RULES[rule_id].title
    return RULES_BY_ID[rule_id].title
