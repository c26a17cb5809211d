"""Alerts: EventBridge rules that send security and ML-operations events to an encrypted SNS topic."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from aws_cdk import RemovalPolicy, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from cdk_secure_ml.core.governance import email_problems, guardduty_severity_problems
from cdk_secure_ml.core.problems import messages

#: SageMaker EventBridge events that mean something failed: detail-type → (status field, values).
#: Endpoint events carry upper-case statuses in AWS's examples (``IN_SERVICE``) while the API uses
#: ``Failed``; both spellings are matched.
SAGEMAKER_FAILURE_EVENTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "SageMaker Training Job State Change": ("TrainingJobStatus", ("Failed",)),
    "SageMaker Processing Job State Change": ("ProcessingJobStatus", ("Failed",)),
    "SageMaker Transform Job State Change": ("TransformJobStatus", ("Failed",)),
    "SageMaker HyperParameter Tuning Job State Change": ("HyperParameterTuningJobStatus", ("Failed",)),
    "SageMaker Endpoint State Change": (
        "EndpointStatus", ("FAILED", "Failed", "UPDATE_ROLLBACK_FAILED", "UpdateRollbackFailed")),
    "SageMaker Model Package State Change": ("ModelPackageStatus", ("Failed",)),
}


class Alerts(Construct):
    """EventBridge rules that send security and ML-operations events to a KMS-encrypted SNS topic:

    - SageMaker training, processing, transform and tuning jobs, endpoints and model packages that fail
      (:data:`SAGEMAKER_FAILURE_EVENTS`), and model package approval-status changes;
    - AWS Config rules turning NON_COMPLIANT;
    - GuardDuty findings with severity >= ``guardduty_min_severity``.

    :param emails: addresses subscribed to the topic (each must confirm the subscription).
    :param encryption_key: the topic's key. Default: a dedicated key with rotation, whose policy lets
        EventBridge of this account publish.
    :param guardduty_min_severity: 1 to 10. Default 7 (high and critical).
    :param model_approval_changes: also notify when a model package is approved or rejected. Default True.
    :param accepted_non_compliance: Config rule name → resource ids whose NON_COMPLIANT result is known and
        accepted (e.g. the SSE-S3 access-log buckets under ``s3-default-encryption-kms``: S3 delivers
        server access logs only to SSE-S3 buckets). Config still records them; they are not alerted, so
        the alert stream carries only what needs a look. Filtered on the notification's
        ``configRuleName`` and ``resourceId``
        (https://docs.aws.amazon.com/config/latest/developerguide/example-config-rule-compliance-notification.html).
    :param sagemaker_failures, config_compliance, guardduty_findings: each family of rules above. Default
        True.
    :raises ValueError: every problem of the arguments at once (bad or repeated e-mails, a severity outside
        1-10, accepted_non_compliance without config_compliance or with an empty list).

    Attributes:

    - ``topic`` (``sns.Topic``): the encrypted topic the rules publish to; subscribe more endpoints or point
      alarms at it.
    - ``key`` (``kms.IKey``): the topic's key.
    - ``rules`` (``dict[str, events.Rule]``): name -> EventBridge rule.
    - ``emails`` (``tuple[str, ...]``): the subscribed addresses.
    - ``accepted_non_compliance`` (``dict[str, list[str]]``): Config rule -> resource ids not alerted.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        emails: Sequence[str] = (),
        encryption_key: kms.IKey | None = None,
        guardduty_min_severity: float = 7.0,
        model_approval_changes: bool = True,
        sagemaker_failures: bool = True,
        config_compliance: bool = True,
        guardduty_findings: bool = True,
        accepted_non_compliance: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        accepted = {rule: list(ids) for rule, ids in (accepted_non_compliance or {}).items() if ids}
        problems = []
        if accepted and not config_compliance:
            problems.append(
                "accepted_non_compliance filters the Config alert; it needs config_compliance=True"
            )
        empty = [rule for rule, ids in (accepted_non_compliance or {}).items() if not ids]
        if empty:
            problems.append(f"accepted_non_compliance lists no resource ids for {empty}; drop those rules")
        problems += messages(email_problems(emails) + guardduty_severity_problems(guardduty_min_severity))
        if problems:
            raise ValueError("Alerts: " + "; ".join(problems))

        stack = Stack.of(self)
        if encryption_key is None:
            encryption_key = kms.Key(
                self,
                "Key",
                description=f"SNS alert topic {self.node.path}",
                enable_key_rotation=True,
                removal_policy=RemovalPolicy.RETAIN,
            )
        self.key = encryption_key
        encryption_key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AllowEventBridgeToPublishEncrypted",
                principals=[iam.ServicePrincipal("events.amazonaws.com")],
                actions=["kms:GenerateDataKey*", "kms:Decrypt"],
                resources=["*"],
                conditions={"StringEquals": {"aws:SourceAccount": stack.account}},
            )
        )
        self.topic = sns.Topic(self, "Topic", master_key=encryption_key, enforce_ssl=True,
                               display_name="ML platform alerts")
        for email in emails:
            self.topic.add_subscription(subscriptions.EmailSubscription(email))
        self.emails = tuple(emails)
        self.rules: dict[str, events.Rule] = {}
        self._target = targets.SnsTopic(self.topic)
        if sagemaker_failures:
            for detail_type, (field, values) in SAGEMAKER_FAILURE_EVENTS.items():
                name = detail_type.removeprefix("SageMaker ").removesuffix(" State Change").replace(" ", "")
                pattern = events.EventPattern(source=["aws.sagemaker"], detail_type=[detail_type],
                                              detail={field: list(values)})
                self._rule(f"{name}Failed", f"{detail_type}: {field} {'/'.join(values)}", pattern)
        if model_approval_changes:
            self._rule("ModelPackageApprovalChanged", "A model package was approved or rejected",
                       events.EventPattern(source=["aws.sagemaker"],
                                           detail_type=["SageMaker Model Package State Change"],
                                           detail={"ModelApprovalStatus": ["Approved", "Rejected"]}))
        if config_compliance:
            self._rule("ConfigNonCompliant", "An AWS Config rule found a NON_COMPLIANT resource",
                       events.EventPattern(source=["aws.config"],
                                           detail_type=["Config Rules Compliance Change"],
                                           detail=_non_compliant(accepted)))
        self.accepted_non_compliance = accepted
        if guardduty_findings:
            self._rule("GuardDutyFinding", f"GuardDuty finding with severity >= {guardduty_min_severity:g}",
                       events.EventPattern(
                           source=["aws.guardduty"], detail_type=["GuardDuty Finding"],
                           detail={"severity": events.Match.greater_than_or_equal(guardduty_min_severity)},
                       ))

    def _rule(self, rule_id: str, description: str, pattern: events.EventPattern) -> None:
        self.rules[rule_id] = events.Rule(self, rule_id, description=description, event_pattern=pattern,
                                          targets=[self._target])


def _non_compliant(accepted: Mapping[str, Sequence[str]]) -> dict[str, object]:
    """The detail of a NON_COMPLIANT notification, minus the accepted rule/resource pairs."""
    detail: dict[str, object] = {"messageType": ["ComplianceChangeNotification"],
                                 "newEvaluationResult": {"complianceType": ["NON_COMPLIANT"]}}
    if accepted:
        # Any rule not listed; or a listed rule and a resource not accepted under it.
        detail["$or"] = [{"configRuleName": [{"anything-but": sorted(accepted)}]}] + [
            {"configRuleName": [name], "resourceId": [{"anything-but": list(ids)}]}
            for name, ids in sorted(accepted.items())
        ]
    return detail
