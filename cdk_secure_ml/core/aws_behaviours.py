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
    _b("cloudformation.deletion-policy-retain",
       "AWS CloudFormation",
       "A resource with DeletionPolicy Retain is kept (not deleted) when its stack is deleted or it leaves the "
       "template.",
       "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html"),

    # ---------------------------------------------------------------- AWS Config, Amazon GuardDuty, AWS Organizations
    # (governance: D1-D4, D11, S2, S5)


    # ---------------------------------------------------------------- SageMaker Studio, IAM for SageMaker
    # (studio and identity: E1-E4, E6, E9, E10, D7)
    _b("sagemaker.source-identity-needs-trust",
       "Amazon SageMaker AI",
       "With the domain's ExecutionRoleIdentityConfig set to USER_PROFILE_NAME, every execution role must allow "
       "sts:SetSourceIdentity in its trust policy, or job creation fails with AccessDeniedException or ValidationError.",
       "https://docs.aws.amazon.com/sagemaker/latest/dg/monitor-user-access-how-to.html",
       "E1"),
    _b("sagemaker.jobs-take-the-source-identity",
       "Amazon SageMaker AI",
       "Training and processing jobs created from a Studio session ingest the session's source identity, so the "
       "roles passed to them are assumed with it too.",
       "https://docs.aws.amazon.com/sagemaker/latest/dg/monitor-user-access.html",
       "E1"),
    _b("sagemaker.studio-private-space-permissions",
       "Amazon SageMaker AI",
       "Using private spaces in Studio needs CreateSpace/UpdateSpace/DeleteSpace and CreateApp/DeleteApp (scoped by "
       "sagemaker:OwnerUserProfileArn and sagemaker:SpaceSharingType), Describe and List on the domain, profile, "
       "spaces and apps, and AddTags on create, because Studio tags what it creates.",
       "https://docs.aws.amazon.com/sagemaker/latest/dg/studio-updated-jl-admin-guide-permissions.html",
       "E2"),
    _b("sagemaker.studio-policy-variables",
       "Amazon SageMaker AI",
       "Calls made from Studio carry the ${sagemaker:DomainId} and ${sagemaker:UserProfileName} policy variables, "
       "with which AmazonSageMakerFullAccess keeps spaces and their apps to the owner's profile.",
       "https://docs.aws.amazon.com/sagemaker/latest/dg/security-iam-awsmanpol.html",
       "E2"),
    _b("sagemaker.shared-space-runs-as-the-space-role",
       "Amazon SageMaker AI",
       "A shared space runs with the domain's space default execution role (DefaultSpaceSettings), one role for "
       "every user of the domain, while a private space runs with its owner's execution role.",
       "https://docs.aws.amazon.com/sagemaker/latest/dg/execution-roles-and-spaces.html",
       "E10"),
    _b("sagemaker-python-sdk.config-default-bucket-and-prefix",
       "SageMaker Python SDK",
       "SageMaker.PythonSDK.Modules.Session.DefaultS3Bucket and DefaultS3ObjectKeyPrefix in the SDK's config file "
       "set the bucket and key prefix the SDK uses when no S3 path is given, instead of sagemaker-<region>-<account>.",
       "https://sagemaker.readthedocs.io/en/stable/overview.html#configuring-and-using-defaults-with-the-sagemaker-python-sdk",
       "E3"),
    _b("sagemaker-python-sdk.config-tags",
       "SageMaker Python SDK",
       "Tags under SageMaker.<API>.Tags in the SDK's config file are appended to the tags of every create call of "
       "that API, the TrainingJob ones also to tuning jobs.",
       "https://sagemaker.readthedocs.io/en/stable/overview.html#configuring-and-using-defaults-with-the-sagemaker-python-sdk",
       "E4"),
    _b("sagemaker.no-volume-key-on-instance-storage",
       "Amazon SageMaker AI",
       "Training, processing and transform jobs refuse a VolumeKmsKeyId on instance types with local instance "
       "storage, whose volumes a hardware module encrypts.",
       "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProcessingClusterConfig.html",
       "E6"),
    _b("sagemaker-python-sdk.config-volume-key-on-instance-storage",
       "SageMaker Python SDK",
       "SDK v2 drops a config-supplied training VolumeKmsKeyId and endpoint-config KmsKeyId on the instance types it "
       "treats as instance-storage (families with a d, g5, g6, p5, trn1) but passes the processing, transform and "
       "monitoring volume keys of its config on whatever the type.",
       "https://github.com/aws/sagemaker-python-sdk/blob/v2.257.6/src/sagemaker/session.py",
       "E6"),
    _b("iam.set-operators-and-missing-keys",
       "AWS IAM",
       "ForAnyValue is false and ForAllValues true when the multivalued key is missing from the request, and a "
       "condition on a missing key is false except for a negated operator or an IfExists one.",
       "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html",
       "E6"),
    _b("iam.negated-operator-nor",
       "AWS IAM",
       "A negated condition operator with several values matches only a value that matches none of them (logical "
       "NOR), while a positive one matches any of them (OR).",
       "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html",
       "E6"),
    _b("sagemaker.execution-role-writes-job-logs",
       "Amazon SageMaker AI",
       "SageMaker writes job and endpoint logs to /aws/sagemaker/* as the execution role, which needs "
       "logs:CreateLogGroup, CreateLogStream, PutLogEvents and DescribeLogStreams.",
       "https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html",
       "E9"),
    _b("sagemaker-python-sdk.fit-streams-job-logs",
       "SageMaker Python SDK",
       "estimator.fit(logs=True) streams /aws/sagemaker/<Kind>Jobs into the notebook with the caller's credentials "
       "through DescribeLogStreams and GetLogEvents.",
       "https://github.com/aws/sagemaker-python-sdk/blob/v2.257.6/src/sagemaker/logs.py",
       "E9"),
    _b("sagemaker.vpc-job-eni-permissions-unconditioned",
       "Amazon SageMaker AI",
       "The ENI permissions of a processing job in a VPC must not be scoped by conditions or resource filters, or "
       "the validation during job creation fails.",
       "https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html"),
    _b("sagemaker.studio-lifecycle-config-immutable",
       "Amazon SageMaker AI",
       "A Studio lifecycle configuration has no update: every CloudFormation property of it requires replacement.",
       "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sagemaker-studiolifecycleconfig.html",
       "D7"),
    _b("sagemaker.studio-lifecycle-config-in-use",
       "Amazon SageMaker AI",
       "DeleteStudioLifecycleConfig fails while a running app uses the configuration or a domain or user profile "
       "still lists it in its settings.",
       "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DeleteStudioLifecycleConfig.html",
       "D7"),
    _b("sagemaker.studio-lifecycle-config-limits",
       "Amazon SageMaker AI",
       "A Studio lifecycle configuration's name is 1-63 letters, digits and single hyphens, and its base64 content "
       "at most 16384 characters.",
       "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateStudioLifecycleConfig.html",
       "M1"),
    _b("cloudformation.user-profile-settings-update-in-place",
       "AWS CloudFormation",
       "An AWS::SageMaker::UserProfile updates its UserSettings and Tags in place; a new DomainId, UserProfileName "
       "or single sign-on user replaces it.",
       "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sagemaker-userprofile.html",
       "D7"),
    _b("cloudformation.domain-settings-update-in-place",
       "AWS CloudFormation",
       "An AWS::SageMaker::Domain updates its default user and space settings in place; a new AuthMode, DomainName "
       "or KmsKeyId replaces it.",
       "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sagemaker-domain.html",
       "D7"),


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
