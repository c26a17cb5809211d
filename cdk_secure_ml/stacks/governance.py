"""GovernanceStack (every platform account) and OrganizationGuardrailsStack (management account)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aws_cdk import CfnOutput, Duration, Stack
from aws_cdk import aws_kms as kms
from aws_cdk import aws_organizations as organizations
from aws_cdk import aws_s3 as s3
from constructs import Construct

from cdk_secure_ml.config import GovernanceConfig, OrganizationConfig
from cdk_secure_ml.constructs.governance import Alerts, AuditTrail, ComplianceRules, ThreatDetection
from cdk_secure_ml.constructs.naming import pascal_case
from cdk_secure_ml.policies import scp
from cdk_secure_ml.stacks.foundation import retention_days

#: AWS Organizations allows 5 SCPs per target, FullAWSAccess included.
MAX_SCPS_PER_TARGET = 5


class GovernanceStack(Stack):
    """Audit trail, Config rules, GuardDuty and alerts for one account and region.

    :param logs_key: the Foundation stack's logs key: encrypts the trail's log files (local archive),
        its CloudWatch Logs copy and Config deliveries.
    :param data_event_buckets: buckets whose S3 data events the trail logs (when the config says so).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        governance: GovernanceConfig,
        logs_key: kms.IKey,
        data_event_buckets: Sequence[s3.IBucket] = (),
        trail_name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        gov = governance
        central = gov.central_log_archive
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
        self.compliance = ComplianceRules(
            self,
            "ComplianceRules",
            delivery_bucket=self.audit_trail.bucket if gov.config_recorder else None,
            delivery_key=self.audit_trail.log_file_key if gov.config_recorder and not central else None,
            create_recorder=gov.config_recorder,
            exclude_rules=gov.disabled_config_rules,
        )
        self.threat_detection = ThreatDetection(self, "ThreatDetection", create_detector=gov.guardduty_detector)
        self.alerts = Alerts(
            self,
            "Alerts",
            emails=gov.alert_emails,
            guardduty_min_severity=gov.guardduty_min_severity,
        )
        CfnOutput(self, "TrailArn", value=self.audit_trail.trail_arn)
        CfnOutput(self, "AlertTopicArn", value=self.alerts.topic.topic_arn)


class OrganizationGuardrailsStack(Stack):
    """Organizations policies for ML accounts, attached to the OUs of the config. Deploy it in the
    management account (or a delegated policy administrator).

    Attaches ``sagemaker-network``, ``sagemaker-encryption`` and ``protect-audit``; ``region-allow-list``
    when regions are listed; and the AI services opt-out policy (not an SCP) when enabled.
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
        documents: dict[str, dict[str, Any]] = {
            "sagemaker-network": scp.load_policy("sagemaker-network"),
            "sagemaker-encryption": scp.load_policy("sagemaker-encryption"),
            "protect-audit": scp.load_policy("protect-audit", exempt_principal_arns=list(org.exempt_principal_arns)),
        }
        if org.allowed_regions:
            documents["region-allow-list"] = scp.load_policy(
                "region-allow-list", allowed_regions=list(org.allowed_regions)
            )
        if org.ai_services_opt_out:
            documents["ai-services-opt-out"] = scp.load_policy("ai-services-opt-out")
        scp_count = sum(1 for n in documents if scp.policy_type(n) == scp.SERVICE_CONTROL_POLICY)
        if scp_count + 1 > MAX_SCPS_PER_TARGET:  # + FullAWSAccess
            raise ValueError(
                f"OrganizationGuardrailsStack: {scp_count} SCPs plus FullAWSAccess exceed the "
                f"{MAX_SCPS_PER_TARGET} SCPs AWS allows per OU; merge documents"
            )

        self.policies: dict[str, organizations.CfnPolicy] = {}
        for name, document in documents.items():
            construct_id_ = pascal_case(name)
            self.policies[name] = organizations.CfnPolicy(
                self,
                construct_id_,
                name=f"{name_prefix}-{name}",
                type=scp.policy_type(name),
                description=scp.POLICIES[name][1][:512],
                content=document,
                target_ids=list(org.target_ou_ids),
            )
