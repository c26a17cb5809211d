"""ThreatDetection: the Amazon GuardDuty detector of the account and region."""

from __future__ import annotations

from aws_cdk import aws_guardduty as guardduty
from constructs import Construct

from cdk_secure_ml.core.governance import finding_frequency_problems
from cdk_secure_ml.core.problems import messages


class ThreatDetection(Construct):
    """Amazon GuardDuty: a detector analysing CloudTrail management events, VPC flow logs and DNS logs,
    with S3 protection (CloudTrail S3 data events) on.

    :param create_detector: default True. False where the organisation's delegated administrator
        manages GuardDuty for this account (only one detector per account and region exists);
        ``detector`` is then None and findings still reach this account's EventBridge.
    :param s3_protection: default True.
    :param finding_publishing_frequency: default ``FIFTEEN_MINUTES`` (the fastest); one of
        :data:`~cdk_secure_ml.core.governance.FINDING_PUBLISHING_FREQUENCIES`.
    :raises ValueError: an unknown frequency, or ``s3_protection=False`` without a detector to apply it to.

    Attributes:

    - ``detector`` (``guardduty.CfnDetector | None``): the detector (L1: aws-cdk-lib has no L2); None with
      ``create_detector=False``.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        create_detector: bool = True,
        s3_protection: bool = True,
        finding_publishing_frequency: str = "FIFTEEN_MINUTES",
    ) -> None:
        super().__init__(scope, construct_id)
        problems = messages(finding_frequency_problems(finding_publishing_frequency))
        if problems:
            raise ValueError("ThreatDetection: " + "; ".join(problems))
        self.detector: guardduty.CfnDetector | None = None
        if create_detector:
            # L1: aws-cdk-lib has no L2 for GuardDuty.
            self.detector = guardduty.CfnDetector(
                self,
                "Resource",
                enable=True,
                finding_publishing_frequency=finding_publishing_frequency,
                features=[
                    guardduty.CfnDetector.CFNFeatureConfigurationProperty(
                        name="S3_DATA_EVENTS", status="ENABLED" if s3_protection else "DISABLED"
                    )
                ],
            )
        elif not s3_protection:
            raise ValueError("ThreatDetection: s3_protection=False has no effect without create_detector")
