"""GovernanceStack (every platform account) and OrganizationGuardrailsStack (management account)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aws_cdk import Annotations, CfnOutput, Duration, Stack
from aws_cdk import aws_kms as kms
from aws_cdk import aws_organizations as organizations
from aws_cdk import aws_s3 as s3
from constructs import Construct

from cdk_secure_ml.config import MAX_SCPS_PER_TARGET, GovernanceConfig, OrganizationConfig
from cdk_secure_ml.constructs.governance import Alerts, AuditTrail, ComplianceRules, ThreatDetection
from cdk_secure_ml.constructs.naming import pascal_case
from cdk_secure_ml.policies import scp
from cdk_secure_ml.stacks.foundation import retention_days

__all__ = ["GovernanceStack", "OrganizationGuardrailsStack"]

#: The Config rule the platform's SSE-S3 access-log buckets are known to fail: S3 server access logging
#: delivers only to SSE-S3 buckets, and the rule cannot exclude resources
#: (https://docs.aws.amazon.com/config/latest/APIReference/API_Scope.html).
ACCESS_LOGS_RULE = "s3-default-encryption-kms"

#: Where the organization policy types must be enabled (docs/governance.md, "Before the first deploy").
POLICY_TYPE_SOURCE = (
    "https://docs.aws.amazon.com/botocore/latest/reference/services/organizations/client/exceptions/"
    "PolicyTypeNotEnabledException.html"
)


class GovernanceStack(Stack):
    """Audit trail, Config rules, GuardDuty and alerts for one account and region.

    :param logs_key: the Foundation stack's logs key: encrypts the trail's log files (local archive),
        its CloudWatch Logs copy and the Config delivery bucket.
    :param data_event_buckets: buckets whose S3 data events the trail logs (when the config says so).
    :param access_log_buckets: the SSE-S3 server-access-log buckets of other stacks (the Foundation's):
        their known ``s3-default-encryption-kms`` result is not alerted.

    Attributes:

    - ``audit_trail`` (``AuditTrail``).
    - ``compliance`` (``ComplianceRules``).
    - ``threat_detection`` (``ThreatDetection``).
    - ``alerts`` (``Alerts``).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        governance: GovernanceConfig,
        logs_key: kms.IKey,
        data_event_buckets: Sequence[s3.IBucket] = (),
        access_log_buckets: Sequence[s3.IBucket] = (),
        trail_name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        gov = governance
        central = gov.central_log_archive
        # None: the config was built without a PlatformConfig to decide; a standalone account records itself.
        create_recorder = gov.config_recorder is not False
        create_detector = gov.guardduty_detector is not False
        self.audit_trail = AuditTrail(
            self,
            "AuditTrail",
            encryption_key=logs_key,
            trail_name=trail_name,
            central_bucket_name=central.bucket_name if central else None,
            central_key_arn=central.kms_key_arn if central else None,
            object_lock_retention=Duration.days(gov.object_lock_retention_days),
            object_lock_mode=gov.object_lock_mode,
            auditor_role_arns=gov.auditor_role_arns if not central else (),
            log_retention=retention_days(gov.trail_log_retention_days),
            s3_data_event_buckets=list(data_event_buckets) if gov.s3_data_events else [],
            lambda_data_events=gov.lambda_data_events,
        )
        archive = self.audit_trail.archive
        archive_logs = archive.server_access_logs_bucket if archive else None
        # Config gets its own bucket (no Object Lock), encrypted with the logs key; its access logs go
        # where the archive's go.
        self.compliance = ComplianceRules(
            self,
            "ComplianceRules",
            delivery_key=logs_key if create_recorder else None,
            server_access_logs_bucket=archive_logs if create_recorder else None,
            auditor_role_arns=gov.auditor_role_arns if create_recorder else (),
            create_recorder=create_recorder,
            exclude_rules=gov.disabled_config_rules,
        )
        if not create_recorder:
            Annotations.of(self.compliance).add_info(
                "governance.config_recorder is false: no Config recorder or delivery channel is created "
                "here. The Config rules evaluate only where the account already records (Control Tower's "
                "or the organization's recorder); PutConfigRule fails with "
                "NoAvailableConfigurationRecorderException in an account without one."
            )
        self.threat_detection = ThreatDetection(self, "ThreatDetection", create_detector=create_detector)
        known_log_buckets: dict[str, s3.IBucket] = {}
        for bucket in [*access_log_buckets, archive_logs,
                       self.compliance.dedicated_bucket.server_access_logs_bucket
                       if self.compliance.dedicated_bucket else None]:
            if bucket is not None:
                known_log_buckets.setdefault(bucket.node.path, bucket)
        accepted = {}
        if ACCESS_LOGS_RULE in self.compliance.rules and known_log_buckets:
            accepted[ACCESS_LOGS_RULE] = [b.bucket_name for b in known_log_buckets.values()]
        self.alerts = Alerts(
            self,
            "Alerts",
            emails=gov.alert_emails,
            guardduty_min_severity=gov.guardduty_min_severity,
            accepted_non_compliance=accepted,
        )
        CfnOutput(self, "TrailArn", value=self.audit_trail.trail_arn)
        CfnOutput(self, "AlertTopicArn", value=self.alerts.topic.topic_arn)


class OrganizationGuardrailsStack(Stack):
    """Organizations policies for ML accounts, attached to the OUs of the config. Deploy it in the
    management account (or a delegated policy administrator).

    Attaches ``sagemaker-network``, ``sagemaker-encryption`` and ``protect-audit``; ``region-allow-list``
    when regions are listed (all as one SCP with ``merge_scps``); and the AI services opt-out policy
    (not an SCP) when enabled.

    Before the first deploy (docs/governance.md): both policy types must be enabled in the organization's
    root (:data:`POLICY_TYPE_SOURCE`), and each OU must have room for the SCPs: AWS attaches at most 5 to
    one OU, counting those already there (``organization.attached_scps_per_target``). CloudFormation cannot
    see either; the stack warns at synth.

    Attributes:

    - ``policies`` (``dict[str, organizations.CfnPolicy]``): policy name -> SCP or AI opt-out policy.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        organization: OrganizationConfig,
        name_prefix: str = "secure-ml",
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        org = organization
        scps = org.scp_content()
        if org.platform_scp_count + org.attached_scps_per_target > MAX_SCPS_PER_TARGET:
            raise ValueError(
                f"OrganizationGuardrailsStack: {org.platform_scp_count} platform SCP(s) plus the "
                f"{org.attached_scps_per_target} already attached exceed the {MAX_SCPS_PER_TARGET} SCPs AWS "
                "allows per OU; set organization.merge_scps: true or free SCP slots on the OUs"
            )
        documents: dict[str, tuple[str, str, dict[str, Any]]] = {}  # id → (name, description, document)
        if org.merge_scps:
            # The first keeps the id "guardrails" (ids are public API); more only when one is over the limit.
            description = "; ".join(scp.POLICIES[n][1] for n in scps)
            for index, document in enumerate(scp.merged(scps), start=1):
                key = "guardrails" if index == 1 else f"guardrails-{index}"
                documents[key] = (key, description, document)
        else:
            documents.update({n: (n, scp.POLICIES[n][1], d) for n, d in scps.items()})
        if org.ai_services_opt_out:
            opt_out = "ai-services-opt-out"
            documents[opt_out] = (opt_out, scp.POLICIES[opt_out][1], scp.load_policy(opt_out))

        types = sorted({scp.SERVICE_CONTROL_POLICY}
                       | ({scp.AISERVICES_OPT_OUT_POLICY} if org.ai_services_opt_out else set()))
        Annotations.of(self).add_warning_v2(
            "secure-ml:organization-policy-types",
            f"Before deploying, enable the policy type(s) {', '.join(types)} in the organization's root "
            "(aws organizations enable-policy-type --root-id <r-...> --policy-type <TYPE>): CloudFormation "
            "cannot, and attaching fails with PolicyTypeNotEnabledException otherwise "
            f"({POLICY_TYPE_SOURCE})",
        )
        Annotations.of(self).add_warning_v2(
            "secure-ml:organization-scp-quota",
            f"Each target OU gets {org.platform_scp_count} SCP(s) here; "
            f"organization.attached_scps_per_target says {org.attached_scps_per_target} are attached "
            "already. Check with aws organizations list-policies-for-target --filter SERVICE_CONTROL_POLICY "
            "--target-id <ou>: more than "
            f"{MAX_SCPS_PER_TARGET} in all fails the attachment",
        )

        self.policies: dict[str, organizations.CfnPolicy] = {}
        for key, (name, description, document) in documents.items():
            self.policies[key] = organizations.CfnPolicy(
                self,
                pascal_case(key),
                name=f"{name_prefix}-{name}",
                type=scp.policy_type(name) if name in scp.POLICIES else scp.SERVICE_CONTROL_POLICY,
                description=description[:512],
                content=document,
                target_ids=list(org.target_ou_ids),
            )
