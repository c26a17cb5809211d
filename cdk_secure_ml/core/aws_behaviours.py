"""Every behaviour of AWS the platform relies on, one line each, with the page of AWS's documentation
that states it.

The platform's tests and its emulator used to encode the same beliefs about AWS, so a wrong belief
passed both (``shared/reviews/deployability-2026-11-30.md``). Each belief is now written down once,
here, with its source, and enforced wherever it can run:

- a test that depends on a behaviour carries ``@pytest.mark.aws_behaviour("<id>")``;
- an emulator check that refuses what AWS refuses calls ``emulator.refusals.refuse("<id>", ...)``.

``docs/aws-behaviours.md`` is generated from this table and from those two kinds of reference
(``python -m tools.aws_behaviours_doc``); a test keeps it current, fails on a reference to an unknown id,
and fails on a behaviour that nothing enforces.

To add a behaviour: verify it against AWS's documentation (the URL must state it), add a line to
:data:`BEHAVIOURS` under its service, mark the tests that rely on it, and regenerate the page.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class AwsBehaviour:
    """One behaviour of AWS.

    :param id: stable, ``<service>.<what>`` in lower case with hyphens; tests and the emulator refer to it.
    :param service: the AWS service (or tool) whose behaviour it is, as AWS names it.
    :param behaviour: one sentence: what AWS does or refuses.
    :param source: the URL of the AWS page (or AWS re:Post / SDK page) that states it.
    :param findings: ids of the review findings that relied on the opposite (``D1``, ``E5``, ...).
    """

    id: str
    service: str
    behaviour: str
    source: str
    findings: tuple[str, ...] = ()


def _b(id: str, service: str, behaviour: str, source: str, *findings: str) -> AwsBehaviour:
    return AwsBehaviour(id, service, behaviour, source, tuple(findings))


#: THE table. Grouped by service; ids are unique (a test checks it).
BEHAVIOURS: tuple[AwsBehaviour, ...] = (
    # ---------------------------------------------------------------- AWS CloudFormation
    _b("cloudformation.custom-name-replacement",
       "AWS CloudFormation",
       "An update that must replace a resource whose custom name stays the same fails; replacing it needs a new "
       "name (or a generated one).",
       "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-name.html",
       "D7", "D9"),
    _b("cloudformation.replacement-creates-first",
       "AWS CloudFormation",
       "A replacement creates the new resource first, points dependent resources at it, then deletes the old one "
       "in the cleanup phase.",
       "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-update-behaviors.html"),
    _b("cloudformation.create-only-properties",
       "AWS CloudFormation",
       "A change to a property that the resource type's schema lists as createOnlyProperties replaces the "
       "resource; other changes update it in place.",
       "https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-schema.html"),
    _b("cloudformation.failed-operation-rolls-back",
       "AWS CloudFormation",
       "When a resource fails, a stack create rolls back by deleting what it created (ROLLBACK_COMPLETE) and a "
       "stack update returns to the previous template (UPDATE_ROLLBACK_COMPLETE).",
       "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stack-failure-options.html"),
    _b("cloudformation.export-in-use",
       "AWS CloudFormation",
       "After another stack imports an exported output, the exporting stack cannot be deleted and the export "
       "cannot be changed or removed.",
       "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-importvalue.html",
       "S4"),
    _b("cloudformation.get-stack-output-weak",
       "AWS CloudFormation",
       "Fn::GetStackOutput is a weak reference: the producing stack may change or delete the output without the "
       "consumer being updated or blocked.",
       "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-getstackoutput.html",
       "S4"),
    _b("cloudformation.deletion-policy-retain",
       "AWS CloudFormation",
       "A resource with DeletionPolicy Retain is kept (not deleted) when its stack is deleted or it leaves the "
       "template.",
       "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html"),

    # ---------------------------------------------------------------- AWS Config, Amazon GuardDuty, AWS Organizations
    # (governance: D1-D4, D11, S2, S5)
    _b("config.delivery-bucket-no-object-lock",
       "AWS Config",
       "AWS Config does not support a delivery channel to an S3 bucket that has Object Lock enabled.",
       "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-config-deliverychannel.html",
       "D1"),
    _b("config.same-account-delivery-uses-recorder-role",
       "AWS Config",
       "AWS Config delivers to an S3 bucket of its own account by assuming the IAM role of the configuration "
       "recorder; it falls back to the config.amazonaws.com service principal only for a bucket of another account "
       "or with the service-linked role.",
       "https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-policy.html",
       "D2"),
    _b("config.recorder-role-delivery-permissions",
       "AWS Config",
       "The recorder's role needs s3:PutObject (with the bucket-owner-full-control ACL) on AWSLogs/<account>/* "
       "and s3:GetBucketAcl on the bucket, and kms:GenerateDataKey and kms:Decrypt on the delivery KMS key.",
       "https://docs.aws.amazon.com/config/latest/developerguide/iamrole-permissions.html",
       "D2"),
    _b("config.delivery-channel-needs-recorder",
       "AWS Config",
       "A delivery channel can be created only once a configuration recorder exists in the account and Region "
       "(NoAvailableConfigurationRecorderException).",
       "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-config-deliverychannel.html",
       "D3"),
    _b("config.one-recorder-per-region",
       "AWS Config",
       "An account has at most one customer managed configuration recorder per Region "
       "(MaxNumberOfConfigurationRecordersExceededException).",
       "https://docs.aws.amazon.com/config/latest/APIReference/API_PutConfigurationRecorder.html",
       "D4"),
    _b("config.one-delivery-channel-per-region",
       "AWS Config",
       "An account has at most one delivery channel per Region (MaxNumberOfDeliveryChannelsExceededException).",
       "https://docs.aws.amazon.com/config/latest/APIReference/API_PutDeliveryChannel.html",
       "D4"),
    _b("guardduty.one-detector-per-region",
       "Amazon GuardDuty",
       "An account has at most one GuardDuty detector per Region; CreateDetector fails where one exists, e.g. "
       "one the organization's delegated administrator enabled.",
       "https://docs.aws.amazon.com/guardduty/latest/APIReference/API_CreateDetector.html",
       "D4"),
    _b("organizations.policy-type-enabled-on-root",
       "AWS Organizations",
       "Policies of a type (SERVICE_CONTROL_POLICY, AISERVICES_OPT_OUT_POLICY) can be attached only after that "
       "type is enabled in the organization's root (PolicyTypeNotEnabledException).",
       "https://docs.aws.amazon.com/botocore/latest/reference/services/organizations/client/exceptions/"
       "PolicyTypeNotEnabledException.html",
       "D11"),
    _b("organizations.five-scps-per-target",
       "AWS Organizations",
       "At most 5 SCPs can be attached to one root, OU or account, counting every SCP attached there "
       "(FullAWSAccess and, e.g., Control Tower's).",
       "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html",
       "D11"),
    _b("cloudformation.fas-keys-with-service-role",
       "AWS CloudFormation",
       "CloudFormation makes every resource call with a forward access session, also when the stack has a service "
       "(execution) role, so aws:ViaAWSService and aws:CalledVia (cloudformation.amazonaws.com) are in the request "
       "context.",
       "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/fas-requests-and-permission-evaluation.html",
       "S2"),
    _b("iam.principal-arn-of-role-session",
       "AWS IAM",
       "For a role session, aws:PrincipalArn is the ARN of the role (arn:aws:iam::<account>:role/<path><name>), "
       "not of the session.",
       "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#"
       "condition-keys-principalarn",
       "S2", "D2"),
    _b("config.admin-access-rule-excludes-boundaries",
       "AWS Config",
       "The managed rule iam-policy-no-statements-with-admin-access takes excludePermissionBoundaryPolicy (boolean, "
       "default false); true leaves policies used as permissions boundaries out of the evaluation.",
       "https://docs.aws.amazon.com/config/latest/developerguide/iam-policy-no-statements-with-admin-access.html",
       "S5"),
    _b("config.s3-default-encryption-kms-no-exclusions",
       "AWS Config",
       "The managed rule s3-default-encryption-kms takes only kmsKeyArns and flags every bucket not encrypted with "
       "a KMS key; a rule's Scope can only include resources (types, one id, a tag), never exclude them.",
       "https://docs.aws.amazon.com/config/latest/APIReference/API_Scope.html",
       "S5"),
    _b("config.compliance-change-event-fields",
       "AWS Config",
       "A compliance change notification names the rule (configRuleName), the resource (resourceType, resourceId) "
       "and newEvaluationResult.complianceType.",
       "https://docs.aws.amazon.com/config/latest/developerguide/example-config-rule-compliance-notification.html",
       "S5"),


    # ---------------------------------------------------------------- SageMaker Studio, IAM for SageMaker
    # (studio and identity: E1-E4, E6, E9, E10, D7)


    # ---------------------------------------------------------------- SageMaker hosting, SNS, CloudWatch, Auto Scaling
    # (hosting: D8, D10, E5, E7, E8, M1-M4)


    # ---------------------------------------------------------------- CodePipeline, CodeBuild, VPC endpoints, EC2
    # (delivery and network: D5, D6, D9, S1, S3, M5, M6)


)


def by_id() -> dict[str, AwsBehaviour]:
    """The table keyed by id."""
    return {b.id: b for b in BEHAVIOURS}


def get(behaviour_id: str) -> AwsBehaviour:
    """The behaviour ``behaviour_id``.

    :raises KeyError: naming the id and the closest known ids.
    """
    table = by_id()
    try:
        return table[behaviour_id]
    except KeyError:
        import difflib

        close = difflib.get_close_matches(behaviour_id, table, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise KeyError(
            f"unknown AWS behaviour {behaviour_id!r}{hint} Add it to cdk_secure_ml/core/aws_behaviours.py "
            "with its documentation URL."
        ) from None


def services() -> Iterator[str]:
    """The services of the table, in table order, each once."""
    seen: set[str] = set()
    for b in BEHAVIOURS:
        if b.service not in seen:
            seen.add(b.service)
            yield b.service
